// Fetch, ListOffsets and OffsetForLeaderEpoch over the wire: the segment
// bytes served as they are on disk, byte limits, long polling, fetch
// sessions, topic ids, isolation levels, the offset lookups (also through
// Kafka's kafka-get-offsets tool) and every error code these APIs answer.

import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ErrorCode} from '../../src/protocol/errors.js'
import {API_KEY, type FetchResponse, type ListOffsetsResponse, type OffsetForLeaderEpochResponse} from '../../src/protocol/generated/index.js'
import {Compression} from '../../src/protocol/compression.js'
import {ZERO_UUID} from '../../src/protocol/primitives.js'
import {iterateBatches} from '../../src/protocol/record-batch.js'
import {assertPeers, describeRun, runKafkaTool} from '../helpers/peers.js'
import {WireClient} from '../helpers/wire-client.js'
import {createTopic, listOffset, produceRaw, removeHome, startTestBroker, valuesBatch, type TestBroker} from './data-helpers.js'

let tb: TestBroker
let c: WireClient
const T = 1_700_000_000_000

beforeAll(async () => {
  assertPeers()
  tb = await startTestBroker()
  c = await WireClient.connect(tb.port)
})

afterAll(async () => {
  c?.close()
  await tb?.stop()
  removeHome(tb)
})

interface PartitionFetch {
  topic?: string
  topicId?: string
  partition: number
  fetchOffset: number
  partitionMaxBytes?: number
  currentLeaderEpoch?: number
  lastFetchedEpoch?: number
}

function fetchRequest(partitions: PartitionFetch[], opts: {maxWaitMs?: number; minBytes?: number; maxBytes?: number; sessionId?: number; sessionEpoch?: number; isolationLevel?: number; forgotten?: Array<{topic: string; partitions: number[]}>} = {}) {
  const topics = new Map<string, PartitionFetch[]>()
  for (const p of partitions) {
    const k = `${p.topic ?? ''}/${p.topicId ?? ZERO_UUID}`
    topics.set(k, [...(topics.get(k) ?? []), p])
  }
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: {replicaId: -1, replicaEpoch: -1n},
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 1,
    maxBytes: opts.maxBytes ?? 50 * 1024 * 1024,
    isolationLevel: opts.isolationLevel ?? 0,
    sessionId: opts.sessionId ?? 0,
    sessionEpoch: opts.sessionEpoch ?? -1,
    topics: [...topics.values()].map((ps) => ({
      topic: ps[0]!.topic ?? '',
      topicId: ps[0]!.topicId ?? ZERO_UUID,
      partitions: ps.map((p) => ({
        partition: p.partition,
        currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
        fetchOffset: BigInt(p.fetchOffset),
        lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
        logStartOffset: -1n,
        partitionMaxBytes: p.partitionMaxBytes ?? 1024 * 1024,
        replicaDirectoryId: ZERO_UUID,
      })),
    })),
    forgottenTopicsData: (opts.forgotten ?? []).map((f) => ({topic: f.topic, topicId: ZERO_UUID, partitions: f.partitions})),
    rackId: '',
  }
}

async function fetch(partitions: PartitionFetch[], opts: Parameters<typeof fetchRequest>[1] & {version?: number} = {}, client = c): Promise<FetchResponse> {
  return (await client.request<FetchResponse>(API_KEY.Fetch, opts.version ?? 12, fetchRequest(partitions, opts))).body
}

function batchBases(records: Buffer | null): number[] {
  return [...iterateBatches(records ?? Buffer.alloc(0))].map((b) => Number(b.header.baseOffset))
}

describe('Fetch', () => {
  const topic = 'fetch'

  beforeAll(async () => {
    await createTopic(tb.bootstrap, topic, 2)
    const codecs = [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]
    for (let i = 0; i < 10; i++) {
      const r = await produceRaw(c, topic, 0, valuesBatch(Array.from({length: 5}, (_, j) => `p0-${i}-${j}`), {timestamp: T + i * 1000, compression: codecs[i % 5]}))
      expect(r.errorCode).toBe(0)
    }
    await produceRaw(c, topic, 1, valuesBatch(['p1-a', 'p1-b']))
  })

  it('serves the bytes of the segment file, starting with the batch that holds the fetch offset', async () => {
    const whole = await fetch([{topic, partition: 0, fetchOffset: 0}])
    const p = whole.responses[0]!.partitions[0]!
    expect({error: p.errorCode, hw: p.highWatermark, lso: p.lastStableOffset, start: p.logStartOffset}).toEqual({error: 0, hw: 50n, lso: 50n, start: 0n})
    const file = readFileSync(join(tb.logDir, `${topic}-0`, '00000000000000000000.log'))
    expect(Buffer.compare(p.records!, file)).toBe(0)
    const middle = await fetch([{topic, partition: 0, fetchOffset: 12}])
    expect(batchBases(middle.responses[0]!.partitions[0]!.records)).toEqual([10, 15, 20, 25, 30, 35, 40, 45])
  })

  it('always returns a whole first batch, then respects partition and request limits', async () => {
    const one = await fetch([{topic, partition: 0, fetchOffset: 0, partitionMaxBytes: 10}])
    expect(batchBases(one.responses[0]!.partitions[0]!.records)).toEqual([0])
    // The first partition takes the whole request budget; the second gets no (cut) batch.
    const r = await fetch(
      [
        {topic, partition: 0, fetchOffset: 0},
        {topic, partition: 1, fetchOffset: 0},
      ],
      {maxBytes: 10},
    )
    const [p0, p1] = r.responses[0]!.partitions
    expect(batchBases(p0!.records)).toEqual([0])
    expect({error: p1!.errorCode, bytes: p1!.records!.length, hw: p1!.highWatermark}).toEqual({error: 0, bytes: 0, hw: 2n})
  })

  it('long-polls until min.bytes arrive, and answers empty when max.wait.ms passes', async () => {
    const empty = await fetch([{topic, partition: 1, fetchOffset: 2}], {maxWaitMs: 50})
    expect(empty.responses[0]!.partitions[0]!.records!.length).toBe(0)

    const waiting = await WireClient.connect(tb.port)
    const pending = fetch([{topic, partition: 1, fetchOffset: 2}], {maxWaitMs: 30_000, minBytes: 300}, waiting)
    // Below min.bytes: the fetch keeps waiting (had it answered now, it would hold this batch only).
    expect((await produceRaw(c, topic, 1, valuesBatch(['small']))).errorCode).toBe(0)
    expect((await produceRaw(c, topic, 1, valuesBatch(['big '.repeat(100)]))).errorCode).toBe(0)
    const r = await pending
    waiting.close()
    expect(batchBases(r.responses[0]!.partitions[0]!.records)).toEqual([2, 3])
  })

  it('keeps fetch sessions: incremental requests answer only partitions with news', async () => {
    const parts = [
      {topic, partition: 0, fetchOffset: 50},
      {topic, partition: 1, fetchOffset: 4},
    ]
    const full = await fetch(parts, {sessionId: 0, sessionEpoch: 0})
    expect(full.sessionId).toBeGreaterThan(0)
    expect(full.responses[0]!.partitions.map((p) => p.partitionIndex)).toEqual([0, 1])
    const quiet = await fetch([], {sessionId: full.sessionId, sessionEpoch: 1})
    expect({error: quiet.errorCode, session: quiet.sessionId, topics: quiet.responses}).toEqual({error: 0, session: full.sessionId, topics: []})
    await produceRaw(c, topic, 1, valuesBatch(['news']))
    const news = await fetch([], {sessionId: full.sessionId, sessionEpoch: 2})
    expect(news.responses[0]!.partitions.map((p) => [p.partitionIndex, batchBases(p.records)])).toEqual([[1, [4]]])
    expect((await fetch([], {sessionId: full.sessionId, sessionEpoch: 2})).errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
    expect((await fetch([], {sessionId: 123456, sessionEpoch: 1})).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    // Forgetting every partition closes the session.
    const closed = await fetch([], {sessionId: full.sessionId, sessionEpoch: 3, forgotten: [{topic, partitions: [0, 1]}]})
    expect(closed.sessionId).toBe(0)
  })

  it('reads by topic id from v13, and answers UNKNOWN_TOPIC_ID for an unknown id', async () => {
    const topicId = tb.broker.state.topic(topic)!.topicId
    const r = await fetch([{topicId, partition: 1, fetchOffset: 0}], {version: 13})
    expect(r.responses[0]!.topicId).toBe(topicId)
    expect(batchBases(r.responses[0]!.partitions[0]!.records)).toEqual([0, 2, 3, 4])
    const unknown = await fetch([{topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition: 0, fetchOffset: 0}], {version: 13})
    expect(unknown.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
  })

  it('sends read_committed readers the last stable offset and an (empty) aborted transaction list', async () => {
    const committed = (await fetch([{topic, partition: 0, fetchOffset: 0}], {isolationLevel: 1})).responses[0]!.partitions[0]!
    expect({lso: committed.lastStableOffset, aborted: committed.abortedTransactions}).toEqual({lso: 50n, aborted: []})
    const uncommitted = (await fetch([{topic, partition: 0, fetchOffset: 0}], {isolationLevel: 0})).responses[0]!.partitions[0]!
    expect(uncommitted.abortedTransactions).toBeNull()
  })

  it('serves old clients (Fetch v4) and refuses Fetch v3 as Kafka 4 does', async () => {
    const v4 = await fetch([{topic, partition: 0, fetchOffset: 45}], {version: 4})
    expect(batchBases(v4.responses[0]!.partitions[0]!.records)).toEqual([45])
    const old = await WireClient.connect(tb.port)
    old.send(old.encode(API_KEY.Fetch, 3, fetchRequest([{topic, partition: 0, fetchOffset: 0}]), 1))
    expect(await old.nextFrame()).toBeNull()
  })

  it('reports OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION and UNKNOWN_LEADER_EPOCH', async () => {
    const codes = async (p: PartitionFetch) => (await fetch([p])).responses[0]!.partitions[0]!
    expect(await codes({topic, partition: 0, fetchOffset: 51})).toMatchObject({errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: -1n})
    expect((await codes({topic: 'nope', partition: 0, fetchOffset: 0})).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect((await codes({topic, partition: 5, fetchOffset: 0})).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect((await codes({topic, partition: 0, fetchOffset: 0, currentLeaderEpoch: 3})).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    expect((await codes({topic, partition: 0, fetchOffset: 0, currentLeaderEpoch: 0})).errorCode).toBe(ErrorCode.NONE)
    // A last fetched epoch this leader never had cannot be placed (Kafka: OFFSET_OUT_OF_RANGE).
    expect((await codes({topic, partition: 0, fetchOffset: 40, lastFetchedEpoch: 3})).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    const inLine = await codes({topic, partition: 0, fetchOffset: 45, lastFetchedEpoch: 0})
    expect({epoch: inLine.divergingEpoch, bases: batchBases(inLine.records)}).toEqual({epoch: {epoch: -1, endOffset: -1n}, bases: [45]})
  })
})

describe('ListOffsets', () => {
  const topic = 'offsets'

  beforeAll(async () => {
    await createTopic(tb.bootstrap, topic, 1, {'index.interval.bytes': '1'})
    for (let i = 0; i < 10; i++) await produceRaw(c, topic, 0, valuesBatch([`a${i}`, `b${i}`], {timestamp: T + i * 1000}))
    // An older timestamp last: the max timestamp is not at the end of the log.
    await produceRaw(c, topic, 0, valuesBatch(['late'], {timestamp: T - 5000}))
  })

  it('answers earliest, latest, max timestamp and lookups by time', async () => {
    expect(await listOffset(c, topic, 0, -2)).toMatchObject({errorCode: 0, offset: 0, leaderEpoch: 0})
    expect(await listOffset(c, topic, 0, -1)).toMatchObject({errorCode: 0, offset: 21, timestamp: -1, leaderEpoch: 0})
    expect(await listOffset(c, topic, 0, -3)).toMatchObject({errorCode: 0, offset: 19, timestamp: T + 9001})
    expect(await listOffset(c, topic, 0, T + 4500)).toMatchObject({errorCode: 0, offset: 10, timestamp: T + 5000})
    expect(await listOffset(c, topic, 0, T + 3001)).toMatchObject({errorCode: 0, offset: 7, timestamp: T + 3001})
    expect(await listOffset(c, topic, 0, T + 60_000)).toMatchObject({errorCode: 0, offset: -1, timestamp: -1})
  })

  it('gives Kafka errors: UNSUPPORTED_VERSION, INVALID_REQUEST, UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_LEADER_EPOCH', async () => {
    expect((await listOffset(c, topic, 0, -3, {version: 6})).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect((await listOffset(c, topic, 0, -7)).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect((await listOffset(c, 'nope', 0, -1)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect((await listOffset(c, topic, 0, -1, {currentLeaderEpoch: 4})).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    const {body} = await c.request<ListOffsetsResponse>(API_KEY.ListOffsets, 8, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{name: topic, partitions: [0, 0].map((p) => ({partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1}))}],
      timeoutMs: 0,
    })
    expect(body.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
    const old = await WireClient.connect(tb.port)
    old.send(old.encode(API_KEY.ListOffsets, 0, {replicaId: -1, isolationLevel: 0, topics: [], timeoutMs: 0}, 1))
    expect(await old.nextFrame()).toBeNull()
  })

  it('kafka-get-offsets (the Java admin client) sees the same offsets', async () => {
    const get = async (time: string) => {
      const r = await runKafkaTool('kafka-get-offsets', ['--bootstrap-server', tb.bootstrap, '--topic', topic, '--time', time], {timeoutMs: 90_000})
      expect(r.code, describeRun('kafka-get-offsets', r)).toBe(0)
      return r.stdout.trim()
    }
    expect(await get('earliest')).toBe(`${topic}:0:0`)
    expect(await get('latest')).toBe(`${topic}:0:21`)
    expect(await get('max-timestamp')).toBe(`${topic}:0:19`)
    expect(await get(String(T + 4500))).toBe(`${topic}:0:10`)
  })
})

describe('OffsetForLeaderEpoch', () => {
  const topic = 'epochs'

  beforeAll(async () => {
    await createTopic(tb.bootstrap, topic, 1)
    for (let i = 0; i < 3; i++) await produceRaw(c, topic, 0, valuesBatch(['x', 'y']))
  })

  async function endOffset(t: string, leaderEpoch: number, currentLeaderEpoch = -1) {
    const {body} = await c.request<OffsetForLeaderEpochResponse>(API_KEY.OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: [{topic: t, partitions: [{partition: 0, currentLeaderEpoch, leaderEpoch}]}],
    })
    return body.topics[0]!.partitions[0]!
  }

  it('answers the end offset of the largest epoch not above the requested one', async () => {
    expect(await endOffset(topic, 0)).toMatchObject({errorCode: 0, leaderEpoch: 0, endOffset: 6n})
    // An epoch above every known one is undefined, as in Kafka's LeaderEpochFileCache.
    expect(await endOffset(topic, 7)).toMatchObject({errorCode: 0, leaderEpoch: -1, endOffset: -1n})
    expect(await endOffset(topic, 0, 0)).toMatchObject({errorCode: 0, leaderEpoch: 0, endOffset: 6n})
  })

  it('answers UNKNOWN_LEADER_EPOCH and UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect((await endOffset(topic, 0, 2)).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    expect(await endOffset('nope', 0)).toMatchObject({errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, leaderEpoch: -1, endOffset: -1n})
  })
})


describe('a new leader epoch', () => {
  const topic = 'new-epoch'

  it('fences the old epoch, ends it where the new one starts, and shows fetchers their divergence', async () => {
    await createTopic(tb.bootstrap, topic, 1)
    for (let i = 0; i < 5; i++) await produceRaw(c, topic, 0, valuesBatch(['a', 'b']))
    // The controller re-elects this broker at epoch 1 (what a leader change tells the replica manager).
    const t = tb.broker.state.topic(topic)!
    const p = t.partitions[0]!
    tb.broker.replicaManager.applyMetadataDelta({
      initial: false,
      changedPartitions: [{topic, topicId: t.topicId, partition: 0, replicas: p.replicas, isr: p.isr, leader: p.leaderId, leaderEpoch: 1, partitionEpoch: p.partitionEpoch + 1}],
      deletedTopics: [],
      changedTopicConfigs: [],
      brokerConfigsChanged: false,
    })
    for (let i = 0; i < 2; i++) await produceRaw(c, topic, 0, valuesBatch(['c', 'd']))

    const one = async (q: PartitionFetch) => (await fetch([q])).responses[0]!.partitions[0]!
    expect((await one({topic, partition: 0, fetchOffset: 0, currentLeaderEpoch: 0})).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect((await one({topic, partition: 0, fetchOffset: 0, currentLeaderEpoch: 1})).errorCode).toBe(ErrorCode.NONE)
    // A fetcher at 12 that last saw epoch 0 has records the leader does not: epoch 0 ended at 10.
    const diverging = await one({topic, partition: 0, fetchOffset: 12, lastFetchedEpoch: 0})
    expect({error: diverging.errorCode, epoch: diverging.divergingEpoch, bytes: diverging.records!.length}).toEqual({error: 0, epoch: {epoch: 0, endOffset: 10n}, bytes: 0})
    const {body} = await c.request<OffsetForLeaderEpochResponse>(API_KEY.OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0}]}],
    })
    expect(body.topics[0]!.partitions[0]).toMatchObject({errorCode: 0, leaderEpoch: 0, endOffset: 10n})
    expect(await listOffset(c, topic, 0, -1)).toMatchObject({offset: 14, leaderEpoch: 1})
    expect((await listOffset(c, topic, 0, -1, {currentLeaderEpoch: 0})).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    // New batches carry the new epoch.
    const stored = (await fetch([{topic, partition: 0, fetchOffset: 10}])).responses[0]!.partitions[0]!.records!
    expect([...iterateBatches(stored)].map((b) => b.header.partitionLeaderEpoch)).toEqual([1, 1])
  })
})
