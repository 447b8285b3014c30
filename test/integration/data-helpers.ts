// Helpers for the data-path suites (data-*.test.ts): an in-process broker on
// a temp dir, topics through kafkajs' admin client, and a raw reader that
// fetches a partition over the wire and decodes the batches the broker
// served, so tests see exactly the bytes on the broker's disk.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'

import {Broker} from '../../src/broker/broker.js'
import {API_KEY, type FetchResponse, type ListOffsetsResponse, type ProduceResponse} from '../../src/protocol/generated/index.js'
import {ZERO_UUID} from '../../src/protocol/primitives.js'
import {decodeRecordBatch, encodeRecordBatch, iterateBatches} from '../../src/protocol/record-batch.js'
import {WireClient} from '../helpers/wire-client.js'

export interface TestBroker {
  broker: Broker
  home: string
  logDir: string
  bootstrap: string
  port: number
  stop(): Promise<void>
}

/** An in-process broker with its own temp home; `props` override server properties. */
export async function startTestBroker(props: Record<string, string> = {}, home = mkdtempSync(join(tmpdir(), 'tskafka-data-'))): Promise<TestBroker> {
  const logDir = join(home, 'logs')
  const broker = await Broker.start({listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, 'node.id': '1', ...props}, {env: {TSKAFKA_HOME: home}, logLevel: 'off'})
  return {
    broker,
    home,
    logDir,
    bootstrap: broker.bootstrapServers,
    port: broker.port,
    stop: () => broker.stop(),
  }
}

export function removeHome(b: TestBroker | undefined): void {
  if (b) rmSync(b.home, {recursive: true, force: true})
}

export function kafkaClient(bootstrap: string, clientId = 'tskafka-data-test'): Kafka {
  return new Kafka({clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 3, initialRetryTime: 100}})
}

export async function createTopic(bootstrap: string, topic: string, numPartitions = 1, configs: Record<string, string> = {}): Promise<void> {
  const admin = kafkaClient(bootstrap).admin()
  await admin.connect()
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{topic, numPartitions, replicationFactor: 1, configEntries: Object.entries(configs).map(([name, value]) => ({name, value}))}],
    })
  } finally {
    await admin.disconnect()
  }
}

export interface StoredRecord {
  offset: number
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: string; value: Buffer | null}>
  timestamp: number
  timestampType: number
  compression: number
  producerId: number
  baseSequence: number
  partitionLeaderEpoch: number
}

export const FETCH_VERSION = 12

/** Fetch v12 of one partition from `offset` (one request, sessionless). */
export async function fetchOnce(
  c: WireClient,
  topic: string,
  partition: number,
  offset: number,
  opts: {maxBytes?: number; partitionMaxBytes?: number; maxWaitMs?: number; minBytes?: number; isolationLevel?: number; version?: number} = {},
): Promise<FetchResponse> {
  const version = opts.version ?? FETCH_VERSION
  const {body} = await c.request<FetchResponse>(API_KEY.Fetch, version, {
    clusterId: null,
    replicaId: -1,
    replicaState: {replicaId: -1, replicaEpoch: -1n},
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 1,
    maxBytes: opts.maxBytes ?? 50 * 1024 * 1024,
    isolationLevel: opts.isolationLevel ?? 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: ZERO_UUID,
        partitions: [
          {partition, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: opts.partitionMaxBytes ?? 10 * 1024 * 1024, replicaDirectoryId: ZERO_UUID},
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  })
  return body
}

/** Every record of a partition from `from` up to its high watermark, decoded from the served bytes. */
export async function readPartition(port: number, topic: string, partition: number, from = 0): Promise<StoredRecord[]> {
  const c = await WireClient.connect(port)
  try {
    const out: StoredRecord[] = []
    let offset = from
    for (;;) {
      const res = await fetchOnce(c, topic, partition, offset)
      const p = res.responses[0]?.partitions[0]
      if (!p) throw new Error(`no partition in the fetch response (error ${res.errorCode})`)
      if (p.errorCode !== 0) throw new Error(`fetch of ${topic}-${partition} at ${offset} failed with error ${p.errorCode}`)
      const records = p.records ?? Buffer.alloc(0)
      let progressed = false
      for (const entry of iterateBatches(records)) {
        const {header, records: recs} = decodeRecordBatch(records, entry.position)
        for (const r of recs) {
          if (Number(r.offset) < offset) continue
          out.push({
            offset: Number(r.offset),
            key: r.key === null ? null : Buffer.from(r.key),
            value: r.value === null ? null : Buffer.from(r.value),
            headers: r.headers.map((h) => ({key: h.key, value: h.value === null ? null : Buffer.from(h.value)})),
            timestamp: Number(r.timestamp),
            timestampType: header.timestampType,
            compression: header.compression,
            producerId: Number(header.producerId),
            baseSequence: header.baseSequence,
            partitionLeaderEpoch: header.partitionLeaderEpoch,
          })
        }
        offset = Number(header.lastOffset) + 1
        progressed = true
      }
      if (!progressed || offset >= Number(p.highWatermark)) {
        if (offset >= Number(p.highWatermark)) return out
        throw new Error(`fetch of ${topic}-${partition} at ${offset} made no progress (high watermark ${p.highWatermark})`)
      }
    }
  } finally {
    c.close()
  }
}

/** ListOffsets v8 for one partition: [offset, timestamp, leaderEpoch, errorCode]. */
export async function listOffset(c: WireClient, topic: string, partition: number, timestamp: number, opts: {isolationLevel?: number; version?: number; currentLeaderEpoch?: number} = {}) {
  const version = opts.version ?? 8
  const {body} = await c.request<ListOffsetsResponse>(API_KEY.ListOffsets, version, {
    replicaId: -1,
    isolationLevel: opts.isolationLevel ?? 0,
    topics: [{name: topic, partitions: [{partitionIndex: partition, currentLeaderEpoch: opts.currentLeaderEpoch ?? -1, timestamp: BigInt(timestamp), maxNumOffsets: 1}]}],
    timeoutMs: 0,
  })
  const p = body.topics[0]!.partitions[0]!
  return {offset: Number(p.offset), timestamp: Number(p.timestamp), leaderEpoch: p.leaderEpoch, errorCode: p.errorCode}
}

export function text(b: Buffer | null): string | null {
  return b === null ? null : b.toString('utf8')
}

/** Waits until `check` returns a value other than undefined (polling), or throws after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export const PRODUCE_VERSION = 9

/** Produce v9 of raw record batches to one partition; returns the partition's answer. */
export async function produceRaw(c: WireClient, topic: string, partition: number, records: Buffer | null, opts: {acks?: number; version?: number; transactionalId?: string | null} = {}) {
  const {body} = await c.request<ProduceResponse>(API_KEY.Produce, opts.version ?? PRODUCE_VERSION, produceBody(topic, partition, records, opts))
  return body.responses[0]!.partitionResponses[0]!
}

export function produceBody(topic: string, partition: number, records: Buffer | null, opts: {acks?: number; transactionalId?: string | null} = {}) {
  return {transactionalId: opts.transactionalId ?? null, acks: opts.acks ?? -1, timeoutMs: 30_000, topicData: [{name: topic, partitionData: [{index: partition, records}]}]}
}

/** A client-style batch of string values (baseOffset 0), optionally idempotent. */
export function valuesBatch(values: string[], opts: {producerId?: number; producerEpoch?: number; baseSequence?: number; timestamp?: number; compression?: number; keys?: Array<string | null>} = {}): Buffer {
  const ts = opts.timestamp ?? Date.now()
  return encodeRecordBatch({
    compression: opts.compression ?? 0,
    producerId: BigInt(opts.producerId ?? -1),
    producerEpoch: opts.producerEpoch ?? -1,
    baseSequence: opts.baseSequence ?? -1,
    records: values.map((v, i) => ({key: opts.keys?.[i] ?? null, value: v, timestamp: BigInt(ts + i)})),
  })
}
