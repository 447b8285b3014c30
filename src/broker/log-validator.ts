// The parts of Kafka's LogValidator that need the records themselves, run
// only when a topic asks for them (the default path reads batch headers
// only, in the storage engine):
// - compression.type other than "producer": batches in another codec are
//   re-encoded in the topic's codec (keys, values, headers, timestamps,
//   producer id/epoch/sequence and the transactional flag kept);
// - compacted topics refuse records without a key.

import {Compression} from '../protocol/compression.js'
import {decodeRecordBatch, encodeRecordBatch, iterateBatches} from '../protocol/record-batch.js'
import {KafkaError} from '../protocol/errors.js'
import {CorruptRecordError, InvalidRecordError} from '../storage/errors.js'

/** The codec a topic's compression.type forces, or null for "producer" (keep the producer's). */
export function targetCodec(compressionType: string): number | null {
  switch (compressionType.trim().toLowerCase()) {
    case 'uncompressed':
      return Compression.NONE
    case 'gzip':
      return Compression.GZIP
    case 'snappy':
      return Compression.SNAPPY
    case 'lz4':
      return Compression.LZ4
    case 'zstd':
      return Compression.ZSTD
    default:
      return null
  }
}

export interface RecordValidation {
  targetCodec: number | null
  compacted: boolean
  compressionLevel?: number
  partitionName: string
}

/** Whether validateAndConvert has anything to do for these settings. */
export function needsRecordValidation(v: RecordValidation): boolean {
  return v.targetCodec !== null || v.compacted
}

/**
 * Checks and, if needed, re-encodes a client's batches. Returns the buffer to
 * append (the input itself when nothing changed). Batches that do not frame
 * are left for the storage engine to refuse.
 */
export function validateAndConvert(records: Buffer, v: RecordValidation): Buffer {
  try {
    return convert(records, v)
  } catch (e) {
    if (e instanceof KafkaError) throw e
    throw new CorruptRecordError(`${(e as Error).message} in topic partition ${v.partitionName}.`)
  }
}

function convert(records: Buffer, v: RecordValidation): Buffer {
  let out: Buffer[] | null = null
  let end = 0
  for (const entry of iterateBatches(records)) {
    const {header} = entry
    end = entry.position + header.size
    const convert = v.targetCodec !== null && header.compression !== v.targetCodec && !header.isControl
    if (!convert && !v.compacted) {
      out?.push(entry.bytes)
      continue
    }
    const batch = decodeRecordBatch(records, entry.position)
    if (v.compacted && !header.isControl && batch.records.some((r) => r.key === null)) {
      throw new InvalidRecordError(`Compacted topic cannot accept message without key in topic partition ${v.partitionName}.`)
    }
    if (!convert) {
      out?.push(entry.bytes)
      continue
    }
    out ??= collectBefore(records, entry.position)
    out.push(
      encodeRecordBatch({
        compression: v.targetCodec!,
        compressionLevel: v.compressionLevel,
        timestampType: header.timestampType,
        isTransactional: header.isTransactional,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        baseSequence: header.baseSequence,
        baseTimestamp: header.baseTimestamp,
        maxTimestamp: header.maxTimestamp,
        records: batch.records.map((r) => ({key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta})),
      }),
    )
  }
  if (out === null) return records
  if (end < records.length) out.push(records.subarray(end))
  return Buffer.concat(out)
}

function collectBefore(records: Buffer, position: number): Buffer[] {
  return position > 0 ? [records.subarray(0, position)] : []
}
