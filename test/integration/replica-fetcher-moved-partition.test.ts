// A follower's fetcher (src/replication/replica-fetcher.ts) must not touch a partition that left it
// while it was connecting to its leader. Found by the reassignment drill (test/chaos/
// reassignment-drill.test.ts, 5 brokers, seed 335194153): an adding replica's fetcher for the old
// leader, which had been SIGKILLed, was still reconnecting when leadership moved to another broker;
// the new leader's fetcher copied the log up to offset 4387, then the old fetcher got its connection
// (the killed broker was back) and cut the log to its high watermark, 4380, as a partition without
// a leader epoch starts. The new fetcher went on appending from 4387: offsets 4380-4386, already
// acknowledged, were gone from that replica, and later from the replicas copied from it.
//
// Here the old leader is an in-process broker: the partition is added (the fetcher starts
// connecting) and moves away before the connection is up; a partition that stays shows the fetcher
// got past that point.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Partition} from '../../src/broker/partition.js'
import {createLogger} from '../../src/broker/logger.js'
import {ZERO_UUID} from '../../src/protocol/primitives.js'
import {ReplicaFetcher} from '../../src/replication/replica-fetcher.js'
import {startTestBroker, type TestBroker} from './data-helpers.js'

let leader: TestBroker

beforeAll(async () => {
  leader = await startTestBroker()
})

afterAll(async () => {
  await leader?.stop()
})

/** A follower's partition without a leader epoch (a new replica), recording truncations. */
function followerPartition(name: string, logEndOffset: number, highWatermark: number): {partition: Partition; truncations: number[]} {
  const truncations: number[] = []
  const log = {logEndOffset, highWatermark, logStartOffset: 0, latestEpoch: () => null}
  const partition = {
    name,
    topic: name.slice(0, name.lastIndexOf('-')),
    partition: Number(name.slice(name.lastIndexOf('-') + 1)),
    topicId: ZERO_UUID,
    leaderEpoch: 0,
    log,
    truncateTo(offset: number) {
      truncations.push(offset)
      log.logEndOffset = Math.min(log.logEndOffset, offset)
    },
  }
  return {partition: partition as unknown as Partition, truncations}
}

describe('replica fetcher', () => {
  it('leaves alone a partition that moved to another leader while it was connecting', async () => {
    const fetcher = new ReplicaFetcher({
      localBrokerId: 3,
      sourceBrokerId: 4,
      fetcherId: 0,
      endpoint: () => ({host: '127.0.0.1', port: leader.port}),
      brokerEpoch: () => 1n,
      settings: {maxWaitMs: 100, minBytes: 1, maxBytes: 1 << 20, partitionMaxBytes: 1 << 20, backoffMs: 50, socketTimeoutMs: 5000},
      logger: createLogger({level: 'off'}),
    })
    const moved = followerPartition('moves-1', 4387, 4380)
    const staying = followerPartition('other-0', 20, 10)
    try {
      fetcher.addPartitions([moved.partition, staying.partition])
      // Leadership moves before the connection to this leader is up.
      fetcher.removePartitions([moved.partition])
      for (let i = 0; i < 200 && staying.truncations.length === 0; i++) await new Promise((r) => setTimeout(r, 25))
      expect(staying.truncations).toEqual([10])
      expect(moved.truncations).toEqual([])
      expect(fetcher.partitionNames()).toEqual(['other-0'])
    } finally {
      await fetcher.shutdown()
    }
  })
})
