// A classic-protocol consumer group member, as Kafka's consumer is by default
// (group.protocol=classic): FindCoordinator, JoinGroup (retried with the
// member id the coordinator hands out, KIP-394), the leader computes Kafka's
// RangeAssignor assignment, SyncGroup, then Heartbeat every
// heartbeat.interval.ms, OffsetFetch / OffsetCommit for positions, and
// LeaveGroup on close. Subscriptions and assignments are encoded in Kafka's
// ConsumerProtocol (version 0), which every Kafka client reads.

import type {KafkaClient} from '../client/client.js'
import {BrokerConnection} from '../client/connection.js'
import {errorForCode, ErrorCode, KafkaError} from '../protocol/errors.js'
import {decodeHeartbeatResponse, type HeartbeatResponse} from '../protocol/generated/heartbeat-response.js'
import {encodeHeartbeatRequest, type HeartbeatRequest, heartbeatRequestVersions} from '../protocol/generated/heartbeat-request.js'
import {decodeJoinGroupResponse, type JoinGroupResponse} from '../protocol/generated/join-group-response.js'
import {encodeJoinGroupRequest, type JoinGroupRequest, joinGroupRequestVersions} from '../protocol/generated/join-group-request.js'
import {decodeLeaveGroupResponse, type LeaveGroupResponse} from '../protocol/generated/leave-group-response.js'
import {encodeLeaveGroupRequest, type LeaveGroupRequest, leaveGroupRequestVersions} from '../protocol/generated/leave-group-request.js'
import {decodeOffsetCommitResponse, type OffsetCommitResponse} from '../protocol/generated/offset-commit-response.js'
import {encodeOffsetCommitRequest, type OffsetCommitRequest, offsetCommitRequestVersions} from '../protocol/generated/offset-commit-request.js'
import {decodeOffsetFetchResponse, type OffsetFetchResponse} from '../protocol/generated/offset-fetch-response.js'
import {encodeOffsetFetchRequest, type OffsetFetchRequest, offsetFetchRequestVersions} from '../protocol/generated/offset-fetch-request.js'
import {decodeSyncGroupResponse, type SyncGroupResponse} from '../protocol/generated/sync-group-response.js'
import {encodeSyncGroupRequest, type SyncGroupRequest, syncGroupRequestVersions} from '../protocol/generated/sync-group-request.js'
import {Reader, Writer} from '../protocol/primitives.js'
import {CoordinatorType, defineApi, FindCoordinator} from '../producer/apis.js'

export const JoinGroup = defineApi<JoinGroupRequest, JoinGroupResponse>(11, 'JoinGroup', joinGroupRequestVersions, encodeJoinGroupRequest, decodeJoinGroupResponse)
export const Heartbeat = defineApi<HeartbeatRequest, HeartbeatResponse>(12, 'Heartbeat', heartbeatRequestVersions, encodeHeartbeatRequest, decodeHeartbeatResponse)
export const LeaveGroup = defineApi<LeaveGroupRequest, LeaveGroupResponse>(13, 'LeaveGroup', leaveGroupRequestVersions, encodeLeaveGroupRequest, decodeLeaveGroupResponse)
export const SyncGroup = defineApi<SyncGroupRequest, SyncGroupResponse>(14, 'SyncGroup', syncGroupRequestVersions, encodeSyncGroupRequest, decodeSyncGroupResponse)
// OffsetCommit v9+ and OffsetFetch v8+ change shape for the new group protocol; classic members stay below.
export const OffsetCommit = defineApi<OffsetCommitRequest, OffsetCommitResponse>(8, 'OffsetCommit', offsetCommitRequestVersions, encodeOffsetCommitRequest, decodeOffsetCommitResponse, 8)
export const OffsetFetch = defineApi<OffsetFetchRequest, OffsetFetchResponse>(9, 'OffsetFetch', offsetFetchRequestVersions, encodeOffsetFetchRequest, decodeOffsetFetchResponse, 7)

export interface TopicPartitions {
  topic: string
  partitions: number[]
}

/** ConsumerProtocolSubscription v0: topics, no user data. */
export function encodeSubscription(topics: readonly string[]): Buffer {
  const w = new Writer(64)
  w.int16(0)
  w.int32(topics.length)
  for (const t of topics) w.string(t)
  w.int32(-1)
  return Buffer.from(w.finish())
}

/** The topics of a ConsumerProtocolSubscription (any version: later fields are ignored). */
export function decodeSubscription(buf: Buffer): string[] {
  const r = new Reader(buf)
  r.int16()
  const n = r.int32()
  const topics: string[] = []
  for (let i = 0; i < n; i++) topics.push(r.string())
  return topics
}

/** ConsumerProtocolAssignment v0. */
export function encodeAssignment(assignment: readonly TopicPartitions[]): Buffer {
  const w = new Writer(64)
  w.int16(0)
  w.int32(assignment.length)
  for (const a of assignment) {
    w.string(a.topic)
    w.int32(a.partitions.length)
    for (const p of a.partitions) w.int32(p)
  }
  w.int32(-1)
  return Buffer.from(w.finish())
}

export function decodeAssignment(buf: Buffer): TopicPartitions[] {
  if (buf.length === 0) return []
  const r = new Reader(buf)
  r.int16()
  const n = r.int32()
  const out: TopicPartitions[] = []
  for (let i = 0; i < n; i++) {
    const topic = r.string()
    const count = r.int32()
    const partitions: number[] = []
    for (let k = 0; k < count; k++) partitions.push(r.int32())
    out.push({topic, partitions})
  }
  return out
}

/**
 * Kafka's RangeAssignor: per topic, the subscribed members in member-id order
 * each take a contiguous range, the first (partitions % members) one more.
 */
export function rangeAssign(members: ReadonlyArray<{memberId: string; topics: string[]}>, partitionCounts: ReadonlyMap<string, number>): Map<string, TopicPartitions[]> {
  const out = new Map<string, TopicPartitions[]>(members.map((m) => [m.memberId, []]))
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort()
  for (const topic of topics) {
    const count = partitionCounts.get(topic)
    if (count === undefined) continue
    const subscribers = members
      .filter((m) => m.topics.includes(topic))
      .map((m) => m.memberId)
      .sort()
    const per = Math.floor(count / subscribers.length)
    const extra = count % subscribers.length
    subscribers.forEach((memberId, i) => {
      const start = per * i + Math.min(i, extra)
      const length = per + (i < extra ? 1 : 0)
      if (length === 0) return
      out.get(memberId)!.push({topic, partitions: Array.from({length}, (_, k) => start + k)})
    })
  }
  return out
}

export interface GroupMemberOptions {
  groupId: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  heartbeatIntervalMs: number
}

export class GroupMember {
  memberId = ''
  generationId = -1
  assignment: TopicPartitions[] = []
  private coordinator: BrokerConnection | null = null
  private heartbeatTimer: NodeJS.Timeout | null = null
  /** Set when a heartbeat learns of a rebalance: the owner should rejoin. */
  rebalanceNeeded = false

  constructor(
    private readonly client: KafkaClient,
    readonly options: GroupMemberOptions,
  ) {}

  private finding: Promise<BrokerConnection> | null = null
  private readonly opened: BrokerConnection[] = []

  private findCoordinator(): Promise<BrokerConnection> {
    this.finding ??= this.lookUpCoordinator().finally(() => {
      this.finding = null
    })
    return this.finding
  }

  /** Forgets the coordinator (NOT_COORDINATOR, a lost connection): the next request looks it up again. */
  private dropCoordinator(): void {
    this.coordinator?.close()
    this.coordinator = null
  }

  private async lookUpCoordinator(): Promise<BrokerConnection> {
    const deadline = Date.now() + 30_000
    for (;;) {
      const conn = this.client.bootstrap
      const version = conn.versionFor(FindCoordinator)
      const res = await conn.request(FindCoordinator, {key: version < 4 ? this.options.groupId : '', keyType: CoordinatorType.GROUP, coordinatorKeys: version >= 4 ? [this.options.groupId] : []}, version)
      const c = version >= 4 ? res.coordinators[0] : {errorCode: res.errorCode, nodeId: res.nodeId, host: res.host, port: res.port}
      if (c && c.errorCode === 0) {
        // JoinGroup may wait for the whole rebalance timeout: the coordinator
        // connection gets that much time per request, as Kafka's client gives it.
        const o = this.client.options
        this.dropCoordinator()
        this.coordinator = await BrokerConnection.open({
          host: c.host,
          port: c.port,
          clientId: o.clientId,
          tls: o.tls,
          sasl: o.sasl,
          connectTimeoutMs: o.connectTimeoutMs,
          requestTimeoutMs: Math.max(o.requestTimeoutMs, this.options.rebalanceTimeoutMs + 5000),
        })
        this.opened.push(this.coordinator)
        return this.coordinator
      }
      const code = c?.errorCode ?? ErrorCode.COORDINATOR_NOT_AVAILABLE
      if (!errorForCode(code).retriable || Date.now() > deadline) throw new KafkaError(code)
      await sleep(100)
    }
  }

  private async conn(): Promise<BrokerConnection> {
    return this.coordinator && !this.coordinator.closed ? this.coordinator : this.findCoordinator()
  }

  /** Joins (or rejoins) the group subscribed to `topics`; resolves with this member's assignment. */
  async join(topics: string[]): Promise<TopicPartitions[]> {
    this.stopHeartbeats()
    const deadline = Date.now() + this.options.rebalanceTimeoutMs
    for (;;) {
      const conn = await this.conn()
      const version = conn.versionFor(JoinGroup)
      const join = await conn.request(JoinGroup, {
        groupId: this.options.groupId,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{name: 'range', metadata: encodeSubscription(topics)}],
        reason: null,
      })
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = join.memberId
        continue
      }
      if (join.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || join.errorCode === ErrorCode.ILLEGAL_GENERATION) {
        this.memberId = ''
        continue
      }
      if (join.errorCode === ErrorCode.NOT_COORDINATOR || join.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) {
        this.dropCoordinator()
        await sleep(100)
        continue
      }
      if (join.errorCode !== 0) {
        if (errorForCode(join.errorCode).retriable && Date.now() < deadline) {
          await sleep(100)
          continue
        }
        throw new KafkaError(join.errorCode)
      }
      void version
      this.memberId = join.memberId
      this.generationId = join.generationId
      let assignments: Array<{memberId: string; assignment: Buffer}> = []
      if (join.leader === join.memberId) {
        const members = join.members.map((m) => ({memberId: m.memberId, topics: decodeSubscription(m.metadata)}))
        const allTopics = [...new Set(members.flatMap((m) => m.topics))]
        const md = await this.client.metadata(allTopics)
        const counts = new Map<string, number>()
        for (const t of md.topics) if (t.name !== null && t.errorCode === 0) counts.set(t.name, t.partitions.length)
        assignments = [...rangeAssign(members, counts)].map(([memberId, a]) => ({memberId, assignment: encodeAssignment(a)}))
      }
      const sync = await conn.request(SyncGroup, {
        groupId: this.options.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments,
      })
      if (sync.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue
      if (sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || sync.errorCode === ErrorCode.ILLEGAL_GENERATION) {
        this.memberId = ''
        continue
      }
      if (sync.errorCode !== 0) throw new KafkaError(sync.errorCode)
      this.assignment = decodeAssignment(sync.assignment)
      this.rebalanceNeeded = false
      this.startHeartbeats()
      return this.assignment
    }
  }

  private startHeartbeats(): void {
    this.heartbeatTimer = setInterval(() => {
      void this.conn()
        .then((conn) => conn.request(Heartbeat, {groupId: this.options.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null}))
        .then(
          (res) => {
            if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || res.errorCode === ErrorCode.ILLEGAL_GENERATION) {
              this.rebalanceNeeded = true
            }
          },
          () => this.dropCoordinator(),
        )
    }, this.options.heartbeatIntervalMs)
    this.heartbeatTimer.unref()
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = null
  }

  /** Committed offsets of the partitions (-1 when none). */
  async committed(partitions: TopicPartitions[]): Promise<Map<string, bigint>> {
    const conn = await this.conn()
    const res = await conn.request(OffsetFetch, {
      groupId: this.options.groupId,
      topics: partitions.map((t) => ({name: t.topic, partitionIndexes: t.partitions})),
      groups: [],
      requireStable: true,
    })
    if (res.errorCode !== 0) throw new KafkaError(res.errorCode)
    const out = new Map<string, bigint>()
    for (const t of res.topics) for (const p of t.partitions) out.set(`${t.name}\u0000${p.partitionIndex}`, p.errorCode === 0 ? p.committedOffset : -1n)
    return out
  }

  async commit(offsets: ReadonlyArray<{topic: string; partition: number; offset: bigint}>): Promise<void> {
    if (offsets.length === 0 || this.generationId < 0) return
    const conn = await this.conn()
    const byTopic = new Map<string, Array<{partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; commitTimestamp: bigint; committedMetadata: string | null}>>()
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? []
      list.push({partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: ''})
      byTopic.set(o.topic, list)
    }
    const res = await conn.request(OffsetCommit, {
      groupId: this.options.groupId,
      generationIdOrMemberEpoch: this.generationId,
      memberId: this.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...byTopic].map(([name, partitions]) => ({name, partitions})),
    })
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || p.errorCode === ErrorCode.ILLEGAL_GENERATION || p.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
          this.rebalanceNeeded = true
        } else if (p.errorCode !== 0) throw new KafkaError(p.errorCode)
      }
    }
  }

  async leave(): Promise<void> {
    this.stopHeartbeats()
    if (!this.memberId) return
    try {
      const conn = await this.conn()
      const version = conn.versionFor(LeaveGroup)
      await conn.request(
        LeaveGroup,
        version >= 3
          ? {groupId: this.options.groupId, memberId: '', members: [{memberId: this.memberId, groupInstanceId: null, reason: version >= 5 ? 'the consumer is being closed' : null}]}
          : {groupId: this.options.groupId, memberId: this.memberId, members: []},
        version,
      )
    } catch {
      // leaving is best effort: the session times out otherwise
    }
  }

  close(): void {
    this.stopHeartbeats()
    for (const c of this.opened) c.close()
    this.coordinator = null
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
