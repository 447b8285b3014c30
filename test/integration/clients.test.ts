// Acceptance test of the foundation: real Kafka clients of every kind find the broker and the
// cluster. The same checks run against `tskafka broker start` (a real process on a free loopback
// port) and against Apache Kafka itself (the reference), so the expectations are Kafka's own.
//
// Clients: kafkajs (admin.describeCluster), kcat/librdkafka (-L), confluent-kafka (AdminClient.
// list_topics), kafka-python (KafkaAdminClient.describe_cluster), Java AdminClient (describeCluster).

import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import kafkajs from 'kafkajs'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {isBrokerResponding} from '../../src/cluster/probe.js'
import {randomKafkaUuid, writeMetaProperties} from '../../src/config/meta-properties.js'
import {freePort, randomClusterId, startKafkaReference} from '../helpers/kafka-reference.js'
import {assertPeers, describeRun, REPO_ROOT, type RunResult, runJava, runKcat, runPython} from '../helpers/peers.js'

const HOST = '127.0.0.1'
// Not 1, so an id hard-wired anywhere shows up.
const NODE_ID = 3

interface RunningBroker {
  port: number
  clusterId: string
  output(): string
  stop(): Promise<void>
}

const START_COMMAND = join(REPO_ROOT, 'dist', 'commands', 'broker', 'start.js')

/** `tskafka broker start --config <file>` with a log dir formatted beforehand with a known cluster id. */
async function startTskafkaBroker(): Promise<RunningBroker> {
  if (!existsSync(START_COMMAND)) {
    throw new Error(`${START_COMMAND} is missing: \`tskafka broker start\` is not built (npm run build)`)
  }
  const port = await freePort()
  const clusterId = randomClusterId()
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-clients-test-'))
  const logDir = join(dir, 'data')
  mkdirSync(logDir)
  writeMetaProperties(logDir, {version: 1, clusterId, nodeId: NODE_ID, directoryId: randomKafkaUuid()})
  const config = join(dir, 'server.properties')
  writeFileSync(
    config,
    [
      'process.roles=broker,controller',
      `node.id=${NODE_ID}`,
      `listeners=PLAINTEXT://${HOST}:${port}`,
      `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
      `log.dirs=${logDir}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'),
  )

  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), 'broker', 'start', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()))
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true
      resolve()
    }),
  )
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exit
      clearTimeout(timer)
    }
    rmSync(dir, {recursive: true, force: true})
  }

  const deadline = Date.now() + 30_000
  while (!(await isBrokerResponding(HOST, port, 1000))) {
    if (exited || Date.now() > deadline) {
      await stop()
      throw new Error(`tskafka broker start ${exited ? 'exited' : 'did not answer ApiVersions within 30 s'}:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {port, clusterId, output: () => output, stop}
}

async function startReference(): Promise<RunningBroker> {
  const kafka = await startKafkaReference({nodeId: NODE_ID})
  return {port: kafka.port, clusterId: kafka.clusterId, output: kafka.output, stop: kafka.stop}
}

/** The JSON a peer program printed on its last line; the whole run in the error otherwise. */
function parseJson<T>(what: string, r: RunResult): T {
  if (r.code !== 0) throw new Error(describeRun(what, r))
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as T
  } catch {
    throw new Error(describeRun(`${what} printed no JSON`, r))
  }
}

describe.each([
  {broker: 'tskafka broker start', start: startTskafkaBroker},
  {broker: 'Apache Kafka (reference)', start: startReference},
])('real clients against $broker', ({start}) => {
  let broker: RunningBroker
  let bootstrap: string

  beforeAll(async () => {
    assertPeers()
    broker = await start()
    bootstrap = `${HOST}:${broker.port}`
  })

  afterAll(async () => {
    await broker?.stop()
  })

  test('kafkajs admin: describeCluster returns the broker and the cluster id', async () => {
    const kafka = new kafkajs.Kafka({
      clientId: 'tskafka-clients-test',
      brokers: [bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
      retry: {retries: 2},
    })
    const admin = kafka.admin()
    await admin.connect()
    try {
      const cluster = await admin.describeCluster()
      expect(cluster.brokers).toEqual([{nodeId: NODE_ID, host: HOST, port: broker.port}])
      expect(cluster.clusterId).toBe(broker.clusterId)
      expect(cluster.controller).toBe(NODE_ID)
    } finally {
      await admin.disconnect()
    }
  })

  test('kcat (librdkafka): -L lists the broker', async () => {
    const text = await runKcat(['-L', '-b', bootstrap, '-m', '10'], {timeoutMs: 30_000})
    expect(text.code, describeRun('kcat -L', text)).toBe(0)
    expect(text.stdout).toContain(`from broker ${NODE_ID}: ${HOST}:${broker.port}/${NODE_ID}`)
    expect(text.stdout).toContain(`broker ${NODE_ID} at ${HOST}:${broker.port}`)

    const json = await runKcat(['-L', '-J', '-b', bootstrap, '-m', '10'], {timeoutMs: 30_000})
    const md = parseJson<{brokers: {id: number; name: string}[]; controllerid: number}>('kcat -L -J', json)
    expect(md.brokers).toEqual([{id: NODE_ID, name: `${HOST}:${broker.port}`}])
    expect(md.controllerid).toBe(NODE_ID)
  })

  test('confluent-kafka (Python): AdminClient.list_topics returns the broker and the cluster id', async () => {
    const r = await runPython('describe_cluster.py', [bootstrap, 'confluent'], {timeoutMs: 60_000})
    const out = parseJson<{confluent: {clusterId: string; controllerId: number; brokers: unknown[]}}>('describe_cluster.py confluent', r)
    expect(out.confluent.brokers).toEqual([{id: NODE_ID, host: HOST, port: broker.port}])
    expect(out.confluent.clusterId).toBe(broker.clusterId)
    expect(out.confluent.controllerId).toBe(NODE_ID)
  })

  test('kafka-python: KafkaAdminClient.describe_cluster returns the broker and the cluster id', async () => {
    const r = await runPython('describe_cluster.py', [bootstrap, 'kafkaPython'], {timeoutMs: 60_000})
    const out = parseJson<{kafkaPython: {clusterId: string; controllerId: number; brokers: unknown[]}}>('describe_cluster.py kafkaPython', r)
    expect(out.kafkaPython.brokers).toEqual([{id: NODE_ID, host: HOST, port: broker.port, rack: null}])
    expect(out.kafkaPython.clusterId).toBe(broker.clusterId)
    expect(out.kafkaPython.controllerId).toBe(NODE_ID)
  })

  test('Java AdminClient: describeCluster returns the node and the cluster id', async () => {
    const r = await runJava('DescribeCluster.java', [bootstrap], {timeoutMs: 90_000})
    const out = parseJson<{clusterId: string; controller: unknown; nodes: unknown[]}>('java DescribeCluster', r)
    const node = {id: NODE_ID, host: HOST, port: broker.port, rack: null}
    expect(out.nodes).toEqual([node])
    expect(out.clusterId).toBe(broker.clusterId)
    expect(out.controller).toEqual(node)
  })
})
