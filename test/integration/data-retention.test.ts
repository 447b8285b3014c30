// Retention and flushing driven by the broker's storage timer
// (log.retention.check.interval.ms, log.flush.scheduler.interval.ms):
// segments older than retention.ms, or beyond retention.bytes, are deleted
// and the earliest offset moves; DeleteRecords (Kafka's own
// kafka-delete-records tool and the raw API) moves it too and the segments
// below it go at the next check; flush.messages and flush.ms move the
// recovery point.

import {existsSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {API_KEY, type DeleteRecordsResponse} from '../../src/protocol/generated/index.js'
import {assertPeers, describeRun, runKafkaTool} from '../helpers/peers.js'
import {WireClient} from '../helpers/wire-client.js'
import {createTopic, eventually, fetchOnce, listOffset, produceRaw, readPartition, removeHome, startTestBroker, valuesBatch, type TestBroker} from './data-helpers.js'

let tb: TestBroker
let c: WireClient

beforeAll(async () => {
  assertPeers()
  // log.flush.interval.ms would default to the scheduler interval (as in Kafka): keep it at "never".
  tb = await startTestBroker({'log.retention.check.interval.ms': '100', 'log.flush.scheduler.interval.ms': '100', 'log.flush.interval.ms': '9223372036854775807'})
  c = await WireClient.connect(tb.port)
})

afterAll(async () => {
  c?.close()
  await tb?.stop()
  removeHome(tb)
})

const MINUTE = 60_000
const EARLIEST = -2
const LATEST = -1

function segmentFiles(topic: string, partition = 0): string[] {
  return readdirSync(join(tb.logDir, `${topic}-${partition}`))
    .filter((f) => f.endsWith('.log'))
    .sort()
}

/**
 * Batches whose record times lie 2 s apart roll a new segment each under
 * segment.ms=1000 (Kafka rolls on record time). Returns their base offsets.
 */
async function produceSpacedBatches(topic: string, count: number, firstTimestamp: number, perBatch = 5): Promise<number[]> {
  const bases: number[] = []
  for (let i = 0; i < count; i++) {
    const r = await produceRaw(c, topic, 0, valuesBatch(Array.from({length: perBatch}, (_, j) => `b${i}-r${j}-${'x'.repeat(100)}`), {timestamp: firstTimestamp + i * 2000}))
    expect(r.errorCode).toBe(0)
    bases.push(Number(r.baseOffset))
  }
  return bases
}

describe('retention', () => {
  it('retention.ms deletes segments whose records are older and moves the earliest offset', async () => {
    const topic = 'retention-ms'
    await createTopic(tb.bootstrap, topic, 1, {'retention.ms': String(10 * MINUTE), 'segment.ms': '1000'})
    const now = Date.now()
    // Five batches from an hour ago, then three recent ones.
    await produceSpacedBatches(topic, 5, now - 60 * MINUTE)
    const recent = await produceSpacedBatches(topic, 3, now - 30_000)
    expect(segmentFiles(topic).length).toBeGreaterThanOrEqual(8)

    const earliest = await eventually(async () => {
      const e = await listOffset(c, topic, 0, EARLIEST)
      return e.offset > 0 ? e : undefined
    }, 20_000, 'retention to delete the old segments')
    expect(earliest).toMatchObject({errorCode: 0, offset: recent[0]})
    expect(segmentFiles(topic)[0]).toBe(`${String(recent[0]).padStart(20, '0')}.log`)
    expect((await listOffset(c, topic, 0, LATEST)).offset).toBe(40)
    // The deleted offsets are gone for readers.
    const gone = await fetchOnce(c, topic, 0, 0)
    expect(gone.responses[0]!.partitions[0]!.errorCode).toBe(1) // OFFSET_OUT_OF_RANGE
    expect((await readPartition(tb.port, topic, 0, recent[0])).map((r) => r.offset)).toEqual(Array.from({length: 15}, (_, i) => recent[0]! + i))
  })

  it('retention.bytes deletes the oldest segments beyond the size', async () => {
    const topic = 'retention-bytes'
    await createTopic(tb.bootstrap, topic, 1, {'retention.bytes': '2000', 'segment.ms': '1000', 'retention.ms': '-1'})
    await produceSpacedBatches(topic, 10, Date.now() - 60_000)
    const earliest = await eventually(async () => {
      const e = await listOffset(c, topic, 0, EARLIEST)
      return e.offset > 0 ? e : undefined
    }, 20_000, 'retention.bytes to delete segments')
    const dir = join(tb.logDir, `${topic}-0`)
    const files = segmentFiles(topic)
    const sizes = files.map((f) => statSync(join(dir, f)).size)
    // What is left fits retention.bytes once the newest segment is set aside, as Kafka's rule leaves it.
    expect(sizes.slice(0, -1).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2000)
    expect(files[0]).toBe(`${String(earliest.offset).padStart(20, '0')}.log`)
    expect((await readPartition(tb.port, topic, 0, earliest.offset))[0]!.offset).toBe(earliest.offset)
  })
})

describe('DeleteRecords', () => {
  it("kafka-delete-records moves the log start offset and the segments below it are removed", async () => {
    const topic = 'delete-records-tool'
    await createTopic(tb.bootstrap, topic, 1, {'segment.ms': '1000'})
    const bases = await produceSpacedBatches(topic, 6, Date.now() - 60_000)
    const cut = bases[3]! + 2
    const json = join(tb.home, 'delete.json')
    writeFileSync(json, JSON.stringify({partitions: [{topic, partition: 0, offset: cut}], version: 1}))
    const r = await runKafkaTool('kafka-delete-records', ['--bootstrap-server', tb.bootstrap, '--offset-json-file', json], {timeoutMs: 90_000})
    expect(r.code, describeRun('kafka-delete-records', r)).toBe(0)
    expect(r.stdout).toContain(`partition: ${topic}-0\tlow_watermark: ${cut}`)

    expect(await listOffset(c, topic, 0, EARLIEST)).toMatchObject({errorCode: 0, offset: cut})
    expect((await readPartition(tb.port, topic, 0, cut))[0]!.offset).toBe(cut)
    const below = await fetchOnce(c, topic, 0, cut - 1)
    expect(below.responses[0]!.partitions[0]!.errorCode).toBe(1)
    // Whole segments below the new start go at the next retention check; the one holding it stays.
    await eventually(() => (segmentFiles(topic)[0] === `${String(bases[3]).padStart(20, '0')}.log` ? true : undefined), 20_000, 'old segments to be deleted')
  })

  it('answers -1 as the high watermark, and refuses offsets past it or below -1', async () => {
    const topic = 'delete-records-raw'
    await createTopic(tb.bootstrap, topic, 2)
    for (let i = 0; i < 3; i++) await produceRaw(c, topic, 0, valuesBatch(['a', 'b']))
    const request = (partitions: Array<[number, number]>) =>
      c.request<DeleteRecordsResponse>(API_KEY.DeleteRecords, 2, {topics: [{name: topic, partitions: partitions.map(([p, o]) => ({partitionIndex: p, offset: BigInt(o)}))}], timeoutMs: 30_000})
    const {body} = await request([
      [0, -1],
      [1, 5],
    ])
    expect(body.topics[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode, Number(p.lowWatermark)])).toEqual([
      [0, 0, 6],
      [1, 1, -1], // OFFSET_OUT_OF_RANGE: past the high watermark (0)
    ])
    const bad = await request([[0, -2]])
    expect(bad.body.topics[0]!.partitions[0]!.errorCode).toBe(1)
    expect(await listOffset(c, topic, 0, EARLIEST)).toMatchObject({offset: 6})
    // A produce after deleting everything continues at the log end.
    expect(Number((await produceRaw(c, topic, 0, valuesBatch(['c']))).baseOffset)).toBe(6)
  })
})

describe('flushing', () => {
  it('flush.messages=1 fsyncs every append: the recovery point follows the log end', async () => {
    const topic = 'flush-messages'
    await createTopic(tb.bootstrap, topic, 1, {'flush.messages': '1'})
    for (let i = 0; i < 5; i++) await produceRaw(c, topic, 0, valuesBatch(['x', 'y']))
    const log = tb.broker.replicaManager.getPartition(topic, 0)!.log
    expect(log.logEndOffset).toBe(10)
    expect(log.recoveryPoint).toBe(10)
  })

  it('without flush settings appends stay unflushed; flush.ms flushes them on the flush timer', async () => {
    const plainTopic = 'flush-none'
    const msTopic = 'flush-ms'
    await createTopic(tb.bootstrap, plainTopic, 1)
    await createTopic(tb.bootstrap, msTopic, 1, {'flush.ms': '200'})
    for (const t of [plainTopic, msTopic]) await produceRaw(c, t, 0, valuesBatch(['x', 'y', 'z']))
    expect(tb.broker.replicaManager.getPartition(plainTopic, 0)!.log.recoveryPoint).toBe(0)
    const msLog = tb.broker.replicaManager.getPartition(msTopic, 0)!.log
    await eventually(() => (msLog.recoveryPoint === 3 ? true : undefined), 20_000, 'flush.ms to flush')
    expect(tb.broker.replicaManager.getPartition(plainTopic, 0)!.log.recoveryPoint).toBe(0)
    expect(existsSync(join(tb.logDir, `${msTopic}-0`))).toBe(true)
  })
})
