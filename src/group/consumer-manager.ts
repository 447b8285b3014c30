// The consumer group protocol of KIP-848 (ConsumerGroupHeartbeat), as Kafka's group coordinator
// runs it. Each heartbeat: validate; join, rejoin or leave; record the member's subscription;
// bump the group epoch when subscriptions or the subscribed topics' partitions changed; compute
// a new target assignment with the server-side assignor when the group epoch moved past it; move
// the member one reconciliation step towards its target; and answer with its epoch and, when it
// changed (or the member asked with a full request), its assignment. Every change is a record
// that is replayed into the group and appended to __consumer_offsets before the answer goes out.
// Session timeouts fence silent members; rebalance timeouts fence members that do not revoke.

import {randomUUID} from 'node:crypto'

import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {DEFAULT_SERVER_ASSIGNOR, SERVER_ASSIGNORS, type AssignmentMember} from './assignors.js'
import {
  assignmentEquals,
  ConsumerGroup,
  FencedMemberError,
  isReconciledTo,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  memberAssignmentStateEquals,
  MemberState,
  memberSubscriptionEquals,
  newMember,
  reconcile,
  toTopicPartitionIds,
  type Assignment,
  type ConsumerGroupMember,
  type OwnedTopicPartitions,
  type SubscribedTopic,
} from './consumer-group.js'
import type {CoordinatorRecord} from './records.js'
import type {GroupRuntime} from './runtime.js'

export interface ConsumerHeartbeatRequest {
  groupId: string
  memberId: string
  memberEpoch: number
  instanceId: string | null
  rackId: string | null
  rebalanceTimeoutMs: number
  subscribedTopicNames: string[] | null
  subscribedTopicRegex: string | null
  serverAssignor: string | null
  topicPartitions: OwnedTopicPartitions[] | null
}

export interface ConsumerHeartbeatResult {
  memberId: string
  memberEpoch: number
  heartbeatIntervalMs: number
  assignment: OwnedTopicPartitions[] | null
}

const key = (kind: string, groupId: string, memberId = '') => `consumer-${kind}\u0000${groupId}\u0000${memberId}`

function invalid(message: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_REQUEST, message)
}

export function memberRecords(groupId: string, m: ConsumerGroupMember): {subscription: CoordinatorRecord; current: CoordinatorRecord} {
  return {
    subscription: {
      type: 'ConsumerGroupMemberMetadata',
      groupId,
      memberId: m.memberId,
      value: {
        instanceId: m.instanceId,
        rackId: m.rackId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: [...m.subscribedTopicNames].sort(),
        subscribedTopicRegex: m.subscribedTopicRegex,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        serverAssignor: m.serverAssignor,
      },
    },
    current: {
      type: 'ConsumerGroupCurrentMemberAssignment',
      groupId,
      memberId: m.memberId,
      value: {
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        state: m.state,
        assignedPartitions: toTopicPartitionIds(m.assignedPartitions),
        partitionsPendingRevocation: toTopicPartitionIds(m.partitionsPendingRevocation),
      },
    },
  }
}

/** Tombstones that remove a member, in Kafka's order. */
export function removeMemberRecords(groupId: string, memberId: string): CoordinatorRecord[] {
  return [
    {type: 'ConsumerGroupCurrentMemberAssignment', groupId, memberId, value: null},
    {type: 'ConsumerGroupTargetAssignmentMember', groupId, memberId, value: null},
    {type: 'ConsumerGroupMemberMetadata', groupId, memberId, value: null},
  ]
}

/** Tombstones that delete a (normally empty) consumer group. */
export function consumerGroupTombstones(group: ConsumerGroup): CoordinatorRecord[] {
  const groupId = group.groupId
  const records: CoordinatorRecord[] = []
  for (const id of group.members.keys()) records.push({type: 'ConsumerGroupCurrentMemberAssignment', groupId, memberId: id, value: null})
  for (const id of group.members.keys()) records.push({type: 'ConsumerGroupTargetAssignmentMember', groupId, memberId: id, value: null})
  records.push({type: 'ConsumerGroupTargetAssignmentMetadata', groupId, value: null})
  for (const id of group.members.keys()) records.push({type: 'ConsumerGroupMemberMetadata', groupId, memberId: id, value: null})
  records.push({type: 'ConsumerGroupMetadata', groupId, value: null})
  return records
}

function toResponseAssignment(a: Assignment): OwnedTopicPartitions[] {
  return toTopicPartitionIds(a)
}

export class ConsumerGroupManager {
  constructor(private readonly rt: GroupRuntime) {}

  private consumerGroup(groupId: string): ConsumerGroup {
    const g = this.rt.group(groupId)
    if (!g) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`)
    if (g.type !== 'consumer') throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`)
    return g
  }

  // ---------------------------------------------------------------- validation

  private validate(req: ConsumerHeartbeatRequest): void {
    if (req.groupId === '') throw invalid("GroupId can't be empty.")
    if (req.instanceId === '') throw invalid("InstanceId can't be empty.")
    if (req.rackId === '') throw invalid("RackId can't be empty.")
    if (req.subscribedTopicRegex !== null) throw invalid('SubscribedTopicRegex is not supported yet.')
    if (req.memberEpoch > 0 || req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) {
      if (req.memberId === '') throw invalid("MemberId can't be empty.")
    } else if (req.memberEpoch === 0) {
      if (req.rebalanceTimeoutMs === -1) throw invalid('RebalanceTimeoutMs must be provided in first request.')
      if (req.topicPartitions === null || req.topicPartitions.length > 0) throw invalid('TopicPartitions must be empty when (re-)joining.')
      if (req.subscribedTopicNames === null) throw invalid('SubscribedTopicNames must be set in first request.')
    } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (req.memberId === '') throw invalid("MemberId can't be empty.")
      if (req.instanceId === null) throw invalid("InstanceId can't be null.")
    } else {
      throw invalid('MemberEpoch is invalid.')
    }
    if (req.serverAssignor !== null && !SERVER_ASSIGNORS.has(req.serverAssignor)) {
      throw new KafkaError(
        ErrorCode.UNSUPPORTED_ASSIGNOR,
        `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${[...SERVER_ASSIGNORS.keys()].join(', ')}.`,
      )
    }
  }

  private validateEpoch(member: ConsumerGroupMember, received: number, owned: OwnedTopicPartitions[] | null): void {
    if (received > member.memberEpoch) {
      throw new KafkaError(
        ErrorCode.FENCED_MEMBER_EPOCH,
        `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      )
    }
    if (received < member.memberEpoch) {
      // The previous epoch is fine when the bump's answer was lost and the member owns no more than its assignment.
      const isSubset =
        owned !== null &&
        owned.every((tp) => {
          const set = member.assignedPartitions.get(tp.topicId)
          return set !== undefined && tp.partitions.every((p) => set.has(p))
        })
      if (received !== member.previousMemberEpoch || !isSubset) {
        throw new KafkaError(
          ErrorCode.FENCED_MEMBER_EPOCH,
          `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
        )
      }
    }
  }

  // ---------------------------------------------------------------- heartbeat

  async heartbeat(req: ConsumerHeartbeatRequest, clientId: string, clientHost: string): Promise<ConsumerHeartbeatResult> {
    this.validate(req)
    if (req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) return this.leave(req)

    const records: CoordinatorRecord[] = []
    const joining = req.memberEpoch === 0
    let group = this.rt.group(req.groupId)
    if (group && group.type === 'classic') {
      if (!joining || !group.isEmpty) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a consumer group.`)
      // An empty classic group makes way (its offsets stay).
      records.push({type: 'GroupMetadata', group: req.groupId, value: null})
      group = undefined
    }
    if (!group && !joining) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${req.groupId} not found.`)
    let cg: ConsumerGroup
    if (group) cg = group
    else {
      cg = new ConsumerGroup(req.groupId, this.rt.now())
      // Kafka 4.3 counts a new group from epoch 1, so its first target assignment is epoch 2.
      cg.groupEpoch = 1
    }
    const memberId = req.memberId === '' ? randomUUID() : req.memberId
    if (cg.numMembers >= this.rt.config.consumerMaxSize && (req.memberId === '' || !cg.hasMember(memberId))) {
      throw new KafkaError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${this.rt.config.consumerMaxSize} members.`)
    }

    // The member as it stands, possibly new or taking a static member's place.
    let member: ConsumerGroupMember
    let replacedMemberId: string | null = null
    if (req.instanceId === null) {
      const existing = cg.members.get(memberId)
      if (!existing) {
        if (!joining) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${req.groupId}.`)
        member = newMember(memberId)
        this.rt.log.info(`[GroupId ${req.groupId}] Member ${memberId} joins the consumer group using the consumer protocol.`)
      } else {
        this.validateEpoch(existing, req.memberEpoch, req.topicPartitions)
        member = existing
      }
    } else {
      const existingStatic = cg.staticMember(req.instanceId)
      if (joining) {
        if (!existingStatic) {
          member = cg.members.get(memberId) ?? newMember(memberId)
        } else if (existingStatic.memberId === memberId) {
          member = existingStatic
        } else {
          if (existingStatic.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw new KafkaError(
              ErrorCode.UNRELEASED_INSTANCE_ID,
              `Static member ${memberId} with instance id ${req.instanceId} cannot join the group because the instance id is owned by ${existingStatic.memberId} member.`,
            )
          }
          // The static member comes back under a new member id and inherits the old one's place.
          member = {...existingStatic, memberId, memberEpoch: 0, previousMemberEpoch: 0}
          replacedMemberId = existingStatic.memberId
          records.push(...removeMemberRecords(req.groupId, existingStatic.memberId))
          const r = memberRecords(req.groupId, member)
          records.push(r.subscription)
          records.push({
            type: 'ConsumerGroupTargetAssignmentMember',
            groupId: req.groupId,
            memberId,
            value: {topicPartitions: toTopicPartitionIds(cg.targetAssignment.get(existingStatic.memberId) ?? new Map())},
          })
          records.push(r.current)
          this.cancelMemberTimers(req.groupId, existingStatic.memberId)
        }
      } else {
        if (!existingStatic) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`)
        if (existingStatic.memberId !== memberId) {
          throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${memberId} with instance id ${req.instanceId} was fenced by member ${existingStatic.memberId}.`)
        }
        this.validateEpoch(existingStatic, req.memberEpoch, req.topicPartitions)
        member = existingStatic
      }
    }

    // 1. The member's subscription.
    const updated: ConsumerGroupMember = {
      ...member,
      instanceId: req.instanceId ?? member.instanceId,
      rackId: req.rackId ?? member.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs !== -1 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignor: req.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: req.subscribedTopicNames !== null ? [...new Set(req.subscribedTopicNames)].sort() : member.subscribedTopicNames,
      clientId,
      clientHost,
    }
    const isNewMember = !cg.hasMember(memberId)
    let bumpEpoch = false
    if (isNewMember || !memberSubscriptionEquals(member, updated)) {
      records.push(memberRecords(req.groupId, updated).subscription)
      if (isNewMember || member.subscribedTopicNames.join('\u0000') !== updated.subscribedTopicNames.join('\u0000')) bumpEpoch = true
    }

    // 2. Subscription metadata: the subscribed topics as the image has them now.
    const members = new Map(cg.members)
    if (replacedMemberId !== null) members.delete(replacedMemberId)
    members.set(memberId, updated)
    const metadata = this.subscriptionMetadata(members.values())
    if (!sameMetadata(metadata, cg.subscriptionMetadata)) bumpEpoch = true
    let groupEpoch = cg.groupEpoch
    if (bumpEpoch) {
      groupEpoch++
      records.push({type: 'ConsumerGroupMetadata', groupId: req.groupId, value: {epoch: groupEpoch}})
      this.rt.log.info(`[GroupId ${req.groupId}] Bumped group epoch to ${groupEpoch}.`)
    }

    // 3. A new target assignment when the group epoch moved past the current one.
    let targetEpoch = cg.assignmentEpoch
    let target: Assignment = cg.targetAssignment.get(memberId) ?? new Map()
    if (groupEpoch > cg.assignmentEpoch) {
      const assignorName = cg.preferredServerAssignor(members.values()) ?? DEFAULT_SERVER_ASSIGNOR
      const assignor = SERVER_ASSIGNORS.get(assignorName)!
      const previous = new Map(cg.targetAssignment)
      if (replacedMemberId !== null) {
        previous.set(memberId, previous.get(replacedMemberId) ?? new Map())
        previous.delete(replacedMemberId)
      }
      const assignmentMembers: AssignmentMember[] = [...members.values()].map((m) => ({
        memberId: m.memberId,
        topicIds: new Set(m.subscribedTopicNames.map((t) => metadata.get(t)?.topicId).filter((id): id is string => id !== undefined)),
      }))
      const partitionCounts = new Map([...metadata.values()].map((t) => [t.topicId, t.numPartitions]))
      const result = assignor.assign({members: assignmentMembers, partitionCounts, previous})
      for (const [id, a] of result) {
        if (!assignmentEquals(a, previous.get(id) ?? new Map()) || !cg.targetAssignment.has(id)) {
          records.push({type: 'ConsumerGroupTargetAssignmentMember', groupId: req.groupId, memberId: id, value: {topicPartitions: toTopicPartitionIds(a)}})
        }
      }
      records.push({type: 'ConsumerGroupTargetAssignmentMetadata', groupId: req.groupId, value: {assignmentEpoch: groupEpoch}})
      this.rt.log.info(`[GroupId ${req.groupId}] Computed a new target assignment for epoch ${groupEpoch} with '${assignorName}' assignor.`)
      targetEpoch = groupEpoch
      target = result.get(memberId) ?? new Map()
    }

    // 4. One reconciliation step.
    let reconciled = updated
    if (!isReconciledTo(updated, targetEpoch)) {
      try {
        reconciled = reconcile(updated, targetEpoch, target, (t, p) => cg.currentPartitionEpoch(t, p), req.topicPartitions)
      } catch (e) {
        if (e instanceof FencedMemberError) throw new KafkaError(ErrorCode.FENCED_MEMBER_EPOCH, e.message)
        throw e
      }
    }
    if (isNewMember || replacedMemberId !== null || !memberAssignmentStateEquals(updated, reconciled)) {
      records.push(memberRecords(req.groupId, reconciled).current)
    }

    cg.subscriptionMetadata = metadata
    if (!group) this.rt.putGroup(cg)
    await this.rt.write(req.groupId, records, true)

    if (reconciled.state === MemberState.UNREVOKED_PARTITIONS) {
      if (!memberAssignmentStateEquals(updated, reconciled)) this.scheduleRebalanceTimeout(req.groupId, memberId, reconciled.memberEpoch, reconciled.rebalanceTimeoutMs)
    } else {
      this.rt.timer.cancel(key('rebalance', req.groupId, memberId))
    }
    this.scheduleSessionTimeout(req.groupId, memberId)

    const isFullRequest = joining || (req.rebalanceTimeoutMs !== -1 && req.subscribedTopicNames !== null && req.topicPartitions !== null)
    const changed = isNewMember || !assignmentEquals(member.assignedPartitions, reconciled.assignedPartitions)
    return {
      memberId,
      memberEpoch: reconciled.memberEpoch,
      heartbeatIntervalMs: this.rt.config.consumerHeartbeatIntervalMs,
      assignment: isFullRequest || changed ? toResponseAssignment(reconciled.assignedPartitions) : null,
    }
  }

  private subscriptionMetadata(members: Iterable<ConsumerGroupMember>): Map<string, SubscribedTopic> {
    const out = new Map<string, SubscribedTopic>()
    for (const m of members) {
      for (const name of m.subscribedTopicNames) {
        if (out.has(name)) continue
        const t = this.rt.topics.topic(name)
        if (t) out.set(name, {topicId: t.topicId, name, numPartitions: t.partitions.length})
      }
    }
    return out
  }

  // ---------------------------------------------------------------- leave and fencing

  private async leave(req: ConsumerHeartbeatRequest): Promise<ConsumerHeartbeatResult> {
    const group = this.consumerGroup(req.groupId)
    if (req.instanceId === null) {
      const member = group.members.get(req.memberId)
      if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`)
      this.rt.log.info(`[GroupId ${req.groupId}] Member ${req.memberId} left the consumer group.`)
      await this.fence(group, member.memberId)
      return {memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null}
    }
    const member = group.staticMember(req.instanceId)
    if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`)
    if (member.memberId !== req.memberId) {
      throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${req.memberId} with instance id ${req.instanceId} was fenced by member ${member.memberId}.`)
    }
    if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // A static member that will come back keeps its place (and partitions) until its session expires.
      this.rt.log.info(`[GroupId ${req.groupId}] Static Member ${req.memberId} with instance id ${req.instanceId} temporarily left the consumer group.`)
      const leaving: ConsumerGroupMember = {...member, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, partitionsPendingRevocation: new Map()}
      await this.rt.write(req.groupId, [memberRecords(req.groupId, leaving).current], true)
      return {memberId: member.memberId, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, heartbeatIntervalMs: 0, assignment: null}
    }
    this.rt.log.info(`[GroupId ${req.groupId}] Static Member ${req.memberId} with instance id ${req.instanceId} left the consumer group.`)
    await this.fence(group, member.memberId)
    return {memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null}
  }

  /** Removes a member and bumps the group epoch so the others get its partitions. */
  fence(group: ConsumerGroup, memberId: string): Promise<void> {
    const records = removeMemberRecords(group.groupId, memberId)
    records.push({type: 'ConsumerGroupMetadata', groupId: group.groupId, value: {epoch: group.groupEpoch + 1}})
    const remaining = [...group.members.values()].filter((m) => m.memberId !== memberId)
    group.subscriptionMetadata = this.subscriptionMetadata(remaining)
    this.cancelMemberTimers(group.groupId, memberId)
    return this.rt.write(group.groupId, records, true)
  }

  private fenceFromTimer(groupId: string, memberId: string, reason: string, epoch?: number): void {
    const g = this.rt.group(groupId)
    if (!g || g.type !== 'consumer') return
    const member = g.members.get(memberId)
    if (!member) return
    if (epoch !== undefined && member.memberEpoch !== epoch) return
    this.rt.log.info(`[GroupId ${groupId}] Member ${memberId} fenced from the group because ${reason}`)
    this.fence(g, memberId).catch((e: unknown) => this.rt.log.warn(`[GroupId ${groupId}] Could not fence member ${memberId}: ${e instanceof Error ? e.message : String(e)}`))
  }

  scheduleSessionTimeout(groupId: string, memberId: string): void {
    this.rt.timer.schedule(key('session', groupId, memberId), this.rt.config.consumerSessionTimeoutMs, () =>
      this.fenceFromTimer(groupId, memberId, 'the member session expired.'),
    )
  }

  private scheduleRebalanceTimeout(groupId: string, memberId: string, memberEpoch: number, timeoutMs: number): void {
    this.rt.timer.schedule(key('rebalance', groupId, memberId), timeoutMs, () =>
      this.fenceFromTimer(groupId, memberId, `it failed to transition from epoch ${memberEpoch} within ${timeoutMs}ms.`, memberEpoch),
    )
  }

  private cancelMemberTimers(groupId: string, memberId: string): void {
    this.rt.timer.cancel(key('session', groupId, memberId))
    this.rt.timer.cancel(key('rebalance', groupId, memberId))
  }

  cancelGroupTimers(groupId: string): void {
    this.rt.timer.cancelPrefix(key('session', groupId))
    this.rt.timer.cancelPrefix(key('rebalance', groupId))
  }

  /** After a partition loads: members' sessions (and pending revocations) run again. */
  onLoaded(group: ConsumerGroup): void {
    for (const m of group.members.values()) {
      this.scheduleSessionTimeout(group.groupId, m.memberId)
      if (m.state === MemberState.UNREVOKED_PARTITIONS) this.scheduleRebalanceTimeout(group.groupId, m.memberId, m.memberEpoch, m.rebalanceTimeoutMs)
    }
  }

  // ---------------------------------------------------------------- offsets

  /** Kafka's ConsumerGroup.validateOffsetCommit. */
  validateOffsetCommit(group: ConsumerGroup, memberId: string, memberEpoch: number, apiVersion: number): void {
    if (memberEpoch < 0 && group.isEmpty) return
    const member = group.members.get(memberId)
    if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${group.groupId}.`)
    if (apiVersion < 9) throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, 'OffsetCommit version 9 or above must be used by members using the modern group protocol')
    if (memberEpoch !== member.memberEpoch) {
      throw new KafkaError(ErrorCode.STALE_MEMBER_EPOCH, `The received member epoch ${memberEpoch} does not match the expected member epoch ${member.memberEpoch}.`)
    }
  }

  validateOffsetFetch(group: ConsumerGroup, memberId: string | null, memberEpoch: number): void {
    if (memberId === null && memberEpoch < 0) return
    const member = memberId === null ? undefined : group.members.get(memberId)
    if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${group.groupId}.`)
    if (memberEpoch !== member.memberEpoch) {
      throw new KafkaError(ErrorCode.STALE_MEMBER_EPOCH, `The received member epoch ${memberEpoch} does not match the expected member epoch ${member.memberEpoch}.`)
    }
  }
}

function sameMetadata(a: ReadonlyMap<string, SubscribedTopic>, b: ReadonlyMap<string, SubscribedTopic>): boolean {
  if (a.size !== b.size) return false
  for (const [name, t] of a) {
    const o = b.get(name)
    if (!o || o.topicId !== t.topicId || o.numPartitions !== t.numPartitions) return false
  }
  return true
}
