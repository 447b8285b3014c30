// Replication and failover on a 3-broker cluster of broker processes (startCluster), with the
// tskafka CLI and real clients:
//   - `tskafka topics --create --partitions 3 --replication-factor 2` spreads leaders and replicas
//     over the brokers as Kafka's placement does, and --describe shows Leader, Replicas and Isr;
//   - SIGKILL a partition leader under a kafkajs producer: the sends go on (the clients refresh
//     metadata), the restarted broker answers Produce with NOT_LEADER_OR_FOLLOWER and the new
//     leader, and auto.leader.rebalance.enable hands the partition back to its preferred replica;
//   - committed offsets survive the loss of the group coordinator (__consumer_offsets replicated);
//   - a controlled shutdown (SIGTERM) moves leadership away before the broker exits.

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Produce} from '../../src/client/apis.js'
import {BrokerConnection} from '../../src/client/connection.js'
import {partitionForGroup} from '../../src/group/partitioner.js'
import {startCluster, type StartedCluster} from '../../src/index.js'
import {ErrorCode} from '../../src/protocol/errors.js'
import {encodeRecordBatch} from '../../src/protocol/record-batch.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {describeTopic, fullIsr, waitForPartitions} from '../chaos/cluster-probe.js'

let cluster: StartedCluster
let kafka: Kafka

beforeAll(async () => {
  assertCliBuilt()
  cluster = await startCluster({
    brokers: 3,
    config: {
      'broker.session.timeout.ms': 3000,
      'broker.heartbeat.interval.ms': 500,
      'leader.imbalance.check.interval.seconds': 2,
      'auto.create.topics.enable': false,
      'offsets.topic.num.partitions': 3,
    },
  })
  kafka = new Kafka({clientId: 'failover-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 10, initialRetryTime: 200}})
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
}, 120_000)

const brokers = () => cluster.brokers

async function createTopic(topic: string, partitions: number, replicationFactor: number, configs: Record<string, string> = {}): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({waitForLeaders: true, topics: [{topic, numPartitions: partitions, replicationFactor, configEntries: Object.entries(configs).map(([name, value]) => ({name, value}))}]})
  } finally {
    await admin.disconnect()
  }
  await waitForPartitions(brokers, topic, fullIsr, 30_000, `${topic} fully replicated`)
}

describe('a 3-broker cluster', () => {
  it('topics --create spreads leaders and replicas as Kafka does; --describe shows Leader, Replicas and Isr', async () => {
    const bootstrap = ['--bootstrap-server', cluster.bootstrapServers.split(',')[0]!]
    const created = await runCli(['topics', '--create', '--topic', 't', '--partitions', '3', '--replication-factor', '2', ...bootstrap])
    expect(created.stderr).toBe('')
    expect(created.stdout).toBe('Created topic t.\n')
    await waitForPartitions(brokers, 't', fullIsr, 30_000, 't fully replicated')
    const described = await runCli(['topics', '--describe', '--topic', 't', ...bootstrap])
    expect(described.code).toBe(0)
    const rows = described.stdout
      .split('\n')
      .filter((l) => l.includes('Partition:'))
      .map((l) => {
        const m = /^\tTopic: t\tPartition: (\d+)\tLeader: (\d+)\tReplicas: ([\d,]+)\tIsr: ([\d,]+)/.exec(l)
        expect(m, l).not.toBeNull()
        return {partition: Number(m![1]), leader: Number(m![2]), replicas: m![3]!.split(',').map(Number), isr: m![4]!.split(',').map(Number)}
      })
    expect(described.stdout.split('\n')[0]).toMatch(/^Topic: t\tTopicId: \S+\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: /)
    expect(rows.map((r) => r.partition)).toEqual([0, 1, 2])
    // One leader per broker, each broker holding two of the six replicas, the leader first.
    expect(new Set(rows.map((r) => r.leader)).size).toBe(3)
    for (const id of [1, 2, 3]) expect(rows.filter((r) => r.replicas.includes(id))).toHaveLength(2)
    for (const r of rows) {
      expect(new Set(r.replicas).size).toBe(2)
      expect(r.leader).toBe(r.replicas[0])
      expect([...r.isr].sort()).toEqual([...r.replicas].sort())
    }
  })

  it('a SIGKILLed leader: sends go on through the new leader, the old one redirects, and the preferred leader comes back', async () => {
    await createTopic('failover', 1, 3, {'min.insync.replicas': '2'})
    const [before] = (await describeTopic(brokers(), 'failover'))!
    const victim = before!.leader
    const producer = kafka.producer({idempotent: true})
    await producer.connect()
    let sent = 0
    const sending = (async () => {
      for (let i = 0; i < 150; i++) {
        await producer.send({topic: 'failover', acks: -1, messages: [{value: `m${i}`}]})
        sent++
      }
    })()
    while (sent < 30) await new Promise((r) => setTimeout(r, 20))
    await cluster.killBroker(victim)
    await sending
    await producer.disconnect()
    const after = await waitForPartitions(brokers, 'failover', (ps) => ps[0]!.leader >= 0 && ps[0]!.leader !== victim, 30_000, 'a new leader')
    const newLeader = after[0]!.leader

    await cluster.restartBroker(victim)
    const b = cluster.brokers.find((x) => x.id === victim)!
    const conn = await BrokerConnection.open({host: b.host, port: b.port, clientId: 'failover-test', tls: null, sasl: null, connectTimeoutMs: 5000, requestTimeoutMs: 10_000})
    try {
      const records = encodeRecordBatch({records: [{key: null, value: 'to the old leader', timestamp: BigInt(Date.now())}]})
      const r = await conn.request(Produce, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 'failover', partitionData: [{index: 0, records}]}]}, 11)
      const p = r.responses[0]!.partitionResponses[0]!
      // Unless the preferred leader already came back to it.
      if (p.errorCode !== ErrorCode.NONE) {
        expect(p.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
        expect(p.currentLeader.leaderId).toBe(newLeader)
        expect(r.nodeEndpoints.map((e) => e.nodeId)).toEqual([newLeader])
      }
    } finally {
      conn.close()
    }
    // auto.leader.rebalance.enable: back to the first replica once it is in the ISR again.
    const balanced = await waitForPartitions(brokers, 'failover', (ps) => ps[0]!.leader === ps[0]!.replicas[0] && fullIsr(ps), 30_000, 'the preferred leader back')
    expect(balanced[0]!.isr).toHaveLength(3)

    const consumer = kafka.consumer({groupId: 'failover-reader'})
    await consumer.connect()
    await consumer.subscribe({topic: 'failover', fromBeginning: true})
    const seen = new Set<string>()
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({message}) => {
          const v = message.value!.toString()
          if (v.startsWith('m')) seen.add(v)
          if (seen.size === 150) resolve()
        },
      })
    })
    await consumer.disconnect()
    expect(seen.size).toBe(150)
  })

  it('committed offsets survive the loss of the group coordinator', async () => {
    await createTopic('orders', 1, 3)
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'orders', acks: -1, messages: Array.from({length: 20}, (_, i) => ({value: `o${i}`}))})
    const first = kafka.consumer({groupId: 'billing'})
    await first.connect()
    await first.subscribe({topic: 'orders', fromBeginning: true})
    let read = 0
    await new Promise<void>((resolve) => {
      void first.run({
        autoCommit: false,
        eachMessage: async ({message, partition}) => {
          read++
          if (read === 20) {
            await first.commitOffsets([{topic: 'orders', partition, offset: String(Number(message.offset) + 1)}])
            resolve()
          }
        },
      })
    })
    await first.disconnect()
    const offsets = await waitForPartitions(brokers, '__consumer_offsets', fullIsr, 30_000, '__consumer_offsets fully replicated')
    const coordinator = offsets[partitionForGroup('billing', offsets.length)]!.leader
    await cluster.killBroker(coordinator)
    await producer.send({topic: 'orders', acks: -1, messages: [{value: 'after the coordinator died'}]})
    await producer.disconnect()

    const second = kafka.consumer({groupId: 'billing'})
    await second.connect()
    await second.subscribe({topic: 'orders', fromBeginning: true})
    const resumed = await new Promise<string>((resolve) => {
      void second.run({eachMessage: async ({message}) => resolve(message.value!.toString())})
    })
    await second.disconnect()
    expect(resumed).toBe('after the coordinator died')
    await cluster.restartBroker(coordinator)
    await waitForPartitions(brokers, '__consumer_offsets', fullIsr, 30_000, '__consumer_offsets fully replicated again')
  })

  it('a controlled shutdown moves leadership away before the broker exits', async () => {
    await createTopic('graceful', 3, 3, {'min.insync.replicas': '2'})
    const view = (await describeTopic(brokers(), 'graceful'))!
    const victim = view[0]!.leader
    await cluster.stopBroker(victim)
    const after = (await describeTopic(brokers(), 'graceful'))!
    for (const p of after) {
      expect(p.leader).toBeGreaterThan(0)
      expect(p.leader).not.toBe(victim)
      expect(p.isr).not.toContain(victim)
    }
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'graceful', acks: -1, messages: [0, 1, 2].map((partition) => ({partition, value: 'with two replicas'}))})
    await producer.disconnect()
    await cluster.restartBroker(victim)
    await waitForPartitions(brokers, 'graceful', fullIsr, 30_000, 'graceful fully replicated again')
  })
})
