// Counts the records of fetched RecordBatch v2 data and the bytes of their
// keys and values (what Kafka's ConsumerPerformance adds up), without making
// an object per record: it steps over each record with its length prefix and
// reads only the key and value lengths. Compressed batches are inflated on
// libuv's thread pool first. CRCs are not checked, as ConsumerPerformance
// sets check.crcs=false.

import {decompress} from '../protocol/compression.js'
import {CONTROL_FLAG_MASK, RECORDS_OFFSET} from '../protocol/record-batch.js'

export interface CountState {
  records: number
  bytes: number
}

/** A batch's place in a fetch answer, from its header only. */
export interface BatchSpan {
  start: number
  end: number
  baseOffset: number
  /** baseOffset + lastOffsetDelta + 1: where the next fetch starts. */
  nextOffset: number
  compression: number
  control: boolean
  recordCount: number
}

/** The whole v2 batches in `data` (a partial batch at the end is left out, as the consumer does). */
export function batchSpans(data: Buffer): BatchSpan[] {
  const spans: BatchSpan[] = []
  let at = 0
  while (at + RECORDS_OFFSET <= data.length) {
    const size = data.readInt32BE(at + 8) + 12
    if (at + size > data.length || size < RECORDS_OFFSET) break
    if (data[at + 16] !== 2) throw new Error(`unsupported record batch magic ${data[at + 16]} at byte ${at}`)
    const baseOffset = Number(data.readBigInt64BE(at))
    const attributes = data.readInt16BE(at + 21)
    spans.push({
      start: at,
      end: at + size,
      baseOffset,
      nextOffset: baseOffset + data.readInt32BE(at + 23) + 1,
      compression: attributes & 7,
      control: (attributes & CONTROL_FLAG_MASK) !== 0,
      recordCount: data.readInt32BE(at + 57),
    })
    at += size
  }
  return spans
}

/**
 * Adds the records of `records` (a batch's records section, uncompressed)
 * whose offset is at least `fromOffset`, up to `limit` records; returns how
 * many it took.
 */
export function countRecords(buf: Buffer, pos: number, end: number, baseOffset: number, count: number, fromOffset: number, limit: number, state: CountState): number {
  let taken = 0
  for (let i = 0; i < count && pos < end && taken < limit; i++) {
    // length (zig-zag varint)
    let x = 0
    let shift = 0
    let b: number
    do {
      b = buf[pos++]!
      x |= (b & 0x7f) << shift
      shift += 7
    } while (b & 0x80)
    const length = (x >>> 1) ^ -(x & 1)
    const recordEnd = pos + length
    let p = pos + 1 // attributes
    // timestampDelta (varlong): skip its bytes
    while (buf[p++]! & 0x80);
    // offsetDelta
    x = 0
    shift = 0
    do {
      b = buf[p++]!
      x |= (b & 0x7f) << shift
      shift += 7
    } while (b & 0x80)
    const offsetDelta = (x >>> 1) ^ -(x & 1)
    if (baseOffset + offsetDelta >= fromOffset) {
      // key length
      x = 0
      shift = 0
      do {
        b = buf[p++]!
        x |= (b & 0x7f) << shift
        shift += 7
      } while (b & 0x80)
      const keyLength = (x >>> 1) ^ -(x & 1)
      let bytes = 0
      if (keyLength > 0) {
        bytes += keyLength
        p += keyLength
      }
      x = 0
      shift = 0
      do {
        b = buf[p++]!
        x |= (b & 0x7f) << shift
        shift += 7
      } while (b & 0x80)
      const valueLength = (x >>> 1) ^ -(x & 1)
      if (valueLength > 0) bytes += valueLength
      state.records++
      state.bytes += bytes
      taken++
    }
    pos = recordEnd
  }
  return taken
}

/** Counts one batch (decompressing it first when needed). */
export async function countBatch(data: Buffer, span: BatchSpan, fromOffset: number, limit: number, state: CountState): Promise<number> {
  if (span.control || limit <= 0) return 0
  if (span.compression === 0) return countRecords(data, span.start + RECORDS_OFFSET, span.end, span.baseOffset, span.recordCount, fromOffset, limit, state)
  const raw = await decompress(span.compression, data.subarray(span.start + RECORDS_OFFSET, span.end))
  return countRecords(raw, 0, raw.length, span.baseOffset, span.recordCount, fromOffset, limit, state)
}
