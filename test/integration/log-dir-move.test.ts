// Moving a replica between the log dirs of one bundled broker (log.dirs=dirA,dirB) with Apache
// Kafka's kafka-reassign-partitions.sh: a reassignment JSON whose log_dirs names the other dir,
// --replica-alter-log-dirs-throttle, --verify until "completed successfully". Under a running
// acks=all producer every acknowledged record stays readable in order, the partition's files end
// up only in the new dir, kafka-dump-log.sh reads them, and a restart keeps everything. A broker
// stopped mid-move resumes it after the restart; a topic deleted mid-move leaves no future dir.
// tskafka reassign moves a replica between the dirs the same way.

import {mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel, type Producer} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startBroker, type StartedBroker} from '../../src/index.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {assertPeers, describeRun, runKafkaTool, runKcat} from '../helpers/peers.js'

const base = mkdtempSync(join(tmpdir(), 'tskafka-logdirmove-'))
const dirA = join(base, 'dirA')
const dirB = join(base, 'dirB')
const THROTTLE = 1_000_000
const moveLines: string[] = []
let broker: StartedBroker

async function start(): Promise<StartedBroker> {
  return startBroker({
    dataDir: base,
    config: {'log.dirs': `${dirA},${dirB}`, 'auto.create.topics.enable': false, 'offsets.topic.num.partitions': 1},
    logLevel: 'info',
    // Only the move's own lines are kept (the copy's size and duration).
    logSink: (line) => {
      if (/future replica|Moving .* from|Resuming the move|Log dir move throttle/.test(line)) moveLines.push(line)
    },
  })
}

beforeAll(async () => {
  assertPeers()
  assertCliBuilt()
  broker = await start()
}, 60_000)

afterAll(async () => {
  await broker?.stop()
  rmSync(base, {recursive: true, force: true})
})

const kafka = () => new Kafka({clientId: 'log-dir-move', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING, retry: {retries: 10, initialRetryTime: 100}})

const entriesOf = (dir: string, topic: string) => readdirSync(dir).filter((n) => n === `${topic}-0` || n.startsWith(`${topic}-0.`))

async function reassign(args: string[]) {
  return runKafkaTool('kafka-reassign-partitions.sh', ['--bootstrap-server', broker.bootstrapServers, ...args], {timeoutMs: 90_000})
}

async function verifyUntilDone(file: string): Promise<{stdout: string; sawInProgress: boolean}> {
  let sawInProgress = false
  for (let i = 0; i < 40; i++) {
    const r = await reassign(['--verify', '--reassignment-json-file', file])
    expect(r.code, describeRun('verify', r)).toBe(0)
    if (r.stdout.includes('is still in progress')) {
      sawInProgress = true
      continue
    }
    return {stdout: r.stdout, sawInProgress}
  }
  throw new Error('the move did not complete')
}

function writeMove(name: string, topic: string, dir: string): string {
  const path = join(base, `${name}.json`)
  writeFileSync(path, JSON.stringify({version: 1, partitions: [{topic, partition: 0, replicas: [1], log_dirs: [dir]}]}))
  return path
}

async function createTopic(topic: string): Promise<void> {
  const admin = kafka().admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic, numPartitions: 1, replicationFactor: 1, configEntries: [{name: 'segment.bytes', value: '1048576'}]}], waitForLeaders: true})
  await admin.disconnect()
}

/** Sends `count` records of about `size` bytes with acks=all, 100 a batch; returns their values. */
async function prefill(producer: Producer, topic: string, prefix: string, count: number, size: number): Promise<string[]> {
  const values: string[] = []
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({length: Math.min(100, count - i)}, (_, j) => `${prefix}-${i + j}-`.padEnd(size, 'x'))
    await producer.send({topic, acks: -1, messages: batch.map((value) => ({value}))})
    values.push(...batch)
  }
  return values
}

/** A producer that keeps sending small acks=all batches until stopped; what was acknowledged, in order. */
function runningProducer(producer: Producer, topic: string) {
  const acked: string[] = []
  const errors: string[] = []
  let stop = false
  const done = (async () => {
    for (let n = 0; !stop; n++) {
      const batch = Array.from({length: 10}, (_, j) => `live-${n}-${j}`)
      try {
        await producer.send({topic, acks: -1, messages: batch.map((value) => ({value}))})
        acked.push(...batch)
      } catch (e) {
        errors.push((e as Error).message)
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  return {acked, errors, stop: async () => ((stop = true), await done)}
}

async function consumeAll(topic: string): Promise<string[]> {
  const r = await runKcat(['-b', broker.bootstrapServers, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q'], {timeoutMs: 60_000})
  expect(r.code, describeRun('kcat', r)).toBe(0)
  return r.stdout.split('\n').filter((l) => l !== '')
}

/** Polls the two dirs until the future dir has come and gone; returns how long it was there. */
function watchFutureDir(topic: string, dir: string) {
  let firstSeen = 0
  let lastSeen = 0
  const timer = setInterval(() => {
    if (entriesOf(dir, topic).some((n) => n.endsWith('-future'))) {
      lastSeen = Date.now()
      if (firstSeen === 0) firstSeen = lastSeen
    }
  }, 20)
  return {
    stop: () => clearInterval(timer),
    get seen() {
      return firstSeen !== 0
    },
    get ms() {
      return lastSeen - firstSeen
    },
  }
}

describe('moving a replica between log dirs of one broker', () => {
  it('moves a partition under an acks=all producer with kafka-reassign-partitions.sh, throttled, and keeps every record', async () => {
    await createTopic('moving')
    const from = entriesOf(dirA, 'moving').length > 0 ? dirA : dirB
    const to = from === dirA ? dirB : dirA
    expect(entriesOf(from, 'moving')).toEqual(['moving-0'])

    const producer = kafka().producer({allowAutoTopicCreation: false})
    await producer.connect()
    const PREFILL_BYTES = 4 * 1024 * 1024
    const prefilled = await prefill(producer, 'moving', 'pre', PREFILL_BYTES / 1024, 1024)
    const live = runningProducer(producer, 'moving')
    const watch = watchFutureDir('moving', to)

    const move = writeMove('move', 'moving', to)
    const started = Date.now()
    const executed = await reassign(['--execute', '--reassignment-json-file', move, '--replica-alter-log-dirs-throttle', String(THROTTLE)])
    expect(executed.code, describeRun('execute', executed)).toBe(0)
    expect(executed.stdout).toContain(`Successfully started moving log directory to ${to} for replica moving-0 with broker 1`)
    expect(executed.stdout).toContain('The replica-alter-dir throttle limit was set to 1000000 B/s')
    // The rollback names the dir the replica came from.
    expect(executed.stdout).toContain(JSON.stringify({version: 1, partitions: [{topic: 'moving', partition: 0, replicas: [1], log_dirs: [from]}]}))

    const verified = await verifyUntilDone(move)
    const elapsedMs = Date.now() - started
    watch.stop()
    expect(verified.stdout).toContain('Reassignment of replica moving-0-1 completed successfully.')
    expect(verified.stdout).toContain('Clearing broker-level throttles on broker 1')
    await live.stop()
    await producer.disconnect()
    expect(live.errors).toEqual([])
    expect(live.acked.length).toBeGreaterThan(0)

    const swapLine = moveLines.find((l) => l.includes('was replaced by its future replica'))
    expect(swapLine, moveLines.join('\n')).toBeDefined()
    const [, bytes, secs] = /after copying (\d+) bytes in ([\d.]+) s/.exec(swapLine!)!
    const rate = Number(bytes) / Number(secs)
    console.log(
      `log dir move: ${bytes} bytes in ${secs} s (broker) = ${(rate / 1e6).toFixed(2)} MB/s at a ${THROTTLE / 1e6} MB/s throttle; future dir seen for ${(watch.ms / 1000).toFixed(1)} s; execute to verified ${(elapsedMs / 1000).toFixed(1)} s; ${live.acked.length} records acknowledged during the move`,
    )
    expect(watch.seen).toBe(true)
    expect(Number(bytes)).toBeGreaterThanOrEqual(PREFILL_BYTES)
    // The throttle holds the copy back: never faster than about twice the bound (a lower bound on the duration).
    expect(Number(secs)).toBeGreaterThanOrEqual(PREFILL_BYTES / THROTTLE / 2)

    expect(entriesOf(from, 'moving')).toEqual([])
    expect(entriesOf(to, 'moving')).toEqual(['moving-0'])
    const expected = [...prefilled, ...live.acked]
    expect(await consumeAll('moving')).toEqual(expected)

    // Kafka's own dump tool reads the new segment files (every batch, with their offsets).
    const segments = readdirSync(join(to, 'moving-0')).filter((n) => n.endsWith('.log')).sort()
    expect(segments.length).toBeGreaterThan(3)
    const dumped = await runKafkaTool('kafka-dump-log.sh', ['--files', segments.map((s) => join(to, 'moving-0', s)).join(',')], {timeoutMs: 60_000})
    expect(dumped.code, describeRun('dump', dumped)).toBe(0)
    for (const s of segments) expect(dumped.stdout).toContain(`Dumping ${join(to, 'moving-0', s)}`)
    expect(dumped.stdout).toContain('baseOffset: 0 lastOffset: 99')
    expect(dumped.stdout).not.toMatch(/invalid|corrupt/i)
    const lastOffsets = [...dumped.stdout.matchAll(/lastOffset: (\d+)/g)].map((m) => Number(m[1]))
    expect(Math.max(...lastOffsets)).toBe(expected.length - 1)

    // A restart keeps the partition in its new dir, with every record.
    await broker.stop()
    broker = await start()
    expect(entriesOf(from, 'moving')).toEqual([])
    expect(await consumeAll('moving')).toEqual(expected)
    const described = await runKafkaTool('kafka-log-dirs.sh', ['--bootstrap-server', broker.bootstrapServers, '--describe', '--topic-list', 'moving'], {timeoutMs: 60_000})
    expect(described.code, describeRun('log-dirs', described)).toBe(0)
    const json = JSON.parse(described.stdout.split('\n').find((l) => l.startsWith('{'))!) as {brokers: Array<{logDirs: Array<{logDir: string; partitions: Array<{partition: string; isFuture: boolean}>}>}>}
    const where = json.brokers[0]!.logDirs.flatMap((d) => d.partitions.map((p) => [d.logDir, p.partition, p.isFuture]))
    expect(where).toEqual([[to, 'moving-0', false]])
  }, 150_000)

  it('resumes a move after a restart mid-move, and drops the future log of a topic deleted mid-move', async () => {
    await createTopic('resumed')
    const from = entriesOf(dirA, 'resumed').length > 0 ? dirA : dirB
    const to = from === dirA ? dirB : dirA
    const producer = kafka().producer({allowAutoTopicCreation: false})
    await producer.connect()
    const values = await prefill(producer, 'resumed', 'r', 2048, 1024)
    await producer.disconnect()

    const move = writeMove('resume', 'resumed', to)
    const executed = await reassign(['--execute', '--reassignment-json-file', move, '--replica-alter-log-dirs-throttle', '200000'])
    expect(executed.code, describeRun('execute', executed)).toBe(0)
    // The describe shows the future replica with its lag while the copy runs.
    const during = await runKafkaTool('kafka-log-dirs.sh', ['--bootstrap-server', broker.bootstrapServers, '--describe', '--topic-list', 'resumed'], {timeoutMs: 60_000})
    const json = JSON.parse(during.stdout.split('\n').find((l) => l.startsWith('{'))!) as {brokers: Array<{logDirs: Array<{logDir: string; partitions: Array<{partition: string; isFuture: boolean; offsetLag: number}>}>}>}
    const entries = json.brokers[0]!.logDirs.flatMap((d) => d.partitions.map((p) => ({dir: d.logDir, ...p})))
    expect(entries.find((e) => !e.isFuture)).toMatchObject({dir: from, partition: 'resumed-0', offsetLag: 0})
    const future = entries.find((e) => e.isFuture)
    expect(future).toMatchObject({dir: to, partition: 'resumed-0'})
    expect(future!.offsetLag).toBeGreaterThan(0)
    expect(entriesOf(to, 'resumed').some((n) => n.endsWith('-future'))).toBe(true)

    // Stopped mid-move (once some of it is copied: the quota may still count the previous move's
    // bytes): the future dir stays and the move resumes from where it was.
    const futureBytes = () => {
      const name = entriesOf(to, 'resumed').find((n) => n.endsWith('-future'))
      if (name === undefined) return 0
      return readdirSync(join(to, name)).filter((n) => n.endsWith('.log')).reduce((sum, n) => sum + statSync(join(to, name, n)).size, 0)
    }
    for (let i = 0; i < 300 && futureBytes() === 0; i++) await new Promise((r) => setTimeout(r, 50))
    expect(futureBytes()).toBeGreaterThan(0)
    await broker.stop()
    expect(entriesOf(from, 'resumed')).toEqual(['resumed-0'])
    expect(entriesOf(to, 'resumed').filter((n) => n.endsWith('-future'))).toHaveLength(1)
    broker = await start()
    expect(moveLines.some((l) => /Resuming the move of resumed-0 to .* from offset [1-9]/.test(l)), moveLines.join('\n')).toBe(true)
    const verified = await verifyUntilDone(move)
    expect(verified.stdout).toContain('Reassignment of replica resumed-0-1 completed successfully.')
    expect(entriesOf(from, 'resumed')).toEqual([])
    expect(entriesOf(to, 'resumed')).toEqual(['resumed-0'])
    expect(await consumeAll('resumed')).toEqual(values)

    // A slow move back, then the topic is deleted under it: no dir of it is left anywhere.
    const back = writeMove('back', 'resumed', from)
    const again = await reassign(['--execute', '--reassignment-json-file', back, '--replica-alter-log-dirs-throttle', '100000'])
    expect(again.code, describeRun('execute back', again)).toBe(0)
    expect(entriesOf(from, 'resumed').some((n) => n.endsWith('-future'))).toBe(true)
    const deleted = await runKafkaTool('kafka-topics.sh', ['--bootstrap-server', broker.bootstrapServers, '--delete', '--topic', 'resumed'], {timeoutMs: 60_000})
    expect(deleted.code, describeRun('delete', deleted)).toBe(0)
    for (let i = 0; i < 50 && entriesOf(from, 'resumed').length + entriesOf(to, 'resumed').length > 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect([...entriesOf(from, 'resumed'), ...entriesOf(to, 'resumed')]).toEqual([])
  }, 150_000)

  it('tskafka reassign moves a replica between the dirs too: --verify exits 3 while the copy is held back, 0 once done', async () => {
    await createTopic('cli')
    const from = entriesOf(dirA, 'cli').length > 0 ? dirA : dirB
    const to = from === dirA ? dirB : dirA
    const producer = kafka().producer({allowAutoTopicCreation: false})
    await producer.connect()
    const values = await prefill(producer, 'cli', 'c', 1024, 1024)
    await producer.disconnect()
    const move = writeMove('cli', 'cli', to)
    // 10 kB/s: the quota (11 one-second samples, as Kafka's) lets through at most about 110 kB
    // before it holds the 1 MB copy back.
    const executed = await runCli(['reassign', '--bootstrap-server', broker.bootstrapServers, '--execute', '--reassignment-json-file', move, '--replica-alter-log-dirs-throttle', '10000'])
    expect(executed.code, describeRun('tskafka execute', executed)).toBe(0)
    expect(executed.stdout).toContain(`Successfully started moving log directory to ${to} for replica cli-0 with broker 1`)
    const during = await runCli(['reassign', '--bootstrap-server', broker.bootstrapServers, '--verify', '--reassignment-json-file', move])
    expect(during.code, describeRun('tskafka verify', during)).toBe(3)
    expect(during.stdout).toContain('Reassignment of replica cli-0-1 is still in progress.')
    expect(entriesOf(from, 'cli')).toEqual(['cli-0'])
    // Raising the throttle lets the copy finish.
    const raised = await runCli(['configs', '--bootstrap-server', broker.bootstrapServers, '--alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'replica.alter.log.dirs.io.max.bytes.per.second=100000000'])
    expect(raised.code, describeRun('tskafka configs', raised)).toBe(0)
    let done = during
    for (let i = 0; i < 60 && done.code === 3; i++) {
      await new Promise((r) => setTimeout(r, 250))
      done = await runCli(['reassign', '--bootstrap-server', broker.bootstrapServers, '--verify', '--reassignment-json-file', move])
    }
    expect(done.code, describeRun('tskafka verify', done)).toBe(0)
    expect(done.stdout).toContain('Reassignment of replica cli-0-1 completed successfully.')
    expect(done.stdout).toContain('Clearing broker-level throttles on broker 1')
    expect(entriesOf(from, 'cli')).toEqual([])
    expect(entriesOf(to, 'cli')).toEqual(['cli-0'])
    expect(await consumeAll('cli')).toEqual(values)
  }, 90_000)
})
