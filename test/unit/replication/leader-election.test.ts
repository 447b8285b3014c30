// The controller's partition decisions (src/controller/leader-election.ts) against the cases of
// Kafka's PartitionChangeBuilder and ReplicationControlManager: elections (online, preferred,
// unclean), a broker leaving, ElectLeaders' errors, and AlterPartition's checks and outcome.

import {describe, expect, it} from 'vitest'

import {
  buildPartitionChange,
  decideAlterPartition,
  ElectionType,
  electForLeaderlessPartition,
  electLeadersFor,
  NO_LEADER,
  removeBrokerFromPartition,
  validateAlterPartition,
  validIsr,
  type AlterPartitionData,
  type IsrCandidate,
  type PartitionEpochView,
} from '../../../src/controller/leader-election.js'
import {ErrorCode} from '../../../src/protocol/errors.js'

const alive = (...ids: number[]) => (id: number) => ids.includes(id)
const p = (replicas: number[], isr: number[], leader: number, leaderEpoch = 3, partitionEpoch = 7): PartitionEpochView => ({replicas, isr, leader, leaderEpoch, partitionEpoch})

describe('buildPartitionChange', () => {
  it('keeps a leader that is in the ISR and alive, whatever the ISR becomes', () => {
    expect(buildPartitionChange(p([1, 2, 3], [1, 2, 3], 2), [2, 3], 'ONLINE', alive(1, 2, 3))).toEqual({unclean: false, isr: [2, 3]})
    expect(buildPartitionChange(p([1, 2, 3], [1, 2, 3], 2), [1, 2, 3], 'ONLINE', alive(1, 2, 3))).toBeNull()
  })

  it('online election: the first live ISR member in replica order', () => {
    expect(buildPartitionChange(p([3, 1, 2], [1, 2, 3], 3), [1, 2], 'ONLINE', alive(1, 2))).toEqual({unclean: false, leader: 1, isr: [1, 2]})
    expect(buildPartitionChange(p([3, 2, 1], [1, 2, 3], 3), [1, 2], 'ONLINE', alive(1, 2))).toEqual({unclean: false, leader: 2, isr: [1, 2]})
  })

  it('preferred election: the first replica when it is in the ISR and alive, else the current leader stays', () => {
    expect(buildPartitionChange(p([1, 2, 3], [2, 3, 1], 2), [2, 3, 1], 'PREFERRED', alive(1, 2, 3))).toEqual({unclean: false, leader: 1})
    expect(buildPartitionChange(p([1, 2, 3], [2, 3], 2), [2, 3], 'PREFERRED', alive(1, 2, 3))).toBeNull()
    expect(buildPartitionChange(p([1, 2, 3], [2, 3, 1], 2), [2, 3, 1], 'PREFERRED', alive(2, 3))).toBeNull()
  })

  it('unclean election: a live replica outside the ISR becomes leader and the whole ISR', () => {
    expect(buildPartitionChange(p([1, 2, 3], [1], NO_LEADER), [1], 'UNCLEAN', alive(2, 3))).toEqual({unclean: true, leader: 2, isr: [2]})
    expect(buildPartitionChange(p([1, 2, 3], [1], NO_LEADER), [1], 'ONLINE', alive(2, 3))).toBeNull()
  })

  it('never empties the ISR: the last member stays, without a leader', () => {
    expect(buildPartitionChange(p([1, 2], [1], 1), [], 'ONLINE', alive(2))).toEqual({unclean: false, leader: NO_LEADER})
  })
})

describe('a broker leaving (fencing, controlled shutdown) and coming back', () => {
  it('takes the broker out of the ISR and moves its leadership', () => {
    expect(removeBrokerFromPartition(p([1, 2, 3], [1, 2, 3], 1), 1, alive(1, 2, 3), {uncleanLeaderElection: false})).toEqual({unclean: false, leader: 2, isr: [2, 3]})
    expect(removeBrokerFromPartition(p([1, 2, 3], [1, 2, 3], 2), 1, alive(1, 2, 3), {uncleanLeaderElection: false})).toEqual({unclean: false, isr: [2, 3]})
    expect(removeBrokerFromPartition(p([1, 2, 3], [2, 3], 2), 1, alive(2, 3), {uncleanLeaderElection: false})).toBeNull()
  })

  it('leaves the partition leaderless with its last ISR member when no other may lead, or elects uncleanly when allowed', () => {
    expect(removeBrokerFromPartition(p([1, 2], [1], 1), 1, alive(2), {uncleanLeaderElection: false})).toEqual({unclean: false, leader: NO_LEADER})
    expect(removeBrokerFromPartition(p([1, 2], [1], 1), 1, alive(2), {uncleanLeaderElection: true})).toEqual({unclean: true, leader: 2, isr: [2]})
  })

  it('gives a leaderless partition a leader when an ISR member comes back', () => {
    expect(electForLeaderlessPartition(p([1, 2], [1], NO_LEADER), alive(1), {uncleanLeaderElection: false})).toEqual({unclean: false, leader: 1})
    expect(electForLeaderlessPartition(p([1, 2], [1], NO_LEADER), alive(2), {uncleanLeaderElection: false})).toBeNull()
    expect(electForLeaderlessPartition(p([1, 2], [1, 2], 1), alive(1, 2), {uncleanLeaderElection: false})).toBeNull()
  })
})

describe('ElectLeaders', () => {
  it('PREFERRED: ELECTION_NOT_NEEDED when the first replica leads, PREFERRED_LEADER_NOT_AVAILABLE when it cannot', () => {
    expect(electLeadersFor(p([1, 2], [1, 2], 1), ElectionType.PREFERRED, alive(1, 2))).toEqual({
      errorCode: ErrorCode.ELECTION_NOT_NEEDED,
      errorMessage: 'Leader election not needed for topic partition.',
      change: null,
    })
    expect(electLeadersFor(p([1, 2], [2], 2), ElectionType.PREFERRED, alive(1, 2)).errorCode).toBe(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE)
    expect(electLeadersFor(p([1, 2], [1, 2], 2), ElectionType.PREFERRED, alive(1, 2))).toEqual({errorCode: ErrorCode.NONE, errorMessage: null, change: {unclean: false, leader: 1}})
  })

  it('UNCLEAN: ELECTION_NOT_NEEDED with a leader, ELIGIBLE_LEADERS_NOT_AVAILABLE with no live replica', () => {
    expect(electLeadersFor(p([1, 2], [1, 2], 1), ElectionType.UNCLEAN, alive(1, 2)).errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED)
    expect(electLeadersFor(p([1, 2], [1], NO_LEADER), ElectionType.UNCLEAN, alive()).errorCode).toBe(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE)
    expect(electLeadersFor(p([1, 2], [1], NO_LEADER), ElectionType.UNCLEAN, alive(2)).change).toEqual({unclean: true, leader: 2, isr: [2]})
    // An ISR member that is back is preferred to an unclean choice.
    expect(electLeadersFor(p([2, 1], [1], NO_LEADER), ElectionType.UNCLEAN, alive(1, 2)).change).toEqual({unclean: false, leader: 1})
  })
})

describe('AlterPartition', () => {
  const registered = new Map<number, IsrCandidate>([
    [1, {fenced: false, inControlledShutdown: false, epoch: 10n}],
    [2, {fenced: false, inControlledShutdown: false, epoch: 20n}],
    [3, {fenced: true, inControlledShutdown: false, epoch: 30n}],
    [4, {fenced: false, inControlledShutdown: true, epoch: 40n}],
  ])
  const reg = (id: number) => registered.get(id)
  const data = (over: Partial<AlterPartitionData> = {}): AlterPartitionData => ({
    brokerId: 1,
    version: 3,
    leaderEpoch: 3,
    partitionEpoch: 7,
    newIsr: [
      {brokerId: 1, brokerEpoch: 10n},
      {brokerId: 2, brokerEpoch: 20n},
    ],
    leaderRecoveryState: 0,
    ...over,
  })
  const part = p([1, 2, 3, 4, 5], [1], 1)

  it('accepts a valid expansion and answers the partition as it will be', () => {
    expect(validateAlterPartition(part, data(), reg).errorCode).toBe(ErrorCode.NONE)
    expect(decideAlterPartition(part, data(), alive(1, 2), false)).toEqual({
      change: {unclean: false, isr: [1, 2]},
      errorCode: ErrorCode.NONE,
      leader: 1,
      isr: [1, 2],
      leaderEpoch: 3,
      partitionEpoch: 8,
    })
    // The ISR the controller already has: nothing to write, the same epochs back.
    expect(decideAlterPartition(part, data({newIsr: [{brokerId: 1, brokerEpoch: 10n}]}), alive(1), false)).toMatchObject({change: null, isr: [1], partitionEpoch: 7})
  })

  it('checks epochs, the leader and the ISR as Kafka does', () => {
    const code = (over: Partial<AlterPartitionData>) => validateAlterPartition(part, data(over), reg).errorCode
    expect(code({leaderEpoch: 4})).toBe(ErrorCode.NOT_CONTROLLER)
    expect(code({partitionEpoch: 8})).toBe(ErrorCode.NOT_CONTROLLER)
    expect(code({leaderEpoch: 2})).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect(code({brokerId: 2})).toBe(ErrorCode.INVALID_REQUEST)
    expect(code({partitionEpoch: 6})).toBe(ErrorCode.INVALID_UPDATE_VERSION)
    expect(code({newIsr: [{brokerId: 1, brokerEpoch: 10n}, {brokerId: 9, brokerEpoch: -1n}]})).toBe(ErrorCode.INVALID_REQUEST)
    expect(code({newIsr: [{brokerId: 1, brokerEpoch: 10n}, {brokerId: 1, brokerEpoch: 10n}]})).toBe(ErrorCode.INVALID_REQUEST)
    expect(code({newIsr: [{brokerId: 2, brokerEpoch: 20n}]})).toBe(ErrorCode.INVALID_REQUEST)
    expect(code({leaderRecoveryState: 1})).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('refuses ineligible replicas: fenced, shutting down, unregistered, or fetching with an older broker epoch', () => {
    const code = (member: {brokerId: number; brokerEpoch: bigint}, version = 3) =>
      validateAlterPartition(part, data({version, newIsr: [{brokerId: 1, brokerEpoch: 10n}, member]}), reg).errorCode
    expect(code({brokerId: 3, brokerEpoch: 30n})).toBe(ErrorCode.INELIGIBLE_REPLICA)
    expect(code({brokerId: 4, brokerEpoch: 40n})).toBe(ErrorCode.INELIGIBLE_REPLICA)
    expect(code({brokerId: 5, brokerEpoch: -1n})).toBe(ErrorCode.INELIGIBLE_REPLICA)
    expect(code({brokerId: 2, brokerEpoch: 19n})).toBe(ErrorCode.INELIGIBLE_REPLICA)
    expect(code({brokerId: 2, brokerEpoch: -1n})).toBe(ErrorCode.NONE)
    expect(code({brokerId: 3, brokerEpoch: 30n}, 1)).toBe(ErrorCode.OPERATION_NOT_ATTEMPTED)
  })

  it('NEW_LEADER_ELECTED (FENCED_LEADER_EPOCH before v2) when the leader may no longer lead', () => {
    const d = decideAlterPartition(p([1, 2], [1, 2], 1), data({newIsr: [{brokerId: 1, brokerEpoch: 10n}, {brokerId: 2, brokerEpoch: 20n}]}), alive(2), false)
    expect(d).toMatchObject({errorCode: ErrorCode.NEW_LEADER_ELECTED, leader: 2, leaderEpoch: 4, partitionEpoch: 8, change: {leader: 2}})
    expect(decideAlterPartition(p([1, 2], [1, 2], 1), data({version: 1}), alive(2), false).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
  })

  it('validIsr: a duplicate-free subset of the replicas', () => {
    expect(validIsr([1, 2, 3], [])).toBe(true)
    expect(validIsr([1, 2, 3], [3, 1])).toBe(true)
    expect(validIsr([1, 2, 3], [1, 1])).toBe(false)
    expect(validIsr([1, 2, 3], [-1])).toBe(false)
    expect(validIsr([1, 2, 3], [4])).toBe(false)
  })
})
