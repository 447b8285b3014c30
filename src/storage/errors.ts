// Storage failures, each carrying the Kafka error code a handler answers with
// (OffsetOutOfRangeException, CorruptRecordException, RecordTooLargeException,
// ... in Kafka). Disk I/O failures become KafkaStorageError.

import {ErrorCode, KafkaError} from '../protocol/errors.js'

export class OffsetOutOfRangeError extends KafkaError {
  override name = 'OffsetOutOfRangeError'
  constructor(message: string) {
    super(ErrorCode.OFFSET_OUT_OF_RANGE, message)
  }
}

export class CorruptRecordError extends KafkaError {
  override name = 'CorruptRecordError'
  constructor(message: string) {
    super(ErrorCode.CORRUPT_MESSAGE, message)
  }
}

export class InvalidRecordError extends KafkaError {
  override name = 'InvalidRecordError'
  constructor(message: string) {
    super(ErrorCode.INVALID_RECORD, message)
  }
}

/** One batch is larger than max.message.bytes. */
export class RecordTooLargeError extends KafkaError {
  override name = 'RecordTooLargeError'
  constructor(message: string) {
    super(ErrorCode.MESSAGE_TOO_LARGE, message)
  }
}

/** The whole append is larger than segment.bytes. */
export class RecordBatchTooLargeError extends KafkaError {
  override name = 'RecordBatchTooLargeError'
  constructor(message: string) {
    super(ErrorCode.RECORD_LIST_TOO_LARGE, message)
  }
}

export class InvalidTimestampError extends KafkaError {
  override name = 'InvalidTimestampError'
  constructor(message: string) {
    super(ErrorCode.INVALID_TIMESTAMP, message)
  }
}

export class PolicyViolationError extends KafkaError {
  override name = 'PolicyViolationError'
  constructor(message: string) {
    super(ErrorCode.POLICY_VIOLATION, message)
  }
}

export class InconsistentTopicIdError extends KafkaError {
  override name = 'InconsistentTopicIdError'
  constructor(message: string) {
    super(ErrorCode.INCONSISTENT_TOPIC_ID, message)
  }
}

export class KafkaStorageError extends KafkaError {
  override name = 'KafkaStorageError'
  constructor(message: string, options?: {cause?: unknown}) {
    super(ErrorCode.KAFKA_STORAGE_ERROR, message)
    if (options?.cause !== undefined) (this as {cause?: unknown}).cause = options.cause
  }
}

/** Offsets in a follower append go backwards or below the log end offset. */
export class UnexpectedAppendOffsetError extends KafkaError {
  override name = 'UnexpectedAppendOffsetError'
  constructor(
    message: string,
    readonly firstOffset: number,
    readonly lastOffset: number,
  ) {
    super(ErrorCode.UNKNOWN_SERVER_ERROR, message)
  }
}
