// The controller's reassignment steps (Kafka's PartitionReassignmentReplicas,
// PartitionReassignmentRevert and the reassignment parts of PartitionChangeBuilder), checked
// against the cases Kafka's own unit tests describe.

import {describe, expect, it} from 'vitest'

import {buildPartitionChange, completedReassignment, decideAlterPartition, removeBrokerFromPartition, type PartitionEpochView} from '../../../src/controller/leader-election.js'
import {planReassignment, reassignmentReplicas, revertReassignment, validateManualAssignment, type ReassignmentContext} from '../../../src/controller/reassignment.js'
import {ErrorCode, KafkaError} from '../../../src/protocol/errors.js'

const alive =
  (...ids: number[]) =>
  (id: number) =>
    ids.includes(id)

function ctx(over: Partial<ReassignmentContext> = {}): ReassignmentContext {
  return {partitionName: 't:0', isRegistered: alive(1, 2, 3, 4, 5), isAcceptableLeader: alive(1, 2, 3, 4, 5), uncleanLeaderElection: false, ...over}
}

function part(replicas: number[], isr: number[], leader: number, adding: number[] = [], removing: number[] = []): PartitionEpochView {
  return {replicas, isr, leader, leaderEpoch: 5, partitionEpoch: 9, addingReplicas: adding, removingReplicas: removing}
}

function kafkaErrorOf(f: () => unknown): KafkaError {
  try {
    f()
  } catch (e) {
    if (e instanceof KafkaError) return e
    throw e
  }
  throw new Error('expected a KafkaError')
}

describe('reassignmentReplicas', () => {
  it('puts the target first, then the removing replicas; adding and removing sorted', () => {
    expect(reassignmentReplicas([3, 1, 2], [4, 5, 2])).toEqual({replicas: [4, 5, 2, 1, 3], adding: [4, 5], removing: [1, 3]})
  })
  it('a pure reorder adds and removes nothing', () => {
    expect(reassignmentReplicas([1, 2, 3], [3, 2, 1])).toEqual({replicas: [3, 2, 1], adding: [], removing: []})
  })
})

describe('completedReassignment', () => {
  it('waits until every target replica is in the ISR', () => {
    expect(completedReassignment([2, 3, 1], [3], [1], [1, 2])).toBeNull()
    expect(completedReassignment([2, 3, 1], [3], [1], [1, 2, 3])).toEqual({replicas: [2, 3], isr: [2, 3]})
  })
  it('is nothing without a reassignment in progress', () => {
    expect(completedReassignment([1, 2], [], [], [1, 2])).toBeNull()
  })
})

describe('revertReassignment', () => {
  it('drops the adding replicas from the replicas and the ISR, keeps the removing ones', () => {
    expect(revertReassignment(part([4, 2, 1], [1, 2, 4], 1, [4], [1]))).toEqual({replicas: [2, 1], isr: [1, 2], unclean: false})
  })
  it('needs an unclean election when only adding replicas are in the ISR', () => {
    expect(revertReassignment(part([4, 1], [4], 4, [4], [1]))).toEqual({replicas: [1], isr: [1], unclean: true})
  })
})

describe('validateManualAssignment', () => {
  it("gives Kafka's messages", () => {
    expect(kafkaErrorOf(() => validateManualAssignment([], undefined, alive(1))).message).toBe('The manual partition assignment includes an empty replica list.')
    expect(kafkaErrorOf(() => validateManualAssignment([1, 9], undefined, alive(1))).message).toBe('The manual partition assignment includes broker 9, but no such broker is registered.')
    expect(kafkaErrorOf(() => validateManualAssignment([2, 1, 2], undefined, alive(1, 2))).message).toBe('The manual partition assignment includes the broker 2 more than once.')
    expect(kafkaErrorOf(() => validateManualAssignment([2, 1, 2], undefined, alive(1, 2))).code).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
  })
})

describe('planReassignment', () => {
  it('stage 1: adds the new replicas and marks adding and removing, the leader epoch unchanged', () => {
    const change = planReassignment(part([1, 2], [1, 2], 1), [2, 3], ctx())
    expect(change).toEqual({unclean: false, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1]})
  })

  it('stage 3: the ISR expansion that holds every target replica completes it and bumps the leader epoch', () => {
    const reassigning = part([2, 3, 1], [1, 2], 2, [3], [1])
    const change = buildPartitionChange(reassigning, [1, 2, 3], 'ONLINE', alive(1, 2, 3))
    expect(change).toEqual({unclean: false, leader: 2, isr: [2, 3], replicas: [2, 3], addingReplicas: [], removingReplicas: []})
  })

  it('moves leadership when the leader is being removed, and AlterPartition answers NEW_LEADER_ELECTED', () => {
    const reassigning = part([2, 3, 1], [1, 2], 1, [3], [1])
    const data = {brokerId: 1, version: 3, leaderEpoch: 5, partitionEpoch: 9, newIsr: [1, 2, 3].map((brokerId) => ({brokerId, brokerEpoch: -1n})), leaderRecoveryState: 0}
    const decision = decideAlterPartition(reassigning, data, alive(1, 2, 3), false)
    expect(decision.change).toEqual({unclean: false, leader: 2, isr: [2, 3], replicas: [2, 3], addingReplicas: [], removingReplicas: []})
    expect(decision.errorCode).toBe(ErrorCode.NEW_LEADER_ELECTED)
    expect(decision.leaderEpoch).toBe(6)
    expect(decideAlterPartition(reassigning, {...data, version: 1}, alive(1, 2, 3), false).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
  })

  it('a reorder of replicas already in the ISR completes at once', () => {
    expect(planReassignment(part([1, 2, 3], [1, 2, 3], 1), [3, 2, 1], ctx())).toEqual({unclean: false, replicas: [3, 2, 1]})
  })

  it('shrinking the replication factor completes at once when the rest is in sync', () => {
    expect(planReassignment(part([1, 2, 3], [1, 2, 3], 3), [1, 2], ctx())).toEqual({unclean: false, leader: 1, isr: [1, 2], replicas: [1, 2]})
  })

  it('raising the replication factor from 1 to 3 keeps the leader', () => {
    expect(planReassignment(part([1], [1], 1), [1, 2, 3], ctx())).toEqual({unclean: false, replicas: [1, 2, 3], addingReplicas: [2, 3]})
  })

  it('no change for the same replicas', () => {
    expect(planReassignment(part([1, 2], [1, 2], 1), [1, 2], ctx())).toBeNull()
  })

  it('a new target during a reassignment starts from the current (union) replicas', () => {
    const reassigning = part([2, 3, 1], [1, 2], 1, [3], [1])
    expect(planReassignment(reassigning, [2, 4], ctx())).toEqual({unclean: false, replicas: [2, 4, 1, 3], addingReplicas: [4], removingReplicas: [1, 3]})
  })

  it('cancellation reverts to the original replicas and drops adding ones from the ISR', () => {
    const reassigning = part([2, 3, 1], [1, 2, 3], 1, [3], [1])
    expect(planReassignment(reassigning, null, ctx())).toEqual({unclean: false, leader: 1, isr: [1, 2], replicas: [2, 1], addingReplicas: [], removingReplicas: []})
  })

  it('cancellation with nothing in progress is NO_REASSIGNMENT_IN_PROGRESS', () => {
    const e = kafkaErrorOf(() => planReassignment(part([1, 2], [1, 2], 1), null, ctx()))
    expect(e.code).toBe(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS)
    expect(e.message).toBe('No partition reassignment is in progress.')
  })

  it('a cancellation needing an unclean election is refused unless the topic allows it', () => {
    const reassigning = part([4, 1], [4], 4, [4], [1])
    const e = kafkaErrorOf(() => planReassignment(reassigning, null, ctx()))
    expect(e.code).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect(e.message).toBe('Unable to revert partition assignment for t:0 because it would require an unclean leader election.')
    expect(planReassignment(reassigning, null, ctx({uncleanLeaderElection: true}))).toMatchObject({leader: 1, isr: [1], replicas: [1], addingReplicas: [], removingReplicas: []})
  })

  it('refuses unregistered and duplicate brokers', () => {
    expect(kafkaErrorOf(() => planReassignment(part([1, 2], [1, 2], 1), [1, 7], ctx())).code).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect(kafkaErrorOf(() => planReassignment(part([1, 2], [1, 2], 1), [1, 1], ctx())).code).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
  })

  it('fencing a removing replica can complete a reassignment too', () => {
    const reassigning = part([2, 3, 1], [1, 2, 3], 2, [], [1])
    expect(removeBrokerFromPartition(reassigning, 1, alive(2, 3), {uncleanLeaderElection: false})).toEqual({
      unclean: false,
      leader: 2,
      isr: [2, 3],
      replicas: [2, 3],
      removingReplicas: [],
    })
  })
})
