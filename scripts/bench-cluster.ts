// Start-to-ready time of a three-broker cluster (npm run bench:cluster): `tskafka cluster start
// --brokers 3` (built CLI, background broker processes, controller quorum among them) beside a
// three-node Apache Kafka KRaft cluster (combined broker+controller nodes, static voters) started
// from the peers install's jars, on the same machine in the same run.
//
// "Ready" is the same for both: every broker lists all three brokers in a Metadata answer (it is
// registered and unfenced and has caught up with the others' registrations) and names a
// controller. tskafka's time is the wall time of the `cluster start` command, which waits for
// exactly that: once on fresh data (it formats the storage first), once more after `cluster stop`
// (storage already formatted). Kafka's is from launching its three kafka-server-start.sh
// processes until all three answer so, with the time of formatting the storage beforehand
// (kafka-storage.sh format, three at once) reported beside it. So: fresh start against format +
// launch, restart against launch. Each is run --runs times (default 3), alternating; medians and
// minimums are shown.
//
//   npx tsx scripts/bench-cluster.ts [--runs 3] [--skip-kafka]

import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, Socket} from 'node:net'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {launchKafkaNode, type LaunchedKafkaNode, randomClusterId, referenceServerProperties} from '../test/helpers/kafka-reference.js'
import {assertPeers, runKafkaTool} from '../test/helpers/peers.js'

const args = process.argv.slice(2)
const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3
const skipKafka = args.includes('--skip-kafka')
const ROOT = resolve(import.meta.dirname, '..')
const RUN = join(ROOT, 'bin', 'run.js')
const BROKERS = 3

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = createServer()
    s.once('error', () => done(false))
    s.listen({host: '127.0.0.1', port, exclusive: true}, () => s.close(() => done(true)))
  })
}

/** A base port with n free ports from it and n free ports 10000 above. */
async function freeRange(n: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 25_000)
    let free = true
    for (let i = 0; i < n && free; i++) free = (await portFree(base + i)) && (await portFree(base + 10_000 + i))
    if (free) return base
  }
}

function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((done) => {
    execFile(process.execPath, [RUN, ...argv], {env: {...process.env, ...env}, timeout: 120_000}, (error, stdout, stderr) => {
      done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
  })
}

async function tskafkaRun(): Promise<{freshMs: number; restartMs: number}> {
  const home = mkdtempSync(join(tmpdir(), 'tskafka-bench-cluster-'))
  const env = {TSKAFKA_HOME: home, TSKAFKA_CONFIG: join(home, 'contexts.yaml')}
  const base = await freeRange(BROKERS)
  const start = async () => {
    const began = performance.now()
    const r = await cli(['cluster', 'start', '--brokers', String(BROKERS), '--port', String(base)], env)
    const ms = performance.now() - began
    if (r.code !== 0) throw new Error(`tskafka cluster start failed:\n${r.stdout}${r.stderr}`)
    return ms
  }
  try {
    const freshMs = await start()
    const stop = await cli(['cluster', 'stop'], env)
    if (stop.code !== 0) throw new Error(`tskafka cluster stop failed:\n${stop.stdout}${stop.stderr}`)
    const restartMs = await start()
    return {freshMs, restartMs}
  } finally {
    await cli(['cluster', 'destroy'], env)
    rmSync(home, {recursive: true, force: true})
  }
}

/** Metadata v4 (brokers and controller id), as test/helpers/kafka-reference.ts probes one node. */
function metadataView(host: string, port: number): Promise<{brokers: number; controllerId: number} | null> {
  const clientId = Buffer.from('tskafka-bench-probe')
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1)
  let o = 0
  o = body.writeInt16BE(3, o)
  o = body.writeInt16BE(4, o)
  o = body.writeInt32BE(1, o)
  o = body.writeInt16BE(clientId.length, o)
  o += clientId.copy(body, o)
  o = body.writeInt32BE(0, o)
  body.writeInt8(0, o)
  const frame = Buffer.concat([Buffer.alloc(4), body])
  frame.writeInt32BE(body.length, 0)
  return new Promise((done) => {
    const socket = new Socket()
    let buf = Buffer.alloc(0)
    const finish = (v: {brokers: number; controllerId: number} | null) => {
      socket.destroy()
      done(v)
    }
    socket.setTimeout(2000, () => finish(null))
    socket.on('error', () => finish(null))
    socket.on('close', () => finish(null))
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return
      // correlation id, throttle time, brokers: [node id, host, port, rack], cluster id, controller id
      let at = 4 + 4 + 4
      const n = buf.readInt32BE(at)
      at += 4
      for (let i = 0; i < n; i++) {
        at += 4
        at += 2 + buf.readInt16BE(at)
        at += 4
        const rack = buf.readInt16BE(at)
        at += 2 + Math.max(0, rack)
      }
      const cluster = buf.readInt16BE(at)
      at += 2 + Math.max(0, cluster)
      finish({brokers: n, controllerId: buf.readInt32BE(at)})
    })
    socket.connect(port, host, () => socket.write(frame))
  })
}

async function kafkaRun(): Promise<{readyMs: number; formatMs: number}> {
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-bench-kafka-cluster-'))
  const base = await freeRange(BROKERS)
  const clusterId = randomClusterId()
  const voters = Array.from({length: BROKERS}, (_, i) => `${i + 1}@127.0.0.1:${base + 10_000 + i}`).join(',')
  const nodes: LaunchedKafkaNode[] = []
  try {
    const files: string[] = []
    for (let i = 0; i < BROKERS; i++) {
      const nodeDir = join(dir, `node-${i + 1}`)
      mkdirSync(nodeDir)
      // The test reference's node settings (test/helpers/kafka-reference.ts), with replication
      // capped at the cluster size as in Kafka's shipped config/server.properties.
      const props = referenceServerProperties({
        nodeId: i + 1,
        port: base + i,
        controllerPort: base + 10_000 + i,
        logDir: join(nodeDir, 'data'),
        overrides: {
          'controller.quorum.voters': voters,
          'offsets.topic.replication.factor': 3,
          'transaction.state.log.replication.factor': 3,
          'transaction.state.log.min.isr': 2,
          'share.coordinator.state.topic.replication.factor': 3,
          'share.coordinator.state.topic.min.isr': 2,
        },
      })
      const file = join(nodeDir, 'server.properties')
      writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${v}\n`).join(''))
      files.push(file)
    }
    const formatBegan = performance.now()
    await Promise.all(
      files.map(async (file) => {
        const r = await runKafkaTool('kafka-storage', ['format', '-t', clusterId, '-c', file], {timeoutMs: 120_000})
        if (r.code !== 0) throw new Error(`kafka-storage.sh format failed:\n${r.stdout}${r.stderr}`)
      }),
    )
    const formatMs = performance.now() - formatBegan
    const began = performance.now()
    for (const file of files) nodes.push(launchKafkaNode(file))
    const deadline = Date.now() + 180_000
    for (;;) {
      const views = await Promise.all(Array.from({length: BROKERS}, (_, i) => metadataView('127.0.0.1', base + i)))
      if (views.every((v) => v !== null && v.brokers === BROKERS && v.controllerId >= 0)) break
      if (nodes.some((n) => n.exited())) throw new Error('a Kafka broker exited while starting')
      if (Date.now() > deadline) throw new Error('Kafka did not become ready within 180 s')
      await new Promise((r) => setTimeout(r, 50))
    }
    return {readyMs: performance.now() - began, formatMs}
  } finally {
    await Promise.all(nodes.map((n) => n.stop()))
    rmSync(dir, {recursive: true, force: true})
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function main(): Promise<void> {
  if (!skipKafka) assertPeers()
  const fresh: number[] = []
  const restart: number[] = []
  const kafka: number[] = []
  const kafkaFresh: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = await tskafkaRun()
    fresh.push(t.freshMs)
    restart.push(t.restartMs)
    console.log(`run ${i + 1}: tskafka cluster start --brokers 3: ${Math.round(t.freshMs)} ms fresh, ${Math.round(t.restartMs)} ms after a stop`)
    if (!skipKafka) {
      const k = await kafkaRun()
      kafka.push(k.readyMs)
      kafkaFresh.push(k.formatMs + k.readyMs)
      console.log(`run ${i + 1}: Apache Kafka, 3 nodes: ${Math.round(k.readyMs)} ms from launch (${Math.round(k.formatMs + k.readyMs)} ms with kafka-storage.sh format)`)
    }
  }
  const ms = (xs: number[]) => `${Math.round(median(xs))} ms (min ${Math.round(Math.min(...xs))})`
  console.log('')
  console.log(`tskafka cluster start --brokers 3, to ready: fresh ${ms(fresh)}; after a stop ${ms(restart)}`)
  if (!skipKafka) {
    console.log(`Apache Kafka, 3 nodes, to ready: format + launch ${ms(kafkaFresh)}; launch ${ms(kafka)}`)
    const pct = (a: number[], b: number[]) => `${((median(a) / median(b)) * 100).toFixed(1)}%`
    console.log(`tskafka takes ${pct(fresh, kafkaFresh)} of Kafka's time fresh, ${pct(restart, kafka)} on a restart (goal: under 20%, and about a second)`)
  }
  console.log(`load average while it ran: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores`)
}

await main()
