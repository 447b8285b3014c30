// Every invalid Produce / InitProducerId request gets Kafka's error code
// (raw requests, so the codes are seen exactly as sent), plus the version
// rules Kafka 4 applies: Produce v0-2 advertised but refused, acks=0 answered
// by silence or, on error, by closing the connection.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ErrorCode} from '../../src/protocol/errors.js'
import {API_KEY, type ApiVersionsResponse, type InitProducerIdResponse, type ProduceResponse} from '../../src/protocol/generated/index.js'
import {Compression} from '../../src/protocol/compression.js'
import {CRC_OFFSET, encodeMessageSet, encodeRecordBatch, readBatchHeader} from '../../src/protocol/record-batch.js'
import {WireClient} from '../helpers/wire-client.js'
import {createTopic, eventually, produceBody, produceRaw, readPartition, removeHome, startTestBroker, valuesBatch, type TestBroker} from './data-helpers.js'

let tb: TestBroker
let c: WireClient
const TOPIC = 'errors'

beforeAll(async () => {
  tb = await startTestBroker()
  await createTopic(tb.bootstrap, TOPIC, 2)
  c = await WireClient.connect(tb.port)
})

afterAll(async () => {
  c?.close()
  await tb?.stop()
  removeHome(tb)
})

async function initProducerId(client: WireClient = c) {
  const {body} = await client.request<InitProducerIdResponse>(API_KEY.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: -1, producerId: -1n, producerEpoch: -1})
  expect(body.errorCode).toBe(0)
  return {producerId: Number(body.producerId), producerEpoch: body.producerEpoch}
}

describe('Produce errors', () => {
  it('UNKNOWN_TOPIC_OR_PARTITION for a missing topic or partition', async () => {
    expect((await produceRaw(c, 'no-such-topic', 0, valuesBatch(['x']))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect((await produceRaw(c, TOPIC, 7, valuesBatch(['x']))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('INVALID_REQUIRED_ACKS for acks other than 0, 1 and -1', async () => {
    const r = await produceRaw(c, TOPIC, 0, valuesBatch(['x']), {acks: 2})
    expect(r).toMatchObject({errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1n})
  })

  it('CORRUPT_MESSAGE for a batch whose CRC does not match', async () => {
    const b = valuesBatch(['x', 'y'])
    b.writeUInt32BE((b.readUInt32BE(CRC_OFFSET) + 1) >>> 0, CRC_OFFSET)
    expect((await produceRaw(c, TOPIC, 0, b)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('INVALID_RECORD for magic 0/1 message sets, no batch, or two batches in one partition', async () => {
    const legacy = encodeMessageSet({magic: 1, messages: [{value: 'old'}]})
    expect((await produceRaw(c, TOPIC, 0, legacy)).errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect((await produceRaw(c, TOPIC, 0, Buffer.alloc(0))).errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect((await produceRaw(c, TOPIC, 0, null)).errorCode).toBe(ErrorCode.INVALID_RECORD)
    const two = Buffer.concat([valuesBatch(['a']), valuesBatch(['b'])])
    expect((await produceRaw(c, TOPIC, 0, two)).errorCode).toBe(ErrorCode.INVALID_RECORD)
  })

  it('INVALID_RECORD with the message for batches Kafka refuses (non-zero base offset, control batches)', async () => {
    const shifted = encodeRecordBatch({baseOffset: 5n, records: [{value: 'x', timestamp: BigInt(Date.now())}]})
    const r = await produceRaw(c, TOPIC, 0, shifted)
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(r.errorMessage).toContain('baseOffset')
    expect(r.recordErrors).toEqual([{batchIndex: 0, batchIndexErrorMessage: r.errorMessage}])
    const control = encodeRecordBatch({isControl: true, records: [{key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: BigInt(Date.now())}]})
    expect((await produceRaw(c, TOPIC, 0, control)).errorCode).toBe(ErrorCode.INVALID_RECORD)
  })

  it('MESSAGE_TOO_LARGE beyond max.message.bytes, RECORD_LIST_TOO_LARGE beyond segment.bytes', async () => {
    await createTopic(tb.bootstrap, 'small-messages', 1, {'max.message.bytes': '1000'})
    expect((await produceRaw(c, 'small-messages', 0, valuesBatch(['x'.repeat(900)]))).errorCode).toBe(ErrorCode.NONE)
    expect((await produceRaw(c, 'small-messages', 0, valuesBatch(['x'.repeat(1100)]))).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE)
    await createTopic(tb.bootstrap, 'small-segments', 1, {'segment.bytes': String(1024 * 1024), 'max.message.bytes': String(4 * 1024 * 1024)})
    expect((await produceRaw(c, 'small-segments', 0, valuesBatch(['y'.repeat(1024 * 1024 + 100)]))).errorCode).toBe(ErrorCode.RECORD_LIST_TOO_LARGE)
  })

  it('UNSUPPORTED_COMPRESSION_TYPE for zstd before Produce v7', async () => {
    const zstd = valuesBatch(['z'], {compression: Compression.ZSTD})
    expect((await produceRaw(c, TOPIC, 1, Buffer.from(zstd), {version: 6})).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
    expect((await produceRaw(c, TOPIC, 1, Buffer.from(zstd), {version: 7})).errorCode).toBe(ErrorCode.NONE)
  })

  it('INVALID_TIMESTAMP (with record errors) beyond message.timestamp.after.max.ms; LogAppendTime stamps the append time', async () => {
    const r = await produceRaw(c, TOPIC, 0, valuesBatch(['future'], {timestamp: Date.now() + 2 * 3_600_000}))
    expect(r.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP)
    expect(r.errorMessage).toMatch(/out of range/)
    expect(r.recordErrors).toHaveLength(1)

    await createTopic(tb.bootstrap, 'append-time', 1, {'message.timestamp.type': 'LogAppendTime'})
    const before = Date.now()
    const ok = await produceRaw(c, 'append-time', 0, valuesBatch(['a', 'b'], {timestamp: 1000}))
    expect(ok.errorCode).toBe(0)
    expect(Number(ok.logAppendTimeMs)).toBeGreaterThanOrEqual(before)
    const stored = await readPartition(tb.port, 'append-time', 0)
    expect(stored.map((s) => [s.timestamp, s.timestampType])).toEqual([
      [Number(ok.logAppendTimeMs), 1],
      [Number(ok.logAppendTimeMs), 1],
    ])
  })

  it('min.insync.replicas above the replication factor counts as the replication factor (Kafka 4.3.1 appends acks=-1 here)', async () => {
    // NOT_ENOUGH_REPLICAS itself needs replicas: replication-inprocess.test.ts.
    await createTopic(tb.bootstrap, 'min-isr', 1, {'min.insync.replicas': '2'})
    expect((await produceRaw(c, 'min-isr', 0, valuesBatch(['x']), {acks: -1})).errorCode).toBe(ErrorCode.NONE)
    expect((await produceRaw(c, 'min-isr', 0, valuesBatch(['x']), {acks: 1})).errorCode).toBe(ErrorCode.NONE)
  })

  it('TRANSACTIONAL_ID_AUTHORIZATION_FAILED for transactional batches without a transactional id', async () => {
    const txn = encodeRecordBatch({isTransactional: true, producerId: 1000n, producerEpoch: 0, baseSequence: 0, records: [{value: 'x', timestamp: BigInt(Date.now())}]})
    expect((await produceRaw(c, TOPIC, 0, txn)).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  })

  it('INVALID_TOPIC_EXCEPTION for appends to an internal topic', async () => {
    // Looking for a group coordinator makes the broker create __consumer_offsets.
    await c.request(API_KEY.FindCoordinator, 4, {key: '', keyType: 0, coordinatorKeys: ['data-errors-group']})
    await eventually(() => tb.broker.state.topic('__consumer_offsets'), 20_000, '__consumer_offsets')
    expect((await produceRaw(c, '__consumer_offsets', 0, valuesBatch(['x']))).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
  })

  it('idempotence: duplicates answered with the first offsets, gaps and old epochs refused', async () => {
    const {producerId, producerEpoch} = await initProducerId()
    const p = (seq: number, values: string[], epoch = producerEpoch) => produceRaw(c, TOPIC, 1, valuesBatch(values, {producerId, producerEpoch: epoch, baseSequence: seq}))
    const first = await p(0, ['a', 'b', 'c'])
    expect(first.errorCode).toBe(0)
    const dup = await p(0, ['a', 'b', 'c'])
    expect({code: dup.errorCode, base: dup.baseOffset}).toEqual({code: 0, base: first.baseOffset})
    expect((await p(5, ['x'])).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect((await p(3, ['d'])).errorCode).toBe(0)
    // A bumped epoch restarts the sequence at 0; the old epoch is then fenced.
    expect((await p(0, ['e'], producerEpoch + 1)).errorCode).toBe(0)
    expect((await p(4, ['f'], producerEpoch)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await p(3, ['g'], producerEpoch + 2)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  })

  it('reports every partition of a request on its own', async () => {
    const {body} = await c.request<ProduceResponse>(API_KEY.Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        {name: TOPIC, partitionData: [{index: 0, records: valuesBatch(['ok'])}, {index: 9, records: valuesBatch(['no'])}]},
        {name: 'missing', partitionData: [{index: 0, records: valuesBatch(['no'])}]},
      ],
    })
    expect(body.responses.map((t) => [t.name, t.partitionResponses.map((p) => [p.index, p.errorCode])])).toEqual([
      [TOPIC, [[0, 0], [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ['missing', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ])
  })
})

describe('topic-level record rules', () => {
  it("compression.type recompresses other codecs, keeping records and producer fields; 'producer' keeps them", async () => {
    await createTopic(tb.bootstrap, 'forced-gzip', 1, {'compression.type': 'gzip'})
    const {producerId, producerEpoch} = await initProducerId()
    const sent = valuesBatch(['one', 'two', 'three'], {producerId, producerEpoch, baseSequence: 0, compression: Compression.SNAPPY, keys: ['a', null, 'c'], timestamp: 1_700_000_000_000})
    expect((await produceRaw(c, 'forced-gzip', 0, sent)).errorCode).toBe(0)
    const stored = await readPartition(tb.port, 'forced-gzip', 0)
    expect(stored.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.timestamp, r.compression, r.producerId, r.baseSequence])).toEqual([
      ['a', 'one', 1_700_000_000_000, Compression.GZIP, producerId, 0],
      [null, 'two', 1_700_000_000_001, Compression.GZIP, producerId, 0],
      ['c', 'three', 1_700_000_000_002, Compression.GZIP, producerId, 0],
    ])
    // The retry is still recognised after the conversion.
    expect((await produceRaw(c, 'forced-gzip', 0, valuesBatch(['one', 'two', 'three'], {producerId, producerEpoch, baseSequence: 0, compression: Compression.SNAPPY}))).baseOffset).toBe(0n)
  })

  it('compacted topics refuse records without a key (INVALID_RECORD)', async () => {
    await createTopic(tb.bootstrap, 'compacted', 1, {'cleanup.policy': 'compact'})
    expect((await produceRaw(c, 'compacted', 0, valuesBatch(['v'], {keys: ['k']}))).errorCode).toBe(0)
    const r = await produceRaw(c, 'compacted', 0, valuesBatch(['v', 'w'], {keys: ['k', null], compression: Compression.LZ4}))
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(r.errorMessage).toBe('Compacted topic cannot accept message without key in topic partition compacted-0.')
  })
})

describe('Produce versions and acks=0', () => {
  it('advertises Produce v0-11 as Kafka 4 does, but closes the connection on v0-2', async () => {
    const {body} = await c.request<ApiVersionsResponse>(API_KEY.ApiVersions, 3, {clientSoftwareName: 'data-test', clientSoftwareVersion: '1'})
    const produce = body.apiKeys.find((k) => k.apiKey === API_KEY.Produce)
    expect(produce).toMatchObject({minVersion: 0, maxVersion: 11})
    expect(body.apiKeys.find((k) => k.apiKey === API_KEY.Fetch)).toMatchObject({minVersion: 4, maxVersion: 17})
    expect(body.apiKeys.find((k) => k.apiKey === API_KEY.ListOffsets)).toMatchObject({minVersion: 1, maxVersion: 10})
    expect(body.apiKeys.find((k) => k.apiKey === API_KEY.OffsetForLeaderEpoch)).toMatchObject({minVersion: 2, maxVersion: 4})
    const old = await WireClient.connect(tb.port)
    old.send(old.encode(API_KEY.Produce, 2, produceBody(TOPIC, 0, encodeMessageSet({magic: 1, messages: [{value: 'v2'}]})), 1))
    expect(await old.nextFrame()).toBeNull()
  })

  it('acks=0 appends without answering; an error closes the connection', async () => {
    const quiet = await WireClient.connect(tb.port)
    const end = (await readPartition(tb.port, TOPIC, 0)).length
    quiet.send(quiet.encode(API_KEY.Produce, 9, produceBody(TOPIC, 0, valuesBatch(['silent']), {acks: 0}), 1))
    // The next answer on the connection is the one to the following request.
    const {correlationId} = await quiet.request<ApiVersionsResponse>(API_KEY.ApiVersions, 0, {})
    expect(correlationId).not.toBe(1)
    const stored = await readPartition(tb.port, TOPIC, 0)
    expect(stored.slice(end).map((r) => r.value?.toString())).toEqual(['silent'])
    quiet.send(quiet.encode(API_KEY.Produce, 9, produceBody('missing', 0, valuesBatch(['x']), {acks: 0}), 7))
    expect(await quiet.nextFrame()).toBeNull()
  })
})

describe('InitProducerId', () => {
  it('hands out distinct ids with epoch 0, never reused after a restart; half an id/epoch pair is INVALID_REQUEST', async () => {
    const a = await initProducerId()
    const b = await initProducerId()
    expect(b.producerId).not.toBe(a.producerId)
    expect([a.producerEpoch, b.producerEpoch]).toEqual([0, 0])
    const {body} = await c.request<InitProducerIdResponse>(API_KEY.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: -1, producerId: 5n, producerEpoch: -1})
    expect(body).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1})

    const home = tb.home
    c.close()
    await tb.stop()
    tb = await startTestBroker({}, home)
    c = await WireClient.connect(tb.port)
    const after = await initProducerId()
    expect(after.producerId).toBeGreaterThan(Math.max(a.producerId, b.producerId))
  })
})
