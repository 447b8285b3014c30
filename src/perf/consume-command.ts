// The body of `tskafka perf consume`: ConsumerPerformance's option rules,
// then the run, printed as Kafka's CSV or, with --output json, as data.

import type {ClientOptions} from '../client/client.js'
import {UsageError} from '../cli/errors.js'
import {formatData, type OutputMode} from '../cli/output.js'
import {type ConsumePerfOptions, runConsumePerf} from './consume.js'
import {simpleDateFormat} from './format.js'
import type {CommandIo} from './produce-command.js'

export interface PerfConsumeFlags {
  topic?: string
  include?: string
  group?: string
  'fetch-size'?: number
  'from-latest'?: boolean
  'consumer.config'?: string
  'command-config'?: string
  'command-property'?: string[]
  'print-metrics'?: boolean
  'show-detailed-stats'?: boolean
  timeout?: number
  messages?: number
  'num-records'?: number
  'reporting-interval'?: number
  'date-format'?: string
  'hide-header'?: boolean
}

export function checkConsumeFlags(flags: PerfConsumeFlags, properties: ReadonlyMap<string, string>): {options: ConsumePerfOptions; notices: string[]} {
  const notices: string[] = []
  if (flags.messages !== undefined) notices.push('Warning: --messages is deprecated. Use --num-records instead.')
  if (flags['consumer.config'] !== undefined) notices.push('Warning: --consumer.config is deprecated. Use --command-config instead.')
  if (flags['consumer.config'] !== undefined && flags['command-config'] !== undefined) throw new UsageError('--consumer.config and --command-config cannot be specified together.')
  const numMessages = flags['num-records'] ?? flags.messages
  if (numMessages === undefined) throw new UsageError('Missing required argument "[num-records]"')
  if ((flags.topic === undefined) === (flags.include === undefined)) throw new UsageError('Exactly one of the following arguments is required: topic, include')
  const reportingIntervalMs = flags['reporting-interval'] ?? 5000
  if (reportingIntervalMs <= 0) throw new UsageError('Reporting interval must be greater than 0.')
  let include: RegExp | null = null
  if (flags.include !== undefined) {
    try {
      include = new RegExp(`^(?:${flags.include})$`)
    } catch (error) {
      throw new UsageError(`invalid --include pattern ${flags.include}: ${(error as Error).message}`)
    }
  }
  const dateFormat = flags['date-format'] ?? 'yyyy-MM-dd HH:mm:ss:SSS'
  try {
    simpleDateFormat(0, dateFormat)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const props = new Map(properties)
  if (!props.has('client.id')) props.set('client.id', 'perf-consumer-client')
  const group = flags.group ?? props.get('group.id') ?? `perf-consumer-${Math.floor(Math.random() * 100000)}`
  return {
    notices,
    options: {
      topics: flags.topic !== undefined ? [flags.topic] : null,
      include,
      numMessages,
      groupId: group,
      fetchSize: flags['fetch-size'] ?? 1048576,
      fromLatest: Boolean(flags['from-latest']),
      timeoutMs: flags.timeout ?? 10000,
      showDetailedStats: Boolean(flags['show-detailed-stats']),
      reportingIntervalMs,
      hideHeader: Boolean(flags['hide-header']),
      dateFormat,
      printMetrics: Boolean(flags['print-metrics']),
      properties: props,
    },
  }
}

export async function runPerfConsumeCommand(flags: PerfConsumeFlags, properties: ReadonlyMap<string, string>, clientOptions: ClientOptions, mode: OutputMode, io: CommandIo): Promise<void> {
  const {options, notices} = checkConsumeFlags(flags, properties)
  const text = mode === 'text' || mode === 'table'
  for (const n of notices) (text ? io.out : io.err)(n)
  const result = await runConsumePerf(clientOptions, options, text ? io.out : null)
  if (!text) {
    io.out(
      formatData(mode as 'json' | 'yaml', {
        group: options.groupId,
        startTime: simpleDateFormat(result.startMs, options.dateFormat),
        endTime: simpleDateFormat(result.endMs, options.dateFormat),
        dataConsumedMB: result.mb,
        mbPerSec: result.mbPerSec,
        dataConsumedRecords: result.records,
        recordsPerSec: result.nMsgPerSec,
        rebalanceTimeMs: result.rebalanceTimeMs,
        fetchTimeMs: result.fetchTimeMs,
        fetchMbPerSec: result.fetchMbPerSec,
        fetchRecordsPerSec: result.fetchNMsgPerSec,
        timedOut: result.timedOut,
      }),
    )
  }
}
