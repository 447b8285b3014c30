// `perf produce`: Kafka's ProducerPerformance on this project's producer.
// The send loop is Kafka's (payload, optional transaction begin, send with a
// latency callback, commit when the transaction is old enough, throttle);
// what differs is how a single JavaScript thread shares itself between the
// loop and the producer's network work: the loop yields to the event loop
// whenever the producer has a batch ready, and waits (as Kafka's send()
// blocks) when buffer.memory is used up.
//
// Throttling is by schedule, not by sleeping a fixed time per record: record
// i is due at start + i / throughput, and the loop only sleeps while it is
// ahead of that schedule. Timer lateness therefore never accumulates, and a
// run's rate converges on --throughput (Kafka's ThroughputThrottler sleeps off
// a deficit instead, which drifts by the sleeps' overshoot).

import {setImmediate as yieldToEventLoop} from 'node:timers/promises'

import type {ClientOptions} from '../client/client.js'
import type {ProducerConfig} from '../producer/config.js'
import {APPENDED, type CompletedBatch, NO_MEMORY, Producer} from '../producer/producer.js'
import {javaFixed} from './format.js'
import {encodeHistogram, initHistograms} from './histogram.js'
import type {PayloadSource} from './payload.js'
import {type ProduceTotals, type ProduceWindow, ProducerStats, totalLine} from './producer-stats.js'

export const DEFAULT_TRANSACTION_ID_PREFIX = 'performance-producer-'
export const DEFAULT_TRANSACTION_DURATION_MS = 3000

export interface ProducePerfOptions {
  topic: string
  numRecords: number
  payload: PayloadSource
  /** Records per second; <= 0 for unthrottled (Kafka's -1). */
  throughput: number
  warmupRecords: number
  reportingIntervalMs: number
  transactionDurationMs: number | null
  printMetrics: boolean
  /** Fixed partition for every record (workers and tests); null lets the partitioner choose. */
  partition?: number | null
}

export interface ProducePerfIo {
  /** Kafka's text lines (window lines, totals); null to print nothing. */
  line: ((text: string) => void) | null
  /** Awaited once the producer is connected and the topic known, just before the clock starts. */
  beforeStart?: () => Promise<void>
  /** The statistics, once the clock starts (steadyState: the steady-state ones, from the first record after the warm-up). */
  onStats?: (stats: ProducerStats, steadyState: boolean) => void
}

export interface ProducePerfResult {
  total: ProduceTotals
  steadyState: ProduceTotals | null
  windows: ProduceWindow[]
  steadyStateWindows: ProduceWindow[]
  /** Batches as sent: count, average bytes, compression ratio (wire / uncompressed). */
  batches: number
  avgBatchBytes: number
  compressionRatio: number
  metrics: Array<[string, number]>
  /** The latency histograms, encoded (for workers). */
  histogram?: string
  steadyStateHistogram?: string
}

export async function runProducePerf(clientOptions: ClientOptions, config: ProducerConfig, opts: ProducePerfOptions, io: ProducePerfIo): Promise<ProducePerfResult> {
  await initHistograms()
  let stats: ProducerStats | null = null
  let steady: ProducerStats | null = null
  const onBatch = (b: CompletedBatch): void => {
    if (b.error !== null) {
      process.stderr.write(`${b.error.name === 'KafkaError' ? 'org.apache.kafka.common.errors.' : ''}${b.error.message}\n`)
      return
    }
    const t = b.sendTimes
    for (let i = 0; i < t.length; i += 4) {
      const latency = b.completedMs - t[i]!
      stats!.record(t[i + 2]!, t[i + 3]!, latency, b.completedMs)
      if (t[i + 1] === 1) steady!.record(t[i + 2]!, t[i + 3]!, latency, b.completedMs)
    }
  }
  const producer = await Producer.connect(clientOptions, config, {onBatch})
  try {
    await producer.waitForTopic(opts.topic)
    const transactional = config.transactionalId !== null
    if (transactional) await producer.initTransactions()
    if (io.beforeStart) await io.beforeStart()
    const print = io.line
    if (opts.warmupRecords > 0) print?.(`Warmup first ${opts.warmupRecords} records. Steady state results will print after the complete test summary.`)

    stats = new ProducerStats(opts.reportingIntervalMs, false, print)
    io.onStats?.(stats, false)
    const startPerf = performance.now()
    const intervalMs = opts.throughput > 0 ? 1000 / opts.throughput : 0
    const topic = opts.topic
    const partition = opts.partition ?? null
    const payload = opts.payload
    let transactionSize = 0
    let transactionStart = 0
    let lastYield = startPerf
    for (let i = 0; i < opts.numRecords; i++) {
      const value = payload.next(i)
      if (transactional && transactionSize === 0) {
        producer.beginTransaction()
        transactionStart = Date.now()
      }
      const sendStartMs = Date.now()
      if (opts.warmupRecords > 0 && i === opts.warmupRecords) {
        steady = new ProducerStats(opts.reportingIntervalMs, true, print, sendStartMs)
        io.onStats?.(steady, true)
        stats.suppressPrinting()
        producer.sendTag = 1
      }
      let status = producer.trySend(topic, partition, null, value, null, sendStartMs)
      while (status !== APPENDED) {
        if (status === NO_MEMORY) await producer.waitForMemory(Math.max(config.batchSize, value.length + 128))
        else await producer.waitForTopic(topic)
        status = producer.trySend(topic, partition, null, value, null, sendStartMs)
      }
      transactionSize++
      if (transactional && opts.transactionDurationMs! <= sendStartMs - transactionStart) {
        await producer.commitTransaction()
        transactionSize = 0
      }
      if (intervalMs > 0) {
        // Schedule-based pacing: sleep only while ahead of record i+1's due time.
        const ahead = startPerf + (i + 1) * intervalMs - performance.now()
        if (ahead >= 1) {
          await sleep(Math.floor(ahead))
          lastYield = performance.now()
        } else if (producer.wantsToRun) {
          await yieldToEventLoop()
          lastYield = performance.now()
        }
      } else if (producer.wantsToRun || ((i & 63) === 0 && performance.now() - lastYield > 2)) {
        await yieldToEventLoop()
        lastYield = performance.now()
      }
    }
    if (transactional && transactionSize !== 0) await producer.commitTransaction()
    await producer.close()
    const end = Date.now()
    const total = stats.totals(end)
    const steadyTotals = steady ? steady.totals(end) : null
    print?.(totalLine(total))
    if (steadyTotals) print?.(totalLine(steadyTotals))
    const m = producer.metrics
    const metrics = producerMetrics(producer, end)
    if (opts.printMetrics && print) for (const line of formatMetrics(metrics, config.clientId)) print(line)
    return {
      total,
      steadyState: steadyTotals,
      windows: stats.windows,
      steadyStateWindows: steady ? steady.windows : [],
      batches: m.batches,
      avgBatchBytes: m.batches > 0 ? m.batchBytes / m.batches : 0,
      compressionRatio: m.uncompressedBytes > 0 ? m.batchBytes / m.uncompressedBytes : 1,
      metrics,
      histogram: encodeHistogram(stats.histogram),
      steadyStateHistogram: steady ? encodeHistogram(steady.histogram) : undefined,
    }
  } finally {
    stats?.destroy()
    steady?.destroy()
    await producer.close().catch(() => {})
  }
}

/** Producer metrics by Kafka's names (group producer-metrics). */
export function producerMetrics(producer: Producer, now = Date.now()): Array<[string, number]> {
  const m = producer.metrics
  const seconds = Math.max(0.001, (now - m.startMs) / 1000)
  const out: Array<[string, number]> = [
    ['batch-size-avg', m.batches > 0 ? m.batchBytes / m.batches : NaN],
    ['batch-size-max', m.batches > 0 ? m.batchBytesMax : NaN],
    ['buffer-available-bytes', producer.bufferAvailableBytes],
    ['buffer-total-bytes', producer.config.bufferMemory],
    ['bufferpool-wait-time-ns-total', m.bufferWaitNs],
    ['compression-rate-avg', m.uncompressedBytes > 0 ? m.batchBytes / m.uncompressedBytes : NaN],
    ['produce-throttle-time-avg', m.requests > 0 ? m.throttleTimeTotalMs / m.requests : NaN],
    ['produce-throttle-time-max', m.requests > 0 ? m.throttleTimeMaxMs : NaN],
    ['record-error-rate', m.errors / seconds],
    ['record-error-total', m.errors],
    ['record-retry-rate', m.retries / seconds],
    ['record-retry-total', m.retries],
    ['record-send-rate', m.records / seconds],
    ['record-send-total', m.records],
    ['record-size-avg', m.records > 0 ? m.recordBytes / m.records : NaN],
    ['record-size-max', m.records > 0 ? m.recordBytesMax : NaN],
    ['records-per-request-avg', m.requests > 0 ? m.records / m.requests : NaN],
    ['request-latency-avg', m.requests > 0 ? m.requestLatencyTotalMs / m.requests : NaN],
    ['request-latency-max', m.requests > 0 ? m.requestLatencyMaxMs : NaN],
    ['request-rate', m.requests / seconds],
    ['request-size-avg', m.requests > 0 ? m.requestBytes / m.requests : NaN],
    ['request-size-max', m.requests > 0 ? m.requestBytesMax : NaN],
    ['request-total', m.requests],
  ]
  return out
}

/** Kafka's ToolsUtils.printMetrics layout: a blank line, a header, then "name : value" sorted by name. */
export function formatMetrics(metrics: Array<[string, number]>, clientId: string, group = 'producer-metrics'): string[] {
  const rows = metrics.map(([name, value]) => [`${group}:${name}:{client-id=${clientId}}`, value] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const width = Math.max(...rows.map((r) => r[0].length))
  return [`\n${'Metric Name'.padEnd(width)}   Value`, ...rows.map(([name, value]) => `${name.padEnd(width)} : ${javaFixed(value, 3)}`)]
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
