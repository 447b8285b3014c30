// Reconciliation of KIP-848 members (Kafka's CurrentAssignmentBuilder) and the group state that
// replaying records produces.
import {describe, expect, it} from 'vitest'
import {ConsumerGroup, MemberState, newMember, reconcile, type Assignment, type ConsumerGroupMember} from '../../../src/group/consumer-group.js'

const A = (entries: Record<string, number[]>): Assignment => new Map(Object.entries(entries).map(([t, ps]) => [t, new Set(ps)]))

function member(epoch: number, assigned: Assignment, state: number = MemberState.STABLE): ConsumerGroupMember {
  return {...newMember('m'), memberEpoch: epoch, previousMemberEpoch: epoch - 1, state: state as ConsumerGroupMember['state'], assignedPartitions: assigned}
}

const free = () => -1

describe('member reconciliation', () => {
  it('a new member gets free partitions and the target epoch at once', () => {
    const next = reconcile(member(0, A({})), 3, A({T: [0, 1]}), free, [])
    expect(next.state).toBe(MemberState.STABLE)
    expect(next.memberEpoch).toBe(3)
    expect(next.assignedPartitions).toEqual(A({T: [0, 1]}))
  })

  it('revokes first, staying in its epoch, until it stops reporting the revoked partitions', () => {
    const m = member(2, A({T: [0, 1, 2]}))
    const revoking = reconcile(m, 3, A({T: [0]}), free, [{topicId: 'T', partitions: [0, 1, 2]}])
    expect(revoking.state).toBe(MemberState.UNREVOKED_PARTITIONS)
    expect(revoking.memberEpoch).toBe(2)
    expect(revoking.assignedPartitions).toEqual(A({T: [0]}))
    expect(revoking.partitionsPendingRevocation).toEqual(A({T: [1, 2]}))
    // Still owning 1 and 2: no progress.
    expect(reconcile(revoking, 3, A({T: [0]}), free, [{topicId: 'T', partitions: [0, 1, 2]}])).toBe(revoking)
    const done = reconcile(revoking, 3, A({T: [0]}), free, [{topicId: 'T', partitions: [0]}])
    expect(done.state).toBe(MemberState.STABLE)
    expect(done.memberEpoch).toBe(3)
    expect(done.partitionsPendingRevocation.size).toBe(0)
  })

  it('waits for partitions another member still owns (UNRELEASED_PARTITIONS)', () => {
    const ownedByOther = (t: string, p: number) => (t === 'T' && p === 1 ? 2 : -1)
    const next = reconcile(member(2, A({T: [0]})), 3, A({T: [0, 1]}), ownedByOther, [{topicId: 'T', partitions: [0]}])
    expect(next.state).toBe(MemberState.UNRELEASED_PARTITIONS)
    expect(next.memberEpoch).toBe(3)
    expect(next.assignedPartitions).toEqual(A({T: [0]}))
    const released = reconcile(next, 3, A({T: [0, 1]}), free, [{topicId: 'T', partitions: [0]}])
    expect(released.state).toBe(MemberState.STABLE)
    expect(released.assignedPartitions).toEqual(A({T: [0, 1]}))
  })
})

describe('consumer group replay', () => {
  it('builds members, epochs, owners and the state from records', () => {
    const g = new ConsumerGroup('cg', 0)
    expect(g.state).toBe('Empty')
    g.replay({type: 'ConsumerGroupMemberMetadata', groupId: 'cg', memberId: 'm1', value: {instanceId: 'i1', rackId: null, clientId: 'c', clientHost: '/h', subscribedTopicNames: ['t'], subscribedTopicRegex: null, rebalanceTimeoutMs: 1000, serverAssignor: null}}, 1)
    g.replay({type: 'ConsumerGroupMetadata', groupId: 'cg', value: {epoch: 1}}, 1)
    expect(g.state).toBe('Assigning')
    g.replay({type: 'ConsumerGroupTargetAssignmentMember', groupId: 'cg', memberId: 'm1', value: {topicPartitions: [{topicId: 'T', partitions: [0, 1]}]}}, 1)
    g.replay({type: 'ConsumerGroupTargetAssignmentMetadata', groupId: 'cg', value: {assignmentEpoch: 1}}, 1)
    expect(g.state).toBe('Reconciling')
    g.replay({type: 'ConsumerGroupCurrentMemberAssignment', groupId: 'cg', memberId: 'm1', value: {memberEpoch: 1, previousMemberEpoch: 0, state: 0, assignedPartitions: [{topicId: 'T', partitions: [0, 1]}], partitionsPendingRevocation: []}}, 1)
    expect(g.state).toBe('Stable')
    expect(g.currentPartitionEpoch('T', 1)).toBe(1)
    expect(g.staticMember('i1')?.memberId).toBe('m1')
    // Leaving: tombstones in Kafka's order release the partitions and the instance id.
    g.replay({type: 'ConsumerGroupCurrentMemberAssignment', groupId: 'cg', memberId: 'm1', value: null}, 2)
    expect(g.currentPartitionEpoch('T', 1)).toBe(-1)
    g.replay({type: 'ConsumerGroupTargetAssignmentMember', groupId: 'cg', memberId: 'm1', value: null}, 2)
    g.replay({type: 'ConsumerGroupMemberMetadata', groupId: 'cg', memberId: 'm1', value: null}, 2)
    expect(g.state).toBe('Empty')
    expect(g.staticMember('i1')).toBeUndefined()
    expect(g.replay({type: 'ConsumerGroupMetadata', groupId: 'cg', value: null}, 3)).toBe(false)
  })
})
