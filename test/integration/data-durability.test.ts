// Durability of the data path: a graceful stop and start keeps every record
// (and the idempotent producers' state); a kill -9 in the middle of a produce
// stream, with flush.messages=1, loses no acknowledged record; a torn batch
// written at the end of a segment is cut off at start-up and everything
// before it is served.

import {spawn, type ChildProcess} from 'node:child_process'
import {appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {API_KEY, type InitProducerIdResponse} from '../../src/protocol/generated/index.js'
import {Compression} from '../../src/protocol/compression.js'
import {freePort} from '../helpers/kafka-reference.js'
import {REPO_ROOT} from '../helpers/peers.js'
import {WireClient} from '../helpers/wire-client.js'
import {createTopic, kafkaClient, produceRaw, readPartition, startTestBroker, text, valuesBatch, type TestBroker} from './data-helpers.js'

const homes: string[] = []
const children = new Set<ChildProcess>()

function newHome(): string {
  const h = mkdtempSync(join(tmpdir(), 'tskafka-durability-'))
  homes.push(h)
  return h
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  for (const h of homes) rmSync(h, {recursive: true, force: true})
})

/** The broker in its own process (so it can be killed), started as `tskafka broker start` runs it. */
async function spawnBroker(home: string, port: number, overrides: Record<string, string>): Promise<{child: ChildProcess; exited: Promise<void>; output: () => string}> {
  const args = Object.entries({listeners: `PLAINTEXT://127.0.0.1:${port}`, 'log.dirs': join(home, 'logs'), 'node.id': '1', ...overrides}).map(([k, v]) => `${k}=${v}`)
  const code = `const {runBrokerInForeground} = await import(${JSON.stringify(join(REPO_ROOT, 'src/broker/foreground.ts'))}); await runBrokerInForeground({overrides: ${JSON.stringify(args)}, logLevel: 'warn'})`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {cwd: REPO_ROOT, env: {...process.env, TSKAFKA_HOME: home}, stdio: ['ignore', 'pipe', 'pipe']})
  children.add(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((resolve) => child.on('exit', () => {
    children.delete(child)
    resolve()
  }))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`broker exited while starting:\n${out}`)
    try {
      const c = await WireClient.connect(port)
      c.close()
      return {child, exited, output: () => out}
    } catch {
      if (Date.now() > deadline) throw new Error(`broker did not start:\n${out}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

describe('stop and start', () => {
  it('keeps every record, the offsets and the idempotent producers', async () => {
    const home = newHome()
    let tb: TestBroker = await startTestBroker({}, home)
    const topic = 'durable'
    await createTopic(tb.bootstrap, topic, 3)
    const producer = kafkaClient(tb.bootstrap).producer({idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    const {CompressionTypes} = await import('kafkajs')
    for (let i = 0; i < 30; i++) {
      await producer.send({topic, compression: CompressionTypes.GZIP, messages: Array.from({length: 10}, (_, j) => ({partition: (i + j) % 3, key: `k${i}-${j}`, value: `value ${i}-${j}`, headers: {n: String(j)}}))})
    }
    await producer.disconnect()

    // An idempotent producer of our own: its batches must be recognised after the restart.
    let c = await WireClient.connect(tb.port)
    const {body: pid} = await c.request<InitProducerIdResponse>(API_KEY.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: -1, producerId: -1n, producerEpoch: -1})
    expect(pid.errorCode).toBe(0)
    const producerId = Number(pid.producerId)
    const first = valuesBatch(['a', 'b', 'c'], {producerId, producerEpoch: pid.producerEpoch, baseSequence: 0})
    const firstAnswer = await produceRaw(c, topic, 0, Buffer.from(first))
    expect(firstAnswer.errorCode).toBe(0)
    c.close()

    const before = await Promise.all([0, 1, 2].map((p) => readPartition(tb.port, topic, p)))
    expect(before.reduce((n, r) => n + r.length, 0)).toBe(303)
    await tb.stop()

    tb = await startTestBroker({}, home)
    expect(tb.broker.logManager.hadCleanShutdownIn(tb.logDir)).toBe(true)
    const after = await Promise.all([0, 1, 2].map((p) => readPartition(tb.port, topic, p)))
    expect(after).toEqual(before)

    c = await WireClient.connect(tb.port)
    // The retried batch is answered with its original offset and not appended again.
    const retry = await produceRaw(c, topic, 0, Buffer.from(first))
    expect({code: retry.errorCode, base: retry.baseOffset}).toEqual({code: 0, base: firstAnswer.baseOffset})
    expect(await readPartition(tb.port, topic, 0)).toHaveLength(before[0]!.length)
    // A gap in the sequence is refused; the next sequence is appended after the existing records.
    const gap = await produceRaw(c, topic, 0, valuesBatch(['x'], {producerId, producerEpoch: pid.producerEpoch, baseSequence: 4}))
    expect(gap.errorCode).toBe(45) // OUT_OF_ORDER_SEQUENCE_NUMBER
    const next = await produceRaw(c, topic, 0, valuesBatch(['d'], {producerId, producerEpoch: pid.producerEpoch, baseSequence: 3}))
    expect({code: next.errorCode, base: Number(next.baseOffset)}).toEqual({code: 0, base: before[0]!.length})
    c.close()
    await tb.stop()
  })
})

describe('kill -9 during a produce stream (flush.messages=1)', () => {
  it('loses no acknowledged record', async () => {
    const home = newHome()
    const port = await freePort()
    // Small segments so the stream rolls a few times before the kill.
    const overrides = {'log.flush.interval.messages': '1', 'log.segment.bytes': String(1024 * 1024)}
    const broker = await spawnBroker(home, port, overrides)
    const topic = 'crash'
    await createTopic(`127.0.0.1:${port}`, topic, 1)

    const c = await WireClient.connect(port)
    const sent: string[] = []
    const acked: Array<{baseOffset: number; values: string[]}> = []
    const padding = 'p'.repeat(1000)
    let inFlight = 0
    let requests = 0
    let killed = false
    let inFlightAtKill = 0
    let failure: unknown = null
    await new Promise<void>((resolve) => {
      const sendOne = () => {
        const values = Array.from({length: 10}, (_, i) => `r-${requests}-${i}-${padding}`)
        requests++
        sent.push(...values)
        inFlight++
        produceRaw(c, topic, 0, valuesBatch(values), {acks: -1}).then(
          (answer) => {
            inFlight--
            if (answer.errorCode !== 0) failure = new Error(`produce failed with ${answer.errorCode}`)
            else acked.push({baseOffset: Number(answer.baseOffset), values})
            if (!killed && acked.length >= 300) {
              killed = true
              inFlightAtKill = inFlight
              broker.child.kill('SIGKILL')
              resolve()
            } else if (!killed) sendOne()
          },
          () => {
            inFlight--
            if (!killed) failure = new Error('connection lost before the kill')
            resolve()
          },
        )
      }
      for (let i = 0; i < 5; i++) sendOne()
    })
    await broker.exited
    c.close()
    expect(failure).toBeNull()
    // The kill came while requests were still on their way.
    expect(inFlightAtKill).toBeGreaterThan(0)

    const tb = await startTestBroker(overrides, home)
    try {
      expect(tb.broker.logManager.hadCleanShutdownIn(tb.logDir)).toBe(false)
      const stored = await readPartition(tb.port, topic, 0)
      // Every acknowledged record is there, at the offset the broker gave it.
      for (const a of acked) {
        a.values.forEach((v, i) => expect(text(stored[a.baseOffset + i]?.value ?? null)).toBe(v))
      }
      // The log is the stream's prefix: no gaps, no reordering, nothing invented.
      expect(stored.map((r) => r.offset)).toEqual(stored.map((_, i) => i))
      expect(stored.map((r) => text(r.value))).toEqual(sent.slice(0, stored.length))
      expect(stored.length).toBeGreaterThanOrEqual(acked.length * 10)
      expect(readdirSync(join(tb.logDir, `${topic}-0`)).filter((f) => f.endsWith('.log')).length).toBeGreaterThan(1)
      // And the log takes new appends after the recovered end.
      const w = await WireClient.connect(tb.port)
      const more = await produceRaw(w, topic, 0, valuesBatch(['after-restart']))
      w.close()
      expect(Number(more.baseOffset)).toBe(stored.length)
    } finally {
      await tb.stop()
    }
  })
})

describe('torn tail', () => {
  it.each([
    ['after a clean shutdown', false],
    ['after a crash (no clean shutdown marker)', true],
  ])('%s: the partial batch is truncated and everything before it served', async (_name, crash) => {
    const home = newHome()
    let tb = await startTestBroker({}, home)
    const topic = 'torn'
    await createTopic(tb.bootstrap, topic, 1)
    const c = await WireClient.connect(tb.port)
    for (let i = 0; i < 10; i++) {
      const r = await produceRaw(c, topic, 0, valuesBatch(Array.from({length: 10}, (_, j) => `v${i * 10 + j}`), {compression: i % 2 === 0 ? Compression.NONE : Compression.LZ4}))
      expect(r.errorCode).toBe(0)
    }
    c.close()
    const before = await readPartition(tb.port, topic, 0)
    await tb.stop()

    const segment = join(tb.logDir, `${topic}-0`, '00000000000000000000.log')
    const size = statSync(segment).size
    // Half of a real batch, stamped as the next one, as a crash mid-write leaves it.
    const next = Buffer.from(valuesBatch(['lost-1', 'lost-2', 'lost-3']))
    next.writeBigInt64BE(100n, 0)
    appendFileSync(segment, next.subarray(0, Math.floor(next.length / 2)))
    if (crash) unlinkSync(join(tb.logDir, '.kafka_cleanshutdown'))

    tb = await startTestBroker({}, home)
    try {
      expect(statSync(segment).size).toBe(size)
      const after = await readPartition(tb.port, topic, 0)
      expect(after).toEqual(before)
      const w = await WireClient.connect(tb.port)
      const r = await produceRaw(w, topic, 0, valuesBatch(['new']))
      w.close()
      expect({code: r.errorCode, base: Number(r.baseOffset)}).toEqual({code: 0, base: 100})
      expect((await readPartition(tb.port, topic, 0)).map((x) => text(x.value))).toEqual([...before.map((x) => text(x.value)), 'new'])
    } finally {
      await tb.stop()
    }
  })
})

