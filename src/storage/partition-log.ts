// The log of one partition replica, in a directory <log dir>/<topic>-<partition>
// laid out exactly as Kafka lays it out (segments, indexes, leader epoch
// checkpoint, partition.metadata), with Kafka's semantics (UnifiedLog,
// LocalLog, LogLoader):
//
// - append stamps offsets and the partition leader epoch into the producer's
//   batch bytes in place (neither field is under the CRC) and writes them with
//   one pwrite. Batches are never re-encoded; per batch only header fields are
//   read (plus the CRC-32C, natively). LogAppendTime topics also get the
//   append time stamped and the CRC recomputed, as Kafka does.
// - read returns raw .log bytes from the batch holding the fetch offset, up to
//   maxBytes (at least one whole batch when minOneMessage), never past the
//   high watermark (or log end / last stable offset by isolation).
// - Offsets are JavaScript numbers (exact below 2^53); convert at the edges.
// - No timers: the owner runs retention, flush.ms flushing and checkpoints.
//
// Not here yet: producer state (idempotence/transactions, .snapshot files,
// .txnindex), compaction, remote storage, log.preallocate.

import {existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {crc32c} from '../protocol/crc32c.js'
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORD_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  readInt64,
  writeInt64,
} from './batch-fields.js'
import {readPartitionMetadata, writePartitionMetadata} from './checkpoints.js'
import {
  CorruptRecordError,
  InconsistentTopicIdError,
  InvalidRecordError,
  InvalidTimestampError,
  KafkaStorageError,
  OffsetOutOfRangeError,
  PolicyViolationError,
  RecordBatchTooLargeError,
  RecordTooLargeError,
  UnexpectedAppendOffsetError,
} from './errors.js'
import {fsyncDir} from './file-io.js'
import {CorruptIndexError} from './indexes.js'
import {LeaderEpochFileCache, UNDEFINED_EPOCH_OFFSET} from './leader-epoch-cache.js'
import {isDeletePolicy, maxSegmentMs, randomSegmentJitter, type LogConfig} from './log-config.js'
import {
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  LogSegment,
  SWAP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TXN_INDEX_FILE_SUFFIX,
  logFilePath,
  offsetIndexFilePath,
  timeIndexFilePath,
  txnIndexFilePath,
  type TimestampAndOffset,
} from './log-segment.js'

export type {TimestampAndOffset} from './log-segment.js'

/** ListOffsetsRequest's special timestamps. */
export const ListOffsetsTimestamp = {
  LATEST: -1,
  EARLIEST: -2,
  MAX_TIMESTAMP: -3,
  EARLIEST_LOCAL: -4,
  LATEST_TIERED: -5,
  EARLIEST_PENDING_UPLOAD: -6,
} as const

/** DeleteRecordsRequest.HIGH_WATERMARK: delete up to the high watermark. */
export const DELETE_RECORDS_HIGH_WATERMARK = -1

export const DELETE_DIR_SUFFIX = '-delete'
export const FUTURE_DIR_SUFFIX = '-future'
export const STRAY_DIR_SUFFIX = '-stray'

/** Kafka's AppendOrigin, for the checks that depend on who writes. */
export type AppendOrigin = 'client' | 'coordinator' | 'replication'

/** Which offset bounds a read: followers read to the log end, consumers to the high watermark or last stable offset. */
export type FetchIsolation = 'log-end' | 'high-watermark' | 'txn-committed'

export interface PartitionLogOptions {
  config: LogConfig
  /** The topic id to record in partition.metadata (checked against an existing one). */
  topicId?: string | null
  /** log-start-offset-checkpoint value for this partition (default 0). */
  logStartOffsetCheckpoint?: number
  /** recovery-point-offset-checkpoint value for this partition (default 0). */
  recoveryPointCheckpoint?: number
  /** Whether the log dir had the clean shutdown marker (default true: a new log needs no recovery). */
  hadCleanShutdown?: boolean
  /** Milliseconds clock (default Date.now). */
  clock?: () => number
  /** Random source for segment.jitter.ms (default Math.random). */
  random?: () => number
}

export interface AppendOptions {
  /** The partition leader epoch stamped into every batch (leader appends). */
  leaderEpoch: number
  /** Default 'client'. Clients must send baseOffset 0 and consistent counts, and no control batches. */
  origin?: AppendOrigin
  /** Append time in ms (default: the clock). */
  now?: number
  /** Skip the per-batch CRC check when the caller has just verified it. */
  skipCrcCheck?: boolean
}

export interface AppendResult {
  /** Offset of the first record appended (-1 when nothing was appended). */
  baseOffset: number
  lastOffset: number
  /** The append time stamped into LogAppendTime batches, else -1. */
  logAppendTime: number
  maxTimestamp: number
  /** Last offset of the batch holding maxTimestamp. */
  offsetOfMaxTimestamp: number
  logStartOffset: number
  recordCount: number
  batchCount: number
  /** Bytes written. */
  validBytes: number
  /** A new segment was rolled for this append (the owner may flush the old ones: flushRolledSegments). */
  rolled: boolean
}

export interface ReadOptions {
  /** Default 'high-watermark'. */
  isolation?: FetchIsolation
  /** Return the whole first batch even when larger than maxBytes (Kafka: true unless bytes were already read). Default true. */
  minOneMessage?: boolean
  /** Where the returned bytes go (default: a fresh Buffer); the broker reads into reusable buffers. */
  allocate?: (size: number) => Buffer
}

export interface ReadResult {
  /** Raw batches from the segment file; empty when there is nothing to read. */
  records: Buffer
  /** File position of the first byte returned within its segment, and that segment's base offset (-1 when empty). */
  position: number
  segmentBaseOffset: number
  /**
   * The first batch did not fit in maxBytes (only without minOneMessage);
   * `records` then holds its first maxBytes. Kafka's Fetch (v3+) answers
   * such a partition with empty records instead.
   */
  firstEntryIncomplete: boolean
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  logEndOffset: number
}

export interface LoadInfo {
  hadCleanShutdown: boolean
  /** Segments whose batches were scanned and indexes rebuilt. */
  recoveredSegments: number
  /** Bytes cut off torn or corrupt tails. */
  truncatedBytes: number
  /** Segments removed because an earlier one was corrupt (or the log start was past the end). */
  deletedSegments: number
}

/** Offset metadata: an offset plus where its batch starts (segment base offset, position). */
interface OffsetMetadata {
  offset: number
  segmentBaseOffset: number
  position: number
}

/** Parses <topic>-<partition>, also with Kafka's .<uuid>-delete/-future/-stray suffixes. */
export function parseTopicPartitionName(dirName: string): {topic: string; partition: number} | null {
  let name = dirName
  if (/^\S+-\S+\.\S+(-delete|-future|-stray)$/.test(dirName)) name = dirName.slice(0, dirName.lastIndexOf('.'))
  else if (dirName.endsWith(DELETE_DIR_SUFFIX) || dirName.endsWith(FUTURE_DIR_SUFFIX) || dirName.endsWith(STRAY_DIR_SUFFIX)) return null
  const i = name.lastIndexOf('-')
  if (i <= 0 || i === name.length - 1) return null
  const partStr = name.slice(i + 1)
  if (!/^\d+$/.test(partStr)) return null
  const partition = Number(partStr)
  if (partition > 2147483647) return null
  return {topic: name.slice(0, i), partition}
}

export function logDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** Kafka's name for a partition directory awaiting deletion: topic-partition.<uuid without dashes>-delete, capped at 255 chars. */
export function logDeleteDirName(topic: string, partition: number, uniqueId: string): string {
  const suffix = `-${partition}.${uniqueId}${DELETE_DIR_SUFFIX}`
  return topic.slice(0, Math.min(topic.length, 255 - suffix.length)) + suffix
}

export class PartitionLog {
  readonly topic: string
  readonly partition: number
  private dirPath: string
  private config: LogConfig
  private readonly clock: () => number
  private readonly random: () => number
  private segments: LogSegment[] = []
  private nextOffset = 0
  private startOffset = 0
  private hw: OffsetMetadata = {offset: 0, segmentBaseOffset: 0, position: 0}
  private recoveryPointOffset = 0
  private lastFlushed: number
  private rolledUpTo: number | null = null
  private rolls = 0
  private closed = false
  private topicIdValue: string | null = null
  readonly leaderEpochCache: LeaderEpochFileCache
  readonly loadInfo: LoadInfo

  private constructor(dir: string, opts: PartitionLogOptions) {
    const tp = parseTopicPartitionName(basename(dir))
    if (tp === null) {
      throw new KafkaStorageError(
        `Found directory ${dir}, '${basename(dir)}' is not in the form of topic-partition or topic-partition.uniqueId-delete (if marked for deletion).`,
      )
    }
    this.topic = tp.topic
    this.partition = tp.partition
    this.dirPath = dir
    this.config = opts.config
    this.clock = opts.clock ?? Date.now
    this.random = opts.random ?? Math.random
    this.lastFlushed = this.clock()
    mkdirSync(dir, {recursive: true})
    this.leaderEpochCache = LeaderEpochFileCache.load(dir)
    this.loadInfo = {hadCleanShutdown: opts.hadCleanShutdown ?? true, recoveredSegments: 0, truncatedBytes: 0, deletedSegments: 0}
    this.initTopicId(opts.topicId ?? null)
    this.load(opts.logStartOffsetCheckpoint ?? 0, opts.recoveryPointCheckpoint ?? 0)
  }

  /** Open (or create) the partition log in `dir` (<log dir>/<topic>-<partition>), recovering it if needed. */
  static open(dir: string, opts: PartitionLogOptions): PartitionLog {
    return new PartitionLog(dir, opts)
  }

  // ------------------------------------------------------------ accessors

  get dir(): string {
    return this.dirPath
  }

  /** The log dir holding this partition directory. */
  get parentDir(): string {
    return dirname(this.dirPath)
  }

  get name(): string {
    return `${this.topic}-${this.partition}`
  }

  get logConfig(): LogConfig {
    return this.config
  }

  get topicId(): string | null {
    return this.topicIdValue
  }

  get logEndOffset(): number {
    return this.nextOffset
  }

  get logStartOffset(): number {
    return this.startOffset
  }

  get highWatermark(): number {
    return this.hw.offset
  }

  /** Without transactions the last stable offset is the high watermark. */
  get lastStableOffset(): number {
    return this.hw.offset
  }

  /** The first offset not known to be fsynced (recovery starts here after a crash). */
  get recoveryPoint(): number {
    return this.recoveryPointOffset
  }

  get lastFlushTime(): number {
    return this.lastFlushed
  }

  /** Messages appended since the last flush. */
  get unflushedMessages(): number {
    return this.nextOffset - this.recoveryPointOffset
  }

  /** Total bytes of all segments. */
  get size(): number {
    let n = 0
    for (const s of this.segments) n += s.size
    return n
  }

  get numberOfSegments(): number {
    return this.segments.length
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!
  }

  /** The segments, oldest first (read-only view for tools and tests). */
  logSegments(): readonly LogSegment[] {
    return this.segments
  }

  get isClosed(): boolean {
    return this.closed
  }

  latestEpoch(): number | null {
    return this.leaderEpochCache.latestEpoch()
  }

  updateConfig(config: LogConfig): void {
    this.config = config
  }

  private segmentOptions() {
    return {
      indexIntervalBytes: this.config.indexIntervalBytes,
      maxIndexSize: this.config.maxIndexSize,
      rollJitterMs: randomSegmentJitter(this.config, this.random),
      now: this.clock(),
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new KafkaStorageError(`The log for ${this.name} in dir ${this.parentDir} is closed`)
  }

  // ------------------------------------------------------------ topic id

  private initTopicId(topicId: string | null): void {
    const onDisk = readPartitionMetadata(this.dirPath)
    if (onDisk !== null) {
      if (topicId !== null && topicId !== onDisk) {
        throw new InconsistentTopicIdError(
          `Tried to assign topic ID ${topicId} to log for topic partition ${this.name},but log already contained topic ID ${onDisk}`,
        )
      }
      this.topicIdValue = onDisk
    } else if (topicId !== null) {
      writePartitionMetadata(this.dirPath, topicId)
      this.topicIdValue = topicId
    }
  }

  /** Record the topic id (writes partition.metadata when the log has none yet). */
  assignTopicId(topicId: string): void {
    this.initTopicId(topicId)
  }

  // ------------------------------------------------------------ loading and recovery

  private load(logStartOffsetCheckpoint: number, recoveryPointCheckpoint: number): void {
    const hadCleanShutdown = this.loadInfo.hadCleanShutdown
    this.removeTempFilesAndCompleteSwaps()
    this.loadSegmentFiles(hadCleanShutdown, recoveryPointCheckpoint)

    let logEndOffset: number | null = null
    if (!hadCleanShutdown) {
      // Recover every segment from the one holding the recovery point on; a
      // corrupt batch ends the log there and later segments are dropped.
      const first = Math.max(0, this.floorIndex(recoveryPointCheckpoint))
      for (let i = first; i < this.segments.length; i++) {
        const truncated = this.recoverSegment(this.segments[i]!)
        if (truncated > 0) {
          const rest = this.segments.splice(i + 1)
          this.loadInfo.deletedSegments += rest.length
          this.deleteSegmentFiles(rest)
          break
        }
      }
    } else if (this.segments.length > 0) {
      // A clean shutdown trims indexes and leaves whole batches; verify the
      // active segment ends on a batch boundary, else rebuild it.
      const last = this.activeSegment
      if (last.readNextOffset().validBytes !== last.size) this.recoverSegment(last)
    }

    if (this.segments.length > 0) {
      logEndOffset = this.activeSegment.readNextOffset().nextOffset
      if (logEndOffset < logStartOffsetCheckpoint) {
        const all = this.segments.splice(0)
        this.loadInfo.deletedSegments += all.length
        this.deleteSegmentFiles(all)
        this.leaderEpochCache.clearAndFlush()
        logEndOffset = null
      }
    }
    if (this.segments.length === 0) {
      this.segments.push(LogSegment.open(this.dirPath, logStartOffsetCheckpoint, this.segmentOptions()))
    }
    const nextOffset = logEndOffset ?? this.activeSegment.readNextOffset().nextOffset
    this.recoveryPointOffset = hadCleanShutdown && logEndOffset !== null ? logEndOffset : Math.min(recoveryPointCheckpoint, nextOffset)
    this.activeSegment.resizeIndexes(this.config.maxIndexSize)
    this.nextOffset = nextOffset
    this.leaderEpochCache.truncateFromEnd(nextOffset)
    this.startOffset = Math.max(logStartOffsetCheckpoint, this.segments[0]!.baseOffset)
    this.leaderEpochCache.truncateFromStart(logStartOffsetCheckpoint)
    this.hw = this.offsetMetadata(this.startOffset)
  }

  /** Kafka's first load passes: drop .deleted/.cleaned leftovers, finish interrupted .swap renames. */
  private removeTempFilesAndCompleteSwaps(): void {
    const swaps: string[] = []
    for (const name of readdirSync(this.dirPath)) {
      const path = join(this.dirPath, name)
      if (name.endsWith(DELETED_FILE_SUFFIX) || name.endsWith(CLEANED_FILE_SUFFIX)) rmSync(path, {force: true})
      else if (name.endsWith(SWAP_FILE_SUFFIX)) swaps.push(path)
    }
    for (const path of swaps) renameSync(path, path.slice(0, -SWAP_FILE_SUFFIX.length))
  }

  private loadSegmentFiles(hadCleanShutdown: boolean, recoveryPointCheckpoint: number): void {
    const names = readdirSync(this.dirPath).sort()
    const present = new Set(names)
    const bases: number[] = []
    for (const name of names) {
      const m = /^(\d{20})(\.log|\.index|\.timeindex|\.txnindex)$/.exec(name)
      if (!m) continue
      const base = Number(m[1])
      if (m[2] === LOG_FILE_SUFFIX) bases.push(base)
      else if (!present.has(m[1] + LOG_FILE_SUFFIX)) rmSync(join(this.dirPath, name), {force: true}) // orphaned index
    }
    bases.sort((a, b) => a - b)
    for (const base of bases) {
      const hadIndex = existsSync(offsetIndexFilePath(this.dirPath, base))
      const hadTimeIndex = existsSync(timeIndexFilePath(this.dirPath, base))
      const segment = LogSegment.open(this.dirPath, base, this.segmentOptions())
      let rebuild = !hadIndex || !hadTimeIndex
      // Indexes of segments below the recovery point are trusted after a crash, like after a clean shutdown.
      if (!rebuild && (hadCleanShutdown || base < recoveryPointCheckpoint)) {
        try {
          segment.sanityCheck()
        } catch (e) {
          if (!(e instanceof CorruptIndexError)) throw e
          rebuild = true
        }
      }
      if (rebuild) this.recoverSegment(segment)
      this.segments.push(segment)
    }
  }

  private recoverSegment(segment: LogSegment): number {
    this.loadInfo.recoveredSegments++
    let truncated: number
    try {
      truncated = segment.recover((epoch, baseOffset) => {
        if (epoch >= 0) {
          const latest = this.leaderEpochCache.latestEpoch()
          if (latest === null || epoch > latest) this.leaderEpochCache.assign(epoch, baseOffset)
        }
      })
    } catch {
      truncated = segment.truncateTo(segment.baseOffset, this.clock())
    }
    this.loadInfo.truncatedBytes += truncated
    return truncated
  }

  // ------------------------------------------------------------ segment lookup

  /** Index of the last segment with baseOffset <= offset, or -1. */
  private floorIndex(offset: number): number {
    const segs = this.segments
    let lo = 0
    let hi = segs.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (segs[mid]!.baseOffset <= offset) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  private indexOfBase(base: number): number {
    const i = this.floorIndex(base)
    return i >= 0 && this.segments[i]!.baseOffset === base ? i : -1
  }

  /** Offset metadata for `offset`: the segment and position of the batch holding it. */
  private offsetMetadata(offset: number): OffsetMetadata {
    const active = this.activeSegment
    if (offset >= this.nextOffset) return {offset, segmentBaseOffset: active.baseOffset, position: active.size}
    const i = this.floorIndex(offset)
    if (i < 0) {
      const first = this.segments[0]!
      return {offset, segmentBaseOffset: first.baseOffset, position: 0}
    }
    const seg = this.segments[i]!
    const found = seg.translateOffset(offset)
    return {offset, segmentBaseOffset: seg.baseOffset, position: found === null ? seg.size : found.position}
  }

  private logEndOffsetMetadata(): OffsetMetadata {
    const active = this.activeSegment
    return {offset: this.nextOffset, segmentBaseOffset: active.baseOffset, position: active.size}
  }

  // ------------------------------------------------------------ append

  /**
   * Append a leader's batches (a Produce request's records): validate each
   * batch header and CRC, assign offsets from the log end offset, stamp them
   * and the leader epoch into the bytes in place, roll if needed, write.
   */
  append(records: Buffer, opts: AppendOptions): AppendResult {
    this.checkOpen()
    const now = opts.now ?? this.clock()
    const origin = opts.origin ?? 'client'
    const cfg = this.config
    const len = records.length
    if (len === 0) return this.emptyAppend()
    const logAppendTime = cfg.messageTimestampType === 'LogAppendTime'
    const checkTimestamps =
      !logAppendTime && (cfg.messageTimestampBeforeMaxMs < Number.MAX_SAFE_INTEGER || cfg.messageTimestampAfterMaxMs < Number.MAX_SAFE_INTEGER)
    const firstOffset = this.nextOffset
    let offset = firstOffset
    let maxTimestamp = -1
    let offsetOfMaxTimestamp = -1
    let recordCount = 0
    let batchCount = 0
    let at = 0
    while (at < len) {
      const size = this.checkBatchFraming(records, at, len)
      if (!opts.skipCrcCheck) this.checkCrc(records, at, size)
      const lastOffsetDelta = records.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
      if (origin === 'client') this.validateClientBatch(records, at, lastOffsetDelta)
      else if (lastOffsetDelta < 0) throw new InvalidRecordError(`Batch has an invalid offset range: lastOffsetDelta ${lastOffsetDelta} in topic partition ${this.name}.`)
      if (checkTimestamps) this.validateTimestamps(records, at, offset, now)
      writeInt64(records, offset, at)
      records.writeInt32BE(opts.leaderEpoch, at + PARTITION_LEADER_EPOCH_OFFSET)
      let batchMaxTimestamp: number
      if (logAppendTime) {
        records.writeInt16BE(records.readInt16BE(at + ATTRIBUTES_OFFSET) | TIMESTAMP_TYPE_MASK, at + ATTRIBUTES_OFFSET)
        writeInt64(records, now, at + MAX_TIMESTAMP_OFFSET)
        records.writeUInt32BE(crc32c(records.subarray(at + ATTRIBUTES_OFFSET, at + size)), at + CRC_OFFSET)
        batchMaxTimestamp = now
      } else {
        batchMaxTimestamp = readInt64(records, at + MAX_TIMESTAMP_OFFSET)
      }
      const lastOffset = offset + lastOffsetDelta
      if (batchMaxTimestamp > maxTimestamp) {
        maxTimestamp = batchMaxTimestamp
        offsetOfMaxTimestamp = lastOffset
      }
      recordCount += lastOffsetDelta + 1
      batchCount++
      offset = lastOffset + 1
      at += size
    }
    if (len > cfg.segmentBytes) {
      throw new RecordBatchTooLargeError(
        `Message batch size is ${len} bytes in append to partition ${this.name}, which exceeds the maximum configured segment size of ${cfg.segmentBytes}.`,
      )
    }
    const lastOffset = offset - 1
    if (opts.leaderEpoch >= 0) this.leaderEpochCache.assign(opts.leaderEpoch, firstOffset)
    const rollsBefore = this.rolls
    const segment = this.maybeRoll(len, maxTimestamp, lastOffset, firstOffset, now)
    segment.append(lastOffset, maxTimestamp, offsetOfMaxTimestamp, records)
    this.nextOffset = offset
    if (this.unflushedMessages >= cfg.flushMessages) this.flush()
    return {
      baseOffset: firstOffset,
      lastOffset,
      logAppendTime: logAppendTime ? now : -1,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logStartOffset: this.startOffset,
      recordCount,
      batchCount,
      validBytes: len,
      rolled: this.rolls !== rollsBefore,
    }
  }

  /**
   * Append batches replicated from the leader: offsets and epochs are kept as
   * they are. Batches stamped with an epoch above `leaderEpoch` (the fetch's)
   * and everything after them are skipped, as Kafka does (KAFKA-18723).
   */
  appendAsFollower(records: Buffer, leaderEpoch: number): AppendResult {
    this.checkOpen()
    const now = this.clock()
    const len = records.length
    if (len === 0) return this.emptyAppend()
    let at = 0
    let firstOffset = -1
    let lastOffset = -1
    let maxTimestamp = -1
    let offsetOfMaxTimestamp = -1
    let recordCount = 0
    let batchCount = 0
    const epochs: Array<[number, number]> = []
    while (at < len) {
      const size = this.checkBatchFraming(records, at, len)
      const epoch = records.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET)
      if (epoch !== -1 && epoch > leaderEpoch) break
      this.checkCrc(records, at, size)
      const baseOffset = readInt64(records, at)
      const lastOffsetDelta = records.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)
      const batchLast = baseOffset + lastOffsetDelta
      if (lastOffsetDelta < 0 || batchLast <= lastOffset || (firstOffset >= 0 && baseOffset <= lastOffset)) {
        throw new InvalidRecordError(`Out of order offsets found in append to ${this.name}: ${baseOffset} after ${lastOffset}`)
      }
      if (firstOffset < 0) {
        firstOffset = baseOffset
        if (firstOffset < this.nextOffset) {
          throw new UnexpectedAppendOffsetError(
            `Unexpected offset in append to ${this.name}. First offset ${firstOffset} is less than the next offset ${this.nextOffset}. Log start offset = ${this.startOffset}`,
            firstOffset,
            batchLast,
          )
        }
      }
      const ts = readInt64(records, at + MAX_TIMESTAMP_OFFSET)
      if (ts > maxTimestamp) {
        maxTimestamp = ts
        offsetOfMaxTimestamp = batchLast
      }
      epochs.push([epoch, baseOffset])
      lastOffset = batchLast
      recordCount += lastOffsetDelta + 1
      batchCount++
      at += size
    }
    if (at === 0) return this.emptyAppend()
    if (at > this.config.segmentBytes) {
      throw new RecordBatchTooLargeError(
        `Message batch size is ${at} bytes in append to partition ${this.name}, which exceeds the maximum configured segment size of ${this.config.segmentBytes}.`,
      )
    }
    for (const [epoch, base] of epochs) if (epoch >= 0) this.leaderEpochCache.assign(epoch, base)
    const rollsBefore = this.rolls
    const segment = this.maybeRoll(at, maxTimestamp, lastOffset, firstOffset, now)
    segment.append(lastOffset, maxTimestamp, offsetOfMaxTimestamp, at === len ? records : records.subarray(0, at))
    this.nextOffset = lastOffset + 1
    if (this.unflushedMessages >= this.config.flushMessages) this.flush()
    return {
      baseOffset: firstOffset,
      lastOffset,
      logAppendTime: -1,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logStartOffset: this.startOffset,
      recordCount,
      batchCount,
      validBytes: at,
      rolled: this.rolls !== rollsBefore,
    }
  }

  private emptyAppend(): AppendResult {
    return {
      baseOffset: -1,
      lastOffset: -1,
      logAppendTime: -1,
      maxTimestamp: -1,
      offsetOfMaxTimestamp: -1,
      logStartOffset: this.startOffset,
      recordCount: 0,
      batchCount: 0,
      validBytes: 0,
      rolled: false,
    }
  }

  /** Size of the batch at `at`, after checking magic, size and that it is whole. */
  private checkBatchFraming(records: Buffer, at: number, len: number): number {
    if (len - at < RECORD_BATCH_OVERHEAD) {
      throw new CorruptRecordError(`Record batch at byte ${at} in the append to ${this.name} is truncated: ${len - at} bytes, a batch header needs ${RECORD_BATCH_OVERHEAD}`)
    }
    const magic = records.readInt8(at + MAGIC_OFFSET)
    if (magic !== 2) {
      throw new InvalidRecordError(`Record batch at byte ${at} in the append to ${this.name} has magic ${magic}; only record batches with magic version 2 are accepted`)
    }
    const size = records.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
    if (size < RECORD_BATCH_OVERHEAD) {
      throw new CorruptRecordError(`Record batch size ${size} is less than the minimum record overhead (${RECORD_BATCH_OVERHEAD}) in topic partition ${this.name}.`)
    }
    if (at + size > len) {
      throw new CorruptRecordError(`Record batch at byte ${at} in the append to ${this.name} is truncated: ${size} bytes declared, ${len - at} present`)
    }
    if (size > this.config.maxMessageBytes) {
      throw new RecordTooLargeError(
        `The record batch size in the append to ${this.name} is ${size} bytes which exceeds the maximum configured value of ${this.config.maxMessageBytes}.`,
      )
    }
    return size
  }

  private checkCrc(records: Buffer, at: number, size: number): void {
    const stored = records.readUInt32BE(at + CRC_OFFSET)
    if (crc32c(records.subarray(at + ATTRIBUTES_OFFSET, at + size)) !== stored) {
      throw new CorruptRecordError(`Record is corrupt (stored crc = ${stored}) in topic partition ${this.name}.`)
    }
  }

  /** Kafka's LogValidator.validateBatch checks for client appends, header only. */
  private validateClientBatch(records: Buffer, at: number, lastOffsetDelta: number): void {
    const baseOffset = readInt64(records, at)
    if (baseOffset !== 0) {
      throw new InvalidRecordError(`The baseOffset of the record batch in the append to ${this.name} should be 0, but it is ${baseOffset}`)
    }
    if (lastOffsetDelta < 0) {
      throw new InvalidRecordError(`Batch has an invalid offset range: [${baseOffset}, ${baseOffset + lastOffsetDelta}] in topic partition ${this.name}.`)
    }
    const count = records.readInt32BE(at + RECORD_COUNT_OFFSET)
    if (count <= 0) throw new InvalidRecordError(`Invalid reported count for record batch: ${count} in topic partition ${this.name}.`)
    if (count !== lastOffsetDelta + 1) {
      throw new InvalidRecordError(
        `Inconsistent batch offset range [${baseOffset}, ${baseOffset + lastOffsetDelta}] and count of records ${count} in topic partition ${this.name}.`,
      )
    }
    if ((records.readInt16BE(at + ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) !== 0) {
      throw new InvalidRecordError(`Clients are not allowed to write control records in topic partition ${this.name}.`)
    }
  }

  /**
   * message.timestamp.before/after.max.ms for CreateTime topics, checked on
   * the batch's first and max timestamps (Kafka checks every record; the
   * records' times lie between these two for producers that set them).
   */
  private validateTimestamps(records: Buffer, at: number, offset: number, now: number): void {
    const lower = now - this.config.messageTimestampBeforeMaxMs
    const upper = now + this.config.messageTimestampAfterMaxMs
    const first = readInt64(records, at + BASE_TIMESTAMP_OFFSET)
    const max = readInt64(records, at + MAX_TIMESTAMP_OFFSET)
    const bad = first < lower || first > upper ? first : max < lower || max > upper ? max : null
    if (bad !== null) {
      throw new InvalidTimestampError(
        `Timestamp ${bad} of message with offset ${offset} is out of range. The timestamp should be within [${Math.max(lower, -Number.MAX_SAFE_INTEGER)}, ${Math.min(upper, Number.MAX_SAFE_INTEGER)}]`,
      )
    }
  }

  /** Kafka's UnifiedLog.maybeRoll. */
  private maybeRoll(messagesSize: number, maxTimestampInMessages: number, maxOffsetInMessages: number, firstOffset: number, now: number): LogSegment {
    const segment = this.activeSegment
    const roll = segment.shouldRoll({
      maxSegmentMs: maxSegmentMs(this.config),
      maxSegmentBytes: this.config.segmentBytes,
      maxTimestampInMessages,
      maxOffsetInMessages,
      messagesSize,
      now,
    })
    return roll ? this.roll(firstOffset) : segment
  }

  /**
   * Start a new active segment at max(expectedNextOffset, log end offset).
   * The previous segment's indexes are trimmed; its fsync (and the recovery
   * point move) is left to flushRolledSegments, which the owner runs off the
   * append path as Kafka's scheduler does.
   */
  roll(expectedNextOffset = 0): LogSegment {
    this.checkOpen()
    const newOffset = Math.max(expectedNextOffset, this.nextOffset)
    const active = this.activeSegment
    if (this.indexOfBase(newOffset) >= 0) {
      if (active.baseOffset === newOffset && active.size === 0) {
        // An empty active segment that is "full" (tiny index): replace it (KAFKA-6388).
        this.segments.pop()
        this.deleteSegmentFiles([active])
      } else {
        throw new KafkaStorageError(
          `Trying to roll a new log segment for topic partition ${this.name} with start offset ${newOffset} =max(provided offset = ${expectedNextOffset}, LEO = ${this.nextOffset}) while it already exists.`,
        )
      }
    } else if (newOffset < active.baseOffset) {
      throw new KafkaStorageError(
        `Trying to roll a new log segment for topic partition ${this.name} with start offset ${newOffset} =max(provided offset = ${expectedNextOffset}, LEO = ${this.nextOffset}) lower than start offset of the active segment ${active}`,
      )
    } else {
      for (const p of [logFilePath(this.dirPath, newOffset), offsetIndexFilePath(this.dirPath, newOffset), timeIndexFilePath(this.dirPath, newOffset), txnIndexFilePath(this.dirPath, newOffset)]) {
        rmSync(p, {force: true})
      }
      active.onBecomeInactiveSegment()
    }
    const segment = LogSegment.open(this.dirPath, newOffset, this.segmentOptions())
    this.segments.push(segment)
    this.rolledUpTo = newOffset
    this.rolls++
    return segment
  }

  /** Flush the segments that were rolled since the last call (Kafka schedules this after every roll). */
  flushRolledSegments(): void {
    if (this.rolledUpTo === null || this.closed) return
    const upTo = this.rolledUpTo
    this.rolledUpTo = null
    this.flush(upTo)
  }

  get hasRolledSegmentsToFlush(): boolean {
    return this.rolledUpTo !== null
  }

  // ------------------------------------------------------------ read

  /**
   * Read from fetchOffset: raw bytes of whole batches (the last may be cut at
   * maxBytes), starting with the batch that holds fetchOffset. Throws
   * OffsetOutOfRangeError below the log start or above the log end offset.
   */
  read(fetchOffset: number, maxBytes: number, opts: ReadOptions = {}): ReadResult {
    this.checkOpen()
    const minOneMessage = opts.minOneMessage ?? true
    if (fetchOffset < this.startOffset) {
      throw new OffsetOutOfRangeError(
        `Received request for offset ${fetchOffset} for partition ${this.name}, but we only have log segments starting from offset: ${this.startOffset}.`,
      )
    }
    const isolation = opts.isolation ?? 'high-watermark'
    const maxMeta = isolation === 'log-end' ? this.logEndOffsetMetadata() : this.hw
    let i = this.floorIndex(fetchOffset)
    if (fetchOffset > this.nextOffset || i < 0) {
      throw new OffsetOutOfRangeError(
        `Received request for offset ${fetchOffset} for partition ${this.name}, but we only have log segments upto ${this.nextOffset}.`,
      )
    }
    if (fetchOffset < maxMeta.offset) {
      for (; i < this.segments.length; i++) {
        const segment = this.segments[i]!
        let maxPosition: number
        if (segment.baseOffset < maxMeta.segmentBaseOffset) maxPosition = segment.size
        else if (segment.baseOffset === maxMeta.segmentBaseOffset) maxPosition = maxMeta.position
        else break
        const r = segment.read(fetchOffset, maxBytes, maxPosition, minOneMessage, opts.allocate)
        if (r !== null) return this.readResult(r.records, r.position, segment.baseOffset, r.firstEntryIncomplete)
      }
    }
    return this.readResult(EMPTY, -1, -1, false)
  }

  private readResult(records: Buffer, position: number, segmentBaseOffset: number, firstEntryIncomplete: boolean): ReadResult {
    return {
      records,
      position,
      segmentBaseOffset,
      firstEntryIncomplete,
      highWatermark: this.hw.offset,
      lastStableOffset: this.hw.offset,
      logStartOffset: this.startOffset,
      logEndOffset: this.nextOffset,
    }
  }

  // ------------------------------------------------------------ high watermark

  /**
   * Set the high watermark, bounded by [log start offset, log end offset]
   * (Kafka's updateHighWatermark). Returns the value set.
   */
  updateHighWatermark(offset: number): number {
    const hw = offset < this.startOffset ? this.startOffset : offset >= this.nextOffset ? this.nextOffset : offset
    this.hw = hw === this.nextOffset ? this.logEndOffsetMetadata() : this.offsetMetadata(hw)
    return hw
  }

  /** Recompute where the high watermark's batch lives after segments changed. */
  private refreshHighWatermarkMetadata(): void {
    this.hw = this.hw.offset >= this.nextOffset ? this.logEndOffsetMetadata() : this.offsetMetadata(this.hw.offset)
  }

  /** Raise the high watermark (never lowers it); it may not pass the log end offset. */
  maybeIncrementHighWatermark(offset: number): boolean {
    if (offset > this.nextOffset) {
      throw new RangeError(`High watermark ${offset} update exceeds current log end offset ${this.nextOffset}`)
    }
    if (offset > this.hw.offset) {
      this.updateHighWatermark(offset)
      return true
    }
    return false
  }

  // ------------------------------------------------------------ offsets by time / epoch

  /**
   * ListOffsets: the special timestamps (ListOffsetsTimestamp) or the first
   * record with timestamp >= targetTimestamp. Null when there is no such record.
   */
  fetchOffsetByTimestamp(targetTimestamp: number): TimestampAndOffset | null {
    this.checkOpen()
    switch (targetTimestamp) {
      case ListOffsetsTimestamp.EARLIEST:
      case ListOffsetsTimestamp.EARLIEST_LOCAL: {
        const earliest = this.leaderEpochCache.earliestEntry()
        const epoch = earliest !== null && earliest.startOffset <= this.startOffset ? earliest.epoch : null
        return {timestamp: -1, offset: this.startOffset, leaderEpoch: epoch}
      }
      case ListOffsetsTimestamp.LATEST:
        return {timestamp: -1, offset: this.nextOffset, leaderEpoch: this.leaderEpochCache.latestEpoch()}
      case ListOffsetsTimestamp.LATEST_TIERED:
      case ListOffsetsTimestamp.EARLIEST_PENDING_UPLOAD:
        return {timestamp: -1, offset: -1, leaderEpoch: -1}
      case ListOffsetsTimestamp.MAX_TIMESTAMP: {
        let latest = this.segments[0]!
        for (const s of this.segments) if (s.maxTimestampSoFar > latest.maxTimestampSoFar) latest = s
        return latest.findMaxTimestampRecord()
      }
      default: {
        for (const s of this.segments) {
          if (s.largestTimestamp() >= targetTimestamp) return s.findOffsetByTimestamp(targetTimestamp, this.startOffset)
        }
        return null
      }
    }
  }

  /**
   * OffsetsForLeaderEpoch: the largest epoch <= leaderEpoch and its end
   * offset; null when the epoch is unknown (UNDEFINED_EPOCH_OFFSET).
   */
  endOffsetForEpoch(leaderEpoch: number): {leaderEpoch: number; endOffset: number} | null {
    const r = this.leaderEpochCache.endOffsetFor(leaderEpoch, this.nextOffset)
    return r.endOffset === UNDEFINED_EPOCH_OFFSET ? null : {leaderEpoch: r.epoch, endOffset: r.endOffset}
  }

  // ------------------------------------------------------------ log start offset, retention

  /**
   * Move the log start offset forward (DeleteRecords, retention). Throws
   * OffsetOutOfRangeError past the high watermark. Segments wholly below it
   * are removed by the next deleteOldSegments.
   */
  maybeIncrementLogStartOffset(newLogStartOffset: number): boolean {
    this.checkOpen()
    if (newLogStartOffset > this.hw.offset) {
      throw new OffsetOutOfRangeError(
        `Cannot increment the log start offset to ${newLogStartOffset} of partition ${this.name} since it is larger than the high watermark ${this.hw.offset}`,
      )
    }
    if (newLogStartOffset <= this.startOffset) return false
    this.startOffset = newLogStartOffset
    if (this.recoveryPointOffset < newLogStartOffset) this.recoveryPointOffset = newLogStartOffset
    this.leaderEpochCache.truncateFromStart(newLogStartOffset)
    return true
  }

  /**
   * DeleteRecords on the leader (Kafka's Partition.deleteRecordsOnLeader):
   * -1 means the high watermark. Returns the new log start offset (the low
   * watermark).
   */
  deleteRecordsBefore(offset: number): number {
    if (!isDeletePolicy(this.config)) {
      throw new PolicyViolationError(`Records of partition ${this.name} can not be deleted due to the configured policy`)
    }
    const converted = offset === DELETE_RECORDS_HIGH_WATERMARK ? this.hw.offset : offset
    if (converted < 0) throw new OffsetOutOfRangeError(`The offset ${converted} for partition ${this.name} is not valid`)
    this.maybeIncrementLogStartOffset(converted)
    return this.startOffset
  }

  /**
   * Kafka's deleteOldSegments, run every log.retention.check.interval.ms by
   * the owner: segments wholly below the log start offset, then by
   * retention.bytes, then by retention.ms (against each segment's largest
   * record timestamp), never past the high watermark. Returns the number of
   * segments deleted.
   */
  deleteOldSegments(now: number = this.clock()): number {
    this.checkOpen()
    if (isDeletePolicy(this.config)) {
      return this.deleteLogStartOffsetBreachedSegments() + this.deleteRetentionSizeBreachedSegments() + this.deleteRetentionMsBreachedSegments(now)
    }
    return this.deleteLogStartOffsetBreachedSegments()
  }

  /** Alias of deleteOldSegments. */
  deleteRetentionSegments(now: number = this.clock()): number {
    return this.deleteOldSegments(now)
  }

  private deleteLogStartOffsetBreachedSegments(): number {
    return this.deleteMatching((_segment, next) => next !== null && next.baseOffset <= this.startOffset)
  }

  private deleteRetentionSizeBreachedSegments(): number {
    const retentionSize = this.config.retentionBytes
    const logSize = this.size
    if (retentionSize < 0 || logSize < retentionSize) return 0
    let diff = logSize - retentionSize
    return this.deleteMatching((segment) => {
      if (diff - segment.size >= 0) {
        diff -= segment.size
        return true
      }
      return false
    })
  }

  private deleteRetentionMsBreachedSegments(now: number): number {
    const retentionMs = this.config.retentionMs
    if (retentionMs < 0) return 0
    return this.deleteMatching((segment) => now - segment.largestTimestamp() > retentionMs)
  }

  private deleteMatching(predicate: (segment: LogSegment, next: LogSegment | null) => boolean): number {
    const deletable: LogSegment[] = []
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i]!
      const next = this.segments[i + 1] ?? null
      const isLastSegmentAndEmpty = next === null && segment.size === 0
      const upperBoundOffset = next !== null ? next.baseOffset : this.nextOffset
      if (this.hw.offset >= upperBoundOffset && predicate(segment, next) && !isLastSegmentAndEmpty) deletable.push(segment)
      else break
    }
    if (deletable.length === 0) return 0
    const count = deletable.length
    if (this.segments.length === deletable.length) {
      // Always keep a segment: roll a fresh active one first.
      const fresh = this.roll()
      if (deletable[deletable.length - 1]!.baseOffset === fresh.baseOffset) deletable.pop()
    }
    if (deletable.length > 0) {
      const after = this.segments[this.indexOfBase(deletable[deletable.length - 1]!.baseOffset) + 1]!
      this.maybeIncrementLogStartOffset(after.baseOffset)
      this.segments.splice(0, deletable.length)
      this.deleteSegmentFiles(deletable)
    }
    this.refreshHighWatermarkMetadata()
    return count
  }

  /** Rename every file of the segments with .deleted, then remove them (Kafka waits file.delete.delay.ms; nothing here reads them later). */
  private deleteSegmentFiles(segments: readonly LogSegment[]): void {
    for (const s of segments) {
      if (!s.logFile.endsWith(DELETED_FILE_SUFFIX)) s.changeFileSuffixes('', DELETED_FILE_SUFFIX)
    }
    for (const s of segments) s.deleteIfExists()
  }

  // ------------------------------------------------------------ truncation

  /**
   * Remove every offset >= targetOffset (follower truncation). Returns true
   * when the log was actually truncated.
   */
  truncateTo(targetOffset: number): boolean {
    this.checkOpen()
    if (targetOffset < 0) throw new RangeError(`Cannot truncate partition ${this.name} to a negative offset (${targetOffset}).`)
    if (targetOffset >= this.nextOffset) {
      this.leaderEpochCache.truncateFromEnd(this.nextOffset)
      return false
    }
    if (this.segments[0]!.baseOffset > targetOffset) {
      this.truncateFullyAndStartAt(targetOffset)
      return true
    }
    const keep = this.floorIndex(targetOffset)
    const removed = this.segments.splice(keep + 1)
    this.deleteSegmentFiles(removed)
    this.activeSegment.truncateTo(targetOffset, this.clock())
    this.nextOffset = targetOffset
    if (this.recoveryPointOffset > targetOffset) this.recoveryPointOffset = targetOffset
    this.leaderEpochCache.truncateFromEnd(targetOffset)
    this.startOffset = Math.min(targetOffset, this.startOffset)
    this.updateHighWatermark(Math.min(this.hw.offset, this.nextOffset))
    if (this.rolledUpTo !== null && this.rolledUpTo > targetOffset) this.rolledUpTo = null
    return true
  }

  /** Delete all data and start the log at newOffset (log start offset too, unless given). */
  truncateFullyAndStartAt(newOffset: number, logStartOffset: number = newOffset): void {
    this.checkOpen()
    const all = this.segments.splice(0)
    // Create the new segment first so the log is never without one.
    const sameBase = all.find((s) => s.baseOffset === newOffset)
    if (sameBase !== undefined) sameBase.changeFileSuffixes('', DELETED_FILE_SUFFIX)
    this.segments.push(LogSegment.open(this.dirPath, newOffset, this.segmentOptions()))
    this.deleteSegmentFiles(all)
    this.nextOffset = newOffset
    if (this.recoveryPointOffset > newOffset) this.recoveryPointOffset = newOffset
    this.leaderEpochCache.clearAndFlush()
    this.startOffset = logStartOffset
    this.rolledUpTo = null
    this.hw = this.logEndOffsetMetadata()
  }

  // ------------------------------------------------------------ flush

  /**
   * fsync segments holding offsets below `offset` (default: the log end) and
   * move the recovery point there. `includingOffset` also flushes the segment
   * holding `offset` itself (clean shutdown flushes an empty active segment).
   */
  flush(offset: number = this.nextOffset, includingOffset = false): void {
    this.checkOpen()
    const flushOffset = includingOffset ? offset + 1 : offset
    const rp = this.recoveryPointOffset
    if (flushOffset <= rp) return
    const from = Math.max(0, this.floorIndex(rp))
    let newSegment = false
    for (let i = from; i < this.segments.length; i++) {
      const s = this.segments[i]!
      if (s.baseOffset >= flushOffset) break
      s.flush()
      if (s.baseOffset >= rp) newSegment = true
    }
    if (newSegment) fsyncDir(this.dirPath)
    if (offset > this.recoveryPointOffset) {
      this.recoveryPointOffset = offset
      this.lastFlushed = this.clock()
    }
  }

  /** flush.ms: flush when the last flush is at least that old (the owner's periodic task calls this). */
  maybeFlushByTime(now: number = this.clock()): boolean {
    if (this.closed || now - this.lastFlushed < this.config.flushMs) return false
    this.flush()
    this.lastFlushed = now
    return true
  }

  // ------------------------------------------------------------ lifecycle

  /** Flush everything and close the files; the indexes are trimmed for a scan-free reopen. */
  close(): void {
    if (this.closed) return
    this.flush(this.nextOffset, true)
    for (const s of this.segments) s.close()
    this.closed = true
  }

  /** Rename the partition directory (Kafka's renameDir, e.g. for deletion). */
  renameDir(newName: string): void {
    const target = join(dirname(this.dirPath), newName)
    renameSync(this.dirPath, target)
    this.dirPath = target
    for (const s of this.segments) s.updateParentDir(target)
    this.leaderEpochCache.updateParentDir(target)
  }

  /** Close the files and remove the whole partition directory. */
  delete(): void {
    if (!this.closed) {
      for (const s of this.segments) {
        try {
          s.deleteIfExists()
        } catch {
          // removed below with the directory
        }
      }
      this.closed = true
    }
    this.leaderEpochCache.clear()
    rmSync(this.dirPath, {recursive: true, force: true})
  }

  /** Last-modified time of the partition directory's active segment (for tools). */
  lastModified(): number {
    return statSync(this.activeSegment.logFile).mtimeMs
  }

  toString(): string {
    return `Log(dir=${this.dirPath}, topicId=${this.topicIdValue ?? 'none'}, topic=${this.topic}, partition=${this.partition}, highWatermark=${this.hw.offset}, lastStableOffset=${this.hw.offset}, logStartOffset=${this.startOffset}, logEndOffset=${this.nextOffset})`
  }
}

const EMPTY = Buffer.alloc(0)

// Re-exported for owners that name files.
export {INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX}
