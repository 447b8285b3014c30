// The controller quorum with three combined broker+controller nodes in this process, over real
// TCP: leader election, the replicated metadata log, admin requests forwarded by followers,
// DescribeQuorum, broker registration and fencing, and a new leader when the old one stops.
// Clients are kafkajs and a raw wire client (for the error codes clients hide).

import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Broker} from '../../src/broker/broker.js'
import {createLogger} from '../../src/broker/logger.js'
import {ensureFormatted} from '../../src/config/meta-properties.js'
import {METADATA_LOG_DIR_NAME, MetadataLog} from '../../src/controller/metadata-log.js'
import {ErrorCode} from '../../src/protocol/errors.js'
import {API_KEY} from '../../src/protocol/generated/index.js'
import {WireClient} from '../helpers/wire-client.js'

const CLUSTER_ID = 'q1c3ZGVzaWduZWRUZXN0MQ'
const root = mkdtempSync(join(tmpdir(), 'tskafka-quorum-'))
const nodes = new Map<number, Broker>()
const controllerPorts = new Map<number, number>()
const clients: WireClient[] = []

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

function props(id: number, extra: Record<string, string> = {}): Record<string, string> {
  const dir = join(root, `node-${id}`)
  ensureFormatted([dir], id, CLUSTER_ID)
  return {
    'process.roles': 'broker,controller',
    'node.id': String(id),
    listeners: `PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:${controllerPorts.get(id)}`,
    'controller.listener.names': 'CONTROLLER',
    'controller.quorum.voters': [...controllerPorts].map(([i, p]) => `${i}@127.0.0.1:${p}`).join(','),
    'controller.quorum.election.timeout.ms': '200',
    'broker.session.timeout.ms': '1500',
    'broker.heartbeat.interval.ms': '200',
    'log.dirs': dir,
    'offsets.topic.replication.factor': '3',
    ...extra,
  }
}

async function startNode(id: number): Promise<Broker> {
  const b = await Broker.start(props(id), {logger: createLogger({level: 'warn', sink: () => {}})})
  nodes.set(id, b)
  return b
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

function running(): Broker[] {
  return [...nodes.values()]
}

function leaderOf(brokers = running()): Broker | undefined {
  return brokers.find((b) => b.controller.isActive)
}

async function wire(port: number): Promise<WireClient> {
  const c = await WireClient.connect(port)
  clients.push(c)
  return c
}

function kafka(b: Broker) {
  return new Kafka({clientId: 'quorum-test', brokers: [b.bootstrapServers], logLevel: logLevel.NOTHING})
}

const controllerPort = (b: Broker) => b.boundEndpoints.find((e) => e.listenerType === 'controller')!.port

beforeAll(async () => {
  for (const id of [1, 2, 3]) controllerPorts.set(id, await freePort())
  await Promise.all([1, 2, 3].map((id) => startNode(id)))
})

afterAll(async () => {
  for (const c of clients) c.close()
  for (const b of running()) await b.stop()
  rmSync(root, {recursive: true, force: true})
})

describe('a three-voter controller quorum', () => {
  it('elects one leader that every node follows, and every broker is registered and unfenced', async () => {
    const leader = await waitFor('an active controller', () => leaderOf())
    for (const b of running()) {
      expect(b.controller.activeControllerId).toBe(leader.nodeId)
      expect(b.controller.raft.epoch).toBe(leader.controller.raft.epoch)
      expect(b.controller.raft.role).toBe(b === leader ? 'leader' : 'follower')
    }
    await waitFor('every broker to see all three', () => running().every((b) => b.state.aliveBrokers().length === 3))
    const cluster = await kafka(nodes.get(2)!).admin()
    await cluster.connect()
    try {
      const described = await cluster.describeCluster()
      expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3])
      expect(described.controller).toBe(leader.nodeId)
      expect(described.clusterId).toBe(CLUSTER_ID)
    } finally {
      await cluster.disconnect()
    }
  })

  it("refuses quorum configs that Kafka refuses, with Kafka's messages", async () => {
    const start = (extra: Record<string, string>) => Broker.start({...props(4), ...extra}, {logger: createLogger({level: 'off', sink: () => {}})})
    await expect(start({'process.roles': 'broker', listeners: 'PLAINTEXT://127.0.0.1:0', 'controller.quorum.voters': ''})).rejects.toThrow(
      'If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of controllers.',
    )
    await expect(start({'process.roles': 'broker', listeners: 'PLAINTEXT://127.0.0.1:0', 'node.id': '1', 'log.dirs': join(root, 'node-x')})).rejects.toThrow(
      "If process.roles contains just the 'broker' role, the node id 1 must not be included in the set of voters controller.quorum.voters=Set(1, 2, 3)",
    )
    await expect(start({listeners: 'PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0'})).rejects.toThrow("If process.roles contains the 'controller' role, the node id 4 must be included in the set of voters controller.quorum.voters=Set(1, 2, 3)")
  })

  it('keeps Kafka quorum-state files and opens each epoch with a LeaderChange control record', async () => {
    const leader = leaderOf()!
    for (const b of running()) {
      const line = readFileSync(join(root, `node-${b.nodeId}`, METADATA_LOG_DIR_NAME, 'quorum-state'), 'utf8')
      const state = JSON.parse(line)
      expect(Object.keys(state)).toEqual(['clusterId', 'leaderId', 'leaderEpoch', 'votedId', 'appliedOffset', 'currentVoters', 'data_version'])
      expect(state).toMatchObject({leaderId: leader.nodeId, leaderEpoch: leader.controller.raft.epoch, data_version: 0, currentVoters: [{voterId: 1}, {voterId: 2}, {voterId: 3}]})
    }
    const log = MetadataLog.open(join(root, `node-${leader.nodeId}`))
    try {
      const batches = log.readBatches(0, log.highWatermark)
      const control = batches.find((b) => b.leaderChange !== null && b.epoch === leader.controller.raft.epoch)
      expect(control?.leaderChange).toMatchObject({leaderId: leader.nodeId, voters: [{voterId: 1}, {voterId: 2}, {voterId: 3}]})
      // Every batch carries the epoch it was written in, and registrations follow.
      expect(batches.every((b) => b.epoch >= 1 && b.epoch <= leader.controller.raft.epoch)).toBe(true)
      const registered = batches.flatMap((b) => b.records).filter((r) => r.type === 'RegisterBrokerRecord')
      expect(registered.map((r) => (r.type === 'RegisterBrokerRecord' ? r.brokerId : -1)).sort()).toEqual([1, 2, 3])
    } finally {
      log.close()
    }
  })

  it('forwards admin requests from followers to the active controller and replicates the result to every node', async () => {
    const follower = running().find((b) => !b.controller.isActive)!
    const admin = kafka(follower).admin()
    await admin.connect()
    try {
      expect(await admin.createTopics({topics: [{topic: 'spread', numPartitions: 3, replicationFactor: 2}]})).toBe(true)
      await waitFor('the topic on every node', () => running().every((b) => b.state.topic('spread')?.partitions.length === 3))
      const partitions = running()[0]!.state.topic('spread')!.partitions
      // Kafka's placement: leaders on three different brokers, each broker in two replica sets.
      expect(new Set(partitions.map((p) => p.leaderId)).size).toBe(3)
      const counts = new Map<number, number>()
      for (const p of partitions) for (const r of p.replicas) counts.set(r, (counts.get(r) ?? 0) + 1)
      expect([...counts.values()]).toEqual([2, 2, 2])
      for (const b of running()) expect(b.state.topic('spread')!.partitions).toEqual(partitions)

      await admin.alterConfigs({validateOnly: false, resources: [{type: 2, name: 'spread', configEntries: [{name: 'retention.ms', value: '3600000'}]}]})
      await waitFor('the config on every node', () => running().every((b) => b.controller.configs.topic('spread').get('retention.ms') === '3600000'))

      const errors = await admin.createTopics({topics: [{topic: 'spread', numPartitions: 1}]}).catch((e: {type?: string}) => e.type)
      expect(errors).toBe(false)
    } finally {
      await admin.disconnect()
    }
  })

  it('hands out producer ids in blocks from the controller, never the same id on two brokers', async () => {
    const ids: bigint[] = []
    for (const b of running()) {
      const c = await wire(b.port)
      for (let i = 0; i < 2; i++) {
        const r = await c.request<{errorCode: number; producerId: bigint}>(API_KEY.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: -1, producerId: -1n, producerEpoch: -1})
        expect(r.body.errorCode).toBe(0)
        ids.push(r.body.producerId)
      }
    }
    expect(new Set(ids).size).toBe(ids.length)
    // Each broker's ids are consecutive within its own block of 1000.
    const blocks = new Set(ids.map((id) => id / 1000n))
    expect(blocks.size).toBe(3)
  })

  it('answers DescribeQuorum on the leader, relays it from a follower broker listener, and refuses it on a follower controller listener', async () => {
    const leader = leaderOf()!
    const follower = running().find((b) => b !== leader)!
    const request = {topics: [{topicName: '__cluster_metadata', partitions: [{partitionIndex: 0}]}]}
    type Q = {errorCode: number; topics: Array<{partitions: Array<{errorCode: number; leaderId: number; leaderEpoch: number; highWatermark: bigint; currentVoters: Array<{replicaId: number; logEndOffset: bigint}>}>}>; nodes: Array<{nodeId: number; listeners: Array<{name: string; port: number}>}>}
    const viaFollower = await (await wire(follower.port)).request<Q>(API_KEY.DescribeQuorum, 2, request)
    const p = viaFollower.body.topics[0]!.partitions[0]!
    expect(p).toMatchObject({errorCode: 0, leaderId: leader.nodeId, leaderEpoch: leader.controller.raft.epoch})
    expect(p.currentVoters.map((v) => v.replicaId)).toEqual([1, 2, 3])
    expect(p.highWatermark).toBeGreaterThan(0n)
    expect(viaFollower.body.nodes.map((n) => [n.nodeId, n.listeners[0]!.name, n.listeners[0]!.port])).toEqual(
      [1, 2, 3].map((id) => [id, 'CONTROLLER', controllerPorts.get(id)]),
    )
    const onFollowerController = await (await wire(controllerPort(follower))).request<Q>(API_KEY.DescribeQuorum, 2, request)
    expect(onFollowerController.body.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
  })

  it('answers the quorum and lifecycle APIs with Kafka error codes', async () => {
    const leader = leaderOf()!
    const follower = running().find((b) => b !== leader)!
    const c = await wire(controllerPort(follower))
    const vote = (clusterId: string | null, candidateEpoch: number) =>
      c.request<{errorCode: number; topics: Array<{partitions: Array<{errorCode: number; voteGranted: boolean; leaderId: number}>}>}>(API_KEY.Vote, 1, {
        clusterId,
        voterId: follower.nodeId,
        topics: [{topicName: '__cluster_metadata', partitions: [{partitionIndex: 0, candidateEpoch, candidateId: leader.nodeId, candidateDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA', voterDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA', lastOffsetEpoch: 0, lastOffset: 0n}]}],
      })
    expect((await vote('SomeOtherClusterIdAAAAA', 99)).body.errorCode).toBe(ErrorCode.INCONSISTENT_CLUSTER_ID)
    // A candidate's last epoch must be below the epoch it runs for.
    const invalid = (await vote(CLUSTER_ID, 0)).body.topics[0]!.partitions[0]!
    expect(invalid).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, voteGranted: false, leaderId: leader.nodeId})

    const registration = await c.request<{errorCode: number}>(API_KEY.BrokerRegistration, 4, {
      brokerId: 9,
      clusterId: CLUSTER_ID,
      incarnationId: 'AAAAAAAAAAAAAAAAAAAAAQ',
      listeners: [],
      features: [],
      rack: null,
      isMigratingZkBroker: false,
      logDirs: [],
      previousBrokerEpoch: -1n,
    })
    expect(registration.body.errorCode).toBe(ErrorCode.NOT_CONTROLLER)

    const l = await wire(controllerPort(leader))
    const heartbeat = await l.request<{errorCode: number}>(API_KEY.BrokerHeartbeat, 1, {
      brokerId: follower.nodeId,
      brokerEpoch: 123456n,
      currentMetadataOffset: 0n,
      wantFence: false,
      wantShutDown: false,
      offlineLogDirs: [],
    })
    expect(heartbeat.body.errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH)
    const wrongCluster = await l.request<{errorCode: number}>(API_KEY.BrokerRegistration, 4, {
      brokerId: 9,
      clusterId: 'SomeOtherClusterIdAAAAA',
      incarnationId: 'AAAAAAAAAAAAAAAAAAAAAQ',
      listeners: [],
      features: [],
      rack: null,
      isMigratingZkBroker: false,
      logDirs: [],
      previousBrokerEpoch: -1n,
    })
    expect(wrongCluster.body.errorCode).toBe(ErrorCode.INCONSISTENT_CLUSTER_ID)
  })

  it('fences a broker whose heartbeats stop and moves its leaderships to the ISR', async () => {
    const leader = leaderOf()!
    const victim = running().find((b) => b !== leader)!
    const led = () => leader.state.topic('spread')!.partitions.filter((p) => p.leaderId === victim.nodeId)
    expect(led().length).toBeGreaterThan(0)
    victim.lifecycle!.stop()
    await waitFor('the silent broker to be fenced', () => !leader.state.aliveBrokers().some((b) => b.nodeId === victim.nodeId))
    await waitFor('its leaderships to move', () => led().length === 0)
    for (const p of leader.state.topic('spread')!.partitions) {
      expect(p.isr).not.toContain(victim.nodeId)
      expect(p.leaderId).not.toBe(-1)
      expect(p.isr).toContain(p.leaderId)
    }
    // Restarting it: a new incarnation registers, catches up and is unfenced again.
    await victim.stop()
    nodes.delete(victim.nodeId)
    const back = await startNode(victim.nodeId)
    await waitFor('the restarted broker to be unfenced everywhere', () => running().every((b) => b.state.aliveBrokers().some((x) => x.nodeId === back.nodeId)))
    expect(back.state.topic('spread')?.partitions.length).toBe(3)
  })

  it('elects a new leader when the active controller stops, and keeps serving admin requests', async () => {
    const old = leaderOf()!
    const epoch = old.controller.raft.epoch
    // Partitions left without an ISR member to lead would be offline, which kafkajs refuses to work with.
    const cleanup = kafka(old).admin()
    await cleanup.connect()
    await cleanup.deleteTopics({topics: ['spread']})
    await cleanup.disconnect()
    await old.stop()
    nodes.delete(old.nodeId)
    const next = await waitFor('a new active controller', () => leaderOf())
    expect(next.nodeId).not.toBe(old.nodeId)
    expect(next.controller.raft.epoch).toBeGreaterThan(epoch)
    // A candidate for an epoch older than the current one is fenced.
    const c = await wire(controllerPort(next))
    const stale = await c.request<{topics: Array<{partitions: Array<{errorCode: number; voteGranted: boolean; leaderEpoch: number}>}>}>(API_KEY.Vote, 1, {
      clusterId: CLUSTER_ID,
      voterId: next.nodeId,
      topics: [{topicName: '__cluster_metadata', partitions: [{partitionIndex: 0, candidateEpoch: epoch, candidateId: old.nodeId, candidateDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA', voterDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA', lastOffsetEpoch: 0, lastOffset: 0n}]}],
    })
    expect(stale.body.topics[0]!.partitions[0]).toMatchObject({errorCode: ErrorCode.FENCED_LEADER_EPOCH, voteGranted: false, leaderEpoch: next.controller.raft.epoch})
    const admin = kafka(running().find((b) => b !== next) ?? next).admin()
    await admin.connect()
    try {
      expect(await admin.createTopics({topics: [{topic: 'after-failover', numPartitions: 2, replicationFactor: 2}]})).toBe(true)
    } finally {
      await admin.disconnect()
    }
    await waitFor('the new topic on the remaining nodes', () => running().every((b) => b.state.topic('after-failover')))
    // The stopped leader comes back as a follower and catches up.
    const back = await startNode(old.nodeId)
    await waitFor('the old leader to catch up', () => back.state.topic('after-failover') !== undefined && back.controller.activeControllerId === next.nodeId)
    expect(back.controller.raft.role).toBe('follower')
  })
})
