// A consumer group of the next-generation protocol (KIP-848): members with their subscriptions
// and epochs, the group epoch, the target assignment the server-side assignor computed, and the
// epoch of each owned partition. The state lives entirely in the records of __consumer_offsets:
// every change is expressed as records, and replaying them (here) is the only way it changes, at
// load time and live alike.
//
// Reconciliation follows Kafka's CurrentAssignmentBuilder: a member first revokes what it must
// give up (UNREVOKED_PARTITIONS, staying in its epoch), then moves to the target epoch and gets
// the new partitions once their previous owners released them (UNRELEASED_PARTITIONS until then).

import type {CoordinatorRecord, TopicPartitionIds} from './records.js'

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead'

export const MemberState = {STABLE: 0, UNREVOKED_PARTITIONS: 1, UNRELEASED_PARTITIONS: 2, UNKNOWN: 127} as const
export type MemberStateValue = (typeof MemberState)[keyof typeof MemberState]

export const LEAVE_GROUP_MEMBER_EPOCH = -1
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2

/** Partitions by topic id. */
export type Assignment = Map<string, Set<number>>

export interface ConsumerGroupMember {
  memberId: string
  instanceId: string | null
  rackId: string | null
  clientId: string
  clientHost: string
  subscribedTopicNames: string[]
  subscribedTopicRegex: string | null
  rebalanceTimeoutMs: number
  serverAssignor: string | null
  memberEpoch: number
  previousMemberEpoch: number
  state: MemberStateValue
  assignedPartitions: Assignment
  partitionsPendingRevocation: Assignment
}

export function newMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    rebalanceTimeoutMs: -1,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: MemberState.STABLE,
    assignedPartitions: new Map(),
    partitionsPendingRevocation: new Map(),
  }
}

export function copyAssignment(a: Assignment): Assignment {
  return new Map([...a].map(([t, ps]) => [t, new Set(ps)]))
}

export function assignmentEquals(a: Assignment, b: Assignment): boolean {
  const nonEmpty = (m: Assignment) => [...m].filter(([, ps]) => ps.size > 0)
  const ea = nonEmpty(a)
  const eb = nonEmpty(b)
  if (ea.length !== eb.length) return false
  for (const [t, ps] of ea) {
    const other = b.get(t)
    if (!other || other.size !== ps.size) return false
    for (const p of ps) if (!other.has(p)) return false
  }
  return true
}

export function assignmentSize(a: Assignment): number {
  let n = 0
  for (const ps of a.values()) n += ps.size
  return n
}

export function toTopicPartitionIds(a: Assignment): TopicPartitionIds[] {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .map(([topicId, ps]) => ({topicId, partitions: [...ps].sort((x, y) => x - y)}))
}

export function fromTopicPartitionIds(list: readonly TopicPartitionIds[]): Assignment {
  const a: Assignment = new Map()
  for (const tp of list) {
    const set = a.get(tp.topicId) ?? new Set<number>()
    for (const p of tp.partitions) set.add(p)
    a.set(tp.topicId, set)
  }
  return a
}

export function memberSubscriptionEquals(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.instanceId === b.instanceId &&
    a.rackId === b.rackId &&
    a.clientId === b.clientId &&
    a.clientHost === b.clientHost &&
    a.subscribedTopicRegex === b.subscribedTopicRegex &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
    a.serverAssignor === b.serverAssignor &&
    a.subscribedTopicNames.length === b.subscribedTopicNames.length &&
    a.subscribedTopicNames.every((t, i) => t === b.subscribedTopicNames[i])
  )
}

export function memberAssignmentStateEquals(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.memberEpoch === b.memberEpoch &&
    a.previousMemberEpoch === b.previousMemberEpoch &&
    a.state === b.state &&
    assignmentEquals(a.assignedPartitions, b.assignedPartitions) &&
    assignmentEquals(a.partitionsPendingRevocation, b.partitionsPendingRevocation)
  )
}

/** A member at the target epoch with nothing left to revoke or receive. */
export function isReconciledTo(m: ConsumerGroupMember, targetEpoch: number): boolean {
  return m.state === MemberState.STABLE && m.memberEpoch === targetEpoch
}

/** A subscribed topic as the group saw it when it last computed its subscription metadata. */
export interface SubscribedTopic {
  topicId: string
  name: string
  numPartitions: number
}

export class ConsumerGroup {
  readonly type = 'consumer' as const
  groupEpoch = 0
  assignmentEpoch = 0
  readonly members = new Map<string, ConsumerGroupMember>()
  readonly staticMembers = new Map<string, string>()
  /** Target assignment by member id. */
  readonly targetAssignment = new Map<string, Assignment>()
  /** topicId -> partition -> epoch of the member that owns it (assigned or pending revocation). */
  private readonly partitionEpochs = new Map<string, Map<number, number>>()
  /** Subscription metadata (by topic name), computed from the topic image on heartbeats. */
  subscriptionMetadata = new Map<string, SubscribedTopic>()
  /** When the group was last seen changing state (ms), for offset retention. */
  lastStateChangeMs: number

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.lastStateChangeMs = now
  }

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty'
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning'
    for (const m of this.members.values()) if (!isReconciledTo(m, this.assignmentEpoch)) return 'Reconciling'
    return 'Stable'
  }

  get isEmpty(): boolean {
    return this.members.size === 0
  }

  get numMembers(): number {
    return this.members.size
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId)
  }

  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const id = this.staticMembers.get(instanceId)
    return id === undefined ? undefined : this.members.get(id)
  }

  /** -1 when no member owns the partition. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1
  }

  /** Topic names subscribed by at least one member. */
  subscribedTopicNames(): Set<string> {
    const names = new Set<string>()
    for (const m of this.members.values()) for (const t of m.subscribedTopicNames) names.add(t)
    return names
  }

  isSubscribedToTopic(topic: string): boolean {
    for (const m of this.members.values()) if (m.subscribedTopicNames.includes(topic)) return true
    return false
  }

  /** The server assignor most members asked for, if any asked. */
  preferredServerAssignor(members: Iterable<ConsumerGroupMember> = this.members.values()): string | null {
    const counts = new Map<string, number>()
    for (const m of members) if (m.serverAssignor !== null) counts.set(m.serverAssignor, (counts.get(m.serverAssignor) ?? 0) + 1)
    let best: string | null = null
    let n = 0
    for (const [name, c] of counts) {
      if (c > n) {
        best = name
        n = c
      }
    }
    return best
  }

  // ---------------------------------------------------------------- replay

  private addPartitionEpochs(a: Assignment, epoch: number): void {
    for (const [t, ps] of a) {
      let m = this.partitionEpochs.get(t)
      if (!m) this.partitionEpochs.set(t, (m = new Map()))
      for (const p of ps) m.set(p, epoch)
    }
  }

  private removePartitionEpochs(a: Assignment, epoch: number): void {
    for (const [t, ps] of a) {
      const m = this.partitionEpochs.get(t)
      if (!m) continue
      for (const p of ps) if (m.get(p) === epoch) m.delete(p)
      if (m.size === 0) this.partitionEpochs.delete(t)
    }
  }

  private setMember(member: ConsumerGroupMember, previous: ConsumerGroupMember | undefined): void {
    if (previous) {
      this.removePartitionEpochs(previous.assignedPartitions, previous.memberEpoch)
      this.removePartitionEpochs(previous.partitionsPendingRevocation, previous.memberEpoch)
      if (previous.instanceId !== null && previous.instanceId !== member.instanceId) this.staticMembers.delete(previous.instanceId)
    }
    this.members.set(member.memberId, member)
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId)
    this.addPartitionEpochs(member.assignedPartitions, member.memberEpoch)
    this.addPartitionEpochs(member.partitionsPendingRevocation, member.memberEpoch)
  }

  /** Applies one consumer-group record. Returns false when the record removes the group. */
  replay(record: CoordinatorRecord, now: number): boolean {
    const before = this.state
    let alive = true
    switch (record.type) {
      case 'ConsumerGroupMetadata':
        if (record.value === null) alive = false
        else this.groupEpoch = record.value.epoch
        break
      case 'ConsumerGroupMemberMetadata': {
        const previous = this.members.get(record.memberId)
        if (record.value === null) {
          if (previous) {
            this.removePartitionEpochs(previous.assignedPartitions, previous.memberEpoch)
            this.removePartitionEpochs(previous.partitionsPendingRevocation, previous.memberEpoch)
            this.members.delete(record.memberId)
            if (previous.instanceId !== null && this.staticMembers.get(previous.instanceId) === record.memberId) {
              this.staticMembers.delete(previous.instanceId)
            }
          }
          break
        }
        const v = record.value
        const m: ConsumerGroupMember = {
          ...(previous ?? newMember(record.memberId)),
          instanceId: v.instanceId,
          rackId: v.rackId,
          clientId: v.clientId,
          clientHost: v.clientHost,
          subscribedTopicNames: [...v.subscribedTopicNames],
          subscribedTopicRegex: v.subscribedTopicRegex,
          rebalanceTimeoutMs: v.rebalanceTimeoutMs,
          serverAssignor: v.serverAssignor,
        }
        this.setMember(m, previous)
        break
      }
      case 'ConsumerGroupTargetAssignmentMetadata':
        if (record.value !== null) this.assignmentEpoch = record.value.assignmentEpoch
        break
      case 'ConsumerGroupTargetAssignmentMember':
        if (record.value === null) this.targetAssignment.delete(record.memberId)
        else this.targetAssignment.set(record.memberId, fromTopicPartitionIds(record.value.topicPartitions))
        break
      case 'ConsumerGroupCurrentMemberAssignment': {
        const previous = this.members.get(record.memberId) ?? newMember(record.memberId)
        const v = record.value
        const m: ConsumerGroupMember =
          v === null
            ? {...previous, memberEpoch: LEAVE_GROUP_MEMBER_EPOCH, previousMemberEpoch: LEAVE_GROUP_MEMBER_EPOCH, state: MemberState.STABLE, assignedPartitions: new Map(), partitionsPendingRevocation: new Map()}
            : {
                ...previous,
                memberEpoch: v.memberEpoch,
                previousMemberEpoch: v.previousMemberEpoch,
                state: (Object.values(MemberState) as number[]).includes(v.state) ? (v.state as MemberStateValue) : MemberState.UNKNOWN,
                assignedPartitions: fromTopicPartitionIds(v.assignedPartitions),
                partitionsPendingRevocation: fromTopicPartitionIds(v.partitionsPendingRevocation),
              }
        this.setMember(m, this.members.get(record.memberId))
        break
      }
      default:
        break
    }
    if (this.state !== before) this.lastStateChangeMs = now
    return alive
  }
}

// ---------------------------------------------------------------- reconciliation

export interface OwnedTopicPartitions {
  topicId: string
  partitions: number[]
}

/** Whether the member still reports owning any of the partitions (null = unknown, counts as owning). */
function ownsAny(owned: readonly OwnedTopicPartitions[] | null, partitions: Assignment): boolean {
  if (owned === null) return true
  for (const tp of owned) {
    const set = partitions.get(tp.topicId)
    if (!set) continue
    for (const p of tp.partitions) if (set.has(p)) return true
  }
  return false
}

export class FencedMemberError extends Error {}

/**
 * The member's next state towards the target assignment (Kafka's CurrentAssignmentBuilder).
 * `partitionEpoch` says who owns a partition now (-1 for nobody).
 */
export function reconcile(
  member: ConsumerGroupMember,
  targetEpoch: number,
  target: Assignment,
  partitionEpoch: (topicId: string, partition: number) => number,
  owned: readonly OwnedTopicPartitions[] | null,
): ConsumerGroupMember {
  switch (member.state) {
    case MemberState.STABLE:
      return member.memberEpoch !== targetEpoch ? nextAssignment(member, member.memberEpoch, targetEpoch, target, partitionEpoch, owned) : member
    case MemberState.UNREVOKED_PARTITIONS:
      if (ownsAny(owned, member.partitionsPendingRevocation)) return member
      return nextAssignment(member, member.memberEpoch + 1, targetEpoch, target, partitionEpoch, owned)
    case MemberState.UNRELEASED_PARTITIONS:
      return nextAssignment(member, member.memberEpoch, targetEpoch, target, partitionEpoch, owned)
    default:
      if (owned === null || owned.length > 0) {
        throw new FencedMemberError('The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.')
      }
      return nextAssignment(member, targetEpoch, targetEpoch, target, partitionEpoch, owned)
  }
}

function withEpoch(member: ConsumerGroupMember, epoch: number): Pick<ConsumerGroupMember, 'memberEpoch' | 'previousMemberEpoch'> {
  return {memberEpoch: epoch, previousMemberEpoch: member.memberEpoch}
}

function nextAssignment(
  member: ConsumerGroupMember,
  memberEpoch: number,
  targetEpoch: number,
  target: Assignment,
  partitionEpoch: (topicId: string, partition: number) => number,
  owned: readonly OwnedTopicPartitions[] | null,
): ConsumerGroupMember {
  let hasUnreleased = false
  const assigned: Assignment = new Map()
  const pendingRevocation: Assignment = new Map()
  const pendingAssignment: Assignment = new Map()
  const topicIds = new Set([...target.keys(), ...member.assignedPartitions.keys()])
  for (const topicId of topicIds) {
    const targetPartitions = target.get(topicId) ?? new Set<number>()
    const current = member.assignedPartitions.get(topicId) ?? new Set<number>()
    const keep = new Set([...current].filter((p) => targetPartitions.has(p)))
    const revoke = new Set([...current].filter((p) => !keep.has(p)))
    const add = new Set<number>()
    for (const p of targetPartitions) {
      if (keep.has(p)) continue
      if (partitionEpoch(topicId, p) !== -1) hasUnreleased = true
      else add.add(p)
    }
    if (keep.size > 0) assigned.set(topicId, keep)
    if (revoke.size > 0) pendingRevocation.set(topicId, revoke)
    if (add.size > 0) pendingAssignment.set(topicId, add)
  }
  if (pendingRevocation.size > 0 && ownsAny(owned, pendingRevocation)) {
    return {...member, state: MemberState.UNREVOKED_PARTITIONS, ...withEpoch(member, memberEpoch), assignedPartitions: assigned, partitionsPendingRevocation: pendingRevocation}
  }
  for (const [t, ps] of pendingAssignment) {
    const set = assigned.get(t) ?? new Set<number>()
    for (const p of ps) set.add(p)
    assigned.set(t, set)
  }
  const state = hasUnreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE
  return {...member, state, ...withEpoch(member, targetEpoch), assignedPartitions: assigned, partitionsPendingRevocation: new Map()}
}
