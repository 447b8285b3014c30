// Replication on an in-process cluster of three brokers (broker 1 the lone controller voter, 2 and
// 3 brokers only, so stopping them keeps the quorum), with real clients: kafkajs produces and
// consumes, Kafka's kafka-leader-election.sh (the Java AdminClient) elects leaders.
//   - followers hold the leader's exact bytes and epochs; a follower refuses consumers with
//     NOT_LEADER_OR_FOLLOWER naming the leader;
//   - acks=all waits for the ISR; a follower that stops fetching leaves it after
//     replica.lag.time.max.ms and comes back once it catches up;
//   - NOT_ENOUGH_REPLICAS below min.insync.replicas (acks=1 still appends);
//   - controlled shutdown moves leadership first; preferred and unclean elections through
//     ElectLeaders; unclean.leader.election.enable; the old leader truncates what it alone had.

import {Kafka, logLevel, type Producer} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Fetch, Produce} from '../../src/client/apis.js'
import {BrokerConnection} from '../../src/client/connection.js'
import {ErrorCode} from '../../src/protocol/errors.js'
import {ZERO_UUID} from '../../src/protocol/primitives.js'
import {encodeRecordBatch} from '../../src/protocol/record-batch.js'
import {hasPeers, runKafkaTool} from '../helpers/peers.js'
import {InProcessCluster, waitFor} from './replication-helpers.js'

let cluster: InProcessCluster
let kafka: Kafka
let producer: Producer

beforeAll(async () => {
  cluster = await InProcessCluster.start({
    brokers: 3,
    voters: [1],
    config: {'replica.lag.time.max.ms': '2000', 'auto.leader.rebalance.enable': 'false', 'auto.create.topics.enable': 'false'},
  })
  kafka = new Kafka({clientId: 'replication-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 8, initialRetryTime: 100}})
  producer = kafka.producer()
  await producer.connect()
}, 60_000)

afterAll(async () => {
  await producer?.disconnect()
  await cluster?.close()
}, 60_000)

/** The partition as the controller's image (on broker 1, the controller) has it. */
function registration(topic: string, partition: number) {
  const p = cluster.broker(1).state.topic(topic)?.partitions[partition]
  if (!p) throw new Error(`no partition ${topic}-${partition}`)
  return p
}

async function createTopic(topic: string, opts: {partitions?: number; replicationFactor?: number; assignments?: number[][]; configs?: Record<string, string>}): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          ...(opts.assignments
            ? {replicaAssignment: opts.assignments.map((replicas, partition) => ({partition, replicas}))}
            : {numPartitions: opts.partitions ?? 1, replicationFactor: opts.replicationFactor ?? 3}),
          configEntries: Object.entries(opts.configs ?? {}).map(([name, value]) => ({name, value})),
        },
      ],
    })
  } finally {
    await admin.disconnect()
  }
  await waitFor(() => cluster.running().every((b) => b.state.topic(topic)), `${topic} on every broker`)
}

async function connectTo(brokerId: number): Promise<BrokerConnection> {
  const b = cluster.broker(brokerId)
  return BrokerConnection.open({host: '127.0.0.1', port: b.port, clientId: 'replication-test', tls: null, sasl: null, connectTimeoutMs: 5000, requestTimeoutMs: 30_000})
}

async function produceRaw(brokerId: number, topic: string, partition: number, acks: number, values: string[]): Promise<number> {
  const conn = await connectTo(brokerId)
  try {
    const records = encodeRecordBatch({records: values.map((v) => ({key: null, value: v, timestamp: BigInt(Date.now())}))})
    const r = await conn.request(Produce, {transactionalId: null, acks, timeoutMs: 10_000, topicData: [{name: topic, partitionData: [{index: partition, records}]}]}, 11)
    return r.responses[0]!.partitionResponses[0]!.errorCode
  } finally {
    conn.close()
  }
}

/** Every replica's log of a partition, as raw bytes from offset 0 to its end. */
function replicaBytes(topic: string, partition: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>()
  for (const b of cluster.running()) {
    const p = b.replicaManager.getPartition(topic, partition)
    if (p) out.set(b.nodeId, p.log.read(0, 64 << 20, {isolation: 'log-end'}).records)
  }
  return out
}

async function leaderElection(args: string[]): Promise<string> {
  const r = await runKafkaTool('kafka-leader-election', ['--bootstrap-server', cluster.bootstrapServers.split(',')[0]!, ...args], {timeoutMs: 60_000})
  return r.stdout + r.stderr
}

describe('replication on an in-process cluster', () => {
  it('followers hold the leader’s exact bytes; a follower sends consumers to the leader', async () => {
    await createTopic('same', {partitions: 3, replicationFactor: 3, configs: {'min.insync.replicas': '2'}})
    for (let i = 0; i < 30; i++) {
      await producer.send({topic: 'same', acks: -1, messages: Array.from({length: 10}, (_, j) => ({key: `k${j}`, value: `v${i}-${j}`}))})
    }
    for (let partition = 0; partition < 3; partition++) {
      const leader = registration('same', partition).leaderId
      const leaderLog = cluster.broker(leader).replicaManager.getPartition('same', partition)!.log
      await waitFor(
        () => cluster.running().every((b) => b.replicaManager.getPartition('same', partition)!.log.highWatermark === leaderLog.logEndOffset),
        `same-${partition}: every replica's high watermark at the leader's end`,
      )
      const bytes = replicaBytes('same', partition)
      expect(bytes.size).toBe(3)
      for (const [, b] of bytes) expect(b.equals(bytes.get(leader)!)).toBe(true)
      for (const b of cluster.running()) {
        expect(b.replicaManager.getPartition('same', partition)!.log.leaderEpochCache.epochEntries()).toEqual(leaderLog.leaderEpochCache.epochEntries())
      }
    }
    const {leaderId, leaderEpoch, replicas} = registration('same', 0)
    const follower = replicas.find((id) => id !== leaderId)!
    const conn = await connectTo(follower)
    try {
      const r = await conn.request(
        Fetch,
        {
          clusterId: null,
          replicaId: -1,
          replicaState: {replicaId: -1, replicaEpoch: -1n},
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 20,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [{topic: 'same', topicId: cluster.broker(1).state.topic('same')!.topicId, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: ZERO_UUID}]}],
          forgottenTopicsData: [],
          rackId: '',
        },
        16,
      )
      const p = r.responses[0]!.partitions[0]!
      expect(p.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
      expect(p.currentLeader).toEqual({leaderId, leaderEpoch})
      expect(r.nodeEndpoints.map((e) => e.nodeId)).toEqual([leaderId])
    } finally {
      conn.close()
    }
  })

  it('acks=all waits for the ISR; a follower that stops fetching leaves it after replica.lag.time.max.ms and rejoins', async () => {
    const {leaderId, replicas} = registration('same', 0)
    const followerId = replicas.find((id) => id !== leaderId)!
    const followerPartition = cluster.broker(followerId).replicaManager.getPartition('same', 0)!
    const fetchers = cluster.broker(followerId).replicaManager.fetcherManager!
    fetchers.removePartitions([followerPartition])
    // The produce cannot complete while the silent follower is in the ISR; it does once the leader drops it.
    await producer.send({topic: 'same', acks: -1, timeout: 30_000, messages: [{partition: 0, value: 'while a follower is silent'}]})
    const shrunk = registration('same', 0)
    expect(shrunk.isr).not.toContain(followerId)
    expect(shrunk.isr).toHaveLength(2)
    fetchers.addPartitions([followerPartition])
    await waitFor(() => registration('same', 0).isr.includes(followerId), `broker ${followerId} back in the ISR of same-0`)
    expect(registration('same', 0).isr).toHaveLength(3)
  })

  it('NOT_ENOUGH_REPLICAS for acks=-1 while the ISR is below min.insync.replicas; acks=1 still appends', async () => {
    await createTopic('strict', {assignments: [[2, 1, 3]], configs: {'min.insync.replicas': '3'}})
    expect(await produceRaw(2, 'strict', 0, -1, ['a'])).toBe(ErrorCode.NONE)
    await cluster.stopBroker(3)
    await waitFor(() => registration('strict', 0).isr.length === 2, 'strict-0 to lose broker 3 from its ISR')
    await waitFor(() => cluster.broker(2).replicaManager.getPartition('strict', 0)!.isr.length === 2, 'the leader to learn the smaller ISR')
    expect(await produceRaw(2, 'strict', 0, -1, ['b'])).toBe(ErrorCode.NOT_ENOUGH_REPLICAS)
    expect(await produceRaw(2, 'strict', 0, 1, ['c'])).toBe(ErrorCode.NONE)
    await cluster.startBroker(3)
    await waitFor(() => registration('strict', 0).isr.length === 3, 'broker 3 back in the ISR of strict-0')
    await waitFor(() => cluster.broker(2).replicaManager.getPartition('strict', 0)!.isr.length === 3, 'the leader to learn the full ISR')
    expect(await produceRaw(2, 'strict', 0, -1, ['d'])).toBe(ErrorCode.NONE)
    const bytes = replicaBytes('strict', 0)
    await waitFor(() => [...replicaBytes('strict', 0).values()].every((b) => b.equals(replicaBytes('strict', 0).get(2)!)), 'every replica of strict-0 to be identical')
    expect(bytes.size).toBe(3)
  })

  it('a controlled shutdown moves leadership away first; kafka-leader-election.sh elects the preferred leaders back', async () => {
    await createTopic('moves', {assignments: [[3, 1, 2], [3, 2, 1], [1, 2, 3]], configs: {'min.insync.replicas': '2'}})
    await producer.send({topic: 'moves', acks: -1, messages: [0, 1, 2].map((partition) => ({partition, value: 'before'}))})
    await cluster.stopBroker(3)
    for (let partition = 0; partition < 3; partition++) {
      const p = registration('moves', partition)
      expect(p.leaderId).not.toBe(3)
      expect(p.leaderId).toBeGreaterThan(0)
      expect(p.isr).not.toContain(3)
    }
    await producer.send({topic: 'moves', acks: -1, messages: [0, 1, 2].map((partition) => ({partition, value: 'while 3 is down'}))})
    await cluster.startBroker(3)
    await waitFor(() => [0, 1, 2].every((p) => registration('moves', p).isr.length === 3), 'broker 3 back in every ISR of moves')
    expect([0, 1].map((p) => registration('moves', p).leaderId)).not.toContain(3)

    if (hasPeers()) {
      const out = await leaderElection(['--election-type', 'preferred', '--topic', 'moves', '--partition', '0'])
      expect(out).toContain('Successfully completed leader election (PREFERRED) for partitions moves-0')
      const again = await leaderElection(['--election-type', 'preferred', '--topic', 'moves', '--partition', '0'])
      expect(again).toContain('Valid replica already elected for partitions moves-0')
      const all = await leaderElection(['--election-type', 'preferred', '--all-topic-partitions'])
      expect(all).toMatch(/Successfully completed leader election \(PREFERRED\) for partitions .*moves-1/)
    } else {
      await cluster.broker(1).partitionControl.electLeaders({electionType: 0, topicPartitions: null, timeoutMs: 10_000}, 2)
    }
    expect([0, 1, 2].map((p) => registration('moves', p).leaderId)).toEqual([3, 3, 1])
    // Every record is still there for a consumer, from the new leaders.
    const consumer = kafka.consumer({groupId: 'moves-reader'})
    await consumer.connect()
    await consumer.subscribe({topic: 'moves', fromBeginning: true})
    const seen: string[] = []
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({message}) => {
          seen.push(message.value!.toString())
          if (seen.length === 6) resolve()
        },
      })
    })
    await consumer.disconnect()
    expect(seen.sort()).toEqual(['before', 'before', 'before', 'while 3 is down', 'while 3 is down', 'while 3 is down'])
  })

  it('unclean elections: automatic with unclean.leader.election.enable, on request through ElectLeaders; the old leader truncates', async () => {
    await createTopic('unclean-on', {assignments: [[2, 3]], configs: {'unclean.leader.election.enable': 'true'}})
    await createTopic('unclean-off', {assignments: [[2, 3]]})
    for (const topic of ['unclean-on', 'unclean-off']) expect(await produceRaw(2, topic, 0, -1, ['r0', 'r1', 'r2', 'r3', 'r4'])).toBe(ErrorCode.NONE)
    await waitFor(() => ['unclean-on', 'unclean-off'].every((t) => cluster.broker(3).replicaManager.getPartition(t, 0)!.log.logEndOffset === 5), 'broker 3 to hold both topics')
    await cluster.stopBroker(3)
    // Only broker 2 has these: they are lost to an unclean election.
    for (const topic of ['unclean-on', 'unclean-off']) expect(await produceRaw(2, topic, 0, 1, ['lost-1', 'lost-2', 'lost-3'])).toBe(ErrorCode.NONE)
    await cluster.stopBroker(2)
    expect(registration('unclean-on', 0)).toMatchObject({leaderId: -1, isr: [2]})
    await cluster.startBroker(3)
    await waitFor(() => registration('unclean-on', 0).leaderId === 3, 'an unclean election of broker 3 for unclean-on-0')
    expect(registration('unclean-on', 0).isr).toEqual([3])
    expect(registration('unclean-off', 0).leaderId).toBe(-1)

    if (hasPeers()) {
      const out = await leaderElection(['--election-type', 'unclean', '--topic', 'unclean-off', '--partition', '0'])
      expect(out).toContain('Successfully completed leader election (UNCLEAN) for partitions unclean-off-0')
    } else {
      await cluster.broker(1).partitionControl.electLeaders({electionType: 1, topicPartitions: [{topic: 'unclean-off', partitions: [0]}], timeoutMs: 10_000}, 2)
    }
    expect(registration('unclean-off', 0)).toMatchObject({leaderId: 3, isr: [3]})
    for (const topic of ['unclean-on', 'unclean-off']) expect(await produceRaw(3, topic, 0, 1, ['after'])).toBe(ErrorCode.NONE)

    // The old leader comes back as a follower: what only it had is truncated, and it rejoins the ISR.
    await cluster.startBroker(2)
    for (const topic of ['unclean-on', 'unclean-off']) {
      await waitFor(() => registration(topic, 0).isr.length === 2, `broker 2 back in the ISR of ${topic}-0`)
      const bytes = await waitFor(() => {
        const b = replicaBytes(topic, 0)
        return b.get(2)!.equals(b.get(3)!) ? b : undefined
      }, `broker 2's ${topic}-0 to equal broker 3's`)
      expect(cluster.broker(2).replicaManager.getPartition(topic, 0)!.log.logEndOffset).toBe(6)
      expect(bytes.get(2)!.includes('lost-1')).toBe(false)
    }
  })
})
