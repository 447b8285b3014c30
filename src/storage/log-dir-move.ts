// Moving a partition replica between two log dirs of one broker (Kafka's future logs:
// ReplicaManager.alterReplicaLogDirs, Partition.maybeCreateFutureReplica,
// ReplicaAlterLogDirsThread, Partition.maybeReplaceCurrentWithFutureReplica,
// LogManager.replaceCurrentWithFutureLog).
//
// The destination holds a "future" log, <topic>-<partition>.<uuid>-future, that copies the current
// log's batches byte for byte (offsets, leader epochs and CRCs kept) while appends go on to the
// current log. The copy runs on the event loop in chunks of at most one fetch's bytes, each in its
// own turn, held back while replica.alter.log.dirs.io.max.bytes.per.second is exceeded. The chunk
// that reaches the current log end is followed, in the same turn, by the swap (LogManager
// .replaceCurrentWithFutureLog): no append can come between the last copied batch and the swap.
//
// Pure of timers except LogDirMove, which schedules its own steps; the quota and the swap are
// injected, so nothing here depends on the replication or broker code.

import {BATCH_LENGTH_OFFSET, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, readInt64} from './batch-fields.js'
import {KafkaStorageError} from './errors.js'
import {FUTURE_DIR_SUFFIX, type PartitionLog} from './partition-log.js'

/** Batches carry int32 leader epochs: the future log takes every batch whatever its epoch. */
const ANY_EPOCH = 2147483647

/** Kafka's future dir name: topic-partition.<uuid without dashes>-future, capped at 255 chars. */
export function logFutureDirName(topic: string, partition: number, uniqueId: string): string {
  const suffix = `-${partition}.${uniqueId}${FUTURE_DIR_SUFFIX}`
  return topic.slice(0, Math.min(topic.length, 255 - suffix.length)) + suffix
}

/** The leading whole batches of `records` (a read cut at its byte limit may end mid-batch). */
export function wholeBatches(records: Buffer): Buffer {
  let at = 0
  while (records.length - at >= RECORD_BATCH_OVERHEAD) {
    const size = records.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
    if (size < RECORD_BATCH_OVERHEAD || at + size > records.length) break
    at += size
  }
  return at === records.length ? records : records.subarray(0, at)
}

/**
 * Where a new future log must start: at the first batch that holds the current log's start
 * offset, so that every copied batch lands at its own offsets.
 */
export function futureStartOffset(current: PartitionLog): number {
  const start = current.logStartOffset
  if (start >= current.logEndOffset) return current.logEndOffset
  const r = current.read(start, RECORD_BATCH_OVERHEAD, {isolation: 'log-end', minOneMessage: true})
  return r.records.length >= RECORD_BATCH_OVERHEAD ? readInt64(r.records, 0) : start
}

/** The future log no longer continues the current one (truncated under it, or different bytes). */
export class FutureLogDivergedError extends KafkaStorageError {}

export interface CopyStep {
  /** Bytes of whole batches appended to the future log. */
  bytes: number
  /** The future log ends where the current log ends. */
  caughtUp: boolean
}

/**
 * Copies the current log's batches from the future log's end, up to `maxBytes` (at least one
 * whole batch). A future log that fell below the current log's start (retention, DeleteRecords)
 * starts over at it. Throws FutureLogDivergedError when the current log does not continue the
 * future one at its end.
 */
export function copyNextChunk(current: PartitionLog, future: PartitionLog, maxBytes: number): CopyStep {
  let from = future.logEndOffset
  const end = current.logEndOffset
  if (from === end) return {bytes: 0, caughtUp: true}
  if (from > end) throw new FutureLogDivergedError(`The future log of ${current.name} ends at ${from}, past the current log end ${end}`)
  if (from < current.logStartOffset) {
    // The batch holding the log start may begin below it: the copy starts at that batch.
    const startBase = futureStartOffset(current)
    if (from < startBase) {
      from = startBase
      future.truncateFullyAndStartAt(from)
      if (from === end) return {bytes: 0, caughtUp: true}
    }
  }
  // One append may not exceed the future log's segment size (a single larger batch still comes whole).
  const limit = Math.max(1, Math.min(maxBytes, future.logConfig.segmentBytes))
  const r = current.read(Math.max(from, current.logStartOffset), limit, {isolation: 'log-end', minOneMessage: true})
  const records = wholeBatches(r.records)
  if (records.length === 0) throw new FutureLogDivergedError(`Nothing to copy from ${current.name} at ${from} below its log end ${end}`)
  const base = readInt64(records, 0)
  if (base !== from) throw new FutureLogDivergedError(`The current log of ${current.name} has a batch at ${base} where the future log ends (${from})`)
  future.appendAsFollower(records, ANY_EPOCH)
  return {bytes: records.length, caughtUp: future.logEndOffset === current.logEndOffset}
}

/**
 * Whether a future log found at startup continues the current log: its last batch must be
 * byte-identical to the current log's batch at the same offsets. A future log ahead of the current
 * one is first cut to the current log end (the current log is authoritative). False means the
 * future log must start over.
 */
export function reconcileFutureLog(current: PartitionLog, future: PartitionLog): boolean {
  if (future.logEndOffset > current.logEndOffset) future.truncateTo(current.logEndOffset)
  const end = future.logEndOffset
  if (end < current.logStartOffset || end < future.logStartOffset) return false
  if (end === future.logStartOffset) return true
  const last = (log: PartitionLog) => {
    const r = log.read(end - 1, RECORD_BATCH_OVERHEAD, {isolation: 'log-end', minOneMessage: true})
    return wholeBatches(r.records)
  }
  const mine = last(future)
  return mine.length > 0 && mine.equals(last(current).subarray(0, mine.length))
}

/**
 * What the future log takes over from the current one at the swap (both end at the same offset):
 * the high watermark, the log start offset and the leader epoch cache (which may hold epochs no
 * batch carries, e.g. one this replica began as leader without appending). The future log is
 * flushed, so its recovery point is its end.
 */
export function adoptCurrentLogState(current: PartitionLog, future: PartitionLog): void {
  if (future.logEndOffset !== current.logEndOffset) {
    throw new FutureLogDivergedError(`The future log of ${current.name} ends at ${future.logEndOffset}, the current log at ${current.logEndOffset}`)
  }
  future.updateHighWatermark(current.highWatermark)
  if (current.logStartOffset > future.logStartOffset) future.maybeIncrementLogStartOffset(current.logStartOffset)
  future.leaderEpochCache.clearAndFlush()
  future.leaderEpochCache.assignAll(current.leaderEpochCache.epochEntries())
  future.flush(future.logEndOffset, true)
}

export interface LogDirMoveOptions {
  /** topic-partition, for log lines. */
  name: string
  /** The partition's current and future logs now; null once either is gone (deleted, reassigned away, cancelled). */
  logs(): {current: PartitionLog; future: PartitionLog} | null
  /** replica.fetch.max.bytes-like bound of one chunk, read each step (the throttle may lower it). */
  chunkBytes(): number
  /** Kafka's alter-log-dirs ReplicationQuotaManager. */
  quota: {isQuotaExceeded(): boolean; record(bytes: number): void}
  /** Replaces the current log with the future one; called in the same turn as the chunk that caught up. */
  swap(): void
  /** Drops the future log (it cannot continue); the current log stays. */
  abandon(reason: string): void
  logger?: {info(msg: string): void; warn(msg: string): void} | null
  clock?: () => number
  /** fsync the future log after this many copied bytes, so the swap's own flush stays short. Default 1 MiB. */
  flushEveryBytes?: number
}

/** How long a step waits while the alter-log-dirs quota is exceeded. */
const QUOTA_BACKOFF_MS = 50
/** Attempts to restart a future log that diverged before the move is given up. */
const MAX_RESTARTS = 3

/** One replica's move between log dirs: copy chunk by chunk, then swap (Kafka's ReplicaAlterLogDirsThread for one partition). */
export class LogDirMove {
  private timeout: NodeJS.Timeout | null = null
  private immediate: NodeJS.Immediate | null = null
  private stopped = false
  private restarts = 0
  private unflushed = 0
  /** Bytes copied so far (for logs and tests). */
  copiedBytes = 0
  readonly startedAt: number
  private readonly clock: () => number

  constructor(private readonly opts: LogDirMoveOptions) {
    this.clock = opts.clock ?? Date.now
    this.startedAt = this.clock()
  }

  get isRunning(): boolean {
    return !this.stopped
  }

  start(): void {
    this.schedule(0)
  }

  /** Stops copying (the caller deals with the future log). */
  stop(): void {
    this.stopped = true
    if (this.timeout !== null) clearTimeout(this.timeout)
    if (this.immediate !== null) clearImmediate(this.immediate)
    this.timeout = null
    this.immediate = null
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    if (delayMs > 0) {
      this.timeout = setTimeout(() => this.step(), delayMs)
      this.timeout.unref()
    } else {
      this.immediate = setImmediate(() => this.step())
    }
  }

  /** One chunk; exposed for tests. Returns true once the move ended (swapped or abandoned). */
  step(): boolean {
    this.timeout = null
    this.immediate = null
    if (this.stopped) return true
    const logs = this.opts.logs()
    if (logs === null) {
      this.stopped = true
      return true
    }
    if (this.opts.quota.isQuotaExceeded()) {
      this.schedule(QUOTA_BACKOFF_MS)
      return false
    }
    const {current, future} = logs
    try {
      const s = copyNextChunk(current, future, Math.max(1, this.opts.chunkBytes()))
      this.opts.quota.record(s.bytes)
      this.copiedBytes += s.bytes
      this.unflushed += s.bytes
      if (s.caughtUp) {
        this.stopped = true
        this.opts.swap()
        const secs = (this.clock() - this.startedAt) / 1000
        this.opts.logger?.info(`The current replica of ${this.opts.name} was replaced by its future replica in ${future.parentDir} after copying ${this.copiedBytes} bytes in ${secs.toFixed(1)} s`)
        return true
      }
      if (this.unflushed >= (this.opts.flushEveryBytes ?? 1024 * 1024)) {
        future.flush()
        this.unflushed = 0
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      if (e instanceof FutureLogDivergedError && this.restarts < MAX_RESTARTS) {
        this.restarts++
        this.opts.logger?.warn(`${message}; the future replica of ${this.opts.name} starts over`)
        try {
          future.truncateFullyAndStartAt(futureStartOffset(current))
          this.unflushed = 0
          this.schedule(QUOTA_BACKOFF_MS)
          return false
        } catch (e2) {
          this.giveUp(e2 instanceof Error ? e2.message : String(e2))
          return true
        }
      }
      this.giveUp(message)
      return true
    }
    this.schedule(0)
    return false
  }

  private giveUp(reason: string): void {
    this.stopped = true
    this.opts.logger?.warn(`The move of ${this.opts.name} to another log dir is abandoned: ${reason}`)
    this.opts.abandon(reason)
  }
}
