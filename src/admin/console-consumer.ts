// kafka-console-consumer.sh: ConsoleConsumerOptions' rules between options,
// DefaultMessageFormatter's output (print.key, print.value, print.timestamp,
// print.partition, print.offset, print.headers, key.separator,
// line.separator, headers.separator, null.literal, deserializers), and
// tskafka's additions: --from-time/--to-time and lossless JSON output.

import {UsageError} from '../cli/errors.js'
import {type ConsumedRecord, recordToJson} from './record-json.js'

export interface ConsumerFlagValues {
  topic?: string
  include?: string
  partition?: number
  offset?: string
  'from-beginning'?: boolean
  'max-messages'?: number
  'timeout-ms'?: number
  group?: string
  'isolation-level'?: string
  'skip-message-on-error'?: boolean
  'from-time'?: string
  'to-time'?: string
  output?: string
}

export type StartPosition = {kind: 'earliest'} | {kind: 'latest'} | {kind: 'offset'; offset: bigint} | {kind: 'time'; timestamp: bigint}

export interface ConsumerPlan {
  topic?: string
  include?: RegExp
  partition?: number
  start: StartPosition
  /** Records with a timestamp after this are not read (ListOffsets bound per partition). */
  toTime?: bigint
  maxMessages: number
  timeoutMs: number
  group?: string
  isolationLevel: 0 | 1
  skipMessageOnError: boolean
  resetPolicy: 'earliest' | 'latest' | 'none'
  json: boolean
}

/** ConsoleConsumerOptions.checkRequiredArgs, checkConsumerGroup, parseOffset, plus the --from-time/--to-time rules. */
export function consumerPlan(flags: ConsumerFlagValues, props: ReadonlyMap<string, string>, now = Date.now()): ConsumerPlan {
  if (Number(flags.topic !== undefined) + Number(flags.include !== undefined) !== 1) throw new UsageError('Exactly one of --include/--topic is required.')
  const fromBeginning = Boolean(flags['from-beginning'])
  if (flags.partition !== undefined) {
    if (flags.topic === undefined) throw new UsageError('The topic is required when partition is specified.')
    if (fromBeginning && flags.offset !== undefined) throw new UsageError('Options from-beginning and offset cannot be specified together.')
  } else if (flags.offset !== undefined) {
    throw new UsageError('The partition is required when offset is specified.')
  }
  const groups = new Set<string>()
  if (flags.group !== undefined) groups.add(flags.group)
  if (props.has('group.id')) groups.add(props.get('group.id')!)
  if (groups.size > 1) {
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...groups].map((g) => `'${g}'`).join(', ')}`,
    )
  }
  const group = [...groups][0]
  if (group !== undefined && flags.partition !== undefined) throw new UsageError('Options group and partition cannot be specified together.')

  const reset = props.get('auto.offset.reset')
  if (reset !== undefined && fromBeginning && reset !== 'earliest') {
    throw new UsageError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`)
  }
  if (reset !== undefined && !['earliest', 'latest', 'none', 'by_duration'].includes(reset)) {
    throw new UsageError(`Invalid value ${reset} for configuration auto.offset.reset: Invalid value \`${reset}\` for configuration auto.offset.reset. The value must be either 'earliest', 'latest', 'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'.`)
  }
  const resetPolicy = (reset === 'earliest' || reset === 'none' ? reset : reset === 'latest' ? 'latest' : fromBeginning ? 'earliest' : 'latest') as ConsumerPlan['resetPolicy']

  let start: StartPosition = fromBeginning ? {kind: 'earliest'} : resetPolicy === 'earliest' ? {kind: 'earliest'} : {kind: 'latest'}
  if (flags.offset !== undefined) {
    const v = flags.offset.toLowerCase()
    if (v === 'earliest') start = {kind: 'earliest'}
    else if (v === 'latest') start = {kind: 'latest'}
    else if (/^\d+$/.test(flags.offset)) start = {kind: 'offset', offset: BigInt(flags.offset)}
    else throw new UsageError(`The provided offset value '${flags.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`)
  }
  if (flags['from-time'] !== undefined) {
    if (flags.offset !== undefined || fromBeginning) throw new UsageError('--from-time cannot be used with --offset or --from-beginning')
    if (group !== undefined) throw new UsageError('--from-time cannot be used with --group (the group\'s committed offsets decide where it starts)')
    start = {kind: 'time', timestamp: parseTime(flags['from-time'], '--from-time', now)}
  }
  let toTime: bigint | undefined
  if (flags['to-time'] !== undefined) {
    if (group !== undefined) throw new UsageError('--to-time cannot be used with --group')
    toTime = parseTime(flags['to-time'], '--to-time', now)
    if (start.kind === 'time' && toTime < start.timestamp) throw new UsageError('--to-time is before --from-time')
  }
  if (flags['max-messages'] !== undefined && flags['max-messages'] < 0) throw new UsageError('--max-messages must not be negative')
  const isolation = (flags['isolation-level'] ?? props.get('isolation.level') ?? 'read_uncommitted').toLowerCase()
  if (isolation !== 'read_uncommitted' && isolation !== 'read_committed') {
    throw new UsageError(`Invalid value ${isolation} for configuration isolation.level: String must be one of: read_committed, read_uncommitted`)
  }
  let include: RegExp | undefined
  if (flags.include !== undefined) {
    try {
      include = new RegExp(`^(?:${flags.include})$`, 'u')
    } catch {
      throw new UsageError(`--include ${flags.include} is not a valid regular expression`)
    }
  }
  const timeout = flags['timeout-ms']
  return {
    topic: flags.topic,
    include,
    partition: flags.partition,
    start,
    toTime,
    maxMessages: flags['max-messages'] ?? -1,
    timeoutMs: timeout !== undefined && timeout >= 0 ? timeout : Infinity,
    group,
    isolationLevel: isolation === 'read_committed' ? 1 : 0,
    skipMessageOnError: Boolean(flags['skip-message-on-error']),
    resetPolicy,
    json: flags.output === 'json',
  }
}

const UNITS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/**
 * A point in time: 'now', a relative offset from now ('-1h', '-30m', '-2d', '+5m',
 * '-1h30m'), epoch milliseconds, or an ISO-8601 date/time (UTC when no zone is given).
 */
export function parseTime(text: string, flag: string, now = Date.now()): bigint {
  const t = text.trim()
  if (t === 'now') return BigInt(now)
  if (/^\d+$/.test(t)) return BigInt(t)
  const rel = /^([+-])((?:\d+(?:ms|s|m|h|d|w))+)$/.exec(t)
  if (rel) {
    let ms = 0
    for (const [, n, unit] of rel[2]!.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) ms += Number(n) * UNITS[unit!]!
    return BigInt(rel[1] === '-' ? now - ms : now + ms)
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(t) || !t.includes('T') ? t : `${t}Z`
    const ms = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso)
    if (!Number.isNaN(ms)) return BigInt(ms)
  }
  throw new UsageError(`invalid ${flag} '${text}': use an ISO time (2024-05-01T12:00:00Z), epoch milliseconds, 'now' or a relative time like -1h, -30m, -2d`)
}

// ------------------------------------------------------------------ formatter

type Deserializer = (bytes: Buffer) => Buffer

const DESERIALIZERS: Record<string, Deserializer> = {
  StringDeserializer: (b) => Buffer.from(b.toString('utf8'), 'utf8'),
  ByteArrayDeserializer: (b) => b,
  BytesDeserializer: (b) => b,
  ByteBufferDeserializer: (b) => b,
  IntegerDeserializer: (b) => fixed(b, 4, 'IntegerDeserializer', () => String(b.readInt32BE(0))),
  LongDeserializer: (b) => fixed(b, 8, 'LongDeserializer', () => String(b.readBigInt64BE(0))),
  ShortDeserializer: (b) => fixed(b, 2, 'ShortDeserializer', () => String(b.readInt16BE(0))),
  FloatDeserializer: (b) => fixed(b, 4, 'FloatDeserializer', () => javaDouble(b.readFloatBE(0), true)),
  DoubleDeserializer: (b) => fixed(b, 8, 'DoubleDeserializer', () => javaDouble(b.readDoubleBE(0), false)),
  BooleanDeserializer: (b) => fixed(b, 1, 'BooleanDeserializer', () => String(b[0] !== 0)),
  UUIDDeserializer: (b) => Buffer.from(b.toString('utf8'), 'utf8'),
  VoidDeserializer: (b) => {
    if (b.length > 0) throw new Error('Data should be null for a VoidDeserializer.')
    return Buffer.from('null')
  },
}

function fixed(b: Buffer, size: number, name: string, f: () => string): Buffer {
  if (b.length !== size) throw new Error(`Size of data received by ${name} is not ${size}`)
  return Buffer.from(f(), 'utf8')
}

function javaDouble(v: number, float: boolean): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
  const s = float ? String(Math.fround(v)) : String(v)
  return Number.isInteger(v) && !s.includes('e') ? `${s}.0` : s
}

export function deserializerFor(className: string, option: string): Deserializer {
  const simple = className.split('.').pop()!
  const d = DESERIALIZERS[simple]
  if (!d) throw new UsageError(`${option} ${className} is not supported; use one of org.apache.kafka.common.serialization.{${Object.keys(DESERIALIZERS).join(',')}}`)
  return d
}

export interface FormatterConfig {
  printTimestamp: boolean
  printKey: boolean
  printValue: boolean
  printPartition: boolean
  printOffset: boolean
  printEpoch: boolean
  printHeaders: boolean
  keySeparator: Buffer
  lineSeparator: Buffer
  headersSeparator: Buffer
  nullLiteral: Buffer
  keyDeserializer?: Deserializer
  valueDeserializer?: Deserializer
  headersDeserializer?: Deserializer
}

const bool = (v: string) => v.trim().toLowerCase() === 'true'

/** DefaultMessageFormatter.configure. */
export function formatterConfig(props: ReadonlyMap<string, string>): FormatterConfig {
  const bytes = (k: string, d: string) => Buffer.from(props.get(k) ?? d, 'utf8')
  const flag = (k: string, d: boolean) => (props.has(k) ? bool(props.get(k)!) : d)
  const deser = (k: string) => (props.has(k) ? deserializerFor(props.get(k)!, k) : undefined)
  return {
    printTimestamp: flag('print.timestamp', false),
    printKey: flag('print.key', false),
    printValue: flag('print.value', true),
    printPartition: flag('print.partition', false),
    printOffset: flag('print.offset', false),
    printEpoch: flag('print.epoch', false),
    printHeaders: flag('print.headers', false),
    keySeparator: bytes('key.separator', '\t'),
    lineSeparator: bytes('line.separator', '\n'),
    headersSeparator: bytes('headers.separator', ','),
    nullLiteral: bytes('null.literal', 'null'),
    keyDeserializer: deser('key.deserializer'),
    valueDeserializer: deser('value.deserializer'),
    headersDeserializer: deser('headers.deserializer'),
  }
}

/** DefaultMessageFormatter.writeTo: the bytes Kafka's console consumer prints for one record. */
export function formatRecord(r: ConsumedRecord, c: FormatterConfig): Buffer {
  const parts: Buffer[] = []
  const text = (s: string) => parts.push(Buffer.from(s, 'utf8'))
  const sep = (column: boolean) => parts.push(column ? c.keySeparator : c.lineSeparator)
  const value = (b: Buffer | null, d?: Deserializer) => {
    const nonNull = b ?? c.nullLiteral
    return d ? d(nonNull) : nonNull
  }
  if (c.printTimestamp) {
    text(r.timestampType === 'NoTimestampType' ? 'NO_TIMESTAMP' : `${r.timestampType}:${r.timestamp}`)
    sep(c.printPartition || c.printOffset || c.printEpoch || c.printHeaders || c.printKey || c.printValue)
  }
  if (c.printPartition) {
    text(`Partition:${r.partition}`)
    sep(c.printOffset || c.printEpoch || c.printHeaders || c.printKey || c.printValue)
  }
  if (c.printOffset) {
    text(`Offset:${r.offset}`)
    sep(c.printEpoch || c.printHeaders || c.printKey || c.printValue)
  }
  if (c.printEpoch) {
    text(`Epoch:${r.leaderEpoch >= 0 ? r.leaderEpoch : 'NOT_PRESENT'}`)
    sep(c.printHeaders || c.printKey || c.printValue)
  }
  if (c.printHeaders) {
    if (r.headers.length === 0) text('NO_HEADERS')
    r.headers.forEach((h, i) => {
      text(`${h.key}:`)
      parts.push(value(h.value, c.headersDeserializer))
      if (i < r.headers.length - 1) parts.push(c.headersSeparator)
    })
    sep(c.printKey || c.printValue)
  }
  if (c.printKey) {
    parts.push(value(r.key, c.keyDeserializer))
    sep(c.printValue)
  }
  if (c.printValue) {
    parts.push(value(r.value, c.valueDeserializer))
    parts.push(c.lineSeparator)
  }
  return Buffer.concat(parts)
}

export function jsonLine(r: ConsumedRecord): Buffer {
  return Buffer.from(`${recordToJson(r)}\n`, 'utf8')
}
