// tskafka's perf tools beside Apache Kafka's, against the same broker, in the
// same run, with the same settings (npm run bench:perf):
//
//   produce: `tskafka perf produce` vs kafka-producer-perf-test.sh
//            1 KiB records, acks=1, unthrottled, 1,000,000 records (each into a fresh topic)
//   consume: `tskafka perf consume` vs kafka-consumer-perf-test.sh
//            the same 1,000,000 records, each tool in a fresh group
//
// on two brokers: Apache Kafka 4.3.1 (KRaft, from the peers install, with
// Kafka's own G1 settings) and the bundled tskafka broker (its own process,
// `tskafka broker start`). Before measuring, each broker is warmed up (both
// tools produce and consume --warmup-records untimed: a fresh JVM broker is
// twice as slow until its JIT has compiled the hot paths). The tools then
// run one at a time, alternating which goes first per round, with a pause
// between runs so that the broker has settled (a consumer started right after
// a 1 GB produce otherwise pays for the broker's clean-up). Reported:
// records/s of each tool, the ratio tskafka / Kafka (the goal is >= 1.0), and
// both p99 latencies (produce); with several rounds, also the averages.
//
//   npx tsx scripts/bench-perf.ts [--records 1000000] [--record-size 1024] [--rounds 2]
//                                 [--warmup-records 200000] [--pause-ms 3000]
//                                 [--brokers kafka,tskafka] [--json FILE]
//
// Needs `npm run build` (the CLI runs from dist/) and `npm run peers` (Kafka's jars).

import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {freePort, type KafkaReference, startKafkaReference} from '../test/helpers/kafka-reference.js'
import {kafkaBin, REPO_ROOT} from '../test/helpers/peers.js'
import {CONSUMER_ROW, parseProducerTotal} from '../test/unit/perf/kafka-formats.js'

const args = process.argv.slice(2)
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1]! : dflt
}
const RECORDS = Number(opt('records', '1000000'))
const RECORD_SIZE = Number(opt('record-size', '1024'))
const ROUNDS = Number(opt('rounds', '2'))
const WARMUP = Number(opt('warmup-records', '200000'))
const PAUSE_MS = Number(opt('pause-ms', '3000'))
const BROKERS = opt('brokers', 'kafka,tskafka').split(',')
const JSON_OUT = opt('json', '')
const CLI = join(REPO_ROOT, 'bin', 'run.js')

interface Run {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr, ms: Date.now() - started}))
  })
}

function check(what: string, r: Run): Run {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  return r
}

interface Broker {
  name: string
  bootstrap: string
  stop(): Promise<void>
}

async function startKafka(): Promise<Broker> {
  const ref: KafkaReference = await startKafkaReference({
    heapOpts: '-Xms1g -Xmx1g',
    jvmOpts: '-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExitOnOutOfMemoryError',
    overrides: {'num.network.threads': 3, 'num.io.threads': 4},
  })
  return {name: 'Apache Kafka 4.3.1', bootstrap: ref.bootstrapServers, stop: () => ref.stop()}
}

async function startTskafka(): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-bench-perf-'))
  const port = await freePort()
  const child = spawn(process.execPath, [CLI, 'broker', 'start', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${join(dir, 'data')}`, '--override', 'num.partitions=1'], {stdio: ['ignore', 'pipe', 'pipe']})
  let output = ''
  child.stdout.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr.on('data', (b: Buffer) => (output += b.toString()))
  const deadline = Date.now() + 30_000
  for (;;) {
    const probe = await run(process.execPath, [CLI, 'topics', 'list', '--bootstrap-server', `127.0.0.1:${port}`])
    if (probe.code === 0) break
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the bundled broker did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 300))
  }
  return {
    name: 'tskafka broker',
    bootstrap: `127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

interface ProduceFigures {
  recordsPerSec: number
  mbPerSec: number
  p99: number
  p50: number
  avgLatency: number
}

const pause = () => new Promise((r) => setTimeout(r, PAUSE_MS))

async function produceWith(tool: 'tskafka' | 'kafka', broker: Broker, topic: string, records = RECORDS): Promise<ProduceFigures> {
  await pause()
  const common = ['--topic', topic, '--num-records', String(records), '--record-size', String(RECORD_SIZE), '--throughput', '-1', '--bootstrap-server', broker.bootstrap, '--command-property', 'acks=1']
  const r =
    tool === 'tskafka'
      ? check('tskafka perf produce', await run(process.execPath, [CLI, 'perf', 'produce', ...common]))
      : check('kafka-producer-perf-test.sh', await run(kafkaBin('kafka-producer-perf-test'), common))
  const total = r.stdout
    .split('\n')
    .map((l) => parseProducerTotal(l.trim()))
    .find((t) => t !== null)
  if (!total) throw new Error(`no total line from ${tool}:\n${r.stdout}`)
  return {recordsPerSec: total.recordsPerSec, mbPerSec: total.mbPerSec, p99: total.p99, p50: total.p50, avgLatency: total.avgLatency}
}

interface ConsumeFigures {
  recordsPerSec: number
  mbPerSec: number
  fetchRecordsPerSec: number
  records: number
}

async function consumeWith(tool: 'tskafka' | 'kafka', broker: Broker, topic: string, group: string, records = RECORDS): Promise<ConsumeFigures> {
  await pause()
  const common = ['--topic', topic, '--num-records', String(records), '--bootstrap-server', broker.bootstrap, '--group', group, '--timeout', '30000']
  const r =
    tool === 'tskafka'
      ? check('tskafka perf consume', await run(process.execPath, [CLI, 'perf', 'consume', ...common]))
      : check('kafka-consumer-perf-test.sh', await run(kafkaBin('kafka-consumer-perf-test'), common))
  const row = r.stdout
    .split('\n')
    .map((l) => CONSUMER_ROW.exec(l.trim()))
    .find((m) => m !== null)
  if (!row) throw new Error(`no result row from ${tool}:\n${r.stdout}`)
  return {records: Number(row[5]), mbPerSec: Number(row[4]), recordsPerSec: Number(row[6]), fetchRecordsPerSec: Number(row[10])}
}

interface Row {
  broker: string
  round: number
  produce: {tskafka: ProduceFigures; kafka: ProduceFigures}
  consume: {tskafka: ConsumeFigures; kafka: ConsumeFigures}
}

function fmt(n: number, d = 0): string {
  return n.toLocaleString('en-US', {minimumFractionDigits: d, maximumFractionDigits: d})
}

async function main(): Promise<void> {
  console.log(`bench:perf  ${fmt(RECORDS)} records of ${RECORD_SIZE} bytes, acks=1, unthrottled, ${ROUNDS} round(s); brokers: ${BROKERS.join(', ')}`)
  const rows: Row[] = []
  for (const which of BROKERS) {
    const broker = which === 'kafka' ? await startKafka() : await startTskafka()
    try {
      if (WARMUP > 0) {
        for (const tool of ['kafka', 'tskafka'] as const) {
          await produceWith(tool, broker, `warmup-${tool}`, WARMUP)
          await consumeWith(tool, broker, `warmup-${tool}`, `warmup-${tool}`, WARMUP)
        }
        console.log(`  ${broker.name}: warmed up (${fmt(WARMUP)} records produced and consumed by each tool)`)
      }
      for (let round = 0; round < ROUNDS; round++) {
        const order: Array<'tskafka' | 'kafka'> = round % 2 === 0 ? ['kafka', 'tskafka'] : ['tskafka', 'kafka']
        const produce = {} as Row['produce']
        for (const tool of order) {
          produce[tool] = await produceWith(tool, broker, `bench-${tool}-${round}`)
          console.log(`  ${broker.name}, round ${round + 1}: ${tool.padEnd(7)} produce ${fmt(produce[tool].recordsPerSec)} records/s (${fmt(produce[tool].mbPerSec, 2)} MB/s), p99 ${produce[tool].p99} ms`)
        }
        const consume = {} as Row['consume']
        for (const tool of order) {
          consume[tool] = await consumeWith(tool, broker, `bench-kafka-${round}`, `bench-${tool}-${round}-${Date.now()}`)
          console.log(`  ${broker.name}, round ${round + 1}: ${tool.padEnd(7)} consume ${fmt(consume[tool].recordsPerSec)} records/s (${fmt(consume[tool].mbPerSec, 2)} MB/s)`)
        }
        rows.push({broker: broker.name, round, produce, consume})
        // Free the disk before the next round.
        for (const t of [`bench-kafka-${round}`, `bench-tskafka-${round}`]) await run(process.execPath, [CLI, 'topics', 'delete', '--topic', t, '--bootstrap-server', broker.bootstrap])
      }
    } finally {
      await broker.stop()
    }
  }
  console.log('')
  console.log('| broker | round | test | tskafka records/s | Kafka records/s | ratio | tskafka p99 ms | Kafka p99 ms |')
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const r of rows) {
    const p = r.produce
    const c = r.consume
    console.log(`| ${r.broker} | ${r.round + 1} | produce | ${fmt(p.tskafka.recordsPerSec)} | ${fmt(p.kafka.recordsPerSec)} | ${fmt(p.tskafka.recordsPerSec / p.kafka.recordsPerSec, 2)} | ${p.tskafka.p99} | ${p.kafka.p99} |`)
    console.log(`| ${r.broker} | ${r.round + 1} | consume | ${fmt(c.tskafka.recordsPerSec)} | ${fmt(c.kafka.recordsPerSec)} | ${fmt(c.tskafka.recordsPerSec / c.kafka.recordsPerSec, 2)} | - | - |`)
  }
  if (ROUNDS > 1) {
    console.log('')
    console.log('| broker | test | tskafka records/s (mean) | Kafka records/s (mean) | ratio of means | tskafka p99 ms (mean) | Kafka p99 ms (mean) |')
    console.log('| --- | --- | --- | --- | --- | --- | --- |')
    for (const name of [...new Set(rows.map((r) => r.broker))]) {
      const mine = rows.filter((r) => r.broker === name)
      const mean = (f: (r: Row) => number) => mine.reduce((s, r) => s + f(r), 0) / mine.length
      const pt = mean((r) => r.produce.tskafka.recordsPerSec)
      const pk = mean((r) => r.produce.kafka.recordsPerSec)
      const ct = mean((r) => r.consume.tskafka.recordsPerSec)
      const ck = mean((r) => r.consume.kafka.recordsPerSec)
      console.log(`| ${name} | produce | ${fmt(pt)} | ${fmt(pk)} | ${fmt(pt / pk, 2)} | ${fmt(mean((r) => r.produce.tskafka.p99))} | ${fmt(mean((r) => r.produce.kafka.p99))} |`)
      console.log(`| ${name} | consume | ${fmt(ct)} | ${fmt(ck)} | ${fmt(ct / ck, 2)} | - | - |`)
    }
  }
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify({records: RECORDS, recordSize: RECORD_SIZE, rows}, null, 2)}\n`)
}

main().catch((error: Error) => {
  console.error(`bench:perf failed: ${error.message}`)
  process.exitCode = 1
})
