// A small producer over the CLI's client: records are batched per partition
// (RecordBatch v2, any of Kafka's codecs), sent to each partition's leader in
// one Produce request per broker, retried on retriable errors after a metadata
// refresh, and reported with the broker's own error message otherwise.
// Partitioning is Kafka's: an explicit partition, else murmur2 of the key,
// else a sticky partition per batch. Headers keep their order and null values
// (kafkajs would reorder duplicate header keys), so records round-trip byte
// for byte.

import {ErrorCode, errorMessage, KafkaError} from '../protocol/errors.js'
import type {ProduceRequest} from '../protocol/generated/produce-request.js'
import type {ProduceResponse} from '../protocol/generated/produce-response.js'
import {encodeRecordBatchAsync} from '../protocol/record-batch.js'
import {Produce} from './apis.js'
import type {KafkaClient} from './client.js'
import {ClientConfigError} from './errors.js'

export interface ProducerRecord {
  topic: string
  partition?: number
  /** Milliseconds since the epoch; default: when send() is called. */
  timestamp?: bigint
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: string; value: Buffer | null}>
}

export interface ProducerOptions {
  /** -1 (all), 0 or 1. */
  acks: number
  /** Kafka codec id: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number
  compressionLevel?: number
  /** Produce timeout the broker waits for acks (request.timeout.ms). */
  requestTimeoutMs: number
  lingerMs: number
  batchSize: number
  maxRequestSize: number
  retries: number
  retryBackoffMs: number
  /** How long to wait for a topic's metadata (auto-creation) before failing. */
  maxBlockMs: number
  /** Send every record on its own and wait for its acknowledgement. */
  sync: boolean
  /** Ask the broker to create missing topics, as Kafka's producer does. */
  allowAutoTopicCreation: boolean
}

export const DEFAULT_PRODUCER_OPTIONS: ProducerOptions = {
  acks: -1,
  compression: 0,
  requestTimeoutMs: 1500,
  lingerMs: 1000,
  batchSize: 16384,
  maxRequestSize: 1048576,
  retries: 3,
  retryBackoffMs: 100,
  maxBlockMs: 60_000,
  sync: false,
  allowAutoTopicCreation: true,
}

const RETRIABLE = new Set<number>([
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
])

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) as a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  const r = 24
  let h = (0x9747b28c ^ length) | 0
  const length4 = length >> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = (data[i4]! & 0xff) + ((data[i4 + 1]! & 0xff) << 8) + ((data[i4 + 2]! & 0xff) << 16) + ((data[i4 + 3]! & 0xff) << 24)
    k = Math.imul(k, m)
    k ^= k >>> r
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  const tail = length & ~3
  const rest = length % 4
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8
  if (rest >= 1) {
    h ^= data[tail]! & 0xff
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** The partition Kafka's default partitioner picks for a key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions
}

interface TopicInfo {
  leaders: Map<number, number>
  count: number
}

interface PendingRecord {
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: string; value: Buffer | null}>
  timestamp: bigint
  size: number
  done?: {resolve(): void; reject(e: Error): void}
}

interface PartitionQueue {
  topic: string
  partition: number
  records: PendingRecord[]
  bytes: number
  attempts: number
}

const RECORD_OVERHEAD = 21

export class ProducerError extends Error {
  override name = 'ProducerError'
}

export class Producer {
  private readonly topics = new Map<string, Promise<TopicInfo>>()
  private readonly queues = new Map<string, PartitionQueue>()
  private readonly sticky = new Map<string, number>()
  private lingerTimer: NodeJS.Timeout | null = null
  private inFlight: Promise<void> = Promise.resolve()
  private fatal: Error | null = null
  /** Records acknowledged by the broker (or sent, with acks=0). */
  acknowledged = 0

  constructor(
    private readonly client: KafkaClient,
    private readonly options: ProducerOptions,
  ) {
    if (![-1, 0, 1].includes(options.acks)) throw new ClientConfigError(`Invalid value ${options.acks} for configuration acks: String must be one of: all, -1, 0, 1`)
  }

  /** The first error that stopped the producer, if any. */
  get error(): Error | null {
    return this.fatal
  }

  /**
   * Queues a record (and, with `sync`, waits until it is acknowledged).
   * Throws once the producer has failed.
   */
  async send(record: ProducerRecord): Promise<void> {
    if (this.fatal) throw this.fatal
    const info = await this.topicInfo(record.topic)
    const partition = this.choosePartition(record, info)
    if (!info.leaders.has(partition)) {
      throw new ProducerError(`Partition ${partition} of topic ${record.topic} with partition count ${info.count} is not present in metadata`)
    }
    const size = RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0) + record.headers.reduce((n, h) => n + h.key.length + (h.value?.length ?? 0) + 4, 0)
    if (size + 61 > this.options.maxRequestSize) {
      throw new ProducerError(`The message is ${size + 61} bytes when serialized which is larger than ${this.options.maxRequestSize}, which is the value of the max.request.size configuration.`)
    }
    const pending: PendingRecord = {key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp ?? BigInt(Date.now()), size}
    const id = `${record.topic}\u0000${partition}`
    let queue = this.queues.get(id)
    if (!queue) {
      queue = {topic: record.topic, partition, records: [], bytes: 0, attempts: 0}
      this.queues.set(id, queue)
    }
    if (this.options.sync) {
      const acked = new Promise<void>((resolve, reject) => (pending.done = {resolve, reject}))
      queue.records.push(pending)
      queue.bytes += size
      this.drain()
      await acked
      return
    }
    queue.records.push(pending)
    queue.bytes += size
    if (queue.bytes >= this.options.batchSize) {
      // A full batch goes now; the next keyless record sticks to another partition.
      this.sticky.delete(record.topic)
      this.drain()
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null
        this.drain()
      }, this.options.lingerMs)
    }
    // Keep memory bounded: wait for the send in progress when much is queued.
    if (this.queuedBytes() > 32 * 1024 * 1024) await this.inFlight
  }

  /** Sends everything queued and waits for the acknowledgements; throws the producer's error if it failed. */
  async flush(): Promise<void> {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer)
      this.lingerTimer = null
    }
    for (;;) {
      this.drain()
      await this.inFlight
      if (this.fatal) throw this.fatal
      if (![...this.queues.values()].some((q) => q.records.length > 0)) return
    }
  }

  close(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer)
    this.lingerTimer = null
  }

  private queuedBytes(): number {
    let n = 0
    for (const q of this.queues.values()) n += q.bytes
    return n
  }

  private choosePartition(record: ProducerRecord, info: TopicInfo): number {
    if (record.partition !== undefined) return record.partition
    if (record.key !== null) return partitionForKey(record.key, info.count)
    let p = this.sticky.get(record.topic)
    if (p === undefined) {
      const available = [...info.leaders.entries()].filter(([, leader]) => leader >= 0).map(([partition]) => partition)
      const choices = available.length > 0 ? available : [...info.leaders.keys()]
      p = choices[Math.floor(Math.random() * choices.length)]!
      this.sticky.set(record.topic, p)
    }
    return p
  }

  private topicInfo(topic: string, refresh = false): Promise<TopicInfo> {
    let pending = refresh ? undefined : this.topics.get(topic)
    if (!pending) {
      pending = this.loadTopic(topic)
      this.topics.set(topic, pending)
      pending.catch(() => this.topics.delete(topic))
    }
    return pending
  }

  private async loadTopic(topic: string): Promise<TopicInfo> {
    const deadline = Date.now() + this.options.maxBlockMs
    let unknownSeen = 0
    for (;;) {
      const md = await this.client.metadata([topic], {allowAutoTopicCreation: this.options.allowAutoTopicCreation})
      const t = md.topics.find((x) => x.name === topic)
      const code = t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      if (code === 0 && t && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0)) {
        return {leaders: new Map(t.partitions.map((p) => [p.partitionIndex, p.leaderId])), count: t.partitions.length}
      }
      if (code === ErrorCode.TOPIC_AUTHORIZATION_FAILED) throw new KafkaError(code, `Not authorized to access topics: [${topic}]`)
      if (code === ErrorCode.INVALID_TOPIC_EXCEPTION) throw new KafkaError(code, `Invalid topic: ${topic}`)
      // Without auto-creation the broker keeps saying UNKNOWN_TOPIC_OR_PARTITION; a topic being
      // created says LEADER_NOT_AVAILABLE (or briefly UNKNOWN) until its leaders are elected.
      if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && ++unknownSeen >= 3) {
        throw new ProducerError(`Topic '${topic}' does not exist and the broker did not create it (auto.create.topics.enable=false?); create it with 'tskafka topics --create --topic ${topic}'`)
      }
      if (Date.now() > deadline) throw new ProducerError(`Topic ${topic} not present in metadata after ${this.options.maxBlockMs} ms.`)
      await sleep(Math.min(this.options.retryBackoffMs * (unknownSeen + 1), 500))
    }
  }

  /** Starts sending whatever is queued, after the send in progress. */
  private drain(): void {
    this.inFlight = this.inFlight.then(() => this.sendQueued()).catch((error: Error) => this.fail(error))
  }

  private fail(error: Error): void {
    if (!this.fatal) this.fatal = error
    for (const q of this.queues.values()) {
      for (const r of q.records) r.done?.reject(error)
      q.records = []
      q.bytes = 0
    }
  }

  private async sendQueued(): Promise<void> {
    if (this.fatal) return
    const ready = [...this.queues.values()].filter((q) => q.records.length > 0)
    if (ready.length === 0) return
    const byLeader = new Map<number, PartitionQueue[]>()
    for (const q of ready) {
      const info = await this.topicInfo(q.topic)
      const leader = info.leaders.get(q.partition)
      if (leader === undefined || leader < 0) throw new ProducerError(`no leader for partition ${q.topic}-${q.partition}`)
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), q])
    }
    await Promise.all([...byLeader].map(([leader, queues]) => this.sendToLeader(leader, queues)))
  }

  private async sendToLeader(leader: number, queues: PartitionQueue[]): Promise<void> {
    const conn = await this.client.connectionTo(leader)
    const version = conn.versionFor(Produce)
    if (version < 3) throw new ProducerError(`the broker at ${conn.address} only speaks Produce v${version}; tskafka needs v3+ (Kafka 0.11+)`)
    const taken: Array<{queue: PartitionQueue; records: PendingRecord[]}> = []
    const topicData = new Map<string, Array<{index: number; records: Buffer}>>()
    let requestBytes = 0
    for (const queue of queues) {
      // Stay under max.request.size: take records while they fit.
      const records: PendingRecord[] = []
      let bytes = 0
      while (queue.records.length > 0 && (records.length === 0 || requestBytes + bytes + queue.records[0]!.size < this.options.maxRequestSize)) {
        const r = queue.records.shift()!
        queue.bytes -= r.size
        bytes += r.size
        records.push(r)
        if (this.options.sync) break
      }
      requestBytes += bytes
      const batch = await encodeRecordBatchAsync({
        compression: this.options.compression,
        compressionLevel: this.options.compressionLevel,
        records: records.map((r) => ({key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp})),
      })
      taken.push({queue, records})
      topicData.set(queue.topic, [...(topicData.get(queue.topic) ?? []), {index: queue.partition, records: batch}])
    }
    const request = {
      transactionalId: null,
      acks: this.options.acks,
      timeoutMs: this.options.requestTimeoutMs,
      topicData: [...topicData].map(([name, partitionData]) => ({name, partitionData})),
    } as unknown as ProduceRequest
    if (this.options.acks === 0) {
      await conn.send(Produce, request, version)
      for (const t of taken) {
        this.acknowledged += t.records.length
        for (const r of t.records) r.done?.resolve()
      }
      return
    }
    let response: ProduceResponse
    try {
      response = await conn.request(Produce, request, version)
    } catch (error) {
      // A lost connection or timeout: put the records back and retry, as Kafka's producer does.
      const retry = taken.filter((t) => ++t.queue.attempts <= this.options.retries)
      if (retry.length !== taken.length) throw error
      for (const t of taken) {
        t.queue.records.unshift(...t.records)
        t.queue.bytes += t.records.reduce((n, r) => n + r.size, 0)
      }
      await sleep(this.options.retryBackoffMs)
      this.drain()
      return
    }
    for (const t of taken) {
      const result = response.responses.find((r) => r.name === t.queue.topic)?.partitionResponses.find((p) => p.index === t.queue.partition)
      const code = result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
      if (code === 0) {
        t.queue.attempts = 0
        this.acknowledged += t.records.length
        for (const r of t.records) r.done?.resolve()
        continue
      }
      if (RETRIABLE.has(code) && ++t.queue.attempts <= this.options.retries) {
        t.queue.records.unshift(...t.records)
        t.queue.bytes += t.records.reduce((n, r) => n + r.size, 0)
        await this.topicInfo(t.queue.topic, true)
        await sleep(this.options.retryBackoffMs)
        this.drain()
        continue
      }
      const detail = result?.errorMessage ?? result?.recordErrors?.find((e) => e.batchIndexErrorMessage)?.batchIndexErrorMessage ?? errorMessage(code)
      throw new KafkaError(code, `failed to produce to ${t.queue.topic}-${t.queue.partition}: ${detail}`)
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
