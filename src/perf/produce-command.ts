// The body of `tskafka perf produce`: checks the flags (Kafka's rules), then
// runs once (in this process or in --workers processes) or sweeps a grid of
// settings, and prints Kafka's lines or, with --output json, the same
// figures as one JSON document.

import type {ClientOptions} from '../client/client.js'
import {ClientConfigError} from '../client/errors.js'
import {ConfigError} from '../config/config-def.js'
import {CommandError, UsageError} from '../cli/errors.js'
import {formatData, type OutputMode} from '../cli/output.js'
import {producerConfig} from '../producer/config.js'
import {PayloadError} from './payload.js'
import {checkProduceFlags, payloadSource, type ProduceFlagValues, type ProducePlan} from './produce-options.js'
import {type ProducePerfOptions, type ProducePerfResult, runProducePerf} from './produce.js'

export interface PerfProduceFlags extends Omit<ProduceFlagValues, 'throughput'> {
  throughput?: string | number
  sweep?: string[]
  'sweep-warmup-records'?: number
  'output-dir'?: string
  workers?: number
}

export interface CommandIo {
  out(text: string): void
  err(text: string): void
  onCleanup(fn: () => unknown): void
}

export function parseThroughput(raw: string | number | undefined): number | undefined {
  if (raw === undefined || typeof raw === 'number') return raw
  const n = Number(raw.trim())
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`argument --throughput: could not convert '${raw}' to Double`)
  return n
}

/** The properties a run uses: connection properties, then what the flags imply. */
export function runProperties(properties: ReadonlyMap<string, string>, plan: ProducePlan): Map<string, string> {
  const props = new Map(properties)
  for (const [k, v] of plan.impliedProperties) props.set(k, v)
  return props
}

export function resultData(plan: Pick<ProducePlan, 'topic'>, result: ProducePerfResult, props: ReadonlyMap<string, string>): Record<string, unknown> {
  const totals = (t: ProducePerfResult['total']) => ({
    records: t.records,
    recordsPerSec: t.recordsPerSec,
    mbPerSec: t.mbPerSec,
    avgLatencyMs: t.avgLatencyMs,
    maxLatencyMs: t.maxLatencyMs,
    p50Ms: t.p50,
    p95Ms: t.p95,
    p99Ms: t.p99,
    p999Ms: t.p999,
    elapsedMs: t.elapsedMs,
    bytes: t.bytes,
  })
  return {
    topic: plan.topic,
    properties: Object.fromEntries([...props].filter(([k]) => !/password|jaas/i.test(k))),
    ...totals(result.total),
    steadyState: result.steadyState ? totals(result.steadyState) : null,
    batches: result.batches,
    avgBatchBytes: result.avgBatchBytes,
    compressionRatio: result.compressionRatio,
    windows: result.windows,
    metrics: Object.fromEntries(result.metrics.map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
  }
}

/** One measured run, in this process or spread over worker processes. */
export async function produceOnce(
  clientOptions: ClientOptions,
  props: Map<string, string>,
  plan: ProducePlan,
  options: Omit<ProducePerfOptions, 'payload'>,
  workers: number,
  line: ((text: string) => void) | null,
): Promise<ProducePerfResult> {
  const {config, unknown} = producerConfig(props, 'perf-producer-client')
  void unknown
  if (workers > 1) {
    const {runProduceWorkers} = await import('./workers.js')
    return runProduceWorkers(workers, clientOptions, props, options, plan, line)
  }
  const payload = payloadSource(plan)
  for (const b of payload.banner) line?.(b)
  return runProducePerf(clientOptions, config, {...options, payload}, {line})
}

export async function runPerfProduceCommand(flags: PerfProduceFlags, properties: ReadonlyMap<string, string>, clientOptions: ClientOptions, mode: OutputMode, io: CommandIo): Promise<void> {
  const plan = checkProduceFlags({...flags, throughput: parseThroughput(flags.throughput)} as ProduceFlagValues, properties)
  const text = mode === 'text' || mode === 'table'
  for (const n of plan.notices) (text ? io.out : io.err)(n)
  const props = runProperties(properties, plan)
  try {
    const {unknown} = producerConfig(props, 'perf-producer-client')
    if (unknown.length > 0) io.err(`WARN These configurations '[${unknown.join(', ')}]' were supplied but are not used yet.`)
    if (flags.sweep !== undefined && flags.sweep.length > 0) {
      const {runSweep} = await import('./sweep.js')
      await runSweep({plan, props, clientOptions, sweeps: flags.sweep, workers: flags.workers ?? 1, warmupRecords: flags['sweep-warmup-records'], outputDir: flags['output-dir'] ?? process.cwd(), mode}, io)
      return
    }
    const options: Omit<ProducePerfOptions, 'payload'> = {
      topic: plan.topic,
      numRecords: plan.numRecords,
      throughput: plan.throughput,
      warmupRecords: plan.warmupRecords,
      reportingIntervalMs: plan.reportingIntervalMs,
      transactionDurationMs: plan.transactionDurationMs,
      printMetrics: plan.printMetrics,
    }
    const result = await produceOnce(clientOptions, props, plan, options, flags.workers ?? 1, text ? io.out : null)
    if (!text) io.out(formatData(mode as 'json' | 'yaml', resultData(plan, result, props)))
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PayloadError) throw new ClientConfigError(error.message)
    if (error instanceof Error && error.name === 'ProducerError') throw new CommandError(error.message)
    if (error instanceof Error && error.name === 'WorkerError') throw new CommandError(error.message)
    throw error
  }
}
