// The partition logs of a broker across its log dirs (Kafka's LogManager,
// plus the replication-offset-checkpoint that Kafka's ReplicaManager keeps):
//
// startup: per log dir, note and delete the .kafka_cleanshutdown marker (so a
//   crash while loading counts as unclean), read recovery-point and
//   log-start-offset checkpoints, and open every <topic>-<partition> dir
//   (recovering from the recovery point when the marker was missing); dirs
//   left as <topic>-<partition>.<uuid>-delete are removed. High watermarks
//   come from replication-offset-checkpoint. A <topic>-<partition>.<uuid>-future
//   dir (a replica being moved between log dirs, src/storage/log-dir-move.ts)
//   is loaded as that partition's future log when its current log exists, and
//   deleted otherwise; the replica manager resumes the move.
// periodic work (the owner calls runDueTasks(now), or each task, from its
//   timer; nothing here schedules anything): retention, flush.ms flushing,
//   flushing rolled segments, and the three checkpoints.
// shutdown: flush and close every log, write the checkpoints, then the clean
//   shutdown marker in each dir whose logs all loaded.

import {randomUUID} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, rmSync, statSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {readMetaProperties, type MetaProperties} from '../config/meta-properties.js'
import {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  REPLICATION_OFFSET_CHECKPOINT_FILE,
  deleteCleanShutdownFile,
  ensureCheckpointFile,
  hasCleanShutdownFile,
  readOffsetCheckpointMap,
  writeCleanShutdownFile,
  writeOffsetCheckpoint,
  type TopicPartitionOffset,
} from './checkpoints.js'
import {KafkaStorageError} from './errors.js'
import {fsyncDir} from './file-io.js'
import type {LogConfig} from './log-config.js'
import {adoptCurrentLogState, logFutureDirName} from './log-dir-move.js'
import {DELETE_DIR_SUFFIX, FUTURE_DIR_SUFFIX, PartitionLog, logDeleteDirName, logDirName, parseTopicPartitionName} from './partition-log.js'

/** The KRaft metadata log lives in a log dir too but belongs to the controller. */
export const CLUSTER_METADATA_TOPIC = '__cluster_metadata'

export interface LogManagerOptions {
  logDirs: readonly string[]
  /** The log config of a topic (its overrides on top of the broker defaults). */
  configFor: (topic: string) => LogConfig
  clock?: () => number
  /** log.flush.scheduler.interval.ms (default Long.MAX: flush.ms is never checked). */
  flushCheckMs?: number
  /** log.flush.offset.checkpoint.interval.ms */
  flushRecoveryOffsetCheckpointMs?: number
  /** log.flush.start.offset.checkpoint.interval.ms */
  flushStartOffsetCheckpointMs?: number
  /** replica.high.watermark.checkpoint.interval.ms */
  highWatermarkCheckpointMs?: number
  /** log.retention.check.interval.ms */
  retentionCheckMs?: number
}

export interface LogDirLoadSummary {
  dir: string
  hadCleanShutdown: boolean
  logs: number
  recoveredSegments: number
  truncatedBytes: number
  meta: MetaProperties | null
}

const LONG_MAX = 9223372036854775807

const key = (topic: string, partition: number) => `${topic}-${partition}`

export class LogManager {
  readonly logDirs: readonly string[]
  private readonly logs = new Map<string, PartitionLog>()
  /** Replicas being copied to another log dir of this broker (Kafka's futureLogs). */
  private readonly futureLogs = new Map<string, PartitionLog>()
  /** Where logs not created yet must go (AlterReplicaLogDirs before the replica arrives). */
  private readonly preferredLogDirs = new Map<string, string>()
  private readonly configFor: (topic: string) => LogConfig
  private readonly clock: () => number
  private readonly hadCleanShutdown = new Map<string, boolean>()
  private readonly loadCompleted = new Map<string, boolean>()
  private readonly intervals: Record<'retention' | 'flush' | 'recoveryCheckpoint' | 'startOffsetCheckpoint' | 'hwCheckpoint', number>
  private readonly lastRun: Record<keyof LogManager['intervals'], number>
  private started = false
  private shutDown = false

  constructor(opts: LogManagerOptions) {
    if (opts.logDirs.length === 0) throw new KafkaStorageError('No log directories configured')
    const canonical = opts.logDirs.map((d) => resolve(d))
    if (new Set(canonical).size !== canonical.length) throw new KafkaStorageError(`Duplicate log directory found: ${opts.logDirs.join(', ')}`)
    this.logDirs = canonical
    this.configFor = opts.configFor
    this.clock = opts.clock ?? Date.now
    this.intervals = {
      retention: opts.retentionCheckMs ?? 300_000,
      flush: opts.flushCheckMs ?? LONG_MAX,
      recoveryCheckpoint: opts.flushRecoveryOffsetCheckpointMs ?? 60_000,
      startOffsetCheckpoint: opts.flushStartOffsetCheckpointMs ?? 60_000,
      hwCheckpoint: opts.highWatermarkCheckpointMs ?? 5_000,
    }
    const now = this.clock()
    this.lastRun = {retention: now, flush: now, recoveryCheckpoint: now, startOffsetCheckpoint: now, hwCheckpoint: now}
  }

  /** Load every partition log in every log dir (recovering after an unclean shutdown). */
  startup(): LogDirLoadSummary[] {
    if (this.started) throw new Error('LogManager already started')
    this.started = true
    const summaries: LogDirLoadSummary[] = []
    for (const dir of this.logDirs) {
      mkdirSync(dir, {recursive: true})
      if (!statSync(dir).isDirectory()) throw new KafkaStorageError(`${dir} is not a readable log directory.`)
      const hadClean = hasCleanShutdownFile(dir)
      // Delete the marker first: a crash during loading must count as unclean next time (KAFKA-10471).
      if (hadClean) deleteCleanShutdownFile(dir)
      this.hadCleanShutdown.set(dir, hadClean)
      for (const f of [RECOVERY_POINT_CHECKPOINT_FILE, LOG_START_OFFSET_CHECKPOINT_FILE, REPLICATION_OFFSET_CHECKPOINT_FILE]) ensureCheckpointFile(join(dir, f))
      const recoveryPoints = this.readCheckpointOrEmpty(join(dir, RECOVERY_POINT_CHECKPOINT_FILE))
      const logStartOffsets = this.readCheckpointOrEmpty(join(dir, LOG_START_OFFSET_CHECKPOINT_FILE))
      const highWatermarks = this.readCheckpointOrEmpty(join(dir, REPLICATION_OFFSET_CHECKPOINT_FILE))
      const summary: LogDirLoadSummary = {dir, hadCleanShutdown: hadClean, logs: 0, recoveredSegments: 0, truncatedBytes: 0, meta: readMetaProperties(dir)}
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name)
        if (!statSync(path).isDirectory()) continue
        if (name.endsWith(DELETE_DIR_SUFFIX) && parseTopicPartitionName(name) !== null) {
          rmSync(path, {recursive: true, force: true})
          continue
        }
        if (name.endsWith(FUTURE_DIR_SUFFIX) && parseTopicPartitionName(name) !== null) {
          const ftp = parseTopicPartitionName(name)!
          if (ftp.topic === CLUSTER_METADATA_TOPIC) continue
          const fk = key(ftp.topic, ftp.partition)
          if (this.futureLogs.has(fk)) {
            // Only one future replica per partition can be right: keep the first found, drop the other.
            rmSync(path, {recursive: true, force: true})
            continue
          }
          this.futureLogs.set(
            fk,
            PartitionLog.open(path, {
              config: this.configFor(ftp.topic),
              logStartOffsetCheckpoint: logStartOffsets.get(fk) ?? 0,
              recoveryPointCheckpoint: recoveryPoints.get(fk) ?? 0,
              hadCleanShutdown: hadClean,
              clock: this.clock,
            }),
          )
          continue
        }
        const tp = parseTopicPartitionName(name)
        if (tp === null || tp.topic === CLUSTER_METADATA_TOPIC || name !== logDirName(tp.topic, tp.partition)) continue
        const k = key(tp.topic, tp.partition)
        if (this.logs.has(k)) {
          throw new KafkaStorageError(
            `Duplicate log directories for ${k} are found in both ${this.logs.get(k)!.dir} and ${path}. Recover broker from this failure by manually deleting one of the two directories for this partition.`,
          )
        }
        const log = PartitionLog.open(path, {
          config: this.configFor(tp.topic),
          logStartOffsetCheckpoint: logStartOffsets.get(k) ?? 0,
          recoveryPointCheckpoint: recoveryPoints.get(k) ?? 0,
          hadCleanShutdown: hadClean,
          clock: this.clock,
        })
        const hw = highWatermarks.get(k)
        if (hw !== undefined) log.updateHighWatermark(hw)
        this.logs.set(k, log)
        summary.logs++
        summary.recoveredSegments += log.loadInfo.recoveredSegments
        summary.truncatedBytes += log.loadInfo.truncatedBytes
      }
      this.loadCompleted.set(dir, true)
      summaries.push(summary)
    }
    for (const [k, future] of [...this.futureLogs]) {
      const current = this.logs.get(k)
      // A future log without its current log (the partition went away mid-move) or in the same
      // dir as it has nothing to continue: the current log is what counts.
      if (current === undefined || current.parentDir === future.parentDir) this.deleteFutureLog(future.topic, future.partition)
    }
    return summaries
  }

  private readCheckpointOrEmpty(path: string): Map<string, number> {
    try {
      return readOffsetCheckpointMap(path)
    } catch {
      // Kafka warns and starts from 0 (recovery point) or the first segment (log start offset).
      return new Map()
    }
  }

  /** Whether the dir had the clean shutdown marker at startup. */
  hadCleanShutdownIn(dir: string): boolean {
    return this.hadCleanShutdown.get(resolve(dir)) ?? false
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(key(topic, partition))
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()]
  }

  /** The future log of topic-partition: the replica being copied to another log dir. */
  getFutureLog(topic: string, partition: number): PartitionLog | undefined {
    return this.futureLogs.get(key(topic, partition))
  }

  allFutureLogs(): PartitionLog[] {
    return [...this.futureLogs.values()]
  }

  logsByTopic(topic: string): PartitionLog[] {
    return this.allLogs().filter((l) => l.topic === topic)
  }

  /** The log dir with the fewest partitions (Kafka's nextLogDirs order, first choice). */
  nextLogDir(): string {
    if (this.logDirs.length === 1) return this.logDirs[0]!
    const counts = new Map<string, number>(this.logDirs.map((d) => [d, 0]))
    for (const l of [...this.logs.values(), ...this.futureLogs.values()]) counts.set(l.parentDir, (counts.get(l.parentDir) ?? 0) + 1)
    return [...counts.entries()].sort((a, b) => a[1] - b[1])[0]![0]
  }

  /**
   * The log of topic-partition, created in the emptiest log dir (or `logDir`)
   * when it does not exist yet. A given topic id must match the one on disk.
   */
  getOrCreateLog(topic: string, partition: number, opts: {topicId?: string | null; logDir?: string} = {}): PartitionLog {
    const existing = this.getLog(topic, partition)
    if (existing !== undefined) {
      if (opts.topicId) existing.assignTopicId(opts.topicId)
      return existing
    }
    const parent = opts.logDir !== undefined ? resolve(opts.logDir) : (this.preferredLogDirs.get(key(topic, partition)) ?? this.nextLogDir())
    if (!this.logDirs.includes(parent)) throw new KafkaStorageError(`Log dir ${parent} is not found in the config.`)
    this.preferredLogDirs.delete(key(topic, partition))
    const log = PartitionLog.open(join(parent, logDirName(topic, partition)), {
      config: this.configFor(topic),
      topicId: opts.topicId ?? null,
      hadCleanShutdown: true,
      clock: this.clock,
    })
    this.logs.set(key(topic, partition), log)
    return log
  }

  /**
   * Kafka's maybeUpdatePreferredLogDir: a replica not hosted yet will be created in `dir` (one of
   * the configured log dirs) when it arrives.
   */
  setPreferredLogDir(topic: string, partition: number, dir: string): void {
    const parent = resolve(dir)
    if (!this.logDirs.includes(parent)) throw new KafkaStorageError(`Log dir ${parent} is not found in the config.`)
    if (this.getLog(topic, partition) === undefined) this.preferredLogDirs.set(key(topic, partition), parent)
  }

  /** Apply a topic's new config to its logs (future ones too). */
  updateTopicConfig(topic: string): void {
    const cfg = this.configFor(topic)
    for (const l of this.logsByTopic(topic)) l.updateConfig(cfg)
    for (const l of this.futureLogs.values()) if (l.topic === topic) l.updateConfig(cfg)
  }

  /**
   * Kafka's getOrCreateLog(isFuture = true): an empty future log for topic-partition in `dir`
   * (another log dir than the current log's), starting at `startOffset`.
   */
  createFutureLog(topic: string, partition: number, dir: string, opts: {startOffset: number; topicId?: string | null}): PartitionLog {
    const k = key(topic, partition)
    const parent = resolve(dir)
    if (!this.logDirs.includes(parent)) throw new KafkaStorageError(`Log dir ${parent} is not found in the config.`)
    const current = this.logs.get(k)
    if (current === undefined) throw new KafkaStorageError(`There is no current log of ${k} to move to ${parent}`)
    if (current.parentDir === parent) throw new KafkaStorageError(`The current log of ${k} is already in ${parent}`)
    const existing = this.futureLogs.get(k)
    if (existing !== undefined) {
      if (existing.parentDir === parent) return existing
      throw new KafkaStorageError(`The future log dir ${existing.parentDir} of ${k} is different from the requested log dir ${parent}`)
    }
    const log = PartitionLog.open(join(parent, logFutureDirName(topic, partition, randomUUID().replace(/-/g, ''))), {
      config: this.configFor(topic),
      topicId: opts.topicId ?? current.topicId,
      hadCleanShutdown: true,
      clock: this.clock,
    })
    if (opts.startOffset > 0) log.truncateFullyAndStartAt(opts.startOffset)
    this.futureLogs.set(k, log)
    return log
  }

  /**
   * Kafka's replaceCurrentWithFutureLog, once the future log ends where the current one does
   * (the caller guarantees no append comes in between): the future log takes over the current
   * one's high watermark, log start offset and leader epochs, is flushed, and is renamed to
   * <topic>-<partition> in its dir; the current log is renamed to .<uuid>-delete and removed.
   * Returns the new current log.
   */
  replaceCurrentWithFutureLog(topic: string, partition: number): PartitionLog {
    const k = key(topic, partition)
    const current = this.logs.get(k)
    const future = this.futureLogs.get(k)
    if (current === undefined || future === undefined) throw new KafkaStorageError(`There is no current and future log of ${k} to swap`)
    adoptCurrentLogState(current, future)
    const sourceDir = current.parentDir
    const destDir = future.parentDir
    // Kafka's order: the future log takes the partition's name first, so a crash between the
    // renames leaves two complete, identical copies (which startup reports), never none. Up to
    // this rename a failure leaves the current log as it was.
    future.renameDir(logDirName(topic, partition))
    this.futureLogs.delete(k)
    this.logs.set(k, future)
    // The swap is done: what follows is cleanup and must not undo it by throwing.
    fsyncDir(destDir)
    try {
      current.renameDir(logDeleteDirName(topic, partition, randomUUID().replace(/-/g, '')))
      fsyncDir(sourceDir)
    } catch {
      // Not renamed: removed in place below, so no second <topic>-<partition> outlives the swap.
    }
    for (const dir of [destDir, sourceDir]) {
      try {
        this.checkpointRecoveryOffsetsInDir(dir)
        this.checkpointLogStartOffsetsInDir(dir)
        this.checkpointHighWatermarksInDir(dir)
      } catch {
        // The periodic checkpoints write them again.
      }
    }
    try {
      current.delete()
    } catch {
      // A -delete dir left behind is removed at the next startup.
    }
    return future
  }

  /** Drops the future log of topic-partition (the move was cancelled or cannot go on), as deleteLog does. */
  deleteFutureLog(topic: string, partition: number): boolean {
    const k = key(topic, partition)
    const future = this.futureLogs.get(k)
    if (future === undefined) return false
    this.futureLogs.delete(k)
    const parent = future.parentDir
    future.renameDir(logDeleteDirName(topic, partition, randomUUID().replace(/-/g, '')))
    this.checkpointRecoveryOffsetsInDir(parent)
    this.checkpointLogStartOffsetsInDir(parent)
    future.delete()
    return true
  }

  /**
   * Delete a partition's log as Kafka does: rename its dir to
   * <topic>-<partition>.<uuid>-delete, checkpoint the dir, then remove it.
   */
  deleteLog(topic: string, partition: number): boolean {
    const k = key(topic, partition)
    // A replica being moved goes with its future log.
    this.deleteFutureLog(topic, partition)
    const log = this.logs.get(k)
    if (log === undefined) return false
    this.logs.delete(k)
    const parent = log.parentDir
    log.renameDir(logDeleteDirName(topic, partition, randomUUID().replace(/-/g, '')))
    this.checkpointRecoveryOffsetsInDir(parent)
    this.checkpointLogStartOffsetsInDir(parent)
    this.checkpointHighWatermarksInDir(parent)
    log.delete()
    return true
  }

  // ------------------------------------------------------------ checkpoints

  private logsInDir(dir: string): PartitionLog[] {
    return this.allLogs().filter((l) => l.parentDir === dir)
  }

  /** Current and future logs in a dir: recovery points and log start offsets cover both, as Kafka's do. */
  private allLogsInDir(dir: string): PartitionLog[] {
    return [...this.logs.values(), ...this.futureLogs.values()].filter((l) => l.parentDir === dir)
  }

  private writeCheckpoint(dir: string, file: string, entries: TopicPartitionOffset[]): void {
    writeOffsetCheckpoint(join(dir, file), entries)
  }

  checkpointRecoveryOffsetsInDir(dir: string): void {
    this.writeCheckpoint(
      dir,
      RECOVERY_POINT_CHECKPOINT_FILE,
      this.allLogsInDir(dir).map((l) => ({topic: l.topic, partition: l.partition, offset: l.recoveryPoint})),
    )
  }

  /** Only logs whose start is past their first segment need a log start offset (as Kafka writes it). */
  checkpointLogStartOffsetsInDir(dir: string): void {
    this.writeCheckpoint(
      dir,
      LOG_START_OFFSET_CHECKPOINT_FILE,
      this.allLogsInDir(dir)
        .filter((l) => l.logStartOffset > l.logSegments()[0]!.baseOffset)
        .map((l) => ({topic: l.topic, partition: l.partition, offset: l.logStartOffset})),
    )
  }

  checkpointHighWatermarksInDir(dir: string): void {
    this.writeCheckpoint(
      dir,
      REPLICATION_OFFSET_CHECKPOINT_FILE,
      this.logsInDir(dir).map((l) => ({topic: l.topic, partition: l.partition, offset: l.highWatermark})),
    )
  }

  checkpointLogRecoveryOffsets(): void {
    for (const d of this.logDirs) this.checkpointRecoveryOffsetsInDir(d)
  }

  checkpointLogStartOffsets(): void {
    for (const d of this.logDirs) this.checkpointLogStartOffsetsInDir(d)
  }

  checkpointHighWatermarks(): void {
    for (const d of this.logDirs) this.checkpointHighWatermarksInDir(d)
  }

  // ------------------------------------------------------------ periodic tasks

  /**
   * Retention on every log; returns the number of segments deleted.
   * Compact-only logs just drop segments below their log start offset (there
   * is no cleaner yet to run after).
   */
  cleanupLogs(now: number = this.clock()): number {
    let total = 0
    for (const log of this.logs.values()) total += log.deleteOldSegments(now)
    return total
  }

  /** flush.ms: flush each log whose last flush is at least its flush.ms old. */
  flushDirtyLogs(now: number = this.clock()): void {
    for (const log of this.logs.values()) log.maybeFlushByTime(now)
    for (const log of this.futureLogs.values()) log.maybeFlushByTime(now)
  }

  /** fsync segments rolled since the last call and move their recovery points (Kafka does this right after each roll). */
  flushRolledSegments(): void {
    for (const log of this.logs.values()) log.flushRolledSegments()
    for (const log of this.futureLogs.values()) log.flushRolledSegments()
  }

  /**
   * Run each periodic task whose interval has elapsed since it last ran.
   * The owner calls this from one timer (every second or so).
   */
  runDueTasks(now: number = this.clock()): void {
    const due = (k: keyof typeof this.intervals) => {
      if (now - this.lastRun[k] >= this.intervals[k]) {
        this.lastRun[k] = now
        return true
      }
      return false
    }
    if (due('retention')) this.cleanupLogs(now)
    if (due('flush')) this.flushDirtyLogs(now)
    this.flushRolledSegments()
    if (due('recoveryCheckpoint')) this.checkpointLogRecoveryOffsets()
    if (due('startOffsetCheckpoint')) this.checkpointLogStartOffsets()
    if (due('hwCheckpoint')) this.checkpointHighWatermarks()
  }

  // ------------------------------------------------------------ shutdown

  /**
   * Flush and close every log, write the checkpoints, then mark each log dir
   * cleanly shut down (only dirs whose logs had all loaded).
   */
  shutdown(brokerEpoch: number | bigint = -1): void {
    if (this.shutDown) return
    this.shutDown = true
    for (const dir of this.logDirs) {
      let ok = true
      for (const log of this.allLogsInDir(dir)) {
        try {
          log.close()
        } catch {
          ok = false
        }
      }
      if (!existsSync(dir)) continue
      this.checkpointRecoveryOffsetsInDir(dir)
      this.checkpointLogStartOffsetsInDir(dir)
      this.checkpointHighWatermarksInDir(dir)
      if (ok && (this.hadCleanShutdown.get(dir) || this.loadCompleted.get(dir))) writeCleanShutdownFile(dir, brokerEpoch)
    }
  }
}
