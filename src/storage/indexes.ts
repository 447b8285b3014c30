// A segment's two sparse indexes, in Kafka's file formats:
//
//   .index      8-byte entries: int32 offset relative to the segment's base
//               offset, int32 byte position in the .log file. Kafka keys each
//               entry by the LAST offset of the append it points at, and
//               looks up the largest entry <= the target, then scans forward.
//   .timeindex  12-byte entries: int64 timestamp, int32 relative offset,
//               appended only when the segment's max timestamp grows; an
//               entry (T, O) says T is the largest timestamp up to offset O,
//               so any record with a timestamp above T comes after O.
//
// Kafka mmaps these files; Node cannot, so each index keeps its entries in a
// Buffer and writes new entries to the file in chunks (and always on flush,
// roll and close). Crash consistency is the same as Kafka's: indexes above
// the recovery point are rebuilt after an unclean shutdown, and flush (which
// moves the recovery point) writes and fsyncs them. While a segment is active
// its index files are preallocated to segment.index.bytes (rounded down to a
// whole entry); they are trimmed to their entries when the segment rolls or
// closes, so a clean restart can trust "entries = file size / entry size".

import {closeSync, existsSync, fstatSync, ftruncateSync, fsyncSync, openSync, renameSync, rmSync} from 'node:fs'
import {basename, join} from 'node:path'

import {readInt64, writeInt64} from './batch-fields.js'
import {readFully, writeFully} from './file-io.js'

/** Entries are written to the file once this many bytes are pending. */
const WRITE_CHUNK_BYTES = 8192
const INITIAL_CAPACITY_ENTRIES = 128

export class CorruptIndexError extends Error {
  override name = 'CorruptIndexError'
}

export class IndexOffsetOverflowError extends Error {
  override name = 'IndexOffsetOverflowError'
}

function roundDown(n: number, factor: number): number {
  return factor * Math.floor(n / factor)
}

abstract class IndexFile {
  protected mem: Buffer | null = null
  protected count: number
  protected written: number
  private fd: number | null = null
  private length: number
  private max: number

  constructor(
    private filePath: string,
    readonly baseOffset: number,
    readonly maxIndexSize: number,
    protected readonly entrySize: number,
  ) {
    if (!existsSync(filePath)) {
      if (maxIndexSize < entrySize) throw new Error(`Invalid max index size: ${maxIndexSize}`)
      this.fd = openSync(filePath, 'w+')
      this.length = roundDown(maxIndexSize, entrySize)
      ftruncateSync(this.fd, this.length)
      this.count = 0
      this.mem = Buffer.allocUnsafe(INITIAL_CAPACITY_ENTRIES * entrySize)
    } else {
      this.fd = openSync(filePath, 'r+')
      this.length = fstatSync(this.fd).size
      // A pre-existing index is trusted to hold exactly its entries (Kafka's assumption
      // after a clean shutdown); the loader's sanity checks and recovery guard the rest.
      this.count = Math.floor(this.length / entrySize)
    }
    this.written = this.count
    this.max = Math.floor(this.length / entrySize)
  }

  get file(): string {
    return this.filePath
  }

  get entries(): number {
    return this.count
  }

  get maxEntries(): number {
    return this.max
  }

  /** Length of the file on disk. */
  get fileLength(): number {
    return this.length
  }

  /** Bytes used by entries. */
  get sizeInBytes(): number {
    return this.count * this.entrySize
  }

  isFull(): boolean {
    return this.count >= this.max
  }

  /** The relative offset that `offset` maps to, or -1 when it does not fit an int32. */
  relativeOffsetOrNeg(offset: number): number {
    const rel = offset - this.baseOffset
    return rel < 0 || rel > 0x7fffffff ? -1 : rel
  }

  canAppendOffset(offset: number): boolean {
    return this.relativeOffsetOrNeg(offset) >= 0
  }

  protected relativeOffset(offset: number): number {
    const rel = this.relativeOffsetOrNeg(offset)
    if (rel < 0) throw new IndexOffsetOverflowError(`Integer overflow for offset: ${offset} (${this.filePath})`)
    return rel
  }

  private handle(): number {
    if (this.fd === null) this.fd = openSync(this.filePath, 'r+')
    return this.fd
  }

  /** The entries, read from the file the first time they are needed. */
  protected data(): Buffer {
    if (this.mem === null) {
      const bytes = this.count * this.entrySize
      this.mem = Buffer.allocUnsafe(Math.max(bytes, INITIAL_CAPACITY_ENTRIES * this.entrySize))
      const n = readFully(this.handle(), this.mem, 0, bytes, 0)
      if (n < bytes) this.mem.fill(0, n, bytes)
    }
    return this.mem
  }

  /** One entry straight from the file, without loading the rest. */
  protected peekEntry(n: number): Buffer {
    if (this.mem !== null) return this.mem.subarray(n * this.entrySize, (n + 1) * this.entrySize)
    const b = Buffer.alloc(this.entrySize)
    readFully(this.handle(), b, 0, this.entrySize, n * this.entrySize)
    return b
  }

  /** Room for one more entry; returns the byte position to write it at. */
  protected reserve(): number {
    let mem = this.data()
    const at = this.count * this.entrySize
    if (at + this.entrySize > mem.length) {
      const grown = Buffer.allocUnsafe(Math.max(mem.length * 2, at + this.entrySize))
      mem.copy(grown, 0, 0, at)
      this.mem = mem = grown
    }
    return at
  }

  protected committed(): void {
    this.count++
    if ((this.count - this.written) * this.entrySize >= WRITE_CHUNK_BYTES) this.writePending()
  }

  /** Write entries not yet in the file (no fsync). */
  writePending(): void {
    if (this.written >= this.count || this.mem === null) {
      this.written = Math.min(this.written, this.count)
      return
    }
    const from = this.written * this.entrySize
    writeFully(this.handle(), this.mem, from, this.count * this.entrySize - from, from)
    this.written = this.count
  }

  protected truncateToEntries(n: number): void {
    this.count = n
    if (this.written > n) this.written = n
  }

  /**
   * Set the file length (rounded down to whole entries), as Kafka's resize: to
   * segment.index.bytes for the active segment, to the entries on roll/close.
   */
  resize(newSize: number): boolean {
    const rounded = roundDown(newSize, this.entrySize)
    if (rounded === this.length) return false
    this.writePending()
    ftruncateSync(this.handle(), rounded)
    this.length = rounded
    this.max = Math.floor(rounded / this.entrySize)
    return true
  }

  trimToValidSize(): void {
    this.resize(this.count * this.entrySize)
  }

  /** Remove every entry and grow the file back to segment.index.bytes. */
  reset(): void {
    this.truncateToEntries(0)
    this.resize(this.maxIndexSize)
  }

  flush(): void {
    this.writePending()
    if (this.fd !== null) fsyncSync(this.fd)
  }

  /** Close the file handle; the next write reopens it. */
  release(): void {
    if (this.fd !== null) {
      closeSync(this.fd)
      this.fd = null
    }
  }

  close(): void {
    this.trimToValidSize()
    this.release()
  }

  renameTo(path: string): void {
    if (existsSync(this.filePath)) renameSync(this.filePath, path)
    this.filePath = path
  }

  /** The partition directory was renamed; open handles stay valid. */
  updateParentDir(dir: string): void {
    this.filePath = join(dir, basename(this.filePath))
  }

  deleteIfExists(): void {
    this.release()
    rmSync(this.filePath, {force: true})
  }

  /**
   * Largest slot whose key (compare < 0 means slot key < target) is <= target,
   * or -1 when even the first entry is larger / the index is empty.
   */
  protected largestLowerBound(key: (slot: number) => number, target: number): number {
    if (this.count === 0) return -1
    if (key(0) > target) return -1
    let lo = 0
    let hi = this.count - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      const k = key(mid)
      if (k > target) hi = mid - 1
      else if (k < target) lo = mid
      else return mid
    }
    return lo
  }
}

export interface OffsetPosition {
  offset: number
  position: number
}

export class OffsetIndex extends IndexFile {
  static readonly ENTRY_SIZE = 8
  private last: number

  constructor(path: string, baseOffset: number, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, OffsetIndex.ENTRY_SIZE)
    this.last = this.count === 0 ? baseOffset : baseOffset + this.peekEntry(this.count - 1).readInt32BE(0)
  }

  /** The offset of the last entry (the base offset when empty). */
  get lastOffset(): number {
    return this.last
  }

  /** Kafka's OffsetIndex.sanityCheck, plus positions that must be non-decreasing within the log. */
  sanityCheck(logSize: number): void {
    if (this.fileLength % OffsetIndex.ENTRY_SIZE !== 0) {
      throw new CorruptIndexError(`Index file ${this.file} is corrupt, found ${this.fileLength} bytes which is neither positive nor a multiple of 8`)
    }
    if (this.count === 0) return
    if (this.last < this.baseOffset) {
      throw new CorruptIndexError(
        `Corrupt index found, index file ${this.file} has non-zero size but the last offset is ${this.last} which is less than the base offset ${this.baseOffset}`,
      )
    }
    const first = this.peekEntry(0)
    const lastEntry = this.peekEntry(this.count - 1)
    const firstRel = first.readInt32BE(0)
    const lastPos = lastEntry.readInt32BE(4)
    if (this.count > 1 && this.baseOffset + firstRel >= this.last) {
      throw new CorruptIndexError(`Corrupt index found, index file ${this.file} has offsets that do not increase`)
    }
    if (lastPos < 0 || lastPos >= logSize || first.readInt32BE(4) > lastPos) {
      throw new CorruptIndexError(`Corrupt index found, index file ${this.file} points at position ${lastPos} of a ${logSize}-byte log`)
    }
  }

  /**
   * The largest entry with offset <= target; (baseOffset, 0) when there is none.
   */
  lookup(target: number): OffsetPosition {
    const mem = this.data()
    const slot = this.largestLowerBound((s) => mem.readInt32BE(s * 8), target - this.baseOffset)
    if (slot < 0) return {offset: this.baseOffset, position: 0}
    return {offset: this.baseOffset + mem.readInt32BE(slot * 8), position: mem.readInt32BE(slot * 8 + 4)}
  }

  entry(n: number): OffsetPosition {
    if (n >= this.count) throw new RangeError(`Attempt to fetch the ${n}th entry from index ${this.file}, which has size ${this.count}`)
    const mem = this.data()
    return {offset: this.baseOffset + mem.readInt32BE(n * 8), position: mem.readInt32BE(n * 8 + 4)}
  }

  append(offset: number, position: number): void {
    if (this.isFull()) throw new Error(`Attempt to append to a full index (size = ${this.count}).`)
    if (this.count !== 0 && offset <= this.last) {
      throw new Error(
        `Attempt to append an offset ${offset} to position ${this.count} no larger than the last offset appended (${this.last}) to ${this.file}`,
      )
    }
    const rel = this.relativeOffset(offset)
    const at = this.reserve()
    this.mem!.writeInt32BE(rel, at)
    this.mem!.writeInt32BE(position, at + 4)
    this.last = offset
    this.committed()
  }

  /** Remove entries with offset >= `offset`. */
  truncateTo(offset: number): void {
    const mem = this.data()
    const target = offset - this.baseOffset
    const slot = this.largestLowerBound((s) => mem.readInt32BE(s * 8), target)
    let n: number
    if (slot < 0) n = 0
    else if (mem.readInt32BE(slot * 8) === target) n = slot
    else n = slot + 1
    this.truncateToEntries(n)
  }

  protected override truncateToEntries(n: number): void {
    super.truncateToEntries(n)
    this.last = n === 0 ? this.baseOffset : this.baseOffset + this.data().readInt32BE((n - 1) * 8)
  }
}

export interface TimestampOffset {
  timestamp: number
  offset: number
}

export class TimeIndex extends IndexFile {
  static readonly ENTRY_SIZE = 12
  private lastTs: number
  private lastOff: number

  constructor(path: string, baseOffset: number, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, TimeIndex.ENTRY_SIZE)
    if (this.count === 0) {
      this.lastTs = -1
      this.lastOff = baseOffset
    } else {
      const e = this.peekEntry(this.count - 1)
      this.lastTs = readInt64(e, 0)
      this.lastOff = baseOffset + e.readInt32BE(8)
    }
  }

  /** The last entry; (-1, baseOffset) when empty. */
  lastEntry(): TimestampOffset {
    return {timestamp: this.lastTs, offset: this.lastOff}
  }

  /** The last slot is kept for the final entry written when the segment rolls or closes. */
  override isFull(): boolean {
    return this.count >= this.maxEntries - 1
  }

  sanityCheck(): void {
    if (this.fileLength % TimeIndex.ENTRY_SIZE !== 0) {
      throw new CorruptIndexError(`Time index file ${this.file} is corrupt, found ${this.fileLength} bytes which is neither positive nor a multiple of 12`)
    }
    if (this.count === 0) return
    const firstTs = readInt64(this.peekEntry(0), 0)
    if (this.lastTs < firstTs) {
      throw new CorruptIndexError(
        `Corrupt time index found, time index file (${this.file}) has non-zero size but the last timestamp is ${this.lastTs} which is less than the first timestamp ${firstTs}`,
      )
    }
    if (this.lastOff < this.baseOffset) {
      throw new CorruptIndexError(
        `Corrupt time index found, time index file (${this.file}) has non-zero size but the last offset is ${this.lastOff} which is less than the first offset ${this.baseOffset}`,
      )
    }
  }

  entry(n: number): TimestampOffset {
    if (n >= this.count) throw new RangeError(`Attempt to fetch the ${n}th entry from time index ${this.file} which has size ${this.count}`)
    const mem = this.data()
    return {timestamp: readInt64(mem, n * 12), offset: this.baseOffset + mem.readInt32BE(n * 12 + 8)}
  }

  /** The entry with the largest timestamp <= target; (-1, baseOffset) when there is none. */
  lookup(targetTimestamp: number): TimestampOffset {
    const mem = this.data()
    const slot = this.largestLowerBound((s) => readInt64(mem, s * 12), targetTimestamp)
    if (slot < 0) return {timestamp: -1, offset: this.baseOffset}
    return {timestamp: readInt64(mem, slot * 12), offset: this.baseOffset + mem.readInt32BE(slot * 12 + 8)}
  }

  /**
   * Append (timestamp, offset) if the timestamp is larger than the last one.
   * `skipFullCheck` is for the final entry on roll/close (the reserved slot).
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull()) throw new Error(`Attempt to append to a full time index (size = ${this.count}).`)
    if (this.count !== 0 && offset < this.lastOff) {
      throw new Error(
        `Attempt to append an offset (${offset}) to slot ${this.count} no larger than the last offset appended (${this.lastOff}) to ${this.file}`,
      )
    }
    if (this.count !== 0 && timestamp < this.lastTs) {
      throw new Error(
        `Attempt to append a timestamp (${timestamp}) to slot ${this.count} no larger than the last timestamp appended (${this.lastTs}) to ${this.file}`,
      )
    }
    if (timestamp > this.lastTs) {
      const rel = this.relativeOffset(offset)
      const at = this.reserve()
      writeInt64(this.mem!, timestamp, at)
      this.mem!.writeInt32BE(rel, at + 8)
      this.lastTs = timestamp
      this.lastOff = offset
      this.committed()
    }
  }

  /** Remove entries with offset >= `offset`. */
  truncateTo(offset: number): void {
    const mem = this.data()
    const target = offset - this.baseOffset
    const slot = this.largestLowerBound((s) => mem.readInt32BE(s * 12 + 8), target)
    let n: number
    if (slot < 0) n = 0
    else if (mem.readInt32BE(slot * 12 + 8) === target) n = slot
    else n = slot + 1
    this.truncateToEntries(n)
  }

  protected override truncateToEntries(n: number): void {
    super.truncateToEntries(n)
    if (n === 0) {
      this.lastTs = -1
      this.lastOff = this.baseOffset
    } else {
      const mem = this.data()
      this.lastTs = readInt64(mem, (n - 1) * 12)
      this.lastOff = this.baseOffset + mem.readInt32BE((n - 1) * 12 + 8)
    }
  }
}
