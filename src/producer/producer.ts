// A Kafka producer with the Java client's batching semantics, written for
// throughput: records are appended into per-partition batches (RecordBatch v2
// built in place), a batch is sent when it is full or linger.ms has passed
// since it was opened, appends wait while buffer.memory is used up, at most
// max.in.flight.requests.per.connection Produce requests are outstanding per
// broker, and an idempotent producer (the default, as in Kafka) numbers each
// partition's batches with InitProducerId's id and epoch so that retries never
// duplicate. Transactions (transactional.id) use the classic protocol:
// FindCoordinator, InitProducerId, AddPartitionsToTxn, EndTxn.
//
// The JavaScript thread is shared by the application and the "sender": the
// application calls trySend() in a loop and yields to the event loop when
// `wantsToRun` says the sender has work (a batch filled up) or memory ran out;
// compression runs on libuv's thread pool when a batch is drained, so it
// overlaps with appending. Requests to one broker are written in drain order
// even when an earlier one is still compressing, which keeps sequence numbers
// in order on the wire.

import {KafkaClient, type ClientOptions} from '../client/client.js'
import {Produce} from '../client/apis.js'
import {BrokerConnection} from '../client/connection.js'
import {ConnectionError, RequestTimeoutError} from '../client/errors.js'
import {errorForCode, errorMessage, ErrorCode, KafkaError} from '../protocol/errors.js'
import type {ProduceResponse} from '../protocol/generated/produce-response.js'
import {AddPartitionsToTxn, CoordinatorType, EndTxn, FindCoordinator, InitProducerId} from './apis.js'
import {BatchBuilder, type HeaderInput, singleRecordBatchBound} from './batch-builder.js'
import type {ProducerConfig} from './config.js'
import {keyPartition, StickyPartitioner} from './partitioner.js'

export type {HeaderInput} from './batch-builder.js'

/** Kafka's TimeoutException and friends, as the producer raises them. */
export class ProducerError extends Error {
  override name = 'ProducerError'
}

export type RecordCallback = (error: Error | null, offset: bigint) => void

/** What the producer reports for each batch once the broker answered (or it failed). */
export interface CompletedBatch {
  topic: string
  partition: number
  /** -1 with acks=0 or for a duplicate the broker had already written. */
  baseOffset: bigint
  recordCount: number
  /** Bytes of the batch as sent (compressed, header included). */
  wireBytes: number
  /** Bytes of the batch before compression (header included). */
  uncompressedBytes: number
  /**
   * When the records were handed to the producer, with the producer's
   * sendTag then, run-length coded as [ms, tag, count, valueBytes, ...]:
   * `count` records sent at `ms` whose values took `valueBytes` in all.
   */
  sendTimes: number[]
  completedMs: number
  error: Error | null
}

export const APPENDED = 0
export const NO_MEMORY = 1
export const NO_METADATA = 2
export type AppendStatus = typeof APPENDED | typeof NO_MEMORY | typeof NO_METADATA

const COMPRESSION_RATIO_STEP_DOWN = 0.005
const COMPRESSION_RATIO_STEP_UP = 0.05

class ProducerBatch {
  sendTimes: number[] = []
  callbacks: Array<RecordCallback | undefined> | null = null
  attempts = 0
  retryAtMs = 0
  baseSequence = -1
  wire: Promise<Buffer> | null = null
  wireBytes = 0
  /** Set once an append found no room: the batch takes no more records. */
  full = false

  constructor(
    readonly tp: PartitionState,
    readonly builder: BatchBuilder,
    readonly createdMs: number,
    /** Bytes of buffer.memory this batch holds. */
    readonly allocated: number,
  ) {}
}

class PartitionState {
  readonly queue: ProducerBatch[] = []
  /** Drained batches awaiting their answer, in sequence order. */
  readonly inFlight: ProducerBatch[] = []
  leader = -1
  leaderEpoch = -1
  nextSequence = 0
  /** With max.in.flight=1 a partition sends one batch at a time (Kafka's guaranteeMessageOrder). */
  muted = false
  addedToTxn = false
  addingToTxn = false

  constructor(
    readonly topic: TopicState,
    readonly partition: number,
  ) {}
}

class TopicState {
  partitions: PartitionState[] = []
  ratioEstimate = 1
  readonly sticky: StickyPartitioner

  constructor(
    readonly name: string,
    config: ProducerConfig,
  ) {
    this.sticky = new StickyPartitioner(config.batchSize, config.partitionerAdaptive)
  }
}

interface NodeLink {
  nodeId: number
  conn: Promise<BrokerConnection> | null
  inFlight: number
  /** Resolves once the previous request to this node was written. */
  lastWrite: Promise<void>
}

interface MemoryWaiter {
  bytes: number
  resolve: () => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

export interface ProducerMetrics {
  startMs: number
  batches: number
  batchBytes: number
  batchBytesMax: number
  uncompressedBytes: number
  records: number
  recordBytes: number
  recordBytesMax: number
  requests: number
  requestBytes: number
  requestBytesMax: number
  requestLatencyTotalMs: number
  requestLatencyMaxMs: number
  retries: number
  errors: number
  throttleTimeTotalMs: number
  throttleTimeMaxMs: number
  bufferWaitNs: number
}

export interface ProducerOptions {
  /** Called for every finished batch, before its record callbacks. */
  onBatch?: (batch: CompletedBatch) => void
}

export class Producer {
  private readonly topics = new Map<string, TopicState>()
  private readonly nonEmpty = new Set<PartitionState>()
  private readonly links = new Map<number, NodeLink>()
  private bufferUsed = 0
  private readonly memoryWaiters: MemoryWaiter[] = []
  private incomplete = 0
  private flushWaiters: Array<() => void> = []
  private flushing = 0
  private closing = false
  private fatal: Error | null = null
  private senderScheduled = false
  private lingerTimer: NodeJS.Timeout | null = null
  private lingerDeadline = Infinity
  private metadataRefresh: Promise<void> | null = null
  private producerId = -1n
  private producerEpoch = -1
  private coordinator: number | null = null
  private inTransaction = false
  private readonly addingPartitions: Promise<void>[] = []
  private produceVersion = -1
  private drainStart = 0
  private readonly pool: Buffer[] = []
  private readonly poolLimit: number
  readonly metrics: ProducerMetrics = {
    startMs: Date.now(),
    batches: 0,
    batchBytes: 0,
    batchBytesMax: 0,
    uncompressedBytes: 0,
    records: 0,
    recordBytes: 0,
    recordBytesMax: 0,
    requests: 0,
    requestBytes: 0,
    requestBytesMax: 0,
    requestLatencyTotalMs: 0,
    requestLatencyMaxMs: 0,
    retries: 0,
    errors: 0,
    throttleTimeTotalMs: 0,
    throttleTimeMaxMs: 0,
    bufferWaitNs: 0,
  }

  private constructor(
    readonly client: KafkaClient,
    readonly config: ProducerConfig,
    private readonly options: ProducerOptions,
  ) {
    this.poolLimit = config.batchSize > 0 ? Math.min(4096, Math.floor(config.bufferMemory / config.batchSize)) : 0
  }

  /** Connects to the cluster; with idempotence or a transactional.id, also gets a producer id. */
  static async connect(clientOptions: ClientOptions, config: ProducerConfig, options: ProducerOptions = {}): Promise<Producer> {
    const client = await KafkaClient.connect({...clientOptions, clientId: config.clientId})
    const producer = new Producer(client, config, options)
    try {
      await client.metadata([])
      if (config.transactionalId === null && config.idempotence) await producer.initProducerId(null)
    } catch (error) {
      client.close()
      throw error
    }
    return producer
  }

  /** A number recorded with each record's send time (CompletedBatch.sendTimes), e.g. to tell warm-up records apart. */
  sendTag = 0

  /** True when the sender has work waiting: the caller should yield to the event loop soon. */
  get wantsToRun(): boolean {
    return this.senderScheduled
  }

  get bufferAvailableBytes(): number {
    return this.config.bufferMemory - this.bufferUsed
  }

  /** Fetches the topic's partitions and leaders (auto-creating it when the broker allows); waits up to max.block.ms. */
  async waitForTopic(topic: string): Promise<number> {
    const deadline = Date.now() + this.config.maxBlockMs
    for (;;) {
      const state = this.topics.get(topic)
      if (state && state.partitions.length > 0 && state.partitions.every((p) => p.leader >= 0)) return state.partitions.length
      await this.refreshMetadata([topic], true)
      const after = this.topics.get(topic)
      if (after && after.partitions.length > 0 && after.partitions.every((p) => p.leader >= 0)) return after.partitions.length
      if (Date.now() >= deadline) throw new ProducerError(`Topic ${topic} not present in metadata after ${this.config.maxBlockMs} ms.`)
      await sleep(Math.min(this.config.retryBackoffMs, 100))
    }
  }

  /**
   * Appends a record without waiting. Returns NO_MEMORY when buffer.memory is
   * used up (wait with waitForMemory() and call again) and NO_METADATA when
   * the topic's partitions are not known yet (waitForTopic()).
   * `timestamp` is the record's CreateTime and its send time for latency.
   */
  trySend(
    topic: string,
    partition: number | null,
    key: Uint8Array | null,
    value: Uint8Array | null,
    headers: readonly HeaderInput[] | null,
    timestamp: number,
    callback?: RecordCallback,
  ): AppendStatus {
    if (this.fatal) throw this.fatal
    const ts = this.topics.get(topic)
    if (ts === undefined || ts.partitions.length === 0) return NO_METADATA
    const n = ts.partitions.length
    let p: number
    if (partition !== null) {
      if (partition < 0 || partition >= n) throw new ProducerError(`Invalid partition given with record: ${partition} is not in the range [0...${n}).`)
      p = partition
    } else if (key !== null && !this.config.partitionerIgnoreKeys) {
      p = keyPartition(key, n)
    } else {
      p = ts.sticky.partition(n, (q) => this.openBatchIsFull(ts.partitions[q]!, timestamp, key, value, headers), (q) => ts.partitions[q]!.queue.length)
    }
    const tp = ts.partitions[p]!
    const queue = tp.queue
    const last = queue.length > 0 ? queue[queue.length - 1]! : undefined
    const keyLength = key === null ? -1 : key.length
    const valueLength = value === null ? -1 : value.length
    let batch: ProducerBatch
    if (last !== undefined && !last.full && last.builder.hasRoomFor(last.builder.nextRecordSize(timestamp, keyLength, valueLength, headers))) {
      batch = last
    } else {
      const bound = singleRecordBatchBound(keyLength, valueLength, headers)
      if (bound > this.config.maxRequestSize) {
        throw new ProducerError(`The message is ${bound} bytes when serialized which is larger than ${this.config.maxRequestSize}, which is the value of the max.request.size configuration.`)
      }
      const size = Math.max(this.config.batchSize, bound)
      if (size > this.config.bufferMemory) {
        throw new ProducerError(`The message is ${bound} bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration.`)
      }
      if (this.bufferUsed + size > this.config.bufferMemory) return NO_MEMORY
      if (last !== undefined) last.full = true
      this.bufferUsed += size
      const pooled = size === this.config.batchSize && this.config.compression === 0 ? this.pool.pop() : undefined
      batch = new ProducerBatch(tp, new BatchBuilder(this.config.compression, size, ts.ratioEstimate, pooled), Date.now(), size)
      queue.push(batch)
      this.incomplete++
      if (queue.length === 1) this.nonEmpty.add(tp)
      // A batch before this one is now complete: the sender can take it.
      if (last !== undefined) this.wakeup()
      else this.armLinger(batch.createdMs + this.config.lingerMs)
    }
    const bytes = batch.builder.append(timestamp, key, value, headers)
    if (partition === null && (key === null || this.config.partitionerIgnoreKeys)) ts.sticky.recordAppended(bytes)
    const times = batch.sendTimes
    const tl = times.length
    if (tl > 0 && times[tl - 4] === timestamp && times[tl - 3] === this.sendTag) {
      times[tl - 2]!++
      times[tl - 1]! += valueLength > 0 ? valueLength : 0
    } else times.push(timestamp, this.sendTag, 1, valueLength > 0 ? valueLength : 0)
    if (callback !== undefined) {
      const cbs = (batch.callbacks ??= [])
      cbs[batch.builder.recordCount - 1] = callback
    }
    const m = this.metrics
    m.records++
    m.recordBytes += bytes
    if (bytes > m.recordBytesMax) m.recordBytesMax = bytes
    if (!batch.builder.hasRoomFor(1)) {
      batch.full = true
      this.wakeup()
    }
    return APPENDED
  }

  /** Resolves once `bytes` of buffer memory are free (or a batch completes); rejects after max.block.ms. */
  waitForMemory(bytes = this.config.batchSize): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal)
    if (this.bufferUsed + bytes <= this.config.bufferMemory) return Promise.resolve()
    const started = process.hrtime.bigint()
    // Waiting appenders make every batch sendable (Kafka's "exhausted" accumulator).
    this.wakeup()
    return new Promise<void>((resolve, reject) => {
      const waiter: MemoryWaiter = {
        bytes,
        resolve: () => {
          this.metrics.bufferWaitNs += Number(process.hrtime.bigint() - started)
          resolve()
        },
        reject,
        timer: setTimeout(() => {
          const i = this.memoryWaiters.indexOf(waiter)
          if (i >= 0) this.memoryWaiters.splice(i, 1)
          reject(new ProducerError(`Failed to allocate memory within the configured max blocking time ${this.config.maxBlockMs} ms.`))
        }, this.config.maxBlockMs),
      }
      this.memoryWaiters.push(waiter)
    })
  }

  /** Appends a record, waiting for metadata and memory as Kafka's send() blocks; resolves once appended. */
  async send(
    topic: string,
    record: {partition?: number | null; key?: Uint8Array | null; value: Uint8Array | null; headers?: HeaderInput[] | null; timestamp?: number},
    callback?: RecordCallback,
  ): Promise<void> {
    const timestamp = record.timestamp ?? Date.now()
    for (;;) {
      const status = this.trySend(topic, record.partition ?? null, record.key ?? null, record.value, record.headers ?? null, timestamp, callback)
      if (status === APPENDED) return
      if (status === NO_METADATA) await this.waitForTopic(topic)
      else await this.waitForMemory(singleRecordBatchBound(record.key?.length ?? -1, record.value?.length ?? -1, record.headers ?? null))
    }
  }

  /** send() resolving with the record's offset once the broker acknowledged it. */
  produce(topic: string, record: {partition?: number | null; key?: Uint8Array | null; value: Uint8Array | null; headers?: HeaderInput[] | null; timestamp?: number}): Promise<bigint> {
    return new Promise<bigint>((resolve, reject) => {
      this.send(topic, record, (error, offset) => (error ? reject(error) : resolve(offset))).catch(reject)
    })
  }

  /** Sends everything appended so far and resolves when all of it is acknowledged. */
  async flush(): Promise<void> {
    if (this.incomplete === 0) return
    this.flushing++
    this.wakeup()
    try {
      await new Promise<void>((resolve) => this.flushWaiters.push(resolve))
    } finally {
      this.flushing--
    }
    if (this.fatal) throw this.fatal
  }

  /** Flushes and closes every connection. */
  async close(): Promise<void> {
    try {
      if (!this.fatal) await this.flush()
    } finally {
      this.closing = true
      if (this.lingerTimer) clearTimeout(this.lingerTimer)
      for (const link of this.links.values()) void link.conn?.then((c) => c.close(), () => {})
      this.client.close()
    }
  }

  // ------------------------------------------------------------ transactions

  /** FindCoordinator + InitProducerId for the transactional.id (Kafka's initTransactions()). */
  async initTransactions(): Promise<void> {
    const txnId = this.config.transactionalId
    if (txnId === null) throw new ProducerError('Transactional method invoked on a non-transactional producer.')
    await this.findTransactionCoordinator()
    await this.initProducerId(txnId)
  }

  beginTransaction(): void {
    if (this.config.transactionalId === null) throw new ProducerError('Transactional method invoked on a non-transactional producer.')
    if (this.inTransaction) throw new ProducerError('TransactionalId: Invalid transition attempted from state IN_TRANSACTION to state IN_TRANSACTION')
    this.inTransaction = true
  }

  async commitTransaction(): Promise<void> {
    await this.endTransaction(true)
  }

  async abortTransaction(): Promise<void> {
    await this.endTransaction(false)
  }

  private async endTransaction(commit: boolean): Promise<void> {
    if (!this.inTransaction) throw new ProducerError('TransactionalId: Invalid transition attempted from state READY to state COMMITTING_TRANSACTION')
    if (commit) await this.flush()
    await Promise.all(this.addingPartitions)
    const added = [...this.topics.values()].flatMap((t) => t.partitions.filter((p) => p.addedToTxn))
    if (added.length > 0) {
      await this.withCoordinatorRetry(async (conn) => {
        const res = await conn.request(EndTxn, {transactionalId: this.config.transactionalId!, producerId: this.producerId, producerEpoch: this.producerEpoch, committed: commit})
        return res.errorCode
      })
    }
    for (const p of added) p.addedToTxn = false
    this.inTransaction = false
  }

  private async findTransactionCoordinator(): Promise<void> {
    const txnId = this.config.transactionalId!
    const deadline = Date.now() + this.config.maxBlockMs
    for (;;) {
      const conn = this.client.bootstrap
      const version = conn.versionFor(FindCoordinator)
      const res = await conn.request(FindCoordinator, {key: version < 4 ? txnId : '', keyType: CoordinatorType.TRANSACTION, coordinatorKeys: version >= 4 ? [txnId] : []}, version)
      const c = version >= 4 ? res.coordinators[0] : {errorCode: res.errorCode, nodeId: res.nodeId, host: res.host, port: res.port, errorMessage: res.errorMessage}
      if (c && c.errorCode === 0) {
        this.coordinator = c.nodeId
        if (!this.client.brokers.has(c.nodeId)) this.client.brokers.set(c.nodeId, {nodeId: c.nodeId, host: c.host, port: c.port, rack: null})
        return
      }
      const code = c?.errorCode ?? ErrorCode.COORDINATOR_NOT_AVAILABLE
      if (!errorForCode(code).retriable || Date.now() > deadline) {
        throw new KafkaError(code, `${c?.errorMessage ?? errorMessage(code)} (no transaction coordinator for transactional.id ${txnId} within max.block.ms ${this.config.maxBlockMs} ms)`)
      }
      await sleep(this.config.retryBackoffMs)
    }
  }

  private async withCoordinatorRetry(fn: (conn: BrokerConnection) => Promise<number>): Promise<void> {
    const deadline = Date.now() + this.config.maxBlockMs
    for (;;) {
      const conn = await this.connection(this.coordinator!)
      const code = await fn(conn)
      if (code === 0) return
      if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE) await this.findTransactionCoordinator()
      else if (!(errorForCode(code).retriable || code === ErrorCode.CONCURRENT_TRANSACTIONS)) throw new KafkaError(code)
      if (Date.now() > deadline) throw new KafkaError(code)
      await sleep(Math.min(this.config.retryBackoffMs, 20))
    }
  }

  private async initProducerId(transactionalId: string | null): Promise<void> {
    const deadline = Date.now() + this.config.maxBlockMs
    for (;;) {
      const conn = transactionalId === null ? this.client.bootstrap : await this.connection(this.coordinator!)
      const res = await conn.request(InitProducerId, {transactionalId, transactionTimeoutMs: this.config.transactionTimeoutMs, producerId: -1n, producerEpoch: -1})
      if (res.errorCode === 0) {
        this.producerId = res.producerId
        this.producerEpoch = res.producerEpoch
        return
      }
      const code = res.errorCode
      if (transactionalId !== null && (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE)) await this.findTransactionCoordinator()
      else if (!(errorForCode(code).retriable || code === ErrorCode.CONCURRENT_TRANSACTIONS)) throw new KafkaError(code)
      if (Date.now() > deadline) throw new KafkaError(code)
      await sleep(this.config.retryBackoffMs)
    }
  }

  private addToTransaction(tps: PartitionState[]): void {
    for (const tp of tps) tp.addingToTxn = true
    const byTopic = new Map<string, number[]>()
    for (const tp of tps) {
      const list = byTopic.get(tp.topic.name) ?? []
      list.push(tp.partition)
      byTopic.set(tp.topic.name, list)
    }
    const work = this.withCoordinatorRetry(async (conn) => {
      const res = await conn.request(AddPartitionsToTxn, {
        transactions: [],
        v3AndBelowTransactionalId: this.config.transactionalId!,
        v3AndBelowProducerId: this.producerId,
        v3AndBelowProducerEpoch: this.producerEpoch,
        v3AndBelowTopics: [...byTopic].map(([name, partitions]) => ({name, partitions})),
      })
      if (res.errorCode !== 0) return res.errorCode
      for (const t of res.resultsByTopicV3AndBelow) for (const p of t.resultsByPartition) if (p.partitionErrorCode !== 0) return p.partitionErrorCode
      return 0
    }).then(
      () => {
        for (const tp of tps) {
          tp.addedToTxn = true
          tp.addingToTxn = false
        }
        this.wakeup()
      },
      (error: Error) => this.setFatal(error),
    )
    this.addingPartitions.push(work)
    void work.finally(() => this.addingPartitions.splice(this.addingPartitions.indexOf(work), 1))
  }

  // ------------------------------------------------------------ metadata and connections

  private async refreshMetadata(topics: string[], allowAutoCreate: boolean): Promise<void> {
    if (this.metadataRefresh) return this.metadataRefresh
    const run = (async () => {
      const res = await this.client.metadata(topics, {allowAutoTopicCreation: allowAutoCreate})
      for (const t of res.topics) {
        if (t.name === null) continue
        if (t.errorCode !== 0 && t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE) {
          if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) continue
          if (t.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED || t.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION) throw new KafkaError(t.errorCode, `${errorMessage(t.errorCode)} (topic ${t.name})`)
          continue
        }
        let state = this.topics.get(t.name)
        if (!state) {
          state = new TopicState(t.name, this.config)
          this.topics.set(t.name, state)
        }
        const sorted = [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex)
        for (const p of sorted) {
          let tp = state.partitions[p.partitionIndex]
          if (!tp) {
            tp = new PartitionState(state, p.partitionIndex)
            state.partitions[p.partitionIndex] = tp
          }
          tp.leader = p.errorCode === 0 || p.errorCode === ErrorCode.REPLICA_NOT_AVAILABLE ? p.leaderId : -1
          tp.leaderEpoch = p.leaderEpoch
        }
      }
    })()
    this.metadataRefresh = run
    try {
      await run
    } finally {
      this.metadataRefresh = null
    }
  }

  private requestMetadataUpdate(): void {
    const names = [...this.topics.keys()]
    void this.refreshMetadata(names, false).then(
      () => this.wakeup(),
      () => setTimeout(() => this.wakeup(), this.config.retryBackoffMs).unref(),
    )
  }

  private link(nodeId: number): NodeLink {
    let link = this.links.get(nodeId)
    if (!link) {
      link = {nodeId, conn: null, inFlight: 0, lastWrite: Promise.resolve()}
      this.links.set(nodeId, link)
    }
    return link
  }

  private connection(nodeId: number): Promise<BrokerConnection> {
    const link = this.link(nodeId)
    if (link.conn === null) {
      const node = this.client.brokers.get(nodeId)
      if (!node) return Promise.reject(new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${nodeId} is not in the cluster metadata`))
      const o = this.client.options
      const pending = BrokerConnection.open({host: node.host, port: node.port, clientId: this.config.clientId, tls: o.tls, sasl: o.sasl, connectTimeoutMs: o.connectTimeoutMs, requestTimeoutMs: Math.max(o.requestTimeoutMs, this.config.requestTimeoutMs + 5000)})
      link.conn = pending
      pending.catch(() => {
        if (link.conn === pending) link.conn = null
      })
    }
    return link.conn.then((c) => {
      if (c.closed) {
        if (link.conn !== null) link.conn = null
        return this.connection(nodeId)
      }
      return c
    })
  }

  // ------------------------------------------------------------ sender

  private wakeup(): void {
    if (this.senderScheduled) return
    this.senderScheduled = true
    setImmediate(this.runSender)
  }

  private armLinger(deadline: number): void {
    if (deadline <= Date.now()) {
      this.wakeup()
      return
    }
    if (deadline >= this.lingerDeadline) return
    if (this.lingerTimer) clearTimeout(this.lingerTimer)
    this.lingerDeadline = deadline
    this.lingerTimer = setTimeout(this.onLinger, Math.max(0, deadline - Date.now()))
  }

  private readonly onLinger = (): void => {
    this.lingerTimer = null
    this.lingerDeadline = Infinity
    this.wakeup()
  }

  private openBatchIsFull(tp: PartitionState, timestamp: number, key: Uint8Array | null, value: Uint8Array | null, headers: readonly HeaderInput[] | null): boolean {
    const last = tp.queue[tp.queue.length - 1]
    if (last === undefined) return true
    return last.full || !last.builder.hasRoomFor(last.builder.nextRecordSize(timestamp, key === null ? -1 : key.length, value === null ? -1 : value.length, headers))
  }

  private isReady(tp: PartitionState, b: ProducerBatch, now: number): boolean {
    if (b.attempts > 0) return now >= b.retryAtMs
    return b.full || tp.queue.length > 1 || now - b.createdMs >= this.config.lingerMs || this.flushing > 0 || this.memoryWaiters.length > 0 || this.closing
  }

  private readonly runSender = (): void => {
    this.senderScheduled = false
    if (this.fatal) return
    const now = Date.now()
    let nextDeadline = Infinity
    const ready = new Map<number, PartitionState[]>()
    let needMetadata = false
    const txn = this.config.transactionalId !== null
    let toAdd: PartitionState[] | null = null
    for (const tp of this.nonEmpty) {
      const b = tp.queue[0]
      if (b === undefined) {
        this.nonEmpty.delete(tp)
        continue
      }
      if (tp.muted) continue
      if (tp.leader < 0) {
        needMetadata = true
        continue
      }
      if (b.attempts === 0 && now - b.createdMs > this.config.deliveryTimeoutMs) {
        this.expire(tp, now)
        continue
      }
      if (!this.isReady(tp, b, now)) {
        nextDeadline = Math.min(nextDeadline, b.attempts > 0 ? b.retryAtMs : b.createdMs + this.config.lingerMs)
        continue
      }
      if (txn && !tp.addedToTxn) {
        if (!tp.addingToTxn) (toAdd ??= []).push(tp)
        continue
      }
      // A retried idempotent batch goes out only as the partition's oldest unanswered batch.
      if (b.baseSequence >= 0 && tp.inFlight.length > 0 && tp.inFlight[0]!.baseSequence < b.baseSequence) continue
      let list = ready.get(tp.leader)
      if (!list) ready.set(tp.leader, (list = []))
      list.push(tp)
    }
    if (toAdd) this.addToTransaction(toAdd)
    if (needMetadata) this.requestMetadataUpdate()
    for (const [nodeId, tps] of ready) this.drainNode(nodeId, tps, now)
    if (nextDeadline < Infinity) this.armLinger(nextDeadline)
  }

  private drainNode(nodeId: number, tps: PartitionState[], now: number): void {
    const link = this.link(nodeId)
    const maxInFlight = this.config.maxInFlight
    while (link.inFlight < maxInFlight) {
      const batches: ProducerBatch[] = []
      let size = 0
      const n = tps.length
      const start = this.drainStart++ % n
      for (let k = 0; k < n; k++) {
        const tp = tps[(start + k) % n]!
        if (tp.muted) continue
        const b = tp.queue[0]
        if (b === undefined || !this.isReady(tp, b, now)) continue
        if (b.baseSequence >= 0 && tp.inFlight.length > 0 && tp.inFlight[0]!.baseSequence < b.baseSequence) continue
        const estimate = b.wire !== null ? b.wireBytes : b.builder.estimatedBytes()
        if (batches.length > 0 && size + estimate > this.config.maxRequestSize) break
        tp.queue.shift()
        if (tp.queue.length === 0) this.nonEmpty.delete(tp)
        this.prepare(b)
        tp.inFlight.push(b)
        if (b.baseSequence >= 0) tp.inFlight.sort((x, y) => x.baseSequence - y.baseSequence)
        if (maxInFlight === 1) tp.muted = true
        batches.push(b)
        size += estimate
      }
      if (batches.length === 0) return
      link.inFlight++
      this.sendProduce(link, batches)
    }
  }

  /** Assigns the sequence (first attempt only) and starts closing (compressing) the batch. */
  private prepare(b: ProducerBatch): void {
    if (b.wire !== null) return
    const tp = b.tp
    if (this.producerId >= 0n) {
      b.baseSequence = tp.nextSequence
      tp.nextSequence = (tp.nextSequence + b.builder.recordCount) % 2147483648
    }
    b.wire = b.builder.close({
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence: b.baseSequence,
      transactional: this.config.transactionalId !== null,
      compressionLevel: this.config.compressionLevel,
    })
  }

  private sendProduce(link: NodeLink, batches: ProducerBatch[]): void {
    const ready = Promise.all([link.lastWrite, Promise.all(batches.map((b) => b.wire!)), this.connection(link.nodeId)])
    const sentAt = {ms: 0}
    const response = ready.then(([, wires, conn]) => {
      const byTopic = new Map<string, Array<{index: number; records: Buffer}>>()
      let bytes = 0
      for (let i = 0; i < batches.length; i++) {
        const b = batches[i]!
        const wire = wires[i]!
        b.wireBytes = wire.length
        bytes += wire.length
        let list = byTopic.get(b.tp.topic.name)
        if (!list) byTopic.set(b.tp.topic.name, (list = []))
        list.push({index: b.tp.partition, records: wire})
      }
      const m = this.metrics
      m.requests++
      m.requestBytes += bytes
      if (bytes > m.requestBytesMax) m.requestBytesMax = bytes
      if (this.produceVersion < 0) this.produceVersion = conn.versionFor(Produce, 11)
      const body = {
        transactionalId: this.config.transactionalId,
        acks: this.config.acks,
        timeoutMs: this.config.requestTimeoutMs,
        topicData: [...byTopic].map(([name, partitionData]) => ({name, partitionData})),
      }
      sentAt.ms = Date.now()
      if (this.config.acks === 0) return conn.send(Produce, body as never, this.produceVersion).then(() => null)
      return conn.request(Produce, body as never, this.produceVersion)
    })
    link.lastWrite = ready.then(
      () => undefined,
      () => undefined,
    )
    response.then(
      (res) => this.onProduceResponse(link, batches, res, sentAt.ms),
      (error: Error) => this.onProduceFailure(link, batches, error),
    )
  }

  private onProduceResponse(link: NodeLink, batches: ProducerBatch[], res: ProduceResponse | null, sentMs: number): void {
    link.inFlight--
    const now = Date.now()
    const m = this.metrics
    const latency = now - sentMs
    m.requestLatencyTotalMs += latency
    if (latency > m.requestLatencyMaxMs) m.requestLatencyMaxMs = latency
    if (res === null) {
      for (const b of batches) this.complete(b, -1n, null, now)
    } else {
      m.throttleTimeTotalMs += res.throttleTimeMs
      if (res.throttleTimeMs > m.throttleTimeMaxMs) m.throttleTimeMaxMs = res.throttleTimeMs
      for (const b of batches) {
        const r = findPartitionResponse(res, b.tp.topic.name, b.tp.partition)
        if (r === undefined) {
          this.retryOrFail(b, new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `no answer for ${b.tp.topic.name}-${b.tp.partition} in the Produce response`), now)
          continue
        }
        if (r.errorCode === 0) this.complete(b, r.baseOffset, null, now)
        else if (r.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) this.complete(b, -1n, null, now)
        else {
          const error = new KafkaError(r.errorCode, r.errorMessage ?? undefined)
          this.retryOrFail(b, error, now)
        }
      }
    }
    this.wakeup()
  }

  private onProduceFailure(link: NodeLink, batches: ProducerBatch[], error: Error): void {
    link.inFlight--
    const now = Date.now()
    const retriable = error instanceof ConnectionError || error instanceof RequestTimeoutError
    if (retriable && link.conn) {
      void link.conn.then((c) => c.close(), () => {})
      link.conn = null
    }
    for (const b of batches) {
      if (retriable) this.retryOrFail(b, new KafkaError(ErrorCode.NETWORK_EXCEPTION, error.message), now)
      else this.fail(b, error, now)
    }
    if (retriable) this.requestMetadataUpdate()
    this.wakeup()
  }

  private retryOrFail(b: ProducerBatch, error: KafkaError, now: number): void {
    const tp = b.tp
    let retriable = error.retriable
    if (error.code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      // Only a consequence of an earlier batch of this partition failing, which is being retried.
      retriable = tp.queue.some((q) => q.attempts > 0 && q.baseSequence < b.baseSequence) || tp.inFlight.some((q) => q !== b && q.baseSequence < b.baseSequence)
    }
    if (!retriable || b.attempts >= this.config.retries || now - b.createdMs >= this.config.deliveryTimeoutMs) {
      this.fail(b, error, now)
      return
    }
    b.attempts++
    this.metrics.retries += b.builder.recordCount
    b.retryAtMs = now + Math.min(this.config.retryBackoffMs * 2 ** (b.attempts - 1), Math.max(this.config.retryBackoffMaxMs, this.config.retryBackoffMs))
    removeFrom(tp.inFlight, b)
    if (tp.muted) tp.muted = false
    // Back into the queue in sequence order (Kafka's insertInSequenceOrder).
    let at = 0
    while (at < tp.queue.length && tp.queue[at]!.baseSequence >= 0 && tp.queue[at]!.baseSequence < b.baseSequence) at++
    tp.queue.splice(at, 0, b)
    this.nonEmpty.add(tp)
    if (
      error.code === ErrorCode.NOT_LEADER_OR_FOLLOWER ||
      error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
      error.code === ErrorCode.LEADER_NOT_AVAILABLE ||
      error.code === ErrorCode.NETWORK_EXCEPTION
    ) {
      this.requestMetadataUpdate()
    }
    this.armLinger(b.retryAtMs)
  }

  private expire(tp: PartitionState, now: number): void {
    while (tp.queue.length > 0 && tp.queue[0]!.attempts === 0 && now - tp.queue[0]!.createdMs > this.config.deliveryTimeoutMs) {
      const b = tp.queue.shift()!
      const error = new ProducerError(
        `Expiring ${b.builder.recordCount} record(s) for ${tp.topic.name}-${tp.partition}:${now - b.createdMs} ms has passed since batch creation`,
      )
      this.fail(b, error, now, false)
    }
    if (tp.queue.length === 0) this.nonEmpty.delete(tp)
  }

  private complete(b: ProducerBatch, baseOffset: bigint, error: Error | null, now: number): void {
    const tp = b.tp
    removeFrom(tp.inFlight, b)
    if (tp.muted) tp.muted = false
    const builder = b.builder
    const m = this.metrics
    if (error === null) {
      m.batches++
      m.batchBytes += b.wireBytes
      m.uncompressedBytes += builder.sizeInBytes
      if (b.wireBytes > m.batchBytesMax) m.batchBytesMax = b.wireBytes
      if (builder.compression !== 0 && builder.sizeInBytes > 0) this.updateRatio(tp.topic, b.wireBytes / builder.sizeInBytes)
    } else {
      m.errors += builder.recordCount
    }
    this.release(b.allocated)
    // Like Kafka's BufferPool: batch.size buffers of uncompressed batches are
    // reused (the request that carried them is written and answered), which
    // spares the garbage collector a 16 KiB allocation per batch.
    const buf = builder.buffer
    if (builder.compression === 0 && buf.length === this.config.batchSize && this.pool.length < this.poolLimit) this.pool.push(buf)
    this.incomplete--
    const onBatch = this.options.onBatch
    if (onBatch) {
      onBatch({
        topic: tp.topic.name,
        partition: tp.partition,
        baseOffset,
        recordCount: builder.recordCount,
        wireBytes: b.wireBytes,
        uncompressedBytes: builder.sizeInBytes,
        sendTimes: b.sendTimes,
        completedMs: now,
        error,
      })
    }
    const cbs = b.callbacks
    if (cbs !== null) {
      for (let i = 0; i < cbs.length; i++) {
        const cb = cbs[i]
        if (cb) cb(error, error === null && baseOffset >= 0n ? baseOffset + BigInt(i) : -1n)
      }
    }
    if (this.incomplete === 0 && this.flushWaiters.length > 0) {
      const waiters = this.flushWaiters
      this.flushWaiters = []
      for (const w of waiters) w()
    }
  }

  private fail(b: ProducerBatch, error: Error, now: number, inFlight = true): void {
    if (!inFlight) removeFrom(b.tp.queue, b)
    this.complete(b, -1n, error, now)
  }

  private updateRatio(topic: TopicState, observed: number): void {
    // Kafka's CompressionRatioEstimator: quick to grow, slow to shrink.
    const current = topic.ratioEstimate
    if (observed > current) topic.ratioEstimate = Math.max(current + COMPRESSION_RATIO_STEP_UP, observed)
    else if (observed < current) topic.ratioEstimate = Math.max(current - COMPRESSION_RATIO_STEP_DOWN, observed)
  }

  private release(bytes: number): void {
    this.bufferUsed -= bytes
    while (this.memoryWaiters.length > 0 && this.bufferUsed + this.memoryWaiters[0]!.bytes <= this.config.bufferMemory) {
      const w = this.memoryWaiters.shift()!
      clearTimeout(w.timer)
      w.resolve()
    }
  }

  private setFatal(error: Error): void {
    if (this.fatal) return
    this.fatal = error
    for (const w of this.memoryWaiters.splice(0)) {
      clearTimeout(w.timer)
      w.reject(error)
    }
    const waiters = this.flushWaiters
    this.flushWaiters = []
    for (const w of waiters) w()
  }
}

function findPartitionResponse(res: ProduceResponse, topic: string, partition: number) {
  for (const t of res.responses) {
    if (t.name !== topic) continue
    for (const p of t.partitionResponses) if (p.index === partition) return p
  }
  return undefined
}

function removeFrom<T>(list: T[], item: T): void {
  if (list[0] === item) {
    list.shift()
    return
  }
  const i = list.indexOf(item)
  if (i >= 0) list.splice(i, 1)
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
