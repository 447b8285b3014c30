// End-to-end broker benchmark (npm run bench:broker): Apache Kafka's own
// kafka-producer-perf-test and kafka-consumer-perf-test drive the bundled
// tskafka broker and a real Apache Kafka 4.x broker (KRaft, combined mode,
// Kafka's default JVM settings) on this machine in the same run: both brokers
// up, taking turns case by case (alternating who goes first), with the same
// topics and record counts:
//
//   ingest MB/s   producer-perf-test --throughput -1 (acks=all, idempotent, linger 5 ms: client defaults)
//   fetch MB/s    consumer-perf-test's fetch.MB.sec (consuming, group join excluded)
//   latency       producer-perf-test --throughput 10000, 1 KiB records, 1 partition: p50/p99
//
// for 1 KiB and 100-byte records on 1 and 6 partitions, each the median of
// --reps runs on fresh topics. Prints a table with the bundled/Kafka ratios.
//
//   npx tsx scripts/bench-broker.ts [--reps 3] [--mib-1k 256] [--mib-100 128]
//       [--latency-records 100000] [--only bundled|kafka] [--profile <dir>] [--json <file>]
//
// --profile runs the bundled broker under node --cpu-prof (profiles land in <dir>).

import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {freePort, startKafkaReference, type KafkaReference} from '../test/helpers/kafka-reference.js'
import {assertPeers, describeRun, kafkaVersion, REPO_ROOT, runKafkaTool} from '../test/helpers/peers.js'

const args = process.argv.slice(2)
function opt(name: string): string | undefined {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const REPS = Number(opt('reps') ?? 3)
const MIB_1K = Number(opt('mib-1k') ?? 256)
const MIB_100 = Number(opt('mib-100') ?? 128)
const LATENCY_RECORDS = Number(opt('latency-records') ?? 100_000)
const ONLY = opt('only')
const PROFILE_DIR = opt('profile')
const JSON_OUT = opt('json')

interface Case {
  name: string
  recordSize: number
  partitions: number
  records: number
}

const CASES: Case[] = [
  {name: '1 KiB, 1 partition', recordSize: 1024, partitions: 1, records: Math.round((MIB_1K * 1024 * 1024) / 1024)},
  {name: '1 KiB, 6 partitions', recordSize: 1024, partitions: 6, records: Math.round((MIB_1K * 1024 * 1024) / 1024)},
  {name: '100 B, 1 partition', recordSize: 100, partitions: 1, records: Math.round((MIB_100 * 1024 * 1024) / 100)},
  {name: '100 B, 6 partitions', recordSize: 100, partitions: 6, records: Math.round((MIB_100 * 1024 * 1024) / 100)},
]

interface Target {
  name: 'bundled' | 'kafka'
  bootstrap: string
  stop(): Promise<void>
}

interface ProducerResult {
  mbps: number
  recordsPerSec: number
  avgMs: number
  p50: number
  p99: number
}

interface CaseResult {
  ingest: number[]
  fetch: number[]
}

const TOOL_TIMEOUT = 15 * 60_000

// ------------------------------------------------------------------ brokers

async function startBundled(): Promise<Target> {
  const home = mkdtempSync(join(tmpdir(), 'tskafka-bench-broker-'))
  const port = await freePort()
  const overrides = [`listeners=PLAINTEXT://127.0.0.1:${port}`, `log.dirs=${join(home, 'logs')}`, 'node.id=1', 'group.initial.rebalance.delay.ms=0', 'offsets.topic.replication.factor=1']
  const code = `const {runBrokerInForeground} = await import(${JSON.stringify(join(REPO_ROOT, 'src/broker/foreground.ts'))}); await runBrokerInForeground({overrides: ${JSON.stringify(overrides)}, logLevel: 'warn'})`
  const nodeArgs = [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), '--import', 'tsx', '--input-type=module', '-e', code]
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {cwd: REPO_ROOT, env: {...process.env, TSKAFKA_HOME: home}, stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const deadline = Date.now() + 60_000
  while (!(await answers(port))) {
    if (child.exitCode !== null) throw new Error(`the bundled broker exited while starting:\n${out}`)
    if (Date.now() > deadline) throw new Error(`the bundled broker did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    name: 'bundled',
    bootstrap: `127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM')
      await exited
      rmSync(home, {recursive: true, force: true})
    },
  }
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

async function startKafka(): Promise<Target> {
  // kafka-server-start.sh's own defaults: 1 GiB heap, G1 with 20 ms pauses.
  const ref: KafkaReference = await startKafkaReference({heapOpts: '-Xmx1G -Xms1G', jvmOpts: '-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent'})
  return {name: 'kafka', bootstrap: ref.bootstrapServers, stop: () => ref.stop()}
}

// ------------------------------------------------------------------ tools

async function createTopic(t: Target, topic: string, partitions: number): Promise<void> {
  const r = await runKafkaTool('kafka-topics', ['--bootstrap-server', t.bootstrap, '--create', '--topic', topic, '--partitions', String(partitions), '--replication-factor', '1'], {timeoutMs: 120_000})
  if (r.code !== 0) throw new Error(describeRun(`kafka-topics --create ${topic} on ${t.name}`, r))
}

const PRODUCER_LINE = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th/

async function producerPerf(t: Target, topic: string, records: number, recordSize: number, throughput: number): Promise<ProducerResult> {
  const r = await runKafkaTool(
    'kafka-producer-perf-test',
    ['--topic', topic, '--num-records', String(records), '--record-size', String(recordSize), '--throughput', String(throughput), '--command-property', `bootstrap.servers=${t.bootstrap}`],
    {timeoutMs: TOOL_TIMEOUT},
  )
  const lines = r.stdout.split('\n').filter((l) => PRODUCER_LINE.test(l))
  const m = PRODUCER_LINE.exec(lines[lines.length - 1] ?? '')
  if (r.code !== 0 || !m || Number(m[1]) !== records) throw new Error(describeRun(`kafka-producer-perf-test on ${t.name}`, r))
  return {recordsPerSec: Number(m[2]), mbps: Number(m[3]), avgMs: Number(m[4]), p50: Number(m[6]), p99: Number(m[8])}
}

async function consumerPerf(t: Target, topic: string, records: number): Promise<number> {
  const r = await runKafkaTool(
    'kafka-consumer-perf-test',
    ['--bootstrap-server', t.bootstrap, '--topic', topic, '--num-records', String(records), '--timeout', '120000', '--group', `bench-${topic}`],
    {timeoutMs: TOOL_TIMEOUT},
  )
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const row = r.stdout
    .split('\n')
    .map((l) => l.split(',').map((x) => x.trim()))
    .find((cols) => cols.length >= 10 && /^\d{4}-/.test(cols[0]!))
  if (r.code !== 0 || !row || Number(row[4]) < records) throw new Error(describeRun(`kafka-consumer-perf-test on ${t.name}`, r))
  return Number(row[8])
}

// ------------------------------------------------------------------ run

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

type Results = {cases: Map<string, CaseResult>; latency: ProducerResult[]}

async function warmUp(t: Target): Promise<void> {
  // JIT of the broker's and the tools' code paths; not measured.
  await createTopic(t, 'bench-warmup', 1)
  await producerPerf(t, 'bench-warmup', 50_000, 1024, -1)
  await consumerPerf(t, 'bench-warmup', 50_000)
}

async function main(): Promise<void> {
  assertPeers()
  if (PROFILE_DIR) console.error(`CPU profiles of the bundled broker go to ${PROFILE_DIR}`)
  // Both brokers run for the whole benchmark and take turns, case by case and in alternating
  // order, so load from elsewhere on the machine falls on both alike.
  const targets: Target[] = []
  try {
    if (ONLY !== 'kafka') targets.push(await startBundled())
    if (ONLY !== 'bundled') targets.push(await startKafka())
    const results = new Map<string, Results>(targets.map((t) => [t.name, {cases: new Map(CASES.map((c) => [c.name, {ingest: [], fetch: []}])), latency: []}]))
    for (const t of targets) await warmUp(t)
    for (let rep = 0; rep < REPS; rep++) {
      const order = rep % 2 === 0 ? targets : [...targets].reverse()
      for (const c of CASES) {
        for (const t of order) {
          const topic = `bench-${c.recordSize}b-${c.partitions}p-${rep}`
          await createTopic(t, topic, c.partitions)
          const p = await producerPerf(t, topic, c.records, c.recordSize, -1)
          const f = await consumerPerf(t, topic, c.records)
          results.get(t.name)!.cases.get(c.name)!.ingest.push(p.mbps)
          results.get(t.name)!.cases.get(c.name)!.fetch.push(f)
          console.error(`  rep ${rep + 1} ${t.name}: ${c.name}: ingest ${p.mbps.toFixed(1)} MB/s, fetch ${f.toFixed(1)} MB/s`)
        }
      }
      for (const t of order) {
        const topic = `bench-latency-${rep}`
        await createTopic(t, topic, 1)
        const l = await producerPerf(t, topic, LATENCY_RECORDS, 1024, 10_000)
        results.get(t.name)!.latency.push(l)
        console.error(`  rep ${rep + 1} ${t.name}: latency at 10000 records/s: p50 ${l.p50} ms, p99 ${l.p99} ms`)
      }
    }
    report(results)
  } finally {
    for (const t of targets) await t.stop()
  }
}

function report(results: Map<string, Results>): void {
  const b = results.get('bundled')
  const k = results.get('kafka')
  const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1))
  const ratio = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? '-' : (x / y).toFixed(2))
  const rows: Array<Record<string, string>> = []
  for (const c of CASES) {
    const bi = b ? median(b.cases.get(c.name)!.ingest) : undefined
    const ki = k ? median(k.cases.get(c.name)!.ingest) : undefined
    const bf = b ? median(b.cases.get(c.name)!.fetch) : undefined
    const kf = k ? median(k.cases.get(c.name)!.fetch) : undefined
    rows.push({case: c.name, 'ingest bundled': fmt(bi), 'ingest Kafka': fmt(ki), 'ingest ratio': ratio(bi, ki), 'fetch bundled': fmt(bf), 'fetch Kafka': fmt(kf), 'fetch ratio': ratio(bf, kf)})
  }
  console.log(`\nMB/s, median of ${REPS} (Apache Kafka ${kafkaVersion()} tools, same machine)`)
  console.table(rows)
  const lat = (r: typeof b, key: 'p50' | 'p99') => (r ? median(r.latency.map((l) => l[key])) : undefined)
  console.log(`Produce latency at --throughput 10000, 1 KiB records, 1 partition (ms, median of ${REPS}):`)
  console.table([
    {broker: 'bundled', p50: fmt(lat(b, 'p50')), p99: fmt(lat(b, 'p99'))},
    {broker: `Kafka ${kafkaVersion()}`, p50: fmt(lat(k, 'p50')), p99: fmt(lat(k, 'p99'))},
  ])
  if (JSON_OUT) {
    const plain = Object.fromEntries([...results].map(([n, r]) => [n, {cases: Object.fromEntries(r.cases), latency: r.latency}]))
    writeFileSync(JSON_OUT, JSON.stringify({reps: REPS, kafka: kafkaVersion(), cases: CASES, results: plain, table: rows}, null, 2))
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(1)
})
