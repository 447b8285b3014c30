// `perf produce --workers N`: the records are produced by N child processes,
// each with its own producer and event loop, so the tool can load a cluster
// harder than one Node.js thread can. Each worker gets an equal share of the
// records and of --throughput; all start on one signal once every worker is
// connected; the parent prints Kafka's window lines from the workers' 200 ms
// reports and the final line from the merged HdrHistograms, with the elapsed
// time measured from that start signal to the last acknowledgement.

import {fork, type ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import type {ClientOptions} from '../client/client.js'
import {decodeHistogram, initHistograms, newHistogram, percentiles} from './histogram.js'
import type {PayloadSpec} from './produce-options.js'
import type {ProducePerfOptions, ProducePerfResult} from './produce.js'
import {type ProduceTotals, type ProduceWindow, totalLine, windowLine} from './producer-stats.js'
import {formatMetrics} from './produce.js'
import type {WorkerMessage, WorkerRun} from './worker.js'

const MB = 1024 * 1024

export class WorkerError extends Error {
  override name = 'WorkerError'
}

function workerScript(): string {
  const js = fileURLToPath(new URL('./worker.js', import.meta.url))
  if (existsSync(js)) return js
  return fileURLToPath(new URL('./worker.ts', import.meta.url))
}

export async function runProduceWorkers(
  workers: number,
  clientOptions: ClientOptions,
  properties: Map<string, string>,
  options: Omit<ProducePerfOptions, 'payload'>,
  payload: PayloadSpec,
  line: ((text: string) => void) | null,
): Promise<ProducePerfResult> {
  await initHistograms()
  const script = workerScript()
  const children: ChildProcess[] = []
  const clientId = properties.get('client.id') ?? 'perf-producer-client'
  const results: Array<ProducePerfResult | null> = new Array(workers).fill(null)
  let ready = 0
  let done = 0
  let goAt = 0
  let window = {start: 0, count: 0, bytes: 0, totalLatency: 0, maxLatency: 0}
  const windows: ProduceWindow[] = []
  if (options.warmupRecords > 0) line?.(`Warmup first ${options.warmupRecords} records. Steady state results will print after the complete test summary.`)

  const finished = new Promise<void>((resolve, reject) => {
    for (let i = 0; i < workers; i++) {
      const share = Math.floor(options.numRecords / workers) + (i < options.numRecords % workers ? 1 : 0)
      const child = fork(script, [], {
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: script.endsWith('.ts') ? ['--import', 'tsx'] : [],
      })
      children.push(child)
      const props = new Map(properties)
      props.set('client.id', workers > 1 ? `${clientId}-${i}` : clientId)
      if (props.has('transactional.id')) props.set('transactional.id', `${props.get('transactional.id')}-${i}`)
      const run: WorkerRun = {
        type: 'run',
        clientOptions,
        properties: [...props],
        payload,
        options: {
          ...options,
          numRecords: share,
          warmupRecords: Math.floor(options.warmupRecords / workers),
          throughput: options.throughput > 0 ? options.throughput / workers : options.throughput,
          printMetrics: false,
        },
      }
      child.on('message', (msg: WorkerMessage) => {
        switch (msg.type) {
          case 'ready':
            if (++ready === workers) {
              goAt = Date.now()
              window.start = goAt
              for (const c of children) c.send({type: 'go'})
            }
            break
          case 'delta': {
            window.count += msg.count
            window.bytes += msg.bytes
            window.totalLatency += msg.totalLatency
            if (msg.maxLatency > window.maxLatency) window.maxLatency = msg.maxLatency
            const now = Date.now()
            if (now - window.start >= options.reportingIntervalMs && window.count > 0) {
              const elapsed = now - window.start
              const w: ProduceWindow = {
                records: window.count,
                recordsPerSec: (1000 * window.count) / elapsed,
                mbPerSec: (1000 * window.bytes) / elapsed / MB,
                avgLatencyMs: window.totalLatency / window.count,
                maxLatencyMs: window.maxLatency,
                atMs: now - goAt,
              }
              windows.push(w)
              line?.(windowLine(w))
              window = {start: now, count: 0, bytes: 0, totalLatency: 0, maxLatency: 0}
            }
            break
          }
          case 'done':
            results[i] = msg.result
            if (++done === workers) resolve()
            break
          case 'error':
            reject(new WorkerError(msg.message))
            break
        }
      })
      child.on('exit', (code, signal) => {
        if (results[i] === null) reject(new WorkerError(`perf worker ${i} exited ${signal ? `on ${signal}` : `with code ${code}`} before finishing`))
      })
      child.send(run)
    }
  })
  try {
    await finished
  } finally {
    for (const c of children) if (c.exitCode === null && c.connected) c.disconnect()
  }
  const end = Math.max(...results.map((r) => goAt + r!.total.elapsedMs))
  const all = results as ProducePerfResult[]
  const total = merge(all.map((r) => ({totals: r.total, histogram: r.histogram!})), end - goAt, false)
  const steadyParts = all.filter((r) => r.steadyState !== null && r.steadyStateHistogram !== undefined)
  const steady = steadyParts.length > 0 ? merge(steadyParts.map((r) => ({totals: r.steadyState!, histogram: r.steadyStateHistogram!})), Math.max(...steadyParts.map((r) => r.steadyState!.elapsedMs)), true) : null
  line?.(totalLine(total))
  if (steady) line?.(totalLine(steady))
  if (options.printMetrics && line) all.forEach((r, i) => formatMetrics(r.metrics, workers > 1 ? `${clientId}-${i}` : clientId).forEach((l) => line(l)))
  const batches = all.reduce((s, r) => s + r.batches, 0)
  return {
    total,
    steadyState: steady,
    windows,
    steadyStateWindows: [],
    batches,
    avgBatchBytes: batches > 0 ? all.reduce((s, r) => s + r.avgBatchBytes * r.batches, 0) / batches : 0,
    compressionRatio: batches > 0 ? all.reduce((s, r) => s + r.compressionRatio * r.batches, 0) / batches : 1,
    metrics: all[0]!.metrics,
  }
}

function merge(parts: Array<{totals: ProduceTotals; histogram: string}>, elapsedMs: number, steadyState: boolean): ProduceTotals {
  const h = newHistogram()
  let records = 0
  let bytes = 0
  let latencySum = 0
  let max = 0
  for (const p of parts) {
    const part = decodeHistogram(p.histogram)
    h.add(part)
    part.destroy()
    records += p.totals.records
    bytes += p.totals.bytes
    latencySum += p.totals.avgLatencyMs * p.totals.records
    max = Math.max(max, p.totals.maxLatencyMs)
  }
  const totals: ProduceTotals = {
    records,
    bytes,
    elapsedMs,
    recordsPerSec: (1000 * records) / elapsedMs,
    mbPerSec: (1000 * bytes) / elapsedMs / MB,
    avgLatencyMs: latencySum / records,
    maxLatencyMs: max,
    ...percentiles(h),
    steadyState,
  }
  h.destroy()
  return totals
}
