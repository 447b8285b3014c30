// The group coordinator: consumer groups and committed offsets, kept in the internal topic
// __consumer_offsets as Kafka keeps them. Each group belongs to one partition of that topic
// (partitioner.ts); this broker coordinates the groups of the partitions it leads. Leading a
// partition means loading it: its records are replayed, from the log start, into groups and
// offsets; losing it (or stopping) unloads it and answers parked requests NOT_COORDINATOR.
//
// It runs on the broker's event loop, which owns all of this state: handlers call in, changes
// are made in memory and written as records to the group's partition, and the answer goes out
// once the write is committed. Timers (sessions, rebalances, offset retention) are unref'd.
//
// The two membership protocols live in classic-manager.ts (JoinGroup/SyncGroup/Heartbeat/
// LeaveGroup) and consumer-manager.ts (ConsumerGroupHeartbeat, KIP-848); offsets, listing,
// describing and deleting are here.

import type {BrokerState} from '../broker/broker-state.js'
import type {Logger} from '../broker/logger.js'
import type {BrokerConfig} from '../config/broker-config.js'
import type {MetadataDelta, MetadataListener} from '../controller/metadata-delta.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {decodeRecordBatch, encodeRecordBatch, iterateBatches, parseControlRecord} from '../protocol/record-batch.js'
import {ClassicGroup, ClassicMember, type JoinResult} from './classic-group.js'
import {ClassicGroupManager, type ClientInfo, type JoinRequest, type MemberIdentity, type SyncRequest} from './classic-manager.js'
import {ConsumerGroup} from './consumer-group.js'
import {consumerGroupTombstones, ConsumerGroupManager, type ConsumerHeartbeatRequest, type ConsumerHeartbeatResult} from './consumer-manager.js'
import {DEFAULT_SERVER_ASSIGNOR} from './assignors.js'
import {isOffsetExpired, offsetFromRecord, offsetToRecordValue, OffsetStore, type OffsetAndMetadata} from './offsets.js'
import {GROUP_METADATA_TOPIC_NAME, partitionForGroup} from './partitioner.js'
import {decodeRecord, encodeRecordKey, encodeRecordValue, type CoordinatorRecord} from './records.js'
import {groupCoordinatorConfig, type Group, type GroupCoordinatorConfig, type GroupRuntime} from './runtime.js'
import {CoordinatorTimer} from './timer.js'

/** Where the coordinator reads and writes its partitions of __consumer_offsets. */
export interface CoordinatorLog {
  /**
   * Appends records (one v2 batch) to the partition as its leader; resolves once they are
   * committed. Rejects with a KafkaError (NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, ...).
   */
  append(partition: number, batch: Buffer): Promise<void>
  /** Raw batches from `offset` (up to about maxBytes, at least one batch), or null when the partition has no log here. */
  read(partition: number, offset: number, maxBytes: number): {records: Buffer; logStartOffset: number; logEndOffset: number} | null
}

export interface GroupCoordinatorOptions {
  config: BrokerConfig
  state: BrokerState
  logger: Logger
  /** The partitions' storage; without it every group request gets COORDINATOR_NOT_AVAILABLE. */
  log?: CoordinatorLog | null
  /**
   * Creates __consumer_offsets (offsets.topic.num.partitions partitions, compacted) when a client
   * first looks for a coordinator; the controller's internal-topic creation.
   */
  createOffsetsTopic?: (() => void | Promise<void>) | null
  clock?: () => number
}

export const INVALID_OFFSET = -1n

export interface OffsetCommitInput {
  groupId: string
  generationIdOrMemberEpoch: number
  memberId: string
  groupInstanceId: string | null
  /** -1 for the broker's retention (OffsetCommit v2-4 may set one). */
  retentionTimeMs: bigint
  topics: Array<{name: string; partitions: Array<{partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null}>}>
}

export type PartitionResults = Array<{name: string; partitions: Array<{partitionIndex: number; errorCode: number}>}>

export interface FetchedOffsets {
  errorCode: number
  topics: Array<{
    name: string
    partitions: Array<{partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null; errorCode: number}>
  }>
}

export interface ListedGroupInfo {
  groupId: string
  protocolType: string
  groupState: string
  groupType: string
}

export interface DescribedClassicGroup {
  errorCode: number
  groupId: string
  groupState: string
  protocolType: string
  protocolData: string
  members: Array<{memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer}>
}

export class GroupCoordinator implements MetadataListener {
  readonly config: GroupCoordinatorConfig
  readonly classic: ClassicGroupManager
  readonly consumer: ConsumerGroupManager
  private readonly state: BrokerState
  private readonly log: Logger
  private readonly clock: () => number
  private readonly timer: CoordinatorTimer
  private storage: CoordinatorLog | null
  private createOffsetsTopic: (() => void | Promise<void>) | null
  /** The creation of __consumer_offsets under way, if any. */
  private creatingTopic: Promise<void> | null = null
  private readonly groups = new Map<string, Group>()
  private readonly offsets = new OffsetStore()
  /** Transactional offset commits awaiting their marker, by producer id. */
  private readonly pendingTxnOffsets = new Map<bigint, Array<{group: string; topic: string; partition: number; value: OffsetAndMetadata}>>()
  private readonly loaded = new Set<number>()
  private readonly writeChains = new Map<number, Promise<void>>()
  private active = true

  constructor(opts: GroupCoordinatorOptions) {
    this.config = groupCoordinatorConfig(opts.config)
    this.state = opts.state
    this.log = opts.logger.child(`[GroupCoordinator id=${opts.state.nodeId}] `, 'org.apache.kafka.coordinator.group.GroupCoordinatorService')
    this.clock = opts.clock ?? Date.now
    this.timer = new CoordinatorTimer(this.log)
    this.storage = opts.log ?? null
    this.createOffsetsTopic = opts.createOffsetsTopic ?? null
    const runtime: GroupRuntime = {
      config: this.config,
      timer: this.timer,
      log: this.log,
      topics: this.state,
      now: () => this.clock(),
      group: (id) => this.groups.get(id),
      putGroup: (g) => this.groups.set(g.groupId, g),
      write: (groupId, records, replay) => this.write(groupId, records, replay),
    }
    this.classic = new ClassicGroupManager(runtime)
    this.consumer = new ConsumerGroupManager(runtime)
    this.scheduleRetentionCheck()
  }

  /** Installs storage and topic creation once the broker has them (they may come after construction). */
  attach(opts: {log?: CoordinatorLog | null; createOffsetsTopic?: (() => void | Promise<void>) | null}): void {
    if (opts.log !== undefined) this.storage = opts.log
    if (opts.createOffsetsTopic !== undefined) this.createOffsetsTopic = opts.createOffsetsTopic
  }

  partitionFor(groupId: string): number {
    const t = this.state.topic(GROUP_METADATA_TOPIC_NAME)
    // Kafka uses the topic's real partition count once it exists, the config until then.
    const n = t && t.partitions.length > 0 ? t.partitions.length : this.config.numPartitions
    return partitionForGroup(groupId, n)
  }

  // ---------------------------------------------------------------- coordinator lookup

  /**
   * The node that coordinates a group (FindCoordinator): the leader of the group's partition.
   * When the topic does not exist yet it is created and COORDINATOR_NOT_AVAILABLE is the answer
   * until the partition has a live leader, as in Kafka.
   */
  coordinatorNodeFor(groupId: string): {errorCode: number; nodeId: number} {
    let topic = this.state.topic(GROUP_METADATA_TOPIC_NAME)
    if (!topic) {
      if (this.createOffsetsTopic === null) return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1}
      const warn = (e: unknown) => this.log.warn(`Could not create ${GROUP_METADATA_TOPIC_NAME}: ${e instanceof Error ? e.message : String(e)}`)
      if (this.creatingTopic === null) {
        try {
          const pending = this.createOffsetsTopic()
          if (pending instanceof Promise) {
            this.creatingTopic = pending.catch(warn).finally(() => (this.creatingTopic = null))
          }
        } catch (e) {
          warn(e)
          return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1}
        }
      }
      topic = this.state.topic(GROUP_METADATA_TOPIC_NAME)
      if (!topic) return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1}
    }
    const p = topic.partitions[this.partitionFor(groupId)]
    const alive = new Set(this.state.aliveBrokers().map((b) => b.nodeId))
    if (!p || p.leaderId < 0 || !alive.has(p.leaderId)) return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1}
    return {errorCode: ErrorCode.NONE, nodeId: p.leaderId}
  }

  /**
   * Throws unless this broker coordinates the group now: NOT_COORDINATOR when another broker
   * leads its partition, COORDINATOR_NOT_AVAILABLE without storage. A partition this broker
   * leads but has not loaded yet is loaded on the spot.
   */
  private ensureActive(groupId: string): void {
    if (!this.active || this.storage === null) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const p = this.partitionFor(groupId)
    if (this.loaded.has(p)) return
    const topic = this.state.topic(GROUP_METADATA_TOPIC_NAME)
    const leader = topic?.partitions[p]?.leaderId
    if (leader === this.state.nodeId) {
      this.loadPartition(p)
      if (this.loaded.has(p)) return
      throw new KafkaError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    }
    throw new KafkaError(topic ? ErrorCode.NOT_COORDINATOR : ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }

  /** Whether this broker coordinates the group now (for handlers that answer per group). */
  isCoordinatorFor(groupId: string): number {
    try {
      this.ensureActive(groupId)
      return ErrorCode.NONE
    } catch (e) {
      if (e instanceof KafkaError) return e.code
      throw e
    }
  }

  // ---------------------------------------------------------------- metadata

  applyMetadataDelta(delta: MetadataDelta): void {
    for (const p of delta.changedPartitions) {
      if (p.topic !== GROUP_METADATA_TOPIC_NAME) continue
      if (p.leader === this.state.nodeId) {
        if (!this.loaded.has(p.partition) && this.storage !== null && this.active) this.loadPartition(p.partition)
      } else if (this.loaded.has(p.partition)) {
        this.unloadPartition(p.partition)
      }
    }
    for (const t of delta.deletedTopics) {
      if (t.name === GROUP_METADATA_TOPIC_NAME) {
        for (const p of [...this.loaded]) this.unloadPartition(p)
        continue
      }
      this.deleteOffsetsOfTopic(t.name)
    }
  }

  private deleteOffsetsOfTopic(topic: string): void {
    const byGroup = new Map<string, number[]>()
    for (const {group, partition} of this.offsets.offsetsOfTopic(topic)) {
      if (!this.loaded.has(this.partitionFor(group))) continue
      const list = byGroup.get(group) ?? []
      list.push(partition)
      byGroup.set(group, list)
    }
    for (const [group, partitions] of byGroup) {
      const records: CoordinatorRecord[] = partitions.map((partition) => ({type: 'OffsetCommit', group, topic, partition, value: null}))
      this.write(group, records, true).catch((e: unknown) => this.log.warn(`Could not delete offsets of deleted topic ${topic} for group ${group}: ${String(e)}`))
    }
  }

  // ---------------------------------------------------------------- load / unload

  /** Replays a partition of __consumer_offsets into groups and offsets. */
  loadPartition(partition: number): void {
    if (this.loaded.has(partition) || this.storage === null) return
    const start = this.clock()
    let offset = -1
    let records = 0
    try {
      for (;;) {
        const r = this.storage.read(partition, offset < 0 ? 0 : offset, this.config.offsetsLoadBufferSize)
        if (r === null) break
        if (offset < 0) offset = r.logStartOffset
        if (r.records.length === 0 || offset >= r.logEndOffset) break
        let progressed = false
        for (const entry of iterateBatches(r.records)) {
          const h = entry.header
          if (h.lastOffset < BigInt(offset)) continue
          progressed = true
          const batch = decodeRecordBatch(entry.bytes)
          if (h.isControl) {
            for (const rec of batch.records) this.replayTxnMarker(h.producerId, parseControlRecord(rec).type)
          } else {
            for (const rec of batch.records) {
              if (rec.key === null) continue
              records++
              let decoded: CoordinatorRecord
              try {
                decoded = decodeRecord(rec.key, rec.value)
              } catch (e) {
                throw new Error(`Deserializing record at offset ${rec.offset} of ${GROUP_METADATA_TOPIC_NAME}-${partition} failed: ${(e as Error).message}`)
              }
              this.replay(decoded, Number(rec.offset), h.isTransactional ? h.producerId : -1n)
            }
          }
          offset = Number(h.lastOffset) + 1
        }
        if (!progressed) break
      }
    } catch (e) {
      this.log.error(`Failed to load ${GROUP_METADATA_TOPIC_NAME}-${partition}: ${e instanceof Error ? e.message : String(e)}`)
    }
    this.loaded.add(partition)
    let groups = 0
    for (const g of this.groups.values()) {
      if (this.partitionFor(g.groupId) !== partition) continue
      groups++
      if (g.type === 'classic') this.classic.onLoaded(g)
      else this.consumer.onLoaded(g)
    }
    this.log.info(`Finished loading of metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition} in ${this.clock() - start} ms: ${records} records, ${groups} groups.`)
  }

  unloadPartition(partition: number): void {
    if (!this.loaded.delete(partition)) return
    for (const g of [...this.groups.values()]) {
      if (this.partitionFor(g.groupId) !== partition) continue
      this.dropGroupState(g)
      this.offsets.deleteGroup(g.groupId)
    }
    for (const group of this.offsets.groups()) if (this.partitionFor(group) === partition) this.offsets.deleteGroup(group)
    this.log.info(`Unloaded ${GROUP_METADATA_TOPIC_NAME}-${partition}.`)
  }

  private dropGroupState(g: Group): void {
    if (g.type === 'classic') {
      if (!g.is('Dead')) this.classic.onUnloaded(g)
    } else {
      this.consumer.cancelGroupTimers(g.groupId)
    }
    this.groups.delete(g.groupId)
  }

  /** Stops: every parked request is answered NOT_COORDINATOR, timers stop. */
  shutdown(): void {
    if (!this.active) return
    this.active = false
    for (const p of [...this.loaded]) this.unloadPartition(p)
    this.timer.close()
  }

  // ---------------------------------------------------------------- replay and writes

  private replay(record: CoordinatorRecord, recordOffset: number, producerId: bigint): void {
    switch (record.type) {
      case 'OffsetCommit': {
        if (record.value === null) {
          this.offsets.remove(record.group, record.topic, record.partition)
          for (const pending of this.pendingTxnOffsets.values()) {
            for (let i = pending.length - 1; i >= 0; i--) {
              const o = pending[i]!
              if (o.group === record.group && o.topic === record.topic && o.partition === record.partition) pending.splice(i, 1)
            }
          }
          return
        }
        // Offsets committed without membership make a "simple" group (an empty classic group).
        if (!this.groups.has(record.group)) this.groups.set(record.group, new ClassicGroup(record.group, {now: this.clock()}))
        const value = offsetFromRecord(record.value, recordOffset)
        if (producerId >= 0n) {
          const list = this.pendingTxnOffsets.get(producerId) ?? []
          list.push({group: record.group, topic: record.topic, partition: record.partition, value})
          this.pendingTxnOffsets.set(producerId, list)
        } else {
          this.offsets.put(record.group, record.topic, record.partition, value)
        }
        return
      }
      case 'GroupMetadata': {
        const existing = this.groups.get(record.group)
        if (record.value === null) {
          if (existing && existing.type === 'classic') this.dropGroupState(existing)
          return
        }
        const v = record.value
        const group = new ClassicGroup(record.group, {
          state: v.members.length === 0 ? 'Empty' : 'Stable',
          generationId: v.generation,
          protocolType: v.protocolType === '' ? null : v.protocolType,
          protocolName: v.protocol,
          leaderId: v.leader,
          currentStateTimestamp: v.currentStateTimestamp === -1n ? null : Number(v.currentStateTimestamp),
          now: this.clock(),
        })
        for (const m of v.members) {
          const member = new ClassicMember(
            m.memberId,
            m.groupInstanceId,
            m.clientId,
            m.clientHost,
            m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
            m.sessionTimeout,
            v.protocolType,
            [{name: v.protocol ?? '', metadata: m.subscription}],
            m.assignment,
          )
          group.add(member)
        }
        group.leaderId = v.leader
        group.subscribedTopics = group.computeSubscribedTopics()
        if (existing && existing.type === 'consumer') this.consumer.cancelGroupTimers(existing.groupId)
        this.groups.set(record.group, group)
        return
      }
      case 'Ignored':
        return
      default: {
        const groupId = record.groupId
        let g = this.groups.get(groupId)
        if (!g || g.type !== 'consumer') {
          if (record.value === null && record.type === 'ConsumerGroupMetadata') return
          g = new ConsumerGroup(groupId, this.clock())
          this.groups.set(groupId, g)
        }
        if (!g.replay(record, this.clock())) {
          this.consumer.cancelGroupTimers(groupId)
          this.groups.delete(groupId)
        }
      }
    }
  }

  private replayTxnMarker(producerId: bigint, controlType: number): void {
    const pending = this.pendingTxnOffsets.get(producerId)
    if (!pending) return
    this.pendingTxnOffsets.delete(producerId)
    if (controlType !== 1) return // ABORT drops them; COMMIT (1) materializes them.
    for (const o of pending) {
      const existing = this.offsets.get(o.group, o.topic, o.partition)
      if (!existing || o.value.recordOffset > existing.recordOffset) this.offsets.put(o.group, o.topic, o.partition, o.value)
    }
  }

  private hasPendingTxnOffset(group: string, topic: string, partition: number): boolean {
    for (const list of this.pendingTxnOffsets.values()) if (list.some((o) => o.group === group && o.topic === topic && o.partition === partition)) return true
    return false
  }

  /**
   * Writes records to the group's partition: replays them first when asked (state changes
   * become visible at once), then appends them in order after the partition's earlier writes.
   */
  private write(groupId: string, records: CoordinatorRecord[], replay: boolean): Promise<void> {
    if (records.length === 0) return Promise.resolve()
    const partition = this.partitionFor(groupId)
    const storage = this.storage
    if (!this.active || storage === null || !this.loaded.has(partition)) return Promise.reject(new KafkaError(ErrorCode.NOT_COORDINATOR))
    if (replay) for (const r of records) this.replay(r, -1, -1n)
    const now = BigInt(this.clock())
    const batch = encodeRecordBatch({
      compression: this.config.compressionCodec,
      records: records.map((r) => ({key: encodeRecordKey(r as Exclude<CoordinatorRecord, {type: 'Ignored'}>), value: encodeRecordValue(r as Exclude<CoordinatorRecord, {type: 'Ignored'}>), timestamp: now})),
    })
    const previous = this.writeChains.get(partition) ?? Promise.resolve()
    const next = previous.catch(() => undefined).then(() => storage.append(partition, batch))
    const tail = next.catch(() => undefined)
    this.writeChains.set(partition, tail)
    void tail.then(() => {
      if (this.writeChains.get(partition) === tail) this.writeChains.delete(partition)
    })
    return next
  }

  // ---------------------------------------------------------------- classic protocol

  joinGroup(req: JoinRequest, client: ClientInfo): Promise<JoinResult> {
    this.ensureActive(req.groupId)
    return this.classic.join(req, client)
  }

  syncGroup(req: SyncRequest): ReturnType<ClassicGroupManager['sync']> {
    this.ensureActive(req.groupId)
    return this.classic.sync(req)
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    try {
      this.ensureActive(groupId)
    } catch (e) {
      // A group still loading is answered as alive, as Kafka does.
      if (e instanceof KafkaError && e.code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return ErrorCode.NONE
      throw e
    }
    const g = this.groups.get(groupId)
    if (g && g.type === 'consumer') return ErrorCode.UNKNOWN_MEMBER_ID
    return this.classic.heartbeat(groupId, memberId, groupInstanceId, generationId)
  }

  leaveGroup(groupId: string, members: readonly MemberIdentity[]): ReturnType<ClassicGroupManager['leave']> {
    this.ensureActive(groupId)
    const g = this.groups.get(groupId)
    if (g && g.type === 'consumer') {
      return {errorCode: ErrorCode.NONE, members: members.map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID}))}
    }
    return this.classic.leave(groupId, members)
  }

  // ---------------------------------------------------------------- consumer protocol

  consumerGroupHeartbeat(req: ConsumerHeartbeatRequest, clientId: string, clientHost: string): Promise<ConsumerHeartbeatResult> {
    if (!this.config.rebalanceProtocols.includes('consumer')) {
      throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, 'The new group coordinator does not support the consumer group protocol.')
    }
    this.ensureActive(req.groupId)
    return this.consumer.heartbeat(req, clientId, clientHost)
  }

  // ---------------------------------------------------------------- offsets

  /** OffsetCommit for one group; a group-level failure throws a KafkaError (every partition gets it). */
  async commitOffsets(req: OffsetCommitInput, apiVersion: number): Promise<PartitionResults> {
    this.ensureActive(req.groupId)
    const group = this.validateOffsetCommit(req, apiVersion)
    if (group.type === 'classic' && (group.is('Stable') || group.is('PreparingRebalance'))) this.classic.touchMember(group, req.memberId)
    const now = this.clock()
    const expireTimestampMs = req.retentionTimeMs === -1n ? null : now + Number(req.retentionTimeMs)
    const records: CoordinatorRecord[] = []
    const results: PartitionResults = []
    for (const t of req.topics) {
      const partitions: Array<{partitionIndex: number; errorCode: number}> = []
      results.push({name: t.name, partitions})
      for (const p of t.partitions) {
        if (p.committedMetadata !== null && p.committedMetadata.length > this.config.offsetMetadataMaxBytes) {
          partitions.push({partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE})
          continue
        }
        partitions.push({partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE})
        records.push({
          type: 'OffsetCommit',
          group: req.groupId,
          topic: t.name,
          partition: p.partitionIndex,
          value: offsetToRecordValue({
            committedOffset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata ?? '',
            commitTimestampMs: now,
            expireTimestampMs,
            recordOffset: -1,
          }),
        })
      }
    }
    await this.write(req.groupId, records, true)
    return results
  }

  private validateOffsetCommit(req: OffsetCommitInput, apiVersion: number): Group {
    let group = this.groups.get(req.groupId)
    if (!group) {
      if (req.generationIdOrMemberEpoch < 0) {
        this.log.info(`[GroupId ${req.groupId}] Creating a simple consumer group via manual offset commit.`)
        group = new ClassicGroup(req.groupId, {now: this.clock()})
        this.groups.set(req.groupId, group)
        return group
      }
      throw new KafkaError(apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION)
    }
    if (group.type === 'consumer') {
      this.consumer.validateOffsetCommit(group, req.memberId, req.generationIdOrMemberEpoch, apiVersion)
      return group
    }
    if (group.is('Dead')) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const generation = req.generationIdOrMemberEpoch
    if (generation < 0 && group.is('Empty')) return group
    if (generation >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const invalid = group.validateMember(req.memberId, req.groupInstanceId)
      if (invalid !== null) throw new KafkaError(ErrorCode[invalid])
      if (generation !== group.generationId) throw new KafkaError(ErrorCode.ILLEGAL_GENERATION)
    } else if (!group.is('Empty')) {
      throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID)
    }
    if (group.is('CompletingRebalance')) throw new KafkaError(ErrorCode.REBALANCE_IN_PROGRESS)
    return group
  }

  /**
   * OffsetFetch for one group: the named partitions (unknown ones at -1), or with `topics` null
   * every committed offset. Member checks apply to consumer-protocol groups.
   */
  fetchOffsets(
    groupId: string,
    topics: ReadonlyArray<{name: string; partitionIndexes: readonly number[]}> | null,
    memberId: string | null,
    memberEpoch: number,
    requireStable: boolean,
  ): FetchedOffsets {
    this.ensureActive(groupId)
    const group = this.groups.get(groupId)
    let known = group !== undefined
    if (group && group.type === 'consumer') this.consumer.validateOffsetFetch(group, memberId, memberEpoch)
    if (group && group.type === 'classic' && group.is('Dead')) known = false
    const entry = (partitionIndex: number, o: OffsetAndMetadata | undefined, unstable: boolean) =>
      unstable
        ? {partitionIndex, committedOffset: INVALID_OFFSET, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT}
        : o === undefined
          ? {partitionIndex, committedOffset: INVALID_OFFSET, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE}
          : {partitionIndex, committedOffset: o.committedOffset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE}
    if (topics !== null) {
      return {
        errorCode: ErrorCode.NONE,
        topics: topics.map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((p) =>
            entry(p, known ? this.offsets.get(groupId, t.name, p) : undefined, requireStable && this.hasPendingTxnOffset(groupId, t.name, p)),
          ),
        })),
      }
    }
    const all = known ? this.offsets.groupOffsets(groupId) : undefined
    return {
      errorCode: ErrorCode.NONE,
      topics: [...(all ?? new Map())].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([p, o]) => entry(p, o, requireStable && this.hasPendingTxnOffset(groupId, name, p))),
      })),
    }
  }

  /** OffsetDelete: a group-level failure throws; subscribed topics get GROUP_SUBSCRIBED_TO_TOPIC. */
  async deleteOffsets(groupId: string, topics: ReadonlyArray<{name: string; partitions: readonly number[]}>): Promise<PartitionResults> {
    this.ensureActive(groupId)
    const group = this.groups.get(groupId)
    if (!group) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`)
    if (group.type === 'classic') {
      if (group.is('Dead')) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is in dead state.`)
      if (!group.is('Empty') && !group.usesConsumerProtocol) throw new KafkaError(ErrorCode.NON_EMPTY_GROUP)
    }
    const records: CoordinatorRecord[] = []
    const results: PartitionResults = []
    for (const t of topics) {
      const subscribed = group.isSubscribedToTopic(t.name)
      results.push({
        name: t.name,
        partitions: t.partitions.map((p) => ({partitionIndex: p, errorCode: subscribed ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE})),
      })
      if (subscribed) continue
      for (const p of t.partitions) {
        if (this.offsets.get(groupId, t.name, p) !== undefined || this.hasPendingTxnOffset(groupId, t.name, p)) {
          records.push({type: 'OffsetCommit', group: groupId, topic: t.name, partition: p, value: null})
        }
      }
    }
    await this.write(groupId, records, true)
    return results
  }

  // ---------------------------------------------------------------- admin

  /** ListGroups over every loaded partition; filters are case-insensitive, as Kafka's. */
  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroupInfo[] {
    if (!this.active || this.storage === null) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const states = new Set(statesFilter.map((s) => s.trim().toLowerCase()))
    const types = new Set(typesFilter.map((s) => s.trim().toLowerCase()))
    const out: ListedGroupInfo[] = []
    for (const g of this.groups.values()) {
      if (!this.loaded.has(this.partitionFor(g.groupId))) continue
      const state = g.state
      if (states.size > 0 && !states.has(state.toLowerCase())) continue
      if (types.size > 0 && !types.has(g.type)) continue
      out.push({
        groupId: g.groupId,
        protocolType: g.type === 'classic' ? (g.protocolType ?? '') : 'consumer',
        groupState: state,
        groupType: g.type,
      })
    }
    return out
  }

  describeGroup(groupId: string): DescribedClassicGroup {
    const dead: DescribedClassicGroup = {errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: []}
    const code = this.isCoordinatorFor(groupId)
    if (code !== ErrorCode.NONE) return {...dead, errorCode: code}
    const g = this.groups.get(groupId)
    // Groups of the consumer protocol are described by ConsumerGroupDescribe; here (v0-5) they read as Dead.
    if (!g || g.type !== 'classic') return dead
    const stable = g.is('Stable')
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: g.state,
      protocolType: g.protocolType ?? '',
      protocolData: stable ? (g.protocolName ?? '') : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadata(g.protocolName) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    }
  }

  /** ConsumerGroupDescribe of one group; throws GROUP_ID_NOT_FOUND for anything but a consumer-protocol group. */
  describeConsumerGroup(groupId: string): {
    groupId: string
    groupState: string
    groupEpoch: number
    assignmentEpoch: number
    assignorName: string
    members: Array<{
      memberId: string
      instanceId: string | null
      rackId: string | null
      memberEpoch: number
      clientId: string
      clientHost: string
      subscribedTopicNames: string[]
      subscribedTopicRegex: string | null
      assignment: Array<{topicId: string; topicName: string; partitions: number[]}>
      targetAssignment: Array<{topicId: string; topicName: string; partitions: number[]}>
    }>
  } {
    this.ensureActive(groupId)
    const g = this.groups.get(groupId)
    if (!g) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`)
    if (g.type !== 'consumer') throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`)
    const named = (a: Map<string, Set<number>>) =>
      [...a]
        .filter(([, ps]) => ps.size > 0)
        .map(([topicId, ps]) => ({topicId, topicName: this.state.topicById(topicId)?.name ?? '', partitions: [...ps].sort((x, y) => x - y)}))
    return {
      groupId,
      groupState: g.state,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignorName: g.preferredServerAssignor() ?? DEFAULT_SERVER_ASSIGNOR,
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: named(m.assignedPartitions),
        targetAssignment: named(g.targetAssignment.get(m.memberId) ?? new Map()),
      })),
    }
  }

  /** DeleteGroups of one group: only empty groups go; their offsets go with them. */
  async deleteGroup(groupId: string): Promise<number> {
    const code = this.isCoordinatorFor(groupId)
    if (code !== ErrorCode.NONE) return code
    const g = this.groups.get(groupId)
    if (!g) return ErrorCode.GROUP_ID_NOT_FOUND
    if (g.type === 'classic') {
      if (g.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND
      if (!g.is('Empty')) return ErrorCode.NON_EMPTY_GROUP
    } else if (!g.isEmpty) return ErrorCode.NON_EMPTY_GROUP
    const records = this.offsetTombstones(groupId)
    records.push(...this.groupTombstones(g))
    try {
      await this.write(groupId, records, true)
    } catch (e) {
      return e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR
    }
    this.groups.delete(groupId)
    this.offsets.deleteGroup(groupId)
    return ErrorCode.NONE
  }

  private offsetTombstones(groupId: string): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = []
    for (const [topic, partitions] of this.offsets.groupOffsets(groupId) ?? []) {
      for (const partition of partitions.keys()) records.push({type: 'OffsetCommit', group: groupId, topic, partition, value: null})
    }
    return records
  }

  private groupTombstones(g: Group): CoordinatorRecord[] {
    return g.type === 'classic' ? [{type: 'GroupMetadata', group: g.groupId, value: null}] : consumerGroupTombstones(g)
  }

  // ---------------------------------------------------------------- offset retention

  private scheduleRetentionCheck(): void {
    this.timer.schedule('offsets-retention', this.config.offsetsRetentionCheckIntervalMs, () => {
      this.expireOffsets()
      this.scheduleRetentionCheck()
    })
  }

  /**
   * Kafka's cleanupGroupMetadata: offsets past offsets.retention.minutes go (measured from when a
   * classic group became empty, or from the commit), never for topics the group still consumes;
   * a group left with neither members nor offsets is deleted.
   */
  expireOffsets(now: number = this.clock()): void {
    if (!this.active || this.storage === null) return
    const retentionMs = this.config.offsetsRetentionMs
    for (const g of [...this.groups.values()]) {
      if (!this.loaded.has(this.partitionFor(g.groupId))) continue
      const base = this.expirationBase(g)
      const records: CoordinatorRecord[] = []
      let allExpired = true
      const offsets = this.offsets.groupOffsets(g.groupId)
      if (offsets) {
        if (base === null) continue
        for (const [topic, partitions] of offsets) {
          if (g.isSubscribedToTopic(topic)) {
            allExpired = false
            continue
          }
          for (const [partition, o] of partitions) {
            if (isOffsetExpired(o, now, retentionMs, base(o)) && !this.hasPendingTxnOffset(g.groupId, topic, partition)) {
              records.push({type: 'OffsetCommit', group: g.groupId, topic, partition, value: null})
            } else allExpired = false
          }
        }
      }
      if (allExpired && g.isEmpty) records.push(...this.groupTombstones(g))
      if (records.length === 0) continue
      const n = records.filter((r) => r.type === 'OffsetCommit').length
      this.write(g.groupId, records, true).then(
        () => {
          if (n > 0) this.log.info(`Removed ${n} expired offsets of group ${g.groupId}.`)
        },
        (e: unknown) => this.log.warn(`Could not expire offsets of group ${g.groupId}: ${e instanceof Error ? e.message : String(e)}`),
      )
    }
  }

  /** The timestamp an offset's retention counts from, per Kafka's offsetExpirationCondition; null = never expires. */
  private expirationBase(g: Group): ((o: OffsetAndMetadata) => number) | null {
    if (g.type === 'consumer') return (o) => o.commitTimestampMs
    if (g.protocolType === null) return (o) => o.commitTimestampMs
    if (g.is('Empty')) return (o) => g.currentStateTimestamp ?? o.commitTimestampMs
    if (g.usesConsumerProtocol && g.subscribedTopics !== null && g.is('Stable')) return (o) => o.commitTimestampMs
    return null
  }

  // ---------------------------------------------------------------- introspection (tests, tools)

  /** The group's state name, or undefined when unknown here. */
  groupState(groupId: string): string | undefined {
    return this.groups.get(groupId)?.state
  }

  loadedPartitions(): number[] {
    return [...this.loaded].sort((a, b) => a - b)
  }
}
