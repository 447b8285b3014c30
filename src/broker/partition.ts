// One partition replica hosted by this broker (Kafka's cluster.Partition):
// its registration (leader, leader epoch, replicas, ISR), its log, and the
// idempotent-producer state of that log. The leader appends and serves
// reads; the high watermark follows the ISR's log end offsets. With a single
// replica the ISR is this broker alone, so the high watermark moves to the
// log end offset after every append.
//
// Replication (Kafka's Partition): as leader it tracks each follower's fetch
// position (src/replication/replica-state.ts), raises the high watermark to
// the smallest log end offset of the ISR (never while the ISR is below
// min.insync.replicas), and proposes ISR changes to the controller through
// AlterPartition: a follower that reached the high watermark within this
// leader epoch joins, one that has not caught up for replica.lag.time.max.ms
// leaves. While a change is in flight the high watermark counts the larger
// of the two ISRs. As follower it appends what the leader's fetcher brings
// and truncates where its log diverged from the leader's.
//
// A replica being moved to another log dir of this broker has a future log
// (src/storage/log-dir-move.ts) next to its current one: truncations apply to
// both, and at the swap the future log becomes `log` for every reader (fetches,
// appends, the fetcher, the group coordinator all go through this getter).

import {ErrorCode, KafkaError, errorName} from '../protocol/errors.js'
import type {PartitionRegistration} from '../controller/metadata-delta.js'
import type {AlterPartitionItem, AlterPartitionOutcome} from '../replication/alter-partition-manager.js'
import {ReplicaState} from '../replication/replica-state.js'
import {BATCH_LENGTH_OFFSET, LOG_OVERHEAD, PRODUCER_ID_OFFSET, readInt64} from '../storage/batch-fields.js'
import {UnexpectedAppendOffsetError} from '../storage/errors.js'
import type {AppendResult} from '../storage/partition-log.js'
import type {AppendOrigin, FetchIsolation, PartitionLog, ReadResult, TimestampAndOffset} from '../storage/partition-log.js'
import {ListOffsetsTimestamp} from '../storage/partition-log.js'
import {ProducerStateManager, readProducerBatchInfo, type BatchMetadata} from '../storage/producer-state.js'
import type {Logger} from './logger.js'

export interface LeaderAppendResult {
  baseOffset: number
  lastOffset: number
  /** LogAppendTime topics: the append time; a duplicate: the original batch's timestamp; else -1. */
  logAppendTime: number
  logStartOffset: number
  recordCount: number
  validBytes: number
  rolled: boolean
  /** The batch was a retry of one already in the log: nothing was appended. */
  duplicate: boolean
  /** The high watermark moved. */
  highWatermarkIncreased: boolean
}

/**
 * What a partition needs from its replica manager to replicate: the broker's settings and
 * membership view, and the channel to the controller for ISR changes.
 */
export interface ReplicationContext {
  clock(): number
  /** replica.lag.time.max.ms */
  readonly replicaLagTimeMaxMs: number
  /** The topic's min.insync.replicas. */
  minInsyncReplicas(topic: string): number
  /**
   * KRaft's ISR eligibility of a follower: registered, unfenced, not shutting down, and (unless
   * it sent none, -1) fetching with its current broker epoch.
   */
  isReplicaIsrEligible(brokerId: number, fetchBrokerEpoch: bigint | null): boolean
  /** This broker's epoch, for AlterPartition. */
  localBrokerEpoch(): bigint
  submitAlterPartition(item: AlterPartitionItem): Promise<AlterPartitionOutcome>
  /** The high watermark moved outside a produce or fetch (an AlterPartition answer): wake what waits on it. */
  onHighWatermarkIncreased(partition: Partition): void
  readonly logger: Logger | null
}

/** A lone partition (no replicas elsewhere): nothing to replicate, no controller to ask. */
const STANDALONE: ReplicationContext = {
  clock: Date.now,
  replicaLagTimeMaxMs: 30_000,
  minInsyncReplicas: () => 1,
  isReplicaIsrEligible: () => false,
  localBrokerEpoch: () => -1n,
  submitAlterPartition: () => Promise.reject(new KafkaError(ErrorCode.OPERATION_NOT_ATTEMPTED, 'no controller')),
  onHighWatermarkIncreased: () => {},
  logger: null,
}

/** An ISR change sent to the controller and not answered yet (Kafka's PendingExpandIsr / PendingShrinkIsr). */
interface PendingIsrChange {
  kind: 'expand' | 'shrink'
  /** The ISR proposed. */
  isr: number[]
  item: AlterPartitionItem
}

/** What applying a registration did to this replica's role. */
export interface RoleChange {
  /** The leader or the leader epoch changed. */
  changed: boolean
  /** This broker leads now, in a new leader epoch (fetching must stop). */
  becameLeader: boolean
  /** This broker follows now, in a new leader epoch or under a new leader (fetching must (re)start). */
  becameFollower: boolean
  /** The registration was older than what this replica knows (AlterPartition answered first): ignored. */
  stale: boolean
  /** As leader, the high watermark moved (the ISR shrank, say): what waits on it must look again. */
  highWatermarkIncreased: boolean
}

export interface PartitionReadRequest {
  fetchOffset: number
  currentLeaderEpoch: number
  lastFetchedEpoch: number
  maxBytes: number
  minOneMessage: boolean
  isolation: FetchIsolation
  /** Consumers (and followers, unless reading from a follower is allowed) must read from the leader. */
  fetchOnlyLeader: boolean
  /** Where the records are read into (see PartitionLog ReadOptions). */
  allocate?: (size: number) => Buffer
}

export interface PartitionReadResult {
  records: Buffer
  /** Whether maxBytes cut the first batch (Fetch v3+ then answers empty records). */
  firstEntryIncomplete: boolean
  divergingEpoch: {epoch: number; endOffset: number} | null
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  logEndOffset: number
}

const EMPTY = Buffer.alloc(0)

export class Partition {
  readonly topic: string
  readonly partition: number
  readonly name: string
  topicId: string
  leaderId = -1
  leaderEpoch = -1
  partitionEpoch = -1
  replicas: number[] = []
  /** The committed ISR (the controller's). */
  isr: number[] = []
  private currentLog: PartitionLog
  private futureLogValue: PartitionLog | null = null
  readonly producerState: ProducerStateManager
  /** As leader: what this broker knows of each follower, by broker id. */
  readonly remoteReplicas = new Map<number, ReplicaState>()
  /** As leader: where this broker's leader epoch began (followers must reach it to join the ISR). */
  private leaderEpochStartOffset: number | null = null
  /** As leader: an ISR change the controller has not answered yet. */
  private pendingIsr: PendingIsrChange | null = null
  private readonly ctx: ReplicationContext
  /**
   * Bytes appended since the partition was opened, up to the log end and up
   * to the high watermark: delayed fetches measure min.bytes with them.
   */
  private leoBytes = 0
  private hwBytesValue = 0
  /** [end offset, leoBytes] of appends not yet below the high watermark. */
  private readonly unreplicated: Array<[number, number]> = []

  constructor(
    readonly localBrokerId: number,
    log: PartitionLog,
    topicId: string,
    ctx: ReplicationContext = STANDALONE,
  ) {
    this.currentLog = log
    this.topic = log.topic
    this.partition = log.partition
    this.name = `${log.topic}-${log.partition}`
    this.topicId = topicId
    this.ctx = ctx
    this.producerState = new ProducerStateManager(this.name)
    this.rebuildProducerState()
  }

  /** The replica's log (the one appends and reads use). */
  get log(): PartitionLog {
    return this.currentLog
  }

  /** The copy being made in another log dir (Kafka's futureLog), if the replica is moving. */
  get futureLog(): PartitionLog | null {
    return this.futureLogValue
  }

  /** Attaches (or detaches, null) the future log of a move between log dirs. */
  setFutureLog(log: PartitionLog | null): void {
    if (log !== null && (log.topic !== this.topic || log.partition !== this.partition)) throw new Error(`${log.name} is not a log of ${this.name}`)
    this.futureLogValue = log
  }

  /**
   * Kafka's maybeReplaceCurrentWithFutureReplica, after LogManager.replaceCurrentWithFutureLog:
   * `log` (the former future log, at the same offsets) serves from now on. The producer state
   * stays: it describes offsets, which the copy kept.
   */
  replaceCurrentLog(log: PartitionLog): void {
    if (log.logEndOffset !== this.currentLog.logEndOffset) {
      throw new Error(`The new log of ${this.name} ends at ${log.logEndOffset}, the current one at ${this.currentLog.logEndOffset}`)
    }
    this.currentLog = log
    this.futureLogValue = null
  }

  get isLeader(): boolean {
    return this.leaderId === this.localBrokerId
  }

  get highWatermarkBytes(): number {
    return this.hwBytesValue
  }

  /** Bytes appended as leader up to the log end (follower fetches wait for them). */
  get logEndBytes(): number {
    return this.leoBytes
  }

  /** The ISR the high watermark counts: while an expansion is in flight, the proposed (larger) one. */
  get maximalIsr(): readonly number[] {
    return this.pendingIsr?.kind === 'expand' ? this.pendingIsr.isr : this.isr
  }

  /** Whether an ISR change is waiting for the controller. */
  get isrChangeInFlight(): boolean {
    return this.pendingIsr !== null
  }

  /** min.insync.replicas, capped by the replication factor, as Kafka's effectiveMinIsr. */
  effectiveMinIsr(minInsyncReplicas: number = this.ctx.minInsyncReplicas(this.topic)): number {
    return Math.min(minInsyncReplicas, Math.max(1, this.replicas.length))
  }

  /** Leader with an ISR smaller than min.insync.replicas: the high watermark stays where it is. */
  get isUnderMinIsr(): boolean {
    return this.isLeader && this.isr.length < this.effectiveMinIsr()
  }

  /**
   * Kafka rebuilds producer state from snapshots plus the tail of the log;
   * with no snapshot files it scans the batch headers of the last two
   * segments, which hold every producer's latest batches in practice.
   */
  rebuildProducerState(): void {
    const segments = this.log.logSegments()
    this.producerState.rebuildFromSegments(segments.slice(Math.max(0, segments.length - 2)), this.log.logStartOffset)
  }

  /**
   * Applies a registration from the controller (Kafka's makeLeader / makeFollower). A
   * registration older than the partition epoch this replica already has (an AlterPartition
   * answer arrived first) is ignored.
   */
  applyRegistration(reg: PartitionRegistration): RoleChange {
    if (reg.partitionEpoch < this.partitionEpoch) return {changed: false, becameLeader: false, becameFollower: false, stale: true, highWatermarkIncreased: false}
    const changed = reg.leader !== this.leaderId || reg.leaderEpoch !== this.leaderEpoch
    const wasLeader = this.isLeader
    const isNewLeaderEpoch = reg.leaderEpoch > this.leaderEpoch || reg.leader !== this.leaderId
    this.topicId = reg.topicId
    this.leaderId = reg.leader
    this.leaderEpoch = reg.leaderEpoch
    this.partitionEpoch = reg.partitionEpoch
    this.replicas = [...reg.replicas]
    this.isr = [...reg.isr]
    // The registration is the committed state: a change in flight is settled by it.
    this.pendingIsr = null
    if (reg.leader === this.localBrokerId) {
      for (const id of [...this.remoteReplicas.keys()]) if (!reg.replicas.includes(id)) this.remoteReplicas.delete(id)
      for (const id of reg.replicas) if (id !== this.localBrokerId && !this.remoteReplicas.has(id)) this.remoteReplicas.set(id, new ReplicaState(id))
      if (isNewLeaderEpoch) this.makeLeader(!wasLeader)
      const highWatermarkIncreased = this.maybeIncrementLeaderHW()
      return {changed, becameLeader: isNewLeaderEpoch, becameFollower: false, stale: false, highWatermarkIncreased}
    }
    this.remoteReplicas.clear()
    this.leaderEpochStartOffset = null
    return {changed, becameLeader: false, becameFollower: isNewLeaderEpoch && reg.leader >= 0, stale: false, highWatermarkIncreased: false}
  }

  /** Kafka's makeLeader for a new leader epoch: the epoch starts at the log end offset; followers start over. */
  private makeLeader(isNewLeader: boolean): void {
    const now = this.ctx.clock()
    const startOffset = this.log.logEndOffset
    // Followers of a later epoch must be able to find where this one began.
    this.log.leaderEpochCache.assign(this.leaderEpoch, startOffset)
    this.leaderEpochStartOffset = startOffset
    for (const r of this.remoteReplicas.values()) r.reset(now, startOffset, isNewLeader, this.isr.includes(r.brokerId))
    if (isNewLeader) {
      // Records between the high watermark and the log end count for delayed fetches once they commit.
      const pending = startOffset - this.log.highWatermark
      this.unreplicated.length = 0
      this.hwBytesValue = this.leoBytes
      if (pending > 0) {
        this.leoBytes += pending
        this.unreplicated.push([startOffset, this.leoBytes])
      }
    }
    this.ctx.logger?.info(
      `Leader ${this.name} with topic id ${this.topicId} starts at leader epoch ${this.leaderEpoch} from offset ${startOffset} with partition epoch ${this.partitionEpoch}, high watermark ${this.log.highWatermark}, ISR [${this.isr.join(',')}]`,
    )
  }

  /** Kafka's checkCurrentLeaderEpoch: -1 skips the check. */
  checkLeaderEpoch(currentLeaderEpoch: number): number {
    if (currentLeaderEpoch < 0) return ErrorCode.NONE
    if (this.leaderEpoch > currentLeaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH
    if (this.leaderEpoch < currentLeaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH
    return ErrorCode.NONE
  }

  /** The local log, after the epoch check and (when asked) the leadership check; throws KafkaError. */
  localLogOrThrow(currentLeaderEpoch: number, requireLeader: boolean): PartitionLog {
    const error = this.checkLeaderEpoch(currentLeaderEpoch)
    if (error !== ErrorCode.NONE) {
      throw new KafkaError(
        error,
        `Failed to find ${requireLeader ? 'leader ' : ''}log for partition ${this.name} with leader epoch ${currentLeaderEpoch}. The current leader is ${this.leaderId} and the current epoch ${this.leaderEpoch}`,
      )
    }
    if (requireLeader && !this.isLeader) {
      throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Leader not local for partition ${this.name} on broker ${this.localBrokerId}`)
    }
    return this.log
  }

  // ------------------------------------------------------------ append

  /**
   * Kafka's appendRecordsToLeader: the min.insync.replicas check for acks=-1,
   * the idempotence checks, the append, then the high watermark. Synchronous,
   * so appends to one partition keep their arrival order.
   */
  appendRecordsToLeader(records: Buffer, opts: {origin: AppendOrigin; requiredAcks: number; minInsyncReplicas: number; now?: number}): LeaderAppendResult {
    if (!this.isLeader) {
      throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Leader not local for partition ${this.name} on broker ${this.localBrokerId}`)
    }
    const minIsr = this.effectiveMinIsr(opts.minInsyncReplicas)
    if (opts.requiredAcks === -1 && this.isr.length < minIsr) {
      throw new KafkaError(
        ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR : ${this.isr.length} is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.name}, live replica(s) broker.id are : Set(${this.isr.join(', ')})`,
      )
    }
    const log = this.log
    const prepared = this.producerState.prepareAppend(records, {validateSequences: opts.origin === 'client'})
    if (prepared.duplicate !== null) return this.duplicateResult(prepared.duplicate)
    const r = log.append(records, {leaderEpoch: this.leaderEpoch, origin: opts.origin, now: opts.now})
    if (prepared.pending.length > 0) this.producerState.commit(prepared, r.baseOffset)
    this.leoBytes += r.validBytes
    this.unreplicated.push([r.lastOffset + 1, this.leoBytes])
    const highWatermarkIncreased = this.maybeIncrementLeaderHW()
    return {
      baseOffset: r.baseOffset,
      lastOffset: r.lastOffset,
      logAppendTime: r.logAppendTime,
      logStartOffset: r.logStartOffset,
      recordCount: r.recordCount,
      validBytes: r.validBytes,
      rolled: r.rolled,
      duplicate: false,
      highWatermarkIncreased,
    }
  }

  private duplicateResult(d: BatchMetadata): LeaderAppendResult {
    // Kafka answers a duplicate with the original offsets and the batch's timestamp as append time.
    return {
      baseOffset: d.firstOffset,
      lastOffset: d.lastOffset,
      logAppendTime: d.timestamp,
      logStartOffset: this.log.logStartOffset,
      recordCount: 0,
      validBytes: 0,
      rolled: false,
      duplicate: true,
      highWatermarkIncreased: false,
    }
  }

  /**
   * Kafka's maybeIncrementLeaderHW: the smallest log end offset among the
   * (maximal) ISR, and among followers caught up enough to be about to join
   * it; never while the ISR is below min.insync.replicas, never backwards.
   * Returns whether it moved.
   */
  maybeIncrementLeaderHW(): boolean {
    if (!this.isLeader || this.isUnderMinIsr) return false
    const leo = this.log.logEndOffset
    const maximal = this.maximalIsr
    const now = this.ctx.clock()
    let hw = leo
    for (const r of this.remoteReplicas.values()) {
      if (r.logEndOffset >= hw) continue
      if (maximal.includes(r.brokerId) || (r.isCaughtUp(leo, now, this.ctx.replicaLagTimeMaxMs) && this.ctx.isReplicaIsrEligible(r.brokerId, r.brokerEpoch))) {
        hw = r.logEndOffset
      }
    }
    if (hw < 0 || !this.log.maybeIncrementHighWatermark(hw)) return false
    this.advanceHwBytes()
    return true
  }

  private advanceHwBytes(): void {
    const hw = this.log.highWatermark
    while (this.unreplicated.length > 0 && this.unreplicated[0]![0] <= hw) this.hwBytesValue = this.unreplicated.shift()![1]
  }

  /**
   * Kafka's checkEnoughReplicasReachOffset for acks=-1: done once the high
   * watermark passed the records; NOT_ENOUGH_REPLICAS_AFTER_APPEND when the
   * ISR shrank below min.insync.replicas meanwhile; NOT_LEADER_OR_FOLLOWER
   * when this broker no longer leads.
   */
  checkEnoughReplicasReachOffset(requiredOffset: number): {done: boolean; errorCode: number} {
    if (!this.isLeader) return {done: false, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER}
    if (this.log.highWatermark < requiredOffset) return {done: false, errorCode: ErrorCode.NONE}
    return {done: true, errorCode: this.effectiveMinIsr() <= this.maximalIsr.length ? ErrorCode.NONE : ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND}
  }

  // ------------------------------------------------------------ followers' fetches (leader side)

  /**
   * Kafka's followerReplicaOrThrow: a fetching replica must be one of the
   * partition's replicas (UNKNOWN_LEADER_EPOCH when the request names an
   * epoch, so the follower retries; else NOT_LEADER_OR_FOLLOWER).
   */
  checkFollower(replicaId: number, currentLeaderEpoch: number): void {
    if (this.remoteReplicas.has(replicaId)) return
    throw new KafkaError(
      currentLeaderEpoch >= 0 ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.NOT_LEADER_OR_FOLLOWER,
      `Replica ${replicaId} is not recognized as a valid replica of ${this.name} in leader epoch ${this.leaderEpoch} with partition epoch ${this.partitionEpoch}`,
    )
  }

  /**
   * Kafka's updateFollowerFetchState: a follower fetched from `fetchOffset`
   * (it holds everything below), when the leader's log ended at
   * `leaderEndOffset`. It may join the ISR; the high watermark may move.
   * Returns whether the high watermark moved.
   */
  updateFollowerFetchState(replicaId: number, fetchOffset: number, logStartOffset: number, fetchTimeMs: number, leaderEndOffset: number, brokerEpoch: bigint): boolean {
    const r = this.remoteReplicas.get(replicaId)
    if (r === undefined || !this.isLeader) return false
    const previous = r.logEndOffset
    r.updateFetchState(fetchOffset, logStartOffset, fetchTimeMs, leaderEndOffset, brokerEpoch)
    this.maybeExpandIsr(r)
    return previous !== r.logEndOffset && this.maybeIncrementLeaderHW()
  }

  /**
   * Kafka's maybeExpandIsr: a follower outside the ISR that reached the high
   * watermark, and the start of this leader epoch, joins it (proposed to the
   * controller; the high watermark counts it at once).
   */
  private maybeExpandIsr(r: ReplicaState): void {
    if (this.pendingIsr !== null || this.isr.includes(r.brokerId)) return
    if (r.logEndOffset < this.log.highWatermark || this.leaderEpochStartOffset === null || r.logEndOffset < this.leaderEpochStartOffset) return
    if (!this.ctx.isReplicaIsrEligible(r.brokerId, r.brokerEpoch)) return
    this.ctx.logger?.info(`[Partition ${this.name} broker=${this.localBrokerId}] ISR expansion to add replica ${r.brokerId} (log end offset ${r.logEndOffset}, high watermark ${this.log.highWatermark})`)
    this.proposeIsr('expand', [...this.isr, r.brokerId])
  }

  /** ISR members (other than this leader) that are not caught up within replica.lag.time.max.ms. */
  outOfSyncReplicas(now: number = this.ctx.clock()): number[] {
    if (!this.isLeader || this.pendingIsr !== null) return []
    const leo = this.log.logEndOffset
    return this.isr.filter((id) => {
      if (id === this.localBrokerId) return false
      const r = this.remoteReplicas.get(id)
      return r === undefined || !r.isCaughtUp(leo, now, this.ctx.replicaLagTimeMaxMs)
    })
  }

  /** Kafka's maybeShrinkIsr (run every replica.lag.time.max.ms / 2): lagging followers leave the ISR. */
  maybeShrinkIsr(now: number = this.ctx.clock()): void {
    const out = this.outOfSyncReplicas(now)
    if (out.length === 0) return
    const newIsr = this.isr.filter((id) => !out.includes(id))
    const detail = out
      .map((id) => {
        const r = this.remoteReplicas.get(id)
        return `(brokerId: ${id}, endOffset: ${r?.logEndOffset ?? 'unknown'}, lastCaughtUpTimeMs: ${r?.lastCaughtUpTimeMs ?? 'unknown'})`
      })
      .join(' ')
    this.ctx.logger?.info(
      `[Partition ${this.name} broker=${this.localBrokerId}] Shrinking ISR from ${this.isr.join(',')} to ${newIsr.join(',')}. Leader: (highWatermark: ${this.log.highWatermark}, endOffset: ${this.log.logEndOffset}). Out of sync replicas: ${detail}.`,
    )
    this.proposeIsr('shrink', newIsr)
  }

  /** Sends an ISR change to the controller and settles it with the answer (Kafka's submitAlterPartition). */
  private proposeIsr(kind: 'expand' | 'shrink', isr: number[]): void {
    const item: AlterPartitionItem = {
      topic: this.topic,
      topicId: this.topicId,
      partition: this.partition,
      leaderEpoch: this.leaderEpoch,
      partitionEpoch: this.partitionEpoch,
      newIsr: isr.map((id) => ({brokerId: id, brokerEpoch: id === this.localBrokerId ? this.ctx.localBrokerEpoch() : (this.remoteReplicas.get(id)?.brokerEpoch ?? -1n)})),
      leaderRecoveryState: 0,
    }
    const pending: PendingIsrChange = {kind, isr, item}
    this.pendingIsr = pending
    // An expansion counts the new member at once: the high watermark only gets stricter.
    this.ctx.submitAlterPartition(item).then(
      (outcome) => this.onAlterPartitionAnswer(pending, outcome),
      (e: unknown) => this.onAlterPartitionAnswer(pending, {errorCode: e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR, leaderId: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1}),
    )
  }

  /** Kafka's handleAlterPartitionUpdate / handleAlterPartitionError. */
  private onAlterPartitionAnswer(pending: PendingIsrChange, outcome: AlterPartitionOutcome): void {
    // Metadata (or another change) settled the partition meanwhile: this answer is out of date.
    if (this.pendingIsr !== pending) return
    const log = this.ctx.logger
    if (outcome.errorCode !== ErrorCode.NONE) {
      switch (outcome.errorCode) {
        case ErrorCode.OPERATION_NOT_ATTEMPTED:
        case ErrorCode.INELIGIBLE_REPLICA:
          // The controller says the change was not applied: back to the committed state.
          this.pendingIsr = null
          log?.info(`[Partition ${this.name} broker=${this.localBrokerId}] Failed to alter partition to ISR [${pending.isr.join(',')}] since the controller rejected the request with ${errorName(outcome.errorCode)}. Partition state has been reset to the latest committed state ISR [${this.isr.join(',')}].`)
          return
        case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
        case ErrorCode.UNKNOWN_TOPIC_ID:
        case ErrorCode.FENCED_LEADER_EPOCH:
        case ErrorCode.INVALID_UPDATE_VERSION:
        case ErrorCode.INVALID_REQUEST:
        case ErrorCode.NEW_LEADER_ELECTED:
          // Out of sync with the controller: wait for the metadata to settle the partition.
          log?.debug(`[Partition ${this.name} broker=${this.localBrokerId}] Failed to alter partition to ISR [${pending.isr.join(',')}]: ${errorName(outcome.errorCode)}; awaiting the latest metadata.`)
          return
        default:
          log?.warn(`[Partition ${this.name} broker=${this.localBrokerId}] Failed to update ISR to [${pending.isr.join(',')}] due to unexpected ${errorName(outcome.errorCode)}. Retrying.`)
          this.pendingIsr = null
          this.proposeIsr(pending.kind, pending.isr)
          return
      }
    }
    if (outcome.leaderEpoch !== this.leaderEpoch || outcome.partitionEpoch < this.partitionEpoch) return
    this.pendingIsr = null
    this.isr = [...outcome.isr]
    this.partitionEpoch = outcome.partitionEpoch
    log?.info(`[Partition ${this.name} broker=${this.localBrokerId}] ISR updated to ${this.isr.join(',')}${this.isUnderMinIsr ? ' (under-min-isr)' : ''} and version updated to ${this.partitionEpoch}`)
    if (this.maybeIncrementLeaderHW()) this.ctx.onHighWatermarkIncreased(this)
  }

  // ------------------------------------------------------------ follower side

  /**
   * Appends what the leader sent (Kafka's appendRecordsToFollowerOrFutureReplica):
   * offsets and epochs as the leader wrote them, producer state kept up to
   * date so this replica can lead. `fetchLeaderEpoch` is the leader epoch the
   * fetch was made in. A first batch that starts below an empty log's start
   * (the leader deleted records mid-batch) restarts the log at that batch.
   */
  appendRecordsToFollower(records: Buffer, fetchLeaderEpoch: number): AppendResult {
    let r: AppendResult
    try {
      r = this.log.appendAsFollower(records, fetchLeaderEpoch)
    } catch (e) {
      const log = this.log
      if (!(e instanceof UnexpectedAppendOffsetError) || log.logEndOffset !== log.logStartOffset || e.firstOffset >= log.logEndOffset || e.lastOffset < log.logEndOffset) throw e
      this.ctx.logger?.info(
        `[Partition ${this.name} broker=${this.localBrokerId}] Unexpected offset in append to ${this.name}. First offset ${e.firstOffset} is less than log start offset ${log.logStartOffset}. Since this is the first record to be appended to the follower's log, will start the log from offset ${e.firstOffset}.`,
      )
      this.truncateFullyAndStartAt(e.firstOffset)
      r = this.log.appendAsFollower(records, fetchLeaderEpoch)
    }
    if (r.validBytes > 0) this.applyFollowerProducerState(records, r.validBytes)
    return r
  }

  private applyFollowerProducerState(records: Buffer, validBytes: number): void {
    let at = 0
    while (at + LOG_OVERHEAD <= validBytes) {
      const size = records.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
      if (readInt64(records, at + PRODUCER_ID_OFFSET) >= 0) this.producerState.applyBatch(readProducerBatchInfo(records, at), readInt64(records, at))
      at += size
    }
  }

  /** Follower truncation to `offset` (everything at and after it goes); producer state is rebuilt from the log. */
  truncateTo(offset: number): boolean {
    const truncated = this.log.truncateTo(offset)
    // The future log copies the current one: what the current log drops it drops too.
    const future = this.futureLogValue
    if (future !== null && future.logEndOffset > offset) future.truncateTo(offset)
    if (truncated) this.rebuildProducerState()
    return truncated
  }

  /** Drops the whole log and starts it at `offset` (the leader's log start passed this replica's end). */
  truncateFullyAndStartAt(offset: number): void {
    this.log.truncateFullyAndStartAt(offset)
    this.futureLogValue?.truncateFullyAndStartAt(offset)
    this.producerState.clear()
  }

  // ------------------------------------------------------------ read

  /**
   * Kafka's Partition.fetchRecords/readRecords for one partition: epoch and
   * leadership checks, divergence against lastFetchedEpoch, then the read.
   * Offsets/HW are captured before the read. Throws KafkaError.
   */
  read(req: PartitionReadRequest): PartitionReadResult {
    const log = this.localLogOrThrow(req.currentLeaderEpoch, req.fetchOnlyLeader)
    const highWatermark = log.highWatermark
    const logStartOffset = log.logStartOffset
    const logEndOffset = log.logEndOffset
    const lastStableOffset = log.lastStableOffset
    if (req.lastFetchedEpoch >= 0) {
      const end = log.endOffsetForEpoch(req.lastFetchedEpoch)
      if (end === null) {
        throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `Could not determine the end offset of the last fetched epoch ${req.lastFetchedEpoch} from the request`)
      }
      if (req.fetchOffset < logStartOffset) {
        throw new KafkaError(
          ErrorCode.OFFSET_OUT_OF_RANGE,
          `Received request for offset ${req.fetchOffset} for partition ${this.name}, but we only have log segments in the range ${logStartOffset} to ${logEndOffset}.`,
        )
      }
      if (end.leaderEpoch < req.lastFetchedEpoch || end.endOffset < req.fetchOffset) {
        return {records: EMPTY, firstEntryIncomplete: false, divergingEpoch: {epoch: end.leaderEpoch, endOffset: end.endOffset}, highWatermark, lastStableOffset, logStartOffset, logEndOffset}
      }
    }
    const r: ReadResult = log.read(req.fetchOffset, req.maxBytes, {isolation: req.isolation, minOneMessage: req.minOneMessage, allocate: req.allocate})
    return {records: r.records, firstEntryIncomplete: r.firstEntryIncomplete, divergingEpoch: null, highWatermark, lastStableOffset, logStartOffset, logEndOffset}
  }

  // ------------------------------------------------------------ offsets

  /**
   * Kafka's Partition.fetchOffsetForTimestamp. `isolation` is null for
   * replica and debug requests (bounded by the log end), else consumers see
   * up to the high watermark or last stable offset. Returns null when no
   * offset qualifies.
   */
  fetchOffsetForTimestamp(timestamp: number, isolation: 'read_uncommitted' | 'read_committed' | null, currentLeaderEpoch: number, fetchOnlyFromLeader: boolean): TimestampAndOffset | null {
    const log = this.localLogOrThrow(currentLeaderEpoch, fetchOnlyFromLeader)
    const lastFetchableOffset = isolation === 'read_committed' ? log.lastStableOffset : isolation === 'read_uncommitted' ? log.highWatermark : log.logEndOffset
    if (timestamp === ListOffsetsTimestamp.LATEST) return {timestamp: -1, offset: lastFetchableOffset, leaderEpoch: this.leaderEpoch}
    const found = log.fetchOffsetByTimestamp(timestamp)
    if (timestamp === ListOffsetsTimestamp.EARLIEST || timestamp === ListOffsetsTimestamp.EARLIEST_LOCAL) return found
    // Offsets the caller may not read yet are not revealed.
    if (found !== null && found.offset >= lastFetchableOffset) return null
    return found
  }

  /** Kafka's lastOffsetForLeaderEpoch; errors come back as codes. */
  lastOffsetForLeaderEpoch(currentLeaderEpoch: number, leaderEpoch: number, fetchOnlyFromLeader: boolean): {errorCode: number; leaderEpoch: number; endOffset: number} {
    let log: PartitionLog
    try {
      log = this.localLogOrThrow(currentLeaderEpoch, fetchOnlyFromLeader)
    } catch (e) {
      if (e instanceof KafkaError) return {errorCode: e.code, leaderEpoch: -1, endOffset: -1}
      throw e
    }
    const r = log.endOffsetForEpoch(leaderEpoch)
    return r === null ? {errorCode: ErrorCode.NONE, leaderEpoch: -1, endOffset: -1} : {errorCode: ErrorCode.NONE, leaderEpoch: r.leaderEpoch, endOffset: r.endOffset}
  }

  /** Kafka's deleteRecordsOnLeader: returns the new low watermark (log start offset). */
  deleteRecordsOnLeader(offset: number): number {
    if (!this.isLeader) {
      throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Leader not local for partition ${this.name} on broker ${this.localBrokerId}`)
    }
    return this.log.deleteRecordsBefore(offset)
  }
}
