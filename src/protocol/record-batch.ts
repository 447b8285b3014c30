// RecordBatch v2 (magic 2), Kafka's on-wire and on-disk unit of records
// (DefaultRecordBatch in Kafka). The broker stores batches exactly as the
// producer sent them: on the hot path it reads the fixed 61-byte header
// (readBatchHeader), verifies the CRC, and stamps baseOffset and
// partitionLeaderEpoch in place (neither is covered by the CRC). Decoding the
// records, and decompressing them, is for validation, tools and tests.
//
// Layout (big-endian), byte offsets from the start of the batch:
//    0 baseOffset int64          8 batchLength int32 (bytes after this field)
//   12 partitionLeaderEpoch int32   16 magic int8 (2)   17 crc uint32
//   21 attributes int16 (CRC-32C covers byte 21 to the end of the batch)
//   23 lastOffsetDelta int32    27 baseTimestamp int64   35 maxTimestamp int64
//   43 producerId int64         51 producerEpoch int16   53 baseSequence int32
//   57 recordCount int32        61 records (compressed as a whole when bits 0-2 of attributes say so)
//
// Each record: length varint, attributes int8 (unused, 0), timestampDelta
// varlong, offsetDelta varint, key (varint length, -1 = null), value (same),
// header count varint, then per header a varint-length UTF-8 key and a
// varint-length (-1 = null) value.
//
// Magic 0/1 message sets (pre-0.11 clients, Produce v0-v2) share the first 17
// bytes' meaning (offset, size, then crc and a magic byte at 16); they are
// decoded by decodeMessageSet and can be rewritten as one v2 batch with
// upconvertMessageSet.

import zlib from 'node:zlib'

import {
  compressSync,
  compress as compressAsync,
  compressionName,
  CompressionError,
  type CompressOptions,
  decompressSync,
  decompress as decompressAsync,
} from './compression.js'
import {crc32c} from './crc32c.js'
import {ErrorCode} from './errors.js'
import {ProtocolError, Writer} from './primitives.js'

// ---------------------------------------------------------------- layout

export const BASE_OFFSET_OFFSET = 0
export const BATCH_LENGTH_OFFSET = 8
export const PARTITION_LEADER_EPOCH_OFFSET = 12
export const MAGIC_OFFSET = 16
export const CRC_OFFSET = 17
export const ATTRIBUTES_OFFSET = 21
export const LAST_OFFSET_DELTA_OFFSET = 23
export const BASE_TIMESTAMP_OFFSET = 27
export const MAX_TIMESTAMP_OFFSET = 35
export const PRODUCER_ID_OFFSET = 43
export const PRODUCER_EPOCH_OFFSET = 51
export const BASE_SEQUENCE_OFFSET = 53
export const RECORD_COUNT_OFFSET = 57
export const RECORDS_OFFSET = 61
/** Bytes of a v2 batch header, i.e. the size of an empty batch. */
export const RECORD_BATCH_OVERHEAD = RECORDS_OFFSET
/** baseOffset + batchLength: the bytes in front of what batchLength counts. */
export const LOG_OVERHEAD = 12

export const COMPRESSION_CODEC_MASK = 0x07
export const TIMESTAMP_TYPE_MASK = 0x08
export const TRANSACTIONAL_FLAG_MASK = 0x10
export const CONTROL_FLAG_MASK = 0x20
export const DELETE_HORIZON_FLAG_MASK = 0x40

export const TimestampType = {CREATE_TIME: 0, LOG_APPEND_TIME: 1} as const
export type TimestampTypeId = 0 | 1
export const TIMESTAMP_TYPE_NAMES = ['CreateTime', 'LogAppendTime'] as const

export const NO_PRODUCER_ID = -1n
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
export const NO_PARTITION_LEADER_EPOCH = -1
export const NO_TIMESTAMP = -1n

// ---------------------------------------------------------------- errors

/**
 * A batch or message failed its CRC, is truncated inside, or is otherwise
 * malformed. Kafka answers such produce requests with CORRUPT_MESSAGE.
 */
export class CorruptRecordError extends ProtocolError {
  override name = 'CorruptRecordError'
  readonly errorCode: number = ErrorCode.CORRUPT_MESSAGE
}

/** The entry is a magic 0/1 message set, not a RecordBatch v2. */
export class UnsupportedMagicError extends CorruptRecordError {
  override name = 'UnsupportedMagicError'
  constructor(readonly magic: number, at: number) {
    super(
      magic === 0 || magic === 1
        ? `magic ${magic} message set at byte ${at}: expected a RecordBatch v2 (magic 2); decode it with decodeMessageSet`
        : `unknown record batch magic ${magic} at byte ${at}`,
    )
  }
}

// ---------------------------------------------------------------- types

export interface RecordHeader {
  key: string
  value: Buffer | null
}

export interface DecodedRecord {
  /** baseOffset + offsetDelta */
  offset: bigint
  offsetDelta: number
  /** baseTimestamp + timestampDelta, or maxTimestamp when the batch is LogAppendTime. */
  timestamp: bigint
  timestampDelta: number
  /** Record attributes byte (unused by Kafka, always 0 when written). */
  attributes: number
  /** A view into the (decompressed) batch bytes: copy it to keep it beyond them. */
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

export interface BatchHeader {
  baseOffset: bigint
  batchLength: number
  /** Whole batch size in bytes: batchLength + LOG_OVERHEAD. */
  size: number
  partitionLeaderEpoch: number
  magic: number
  /** The CRC-32C stored in the batch (unsigned). */
  crc: number
  attributes: number
  compression: number
  timestampType: TimestampTypeId
  isTransactional: boolean
  isControl: boolean
  hasDeleteHorizonMs: boolean
  lastOffsetDelta: number
  /** baseOffset + lastOffsetDelta */
  lastOffset: bigint
  baseTimestamp: bigint
  maxTimestamp: bigint
  /** baseTimestamp when hasDeleteHorizonMs is set (compacted tombstone horizon). */
  deleteHorizonMs: bigint | null
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  recordCount: number
}

export interface DecodedBatch {
  header: BatchHeader
  records: DecodedRecord[]
}

export interface RecordInput {
  key?: Buffer | Uint8Array | string | null
  value?: Buffer | Uint8Array | string | null
  headers?: Array<{key: string; value: Buffer | Uint8Array | string | null}>
  /** Milliseconds since the epoch; defaults to the batch's baseTimestamp, else Date.now() at encode time. */
  timestamp?: bigint | number
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number
}

export interface RecordBatchInput {
  baseOffset?: bigint
  partitionLeaderEpoch?: number
  /**
   * Raw attributes. Flags given by name below (compression, timestampType,
   * isTransactional, isControl) are OR-ed in / override their bits.
   */
  attributes?: number
  compression?: number
  compressionLevel?: number
  timestampType?: TimestampTypeId | 'CreateTime' | 'LogAppendTime'
  isTransactional?: boolean
  isControl?: boolean
  /** Sets hasDeleteHorizonMs; the value becomes baseTimestamp (Kafka's compaction tombstone horizon). */
  deleteHorizonMs?: bigint
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  /** Defaults to the first record's timestamp (as Kafka's producer does). */
  baseTimestamp?: bigint | number
  /** Defaults to the largest record timestamp; for LogAppendTime, the append time. */
  maxTimestamp?: bigint | number
  records: RecordInput[]
}

// ---------------------------------------------------------------- header

/** The magic byte of the entry at `at`, or null when fewer than 17 bytes remain. */
export function peekMagic(buf: Buffer, at = 0): number | null {
  return at + MAGIC_OFFSET < buf.length ? buf.readInt8(at + MAGIC_OFFSET) : null
}

/**
 * Size in bytes of the whole entry (batch or legacy message) starting at
 * `at`, or null when not even its 12-byte offset+length prefix is there.
 */
export function entrySizeAt(buf: Buffer, at = 0): number | null {
  if (at + LOG_OVERHEAD > buf.length) return null
  return buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
}

/**
 * The fixed header of the v2 batch at `at`, without touching the records.
 * Needs the 61 header bytes present (not the whole batch). Throws
 * CorruptRecordError for an impossible length, UnsupportedMagicError for magic != 2.
 */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  if (at < 0 || at + RECORD_BATCH_OVERHEAD > buf.length) {
    throw new CorruptRecordError(
      `record batch header at byte ${at} needs ${RECORD_BATCH_OVERHEAD} bytes, only ${Math.max(0, buf.length - at)} remain`,
    )
  }
  const magic = buf.readInt8(at + MAGIC_OFFSET)
  if (magic !== 2) throw new UnsupportedMagicError(magic, at)
  const batchLength = buf.readInt32BE(at + BATCH_LENGTH_OFFSET)
  if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw new CorruptRecordError(
      `record batch at byte ${at} declares batchLength ${batchLength}, less than the ${RECORD_BATCH_OVERHEAD - LOG_OVERHEAD}-byte minimum`,
    )
  }
  const attributes = buf.readInt16BE(at + ATTRIBUTES_OFFSET)
  const baseOffset = buf.readBigInt64BE(at + BASE_OFFSET_OFFSET)
  const lastOffsetDelta = buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
  const baseTimestamp = buf.readBigInt64BE(at + BASE_TIMESTAMP_OFFSET)
  const hasDeleteHorizonMs = (attributes & DELETE_HORIZON_FLAG_MASK) !== 0
  return {
    baseOffset,
    batchLength,
    size: batchLength + LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET),
    magic,
    crc: buf.readUInt32BE(at + CRC_OFFSET),
    attributes,
    compression: attributes & COMPRESSION_CODEC_MASK,
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0,
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    hasDeleteHorizonMs,
    lastOffsetDelta,
    lastOffset: baseOffset + BigInt(lastOffsetDelta),
    baseTimestamp,
    maxTimestamp: buf.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET),
    deleteHorizonMs: hasDeleteHorizonMs ? baseTimestamp : null,
    producerId: buf.readBigInt64BE(at + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(at + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(at + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(at + RECORD_COUNT_OFFSET),
  }
}

function checkWhole(buf: Buffer, at: number): number {
  const size = entrySizeAt(buf, at)
  if (size === null || at + size > buf.length) {
    throw new CorruptRecordError(
      `record batch at byte ${at} is truncated: ${size === null ? 'no length' : `${size} bytes declared`}, ${Math.max(0, buf.length - at)} present`,
    )
  }
  return size
}

/** CRC-32C of the batch at `at` as it should be (attributes to the end). */
export function computeBatchCrc(buf: Buffer, at = 0): number {
  const size = checkWhole(buf, at)
  if (size < RECORD_BATCH_OVERHEAD) throw new CorruptRecordError(`record batch at byte ${at} is only ${size} bytes`)
  return crc32c(buf.subarray(at + ATTRIBUTES_OFFSET, at + size))
}

/** True when the stored CRC matches the batch's bytes. Throws if the batch is not whole. */
export function verifyBatchCrc(buf: Buffer, at = 0): boolean {
  return computeBatchCrc(buf, at) === buf.readUInt32BE(at + CRC_OFFSET)
}

/**
 * Rewrite baseOffset and partitionLeaderEpoch in place, as the leader does on
 * append. Neither field is covered by the CRC, so the CRC stays valid.
 */
export function stampBatch(buf: Buffer, at: number, baseOffset: bigint, partitionLeaderEpoch: number): void {
  buf.writeBigInt64BE(baseOffset, at + BASE_OFFSET_OFFSET)
  buf.writeInt32BE(partitionLeaderEpoch, at + PARTITION_LEADER_EPOCH_OFFSET)
}

/**
 * Mark the batch LogAppendTime with append time `timestamp` (Kafka's
 * message.timestamp.type=LogAppendTime): sets the timestamp-type bit and
 * maxTimestamp, then recomputes the CRC, which covers both. Readers then see
 * `timestamp` as every record's timestamp; the records are not rewritten.
 */
export function stampLogAppendTime(buf: Buffer, at: number, timestamp: bigint): void {
  const size = checkWhole(buf, at)
  if (size < RECORD_BATCH_OVERHEAD) throw new CorruptRecordError(`record batch at byte ${at} is only ${size} bytes`)
  const attributes = buf.readInt16BE(at + ATTRIBUTES_OFFSET)
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_MASK, at + ATTRIBUTES_OFFSET)
  buf.writeBigInt64BE(timestamp, at + MAX_TIMESTAMP_OFFSET)
  buf.writeUInt32BE(crc32c(buf.subarray(at + ATTRIBUTES_OFFSET, at + size)), at + CRC_OFFSET)
}

// ---------------------------------------------------------------- iteration

export interface BatchEntry {
  /** Byte position of the batch in the scanned buffer. */
  position: number
  header: BatchHeader
  /** The whole batch (a view, not a copy). */
  bytes: Buffer
}

export interface BatchScan {
  batches: BatchEntry[]
  /** Bytes covered by whole batches (the position where the tail starts). */
  validBytes: number
  /** Bytes of a partial batch at the end (Fetch responses may end with one); 0 if none. */
  truncatedBytes: number
}

/**
 * The whole v2 batches of a concatenation (a Produce/Fetch `records` field or
 * a segment file), in order. A partial batch at the end stops the iteration
 * quietly: use scanBatches to learn how many bytes it had. A malformed batch
 * (impossible length) or a magic 0/1 entry throws.
 */
export function* iterateBatches(buf: Buffer, start = 0, end = buf.length): Generator<BatchEntry, void, undefined> {
  const view = end === buf.length ? buf : buf.subarray(0, end)
  let at = start
  // Fewer than 17 bytes left (no magic byte yet) is a torn tail too.
  while (at + MAGIC_OFFSET < end) {
    const magic = view.readInt8(at + MAGIC_OFFSET)
    if (magic !== 2) throw new UnsupportedMagicError(magic, at)
    const size = view.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
    if (size < RECORD_BATCH_OVERHEAD) {
      throw new CorruptRecordError(`record batch at byte ${at} declares ${size} bytes, less than the ${RECORD_BATCH_OVERHEAD}-byte header`)
    }
    if (at + size > end) return
    const header = readBatchHeader(view, at)
    yield {position: at, header, bytes: view.subarray(at, at + size)}
    at += size
  }
}

/** iterateBatches, collected, with the size of the torn tail reported. */
export function scanBatches(buf: Buffer, start = 0, end = buf.length): BatchScan {
  const batches: BatchEntry[] = []
  let validBytes = start
  for (const entry of iterateBatches(buf, start, end)) {
    batches.push(entry)
    validBytes = entry.position + entry.header.size
  }
  return {batches, validBytes, truncatedBytes: end - validBytes}
}

// ---------------------------------------------------------------- record decoding

const utf8 = new TextDecoder('utf-8', {fatal: false})

/** Reads the varint-encoded records section; every bound check throws CorruptRecordError. */
class RecordCursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  private corrupt(what: string): never {
    throw new CorruptRecordError(`corrupt record data: ${what} at byte ${this.pos}`)
  }

  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      if (this.pos >= this.end) this.corrupt('varint runs past the end')
      const b = this.buf[this.pos++]!
      if (shift === 28 && b > 0x0f) this.corrupt('varint longer than 5 bytes')
      result |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return result >>> 0
      shift += 7
    }
  }

  varint(): number {
    const u = this.uvarint()
    return (u >>> 1) ^ -(u & 1)
  }

  /** Zig-zag varlong as a number; exact up to 2^53, which millisecond deltas never approach. */
  varlong(): number {
    let result = 0
    let mul = 1
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.corrupt('varlong runs past the end')
      if (i === 10) this.corrupt('varlong longer than 10 bytes')
      const b = this.buf[this.pos++]!
      result += (b & 0x7f) * mul
      if ((b & 0x80) === 0) break
      mul *= 128
    }
    // zig-zag: even -> n/2, odd -> -(n+1)/2
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2
  }

  bytes(len: number): Buffer {
    if (len < 0 || this.pos + len > this.end) this.corrupt(`${len}-byte field runs past the end`)
    const v = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return v
  }
}

function decodeRecords(header: BatchHeader, data: Buffer, start: number, end: number): DecodedRecord[] {
  const count = header.recordCount
  if (count < 0) throw new CorruptRecordError(`record batch declares ${count} records`)
  // Each record takes at least 7 bytes, so a huge count over a small section is corrupt before we allocate.
  if (count * 7 > end - start) {
    throw new CorruptRecordError(`record batch declares ${count} records in ${end - start} bytes`)
  }
  const logAppendTime = header.timestampType === TimestampType.LOG_APPEND_TIME ? header.maxTimestamp : null
  const baseTimestamp = header.baseTimestamp
  const baseOffset = header.baseOffset
  const records: DecodedRecord[] = new Array(count)
  const c = new RecordCursor(data, start, end)
  for (let i = 0; i < count; i++) {
    const length = c.varint()
    const recordStart = c.pos
    if (length < 0 || recordStart + length > end) {
      throw new CorruptRecordError(`record ${i} declares ${length} bytes, ${end - recordStart} remain in the batch`)
    }
    const rc = new RecordCursor(data, recordStart, recordStart + length)
    const attributes = rc.bytes(1)[0]!
    const timestampDelta = rc.varlong()
    const offsetDelta = rc.varint()
    const keyLen = rc.varint()
    if (keyLen < -1) throw new CorruptRecordError(`record ${i} has key length ${keyLen}`)
    const key = keyLen < 0 ? null : rc.bytes(keyLen)
    const valueLen = rc.varint()
    if (valueLen < -1) throw new CorruptRecordError(`record ${i} has value length ${valueLen}`)
    const value = valueLen < 0 ? null : rc.bytes(valueLen)
    const headerCount = rc.varint()
    if (headerCount < 0) throw new CorruptRecordError(`record ${i} has ${headerCount} headers`)
    if (headerCount > length) throw new CorruptRecordError(`record ${i} declares ${headerCount} headers in ${length} bytes`)
    const headers: RecordHeader[] = new Array(headerCount)
    for (let h = 0; h < headerCount; h++) {
      const hkLen = rc.varint()
      if (hkLen < 0) throw new CorruptRecordError(`record ${i} header ${h} has a null key`)
      const hk = rc.bytes(hkLen)
      const hvLen = rc.varint()
      if (hvLen < -1) throw new CorruptRecordError(`record ${i} header ${h} has value length ${hvLen}`)
      headers[h] = {key: hkLen < 32 ? hk.toString('utf8') : utf8.decode(hk), value: hvLen < 0 ? null : rc.bytes(hvLen)}
    }
    if (rc.pos !== recordStart + length) {
      throw new CorruptRecordError(`record ${i} declares ${length} bytes but its fields take ${rc.pos - recordStart}`)
    }
    c.pos = recordStart + length
    records[i] = {
      offset: baseOffset + BigInt(offsetDelta),
      offsetDelta,
      timestamp: logAppendTime ?? baseTimestamp + BigInt(timestampDelta),
      timestampDelta,
      attributes,
      key,
      value,
      headers,
    }
  }
  if (c.pos !== end) {
    throw new CorruptRecordError(`record batch has ${end - c.pos} bytes left after its ${count} records`)
  }
  return records
}

export interface DecodeOptions {
  /** Check the CRC-32C first (default true). */
  verifyCrc?: boolean
}

function decodePrologue(buf: Buffer, at: number, opts: DecodeOptions): {header: BatchHeader; size: number} {
  const header = readBatchHeader(buf, at)
  const size = checkWhole(buf, at)
  if (opts.verifyCrc !== false) {
    const actual = crc32c(buf.subarray(at + ATTRIBUTES_OFFSET, at + size))
    if (actual !== header.crc) {
      throw new CorruptRecordError(
        `record batch at byte ${at} (baseOffset ${header.baseOffset}) failed its CRC: stored 0x${header.crc.toString(16).padStart(8, '0')}, computed 0x${actual.toString(16).padStart(8, '0')}`,
      )
    }
  }
  if (header.compression > 4) throw new CorruptRecordError(`record batch at byte ${at} has unknown compression codec id ${header.compression}`)
  return {header, size}
}

function wrapDecompressError(header: BatchHeader, err: unknown): never {
  if (err instanceof CompressionError) {
    throw new CorruptRecordError(`record batch (baseOffset ${header.baseOffset}): ${err.message}`)
  }
  throw err
}

/**
 * Decode the v2 batch at `at`: header and records (decompressed on this
 * thread). Keys and values are views into `buf` (or into the decompressed
 * copy). Throws CorruptRecordError / UnsupportedMagicError.
 */
export function decodeRecordBatch(buf: Buffer, at = 0, opts: DecodeOptions = {}): DecodedBatch {
  const {header, size} = decodePrologue(buf, at, opts)
  if (header.compression === 0) {
    return {header, records: decodeRecords(header, buf, at + RECORDS_OFFSET, at + size)}
  }
  let data: Buffer
  try {
    data = decompressSync(header.compression, buf.subarray(at + RECORDS_OFFSET, at + size))
  } catch (err) {
    wrapDecompressError(header, err)
  }
  return {header, records: decodeRecords(header, data, 0, data.length)}
}

/** decodeRecordBatch with the decompression run off the JS thread. */
export async function decodeRecordBatchAsync(buf: Buffer, at = 0, opts: DecodeOptions = {}): Promise<DecodedBatch> {
  const {header, size} = decodePrologue(buf, at, opts)
  if (header.compression === 0) {
    return {header, records: decodeRecords(header, buf, at + RECORDS_OFFSET, at + size)}
  }
  let data: Buffer
  try {
    data = await decompressAsync(header.compression, buf.subarray(at + RECORDS_OFFSET, at + size))
  } catch (err) {
    wrapDecompressError(header, err)
  }
  return {header, records: decodeRecords(header, data, 0, data.length)}
}

// ---------------------------------------------------------------- record encoding

function toBytes(v: Buffer | Uint8Array | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') return Buffer.from(v, 'utf8')
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)
}

function uvarintSize(v: number): number {
  const x = v >>> 0
  if (x < 0x80) return 1
  if (x < 0x4000) return 2
  if (x < 0x200000) return 3
  if (x < 0x10000000) return 4
  return 5
}

function varintSize(v: number): number {
  return uvarintSize((v << 1) ^ (v >> 31))
}

function zigzagLong(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1
}

function uvarlongSizeNum(z: number): number {
  let n = 1
  while (z >= 128) {
    z = Math.floor(z / 128)
    n++
  }
  return n
}

interface PreparedRecord {
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: Buffer; value: Buffer | null}>
  timestampDelta: number
  offsetDelta: number
  bodySize: number
}

function timestampOf(v: bigint | number): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(v))
}

function timestampTypeId(t: RecordBatchInput['timestampType']): TimestampTypeId | undefined {
  if (t === undefined) return undefined
  if (t === 'CreateTime' || t === 0) return 0
  if (t === 'LogAppendTime' || t === 1) return 1
  throw new ProtocolError(`unknown timestamp type ${JSON.stringify(t)}`)
}

function batchAttributes(input: RecordBatchInput): number {
  let a = input.attributes ?? 0
  if (input.compression !== undefined) a = (a & ~COMPRESSION_CODEC_MASK) | (input.compression & COMPRESSION_CODEC_MASK)
  const tt = timestampTypeId(input.timestampType)
  if (tt !== undefined) a = tt === 1 ? a | TIMESTAMP_TYPE_MASK : a & ~TIMESTAMP_TYPE_MASK
  if (input.isTransactional !== undefined) a = input.isTransactional ? a | TRANSACTIONAL_FLAG_MASK : a & ~TRANSACTIONAL_FLAG_MASK
  if (input.isControl !== undefined) a = input.isControl ? a | CONTROL_FLAG_MASK : a & ~CONTROL_FLAG_MASK
  if (input.deleteHorizonMs !== undefined) a |= DELETE_HORIZON_FLAG_MASK
  if ((a & COMPRESSION_CODEC_MASK) > 4) throw new ProtocolError(`unknown compression codec id ${a & COMPRESSION_CODEC_MASK}`)
  return a
}

interface PreparedBatch {
  attributes: number
  baseTimestamp: bigint
  maxTimestamp: bigint
  lastOffsetDelta: number
  records: PreparedRecord[]
  recordsSize: number
}

function prepare(input: RecordBatchInput): PreparedBatch {
  const attributes = batchAttributes(input)
  const n = input.records.length
  const now = BigInt(Date.now())
  const defaultTs = input.baseTimestamp !== undefined ? timestampOf(input.baseTimestamp) : null
  const timestamps: bigint[] = new Array(n)
  let maxTs = NO_TIMESTAMP
  for (let i = 0; i < n; i++) {
    const r = input.records[i]!
    const ts = r.timestamp !== undefined ? timestampOf(r.timestamp) : (defaultTs ?? now)
    timestamps[i] = ts
    if (ts > maxTs) maxTs = ts
  }
  let baseTimestamp: bigint
  if (input.deleteHorizonMs !== undefined) baseTimestamp = input.deleteHorizonMs
  else if (defaultTs !== null) baseTimestamp = defaultTs
  else baseTimestamp = n > 0 ? timestamps[0]! : NO_TIMESTAMP
  const maxTimestamp = input.maxTimestamp !== undefined ? timestampOf(input.maxTimestamp) : maxTs

  const records: PreparedRecord[] = new Array(n)
  let recordsSize = 0
  let lastOffsetDelta = n > 0 ? 0 : -1
  for (let i = 0; i < n; i++) {
    const r = input.records[i]!
    const key = toBytes(r.key)
    const value = toBytes(r.value)
    const offsetDelta = r.offsetDelta ?? i
    lastOffsetDelta = offsetDelta
    const timestampDelta = Number(timestamps[i]! - baseTimestamp)
    const headers = (r.headers ?? []).map((h) => ({key: Buffer.from(h.key, 'utf8'), value: toBytes(h.value)}))
    let bodySize = 1 + uvarlongSizeNum(zigzagLong(timestampDelta)) + varintSize(offsetDelta)
    bodySize += key ? varintSize(key.length) + key.length : 1
    bodySize += value ? varintSize(value.length) + value.length : 1
    bodySize += varintSize(headers.length)
    for (const h of headers) {
      bodySize += varintSize(h.key.length) + h.key.length
      bodySize += h.value ? varintSize(h.value.length) + h.value.length : 1
    }
    records[i] = {key, value, headers, timestampDelta, offsetDelta, bodySize}
    recordsSize += varintSize(bodySize) + bodySize
  }
  return {attributes, baseTimestamp, maxTimestamp, lastOffsetDelta, records, recordsSize}
}

function writeVarlongNum(w: Writer, v: number): void {
  let z = zigzagLong(v)
  w.ensure(10)
  const buf = w.buf
  while (z >= 128) {
    buf[w.pos++] = (z % 128) | 0x80
    z = Math.floor(z / 128)
  }
  buf[w.pos++] = z
}

function writeRecords(w: Writer, records: PreparedRecord[]): void {
  for (const r of records) {
    w.varint(r.bodySize)
    w.int8(0)
    writeVarlongNum(w, r.timestampDelta)
    w.varint(r.offsetDelta)
    if (r.key) {
      w.varint(r.key.length)
      w.raw(r.key)
    } else w.varint(-1)
    if (r.value) {
      w.varint(r.value.length)
      w.raw(r.value)
    } else w.varint(-1)
    w.varint(r.headers.length)
    for (const h of r.headers) {
      w.varint(h.key.length)
      w.raw(h.key)
      if (h.value) {
        w.varint(h.value.length)
        w.raw(h.value)
      } else w.varint(-1)
    }
  }
}

function writeHeaderAndCrc(out: Buffer, input: RecordBatchInput, p: PreparedBatch, total: number): Buffer {
  out.writeBigInt64BE(input.baseOffset ?? 0n, BASE_OFFSET_OFFSET)
  out.writeInt32BE(total - LOG_OVERHEAD, BATCH_LENGTH_OFFSET)
  out.writeInt32BE(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET)
  out.writeInt8(2, MAGIC_OFFSET)
  out.writeInt16BE(p.attributes, ATTRIBUTES_OFFSET)
  out.writeInt32BE(p.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET)
  out.writeBigInt64BE(p.baseTimestamp, BASE_TIMESTAMP_OFFSET)
  out.writeBigInt64BE(p.maxTimestamp, MAX_TIMESTAMP_OFFSET)
  out.writeBigInt64BE(input.producerId ?? NO_PRODUCER_ID, PRODUCER_ID_OFFSET)
  out.writeInt16BE(input.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET)
  out.writeInt32BE(input.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET)
  out.writeInt32BE(p.records.length, RECORD_COUNT_OFFSET)
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET, total)), CRC_OFFSET)
  return out
}

function assemble(input: RecordBatchInput, p: PreparedBatch, compressed: Buffer): Buffer {
  const total = RECORDS_OFFSET + compressed.length
  const out = Buffer.allocUnsafe(total)
  compressed.copy(out, RECORDS_OFFSET)
  return writeHeaderAndCrc(out, input, p, total)
}

/**
 * Encode one RecordBatch v2: computes timestamp and offset deltas,
 * lastOffsetDelta, maxTimestamp and the CRC, and compresses the records
 * section on this thread. Defaults: baseOffset 0, partitionLeaderEpoch -1,
 * producerId -1, producerEpoch -1, baseSequence -1, CreateTime.
 */
export function encodeRecordBatch(input: RecordBatchInput): Buffer {
  const p = prepare(input)
  const codec = p.attributes & COMPRESSION_CODEC_MASK
  if (codec === 0) {
    const total = RECORDS_OFFSET + p.recordsSize
    const w = new Writer(total)
    w.pos = RECORDS_OFFSET
    writeRecords(w, p.records)
    if (w.pos !== total) throw new Error(`record batch encoder sized ${total} bytes but wrote ${w.pos}`)
    return writeHeaderAndCrc(w.buf.subarray(0, total), input, p, total)
  }
  const w = new Writer(Math.max(16, p.recordsSize))
  writeRecords(w, p.records)
  const opts: CompressOptions = input.compressionLevel !== undefined ? {level: input.compressionLevel} : {}
  return assemble(input, p, compressSync(codec, w.finish(), opts))
}

/** encodeRecordBatch with compression run off the JS thread. */
export async function encodeRecordBatchAsync(input: RecordBatchInput): Promise<Buffer> {
  const p = prepare(input)
  const codec = p.attributes & COMPRESSION_CODEC_MASK
  if (codec === 0) return encodeRecordBatch(input)
  const w = new Writer(Math.max(16, p.recordsSize))
  writeRecords(w, p.records)
  const opts: CompressOptions = input.compressionLevel !== undefined ? {level: input.compressionLevel} : {}
  return assemble(input, p, await compressAsync(codec, w.finish(), opts))
}

// ---------------------------------------------------------------- control records

/** Control record types (the int16 `type` in a control record's key). */
export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const
const CONTROL_TYPE_NAMES = ['ABORT', 'COMMIT', 'LEADER_CHANGE', 'SNAPSHOT_HEADER', 'SNAPSHOT_FOOTER', 'KRAFT_VERSION', 'KRAFT_VOTERS']

export function controlRecordTypeName(type: number): string {
  return CONTROL_TYPE_NAMES[type] ?? `UNKNOWN(${type})`
}

/** Control record key: version int16 (0) + type int16. */
export function encodeControlRecordKey(type: number, version = 0): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt16BE(version, 0)
  b.writeInt16BE(type, 2)
  return b
}

/** End-transaction marker value: version int16 (0) + coordinatorEpoch int32. */
export function encodeEndTxnMarkerValue(coordinatorEpoch: number, version = 0): Buffer {
  const b = Buffer.alloc(6)
  b.writeInt16BE(version, 0)
  b.writeInt32BE(coordinatorEpoch, 2)
  return b
}

export interface ControlRecord {
  version: number
  type: number
  typeName: string
  /** For ABORT / COMMIT markers. */
  endTxnMarker?: {version: number; coordinatorEpoch: number}
}

/** Parse a control record's key (and, for ABORT/COMMIT, its value). Throws CorruptRecordError. */
export function parseControlRecord(record: Pick<DecodedRecord, 'key' | 'value'>): ControlRecord {
  const key = record.key
  if (!key || key.length < 4) throw new CorruptRecordError(`control record key has ${key ? key.length : 'no'} bytes, expected 4`)
  const version = key.readInt16BE(0)
  const type = key.readInt16BE(2)
  const out: ControlRecord = {version, type, typeName: controlRecordTypeName(type)}
  if (type === ControlRecordType.ABORT || type === ControlRecordType.COMMIT) {
    const v = record.value
    if (!v || v.length < 6) throw new CorruptRecordError(`end transaction marker value has ${v ? v.length : 'no'} bytes, expected 6`)
    out.endTxnMarker = {version: v.readInt16BE(0), coordinatorEpoch: v.readInt32BE(2)}
  }
  return out
}

export interface EndTxnMarkerBatchInput {
  baseOffset?: bigint
  partitionLeaderEpoch?: number
  producerId: bigint
  producerEpoch: number
  commit: boolean
  coordinatorEpoch: number
  timestamp?: bigint | number
}

/** A transactional control batch holding one COMMIT or ABORT marker, as the transaction coordinator writes. */
export function encodeEndTxnMarkerBatch(input: EndTxnMarkerBatchInput): Buffer {
  return encodeRecordBatch({
    baseOffset: input.baseOffset,
    partitionLeaderEpoch: input.partitionLeaderEpoch,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: NO_SEQUENCE,
    isTransactional: true,
    isControl: true,
    records: [
      {
        key: encodeControlRecordKey(input.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT),
        value: encodeEndTxnMarkerValue(input.coordinatorEpoch),
        timestamp: input.timestamp,
      },
    ],
  })
}

// ---------------------------------------------------------------- legacy message sets (magic 0 / 1)

// Entry: offset int64, messageSize int32, then the message: crc uint32 (CRC-32
// over magic..end), magic int8, attributes int8 (bits 0-2 codec, bit 3
// timestamp type for magic 1), timestamp int64 (magic 1 only), key bytes,
// value bytes (int32 lengths, -1 = null). A compressed message's value is a
// compressed inner message set; for magic 1 its inner offsets are relative
// and the wrapper's offset is that of the last inner message.

const LEGACY_MIN_MESSAGE_SIZE = [14, 22] // crc+magic+attributes(+timestamp)+key len+value len

export interface LegacyRecord {
  offset: bigint
  magic: number
  attributes: number
  /** Of the wrapper message when the record came from a compressed set, else 0. */
  compression: number
  timestampType: TimestampTypeId
  /** -1 for magic 0. */
  timestamp: bigint
  key: Buffer | null
  value: Buffer | null
}

export interface LegacyScan {
  records: LegacyRecord[]
  validBytes: number
  truncatedBytes: number
}

/** CRC-32 (IEEE), the magic 0/1 message checksum: zlib's where Node has it (>= 20.15). */
const crc32Ieee: (b: Uint8Array) => number = (() => {
  const native = (zlib as unknown as {crc32?: (b: Uint8Array, v?: number) => number}).crc32
  if (native) return (b: Uint8Array) => native(b) >>> 0
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
    t[i] = c >>> 0
  }
  return (b: Uint8Array) => {
    let c = ~0
    for (let i = 0; i < b.length; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8)
    return ~c >>> 0
  }
})()

function decodeLegacyInto(buf: Buffer, out: LegacyRecord[], verifyCrc: boolean, depth: number): {validBytes: number} {
  let at = 0
  while (at + LOG_OVERHEAD <= buf.length) {
    const offset = buf.readBigInt64BE(at)
    const messageSize = buf.readInt32BE(at + 8)
    const msgStart = at + LOG_OVERHEAD
    const msgEnd = msgStart + messageSize
    if (messageSize < 0) throw new CorruptRecordError(`message at byte ${at} declares size ${messageSize}`)
    if (msgEnd > buf.length) break
    if (messageSize < 5) throw new CorruptRecordError(`message at byte ${at} is only ${messageSize} bytes`)
    const magic = buf.readInt8(msgStart + 4)
    if (magic !== 0 && magic !== 1) {
      if (magic === 2) throw new CorruptRecordError(`RecordBatch v2 at byte ${at} inside a magic 0/1 message set`)
      throw new CorruptRecordError(`message at byte ${at} has unknown magic ${magic}`)
    }
    if (messageSize < LEGACY_MIN_MESSAGE_SIZE[magic]!) {
      throw new CorruptRecordError(`magic ${magic} message at byte ${at} is only ${messageSize} bytes`)
    }
    const storedCrc = buf.readUInt32BE(msgStart)
    if (verifyCrc) {
      const actual = crc32Ieee(buf.subarray(msgStart + 4, msgEnd))
      if (actual !== storedCrc) {
        throw new CorruptRecordError(
          `magic ${magic} message at byte ${at} (offset ${offset}) failed its CRC: stored 0x${storedCrc.toString(16).padStart(8, '0')}, computed 0x${actual.toString(16).padStart(8, '0')}`,
        )
      }
    }
    const attributes = buf.readInt8(msgStart + 5)
    let p = msgStart + 6
    let timestamp = NO_TIMESTAMP
    if (magic === 1) {
      timestamp = buf.readBigInt64BE(p)
      p += 8
    }
    const readBytes = (): Buffer | null => {
      if (p + 4 > msgEnd) throw new CorruptRecordError(`message at byte ${at} is truncated inside`)
      const len = buf.readInt32BE(p)
      p += 4
      if (len < 0) return null
      if (p + len > msgEnd) throw new CorruptRecordError(`message at byte ${at}: ${len}-byte field runs past the message`)
      const v = buf.subarray(p, p + len)
      p += len
      return v
    }
    const key = readBytes()
    const value = readBytes()
    const codec = attributes & COMPRESSION_CODEC_MASK
    const timestampType: TimestampTypeId = magic === 1 && (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0
    if (codec === 0) {
      out.push({offset, magic, attributes, compression: 0, timestampType, timestamp, key, value})
    } else {
      if (depth > 0) throw new CorruptRecordError(`compressed message nested inside a compressed message at byte ${at}`)
      if (codec > 4) throw new CorruptRecordError(`message at byte ${at} has unknown compression codec id ${codec}`)
      if (!value) throw new CorruptRecordError(`compressed message at byte ${at} has a null value`)
      let inner: Buffer
      try {
        inner = decompressSync(codec, value, {legacyLz4HeaderChecksum: magic === 0})
      } catch (err) {
        if (err instanceof CompressionError) throw new CorruptRecordError(`magic ${magic} message at byte ${at}: ${err.message}`)
        throw err
      }
      const innerRecords: LegacyRecord[] = []
      const {validBytes} = decodeLegacyInto(inner, innerRecords, verifyCrc, depth + 1)
      if (validBytes !== inner.length) throw new CorruptRecordError(`compressed message at byte ${at} holds a truncated message set`)
      // magic 1 inner offsets are relative to the wrapper, whose offset is the last inner message's.
      const lastInner = innerRecords.length > 0 ? innerRecords[innerRecords.length - 1]!.offset : 0n
      for (const r of innerRecords) {
        if (magic === 1) r.offset = offset - lastInner + r.offset
        if (timestampType === 1) {
          r.timestamp = timestamp
          r.timestampType = 1
        }
        r.compression = codec
        out.push(r)
      }
    }
    at = msgEnd
  }
  return {validBytes: at}
}

/**
 * Decode a magic 0/1 message set (Produce v0-v2 / old Fetch), unwrapping
 * compressed wrapper messages (gzip, snappy, lz4, zstd). A partial message at
 * the end is reported as truncatedBytes, not thrown.
 */
export function decodeMessageSet(buf: Buffer, opts: DecodeOptions = {}): LegacyScan {
  const records: LegacyRecord[] = []
  const {validBytes} = decodeLegacyInto(buf, records, opts.verifyCrc !== false, 0)
  return {records, validBytes, truncatedBytes: buf.length - validBytes}
}

export interface LegacyMessageInput {
  key?: Buffer | Uint8Array | string | null
  value?: Buffer | Uint8Array | string | null
  timestamp?: bigint | number
  offset?: bigint
}

function encodeLegacyMessage(w: Writer, magic: 0 | 1, offset: bigint, attributes: number, timestamp: bigint, key: Buffer | null, value: Buffer | null): void {
  w.int64(offset)
  const sizeAt = w.reserveInt32()
  const crcAt = w.reserveInt32()
  const start = w.pos
  w.int8(magic)
  w.int8(attributes)
  if (magic === 1) w.int64(timestamp)
  w.nullableBytes(key)
  w.nullableBytes(value)
  w.patchInt32(sizeAt, w.pos - crcAt)
  w.buf.writeUInt32BE(crc32Ieee(w.buf.subarray(start, w.pos)), crcAt)
}

/**
 * Encode a magic 0/1 message set (for tests and down-level clients). With a
 * codec, the messages are wrapped in one compressed message, as Kafka's
 * pre-0.11 producers did (magic 1: relative inner offsets).
 */
export function encodeMessageSet(input: {magic: 0 | 1; compression?: number; timestampType?: TimestampTypeId; baseOffset?: bigint; messages: LegacyMessageInput[]}): Buffer {
  const magic = input.magic
  const codec = input.compression ?? 0
  const tsAttr = magic === 1 && input.timestampType === 1 ? TIMESTAMP_TYPE_MASK : 0
  const base = input.baseOffset ?? 0n
  const now = BigInt(Date.now())
  const w = new Writer(256)
  let maxTs = NO_TIMESTAMP
  input.messages.forEach((m, i) => {
    const ts = magic === 1 ? (m.timestamp !== undefined ? timestampOf(m.timestamp) : now) : NO_TIMESTAMP
    if (ts > maxTs) maxTs = ts
    const off = m.offset ?? (codec !== 0 && magic === 1 ? BigInt(i) : base + BigInt(i))
    encodeLegacyMessage(w, magic, off, codec === 0 ? tsAttr : 0, ts, toBytes(m.key), toBytes(m.value))
  })
  if (codec === 0) return Buffer.from(w.finish())
  const inner = compressSync(codec, w.finish())
  const outer = new Writer(inner.length + 64)
  const lastOffset = base + BigInt(Math.max(0, input.messages.length - 1))
  encodeLegacyMessage(outer, magic, lastOffset, codec | tsAttr, maxTs, null, inner)
  return Buffer.from(outer.finish())
}

/**
 * Rewrite a magic 0/1 message set as one RecordBatch v2 (what a Kafka broker
 * does with Produce v0-v2 on the v2 message format): keys, values and
 * timestamps are kept (magic 0 has none: -1), offsets become deltas, and the
 * wrapper's codec, if any, compresses the new batch.
 */
export function upconvertMessageSet(buf: Buffer, opts: {compression?: number; baseOffset?: bigint} = {}): Buffer {
  const {records, truncatedBytes} = decodeMessageSet(buf)
  if (truncatedBytes > 0) throw new CorruptRecordError(`message set ends with a partial message of ${truncatedBytes} bytes`)
  const codec = opts.compression ?? records.find((r) => r.compression !== 0)?.compression ?? 0
  const logAppend = records.some((r) => r.timestampType === 1)
  return encodeRecordBatch({
    baseOffset: opts.baseOffset ?? 0n,
    compression: codec,
    timestampType: logAppend ? 1 : 0,
    records: records.map((r, i) => ({key: r.key, value: r.value, timestamp: r.timestamp, offsetDelta: i})),
  })
}

/** Human description of an attributes value, e.g. for dump tools. */
export function describeAttributes(attributes: number): string {
  const parts = [`compression=${compressionName(attributes & COMPRESSION_CODEC_MASK)}`]
  parts.push(`timestampType=${TIMESTAMP_TYPE_NAMES[(attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0]}`)
  if (attributes & TRANSACTIONAL_FLAG_MASK) parts.push('transactional')
  if (attributes & CONTROL_FLAG_MASK) parts.push('control')
  if (attributes & DELETE_HORIZON_FLAG_MASK) parts.push('deleteHorizon')
  return parts.join(' ')
}
