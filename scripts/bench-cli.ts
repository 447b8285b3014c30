// CLI latency benchmark (npm run bench:cli): wall time of `tskafka topics --list`
// and `tskafka topics --describe` as a user runs them (a fresh node process
// each time, through bin/run.js), beside Apache Kafka's kafka-topics.sh
// against the same broker in the same run. Also compares, inside one process,
// the CLI's own protocol client with kafkajs for the same request (connect +
// list topics), which is how the CLI's client was chosen.
//
//   npx tsx scripts/bench-cli.ts [--broker bundled|kafka] [--runs 10] [--jvm-runs 5] [--topics 20]
//
// Needs `npm run build` (the CLI runs from dist/) and `npm run peers` (Kafka's tools).

import {spawn} from 'node:child_process'
import {join} from 'node:path'

import {KafkaClient} from '../src/client/client.js'
import {startBroker} from '../src/index.js'
import {startKafkaReference} from '../test/helpers/kafka-reference.js'
import {kafkaBin, REPO_ROOT} from '../test/helpers/peers.js'

const args = process.argv.slice(2)
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1]! : dflt
}
const RUNS = Number(opt('runs', '10'))
const JVM_RUNS = Number(opt('jvm-runs', '5'))
const TOPICS = Number(opt('topics', '20'))
const BROKER = opt('broker', 'bundled')
const CLI = join(REPO_ROOT, 'bin', 'run.js')
const JVM_ENV = {...process.env, KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData', KAFKA_HEAP_OPTS: '-Xmx256m'}

/** Wall time of one run. Asynchronous: the bundled broker runs in this process and must keep answering. */
function time(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(cmd, argv, {env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) reject(new Error(`${cmd} ${argv.join(' ')} failed (${code}): ${stderr}`))
      else resolve(ms)
    })
  })
}

export async function repeat(n: number, f: () => Promise<number>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(await f())
  return out
}

function stats(samples: number[]): {median: number; min: number} {
  const s = [...samples].sort((a, b) => a - b)
  return {median: s[Math.floor(s.length / 2)]!, min: s[0]!}
}

async function main(): Promise<void> {
  let bootstrap: string
  let stop: () => Promise<void>
  if (BROKER === 'kafka') {
    const k = await startKafkaReference()
    bootstrap = k.bootstrapServers
    stop = k.stop
  } else {
    const b = await startBroker({logLevel: 'error'})
    bootstrap = b.bootstrapServers
    stop = b.stop
  }
  try {
    for (let i = 0; i < TOPICS; i++) await time(process.execPath, [CLI, 'topics', 'create', `bench-${i}`, '--partitions', '3', '--if-not-exists', '--bootstrap-server', bootstrap])
    console.log(`broker: ${BROKER} at ${bootstrap}, ${TOPICS} topics of 3 partitions; ${RUNS} tskafka runs, ${JVM_RUNS} kafka-topics.sh runs (median, min; ms)\n`)
    // Warm the page cache for both programs before measuring.
    await time(process.execPath, [CLI, 'topics', '--list', '--bootstrap-server', bootstrap])
    await time(kafkaBin('kafka-topics'), ['--list', '--bootstrap-server', bootstrap], JVM_ENV)

    const rows: string[] = []
    for (const action of ['--list', '--describe']) {
      // Interleaved, so both programs see the same machine load.
      const oursSamples: number[] = []
      const theirsSamples: number[] = []
      for (let i = 0; i < Math.max(RUNS, JVM_RUNS); i++) {
        if (i < RUNS) oursSamples.push(await time(process.execPath, [CLI, 'topics', action, '--bootstrap-server', bootstrap]))
        if (i < JVM_RUNS) theirsSamples.push(await time(kafkaBin('kafka-topics'), [action, '--bootstrap-server', bootstrap], JVM_ENV))
      }
      const ours = stats(oursSamples)
      const theirs = stats(theirsSamples)
      rows.push(
        `topics ${action.padEnd(10)}  tskafka ${ours.median.toFixed(0).padStart(5)} (${ours.min.toFixed(0)})   kafka-topics.sh ${theirs.median.toFixed(0).padStart(5)} (${theirs.min.toFixed(0)})   ratio ${(ours.median / theirs.median).toFixed(2)} (of minimums ${(ours.min / theirs.min).toFixed(2)})   goal < 500 ms: ${ours.median < 500 ? 'met' : 'missed'}`,
      )
    }
    const baseline = stats(await repeat(RUNS, () => time(process.execPath, [CLI, '--version'])))
    console.log(rows.join('\n'))
    console.log(`\n(tskafka --version, i.e. node + oclif start-up alone: ${baseline.median.toFixed(0)} ms median, ${baseline.min.toFixed(0)} ms min)`)
    console.log(`load average while measuring: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} CPUs (medians swing with it; minimums less)`)

    // In-process: the CLI's client vs kafkajs, connect + list topics, after a warm-up.
    const ownOnce = async () => {
      const t = performance.now()
      const c = await KafkaClient.connect({bootstrapServers: [bootstrap], clientId: 'bench', tls: null, sasl: null, connectTimeoutMs: 5000, requestTimeoutMs: 10_000})
      await c.metadata(null)
      c.close()
      return performance.now() - t
    }
    const loadStart = performance.now()
    const {default: kafkajs} = await import('kafkajs')
    const kafkajsLoad = performance.now() - loadStart
    const kafkajsOnce = async () => {
      const t = performance.now()
      const admin = new kafkajs.Kafka({brokers: [bootstrap], clientId: 'bench', logLevel: kafkajs.logLevel.NOTHING}).admin()
      await admin.connect()
      await admin.listTopics()
      await admin.disconnect()
      return performance.now() - t
    }
    for (let i = 0; i < 5; i++) {
      await ownOnce()
      await kafkajsOnce()
    }
    const own: number[] = []
    const kjs: number[] = []
    for (let i = 0; i < 30; i++) {
      own.push(await ownOnce())
      kjs.push(await kafkajsOnce())
    }
    const o = stats(own)
    const k = stats(kjs)
    console.log(
      `\nconnect + list topics in-process: own client ${o.median.toFixed(1)} ms, kafkajs admin ${k.median.toFixed(1)} ms (median of 30); importing kafkajs costs ${kafkajsLoad.toFixed(0)} ms once per process`,
    )
  } finally {
    await stop()
  }
}

await main()
