// Growing a running local cluster by broker-only nodes, as issue 7's "3-broker cluster grown to
// 4" needs it:
//   - startCluster(3).addBroker(): broker 4 is registered and unfenced (kafkajs describeCluster),
//     not a quorum voter, in bootstrapServers, and a topic created afterwards places replicas on it;
//   - the CLI: `tskafka cluster start --brokers 3`, then `--brokers 4` on the running cluster starts
//     only broker 4; a taken port is one error line; --config sets the new broker's port, rack and
//     configs; the grown cluster restarts whole; a smaller --brokers is a warning; a lone broker refuses to grow (a quorum
//     change) with one error line.

import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {viewCluster} from '../../src/cluster/cluster-view.js'
import {isBrokerProcess} from '../../src/cluster/processes.js'
import type {ClusterState} from '../../src/cluster/state.js'
import {startCluster, type StartedCluster} from '../../src/index.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {fullIsr, waitForPartitions} from '../chaos/cluster-probe.js'

const NO_STACK = /^\s+at /m

function readState(dataDir: string): ClusterState {
  return JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')) as ClusterState
}

function killBrokersOf(dataDir: string): void {
  try {
    for (const b of readState(dataDir).brokers) if (isBrokerProcess(b.pid, b.configFile)) process.kill(b.pid!, 'SIGKILL')
  } catch {
    // no state: nothing runs
  }
}

/** A port p such that p..p+span-1 were all free a moment ago. */
async function freePortRange(span: number): Promise<number> {
  for (;;) {
    const base = await listenOnce(0)
    if (base + span > 65_535) continue
    let ok = true
    for (let i = 1; i < span && ok; i++) ok = (await listenOnce(base + i).catch(() => 0)) !== 0
    if (ok) return base
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({host: '127.0.0.1', port, exclusive: true}, () => {
      const p = (server.address() as {port: number}).port
      server.close(() => resolve(p))
    })
  })
}

describe('startCluster(3).addBroker()', () => {
  let cluster: StartedCluster
  let kafka: Kafka

  beforeAll(async () => {
    cluster = await startCluster({brokers: 3, config: {'auto.create.topics.enable': false, 'offsets.topic.num.partitions': 1}})
  }, 120_000)

  afterAll(async () => {
    await cluster?.stop()
  }, 120_000)

  it('adds broker 4, registered and unfenced, not a quorum voter, and in bootstrapServers', async () => {
    const before = cluster.bootstrapServers
    const added = await cluster.addBroker()
    expect(added.id).toBe(4)
    expect(added.pid).not.toBeNull()
    expect(cluster.brokers.map((b) => b.id)).toEqual([1, 2, 3, 4])
    expect(cluster.bootstrapServers).toBe(`${before},${added.host}:${added.port}`)

    kafka = new Kafka({clientId: 'cluster-grow-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    try {
      const described = await admin.describeCluster()
      expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3, 4])
      expect(described.brokers.find((b) => b.nodeId === 4)).toMatchObject({host: added.host, port: added.port})
    } finally {
      await admin.disconnect()
    }

    const view = await viewCluster(added.host, added.port, 5000)
    expect([...view.alive.keys()].sort()).toEqual([1, 2, 3, 4])
    expect([...view.voters].sort()).toEqual([1, 2, 3])
    const props = readFileSync(join(cluster.dataDir, 'broker-4', 'server.properties'), 'utf8')
    expect(props).toMatch(/^process\.roles=broker$/m)
    expect(props).toMatch(/^auto\.create\.topics\.enable=false$/m)
  }, 60_000)

  it('a topic created afterwards places replicas on broker 4, which leads and serves records', async () => {
    const admin = kafka.admin()
    await admin.connect()
    try {
      await admin.createTopics({waitForLeaders: true, topics: [{topic: 'grown', numPartitions: 4, replicationFactor: 2}]})
    } finally {
      await admin.disconnect()
    }
    const partitions = await waitForPartitions(() => cluster.brokers, 'grown', fullIsr, 30_000, 'grown fully replicated')
    expect(partitions.filter((p) => p.replicas.includes(4)).length).toBeGreaterThan(0)
    const led = partitions.find((p) => p.leader === 4)
    expect(led).toBeDefined()

    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'grown', acks: -1, messages: [{partition: led!.partition, value: 'on broker 4'}]})
    await producer.disconnect()
    const consumer = kafka.consumer({groupId: 'grow-reader'})
    await consumer.connect()
    try {
      await consumer.subscribe({topic: 'grown', fromBeginning: true})
      const value = await new Promise<string>((resolve) => {
        void consumer.run({eachMessage: async ({message}) => resolve(message.value!.toString())})
      })
      expect(value).toBe('on broker 4')
    } finally {
      await consumer.disconnect()
    }
  }, 60_000)
})

describe('tskafka cluster start on a running cluster', () => {
  let home: string
  const env = () => ({TSKAFKA_HOME: home, TSKAFKA_CONFIG: join(home, 'contexts.yaml')})

  beforeAll(() => {
    assertCliBuilt()
    home = mkdtempSync(join(tmpdir(), 'tskafka-grow-test-'))
  })

  afterAll(() => {
    for (const dir of ['three', 'lone']) killBrokersOf(join(home, dir))
    rmSync(home, {recursive: true, force: true})
  })

  it('--brokers 4 grows a running 3-broker cluster: only broker 4 starts, the others keep their pids', async () => {
    const dataDir = join(home, 'three')
    const port = await freePortRange(4)
    const started = await runCli(['cluster', 'start', '--brokers', '3', '--port', String(port), '--data-dir', dataDir], {env: env()})
    expect(started.stderr).toBe('')
    expect(started.code).toBe(0)
    const pids = readState(dataDir).brokers.map((b) => b.pid)

    const grown = await runCli(['cluster', 'start', '--brokers', '4', '--data-dir', dataDir], {env: env()})
    expect(grown.stderr).toBe('')
    expect(grown.code).toBe(0)
    const bootstrap = [0, 1, 2, 3].map((i) => `127.0.0.1:${port + i}`).join(',')
    expect(grown.stdout.split('\n')[0]).toBe(`Local cluster grown from 3 to 4 brokers (started broker 4), bootstrap ${bootstrap}`)
    const row = grown.stdout.split('\n').find((l) => /^4\s/.test(l))
    expect(row).toMatch(new RegExp(`^4\\s+\\d+\\s+${port + 3}\\s+running\\s+-\\s+observer\\s`))

    const state = readState(dataDir)
    expect(state.brokers.map((b) => b.id)).toEqual([1, 2, 3, 4])
    expect(state.brokers.slice(0, 3).map((b) => b.pid)).toEqual(pids)
    expect(state.brokers[3]!.controllerPort).toBeNull()
    expect(isBrokerProcess(state.brokers[3]!.pid, state.brokers[3]!.configFile)).toBe(true)

    const status = await runCli(['cluster', 'status', '--json', '--data-dir', dataDir], {env: env()})
    expect(status.code).toBe(0)
    const json = JSON.parse(status.stdout) as {state: string; brokers: Array<{id: number; state: string; controller: string}>}
    expect(json.state).toBe('running')
    expect(json.brokers.map((b) => [b.id, b.state])).toEqual([
      [1, 'running'],
      [2, 'running'],
      [3, 'running'],
      [4, 'running'],
    ])
    expect(json.brokers[3]!.controller).toBe('observer')
  }, 120_000)

  it('a smaller --brokers on the running cluster is a warning, and nothing changes', async () => {
    const dataDir = join(home, 'three')
    const r = await runCli(['cluster', 'start', '--brokers', '2', '--data-dir', dataDir], {env: env()})
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^Local cluster already running: 4 brokers, /)
    expect(r.stderr.trim()).toBe(
      'Warning: --brokers 2 ignored: the cluster is running with 4 brokers and a local cluster cannot shrink (its brokers hold replicas); move replicas away with tskafka reassign, or remove it with tskafka cluster destroy',
    )
    expect(readState(dataDir).brokers).toHaveLength(4)
  }, 60_000)

  it('a taken port for the new broker: one error line naming the config that moves it; then --config places and racks it', async () => {
    const dataDir = join(home, 'three')
    const next = Math.max(...readState(dataDir).brokers.map((b) => b.port)) + 1
    // Drops whatever connects (the probe that asks whether a broker listens there), so close() completes.
    const blocker = createServer((socket) => socket.destroy())
    await new Promise<void>((ok) => blocker.listen({host: '127.0.0.1', port: next, exclusive: true}, ok))
    try {
      const refused = await runCli(['cluster', 'start', '--brokers', '5', '--data-dir', dataDir], {env: env()})
      expect(refused.code).toBe(1)
      expect(refused.stderr.trim().split('\n')).toEqual([
        `Error: port ${next} on 127.0.0.1 is already in use by another program; set another for it in the cluster config (broker.5.port, with --config)`,
      ])
      expect(readState(dataDir).brokers).toHaveLength(4)
    } finally {
      await new Promise<void>((ok) => blocker.close(() => ok()))
    }
    const port = await freePortRange(1)
    const config = join(home, 'grow.yaml')
    writeFileSync(config, `broker:\n  5: {port: ${port}, rack: r5, config: {num.io.threads: 3}}\n`)
    const grown = await runCli(['cluster', 'start', '--brokers', '5', '--config', config, '--data-dir', dataDir], {env: env()})
    expect(grown.code).toBe(0)
    expect(grown.stdout.split('\n')[0]).toMatch(new RegExp(`^Local cluster grown from 4 to 5 brokers \\(started broker 5\\), bootstrap .*,127\\.0\\.0\\.1:${port}$`))
    expect(grown.stderr.trim()).toBe('Warning: --config applied to the new broker only: the running brokers keep their configuration until the cluster is stopped')
    expect(grown.stdout.split('\n').find((l) => /^5\s/.test(l))).toMatch(new RegExp(`^5\\s+\\d+\\s+${port}\\s+running\\s+r5\\s+observer\\s`))
    const props = readFileSync(join(dataDir, 'broker-5', 'server.properties'), 'utf8')
    expect(props).toMatch(/^broker\.rack=r5$/m)
    expect(props).toMatch(/^num\.io\.threads=3$/m)
  }, 60_000)

  it('the grown cluster stops and starts again with all its brokers, the added ones still broker-only', async () => {
    const dataDir = join(home, 'three')
    const stopped = await runCli(['cluster', 'stop', '--data-dir', dataDir], {env: env()})
    expect(stopped.code).toBe(0)
    const again = await runCli(['cluster', 'start', '--data-dir', dataDir], {env: env()})
    expect(again.stderr).toBe('')
    expect(again.stdout.split('\n')[0]).toMatch(/^Local cluster started: 5 brokers, /)
    expect(readState(dataDir).brokers.map((b) => b.controllerPort === null)).toEqual([false, false, false, true, true])
    const stoppedAgain = await runCli(['cluster', 'stop', '--data-dir', dataDir], {env: env()})
    expect(stoppedAgain.code).toBe(0)
  }, 120_000)

  it('a running lone broker refuses to grow with one error line (its quorum would change)', async () => {
    const dataDir = join(home, 'lone')
    const port = await freePortRange(3)
    const started = await runCli(['cluster', 'start', '--port', String(port), '--data-dir', dataDir], {env: env()})
    expect(started.code).toBe(0)
    const r = await runCli(['cluster', 'start', '--brokers', '3', '--data-dir', dataDir], {env: env()})
    expect(r.code).toBe(1)
    expect(r.stderr).not.toMatch(NO_STACK)
    expect(r.stderr.trim().split('\n')).toEqual([
      'Error: cannot grow the running cluster from 1 to 3 brokers: a lone broker is its own controller quorum, so this changes the quorum; stop it first (tskafka cluster stop), then start it with --brokers 3',
    ])
    const state = readState(dataDir)
    expect(state.brokers).toHaveLength(1)
    expect(isBrokerProcess(state.brokers[0]!.pid, state.brokers[0]!.configFile)).toBe(true)
    await runCli(['cluster', 'stop', '--data-dir', dataDir], {env: env()})
  }, 60_000)
})
