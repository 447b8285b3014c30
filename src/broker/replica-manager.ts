// The data path of the broker (Kafka's ReplicaManager): the partition
// replicas this broker hosts, created, re-registered and removed as the
// controller's metadata deltas say; appends (with acks), reads (with long
// polling), offsets by time and by leader epoch, record deletion; the fetch
// session cache; producer ids; and the periodic storage work (retention,
// flush.ms, checkpoints) on one unref'd timer.
//
// Everything runs on the event loop. Appends are synchronous, so a partition
// sees them in the order requests arrived. A fetch that cannot be answered
// yet waits in the fetch purgatory and is woken when a partition it reads
// gets new data below the high watermark (or changes leader, or goes away),
// then re-reads everything, as Kafka's DelayedFetch does. Produce with
// acks=-1 waits the same way for the high watermark to pass its records;
// with a single replica that is immediate.
//
// Replication: a partition this broker follows is fetched from its leader
// (src/replication: one fetcher per leader broker), started and stopped as
// metadata deltas make this broker leader or follower. As leader, follower
// fetches (replica id >= 0) read to the log end and record the follower's
// position, which moves the high watermark and grows the ISR; every
// replica.lag.time.max.ms / 2 lagging followers are taken out of the ISR.
// ISR changes go to the controller as AlterPartition requests.
//
// Replication throttles (Kafka's leader and follower ReplicationQuotaManagers): the bounds come
// from the dynamic broker configs, the throttled partitions from the topics'
// leader/follower.replication.throttled.replicas, both refreshed as metadata deltas change them.
// As leader, a follower fetch of a throttled partition whose follower is not in the ISR reads
// nothing while the leader quota is exceeded, and the bytes sent for throttled partitions count
// against it; the follower side is in the fetchers.
//
// Moves between log dirs (AlterReplicaLogDirs, Kafka's ReplicaAlterLogDirsManager): a hosted
// replica asked into another log dir gets a future log there, filled by a LogDirMove
// (src/storage/log-dir-move.ts) chunk by chunk on the event loop under the
// replica.alter.log.dirs.io.max.bytes.per.second quota, and swapped in for the current log in the
// same turn as the chunk that caught up. Deleting the partition, reassigning it away or asking it
// back into its current dir drops the future log. After a restart a future log found on disk is
// checked against the current log (cut to its end, last batch identical) and the move resumes,
// from scratch if the check fails; the current log stays authoritative until the swap.

import type {BrokerConfig} from '../config/broker-config.js'
import {TopicConfig} from '../config/topic-config.js'
import type {MetadataDelta, MetadataListener, PartitionRegistration} from '../controller/metadata-delta.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {AlterPartitionRequest} from '../protocol/generated/alter-partition-request.js'
import type {AlterPartitionResponse} from '../protocol/generated/alter-partition-response.js'
import {ZERO_UUID} from '../protocol/primitives.js'
import {AlterPartitionManager} from '../replication/alter-partition-manager.js'
import {ReplicaFetcherManager} from '../replication/replica-fetcher-manager.js'
import {
  FOLLOWER_THROTTLED_RATE,
  FOLLOWER_THROTTLED_REPLICAS,
  LEADER_THROTTLED_RATE,
  LEADER_THROTTLED_REPLICAS,
  parseThrottledRate,
  parseThrottledReplicas,
  ReplicationQuota,
} from '../replication/replication-quota.js'
import {futureStartOffset, LogDirMove, reconcileFutureLog} from '../storage/log-dir-move.js'
import type {LogManager} from '../storage/log-manager.js'
import type {AppendOrigin, FetchIsolation} from '../storage/partition-log.js'
import {INTERNAL_TOPICS, type BrokerState} from './broker-state.js'
import {fetchBufferPool} from './buffer-pool.js'
import {FetchSessionCache} from './fetch-session.js'
import {needsRecordValidation, targetCodec, validateAndConvert, type RecordValidation} from './log-validator.js'
import type {Logger} from './logger.js'
import {Partition, type LeaderAppendResult, type ReplicationContext} from './partition.js'
import {FileProducerIdAllocator, type ProducerIdAllocator} from './producer-id-manager.js'

export interface ReplicaManagerOptions {
  config: BrokerConfig
  state: BrokerState
  logManager: LogManager
  logger: Logger
  /** A topic's effective config (the controller's image); default: broker defaults only. */
  topicConfigFor?: (topic: string) => TopicConfig
  /** Default: ids persisted in the first log dir. */
  producerIds?: ProducerIdAllocator
  clock?: () => number
  /** How this broker takes part in replication; without it partitions are never fetched from elsewhere. */
  replication?: ReplicationHooks
  /**
   * A replication-throttle broker config (leader/follower.replication.throttled.rate) as the
   * dynamic configs set it for this broker: its own value, else the cluster default, else
   * undefined. Read again whenever the broker configs change. Default: never throttled.
   */
  brokerQuotaConfig?: (name: string) => string | undefined
}

/** What replication needs from the rest of the broker. */
export interface ReplicationHooks {
  /** This broker's epoch from its registration (-1 before it registered). */
  brokerEpoch(): bigint
  /** Whether a follower may join an ISR (registered, unfenced, not shutting down, fetching with its current broker epoch). */
  isReplicaIsrEligible(brokerId: number, fetchBrokerEpoch: bigint | null): boolean
  /** Sends an AlterPartition request to the active controller (forwarding it if need be). */
  alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResponse>
}

/** Kafka's FetchParams. */
export interface FetchParams {
  replicaId: number
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  isolation: FetchIsolation
  isFromFollower: boolean
  /** Consumers read from leaders only (no follower fetching yet). */
  fetchOnlyLeader: boolean
  /** A follower's broker epoch (Fetch v15+ ReplicaState), -1 when it sent none. */
  replicaEpoch?: bigint
}

export interface FetchPartitionInfo {
  topic: string
  topicId: string
  partition: number
  fetchOffset: number
  currentLeaderEpoch: number
  lastFetchedEpoch: number
  logStartOffset: number
  maxBytes: number
}

export interface LogReadResult {
  errorCode: number
  /** Raw batches from the segment file (empty when none). */
  records: Buffer
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  divergingEpoch: {epoch: number; endOffset: number} | null
}

export interface ProduceEntry {
  topic: string
  partition: number
  records: Buffer
}

export interface ProducePartitionResult {
  errorCode: number
  errorMessage: string | null
  baseOffset: number
  logAppendTime: number
  logStartOffset: number
  /** Index of the batch at fault for INVALID_RECORD-style errors (Produce v8+ record errors). */
  recordErrors: Array<{batchIndex: number; message: string | null}>
}

const EMPTY = Buffer.alloc(0)

/** Fetch reads go into pooled buffers; the connection returns them once the response is written. */
const acquireFetchBuffer = (size: number): Buffer => fetchBufferPool.acquire(size)

/** Kafka's QuotaConfig.REPLICA_ALTER_LOG_DIRS_IO_MAX_BYTES_PER_SECOND_CONFIG. */
export const ALTER_LOG_DIRS_THROTTLED_RATE = 'replica.alter.log.dirs.io.max.bytes.per.second'

/** Kafka's producer.id.expiration.check.interval.ms. */
const PRODUCER_EXPIRATION_CHECK_MS = 600_000
const TICK_MS = 1000

interface AppendPolicy {
  minInsyncReplicas: number
  validation: Omit<RecordValidation, 'partitionName'> | null
}

/** The topic's compression.<codec>.level, when it sets one for the codec it forces. */
function compressionLevel(tc: TopicConfig, codec: number | null): number | undefined {
  const level = codec === 1 ? tc.get('compression.gzip.level') : codec === 3 ? tc.get('compression.lz4.level') : codec === 4 ? tc.get('compression.zstd.level') : undefined
  return level === undefined || level === -1 ? undefined : Number(level)
}

type Waiter = {tryComplete(): boolean; forceComplete(): void}

export class ReplicaManager implements MetadataListener {
  readonly config: BrokerConfig
  readonly state: BrokerState
  readonly logManager: LogManager
  readonly fetchSessions: FetchSessionCache
  readonly producerIds: ProducerIdAllocator
  private readonly log: Logger
  private readonly topicConfigFor: (topic: string) => TopicConfig
  private readonly clock: () => number
  private readonly partitions = new Map<string, Map<number, Partition>>()
  private readonly topicConfigs = new Map<string, TopicConfig>()
  private readonly appendPolicies = new Map<string, AppendPolicy>()
  /** Delayed operations by partition name. */
  private readonly watchers = new Map<string, Set<Waiter>>()
  private timer: NodeJS.Timeout | null = null
  private lastProducerExpiration: number
  private readonly producerIdExpirationMs: number
  private readonly fetchMaxBytes: number
  private stopped = false
  /** Followers' fetchers (null without replication hooks). */
  readonly fetcherManager: ReplicaFetcherManager | null
  private readonly alterPartitionManager: AlterPartitionManager | null
  private readonly replicationContext: ReplicationContext
  private isrTimer: NodeJS.Timeout | null = null
  private readonly replicaLagTimeMaxMs: number
  private readonly brokerQuotaConfig: (name: string) => string | undefined
  /** Replication throttles on this broker as leader and as follower (Kafka's quotas.leader / quotas.follower). */
  readonly leaderQuota: ReplicationQuota
  readonly followerQuota: ReplicationQuota
  /** Kafka's quotas.alterLogDirs: bytes copied into future logs. */
  readonly alterLogDirsQuota: ReplicationQuota
  /** Moves between log dirs in progress, by partition name. */
  private readonly logDirMoves = new Map<string, LogDirMove>()
  private readonly replicaFetchMaxBytes: number

  constructor(opts: ReplicaManagerOptions) {
    this.config = opts.config
    this.state = opts.state
    this.logManager = opts.logManager
    this.log = opts.logger.child(`[ReplicaManager broker=${opts.state.nodeId}] `, 'kafka.server.ReplicaManager')
    this.topicConfigFor = opts.topicConfigFor ?? ((_t) => new TopicConfig(new Map(), opts.config))
    this.clock = opts.clock ?? Date.now
    this.fetchSessions = new FetchSessionCache({maxEntries: opts.config.get('max.incremental.fetch.session.cache.slots')})
    this.producerIds = opts.producerIds ?? new FileProducerIdAllocator(opts.logManager.logDirs[0]!)
    this.lastProducerExpiration = this.clock()
    this.producerIdExpirationMs = opts.config.get('producer.id.expiration.ms')
    this.fetchMaxBytes = opts.config.get('fetch.max.bytes')
    this.replicaLagTimeMaxMs = Number(opts.config.get('replica.lag.time.max.ms'))
    this.brokerQuotaConfig = opts.brokerQuotaConfig ?? (() => undefined)
    this.leaderQuota = new ReplicationQuota({clock: this.clock})
    this.followerQuota = new ReplicationQuota({clock: this.clock})
    this.alterLogDirsQuota = new ReplicationQuota({clock: this.clock})
    this.replicaFetchMaxBytes = Number(opts.config.get('replica.fetch.max.bytes'))
    const hooks = opts.replication
    this.fetcherManager = hooks
      ? new ReplicaFetcherManager({config: opts.config, state: opts.state, logger: opts.logger, brokerEpoch: () => hooks.brokerEpoch(), quota: this.followerQuota})
      : null
    this.alterPartitionManager = hooks
      ? new AlterPartitionManager({brokerId: opts.state.nodeId, brokerEpoch: () => hooks.brokerEpoch(), send: (r) => hooks.alterPartition(r), logger: opts.logger})
      : null
    const partitionLog = opts.logger.child(`[Partition broker=${opts.state.nodeId}] `, 'kafka.cluster.Partition')
    const alter = this.alterPartitionManager
    this.replicationContext = {
      clock: this.clock,
      replicaLagTimeMaxMs: this.replicaLagTimeMaxMs,
      minInsyncReplicas: (topic) => this.topicConfig(topic).get('min.insync.replicas'),
      isReplicaIsrEligible: (id, epoch) => hooks?.isReplicaIsrEligible(id, epoch) ?? false,
      localBrokerEpoch: () => hooks?.brokerEpoch() ?? -1n,
      submitAlterPartition: (item) => (alter ? alter.submit(item) : Promise.reject(new KafkaError(ErrorCode.OPERATION_NOT_ATTEMPTED, 'no controller to ask'))),
      onHighWatermarkIncreased: (partition) => this.wake(partition.name),
      logger: partitionLog,
    }
  }

  // ------------------------------------------------------------ lifecycle

  /** Starts the periodic storage tasks (retention, flush.ms, checkpoints, producer expiry). */
  startup(): void {
    if (this.timer !== null) return
    this.timer = setInterval(() => this.runPeriodicTasks(), TICK_MS)
    this.timer.unref()
    // Kafka's isr-expiration task.
    this.isrTimer = setInterval(() => this.maybeShrinkIsr(), Math.max(1, Math.floor(this.replicaLagTimeMaxMs / 2)))
    this.isrTimer.unref()
  }

  /** Takes followers that stopped catching up out of the ISR of every partition led here. */
  maybeShrinkIsr(now: number = this.clock()): void {
    for (const p of this.allPartitions()) {
      if (!p.isLeader) continue
      try {
        p.maybeShrinkIsr(now)
      } catch (e) {
        this.log.error(`Could not shrink the ISR of ${p.name}: ${(e as Error).message}`)
      }
    }
  }

  /** Stops the timers and completes every waiting request (they answer with what they have). */
  shutdown(): void {
    this.stopped = true
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    if (this.isrTimer !== null) clearInterval(this.isrTimer)
    this.isrTimer = null
    void this.fetcherManager?.shutdown()
    this.alterPartitionManager?.shutdown()
    // Future logs stay on disk (closed by the log manager) and the moves resume on restart.
    for (const m of this.logDirMoves.values()) m.stop()
    this.logDirMoves.clear()
    for (const set of [...this.watchers.values()]) for (const w of [...set]) w.forceComplete()
    this.watchers.clear()
  }

  /** One tick of the storage timer; also callable from tests. */
  runPeriodicTasks(now: number = this.clock()): void {
    try {
      this.logManager.runDueTasks(now)
    } catch (e) {
      this.log.error(`Periodic log task failed: ${(e as Error).stack ?? e}`)
    }
    if (now - this.lastProducerExpiration >= PRODUCER_EXPIRATION_CHECK_MS) {
      this.lastProducerExpiration = now
      for (const p of this.allPartitions()) p.producerState.removeExpiredProducers(now, this.producerIdExpirationMs)
    }
  }

  // ------------------------------------------------------------ metadata

  applyMetadataDelta(delta: MetadataDelta): void {
    for (const t of delta.deletedTopics) this.removeTopic(t.name, t.partitions)
    if (delta.brokerConfigsChanged) {
      this.topicConfigs.clear()
      for (const topic of this.partitions.keys()) this.logManager.updateTopicConfig(topic)
    }
    for (const topic of delta.changedTopicConfigs) {
      this.topicConfigs.delete(topic)
      this.logManager.updateTopicConfig(topic)
    }
    if (delta.initial || delta.brokerConfigsChanged) this.updateQuotaBounds()
    const throttleTopics = delta.initial ? this.state.topicNames() : delta.changedTopicConfigs
    for (const topic of throttleTopics) this.updateThrottledReplicas(topic)
    for (const reg of delta.changedPartitions) {
      try {
        this.applyRegistration(reg)
      } catch (e) {
        this.log.error(`Could not apply the registration of ${reg.topic}-${reg.partition}: ${(e as Error).message}`)
      }
    }
  }

  /** Kafka's BrokerConfigHandler: the throttle rates from this broker's dynamic configs, or the cluster default's. */
  private updateQuotaBounds(): void {
    const leader = parseThrottledRate(this.brokerQuotaConfig(LEADER_THROTTLED_RATE))
    const follower = parseThrottledRate(this.brokerQuotaConfig(FOLLOWER_THROTTLED_RATE))
    if (leader !== this.leaderQuota.upperBound || follower !== this.followerQuota.upperBound) {
      this.log.info(`Replication throttle rates: leader ${leader === Infinity ? 'none' : `${leader} B/s`}, follower ${follower === Infinity ? 'none' : `${follower} B/s`}`)
    }
    this.leaderQuota.updateBound(leader)
    this.followerQuota.updateBound(follower)
    const alterLogDirs = parseThrottledRate(this.brokerQuotaConfig(ALTER_LOG_DIRS_THROTTLED_RATE))
    if (alterLogDirs !== this.alterLogDirsQuota.upperBound) {
      this.log.info(`Log dir move throttle rate: ${alterLogDirs === Infinity ? 'none' : `${alterLogDirs} B/s`}`)
    }
    this.alterLogDirsQuota.updateBound(alterLogDirs)
  }

  /** Kafka's TopicConfigHandler.updateThrottledList for both sides. */
  private updateThrottledReplicas(topic: string): void {
    if (this.state.topic(topic) === undefined) {
      this.leaderQuota.removeThrottle(topic)
      this.followerQuota.removeThrottle(topic)
      return
    }
    const tc = this.topicConfig(topic)
    const nodeId = this.state.nodeId
    this.leaderQuota.markThrottled(topic, parseThrottledReplicas(tc.get(LEADER_THROTTLED_REPLICAS), nodeId))
    this.followerQuota.markThrottled(topic, parseThrottledReplicas(tc.get(FOLLOWER_THROTTLED_REPLICAS), nodeId))
  }

  /**
   * Kafka's shouldLeaderThrottle: only a follower out of the ISR is held back, so a replica in
   * sync is never pushed out of it by the throttle.
   */
  private shouldLeaderThrottle(p: Partition, replicaId: number): boolean {
    return !p.isr.includes(replicaId) && this.leaderQuota.isThrottled(p.topic, p.partition) && this.leaderQuota.isQuotaExceeded()
  }

  /** Kafka records the bytes of throttled partitions in every follower fetch response, in sync or not. */
  private recordLeaderThrottledBytes(params: FetchParams, infos: readonly FetchPartitionInfo[], results: readonly LogReadResult[]): void {
    if (!params.isFromFollower) return
    let bytes = 0
    for (let i = 0; i < infos.length; i++) {
      const info = infos[i]!
      if (results[i]!.records.length > 0 && this.leaderQuota.isThrottled(info.topic, info.partition)) bytes += results[i]!.records.length
    }
    this.leaderQuota.record(bytes)
  }

  private applyRegistration(reg: PartitionRegistration): void {
    const nodeId = this.state.nodeId
    let byIndex = this.partitions.get(reg.topic)
    let partition = byIndex?.get(reg.partition)
    if (!reg.replicas.includes(nodeId)) {
      if (partition !== undefined) {
        // No longer a replica here (reassignment): stop serving and remove the log (and a future one).
        this.fetcherManager?.removePartitions([partition])
        this.stopLogDirMove(partition)
        byIndex!.delete(reg.partition)
        this.logManager.deleteLog(reg.topic, reg.partition)
        this.wake(partition.name)
      }
      return
    }
    if (partition === undefined) {
      const log = this.logManager.getOrCreateLog(reg.topic, reg.partition, {topicId: reg.topicId})
      partition = new Partition(nodeId, log, reg.topicId, this.replicationContext)
      if (byIndex === undefined) this.partitions.set(reg.topic, (byIndex = new Map()))
      byIndex.set(reg.partition, partition)
      this.maybeResumeLogDirMove(partition)
    }
    const role = partition.applyRegistration(reg)
    if (role.stale) return
    // Become leader: stop fetching. Become follower (new leader or epoch): fetch from the leader,
    // truncating first as the epochs say. No leader: nothing to fetch from.
    if (role.becameFollower && !this.stopped) this.fetcherManager?.addPartitions([partition])
    else if (partition.isLeader || partition.leaderId < 0) this.fetcherManager?.removePartitions([partition])
    if (role.changed || role.highWatermarkIncreased) this.wake(partition.name)
  }

  private removeTopic(topic: string, partitionCount: number): void {
    const byIndex = this.partitions.get(topic)
    if (byIndex !== undefined) this.fetcherManager?.removePartitions([...byIndex.values()])
    for (const p of byIndex?.values() ?? []) this.stopLogDirMove(p)
    this.partitions.delete(topic)
    this.topicConfigs.delete(topic)
    this.leaderQuota.removeThrottle(topic)
    this.followerQuota.removeThrottle(topic)
    const indexes = new Set<number>(byIndex?.keys() ?? [])
    for (let i = 0; i < partitionCount; i++) indexes.add(i)
    for (const i of indexes) {
      try {
        this.logManager.deleteLog(topic, i)
      } catch (e) {
        this.log.error(`Could not delete the log of ${topic}-${i}: ${(e as Error).message}`)
      }
      this.wake(`${topic}-${i}`)
    }
  }

  // ------------------------------------------------------------ moves between log dirs

  /**
   * Kafka's ReplicaManager.alterReplicaLogDirs for one replica, `dir` being one of this broker's
   * log dirs: a replica not hosted yet will be created there (REPLICA_NOT_AVAILABLE meanwhile); a
   * move to another dir than the one in progress cancels that one; a hosted replica in another
   * dir starts moving (NONE: the move goes on after the answer).
   */
  alterReplicaLogDir(topic: string, partitionIndex: number, dir: string): number {
    // Shutting down: no move may start (the logs are about to close).
    if (this.stopped) return ErrorCode.KAFKA_STORAGE_ERROR
    const log = this.logManager.getLog(topic, partitionIndex)
    const partition = this.getPartition(topic, partitionIndex)
    if (log === undefined || partition === undefined) {
      this.logManager.setPreferredLogDir(topic, partitionIndex, dir)
      return ErrorCode.REPLICA_NOT_AVAILABLE
    }
    const future = partition.futureLog
    if (future !== null && future.parentDir !== dir) {
      this.log.info(`The move of ${partition.name} to ${future.parentDir} is cancelled: now asked into ${dir}`)
      this.stopLogDirMove(partition)
    }
    if (partition.log.parentDir === dir || partition.futureLog !== null) return ErrorCode.NONE
    try {
      const created = this.logManager.createFutureLog(topic, partitionIndex, dir, {startOffset: futureStartOffset(partition.log), topicId: partition.topicId})
      partition.setFutureLog(created)
    } catch (e) {
      this.log.error(`Could not create the future log of ${partition.name} in ${dir}: ${(e as Error).message}`)
      return ErrorCode.KAFKA_STORAGE_ERROR
    }
    this.log.info(`Moving ${partition.name} from ${partition.log.parentDir} to ${dir}`)
    this.startLogDirMove(partition)
    return ErrorCode.NONE
  }

  /** A future log loaded from disk at startup: checked against the current log, then copied on. */
  private maybeResumeLogDirMove(partition: Partition): void {
    const future = this.logManager.getFutureLog(partition.topic, partition.partition)
    if (future === undefined) return
    try {
      if (!reconcileFutureLog(partition.log, future)) {
        this.log.warn(`The future log of ${partition.name} in ${future.parentDir} does not continue the current log: the copy starts over`)
        future.truncateFullyAndStartAt(futureStartOffset(partition.log))
      }
      if (partition.topicId) future.assignTopicId(partition.topicId)
    } catch (e) {
      this.log.error(`The future log of ${partition.name} in ${future.parentDir} cannot be resumed and is deleted: ${(e as Error).message}`)
      this.logManager.deleteFutureLog(partition.topic, partition.partition)
      return
    }
    partition.setFutureLog(future)
    this.log.info(`Resuming the move of ${partition.name} to ${future.parentDir} from offset ${future.logEndOffset}`)
    this.startLogDirMove(partition)
  }

  private startLogDirMove(partition: Partition): void {
    const name = partition.name
    const move = new LogDirMove({
      name,
      logs: () => {
        // Gone, replaced (deleted and re-created), or cancelled: this move is over.
        const future = partition.futureLog
        if (this.getPartition(partition.topic, partition.partition) !== partition || future === null) return null
        if (this.logManager.getFutureLog(partition.topic, partition.partition) !== future) return null
        return {current: partition.log, future}
      },
      chunkBytes: () => {
        // A fetch's worth, smaller under a throttle so the rate stays even.
        const bound = this.alterLogDirsQuota.upperBound
        return bound === Infinity ? this.replicaFetchMaxBytes : Math.max(4096, Math.min(this.replicaFetchMaxBytes, Math.floor(bound / 10)))
      },
      quota: this.alterLogDirsQuota,
      swap: () => {
        const log = this.logManager.replaceCurrentWithFutureLog(partition.topic, partition.partition)
        partition.replaceCurrentLog(log)
        if (this.logDirMoves.get(name) === move) this.logDirMoves.delete(name)
        // Delayed fetches and produces look again (nothing changed for them but the files).
        this.wake(name)
      },
      abandon: () => {
        if (this.logDirMoves.get(name) === move) this.logDirMoves.delete(name)
        partition.setFutureLog(null)
        try {
          this.logManager.deleteFutureLog(partition.topic, partition.partition)
        } catch (e) {
          this.log.error(`Could not delete the future log of ${name}: ${(e as Error).message}`)
        }
      },
      logger: this.log,
      clock: this.clock,
    })
    this.logDirMoves.get(name)?.stop()
    this.logDirMoves.set(name, move)
    move.start()
  }

  /** Stops a move and drops its future log (the current log stays). */
  private stopLogDirMove(partition: Partition): void {
    const move = this.logDirMoves.get(partition.name)
    move?.stop()
    this.logDirMoves.delete(partition.name)
    if (partition.futureLog !== null) {
      partition.setFutureLog(null)
      try {
        this.logManager.deleteFutureLog(partition.topic, partition.partition)
      } catch (e) {
        this.log.error(`Could not delete the future log of ${partition.name}: ${(e as Error).message}`)
      }
    }
  }

  /** The move of a partition in progress, if any (for tests and tools). */
  logDirMove(topic: string, partition: number): LogDirMove | undefined {
    return this.logDirMoves.get(`${topic}-${partition}`)
  }

  // ------------------------------------------------------------ lookups

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(topic)?.get(partition)
  }

  allPartitions(): Partition[] {
    const out: Partition[] = []
    for (const m of this.partitions.values()) out.push(...m.values())
    return out
  }

  /** Whether the cluster metadata knows the partition (Kafka's metadataCache.contains). */
  metadataContains(topic: string, partition: number): boolean {
    const t = this.state.topic(topic)
    return t !== undefined && t.partitions.some((p) => p.partitionIndex === partition)
  }

  /** Kafka's getPartitionOrException: NOT_LEADER_OR_FOLLOWER when the topic exists but is not hosted here. */
  partitionOrThrow(topic: string, partition: number): Partition {
    const p = this.getPartition(topic, partition)
    if (p !== undefined) return p
    if (this.metadataContains(topic, partition)) {
      throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Error while fetching partition state for ${topic}-${partition}`)
    }
    throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Error while fetching partition state for ${topic}-${partition}`)
  }

  /**
   * The partition's current leader and epoch from the metadata, with the
   * leader's endpoint on a listener: what Produce v10+ and Fetch v16+ tell a
   * client that asked the wrong broker.
   */
  currentLeader(topic: string, partition: number, listenerName: string): {leaderId: number; leaderEpoch: number; endpoint: {nodeId: number; host: string; port: number; rack: string | null} | null} {
    const p = this.state.topic(topic)?.partitions.find((x) => x.partitionIndex === partition)
    if (p === undefined) return {leaderId: -1, leaderEpoch: -1, endpoint: null}
    const b = this.state.broker(p.leaderId)
    const ep = b?.endpoints.get(listenerName)
    return {leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, endpoint: b && ep ? {nodeId: b.nodeId, host: ep.host, port: ep.port, rack: b.rack} : null}
  }

  topicConfig(topic: string): TopicConfig {
    let tc = this.topicConfigs.get(topic)
    if (tc === undefined) {
      tc = this.topicConfigFor(topic)
      this.topicConfigs.set(topic, tc)
      this.appendPolicies.delete(topic)
    }
    return tc
  }

  /** What appends to a topic must check, derived once from its config. */
  private appendPolicy(topic: string): AppendPolicy {
    let p = this.appendPolicies.get(topic)
    if (p === undefined || !this.topicConfigs.has(topic)) {
      const tc = this.topicConfig(topic)
      const codec = targetCodec(tc.get('compression.type'))
      const validation = {targetCodec: codec, compacted: tc.get('cleanup.policy').some((x) => x.trim().toLowerCase() === 'compact'), compressionLevel: compressionLevel(tc, codec)}
      p = {minInsyncReplicas: tc.get('min.insync.replicas'), validation: needsRecordValidation({...validation, partitionName: ''}) ? validation : null}
      this.appendPolicies.set(topic, p)
    }
    return p
  }

  // ------------------------------------------------------------ produce

  /**
   * Appends each entry to its partition's leader log, synchronously and in
   * order. Returns the per-entry results, or a promise of them when acks=-1
   * has to wait for the high watermark (other replicas in the ISR).
   */
  appendRecords(
    entries: readonly ProduceEntry[],
    opts: {requiredAcks: number; timeoutMs: number; origin?: AppendOrigin; internalTopicsAllowed?: boolean},
  ): ProducePartitionResult[] | Promise<ProducePartitionResult[]> {
    const origin = opts.origin ?? 'client'
    const results: ProducePartitionResult[] = new Array(entries.length)
    let waitFor: Array<{index: number; partition: Partition; offset: number}> | null = null
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!
      if (INTERNAL_TOPICS.has(e.topic) && !opts.internalTopicsAllowed && origin === 'client') {
        results[i] = failedAppend(ErrorCode.INVALID_TOPIC_EXCEPTION, -1)
        continue
      }
      let partition: Partition | undefined
      try {
        partition = this.partitionOrThrow(e.topic, e.partition)
        const policy = this.appendPolicy(e.topic)
        const records = origin === 'client' && policy.validation !== null ? validateAndConvert(e.records, {...policy.validation, partitionName: partition.name}) : e.records
        const r = partition.appendRecordsToLeader(records, {origin, requiredAcks: opts.requiredAcks, minInsyncReplicas: policy.minInsyncReplicas})
        results[i] = appendedResult(r)
        if (r.rolled) this.scheduleRolledSegmentFlush(partition)
        if (!r.duplicate) this.wake(partition.name)
        if (opts.requiredAcks === -1 && !r.duplicate && partition.log.highWatermark <= r.lastOffset) {
          ;(waitFor ??= []).push({index: i, partition, offset: r.lastOffset + 1})
        }
      } catch (err) {
        results[i] = this.appendFailure(err, e, partition)
      }
    }
    if (waitFor === null) return results
    return this.awaitHighWatermarks(waitFor, results, opts.timeoutMs)
  }

  private appendFailure(err: unknown, e: ProduceEntry, partition: Partition | undefined): ProducePartitionResult {
    const logStartOffset = partition?.log.logStartOffset ?? -1
    if (!(err instanceof KafkaError)) {
      this.log.error(`Error processing append operation on partition ${e.topic}-${e.partition}: ${(err as Error).stack ?? err}`)
      return failedAppend(ErrorCode.UNKNOWN_SERVER_ERROR, logStartOffset)
    }
    switch (err.code) {
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.MESSAGE_TOO_LARGE:
      case ErrorCode.RECORD_LIST_TOO_LARGE:
      case ErrorCode.CORRUPT_MESSAGE:
      case ErrorCode.KAFKA_STORAGE_ERROR:
        return failedAppend(err.code, -1)
      case ErrorCode.INVALID_RECORD:
      case ErrorCode.INVALID_TIMESTAMP:
        // Kafka's RecordValidationException: the message and the offending batch go back to the client (v8+).
        return {...failedAppend(err.code, logStartOffset), errorMessage: err.message, recordErrors: [{batchIndex: 0, message: err.message}]}
      default:
        if (err.code !== ErrorCode.INVALID_PRODUCER_EPOCH && err.code !== ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && err.code !== ErrorCode.NOT_ENOUGH_REPLICAS) {
          this.log.error(`Error processing append operation on partition ${e.topic}-${e.partition}: ${err.message}`)
        }
        return failedAppend(err.code, logStartOffset)
    }
  }

  private scheduleRolledSegmentFlush(partition: Partition): void {
    // Kafka flushes rolled segments on its scheduler, off the request path.
    setImmediate(() => {
      try {
        partition.log.flushRolledSegments()
      } catch (e) {
        this.log.error(`Flushing rolled segments of ${partition.name} failed: ${(e as Error).message}`)
      }
    })
  }

  /**
   * Kafka's DelayedProduce: each partition is done once its high watermark
   * passes the appended records (NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR
   * shrank below min.insync.replicas meanwhile) or this broker stops leading
   * it (NOT_LEADER_OR_FOLLOWER); what is still pending at the timeout gets
   * REQUEST_TIMED_OUT.
   */
  private awaitHighWatermarks(
    waitFor: Array<{index: number; partition: Partition; offset: number}>,
    results: ProducePartitionResult[],
    timeoutMs: number,
  ): Promise<ProducePartitionResult[]> {
    return new Promise((resolve) => {
      const pending = new Set(waitFor)
      const op = new DelayedOperation(this, waitFor.map((w) => w.partition.name), timeoutMs, () => {
        for (const w of [...pending]) {
          const p = this.getPartition(w.partition.topic, w.partition.partition)
          const check = p !== w.partition ? {done: false, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER} : w.partition.checkEnoughReplicasReachOffset(w.offset)
          if (check.errorCode === ErrorCode.NONE && !check.done) continue
          pending.delete(w)
          if (check.errorCode !== ErrorCode.NONE) results[w.index] = failedAppend(check.errorCode, -1)
        }
        return pending.size === 0
      }, (timedOut) => {
        if (timedOut) for (const w of pending) results[w.index] = failedAppend(ErrorCode.REQUEST_TIMED_OUT, -1)
        resolve(results)
      })
      op.start()
    })
  }

  // ------------------------------------------------------------ fetch

  /**
   * Kafka's fetchMessages: read now; answer at once when the wait is 0, there
   * is nothing to read, min.bytes is met, or an error or diverging epoch came
   * up; else wait in the purgatory until one of those holds or max.wait.ms
   * passes, then read again.
   */
  fetchMessages(params: FetchParams, infos: readonly FetchPartitionInfo[]): LogReadResult[] | Promise<LogReadResult[]> {
    const first = this.readFromLog(params, infos, true)
    let bytes = 0
    let respondNow = params.maxWaitMs <= 0 || infos.length === 0
    for (const r of first) {
      bytes += r.records.length
      if (r.errorCode !== ErrorCode.NONE || r.divergingEpoch !== null) respondNow = true
    }
    if (respondNow || bytes >= params.minBytes || this.stopped) {
      this.recordLeaderThrottledBytes(params, infos, first)
      return first
    }
    return new Promise((resolve) => {
      const statuses = infos.map((info, i) => {
        const p = this.getPartition(info.topic, info.partition)
        return {info, partition: p, hwBytesAtStart: hwBytesFor(p, params), initialBytes: first[i]!.records.length}
      })
      const op = new DelayedOperation(
        this,
        statuses.map((s) => `${s.info.topic}-${s.info.partition}`),
        params.maxWaitMs,
        () => this.delayedFetchSatisfied(params, statuses),
        () => {
          const results = this.readFromLog(params, infos)
          this.recordLeaderThrottledBytes(params, infos, results)
          resolve(results)
        },
      )
      op.start()
    })
  }

  /** Kafka's DelayedFetch.tryComplete, with bytes counted from appends since the fetch began to wait. */
  private delayedFetchSatisfied(
    params: FetchParams,
    statuses: ReadonlyArray<{info: FetchPartitionInfo; partition: Partition | undefined; hwBytesAtStart: number; initialBytes: number}>,
  ): boolean {
    let accumulated = 0
    for (const s of statuses) {
      const p = this.getPartition(s.info.topic, s.info.partition)
      // Gone, replaced, no longer leader, or fenced: answer now with the error.
      if (p === undefined || p !== s.partition) return true
      if (params.fetchOnlyLeader && !p.isLeader) return true
      if (p.checkLeaderEpoch(s.info.currentLeaderEpoch) !== ErrorCode.NONE) return true
      const end = params.isolation === 'log-end' ? p.log.logEndOffset : p.log.highWatermark
      if (s.info.fetchOffset > end) return true
      if (s.info.fetchOffset < p.log.logStartOffset) return true
      // Bytes a throttled follower may not take now must not complete the wait.
      if (params.isFromFollower && this.shouldLeaderThrottle(p, params.replicaId)) continue
      if (s.info.fetchOffset < end) accumulated += Math.min(s.initialBytes + hwBytesFor(p, params) - s.hwBytesAtStart, s.info.maxBytes)
    }
    return accumulated >= params.minBytes
  }

  /**
   * Kafka's readFromLog: partitions in order, each up to its max bytes and
   * what is left of the request's; the first non-empty partition may exceed
   * both so a consumer always progresses. A first batch cut by the limits is
   * answered with no records (Fetch v3+). A follower's first read of a
   * fetch (`updateFetchState`) records its position; waiting operations on
   * partitions whose high watermark moved are woken after the reads.
   */
  readFromLog(params: FetchParams, infos: readonly FetchPartitionInfo[], updateFetchState = false): LogReadResult[] {
    let limitBytes = params.maxBytes
    let minOneMessage = true
    const out: LogReadResult[] = new Array(infos.length)
    const moved: string[] = []
    for (let i = 0; i < infos.length; i++) {
      const info = infos[i]!
      const r = this.readPartition(params, info, Math.min(info.maxBytes, limitBytes), minOneMessage, updateFetchState ? moved : null)
      if (r.records.length > 0) minOneMessage = false
      limitBytes = Math.max(0, limitBytes - r.records.length)
      out[i] = r
    }
    for (const name of moved) this.wake(name)
    return out
  }

  private readPartition(params: FetchParams, info: FetchPartitionInfo, maxBytes: number, minOneMessage: boolean, hwMoved: string[] | null): LogReadResult {
    try {
      const p = this.partitionOrThrow(info.topic, info.partition)
      if (info.topicId !== ZERO_UUID && p.topicId !== info.topicId) {
        throw new KafkaError(ErrorCode.INCONSISTENT_TOPIC_ID, 'Topic ID in the fetch session did not match the topic ID in the log.')
      }
      let throttled = false
      if (params.isFromFollower) {
        // Kafka's order: the epoch and leadership checks, then whether the fetcher is a replica.
        p.localLogOrThrow(info.currentLeaderEpoch, params.fetchOnlyLeader)
        p.checkFollower(params.replicaId, info.currentLeaderEpoch)
        // Decided before this read moves the follower's state, as Kafka's checkFetchDataInfo does.
        throttled = this.shouldLeaderThrottle(p, params.replicaId)
      }
      const r = p.read({
        fetchOffset: info.fetchOffset,
        currentLeaderEpoch: info.currentLeaderEpoch,
        lastFetchedEpoch: info.lastFetchedEpoch,
        maxBytes,
        minOneMessage,
        isolation: params.isolation,
        fetchOnlyLeader: params.fetchOnlyLeader,
        allocate: acquireFetchBuffer,
      })
      if (params.isFromFollower && hwMoved !== null && r.divergingEpoch === null) {
        const moved = p.updateFollowerFetchState(params.replicaId, info.fetchOffset, info.logStartOffset, this.clock(), r.logEndOffset, params.replicaEpoch ?? -1n)
        if (moved) hwMoved.push(p.name)
      }
      // A throttled partition answers with no records (Kafka's empty read), as does a cut first batch.
      const empty = r.firstEntryIncomplete || throttled
      if (empty && r.records.length > 0) fetchBufferPool.release(r.records)
      return {
        errorCode: ErrorCode.NONE,
        records: empty ? EMPTY : r.records,
        highWatermark: r.highWatermark,
        lastStableOffset: r.lastStableOffset,
        logStartOffset: r.logStartOffset,
        divergingEpoch: r.divergingEpoch,
      }
    } catch (e) {
      if (!(e instanceof KafkaError)) {
        this.log.error(`Error processing fetch with max size ${maxBytes} on partition ${info.topic}-${info.partition}: ${(e as Error).stack ?? e}`)
      }
      return readError(e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR)
    }
  }

  /** The broker's fetch.max.bytes caps a consumer's max bytes. */
  get brokerFetchMaxBytes(): number {
    return this.fetchMaxBytes
  }

  // ------------------------------------------------------------ purgatory

  /** @internal */
  watch(key: string, w: Waiter): void {
    let set = this.watchers.get(key)
    if (set === undefined) this.watchers.set(key, (set = new Set()))
    set.add(w)
  }

  /** @internal */
  unwatch(key: string, w: Waiter): void {
    const set = this.watchers.get(key)
    if (set === undefined) return
    set.delete(w)
    if (set.size === 0) this.watchers.delete(key)
  }

  /** Lets the operations waiting on a partition check whether they can complete. */
  wake(partitionName: string): void {
    const set = this.watchers.get(partitionName)
    if (set === undefined) return
    for (const w of [...set]) w.tryComplete()
  }

  /** Operations waiting in the purgatory (for tests). */
  get waitingOperations(): number {
    const all = new Set<Waiter>()
    for (const s of this.watchers.values()) for (const w of s) all.add(w)
    return all.size
  }
}

/** Kafka's DelayedOperation: completes when its check passes, when woken and it passes, or on timeout. */
class DelayedOperation implements Waiter {
  private done = false
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly rm: ReplicaManager,
    private readonly keys: readonly string[],
    private readonly timeoutMs: number,
    private readonly check: () => boolean,
    private readonly onComplete: (timedOut: boolean) => void,
  ) {}

  start(): void {
    // Something may have changed while the operation was being built.
    if (this.check()) {
      this.finish(false)
      return
    }
    for (const k of this.keys) this.rm.watch(k, this)
    this.timer = setTimeout(() => this.finish(true), Math.max(0, this.timeoutMs))
  }

  tryComplete(): boolean {
    if (this.done) return true
    if (!this.check()) return false
    this.finish(false)
    return true
  }

  forceComplete(): void {
    this.finish(false)
  }

  private finish(timedOut: boolean): void {
    if (this.done) return
    this.done = true
    if (this.timer !== null) clearTimeout(this.timer)
    for (const k of this.keys) this.rm.unwatch(k, this)
    this.onComplete(timedOut)
  }
}

/** Bytes a delayed fetch can read: to the high watermark for consumers, to the log end for followers. */
function hwBytesFor(p: Partition | undefined, params: FetchParams): number {
  if (p === undefined) return 0
  return params.isolation === 'log-end' ? p.logEndBytes : p.highWatermarkBytes
}

function failedAppend(errorCode: number, logStartOffset: number): ProducePartitionResult {
  return {errorCode, errorMessage: null, baseOffset: -1, logAppendTime: -1, logStartOffset, recordErrors: []}
}

function appendedResult(r: LeaderAppendResult): ProducePartitionResult {
  return {errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: r.baseOffset, logAppendTime: r.logAppendTime, logStartOffset: r.logStartOffset, recordErrors: []}
}

function readError(errorCode: number): LogReadResult {
  return {errorCode, records: EMPTY, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, divergingEpoch: null}
}
