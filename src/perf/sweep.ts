// `perf produce --sweep key=v1,v2 ...`: runs `perf produce` once per point of
// the grid (every combination of the swept values), each point with a fresh
// producer and a warm-up before it is measured, then prints a table, names the
// best configuration for throughput and for latency, and writes the results
// as CSV, JSON and a self-contained HTML chart.
//
// Sweepable keys: any producer property (batch.size, linger.ms,
// compression.type, acks, buffer.memory, max.in.flight.requests.per.connection,
// enable.idempotence, ...), `record.size` (the --record-size of the point)
// and `partitions` (each point writes to a topic <topic>-p<N> with N
// partitions, created when missing).

import {mkdirSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import type {ClientOptions} from '../client/client.js'
import {KafkaClient} from '../client/client.js'
import {CommandError, UsageError} from '../cli/errors.js'
import {formatData, type OutputMode, renderTable} from '../cli/output.js'
import {producerConfig} from '../producer/config.js'
import {javaFixed} from './format.js'
import type {ProducePlan} from './produce-options.js'
import {produceOnce, type CommandIo} from './produce-command.js'
import {totalLine} from './producer-stats.js'
import {renderSweepHtml} from './sweep-chart.js'

export interface SweepSetup {
  plan: ProducePlan
  props: Map<string, string>
  clientOptions: ClientOptions
  sweeps: string[]
  workers: number
  warmupRecords: number | undefined
  outputDir: string
  mode: OutputMode
}

export interface SweepAxis {
  key: string
  values: string[]
}

export interface SweepPoint {
  /** The swept settings of this point, in axis order. */
  settings: Record<string, string>
  label: string
  topic: string
  recordSize: number | null
  records: number
  recordsPerSec: number
  mbPerSec: number
  avgLatencyMs: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  p999Ms: number
  maxLatencyMs: number
  /** Bytes on the wire / bytes before compression (1 without compression). */
  compressionRatio: number
  avgBatchBytes: number
  batches: number
}

export interface SweepResult {
  axes: SweepAxis[]
  numRecords: number
  warmupRecords: number
  points: SweepPoint[]
  bestThroughput: SweepPoint
  bestLatency: SweepPoint
  files: {csv: string; json: string; html: string}
}

const SPECIAL_KEYS = new Map([
  ['record.size', 'record.size'],
  ['record-size', 'record.size'],
  ['partitions', 'partitions'],
  ['num.partitions', 'partitions'],
])

export function parseSweeps(sweeps: readonly string[]): SweepAxis[] {
  const axes: SweepAxis[] = []
  for (const text of sweeps) {
    const eq = text.indexOf('=')
    if (eq <= 0) throw new UsageError(`invalid --sweep '${text}': expected key=value1,value2,...`)
    const key = SPECIAL_KEYS.get(text.slice(0, eq).trim()) ?? text.slice(0, eq).trim()
    const values = text
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
    if (values.length === 0) throw new UsageError(`invalid --sweep '${text}': no values`)
    if (axes.some((a) => a.key === key)) throw new UsageError(`--sweep ${key} given twice`)
    if (key === 'record.size' || key === 'partitions') {
      for (const v of values) if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`invalid --sweep ${key} value '${v}': expected a positive integer`)
    }
    axes.push({key, values})
  }
  return axes
}

/** Every combination of the axes' values, the first axis varying slowest. */
export function sweepGrid(axes: readonly SweepAxis[]): Array<Record<string, string>> {
  let grid: Array<Record<string, string>> = [{}]
  for (const axis of axes) grid = grid.flatMap((point) => axis.values.map((v) => ({...point, [axis.key]: v})))
  return grid
}

export function pointLabel(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
}

/** Default warm-up per point: a tenth of the measured records, at most 50,000. */
export function defaultSweepWarmup(numRecords: number): number {
  return Math.min(50_000, Math.floor(numRecords / 10))
}

export function bestPoints(points: readonly SweepPoint[]): {bestThroughput: SweepPoint; bestLatency: SweepPoint} {
  let bestThroughput = points[0]!
  let bestLatency = points[0]!
  for (const p of points) {
    if (p.recordsPerSec > bestThroughput.recordsPerSec) bestThroughput = p
    if (p.p99Ms < bestLatency.p99Ms || (p.p99Ms === bestLatency.p99Ms && p.avgLatencyMs < bestLatency.avgLatencyMs)) bestLatency = p
  }
  return {bestThroughput, bestLatency}
}

const CSV_COLUMNS = ['records', 'recordsPerSec', 'mbPerSec', 'avgLatencyMs', 'p50Ms', 'p95Ms', 'p99Ms', 'p999Ms', 'maxLatencyMs', 'compressionRatio', 'avgBatchBytes', 'batches', 'topic'] as const

function csvCell(v: unknown): string {
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function sweepCsv(axes: readonly SweepAxis[], points: readonly SweepPoint[]): string {
  const head = [...axes.map((a) => a.key), ...CSV_COLUMNS]
  const rows = points.map((p) => [...axes.map((a) => p.settings[a.key] ?? ''), ...CSV_COLUMNS.map((c) => p[c])].map(csvCell).join(','))
  return `${[head.join(','), ...rows].join('\n')}\n`
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`
}

async function ensureTopic(clientOptions: ClientOptions, name: string, partitions: number): Promise<void> {
  const client = await KafkaClient.connect(clientOptions)
  try {
    const {createTopic} = await import('../admin/topics.js')
    const {created} = await createTopic(client, {name, partitions, configs: new Map()}, true)
    if (created) return
    const md = await client.metadata([name])
    const found = md.topics.find((t) => t.name === name)
    const have = found?.partitions.length ?? 0
    if (have !== partitions) throw new CommandError(`topic ${name} already exists with ${have} partitions, not ${partitions}: delete it or sweep under another --topic`)
  } finally {
    client.close()
  }
}

export async function runSweep(setup: SweepSetup, io: CommandIo): Promise<SweepResult> {
  const {plan} = setup
  const axes = parseSweeps(setup.sweeps)
  const grid = sweepGrid(axes)
  if (axes.some((a) => a.key === 'record.size') && plan.recordSize === null) throw new UsageError('--sweep record.size needs --record-size (not --payload-file or --payload-monotonic)')
  // Every point's settings are checked before anything runs.
  for (const settings of grid) {
    const props = new Map(setup.props)
    for (const [k, v] of Object.entries(settings)) if (!SPECIAL_KEYS.has(k)) props.set(k, v)
    try {
      producerConfig(props, 'perf-producer-client')
    } catch (error) {
      throw new UsageError(`--sweep ${pointLabel(settings)}: ${(error as Error).message}`)
    }
  }
  const warmupRecords = setup.warmupRecords ?? defaultSweepWarmup(plan.numRecords)
  const text = setup.mode === 'text' || setup.mode === 'table'
  const tty = Boolean(process.stderr.isTTY)
  const points: SweepPoint[] = []
  const started = Date.now()
  const topicsReady = new Set<string>()
  for (let i = 0; i < grid.length; i++) {
    const settings = grid[i]!
    const label = pointLabel(settings)
    if (tty) {
      const done = Date.now() - started
      const eta = i > 0 ? formatDuration((done / i) * (grid.length - i)) : 'estimating'
      process.stderr.write(`\r\x1b[2K[${i + 1}/${grid.length}] ${label}  elapsed ${formatDuration(done)}, ETA ${eta}`)
    }
    const props = new Map(setup.props)
    for (const [k, v] of Object.entries(settings)) if (!SPECIAL_KEYS.has(k)) props.set(k, v)
    let topic = plan.topic
    if (settings.partitions !== undefined) {
      topic = `${plan.topic}-p${settings.partitions}`
      if (!topicsReady.has(topic)) {
        await ensureTopic(setup.clientOptions, topic, Number(settings.partitions))
        topicsReady.add(topic)
      }
    }
    const recordSize = settings['record.size'] !== undefined ? Number(settings['record.size']) : plan.recordSize
    const pointPlan: ProducePlan = {...plan, topic, recordSize}
    const result = await produceOnce(
      setup.clientOptions,
      props,
      pointPlan,
      {
        topic,
        numRecords: plan.numRecords + warmupRecords,
        throughput: plan.throughput,
        warmupRecords,
        reportingIntervalMs: 1 << 30,
        transactionDurationMs: plan.transactionDurationMs,
        printMetrics: false,
      },
      setup.workers,
      null,
    )
    const t = result.steadyState ?? result.total
    const point: SweepPoint = {
      settings,
      label,
      topic,
      recordSize,
      records: t.records,
      recordsPerSec: t.recordsPerSec,
      mbPerSec: t.mbPerSec,
      avgLatencyMs: t.avgLatencyMs,
      p50Ms: t.p50,
      p95Ms: t.p95,
      p99Ms: t.p99,
      p999Ms: t.p999,
      maxLatencyMs: t.maxLatencyMs,
      compressionRatio: result.compressionRatio,
      avgBatchBytes: result.avgBatchBytes,
      batches: result.batches,
    }
    points.push(point)
    if (text) {
      if (tty) process.stderr.write('\r\x1b[2K')
      io.out(`[${i + 1}/${grid.length}] ${label}`)
      io.out(totalLine({...t, steadyState: false}))
    }
  }
  if (tty) process.stderr.write('\r\x1b[2K')
  const {bestThroughput, bestLatency} = bestPoints(points)
  const dir = resolve(setup.outputDir)
  mkdirSync(dir, {recursive: true})
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')
  const base = join(dir, `perf-produce-sweep-${stamp}`)
  const files = {csv: `${base}.csv`, json: `${base}.json`, html: `${base}.html`}
  const result: SweepResult = {axes, numRecords: plan.numRecords, warmupRecords, points, bestThroughput, bestLatency, files}
  writeFileSync(files.csv, sweepCsv(axes, points))
  writeFileSync(files.json, `${JSON.stringify({...result, files: undefined, generatedAt: new Date().toISOString()}, null, 2)}\n`)
  writeFileSync(files.html, renderSweepHtml(result, {topic: plan.topic, recordSize: plan.recordSize, throughput: plan.throughput}))
  if (text) {
    const head = [...axes.map((a) => a.key), 'records/s', 'MB/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'compression']
    const rows = points.map((p) => [...axes.map((a) => p.settings[a.key] ?? ''), javaFixed(p.recordsPerSec, 1), javaFixed(p.mbPerSec, 2), p.p50Ms, p.p99Ms, p.p999Ms, javaFixed(p.compressionRatio, 3)])
    io.out('')
    io.out(await renderTable(head, rows))
    io.out(`Best throughput: ${bestThroughput.label} (${javaFixed(bestThroughput.recordsPerSec, 1)} records/sec, ${javaFixed(bestThroughput.mbPerSec, 2)} MB/sec, p99 ${bestThroughput.p99Ms} ms)`)
    io.out(`Best latency: ${bestLatency.label} (p99 ${bestLatency.p99Ms} ms, p50 ${bestLatency.p50Ms} ms, ${javaFixed(bestLatency.recordsPerSec, 1)} records/sec)`)
    io.out(`Wrote ${files.csv}`)
    io.out(`Wrote ${files.json}`)
    io.out(`Wrote ${files.html} (open it in a browser)`)
  } else {
    io.out(formatData(setup.mode as 'json' | 'yaml', result))
  }
  return result
}
