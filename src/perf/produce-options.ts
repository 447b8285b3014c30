// `perf produce` flags checked with Kafka's ProducerPerformance rules and
// messages, and turned into what the runner needs: the payload source, the
// producer properties (with Kafka's perf-tool defaults: client.id
// perf-producer-client) and the transaction settings.

import {randomUUID} from 'node:crypto'

import {UsageError} from '../cli/errors.js'
import {DEFAULT_TRANSACTION_DURATION_MS, DEFAULT_TRANSACTION_ID_PREFIX} from './produce.js'
import {MonotonicPayload, type PayloadSource, payloadDelimiter, RandomLettersPayload, readPayloadFile} from './payload.js'

export interface ProduceFlagValues {
  topic?: string
  'num-records'?: number
  'record-size'?: number
  'payload-file'?: string
  'payload-delimiter'?: string
  'payload-monotonic'?: boolean
  throughput?: number
  'producer-props'?: string[]
  'command-property'?: string[]
  'producer.config'?: string
  'command-config'?: string
  'print-metrics'?: boolean
  'transactional-id'?: string
  'transaction-duration-ms'?: number
  'warmup-records'?: number
  'reporting-interval'?: number
}

export interface ProducePlan {
  topic: string
  numRecords: number
  warmupRecords: number
  throughput: number
  reportingIntervalMs: number
  printMetrics: boolean
  /** Extra properties the flags imply (transactional.id, the default client.id). */
  impliedProperties: Map<string, string>
  transactionDurationMs: number | null
  /** Deprecation notices Kafka prints for old flag names. */
  notices: string[]
  recordSize: number | null
  payloadFile: string | null
  payloadDelimiter: string
  payloadMonotonic: boolean
}

export function checkProduceFlags(flags: ProduceFlagValues, properties: ReadonlyMap<string, string>): ProducePlan {
  if (flags.topic === undefined) throw new UsageError('argument --topic is required')
  if (flags['num-records'] === undefined) throw new UsageError('argument --num-records is required')
  if (flags.throughput === undefined) throw new UsageError('argument --throughput is required')
  const payloadFlags = [flags['record-size'] !== undefined, flags['payload-file'] !== undefined, Boolean(flags['payload-monotonic'])].filter(Boolean).length
  if (payloadFlags === 0) throw new UsageError('one of the arguments --record-size --payload-file --payload-monotonic is required')
  if (payloadFlags > 1) throw new UsageError('you must provide exactly one of --record-size, --payload-file or --payload-monotonic')
  const numRecords = flags['num-records']
  const warmupRecords = Math.max(flags['warmup-records'] ?? 0, 0)
  if (numRecords <= 0) throw new UsageError('--num-records should be greater than zero.')
  if (warmupRecords >= numRecords) throw new UsageError('The value for --warmup-records must be strictly fewer than the number of records in the test, --num-records.')
  if (flags['record-size'] !== undefined && flags['record-size'] <= 0) throw new UsageError('--record-size should be greater than zero.')
  if (flags['command-property'] !== undefined && flags['producer-props'] !== undefined) throw new UsageError('--command-property and --producer-props cannot be specified together.')
  if (flags['command-config'] !== undefined && flags['producer.config'] !== undefined) throw new UsageError('--command-config and --producer.config cannot be specified together.')
  const durationArg = flags['transaction-duration-ms']
  if (durationArg !== undefined && durationArg <= 0) throw new UsageError('--transaction-duration-ms should be greater than zero.')
  const reportingIntervalMs = flags['reporting-interval'] ?? 5000
  if (reportingIntervalMs <= 0) throw new UsageError('--reporting-interval should be greater than zero.')

  const notices: string[] = []
  if (flags['producer-props'] !== undefined) notices.push('Option --producer-props has been deprecated and will be removed in a future version. Use --command-property instead.')
  if (flags['producer.config'] !== undefined) notices.push('Option --producer.config has been deprecated and will be removed in a future version. Use --command-config instead.')

  const implied = new Map<string, string>()
  if (!properties.has('client.id')) implied.set('client.id', 'perf-producer-client')
  const txnIdArg = flags['transactional-id']
  const transactionsEnabled = durationArg !== undefined || txnIdArg !== undefined || properties.has('transactional.id')
  let transactionDurationMs: number | null = null
  if (transactionsEnabled) {
    implied.set('transactional.id', txnIdArg ?? properties.get('transactional.id') ?? `${DEFAULT_TRANSACTION_ID_PREFIX}${randomUUID()}`)
    transactionDurationMs = durationArg ?? DEFAULT_TRANSACTION_DURATION_MS
  }
  return {
    topic: flags.topic,
    numRecords,
    warmupRecords,
    throughput: flags.throughput,
    reportingIntervalMs,
    printMetrics: Boolean(flags['print-metrics']),
    impliedProperties: implied,
    transactionDurationMs,
    notices,
    recordSize: flags['record-size'] ?? null,
    payloadFile: flags['payload-file'] ?? null,
    payloadDelimiter: payloadDelimiter(flags['payload-delimiter'] ?? '\\n'),
    payloadMonotonic: Boolean(flags['payload-monotonic']),
  }
}

export type PayloadSpec = Pick<ProducePlan, 'recordSize' | 'payloadFile' | 'payloadDelimiter' | 'payloadMonotonic'>

/** The payload source a plan asks for (reads the payload file). */
export function payloadSource(plan: PayloadSpec, recordSize = plan.recordSize): PayloadSource {
  if (plan.payloadFile !== null) return readPayloadFile(plan.payloadFile, plan.payloadDelimiter)
  if (plan.payloadMonotonic) return new MonotonicPayload()
  return new RandomLettersPayload(recordSize!)
}
