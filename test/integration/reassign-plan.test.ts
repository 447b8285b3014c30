// `tskafka reassign plan` on a 3-broker cluster of broker processes, executed by real tools:
//   - raising a topic's replication factor from 1 to 3: the plan's JSON file is executed by Apache
//     Kafka's kafka-reassign-partitions.sh --execute (proof that Kafka's tool reads our JSON) and
//     checked with its --verify; every partition ends with 3 replicas in the ISR, the leaders
//     where they were, and every record readable;
//   - draining broker 3 over every topic is refused in one line while a topic has RF 3; over a
//     topic with RF 2 the plan moves only the replicas on broker 3, and after `tskafka reassign
//     --execute` and `--verify --wait` broker 3 holds nothing and every other replica stayed put;
//   - the cluster grows to 4 brokers (StartedCluster.addBroker): `plan --add-broker 4` moves onto
//     broker 4 only, exactly its even share, and once executed every record is still there.

import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startCluster, type StartedCluster} from '../../src/index.js'
import {describeTopic, type PartitionView, waitForPartitions} from '../chaos/cluster-probe.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {assertPeers, runKafkaTool} from '../helpers/peers.js'

let cluster: StartedCluster
let kafka: Kafka
let dir: string
let bootstrap: string[]

beforeAll(async () => {
  assertCliBuilt()
  assertPeers()
  dir = mkdtempSync(join(tmpdir(), 'tskafka-plan-'))
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
  bootstrap = ['--bootstrap-server', cluster.bootstrapServers.split(',')[0]!]
  kafka = new Kafka({clientId: 'reassign-plan-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 12, initialRetryTime: 200}})
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
  if (dir) rmSync(dir, {recursive: true, force: true})
}, 120_000)

const brokers = () => cluster.brokers.filter((b) => b.pid !== null)

async function createTopic(topic: string, replicaAssignment: number[][]): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({waitForLeaders: true, topics: [{topic, replicaAssignment: replicaAssignment.map((replicas, partition) => ({partition, replicas}))}]})
  } finally {
    await admin.disconnect()
  }
  await waitForPartitions(brokers, topic, (ps) => ps.length === replicaAssignment.length && ps.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length), 30_000, `${topic} ready`)
}

/** Writes `count` records per partition (acks=-1) and returns the values by partition. */
async function produce(topic: string, partitions: number, count: number): Promise<Map<number, string[]>> {
  const producer = kafka.producer({allowAutoTopicCreation: false})
  await producer.connect()
  const sent = new Map<number, string[]>()
  try {
    for (let p = 0; p < partitions; p++) {
      const values = Array.from({length: count}, (_, i) => `${topic}-p${p}-record-${i}-${'x'.repeat(200)}`)
      await producer.send({topic, acks: -1, messages: values.map((value) => ({partition: p, value}))})
      sent.set(p, values)
    }
  } finally {
    await producer.disconnect()
  }
  return sent
}

/** Reads every partition from the start until it has `want` records (all of `expected` by default). */
async function consumeAll(topic: string, expected: Map<number, string[]>, want = [...expected.values()].reduce((n, v) => n + v.length, 0)): Promise<Map<number, string[]>> {
  const consumer = kafka.consumer({groupId: `plan-check-${topic}-${Date.now()}`})
  const got = new Map<number, string[]>()
  await consumer.connect()
  try {
    await consumer.subscribe({topic, fromBeginning: true})
    let total = 0
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${total} of ${want} records of ${topic}`)), 30_000)
      void consumer.run({
        eachMessage: async ({partition, message}) => {
          got.set(partition, [...(got.get(partition) ?? []), message.value!.toString()])
          if (++total >= want) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
  } finally {
    await consumer.disconnect()
  }
  return got
}

function readJson(path: string): {version: number; partitions: Array<{topic: string; partition: number; replicas: number[]; log_dirs: string[]}>} {
  return JSON.parse(readFileSync(path, 'utf8')) as never
}

describe('tskafka reassign plan', () => {
  it('raises a topic from RF 1 to 3 through a plan that Kafka’s kafka-reassign-partitions.sh executes', async () => {
    await createTopic('rf-up', [[1], [2], [3]])
    const sent = await produce('rf-up', 3, 50)
    const file = join(dir, 'rf-up.json')
    const planned = await runCli(['reassign', 'plan', '--topic', 'rf-up', '--replication-factor', '3', '--output-file', file, ...bootstrap])
    expect(planned.stderr).toBe('')
    expect(planned.code).toBe(0)
    const out = planned.stdout
    expect(out.split('\n')[0]).toBe('Plan: replication factor 3 for topic rf-up')
    // Three brokers each hold one replica and lead one partition, before and after; each gains two replicas.
    for (const id of [1, 2, 3]) expect(out).toMatch(new RegExp(`^${id}\\s+1 -> 3\\s+1\\s+\\S+ KB -> \\S+ KB$`, 'm'))
    expect(out).toMatch(/^Total: 6 replicas to copy, \S+ KB \(\d+ bytes\); 3 partitions change\.$/m)
    expect(out).toContain('Current partition replica assignment\n{"version":1,"partitions":[{"topic":"rf-up","partition":0,"replicas":[1],"log_dirs":["any"]}')
    expect(out).toContain(`Proposed partition reassignment configuration written to ${file}`)
    const bytes = Number(/\((\d+) bytes\)/.exec(out)![1])
    // 50 records of ~230 bytes per partition, copied twice for each of 3 partitions.
    expect(bytes).toBeGreaterThan(6 * 50 * 200)
    const json = readJson(file)
    expect(json.version).toBe(1)
    expect(json.partitions.map((p) => [p.partition, p.replicas[0], [...p.replicas].sort(), p.log_dirs])).toEqual([
      [0, 1, [1, 2, 3], ['any', 'any', 'any']],
      [1, 2, [1, 2, 3], ['any', 'any', 'any']],
      [2, 3, [1, 2, 3], ['any', 'any', 'any']],
    ])

    const executed = await runKafkaTool('kafka-reassign-partitions.sh', ['--bootstrap-server', cluster.bootstrapServers, '--execute', '--reassignment-json-file', file])
    expect(executed.stderr.split('\n').filter((l) => /Exception|Error/.test(l))).toEqual([])
    expect(executed.code).toBe(0)
    expect(executed.stdout).toContain('Successfully started partition reassignments for rf-up-0,rf-up-1,rf-up-2')
    const done = await waitForPartitions(brokers, 'rf-up', (ps) => ps.every((p) => p.replicas.length === 3 && p.isr.length === 3), 30_000, 'rf-up at RF 3 with a full ISR')
    expect(done.map((p) => p.leader)).toEqual([1, 2, 3])
    const verified = await runKafkaTool('kafka-reassign-partitions.sh', ['--bootstrap-server', cluster.bootstrapServers, '--verify', '--reassignment-json-file', file])
    expect(verified.code).toBe(0)
    for (const p of [0, 1, 2]) expect(verified.stdout).toContain(`Reassignment of partition rf-up-${p} is completed.`)
    const read = await consumeAll('rf-up', sent)
    for (const [p, values] of sent) expect(read.get(p)).toEqual(values)
  })

  it('drains broker 3: refused over a topic with RF 3, and over RF 2 moves exactly the replicas on broker 3', async () => {
    const refused = await runCli(['reassign', 'plan', '--drain-broker', '3', ...bootstrap])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toBe('Error: Cannot drain broker 3: partition rf-up-0 has 3 replicas but only 2 brokers would remain (1,2)\n')

    const assignment = [
      [1, 2],
      [2, 3],
      [3, 1],
      [1, 3],
      [2, 1],
      [3, 2],
    ]
    await createTopic('drain-me', assignment)
    const sent = await produce('drain-me', assignment.length, 20)
    const file = join(dir, 'drain.json')
    const planned = await runCli(['reassign', 'plan', '--drain-broker', '3', '--topics', 'drain-me', '--output-file', file, ...bootstrap])
    expect(planned.stderr).toBe('')
    expect(planned.code).toBe(0)
    expect(planned.stdout.split('\n')[0]).toBe('Plan: drain broker 3 (topic drain-me)')
    expect(planned.stdout).not.toContain('Extra moves')
    expect(planned.stdout).toMatch(/^3 \(drained\)\s+4 -> 0\s+2 -> 0\s/m)
    expect(planned.stdout).toMatch(/^Total: 4 replicas to copy, /m)
    const json = readJson(file)
    expect(json.partitions.map((p) => p.partition)).toEqual([1, 2, 3, 5])
    for (const p of json.partitions) {
      expect(p.replicas).not.toContain(3)
      // Whatever was not on broker 3 stays.
      for (const b of assignment[p.partition]!.filter((x) => x !== 3)) expect(p.replicas).toContain(b)
    }

    const executed = await runCli(['reassign', '--execute', '--reassignment-json-file', file, ...bootstrap])
    expect(executed.code).toBe(0)
    expect(executed.stdout).toContain('Successfully started partition reassignments for drain-me-1,drain-me-2,drain-me-3,drain-me-5')
    const verified = await runCli(['reassign', '--verify', '--wait', '--timeout', '30s', '--reassignment-json-file', file, ...bootstrap])
    expect(verified.code, verified.stdout + verified.stderr).toBe(0)
    const after = (await describeTopic(brokers(), 'drain-me'))!
    const target = new Map(json.partitions.map((p) => [p.partition, p.replicas]))
    for (const p of after as PartitionView[]) {
      expect(p.replicas).not.toContain(3)
      expect(p.replicas).toEqual(target.get(p.partition) ?? assignment[p.partition])
      expect(p.isr.length).toBe(2)
    }
    const read = await consumeAll('drain-me', sent)
    for (const [p, values] of sent) expect(read.get(p)).toEqual(values)
  })

  it('grows to 4 brokers: --add-broker 4 moves its even share onto broker 4 and nothing else', async () => {
    const added = await cluster.addBroker()
    expect(added.id).toBe(4)
    const topics = ['drain-me', 'rf-up']
    const before = new Map<string, number[]>()
    for (const t of topics) for (const p of (await describeTopic(brokers(), t))!) before.set(`${t}-${p.partition}`, p.replicas)
    const load = new Map<number, number>()
    for (const r of before.values()) for (const b of r) load.set(b, (load.get(b) ?? 0) + 1)
    const total = [...load.values()].reduce((n, x) => n + x, 0)
    // Broker 4 takes at least the even share, and more while an old broker is above the ceiling.
    const ceil = Math.ceil(total / 4)
    const excess = [...load.values()].reduce((n, x) => n + Math.max(0, x - ceil), 0)
    const share = Math.min(ceil, Math.max(Math.floor(total / 4), excess))
    const file = join(dir, 'grow.json')
    const planned = await runCli(['reassign', 'plan', '--add-broker', '4', '--output-file', file, ...bootstrap])
    expect(planned.stderr).toBe('')
    expect(planned.code).toBe(0)
    expect(planned.stdout.split('\n')[0]).toBe('Plan: add broker 4 (topics drain-me, rf-up)')
    expect(planned.stdout).toMatch(new RegExp(`^4 \\(new\\)\\s+0 -> ${share}\\s`, 'm'))
    expect(planned.stdout).toMatch(new RegExp(`^Total: ${share} replicas to copy, `, 'm'))
    const json = readJson(file)
    for (const p of json.partitions) {
      const was = before.get(`${p.topic}-${p.partition}`)!
      expect(p.replicas.filter((b) => !was.includes(b))).toEqual([4])
      expect(was.filter((b) => !p.replicas.includes(b))).toHaveLength(1)
    }
    // The same change by Kafka's method: --generate over brokers 1-4 recomputes every partition.
    const topicsFile = join(dir, 'topics.json')
    writeFileSync(topicsFile, JSON.stringify({version: 1, topics: topics.map((topic) => ({topic}))}))
    const generated = await runCli(['reassign', '--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3,4', ...bootstrap])
    expect(generated.code, generated.stderr).toBe(0)
    const proposed = JSON.parse(generated.stdout.split('Proposed partition reassignment configuration\n')[1]!) as ReturnType<typeof readJson>
    const generateMoves = proposed.partitions.reduce((n, p) => n + p.replicas.filter((b) => !before.get(`${p.topic}-${p.partition}`)!.includes(b)).length, 0)
    console.log(`grow 3 -> 4 brokers over ${total} replicas: reassign plan moves ${share}, reassign --generate (Kafka's placement) ${generateMoves}`)
    expect(generateMoves).toBeGreaterThan(share)

    const sent = await produce('drain-me', 6, 10)
    const executed = await runCli(['reassign', '--execute', '--reassignment-json-file', file, ...bootstrap])
    expect(executed.code, executed.stderr).toBe(0)
    const verified = await runCli(['reassign', '--verify', '--wait', '--timeout', '30s', '--reassignment-json-file', file, ...bootstrap])
    expect(verified.code, verified.stdout + verified.stderr).toBe(0)
    let onNew = 0
    for (const t of topics) {
      for (const p of (await describeTopic(brokers(), t))!) {
        if (p.replicas.includes(4)) onNew++
        expect(p.isr.length).toBe(p.replicas.length)
      }
    }
    expect(onNew).toBe(share)
    // The earlier test's 20 records per partition, then these 10.
    const read = await consumeAll('drain-me', sent, 6 * 30)
    for (const [p, values] of sent) {
      expect(read.get(p)).toHaveLength(30)
      expect(read.get(p)!.slice(-10)).toEqual(values)
    }
  })
})
