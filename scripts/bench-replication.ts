// Replicated produce throughput (npm run bench:replication): Apache Kafka's own
// kafka-producer-perf-test (the Java producer, acks=all, its defaults otherwise: idempotent,
// linger 5 ms, 16 KiB batches) writes to a topic with replication factor 3 and
// min.insync.replicas=2 on
//   - a three-broker tskafka cluster (startCluster: broker processes from the built CLI, each a
//     combined broker+controller quorum voter), and
//   - a three-node Apache Kafka KRaft cluster from the peers install's jars (combined nodes,
//     static voters, kafka-server-start.sh's own JVM defaults: 1 GiB heap, G1),
// on this machine in the same run, both clusters up, taking turns case by case (alternating who
// goes first), fresh topics each time. A case's figure is the median of --reps runs; the table
// shows MB/s and records/s with the tskafka/Kafka ratio.
//
//   npm run build && npx tsx scripts/bench-replication.ts [--reps 3] [--mib 128] [--only tskafka|kafka] [--json <file>]

import {spawn, type ChildProcess} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startCluster} from '../src/index.js'
import {freePort, randomClusterId} from '../test/helpers/kafka-reference.js'
import {assertPeers, describeRun, kafkaBin, kafkaVersion, runKafkaTool} from '../test/helpers/peers.js'

const args = process.argv.slice(2)
function opt(name: string): string | undefined {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const REPS = Number(opt('reps') ?? 3)
const MIB = Number(opt('mib') ?? 128)
const ONLY = opt('only')
const JSON_OUT = opt('json')
const TOOL_TIMEOUT = 20 * 60_000

interface Case {
  name: string
  recordSize: number
  partitions: number
}

const CASES: Case[] = [
  {name: '1 KiB, 6 partitions', recordSize: 1024, partitions: 6},
  {name: '1 KiB, 1 partition', recordSize: 1024, partitions: 1},
  {name: '100 B, 6 partitions', recordSize: 100, partitions: 6},
]

interface Target {
  name: 'tskafka' | 'kafka'
  bootstrap: string
  stop(): Promise<void>
}

interface Run {
  mbps: number
  recordsPerSec: number
  p99: number
}

// ------------------------------------------------------------------ clusters

async function startTskafka(): Promise<Target> {
  const cluster = await startCluster({brokers: 3, config: {'group.initial.rebalance.delay.ms': 0}})
  return {name: 'tskafka', bootstrap: cluster.bootstrapServers, stop: () => cluster.stop()}
}

async function startKafka(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-bench-repl-kafka-'))
  const clusterId = randomClusterId()
  const ports: number[] = []
  const controllerPorts: number[] = []
  for (let i = 0; i < 3; i++) {
    ports.push(await freePort())
    controllerPorts.push(await freePort())
  }
  const voters = controllerPorts.map((p, i) => `${i + 1}@127.0.0.1:${p}`).join(',')
  const files: string[] = []
  for (let i = 0; i < 3; i++) {
    const nodeDir = join(dir, `node-${i + 1}`)
    mkdirSync(nodeDir)
    const props: Record<string, string | number> = {
      'process.roles': 'broker,controller',
      'node.id': i + 1,
      'controller.quorum.voters': voters,
      listeners: `PLAINTEXT://127.0.0.1:${ports[i]},CONTROLLER://127.0.0.1:${controllerPorts[i]}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${ports[i]}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': join(nodeDir, 'data'),
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.replication.factor': 3,
      'transaction.state.log.min.isr': 2,
      'group.initial.rebalance.delay.ms': 0,
    }
    const file = join(nodeDir, 'server.properties')
    writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${v}\n`).join(''))
    files.push(file)
  }
  for (const file of files) {
    const r = await runKafkaTool('kafka-storage', ['format', '-t', clusterId, '-c', file], {timeoutMs: 120_000})
    if (r.code !== 0) throw new Error(describeRun('kafka-storage.sh format', r))
  }
  const children: ChildProcess[] = files.map((file) => spawn(kafkaBin('kafka-server-start'), [file], {stdio: 'ignore'}))
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null) return done()
            c.once('exit', () => done())
            c.kill('SIGTERM')
            setTimeout(() => c.kill('SIGKILL'), 20_000).unref()
          }),
      ),
    )
    rmSync(dir, {recursive: true, force: true})
  }
  const bootstrap = ports.map((p) => `127.0.0.1:${p}`).join(',')
  // Ready once a topic with three replicas can be created (every broker registered and unfenced).
  const deadline = Date.now() + 180_000
  for (;;) {
    if (children.some((c) => c.exitCode !== null)) {
      await stop()
      throw new Error('a Kafka node exited while starting')
    }
    if ((await Promise.all(ports.map(answers))).every(Boolean)) {
      const r = await runKafkaTool('kafka-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', 'ready-probe', '--replication-factor', '3'], {timeoutMs: 60_000})
      if (r.code === 0) break
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error('Kafka did not become ready within 180 s')
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  return {name: 'kafka', bootstrap, stop}
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({host: '127.0.0.1', port})
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

// ------------------------------------------------------------------ the load

const PRODUCER_LINE = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/

async function runCase(t: Target, c: Case, rep: number): Promise<Run> {
  const topic = `bench-${c.recordSize}-${c.partitions}-${rep}`
  const created = await runKafkaTool(
    'kafka-topics',
    ['--bootstrap-server', t.bootstrap, '--create', '--topic', topic, '--partitions', String(c.partitions), '--replication-factor', '3', '--config', 'min.insync.replicas=2'],
    {timeoutMs: 120_000},
  )
  if (created.code !== 0) throw new Error(describeRun(`kafka-topics --create ${topic} on ${t.name}`, created))
  const records = Math.round((MIB * 1024 * 1024) / c.recordSize)
  const r = await runKafkaTool(
    'kafka-producer-perf-test',
    ['--topic', topic, '--num-records', String(records), '--record-size', String(c.recordSize), '--throughput', '-1', '--command-property', `bootstrap.servers=${t.bootstrap}`, 'acks=all'],
    {timeoutMs: TOOL_TIMEOUT},
  )
  const lines = r.stdout.split('\n').filter((l) => PRODUCER_LINE.test(l))
  const m = PRODUCER_LINE.exec(lines[lines.length - 1] ?? '')
  if (r.code !== 0 || !m || Number(m[1]) !== records) throw new Error(describeRun(`kafka-producer-perf-test on ${t.name}`, r))
  await runKafkaTool('kafka-topics', ['--bootstrap-server', t.bootstrap, '--delete', '--topic', topic], {timeoutMs: 120_000})
  return {recordsPerSec: Number(m[2]), mbps: Number(m[3]), p99: Number(m[8])}
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!
}

async function main(): Promise<void> {
  assertPeers()
  const targets: Target[] = []
  try {
    if (ONLY !== 'kafka') targets.push(await startTskafka())
    if (ONLY !== 'tskafka') targets.push(await startKafka())
    console.log(`Replicated produce: kafka-producer-perf-test (Apache Kafka ${kafkaVersion()}), acks=all, replication factor 3, min.insync.replicas=2, ${MIB} MiB per run, median of ${REPS}`)
    const results = new Map<string, Map<string, Run[]>>()
    for (const c of CASES) {
      const byTarget = new Map<string, Run[]>()
      results.set(c.name, byTarget)
      for (let rep = 0; rep < REPS; rep++) {
        const order = rep % 2 === 0 ? targets : [...targets].reverse()
        for (const t of order) {
          const run = await runCase(t, c, rep)
          byTarget.set(t.name, [...(byTarget.get(t.name) ?? []), run])
          console.log(`  ${c.name} #${rep + 1} ${t.name}: ${run.mbps.toFixed(2)} MB/s, ${Math.round(run.recordsPerSec)} records/s, p99 ${run.p99} ms`)
        }
      }
    }
    console.log('')
    console.log('| case | tskafka MB/s | Kafka MB/s | ratio | tskafka p99 ms | Kafka p99 ms |')
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
    const summary: Array<Record<string, unknown>> = []
    for (const c of CASES) {
      const byTarget = results.get(c.name)!
      const ours = byTarget.get('tskafka') ?? []
      const theirs = byTarget.get('kafka') ?? []
      const o = median(ours.map((r) => r.mbps))
      const k = median(theirs.map((r) => r.mbps))
      const ratio = o / k
      console.log(`| ${c.name} | ${o.toFixed(2)} | ${k.toFixed(2)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'} | ${median(ours.map((r) => r.p99))} | ${median(theirs.map((r) => r.p99))} |`)
      summary.push({case: c.name, tskafkaMBps: o, kafkaMBps: k, ratio, tskafkaRuns: ours, kafkaRuns: theirs})
    }
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({mib: MIB, reps: REPS, kafkaVersion: kafkaVersion(), cases: summary}, null, 2) + '\n')
  } finally {
    for (const t of targets) await t.stop().catch(() => {})
  }
}

await main()
