// One partition replica hosted by this broker (Kafka's cluster.Partition):
// its registration (leader, leader epoch, replicas, ISR), its log, and the
// idempotent-producer state of that log. The leader appends and serves
// reads; the high watermark follows the ISR's log end offsets. With a single
// replica the ISR is this broker alone, so the high watermark moves to the
// log end offset after every append. Followers' fetch positions (issue 6)
// plug into updateFollowerFetchState, which also drives the high watermark.

import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {PartitionRegistration} from '../controller/metadata-delta.js'
import type {AppendOrigin, FetchIsolation, PartitionLog, ReadResult, TimestampAndOffset} from '../storage/partition-log.js'
import {ListOffsetsTimestamp} from '../storage/partition-log.js'
import {ProducerStateManager, type BatchMetadata} from '../storage/producer-state.js'

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

export interface ReplicaFetchState {
  logEndOffset: number
  logStartOffset: number
  lastFetchTimeMs: number
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
  isr: number[] = []
  readonly log: PartitionLog
  readonly producerState: ProducerStateManager
  /** Follower positions by broker id (replication fills these in). */
  readonly followers = new Map<number, ReplicaFetchState>()
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
  ) {
    this.log = log
    this.topic = log.topic
    this.partition = log.partition
    this.name = `${log.topic}-${log.partition}`
    this.topicId = topicId
    this.producerState = new ProducerStateManager(this.name)
    this.rebuildProducerState()
  }

  get isLeader(): boolean {
    return this.leaderId === this.localBrokerId
  }

  get highWatermarkBytes(): number {
    return this.hwBytesValue
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

  /** Applies a registration from the controller. Returns whether leadership or the leader epoch changed. */
  applyRegistration(reg: PartitionRegistration): boolean {
    const changed = reg.leader !== this.leaderId || reg.leaderEpoch !== this.leaderEpoch
    const becomesLeader = reg.leader === this.localBrokerId && (!this.isLeader || reg.leaderEpoch !== this.leaderEpoch)
    this.topicId = reg.topicId
    this.leaderId = reg.leader
    this.leaderEpoch = reg.leaderEpoch
    this.partitionEpoch = reg.partitionEpoch
    this.replicas = [...reg.replicas]
    this.isr = [...reg.isr]
    for (const id of [...this.followers.keys()]) if (!reg.replicas.includes(id)) this.followers.delete(id)
    if (becomesLeader) {
      // Kafka's makeLeader: the new epoch starts at the log end offset.
      this.log.leaderEpochCache.assign(reg.leaderEpoch, this.log.logEndOffset)
      this.maybeIncrementLeaderHW()
    }
    return changed
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
    if (opts.requiredAcks === -1 && this.isr.length < opts.minInsyncReplicas) {
      throw new KafkaError(
        ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR [${this.isr.join(', ')}] is insufficient to satisfy the min.isr requirement of ${opts.minInsyncReplicas} for partition ${this.name}`,
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
   * The high watermark is the smallest log end offset among the ISR (Kafka's
   * maybeIncrementLeaderHW); it never moves backwards. Returns whether it moved.
   */
  maybeIncrementLeaderHW(): boolean {
    if (!this.isLeader) return false
    let hw = this.log.logEndOffset
    for (const id of this.isr) {
      if (id === this.localBrokerId) continue
      const f = this.followers.get(id)
      hw = Math.min(hw, f ? f.logEndOffset : this.log.highWatermark)
    }
    if (!this.log.maybeIncrementHighWatermark(hw)) return false
    this.advanceHwBytes()
    return true
  }

  private advanceHwBytes(): void {
    const hw = this.log.highWatermark
    while (this.unreplicated.length > 0 && this.unreplicated[0]![0] <= hw) this.hwBytesValue = this.unreplicated.shift()![1]
  }

  /** A follower fetched up to `logEndOffset` (replication calls this); returns whether the high watermark moved. */
  updateFollowerFetchState(replicaId: number, state: ReplicaFetchState): boolean {
    this.followers.set(replicaId, state)
    return this.maybeIncrementLeaderHW()
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
    const r: ReadResult = log.read(req.fetchOffset, req.maxBytes, {isolation: req.isolation, minOneMessage: req.minOneMessage})
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
