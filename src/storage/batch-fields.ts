// Fixed-offset reads and writes of RecordBatch v2 header fields as plain
// numbers. The storage hot paths (append, read, recovery scans) touch a few
// header fields per batch and nothing per record; reading int64s as two int32
// halves keeps them free of BigInt allocation. Offsets and millisecond
// timestamps stay far below 2^53, where doubles are exact.

export {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORD_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
} from '../protocol/record-batch.js'

const TWO_32 = 4294967296

/** A big-endian int64 at `at`, as a number (exact for |v| < 2^53). */
export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4)
}

/** Writes a number (integral, |v| < 2^53) as a big-endian int64 at `at`. */
export function writeInt64(buf: Buffer, v: number, at: number): void {
  const hi = Math.floor(v / TWO_32)
  buf.writeInt32BE(hi, at)
  buf.writeUInt32BE(v - hi * TWO_32, at + 4)
}
