// AlterPartitionReassignments and ListPartitionReassignments on a 3-broker cluster of broker
// processes, sent over the wire to a broker that forwards them to the active controller:
//   - a partition moves off its only replica onto two others (leadership moves with it) and
//     another goes from RF 1 to RF 3, while a kafkajs producer (acks=-1) keeps writing: every
//     acknowledged record is readable afterwards, in order, and the removed replica's log is
//     deleted from its broker's disk;
//   - a move onto a stopped broker stays in progress (ListPartitionReassignments shows it, and
//     `tskafka topics --describe` prints it as kafka-topics.sh does) until it is cancelled, which
//     restores the original replicas;
//   - Kafka's per-partition errors for unknown topics and partitions, unregistered and duplicate
//     brokers, and a cancellation with nothing in progress.

import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {Kafka, logLevel, type Producer} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {AlterPartitionReassignments, ListPartitionReassignments} from '../../src/client/apis.js'
import {BrokerConnection} from '../../src/client/connection.js'
import {startCluster, type StartedCluster} from '../../src/index.js'
import {ErrorCode} from '../../src/protocol/errors.js'
import type {AlterPartitionReassignmentsResponse} from '../../src/protocol/generated/alter-partition-reassignments-response.js'
import {sleep, waitForPartitions} from '../chaos/cluster-probe.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {describeRun, runKafkaTool} from '../helpers/peers.js'

let cluster: StartedCluster
let kafka: Kafka

beforeAll(async () => {
  assertCliBuilt()
  cluster = await startCluster({
    brokers: 3,
    config: {
      'broker.session.timeout.ms': 3000,
      'broker.heartbeat.interval.ms': 500,
      'auto.create.topics.enable': false,
      'auto.leader.rebalance.enable': false,
      'offsets.topic.num.partitions': 1,
    },
  })
  kafka = new Kafka({clientId: 'reassignment-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 12, initialRetryTime: 200}})
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
})

const brokers = () => cluster.brokers.filter((b) => b.pid !== null)

/** A connection to a broker that is not the active controller, so requests are forwarded. */
async function nonControllerConnection(): Promise<BrokerConnection> {
  const controller = await cluster.activeController()
  const b = cluster.brokers.find((x) => x.id !== controller && x.pid !== null) ?? cluster.brokers[0]!
  return BrokerConnection.open({host: b.host, port: b.port, clientId: 'reassignment-test', tls: null, sasl: null, connectTimeoutMs: 5000, requestTimeoutMs: 30_000})
}

async function alter(topics: Array<{name: string; partitions: Array<{partitionIndex: number; replicas: number[] | null}>}>): Promise<AlterPartitionReassignmentsResponse> {
  const conn = await nonControllerConnection()
  try {
    return await conn.request(AlterPartitionReassignments, {timeoutMs: 30_000, topics})
  } finally {
    conn.close()
  }
}

async function listReassignments(topics: Array<{name: string; partitionIndexes: number[]}> | null) {
  const conn = await nonControllerConnection()
  try {
    return await conn.request(ListPartitionReassignments, {timeoutMs: 30_000, topics})
  } finally {
    conn.close()
  }
}

function partitionLogExists(brokerId: number, partitionDir: string): boolean {
  return existsSync(join(cluster.dataDir, `broker-${brokerId}`, 'data', partitionDir))
}

describe('partition reassignment', () => {
  it('moves replicas under a running producer: every acknowledged record survives, leadership follows, removed logs go', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        {
          topic: 'moving',
          replicaAssignment: [
            {partition: 0, replicas: [1]},
            {partition: 1, replicas: [2]},
          ],
        },
      ],
    })
    await admin.disconnect()

    const producer: Producer = kafka.producer({allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    const acked: Array<{partition: number; key: string}> = []
    const value = 'x'.repeat(512)
    let n = 0
    // One partition per send: kafkajs 2.2.4 resolves a multi-broker send without re-sending a
    // failed partition whose new leader already answered for another partition of the same send.
    const send = async (count: number) => {
      for (let i = 0; i < count; i++) {
        for (const partition of [0, 1]) {
          const key = `k-${n}-${partition}`
          await producer.send({topic: 'moving', acks: -1, messages: [{partition, key, value}]})
          acked.push({partition, key})
        }
        n++
      }
    }
    await send(200)

    let moving = true
    const background = (async () => {
      while (moving) {
        await send(5)
        await sleep(10)
      }
    })()

    const r = await alter([
      {
        name: 'moving',
        partitions: [
          {partitionIndex: 0, replicas: [2, 3]},
          {partitionIndex: 1, replicas: [2, 3, 1]},
        ],
      },
    ])
    expect(r.errorCode).toBe(ErrorCode.NONE)
    expect(r.responses).toEqual([
      {
        name: 'moving',
        partitions: [
          {partitionIndex: 0, errorCode: 0, errorMessage: null},
          {partitionIndex: 1, errorCode: 0, errorMessage: null},
        ],
      },
    ])

    const done = await waitForPartitions(
      brokers,
      'moving',
      (ps) => ps[0]?.replicas.join() === '2,3' && ps[0].isr.length === 2 && ps[1]?.replicas.join() === '2,3,1' && ps[1].isr.length === 3,
      60_000,
      'the reassignment to complete',
    )
    expect(done[0]!.leader).toBe(2)
    expect(done[1]!.leader).toBe(2)
    expect((await listReassignments(null)).topics).toEqual([])

    moving = false
    await background
    await producer.disconnect()

    // Broker 1 no longer hosts moving-0; broker 3 does, as do all three for moving-1.
    for (let i = 0; i < 50 && partitionLogExists(1, 'moving-0'); i++) await sleep(100)
    expect(partitionLogExists(1, 'moving-0')).toBe(false)
    expect(partitionLogExists(3, 'moving-0')).toBe(true)
    expect([1, 2, 3].every((id) => partitionLogExists(id, 'moving-1'))).toBe(true)

    const consumer = kafka.consumer({groupId: 'reassignment-check'})
    await consumer.connect()
    await consumer.subscribe({topic: 'moving', fromBeginning: true})
    const seen: Array<{partition: number; key: string}> = []
    await consumer.run({eachMessage: async ({partition, message}) => void seen.push({partition, key: message.key!.toString()})})
    const deadline = Date.now() + 30_000
    while (seen.length < acked.length && Date.now() < deadline) await sleep(100)
    await consumer.disconnect()
    for (const p of [0, 1]) {
      const got = seen.filter((s) => s.partition === p).map((s) => s.key)
      const want = acked.filter((a) => a.partition === p).map((a) => a.key)
      // Every acknowledged record once, in the order acknowledged (the stream went on across the move).
      expect(got).toEqual(want)
    }
  }, 120_000)

  it('a move onto a stopped broker stays in progress until cancelled, which restores the original replicas', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'stuck', replicaAssignment: [{partition: 0, replicas: [1, 2]}]}]})
    await admin.disconnect()
    await cluster.stopBroker(3)
    try {
      const r = await alter([{name: 'stuck', partitions: [{partitionIndex: 0, replicas: [2, 3]}]}])
      expect(r.responses[0]!.partitions[0]).toEqual({partitionIndex: 0, errorCode: 0, errorMessage: null})
      const listed = await listReassignments([{name: 'stuck', partitionIndexes: [0, 7]}])
      expect(listed.errorCode).toBe(ErrorCode.NONE)
      expect(listed.topics).toEqual([{name: 'stuck', partitions: [{partitionIndex: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1]}]}])
      await sleep(1500)
      const meanwhile = await waitForPartitions(brokers, 'stuck', (ps) => ps[0] !== undefined, 10_000, 'the topic')
      expect(meanwhile[0]!.replicas).toEqual([2, 3, 1])
      expect(meanwhile[0]!.isr.sort()).toEqual([1, 2])
      // Both tools show the move in progress, with the same text.
      const ours = await runCli(['topics', '--describe', '--topic', 'stuck', '--bootstrap-server', cluster.bootstrapServers])
      const theirs = await runKafkaTool('kafka-topics.sh', ['--describe', '--topic', 'stuck', '--bootstrap-server', cluster.bootstrapServers])
      expect(ours.code, describeRun('tskafka topics', ours)).toBe(0)
      expect(ours.stdout).toContain('\tReplicas: 2,3,1\tIsr: 1,2\tAdding Replicas: 3\tRemoving Replicas: 1\tElr: \tLastKnownElr: ')
      expect(ours.stdout.replace(/TopicId: \S+/, '')).toBe(theirs.stdout.replace(/TopicId: \S+/, ''))

      const cancelled = await alter([{name: 'stuck', partitions: [{partitionIndex: 0, replicas: null}]}])
      expect(cancelled.responses[0]!.partitions[0]).toEqual({partitionIndex: 0, errorCode: 0, errorMessage: null})
      const after = await waitForPartitions(brokers, 'stuck', (ps) => ps[0]?.replicas.join() === '2,1', 10_000, 'the cancellation')
      expect(after[0]!.isr.sort()).toEqual([1, 2])
      expect((await listReassignments(null)).topics).toEqual([])
    } finally {
      await cluster.restartBroker(3)
    }
  }, 120_000)

  it("answers Kafka's per-partition errors", async () => {
    const r = await alter([
      {name: 'nope', partitions: [{partitionIndex: 0, replicas: [1]}]},
      {
        name: 'moving',
        partitions: [
          {partitionIndex: 9, replicas: [1]},
          {partitionIndex: 0, replicas: [1, 9]},
          {partitionIndex: 1, replicas: [1, 1]},
          {partitionIndex: 1, replicas: null},
          {partitionIndex: 0, replicas: []},
        ],
      },
    ])
    expect(r.errorCode).toBe(ErrorCode.NONE)
    expect(r.responses).toEqual([
      {name: 'nope', partitions: [{partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'Unable to find a topic named nope.'}]},
      {
        name: 'moving',
        partitions: [
          {partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'Unable to find partition moving:9.'},
          {partitionIndex: 0, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes broker 9, but no such broker is registered.'},
          {partitionIndex: 1, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes the broker 1 more than once.'},
          {partitionIndex: 1, errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: 'No partition reassignment is in progress.'},
          {partitionIndex: 0, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes an empty replica list.'},
        ],
      },
    ])
  }, 60_000)
})
