// Idempotent-producer state of one partition (Kafka's ProducerStateManager,
// ProducerStateEntry and ProducerAppendInfo): per producer id, its epoch and
// the metadata of its last five batches, which is what the broker needs to
// answer a retried batch without appending it twice and to reject a batch
// whose sequence leaves a gap.
//
// An append is checked in two steps so that nothing changes when the log
// refuses the batches: prepareAppend() validates the batch headers against the
// current state (or finds a duplicate), and commit() applies the result once
// the storage engine has assigned offsets. Only batch headers are read.
//
// Kafka restores this state from .snapshot files plus the log after them;
// here it is rebuilt on load by scanning the batch headers of the newest
// segments (rebuildFromLog), which reconstructs the same entries without
// snapshot files.

import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BATCH_LENGTH_OFFSET,
  CONTROL_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  TRANSACTIONAL_FLAG_MASK,
} from '../protocol/record-batch.js'
import {readInt64} from './batch-fields.js'

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN. */
export const NUM_BATCHES_TO_RETAIN = 5
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
const INT32_MAX = 2147483647

export interface BatchMetadata {
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
  /** The batch's max timestamp. */
  timestamp: number
}

export interface ProducerStateEntry {
  producerId: number
  producerEpoch: number
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[]
  lastTimestamp: number
  /** First offset of the producer's open transaction, -1 when none. */
  currentTxnFirstOffset: number
}

export class OutOfOrderSequenceError extends KafkaError {
  override name = 'OutOfOrderSequenceError'
  constructor(message: string) {
    super(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message)
  }
}

export class InvalidProducerEpochError extends KafkaError {
  override name = 'InvalidProducerEpochError'
  constructor(message: string) {
    super(ErrorCode.INVALID_PRODUCER_EPOCH, message)
  }
}

/** The producer fields of one batch header. */
export interface ProducerBatchInfo {
  producerId: number
  producerEpoch: number
  firstSeq: number
  lastSeq: number
  /** Records in the batch minus one. */
  lastOffsetDelta: number
  maxTimestamp: number
  isTransactional: boolean
  isControl: boolean
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from Int.MAX to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1
  return sequence + increment
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX)
}

/** The producer fields of the batch header at `at` (the caller checked that 61 bytes are there). */
export function readProducerBatchInfo(buf: Buffer, at: number): ProducerBatchInfo {
  const attributes = buf.readInt16BE(at + ATTRIBUTES_OFFSET)
  const firstSeq = buf.readInt32BE(at + BASE_SEQUENCE_OFFSET)
  const lastOffsetDelta = buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
  return {
    producerId: readInt64(buf, at + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(at + PRODUCER_EPOCH_OFFSET),
    firstSeq,
    lastSeq: firstSeq === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(firstSeq, lastOffsetDelta),
    lastOffsetDelta,
    maxTimestamp: readInt64(buf, at + MAX_TIMESTAMP_OFFSET),
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
  }
}

/** A validated batch waiting for its offsets. */
interface PendingBatch {
  info: ProducerBatchInfo
  /** Offset of the batch's first record relative to the append's first offset. */
  relativeFirstOffset: number
}

export interface PreparedAppend {
  /** Set when the append is a retry of a batch already in the log: answer with it, append nothing. */
  duplicate: BatchMetadata | null
  /** Batches with producer ids, to commit after the append. */
  pending: PendingBatch[]
}

const NOTHING_TO_COMMIT: PreparedAppend = Object.freeze({duplicate: null, pending: []}) as PreparedAppend

function emptyEntry(producerId: number): ProducerStateEntry {
  return {producerId, producerEpoch: NO_PRODUCER_EPOCH, batches: [], lastTimestamp: -1, currentTxnFirstOffset: -1}
}

function lastSeqOf(entry: ProducerStateEntry): number {
  return entry.batches.length === 0 ? NO_SEQUENCE : entry.batches[entry.batches.length - 1]!.lastSeq
}

function addBatch(entry: ProducerStateEntry, epoch: number, batch: BatchMetadata): void {
  if (epoch !== entry.producerEpoch) {
    // A new epoch starts a new sequence space (Kafka's maybeUpdateProducerEpoch).
    entry.producerEpoch = epoch
    entry.batches = []
  }
  if (entry.batches.length === NUM_BATCHES_TO_RETAIN) entry.batches.shift()
  entry.batches.push(batch)
  entry.lastTimestamp = batch.timestamp
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>()

  constructor(readonly partitionName: string) {}

  get size(): number {
    return this.producers.size
  }

  entry(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId)
  }

  /** Every producer, for DescribeProducers and tests. */
  activeProducers(): ProducerStateEntry[] {
    return [...this.producers.values()]
  }

  clear(): void {
    this.producers.clear()
  }

  /**
   * Checks the producer fields of every batch in a client append (Kafka's
   * analyzeAndValidateProducerState with ProducerAppendInfo's epoch and
   * sequence checks). Throws InvalidProducerEpochError or
   * OutOfOrderSequenceError; returns the duplicate batch when the append
   * retries one already in the log. Batches that do not frame correctly are
   * left to the storage engine, which rejects them.
   */
  prepareAppend(records: Buffer, opts: {validateSequences: boolean} = {validateSequences: true}): PreparedAppend {
    let pending: PendingBatch[] | null = null
    // In-progress entries of producers seen in this append (Kafka's updatedProducers).
    let updated: Map<number, ProducerStateEntry> | null = null
    let relative = 0
    let at = 0
    const len = records.length
    while (at + RECORD_BATCH_OVERHEAD <= len) {
      const size = records.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
      if (records.readInt8(at + MAGIC_OFFSET) !== 2 || size < RECORD_BATCH_OVERHEAD || at + size > len) break
      const producerId = readInt64(records, at + PRODUCER_ID_OFFSET)
      if (producerId >= 0) {
        const info = readProducerBatchInfo(records, at)
        const current = this.producers.get(producerId)
        if (opts.validateSequences && current !== undefined && !info.isControl) {
          const duplicate = findDuplicateBatch(current, info)
          if (duplicate !== null) return {duplicate, pending: []}
        }
        updated ??= new Map()
        let next = updated.get(producerId)
        if (next === undefined) {
          // Kafka's ProducerAppendInfo starts from the current epoch with no batches of its own.
          next = emptyEntry(producerId)
          next.producerEpoch = current?.producerEpoch ?? NO_PRODUCER_EPOCH
          updated.set(producerId, next)
        }
        if (!info.isControl) this.checkDataBatch(info, current, next, relative, opts.validateSequences)
        addBatch(next, info.producerEpoch, {firstSeq: info.firstSeq, lastSeq: info.lastSeq, firstOffset: relative, lastOffset: relative + info.lastOffsetDelta, timestamp: info.maxTimestamp})
        ;(pending ??= []).push({info, relativeFirstOffset: relative})
      }
      relative += records.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET) + 1
      at += size
    }
    return pending === null ? NOTHING_TO_COMMIT : {duplicate: null, pending}
  }

  private checkDataBatch(info: ProducerBatchInfo, current: ProducerStateEntry | undefined, next: ProducerStateEntry, offset: number, validateSequences: boolean): void {
    const {producerId, producerEpoch, firstSeq} = info
    if (producerEpoch < next.producerEpoch) {
      throw new InvalidProducerEpochError(
        `Epoch of producer ${producerId} at offset ${offset} in ${this.partitionName} is ${producerEpoch}, which is smaller than the last seen epoch ${next.producerEpoch}`,
      )
    }
    if (!validateSequences) return
    if (producerEpoch !== next.producerEpoch) {
      if (firstSeq !== 0 && next.producerEpoch !== NO_PRODUCER_EPOCH) {
        throw new OutOfOrderSequenceError(
          `Invalid sequence number for new epoch of producer ${producerId}at offset ${offset} in partition ${this.partitionName}: ${producerEpoch} (request epoch), ${firstSeq} (seq. number), ${next.producerEpoch} (current producer epoch)`,
        )
      }
      return
    }
    let currentLastSeq: number
    if (next.batches.length > 0) currentLastSeq = lastSeqOf(next)
    else if (current !== undefined && producerEpoch === current.producerEpoch) currentLastSeq = lastSeqOf(current)
    else currentLastSeq = NO_SEQUENCE
    // A producer whose epoch is unknown (its records were deleted by retention or DeleteRecords) may continue at any sequence.
    const currentEpoch = current?.producerEpoch ?? NO_PRODUCER_EPOCH
    if (!(currentEpoch === NO_PRODUCER_EPOCH || inSequence(currentLastSeq, firstSeq))) {
      throw new OutOfOrderSequenceError(
        `Out of order sequence number for producer ${producerId} at offset ${offset} in partition ${this.partitionName}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
      )
    }
  }

  /** Applies a prepared append whose first record got offset `firstOffset`. */
  commit(prepared: PreparedAppend, firstOffset: number): void {
    for (const p of prepared.pending) this.applyBatch(p.info, firstOffset + p.relativeFirstOffset)
  }

  /** Records one batch without checks (log recovery, follower appends). */
  applyBatch(info: ProducerBatchInfo, firstOffset: number): void {
    let entry = this.producers.get(info.producerId)
    if (entry === undefined) {
      entry = emptyEntry(info.producerId)
      this.producers.set(info.producerId, entry)
    }
    if (info.isControl) {
      // A transaction marker ends the producer's transaction.
      if (info.producerEpoch > entry.producerEpoch) {
        entry.producerEpoch = info.producerEpoch
        entry.batches = []
      }
      entry.currentTxnFirstOffset = -1
      entry.lastTimestamp = info.maxTimestamp
      return
    }
    addBatch(entry, info.producerEpoch, {
      firstSeq: info.firstSeq,
      lastSeq: info.lastSeq,
      firstOffset,
      lastOffset: firstOffset + info.lastOffsetDelta,
      timestamp: info.maxTimestamp,
    })
    if (info.isTransactional && entry.currentTxnFirstOffset < 0) entry.currentTxnFirstOffset = firstOffset
  }

  /** Kafka's removeExpiredProducers: producers idle longer than producer.id.expiration.ms with no open transaction. */
  removeExpiredProducers(now: number, expirationMs: number): number {
    let removed = 0
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && now - e.lastTimestamp >= expirationMs) {
        this.producers.delete(id)
        removed++
      }
    }
    return removed
  }

  /** Forget batches at or past `offset` (log truncation); producers left with none are dropped. */
  truncateFrom(offset: number): void {
    for (const [id, e] of this.producers) {
      e.batches = e.batches.filter((b) => b.lastOffset < offset)
      if (e.batches.length === 0) this.producers.delete(id)
    }
  }

  /**
   * Rebuild from the log: visit the batch headers of the given segments
   * (oldest first) from `fromOffset` on. Replaces the current state.
   */
  rebuildFromSegments(segments: Iterable<SegmentReader>, fromOffset: number): void {
    this.producers.clear()
    for (const segment of segments) {
      scanBatchHeaders(segment, (buf, at) => {
        const baseOffset = readInt64(buf, at)
        const lastOffset = baseOffset + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
        if (lastOffset < fromOffset) return
        if (readInt64(buf, at + PRODUCER_ID_OFFSET) < 0) return
        this.applyBatch(readProducerBatchInfo(buf, at), baseOffset)
      })
    }
  }
}

/** Kafka's ProducerStateEntry.findDuplicateBatch: a retained batch with the same epoch and sequence range. */
function findDuplicateBatch(entry: ProducerStateEntry, info: ProducerBatchInfo): BatchMetadata | null {
  if (info.producerEpoch !== entry.producerEpoch) return null
  for (const b of entry.batches) if (b.firstSeq === info.firstSeq && b.lastSeq === info.lastSeq) return b
  return null
}

/** What rebuilding needs of a segment. */
export interface SegmentReader {
  readonly size: number
  readBytes(position: number, len: number): Buffer
}

const SCAN_CHUNK = 64 * 1024
/** Batches at least this big are skipped over: only their header is read. */
const LARGE_BATCH = 8 * 1024

/**
 * Visit every whole batch header of a segment, in file order. Small batches
 * are read in 64 KiB chunks; after a large batch only the next header is
 * read, so a segment of big batches costs one small read per batch rather
 * than a read of all its bytes.
 */
export function scanBatchHeaders(segment: SegmentReader, visit: (buf: Buffer, at: number) => void): void {
  const end = segment.size
  let pos = 0
  let headerOnly = false
  while (pos + RECORD_BATCH_OVERHEAD <= end) {
    const chunk = segment.readBytes(pos, Math.min(headerOnly ? RECORD_BATCH_OVERHEAD : SCAN_CHUNK, end - pos))
    if (chunk.length < RECORD_BATCH_OVERHEAD) return
    let at = 0
    while (at + RECORD_BATCH_OVERHEAD <= chunk.length) {
      const size = chunk.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
      if (size < RECORD_BATCH_OVERHEAD || pos + size > end) return
      visit(chunk, at)
      pos += size
      at += size
      headerOnly = size >= LARGE_BATCH
    }
  }
}
