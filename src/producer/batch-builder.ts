// Builds one RecordBatch v2 record by record, as Kafka's MemoryRecordsBuilder
// does: records are written in place behind a reserved 61-byte header as they
// are appended (no per-record objects), and the batch is closed once, when it
// is drained for sending: the records section is compressed (off the JS
// thread) and the header and CRC-32C are written. The bytes are the same as
// encodeRecordBatch writes for the same records (test/unit/perf checks this),
// which is the reference encoder; this one exists because the producer's hot
// path cannot afford an object per record.
//
// "Full" follows Kafka: without compression a batch holds what fits in
// batch.size bytes; with compression its size is estimated as header +
// uncompressed bytes x the topic's observed compression ratio x 1.05, so
// compressible data packs more records into a batch.size batch.

import {compress, Compression} from '../protocol/compression.js'
import {crc32c} from '../protocol/crc32c.js'
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORD_COUNT_OFFSET,
  TRANSACTIONAL_FLAG_MASK,
} from '../protocol/record-batch.js'

export interface HeaderInput {
  key: string
  value: Buffer | null
}

/** Kafka's COMPRESSION_RATE_ESTIMATION_FACTOR. */
const ESTIMATION_FACTOR = 1.05

function uvarintSize(x: number): number {
  if (x < 0x80) return 1
  if (x < 0x4000) return 2
  if (x < 0x200000) return 3
  if (x < 0x10000000) return 4
  return 5
}

/** Size of a zig-zag varint for a 32-bit signed value. */
function varintSize(v: number): number {
  return uvarintSize(((v << 1) ^ (v >> 31)) >>> 0)
}

function varlongSize(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return varintSize(v)
  let z = v >= 0 ? v * 2 : -v * 2 - 1
  let n = 1
  while (z >= 128) {
    z = Math.floor(z / 128)
    n++
  }
  return n
}

/** Bytes a record takes in a batch (its length prefix included). */
export function recordSize(offsetDelta: number, timestampDelta: number, keyLength: number, valueLength: number, headers: readonly HeaderInput[] | null): number {
  const body = recordBodySize(offsetDelta, timestampDelta, keyLength, valueLength, headers)
  return varintSize(body) + body
}

function recordBodySize(offsetDelta: number, timestampDelta: number, keyLength: number, valueLength: number, headers: readonly HeaderInput[] | null): number {
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta)
  size += keyLength < 0 ? 1 : varintSize(keyLength) + keyLength
  size += valueLength < 0 ? 1 : varintSize(valueLength) + valueLength
  if (headers === null || headers.length === 0) return size + 1
  size += varintSize(headers.length)
  for (const h of headers) {
    const k = Buffer.byteLength(h.key, 'utf8')
    size += varintSize(k) + k
    size += h.value === null ? 1 : varintSize(h.value.length) + h.value.length
  }
  return size
}

/** Upper bound of a batch holding just this record (Kafka's estimateSizeInBytesUpperBound). */
export function singleRecordBatchBound(keyLength: number, valueLength: number, headers: readonly HeaderInput[] | null): number {
  return RECORD_BATCH_OVERHEAD + recordSize(0, 0, keyLength, valueLength, headers) + 16
}

export interface CloseOptions {
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  transactional: boolean
  compressionLevel?: number
}

export class BatchBuilder {
  private buf: Buffer
  private pos = RECORD_BATCH_OVERHEAD
  recordCount = 0
  baseTimestamp = 0
  maxTimestamp = -1
  /** Bytes this batch may grow to, as Kafka's writeLimit. */
  readonly writeLimit: number

  constructor(
    readonly compression: number,
    capacity: number,
    /** The topic's current compression ratio estimate (1 for none). */
    private readonly ratioEstimate: number,
    /** A buffer to build in (from the producer's pool), at least `capacity` bytes. */
    buffer?: Buffer,
  ) {
    this.writeLimit = capacity
    // Compressed batches hold more raw bytes than writeLimit; start a little bigger.
    this.buf = buffer ?? Buffer.allocUnsafe(compression === Compression.NONE ? capacity : Math.ceil(capacity * 1.25) + 64)
  }

  /** The buffer the records were built in, for reuse once the batch is done with. */
  get buffer(): Buffer {
    return this.buf
  }

  /** Uncompressed bytes so far, header included. */
  get sizeInBytes(): number {
    return this.pos
  }

  /** Kafka's estimatedBytesWritten(). */
  estimatedBytes(): number {
    if (this.compression === Compression.NONE) return this.pos
    return RECORD_BATCH_OVERHEAD + (this.pos - RECORD_BATCH_OVERHEAD) * this.ratioEstimate * ESTIMATION_FACTOR
  }

  /** True when a record of `bytes` encoded bytes still fits (the first record always does). */
  hasRoomFor(bytes: number): boolean {
    return this.recordCount === 0 || this.estimatedBytes() + bytes <= this.writeLimit
  }

  /** Exact bytes the next record would take. */
  nextRecordSize(timestamp: number, keyLength: number, valueLength: number, headers: readonly HeaderInput[] | null): number {
    const delta = this.recordCount === 0 ? 0 : timestamp - this.baseTimestamp
    return recordSize(this.recordCount, delta, keyLength, valueLength, headers)
  }

  /** Appends a record and returns the bytes it took. */
  append(timestamp: number, key: Uint8Array | null, value: Uint8Array | null, headers: readonly HeaderInput[] | null): number {
    if (this.recordCount === 0) this.baseTimestamp = timestamp
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp
    const offsetDelta = this.recordCount
    const tsDelta = timestamp - this.baseTimestamp
    const keyLength = key === null ? -1 : key.length
    const valueLength = value === null ? -1 : value.length
    const body = recordBodySize(offsetDelta, tsDelta, keyLength, valueLength, headers)
    const total = varintSize(body) + body
    if (this.pos + total > this.buf.length) this.grow(this.pos + total)
    const b = this.buf
    let p = this.writeUvarint(b, this.pos, body << 1)
    b[p++] = 0 // attributes
    p = this.writeVarlong(b, p, tsDelta)
    p = this.writeUvarint(b, p, ((offsetDelta << 1) ^ (offsetDelta >> 31)) >>> 0)
    if (key === null) b[p++] = 1 // zig-zag -1
    else {
      p = this.writeUvarint(b, p, keyLength << 1)
      b.set(key, p)
      p += keyLength
    }
    if (value === null) b[p++] = 1
    else {
      p = this.writeUvarint(b, p, valueLength << 1)
      b.set(value, p)
      p += valueLength
    }
    if (headers === null || headers.length === 0) b[p++] = 0
    else {
      p = this.writeUvarint(b, p, headers.length << 1)
      for (const h of headers) {
        const k = Buffer.from(h.key, 'utf8')
        p = this.writeUvarint(b, p, k.length << 1)
        b.set(k, p)
        p += k.length
        if (h.value === null) b[p++] = 1
        else {
          p = this.writeUvarint(b, p, h.value.length << 1)
          b.set(h.value, p)
          p += h.value.length
        }
      }
    }
    this.pos = p
    this.recordCount++
    return total
  }

  /**
   * The finished batch: compressed (on the thread pool) when the batch is,
   * header and CRC written. The builder must not be used afterwards.
   */
  async close(opts: CloseOptions): Promise<Buffer> {
    if (this.compression === Compression.NONE) return this.finish(this.buf.subarray(0, this.pos), opts)
    const raw = this.buf.subarray(RECORD_BATCH_OVERHEAD, this.pos)
    const compressed = await compress(this.compression, raw, opts.compressionLevel !== undefined ? {level: opts.compressionLevel} : {})
    const out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + compressed.length)
    compressed.copy(out, RECORD_BATCH_OVERHEAD)
    return this.finish(out, opts)
  }

  private finish(out: Buffer, opts: CloseOptions): Buffer {
    const total = out.length
    out.writeBigInt64BE(0n, BASE_OFFSET_OFFSET)
    out.writeInt32BE(total - LOG_OVERHEAD, BATCH_LENGTH_OFFSET)
    out.writeInt32BE(-1, PARTITION_LEADER_EPOCH_OFFSET)
    out[MAGIC_OFFSET] = 2
    out.writeInt16BE(this.compression | (opts.transactional ? TRANSACTIONAL_FLAG_MASK : 0), ATTRIBUTES_OFFSET)
    out.writeInt32BE(this.recordCount - 1, LAST_OFFSET_DELTA_OFFSET)
    writeInt64Number(out, this.baseTimestamp, BASE_TIMESTAMP_OFFSET)
    writeInt64Number(out, this.maxTimestamp, MAX_TIMESTAMP_OFFSET)
    out.writeBigInt64BE(opts.producerId, PRODUCER_ID_OFFSET)
    out.writeInt16BE(opts.producerEpoch, PRODUCER_EPOCH_OFFSET)
    out.writeInt32BE(opts.baseSequence, BASE_SEQUENCE_OFFSET)
    out.writeInt32BE(this.recordCount, RECORD_COUNT_OFFSET)
    out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET, total)), CRC_OFFSET)
    return out
  }

  private grow(need: number): void {
    let size = this.buf.length * 2
    while (size < need) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  private writeUvarint(b: Buffer, p: number, x: number): number {
    while (x >= 0x80) {
      b[p++] = (x & 0x7f) | 0x80
      x >>>= 7
    }
    b[p++] = x
    return p
  }

  private writeVarlong(b: Buffer, p: number, v: number): number {
    if (v >= -0x40000000 && v < 0x40000000) return this.writeUvarint(b, p, ((v << 1) ^ (v >> 31)) >>> 0)
    let z = v >= 0 ? v * 2 : -v * 2 - 1
    while (z >= 128) {
      b[p++] = (z % 128) | 0x80
      z = Math.floor(z / 128)
    }
    b[p++] = z
    return p
  }
}

/** Writes a millisecond timestamp (a safe integer) as int64 without a bigint. */
function writeInt64Number(b: Buffer, v: number, at: number): void {
  const hi = Math.floor(v / 0x100000000)
  b.writeInt32BE(hi, at)
  b.writeUInt32BE(v - hi * 0x100000000, at + 4)
}
