// A partition replica's replication logic (src/broker/partition.ts) with real logs on disk and
// the controller stood in for by the test: the leader's high watermark over the ISR (and not
// below min.insync.replicas), ISR expansion and shrinking through AlterPartition proposals,
// acks=-1 completion, and a follower copying the leader's log, producer state included.

import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {Partition, type ReplicationContext} from '../../../src/broker/partition.js'
import type {PartitionRegistration} from '../../../src/controller/metadata-delta.js'
import {ErrorCode, KafkaError} from '../../../src/protocol/errors.js'
import {encodeRecordBatch} from '../../../src/protocol/record-batch.js'
import type {AlterPartitionItem, AlterPartitionOutcome} from '../../../src/replication/alter-partition-manager.js'
import {logConfig} from '../../../src/storage/log-config.js'
import {PartitionLog} from '../../../src/storage/partition-log.js'
import {batch, cleanupTempDirs, T0, tempDir} from '../storage/helpers.js'

afterEach(() => cleanupTempDirs())

/** The test's side of the controller: proposals wait here until answered. */
class FakeController {
  now = T0
  minIsr = 1
  eligible = new Set([1, 2, 3])
  readonly proposals: Array<{item: AlterPartitionItem; answer: (o: AlterPartitionOutcome | number) => void}> = []
  hwWakeups = 0

  context(): ReplicationContext {
    return {
      clock: () => this.now,
      replicaLagTimeMaxMs: 10_000,
      minInsyncReplicas: () => this.minIsr,
      isReplicaIsrEligible: (id) => this.eligible.has(id),
      localBrokerEpoch: () => 100n,
      submitAlterPartition: (item) =>
        new Promise((resolve, reject) => {
          this.proposals.push({item, answer: (o) => (typeof o === 'number' ? reject(new KafkaError(o)) : resolve(o))})
        }),
      onHighWatermarkIncreased: () => this.hwWakeups++,
      logger: null,
    }
  }

  /** Accepts the oldest proposal as the controller would (partition epoch + 1). */
  accept(): AlterPartitionItem {
    const p = this.proposals.shift()!
    p.answer({errorCode: 0, leaderId: 1, leaderEpoch: p.item.leaderEpoch, isr: p.item.newIsr.map((b) => b.brokerId), partitionEpoch: p.item.partitionEpoch + 1})
    return p.item
  }
}

function replica(nodeId: number, ctl: FakeController): Partition {
  const log = PartitionLog.open(join(tempDir('tskafka-repl-'), `t-0`), {config: logConfig()})
  return new Partition(nodeId, log, 'AAAAAAAAAAAAAAAAAAAAAQ', ctl.context())
}

function registration(over: Partial<PartitionRegistration> = {}): PartitionRegistration {
  return {topic: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition: 0, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1, leaderEpoch: 0, partitionEpoch: 0, ...over}
}

const flush = () => new Promise((r) => setImmediate(r))

/** One follower fetch round: read from the leader's log end view, append on the follower, report the position. */
function replicate(leader: Partition, follower: Partition, ctl: FakeController): void {
  const fetchOffset = follower.log.logEndOffset
  const r = leader.read({fetchOffset, currentLeaderEpoch: leader.leaderEpoch, lastFetchedEpoch: -1, maxBytes: 1 << 20, minOneMessage: true, isolation: 'log-end', fetchOnlyLeader: true})
  leader.updateFollowerFetchState(follower.localBrokerId, fetchOffset, follower.log.logStartOffset, ctl.now, r.logEndOffset, 200n + BigInt(follower.localBrokerId))
  if (r.records.length > 0) follower.appendRecordsToFollower(r.records, leader.leaderEpoch)
  follower.log.updateHighWatermark(Math.min(r.highWatermark, follower.log.logEndOffset))
}

describe('the leader', () => {
  it('moves the high watermark to the smallest log end offset of the ISR', () => {
    const ctl = new FakeController()
    const [l, f2, f3] = [replica(1, ctl), replica(2, ctl), replica(3, ctl)]
    for (const p of [l, f2, f3]) p.applyRegistration(registration())
    l.appendRecordsToLeader(batch(['a', 'b', 'c']), {origin: 'client', requiredAcks: -1, minInsyncReplicas: 1})
    expect(l.log.highWatermark).toBe(0)
    expect(l.checkEnoughReplicasReachOffset(3)).toEqual({done: false, errorCode: ErrorCode.NONE})
    replicate(l, f2, ctl)
    replicate(l, f3, ctl)
    expect(l.log.highWatermark).toBe(0)
    replicate(l, f2, ctl)
    expect(l.log.highWatermark).toBe(0)
    replicate(l, f3, ctl)
    expect(l.log.highWatermark).toBe(3)
    expect(l.checkEnoughReplicasReachOffset(3)).toEqual({done: true, errorCode: ErrorCode.NONE})
    // Followers learn the high watermark with their next fetch, and hold the same records.
    replicate(l, f2, ctl)
    expect(f2.log.highWatermark).toBe(3)
    expect(f2.log.read(0, 1 << 20, {isolation: 'log-end'}).records).toEqual(l.log.read(0, 1 << 20, {isolation: 'log-end'}).records)
  })

  it('does not move the high watermark, nor take acks=-1 appends, while the ISR is below min.insync.replicas', () => {
    const ctl = new FakeController()
    ctl.minIsr = 2
    const [l, f2] = [replica(1, ctl), replica(2, ctl)]
    for (const p of [l, f2]) p.applyRegistration(registration({isr: [1]}))
    expect(() => l.appendRecordsToLeader(batch(['x']), {origin: 'client', requiredAcks: -1, minInsyncReplicas: 2})).toThrow(/insufficient to satisfy the min.isr requirement of 2/)
    l.appendRecordsToLeader(batch(['x']), {origin: 'client', requiredAcks: 1, minInsyncReplicas: 2})
    expect(l.isUnderMinIsr).toBe(true)
    expect(l.log.highWatermark).toBe(0)
  })

  it('proposes a caught-up follower for the ISR, counts it at once, and takes the controller’s answer', async () => {
    const ctl = new FakeController()
    const [l, f2, f3] = [replica(1, ctl), replica(2, ctl), replica(3, ctl)]
    for (const p of [l, f2, f3]) p.applyRegistration(registration({isr: [1, 2]}))
    l.appendRecordsToLeader(batch(['a', 'b']), {origin: 'client', requiredAcks: 1, minInsyncReplicas: 1})
    replicate(l, f2, ctl)
    replicate(l, f2, ctl)
    expect(l.log.highWatermark).toBe(2)
    // Follower 3 starts from nothing: below the high watermark it is not proposed yet.
    replicate(l, f3, ctl)
    expect(ctl.proposals).toHaveLength(0)
    replicate(l, f3, ctl)
    expect(ctl.proposals.map((p) => p.item.newIsr)).toEqual([
      [
        {brokerId: 1, brokerEpoch: 100n},
        {brokerId: 2, brokerEpoch: 202n},
        {brokerId: 3, brokerEpoch: 203n},
      ],
    ])
    expect(l.maximalIsr).toEqual([1, 2, 3])
    expect(l.isr).toEqual([1, 2])
    // While in flight the new member holds the high watermark back like any ISR member.
    l.appendRecordsToLeader(batch(['c']), {origin: 'client', requiredAcks: 1, minInsyncReplicas: 1})
    replicate(l, f2, ctl)
    replicate(l, f2, ctl)
    expect(l.log.highWatermark).toBe(2)
    ctl.accept()
    await flush()
    expect(l.isr).toEqual([1, 2, 3])
    expect(l.partitionEpoch).toBe(1)
    expect(l.isrChangeInFlight).toBe(false)
  })

  it('does not propose a follower the controller would refuse, and drops a refused proposal', async () => {
    const ctl = new FakeController()
    ctl.eligible.delete(3)
    const [l, f3] = [replica(1, ctl), replica(3, ctl)]
    for (const p of [l, f3]) p.applyRegistration(registration({isr: [1, 2]}))
    replicate(l, f3, ctl)
    expect(ctl.proposals).toHaveLength(0)
    ctl.eligible.add(3)
    replicate(l, f3, ctl)
    expect(ctl.proposals).toHaveLength(1)
    ctl.proposals.shift()!.answer(ErrorCode.INELIGIBLE_REPLICA)
    await flush()
    expect(l.isrChangeInFlight).toBe(false)
    expect(l.isr).toEqual([1, 2])
  })

  it('shrinks the ISR of followers that stopped catching up for replica.lag.time.max.ms', async () => {
    const ctl = new FakeController()
    const [l, f2, f3] = [replica(1, ctl), replica(2, ctl), replica(3, ctl)]
    for (const p of [l, f2, f3]) p.applyRegistration(registration())
    l.appendRecordsToLeader(batch(['a']), {origin: 'client', requiredAcks: -1, minInsyncReplicas: 1})
    replicate(l, f2, ctl)
    replicate(l, f3, ctl)
    replicate(l, f3, ctl)
    ctl.now += 5000
    l.appendRecordsToLeader(batch(['b']), {origin: 'client', requiredAcks: -1, minInsyncReplicas: 1})
    replicate(l, f2, ctl)
    replicate(l, f2, ctl)
    expect(l.outOfSyncReplicas()).toEqual([])
    ctl.now += 10_001
    expect(l.outOfSyncReplicas()).toEqual([3])
    l.maybeShrinkIsr()
    expect(ctl.proposals.map((p) => p.item.newIsr.map((b) => b.brokerId))).toEqual([[1, 2]])
    // Until the controller agrees, the departing member still holds the high watermark.
    expect(l.log.highWatermark).toBe(1)
    ctl.accept()
    await flush()
    expect(l.isr).toEqual([1, 2])
    expect(l.log.highWatermark).toBe(2)
    expect(ctl.hwWakeups).toBe(1)
  })

  it('answers acks=-1 with NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR fell below min.insync.replicas meanwhile', () => {
    const ctl = new FakeController()
    ctl.minIsr = 2
    const [l, f2] = [replica(1, ctl), replica(2, ctl)]
    for (const p of [l, f2]) p.applyRegistration(registration({replicas: [1, 2], isr: [1, 2]}))
    l.appendRecordsToLeader(batch(['a']), {origin: 'client', requiredAcks: -1, minInsyncReplicas: 2})
    replicate(l, f2, ctl)
    replicate(l, f2, ctl)
    expect(l.checkEnoughReplicasReachOffset(1)).toEqual({done: true, errorCode: ErrorCode.NONE})
    l.applyRegistration(registration({replicas: [1, 2], isr: [1], partitionEpoch: 1}))
    expect(l.checkEnoughReplicasReachOffset(1)).toEqual({done: true, errorCode: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND})
  })

  it('ignores a registration older than the partition epoch an AlterPartition answer brought', async () => {
    const ctl = new FakeController()
    const [l, f3] = [replica(1, ctl), replica(3, ctl)]
    for (const p of [l, f3]) p.applyRegistration(registration({isr: [1, 2]}))
    replicate(l, f3, ctl)
    ctl.accept()
    await flush()
    expect(l.partitionEpoch).toBe(1)
    expect(l.applyRegistration(registration({isr: [1, 2], partitionEpoch: 0})).stale).toBe(true)
    expect(l.isr).toEqual([1, 2, 3])
  })
})

describe('a follower', () => {
  it('keeps the producer state of what it replicates, so as leader it answers a retried batch as a duplicate', () => {
    const ctl = new FakeController()
    const [l, f2] = [replica(1, ctl), replica(2, ctl)]
    for (const p of [l, f2]) p.applyRegistration(registration({replicas: [1, 2], isr: [1, 2]}))
    const idempotent = () => encodeRecordBatch({producerId: 42n, producerEpoch: 0, baseSequence: 0, records: [{key: null, value: 'v', timestamp: BigInt(T0)}]})
    l.appendRecordsToLeader(idempotent(), {origin: 'client', requiredAcks: -1, minInsyncReplicas: 1})
    replicate(l, f2, ctl)
    // Leadership moves to 2 in epoch 1; the producer retries its batch there.
    f2.applyRegistration(registration({replicas: [1, 2], isr: [2], leader: 2, leaderEpoch: 1, partitionEpoch: 1}))
    const retried = f2.appendRecordsToLeader(idempotent(), {origin: 'client', requiredAcks: 1, minInsyncReplicas: 1})
    expect(retried).toMatchObject({duplicate: true, baseOffset: 0, lastOffset: 0})
    expect(f2.log.logEndOffset).toBe(1)
  })

  it('reports becoming leader or follower only for a new leader or leader epoch', () => {
    const ctl = new FakeController()
    const f = replica(2, ctl)
    expect(f.applyRegistration(registration())).toMatchObject({becameFollower: true, becameLeader: false})
    expect(f.applyRegistration(registration({isr: [1, 2], partitionEpoch: 1}))).toMatchObject({becameFollower: false, changed: false})
    expect(f.applyRegistration(registration({leader: 2, leaderEpoch: 1, partitionEpoch: 2}))).toMatchObject({becameLeader: true, changed: true})
    expect(f.log.leaderEpochCache.latestEntry()).toEqual({epoch: 1, startOffset: 0})
    expect(f.applyRegistration(registration({leader: -1, leaderEpoch: 2, partitionEpoch: 3}))).toMatchObject({becameFollower: false, becameLeader: false, changed: true})
  })
})
