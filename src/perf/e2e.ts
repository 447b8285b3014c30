// `perf e2e`: Kafka's EndToEndLatency. One record at a time: send it, wait
// for the acknowledgement (acks 1 or all), then fetch until it comes back
// from the broker, and time the whole round trip. The consumer is assigned
// every partition of the topic at its end offset (no group), as Kafka's tool
// does; it long-polls (fetch.max.wait.ms 500, min bytes 1), which returns as
// soon as the record is there. Lines are Kafka's:
//   "<i>\t<latency ms>" every 1000 records,
//   "Avg latency: %.4f ms", "Percentiles: 50th = %d, 99th = %d, 99.9th = %d".
// Latencies go into an HdrHistogram in microseconds, so --output json also
// carries fractional milliseconds.

import {Fetch} from '../client/apis.js'
import {KafkaClient, type ClientOptions} from '../client/client.js'
import {LATEST_TIMESTAMP, listOffsets, partitionsOf, type PartitionRef, UnknownTopicError} from '../client/offsets.js'
import {javaDoubleToString} from '../config/config-def.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {FetchRequest} from '../protocol/generated/fetch-request.js'
import {decodeRecordBatchAsync, iterateBatches} from '../protocol/record-batch.js'
import {producerConfig} from '../producer/config.js'
import {Producer} from '../producer/producer.js'
import {javaFixed} from './format.js'
import {initHistograms, newHistogram} from './histogram.js'
import {SeededRandom} from './payload.js'

export interface E2eOptions {
  topic: string
  numRecords: number
  acks: '1' | 'all'
  recordSize: number
  keySize: number
  headerKeySize: number
  /** -1 for null header values. */
  headerSize: number
  numHeaders: number
  properties: ReadonlyMap<string, string>
}

export interface E2eResult {
  records: number
  avgLatencyMs: number
  p50Ms: number
  p99Ms: number
  p999Ms: number
  maxLatencyMs: number
}

export class E2eError extends Error {
  override name = 'E2eError'
}

const POLL_TIMEOUT_MS = 60_000

function letters(random: SeededRandom, length: number): Buffer {
  // Kafka fills the array with one random letter.
  return Buffer.alloc(length, 65 + random.nextInt(26))
}

export async function runE2e(clientOptions: ClientOptions, opts: E2eOptions, line: ((text: string) => void) | null): Promise<E2eResult> {
  await initHistograms()
  const admin = await KafkaClient.connect(clientOptions)
  let refs: PartitionRef[]
  try {
    try {
      refs = await partitionsOf(admin, [opts.topic], {waitMs: 0})
    } catch (error) {
      if (!(error instanceof UnknownTopicError)) throw error
      line?.(`Topic "${opts.topic}" does not exist. Will create topic with 1 partition(s) and replication factor = 1`)
      const {createTopic} = await import('../admin/topics.js')
      try {
        await createTopic(admin, {name: opts.topic, partitions: 1, replicationFactor: 1, configs: new Map()}, true)
      } catch (e) {
        line?.(`Creation of topic ${opts.topic} failed`)
        throw e
      }
      refs = await partitionsOf(admin, [opts.topic], {waitMs: 10_000})
    }
  } catch (error) {
    admin.close()
    throw error
  }
  const props = new Map(opts.properties)
  props.set('acks', opts.acks)
  props.set('linger.ms', '0')
  if (!props.has('client.id')) props.set('client.id', 'e2e-latency-producer')
  const {config} = producerConfig(props, 'e2e-latency-producer')
  const producer = await Producer.connect(clientOptions, config)
  const histogram = newHistogram()
  try {
    await producer.waitForTopic(opts.topic)
    const ends = await listOffsets(admin, refs, () => LATEST_TIMESTAMP)
    const positions = new Map(refs.map((r) => [r.partition, ends.get(`${r.topic}\u0000${r.partition}`)!.offset]))
    const byLeader = new Map<number, PartitionRef[]>()
    for (const r of refs) byLeader.set(r.leader, [...(byLeader.get(r.leader) ?? []), r])
    const random = new SeededRandom(0)
    let total = 0
    let max = 0
    for (let i = 0; i < opts.numRecords; i++) {
      const value = letters(random, opts.recordSize)
      const key = opts.keySize > 0 ? letters(random, opts.keySize) : null
      const headers =
        opts.numHeaders > 0
          ? Array.from({length: opts.numHeaders}, () => ({
              key: letters(random, opts.headerKeySize).toString('latin1'),
              value: opts.headerSize < 0 ? null : letters(random, opts.headerSize),
            }))
          : null
      const begin = process.hrtime.bigint()
      await producer.produce(opts.topic, {key, value, headers})
      const records = await pollOnce(admin, byLeader, positions)
      const elapsedNs = Number(process.hrtime.bigint() - begin)
      validate(records, value, key, headers?.length ?? 0)
      if (i % 1000 === 0) line?.(`${i}\t${javaDoubleToString(elapsedNs / 1000 / 1000)}`)
      total += elapsedNs
      const micros = Math.max(0, Math.round(elapsedNs / 1000))
      histogram.recordValue(micros)
      if (elapsedNs > max) max = elapsedNs
    }
    const avgLatencyMs = total / opts.numRecords / 1000 / 1000
    const at = (p: number) => histogram.getValueAtPercentile(p) / 1000
    const result: E2eResult = {records: opts.numRecords, avgLatencyMs, p50Ms: at(50), p99Ms: at(99), p999Ms: at(99.9), maxLatencyMs: max / 1e6}
    line?.(`Avg latency: ${javaFixed(avgLatencyMs, 4)} ms`)
    line?.(`Percentiles: 50th = ${Math.trunc(result.p50Ms)}, 99th = ${Math.trunc(result.p99Ms)}, 99.9th = ${Math.trunc(result.p999Ms)}`)
    return result
  } finally {
    histogram.destroy()
    await producer.close().catch(() => {})
    admin.close()
  }
}

interface Polled {
  value: Buffer | null
  key: Buffer | null
  headers: number
}

/** Fetches from the saved positions until some partition returns records (Kafka's poll with a 60 s timeout). */
async function pollOnce(client: KafkaClient, byLeader: Map<number, PartitionRef[]>, positions: Map<number, bigint>): Promise<Polled[]> {
  const deadline = Date.now() + POLL_TIMEOUT_MS
  for (;;) {
    const results = await Promise.all(
      [...byLeader].map(async ([leader, refs]) => {
        const conn = await client.connectionTo(leader)
        const version = conn.versionFor(Fetch, 12)
        const req = {
          replicaId: -1,
          maxWaitMs: 500,
          minBytes: 1,
          maxBytes: 52428800,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [{topic: refs[0]!.topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: refs.map((r) => ({partition: r.partition, currentLeaderEpoch: -1, fetchOffset: positions.get(r.partition)!, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1048576}))}],
          forgottenTopicsData: [],
        } as unknown as FetchRequest
        const res = await conn.request(Fetch, req, version)
        if (res.errorCode !== 0) throw new KafkaError(res.errorCode)
        const out: Polled[] = []
        for (const t of res.responses) {
          for (const p of t.partitions) {
            if (p.errorCode !== 0 && p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode)
            if (!p.records || p.records.length === 0) continue
            const from = positions.get(p.partitionIndex)!
            for (const entry of iterateBatches(p.records)) {
              if (entry.header.isControl) {
                positions.set(p.partitionIndex, entry.header.lastOffset + 1n)
                continue
              }
              const batch = await decodeRecordBatchAsync(entry.bytes, 0, {verifyCrc: false})
              for (const r of batch.records) if (r.offset >= from) out.push({value: r.value, key: r.key, headers: r.headers.length})
              positions.set(p.partitionIndex, entry.header.lastOffset + 1n)
            }
          }
        }
        return out
      }),
    )
    const records = results.flat()
    if (records.length > 0) return records
    if (Date.now() > deadline) throw new E2eError(`poll() timed out before finding a result (timeout:[${POLL_TIMEOUT_MS}ms])`)
  }
}

function validate(records: Polled[], value: Buffer, key: Buffer | null, headers: number): void {
  const first = records[0]!
  const sent = value.toString('utf8')
  const read = first.value?.toString('utf8') ?? 'null'
  if (read !== sent) throw new E2eError(`The message read [${read}] did not match the message sent [${sent}]`)
  if (key !== null) {
    if (first.key === null) throw new E2eError('Expected message key but received null')
    if (!first.key.equals(key)) throw new E2eError(`The message key read [${first.key.toString('utf8')}] did not match the message key sent [${key.toString('utf8')}]`)
  }
  if (headers > 0 && first.headers === 0) throw new E2eError('Expected message headers but received none')
  if (headers !== first.headers) throw new E2eError('Header count mismatch between sent and received messages')
  if (records.length !== 1) throw new E2eError(`Only one result was expected during this test. We found [${records.length}]`)
}
