// startCluster() as a user's failover test uses it: three broker processes with a controller
// quorum, kafkajs producing and consuming, a broker killed for real (SIGKILL), the client
// carrying on with the new leader, and the broker restarted.

import {Kafka, logLevel, type Producer} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {viewCluster} from '../../src/cluster/cluster-view.js'
import {isBrokerProcess} from '../../src/cluster/processes.js'
import {startCluster, type StartedCluster} from '../../src/index.js'

let cluster: StartedCluster
let producer: Producer
let kafka: Kafka

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function leaders(topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const md = await admin.fetchTopicMetadata({topics: [topic]})
    return new Map(md.topics[0]!.partitions.map((p) => [p.partitionId, p.leader]))
  } finally {
    await admin.disconnect()
  }
}

beforeAll(async () => {
  cluster = await startCluster({brokers: 3, config: {'broker.session.timeout.ms': 1500, 'broker.heartbeat.interval.ms': 200}})
  kafka = new Kafka({clientId: 'cluster-api-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 10, initialRetryTime: 100}})
})

afterAll(async () => {
  await producer?.disconnect().catch(() => {})
  await cluster?.stop()
})

describe('startCluster()', () => {
  it('resolves with three running brokers, a bootstrap list and an active controller', async () => {
    expect(cluster.brokers.map((b) => b.id)).toEqual([1, 2, 3])
    expect(cluster.bootstrapServers).toBe(cluster.brokers.map((b) => `127.0.0.1:${b.port}`).join(','))
    for (const b of cluster.brokers) expect(b.pid).not.toBeNull()
    expect([1, 2, 3]).toContain(await cluster.activeController())
    const admin = kafka.admin()
    await admin.connect()
    try {
      const described = await admin.describeCluster()
      expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3])
      expect(described.clusterId).toBe(cluster.clusterId)
      expect(await admin.createTopics({topics: [{topic: 'orders', numPartitions: 3, replicationFactor: 2}]})).toBe(true)
    } finally {
      await admin.disconnect()
    }
  })

  it('a producer carries on after the leader of its partition is killed: the client refreshes metadata and writes to the new leader', async () => {
    producer = kafka.producer({allowAutoTopicCreation: false})
    await producer.connect()
    await producer.send({topic: 'orders', acks: 1, messages: [{partition: 0, value: 'before'}]})
    const leader = (await leaders('orders')).get(0)!
    const victim = cluster.brokers.find((b) => b.id === leader)!
    await cluster.killBroker(leader)
    expect(isBrokerProcess(victim.pid, `${cluster.dataDir}/broker-${leader}/server.properties`)).toBe(false)
    expect(cluster.brokers.find((b) => b.id === leader)!.pid).toBeNull()

    const newLeader = await waitFor('a new leader for partition 0', async () => {
      const l = (await leaders('orders').catch(() => null))?.get(0)
      return l !== undefined && l !== leader && l >= 0 ? l : null
    })
    const [result] = await producer.send({topic: 'orders', acks: 1, messages: [{partition: 0, value: 'after'}]})
    expect(result!.errorCode).toBe(0)
    expect(newLeader).not.toBe(leader)
  })

  it('restarts the killed broker, which registers again and is unfenced', async () => {
    const down = cluster.brokers.find((b) => b.pid === null)!
    await cluster.restartBroker(down.id)
    expect(cluster.brokers.find((b) => b.id === down.id)!.pid).not.toBeNull()
    const admin = kafka.admin()
    await admin.connect()
    try {
      expect((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3])
    } finally {
      await admin.disconnect()
    }
  })

  it('stops a broker in a controlled way and elects a new active controller when it was the active one', async () => {
    const active = await cluster.activeController()
    await cluster.stopBroker(active)
    const next = await waitFor('a new active controller', async () => {
      const c = await cluster.activeController()
      return c >= 0 && c !== active ? c : null
    })
    expect(next).not.toBe(active)
    // It leads nothing any more (a partition whose ISR was that broker alone is offline, which kafkajs refuses to describe).
    const live = cluster.brokers.find((b) => b.pid !== null)!
    const view = await viewCluster(live.host, live.port)
    expect(view.leaders.get(active) ?? 0).toBe(0)
    expect([...view.alive.keys()].sort()).toEqual([1, 2, 3].filter((id) => id !== active))
  })
})
