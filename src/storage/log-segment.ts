// One segment of a partition log: <base>.log holding record batches exactly
// as they were appended, plus its .index and .timeindex (see indexes.ts).
// Files are named by the segment's base offset, zero-padded to 20 digits, as
// Kafka names them. Batches are never decoded here except where Kafka decodes
// too (timestamp lookups); everything else reads fixed header fields.

import {closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync} from 'node:fs'
import {basename, join} from 'node:path'

import {decodeRecordBatch} from '../protocol/record-batch.js'
import {crc32c} from '../protocol/crc32c.js'
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
  readInt64,
} from './batch-fields.js'
import {readFully, writeFully} from './file-io.js'
import {OffsetIndex, TimeIndex} from './indexes.js'

export const LOG_FILE_SUFFIX = '.log'
export const INDEX_FILE_SUFFIX = '.index'
export const TIME_INDEX_FILE_SUFFIX = '.timeindex'
export const TXN_INDEX_FILE_SUFFIX = '.txnindex'
export const DELETED_FILE_SUFFIX = '.deleted'
export const CLEANED_FILE_SUFFIX = '.cleaned'
export const SWAP_FILE_SUFFIX = '.swap'

/** Kafka's 20-digit zero-padded file name stem for a base offset. */
export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0')
}

export function logFilePath(dir: string, baseOffset: number, suffix = ''): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX + suffix)
}
export function offsetIndexFilePath(dir: string, baseOffset: number, suffix = ''): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + INDEX_FILE_SUFFIX + suffix)
}
export function timeIndexFilePath(dir: string, baseOffset: number, suffix = ''): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + TIME_INDEX_FILE_SUFFIX + suffix)
}
export function txnIndexFilePath(dir: string, baseOffset: number, suffix = ''): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + TXN_INDEX_FILE_SUFFIX + suffix)
}

/** The batch found for an offset: its last offset, file position and size. */
export interface LogOffsetPosition {
  lastOffset: number
  position: number
  size: number
}

export interface SegmentRead {
  /** Position in the segment of the first batch returned. */
  position: number
  /** Raw bytes from the .log file (may end with a partial batch, as Kafka's do). */
  records: Buffer
  /** The first batch did not fit in maxSize (only without minOneMessage). */
  firstEntryIncomplete: boolean
}

export interface TimestampAndOffset {
  timestamp: number
  offset: number
  /** partitionLeaderEpoch of the batch holding the record; null when unknown (< 0). */
  leaderEpoch: number | null
}

export interface RollParams {
  maxSegmentMs: number
  maxSegmentBytes: number
  maxTimestampInMessages: number
  maxOffsetInMessages: number
  messagesSize: number
  now: number
}

export interface SegmentOptions {
  indexIntervalBytes: number
  maxIndexSize: number
  rollJitterMs: number
  now: number
}

/** A batch header as the scanners see it: the 61 header bytes at buf[at]. */
type HeaderVisitor = (buf: Buffer, at: number, position: number, size: number) => boolean

// The offset index puts an entry within index.interval.bytes (4 KiB by default) of any batch, so one 8 KiB read usually finds it.
const HEADER_SCAN_CHUNK = 8 * 1024
const RECOVERY_CHUNK = 1024 * 1024
const HEADER_SIZE_UP_TO_MAGIC = MAGIC_OFFSET + 1
let scanScratch: Buffer | undefined

export class LogSegment {
  private fd: number
  private bytes: number
  private maxTs: number
  private offsetOfMaxTs: number
  private bytesSinceLastIndexEntry = 0
  private rollingBasedTimestamp: number | undefined
  private created: number
  private logPath: string

  private constructor(
    private dir: string,
    readonly baseOffset: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly indexIntervalBytes: number,
    readonly rollJitterMs: number,
    now: number,
  ) {
    this.logPath = logFilePath(dir, baseOffset)
    this.fd = openSync(this.logPath, existsSync(this.logPath) ? 'r+' : 'w+')
    this.bytes = fstatSync(this.fd).size
    const last = timeIndex.lastEntry()
    this.maxTs = last.timestamp
    this.offsetOfMaxTs = last.offset
    this.created = now
  }

  /** Opens (creating any missing file) the segment with this base offset in `dir`. */
  static open(dir: string, baseOffset: number, opts: SegmentOptions): LogSegment {
    const offsetIndex = new OffsetIndex(offsetIndexFilePath(dir, baseOffset), baseOffset, opts.maxIndexSize)
    const timeIndex = new TimeIndex(timeIndexFilePath(dir, baseOffset), baseOffset, opts.maxIndexSize)
    return new LogSegment(dir, baseOffset, offsetIndex, timeIndex, opts.indexIntervalBytes, opts.rollJitterMs, opts.now)
  }

  /** Bytes in the .log file. */
  get size(): number {
    return this.bytes
  }

  get logFile(): string {
    return this.logPath
  }

  /** The largest batch max timestamp seen (-1 when none). */
  get maxTimestampSoFar(): number {
    return this.maxTs
  }

  /** Last offset of the batch holding maxTimestampSoFar. */
  get offsetOfMaxTimestampSoFar(): number {
    return this.offsetOfMaxTs
  }

  /** Kafka's LogSegment.shouldRoll. */
  shouldRoll(p: RollParams): boolean {
    const reachedRollMs = this.timeWaitedForRoll(p.now, p.maxTimestampInMessages) > p.maxSegmentMs - this.rollJitterMs
    const size = this.bytes
    return (
      size > p.maxSegmentBytes - p.messagesSize ||
      (size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      !this.offsetIndex.canAppendOffset(p.maxOffsetInMessages)
    )
  }

  /**
   * Time the segment has waited to roll: by record time since the first
   * batch's max timestamp when there is one, else by wall clock since creation.
   */
  timeWaitedForRoll(now: number, messageTimestamp: number): number {
    const ts = this.firstBatchTimestamp()
    return ts >= 0 ? messageTimestamp - ts : now - this.created
  }

  private firstBatchTimestamp(): number {
    if (this.rollingBasedTimestamp === undefined && this.bytes > 0) {
      this.scanHeaders(0, (buf, at) => {
        this.rollingBasedTimestamp = readInt64(buf, at + MAX_TIMESTAMP_OFFSET)
        return false
      })
    }
    return this.rollingBasedTimestamp ?? -1
  }

  /**
   * Append already offset-stamped batches. One pwrite; index entries when
   * index.interval.bytes of data have gone by since the last one.
   */
  append(largestOffset: number, largestTimestamp: number, shallowOffsetOfMaxTimestamp: number, records: Buffer): void {
    const len = records.length
    if (len === 0) return
    const physicalPosition = this.bytes
    if (physicalPosition === 0) this.rollingBasedTimestamp = largestTimestamp
    if (!this.offsetIndex.canAppendOffset(largestOffset)) {
      throw new Error(`Detected offset overflow at offset ${largestOffset} in segment ${this.baseOffset}`)
    }
    writeFully(this.fd, records, 0, len, physicalPosition)
    this.bytes = physicalPosition + len
    if (largestTimestamp > this.maxTs) {
      this.maxTs = largestTimestamp
      this.offsetOfMaxTs = shallowOffsetOfMaxTimestamp
    }
    if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
      this.offsetIndex.append(largestOffset, physicalPosition)
      this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs)
      this.bytesSinceLastIndexEntry = 0
    }
    this.bytesSinceLastIndexEntry += len
  }

  /**
   * Visit batch headers from `position` to the end of the segment, reading
   * the file in chunks. Stops at a torn tail or when the visitor returns false.
   * Returns the position after the last whole batch visited.
   */
  private scanHeaders(position: number, visit: HeaderVisitor): number {
    const end = this.bytes
    const scratch = (scanScratch ??= Buffer.allocUnsafe(HEADER_SCAN_CHUNK))
    let pos = position
    while (pos + RECORD_BATCH_OVERHEAD <= end) {
      const n = readFully(this.fd, scratch, 0, Math.min(HEADER_SCAN_CHUNK, end - pos), pos)
      let at = 0
      while (at + RECORD_BATCH_OVERHEAD <= n) {
        const size = scratch.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
        if (size < RECORD_BATCH_OVERHEAD || pos + size > end) return pos
        if (!visit(scratch, at, pos, size)) return pos + size
        pos += size
        at += size
      }
      // The file is shorter than the segment thinks (cut behind our back): stop rather than spin.
      if (n < RECORD_BATCH_OVERHEAD) break
    }
    return pos
  }

  /**
   * The first batch whose last offset is >= `offset`, searching from the
   * offset index's entry (or `startingFilePosition` when further on); null
   * when the segment holds no such batch.
   */
  translateOffset(offset: number, startingFilePosition = 0): LogOffsetPosition | null {
    const mapping = this.offsetIndex.lookup(offset)
    let found: LogOffsetPosition | null = null
    this.scanHeaders(Math.max(mapping.position, startingFilePosition), (buf, at, position, size) => {
      const lastOffset = readInt64(buf, at) + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
      if (lastOffset >= offset) {
        found = {lastOffset, position, size}
        return false
      }
      return true
    })
    return found
  }

  /** Copy `len` bytes at `position` out of the .log file (into memory from `allocate` when given). */
  readBytes(position: number, len: number, allocate?: (size: number) => Buffer): Buffer {
    const out = allocate !== undefined ? allocate(len) : Buffer.allocUnsafe(len)
    const n = readFully(this.fd, out, 0, len, position)
    return n < len ? out.subarray(0, n) : out
  }

  /**
   * Kafka's LogSegment.read: the bytes from the batch holding `startOffset`,
   * at most maxSize (or the whole first batch when minOneMessage) and never
   * past maxPosition. Null when no batch in the segment reaches startOffset.
   */
  read(startOffset: number, maxSize: number, maxPosition: number, minOneMessage: boolean, allocate?: (size: number) => Buffer): SegmentRead | null {
    if (maxSize < 0) throw new RangeError(`Invalid max size ${maxSize} for log read from segment ${this.logPath}`)
    const start = this.translateOffset(startOffset)
    if (start === null) return null
    const adjustedMaxSize = minOneMessage ? Math.max(maxSize, start.size) : maxSize
    const fetchSize = Math.min(maxPosition - start.position, adjustedMaxSize)
    const records = fetchSize > 0 ? this.readBytes(start.position, fetchSize, allocate) : Buffer.alloc(0)
    return {position: start.position, records, firstEntryIncomplete: adjustedMaxSize < start.size}
  }

  /**
   * The offset after the last batch (scanning from the last offset index
   * entry) and the position where whole batches end.
   */
  readNextOffset(): {nextOffset: number; validBytes: number} {
    let next = this.baseOffset
    const start = this.offsetIndex.lookup(this.offsetIndex.lastOffset).position
    const validBytes = this.scanHeaders(start, (buf, at) => {
      next = readInt64(buf, at) + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET) + 1
      return true
    })
    return {nextOffset: next, validBytes}
  }

  /** Kafka's clean-load sanity checks; throws CorruptIndexError. */
  sanityCheck(): void {
    this.offsetIndex.sanityCheck(this.bytes)
    this.timeIndex.sanityCheck()
  }

  /**
   * Rebuild both indexes from the .log file, validating every batch (size,
   * magic 2, CRC-32C, offsets increasing and within the segment's int32
   * range), and cut the file at the first batch that fails. Returns the
   * number of bytes truncated. `onBatch` sees each valid batch's
   * partitionLeaderEpoch and baseOffset (for the leader epoch cache).
   */
  recover(onBatch?: (partitionLeaderEpoch: number, baseOffset: number) => void): number {
    this.offsetIndex.reset()
    this.timeIndex.reset()
    this.maxTs = -1
    this.offsetOfMaxTs = this.baseOffset
    this.rollingBasedTimestamp = undefined
    this.bytesSinceLastIndexEntry = 0
    const fileSize = fstatSync(this.fd).size
    let window = Buffer.allocUnsafe(Math.min(RECOVERY_CHUNK, Math.max(fileSize, RECORD_BATCH_OVERHEAD)))
    let windowStart = 0
    let windowLen = 0
    const ensure = (pos: number, need: number): number => {
      if (pos >= windowStart && pos + need <= windowStart + windowLen) return pos - windowStart
      if (need > window.length) window = Buffer.allocUnsafe(need)
      windowStart = pos
      windowLen = readFully(this.fd, window, 0, Math.min(window.length, fileSize - pos), pos)
      return 0
    }
    let validBytes = 0
    let lastIndexEntry = 0
    let nextOffset = this.baseOffset
    for (;;) {
      const remaining = fileSize - validBytes
      if (remaining < HEADER_SIZE_UP_TO_MAGIC) break
      let at = ensure(validBytes, HEADER_SIZE_UP_TO_MAGIC)
      const size = window.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
      const magic = window.readInt8(at + MAGIC_OFFSET)
      if (size < RECORD_BATCH_OVERHEAD || magic !== 2 || size > remaining) break
      at = ensure(validBytes, size)
      if (crc32c(window.subarray(at + ATTRIBUTES_OFFSET, at + size)) !== window.readUInt32BE(at + CRC_OFFSET)) break
      const baseOffset = readInt64(window, at)
      const lastOffsetDelta = window.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
      const lastOffset = baseOffset + lastOffsetDelta
      if (lastOffsetDelta < 0 || baseOffset < nextOffset || !this.offsetIndex.canAppendOffset(lastOffset)) break
      const batchMaxTs = readInt64(window, at + MAX_TIMESTAMP_OFFSET)
      if (batchMaxTs > this.maxTs) {
        this.maxTs = batchMaxTs
        this.offsetOfMaxTs = lastOffset
      }
      if (validBytes - lastIndexEntry > this.indexIntervalBytes && !this.offsetIndex.isFull() && !this.timeIndex.isFull()) {
        this.offsetIndex.append(lastOffset, validBytes)
        this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs)
        lastIndexEntry = validBytes
      }
      onBatch?.(window.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET), baseOffset)
      validBytes += size
      nextOffset = lastOffset + 1
    }
    const truncated = fileSize - validBytes
    if (truncated > 0) ftruncateSync(this.fd, validBytes)
    this.bytes = validBytes
    this.offsetIndex.trimToValidSize()
    // A cleanly closed segment always ends its time index with its largest timestamp; so does a recovered one.
    this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs, true)
    this.timeIndex.trimToValidSize()
    return truncated
  }

  /**
   * Remove everything from the batch holding `offset` on (Kafka's
   * LogSegment.truncateTo); the segment becomes appendable again. Returns the
   * bytes removed.
   */
  truncateTo(offset: number, now: number): number {
    const mapping = this.translateOffset(offset)
    this.offsetIndex.truncateTo(offset)
    this.timeIndex.truncateTo(offset)
    this.offsetIndex.resize(this.offsetIndex.maxIndexSize)
    this.timeIndex.resize(this.timeIndex.maxIndexSize)
    let truncated = 0
    if (mapping !== null && mapping.position < this.bytes) {
      truncated = this.bytes - mapping.position
      ftruncateSync(this.fd, mapping.position)
      this.bytes = mapping.position
    }
    if (this.bytes === 0) {
      this.created = now
      this.rollingBasedTimestamp = undefined
    }
    this.bytesSinceLastIndexEntry = 0
    if (this.maxTs >= 0) this.readLargestTimestamp()
    return truncated
  }

  /** Max timestamp from the time index's last entry and the batches after it. */
  private readLargestTimestamp(): void {
    const last = this.timeIndex.lastEntry()
    let ts = last.timestamp
    let offset = last.offset
    this.scanHeaders(this.offsetIndex.lookup(last.offset).position, (buf, at) => {
      const t = readInt64(buf, at + MAX_TIMESTAMP_OFFSET)
      if (t > ts) {
        ts = t
        offset = readInt64(buf, at) + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
      }
      return true
    })
    this.maxTs = ts
    this.offsetOfMaxTs = offset
  }

  /** Read the whole batch at `position` (size from a header scan). */
  private readBatch(position: number, size: number): Buffer {
    return this.readBytes(position, size)
  }

  /**
   * Kafka's LogSegment.findOffsetByTimestamp: the first record at or after
   * startingOffset whose timestamp is >= timestampMs, found through the time
   * index then decoding only the batches whose max timestamp qualifies.
   */
  findOffsetByTimestamp(timestampMs: number, startingOffset: number): TimestampAndOffset | null {
    const entry = this.timeIndex.lookup(timestampMs)
    const position = this.offsetIndex.lookup(Math.max(entry.offset, startingOffset)).position
    const candidates: Array<{position: number; size: number}> = []
    let result: TimestampAndOffset | null = null
    // Collect candidate batches a chunk at a time, decoding outside the header scan (it shares a buffer).
    let from = position
    while (result === null && from < this.bytes) {
      candidates.length = 0
      const next = this.scanHeaders(from, (buf, at, pos, size) => {
        if (readInt64(buf, at + MAX_TIMESTAMP_OFFSET) >= timestampMs) {
          candidates.push({position: pos, size})
          return false
        }
        return true
      })
      if (candidates.length === 0) break
      const c = candidates[0]!
      const batch = decodeRecordBatch(this.readBatch(c.position, c.size), 0, {verifyCrc: false})
      for (const r of batch.records) {
        const t = Number(r.timestamp)
        const o = Number(r.offset)
        if (t >= timestampMs && o >= startingOffset) {
          const ple = batch.header.partitionLeaderEpoch
          result = {timestamp: t, offset: o, leaderEpoch: ple >= 0 ? ple : null}
          break
        }
      }
      from = next
    }
    return result
  }

  /**
   * The record holding the segment's max timestamp (ListOffsets MAX_TIMESTAMP):
   * the first batch whose max timestamp equals it, then its first record with
   * that timestamp.
   */
  findMaxTimestampRecord(): TimestampAndOffset | null {
    const ts = this.maxTs
    const position = this.offsetIndex.lookup(this.offsetOfMaxTs).position
    let found: {position: number; size: number} | null = null
    this.scanHeaders(position, (buf, at, pos, size) => {
      if (readInt64(buf, at + MAX_TIMESTAMP_OFFSET) === ts) {
        found = {position: pos, size}
        return false
      }
      return true
    })
    if (found === null) return null
    const f: {position: number; size: number} = found
    const batch = decodeRecordBatch(this.readBatch(f.position, f.size), 0, {verifyCrc: false})
    const ple = batch.header.partitionLeaderEpoch
    for (const r of batch.records) {
      if (Number(r.timestamp) === ts) return {timestamp: ts, offset: Number(r.offset), leaderEpoch: ple >= 0 ? ple : null}
    }
    return null
  }

  /** Largest timestamp for retention: the max record time, else the file's mtime. */
  largestTimestamp(): number {
    return this.maxTs >= 0 ? this.maxTs : this.lastModified()
  }

  largestRecordTimestamp(): number | null {
    return this.maxTs >= 0 ? this.maxTs : null
  }

  lastModified(): number {
    return Math.floor(fstatSync(this.fd).mtimeMs)
  }

  /** The first batch's max timestamp, or Long.MAX_VALUE-like Infinity when it has none. */
  getFirstBatchTimestamp(): number {
    const ts = this.firstBatchTimestamp()
    return ts >= 0 ? ts : Number.POSITIVE_INFINITY
  }

  resizeIndexes(size: number): void {
    this.offsetIndex.resize(size)
    this.timeIndex.resize(size)
  }

  /** On roll: record the final max timestamp, trim the indexes to their entries. */
  onBecomeInactiveSegment(): void {
    this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs, true)
    this.offsetIndex.trimToValidSize()
    this.timeIndex.trimToValidSize()
    this.offsetIndex.release()
    this.timeIndex.release()
  }

  /** fsync the log and write+fsync the indexes. */
  flush(): void {
    fsyncSync(this.fd)
    this.offsetIndex.flush()
    this.timeIndex.flush()
  }

  close(): void {
    this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs, true)
    this.offsetIndex.close()
    this.timeIndex.close()
    closeSync(this.fd)
  }

  /** Rename every file of the segment, e.g. ('', '.deleted'). Open handles stay valid. */
  changeFileSuffixes(oldSuffix: string, newSuffix: string): void {
    const swap = (p: string) => (oldSuffix === '' ? p + newSuffix : p.slice(0, p.length - oldSuffix.length) + newSuffix)
    const newLog = swap(this.logPath)
    renameSync(this.logPath, newLog)
    this.logPath = newLog
    this.offsetIndex.renameTo(swap(this.offsetIndex.file))
    this.timeIndex.renameTo(swap(this.timeIndex.file))
    const txn = txnIndexFilePath(this.dir, this.baseOffset, oldSuffix)
    if (existsSync(txn)) renameSync(txn, swap(txn))
  }

  /** Close and remove every file of the segment. */
  deleteIfExists(): void {
    this.offsetIndex.deleteIfExists()
    this.timeIndex.deleteIfExists()
    try {
      closeSync(this.fd)
    } catch {
      // already closed
    }
    const suffix = this.logPath.endsWith(DELETED_FILE_SUFFIX) ? DELETED_FILE_SUFFIX : ''
    rmSync(txnIndexFilePath(this.dir, this.baseOffset, suffix), {force: true})
    rmSync(this.logPath, {force: true})
  }

  /** Point the segment at its files after the partition directory was renamed. */
  updateParentDir(dir: string): void {
    this.dir = dir
    this.logPath = join(dir, basename(this.logPath))
    this.offsetIndex.updateParentDir(dir)
    this.timeIndex.updateParentDir(dir)
  }

  toString(): string {
    return `LogSegment(baseOffset=${this.baseOffset}, size=${this.bytes}, largestRecordTimestamp=${this.maxTs})`
  }
}
