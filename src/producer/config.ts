// The producer settings this client honours, by Kafka's names and with Kafka
// 4's defaults (ProducerConfig), parsed and checked as Kafka does: a bad value
// is rejected with Kafka's message ("Invalid value x for configuration
// linger.ms: Not a number of type LONG"), and the idempotence rules follow
// KafkaProducer's: idempotence is on by default, switched off quietly when
// other settings conflict with it and it was not asked for, and an error when
// it was asked for (or a transactional.id needs it).

import {ConfigError, invalidValue, parseValue, Range, type Validator} from '../config/config-def.js'
import {COMPRESSION_NAMES, Compression} from '../protocol/compression.js'

export interface ProducerConfig {
  clientId: string
  /** 0, 1 or -1 (all). */
  acks: 0 | 1 | -1
  batchSize: number
  lingerMs: number
  bufferMemory: number
  /** Codec id (Compression.*). */
  compression: number
  /** Level passed to the codec; undefined for the codec's default. */
  compressionLevel: number | undefined
  maxInFlight: number
  idempotence: boolean
  retries: number
  retryBackoffMs: number
  retryBackoffMaxMs: number
  maxRequestSize: number
  requestTimeoutMs: number
  deliveryTimeoutMs: number
  maxBlockMs: number
  transactionalId: string | null
  transactionTimeoutMs: number
  partitionerIgnoreKeys: boolean
  partitionerAdaptive: boolean
  metadataMaxAgeMs: number
}

/** Producer configs Kafka knows but this client does not act on (accepted quietly). */
const KNOWN_IGNORED = new Set([
  'bootstrap.servers', 'key.serializer', 'value.serializer', 'client.dns.lookup', 'send.buffer.bytes', 'receive.buffer.bytes',
  'reconnect.backoff.ms', 'reconnect.backoff.max.ms', 'connections.max.idle.ms', 'metadata.max.idle.ms', 'metrics.sample.window.ms',
  'metrics.num.samples', 'metrics.recording.level', 'metric.reporters', 'interceptor.classes', 'partitioner.class',
  'partitioner.availability.timeout.ms', 'enable.metrics.push', 'socket.connection.setup.timeout.ms', 'socket.connection.setup.timeout.max.ms',
  'security.protocol', 'security.providers', 'sasl.mechanism', 'sasl.jaas.config', 'client.rack', 'auto.include.jmx.reporter',
])
const PREFIXES_IGNORED = ['ssl.', 'sasl.']

function intOf(props: Map<string, string>, name: string, dflt: number, validator?: Validator, type: 'int' | 'long' = 'int'): number {
  const raw = props.get(name)
  if (raw === undefined) return dflt
  const v = type === 'long' ? Number(parseValue(name, raw, 'long')) : parseValue(name, raw, 'int')
  validator?.ensureValid(name, v, type)
  return v
}

function boolOf(props: Map<string, string>, name: string, dflt: boolean): boolean {
  const raw = props.get(name)
  return raw === undefined ? dflt : parseValue(name, raw, 'boolean')
}

export const DEFAULT_CLIENT_ID = 'producer-1'

/**
 * ProducerConfig from client properties. Returns the config and the keys no
 * producer config matches (Kafka logs those as "supplied but not used").
 */
export function producerConfig(props: Map<string, string>, defaultClientId = DEFAULT_CLIENT_ID): {config: ProducerConfig; unknown: string[]} {
  const unknown: string[] = []
  const acksRaw = (props.get('acks') ?? 'all').trim()
  let acks: 0 | 1 | -1
  if (acksRaw === 'all' || acksRaw === '-1') acks = -1
  else if (acksRaw === '0') acks = 0
  else if (acksRaw === '1') acks = 1
  else throw invalidValue('acks', acksRaw, 'String must be one of: all, -1, 0, 1')

  const compressionRaw = (props.get('compression.type') ?? 'none').trim()
  const compression = (COMPRESSION_NAMES as readonly string[]).indexOf(compressionRaw)
  if (compression < 0) throw invalidValue('compression.type', compressionRaw, `String must be one of: ${COMPRESSION_NAMES.join(', ')}`)
  let compressionLevel: number | undefined
  if (compression === Compression.GZIP) {
    const level = intOf(props, 'compression.gzip.level', -1)
    if (level > 9 || (level < 1 && level !== -1)) throw invalidValue('compression.gzip.level', level, 'Value must be between 1 and 9 or equal to -1')
    compressionLevel = level === -1 ? undefined : level
  } else if (compression === Compression.ZSTD) {
    compressionLevel = intOf(props, 'compression.zstd.level', 3, Range.between(-131072, 22))
  } else if (compression === Compression.LZ4) {
    // lz4-napi has one level; the setting is checked but has no effect.
    intOf(props, 'compression.lz4.level', 9, Range.between(1, 17))
  }

  const lingerMs = intOf(props, 'linger.ms', 5, Range.atLeast(0), 'long')
  const requestTimeoutMs = intOf(props, 'request.timeout.ms', 30_000, Range.atLeast(0))
  const deliveryTimeoutMs = intOf(props, 'delivery.timeout.ms', 120_000, Range.atLeast(0))
  const maxInFlight = intOf(props, 'max.in.flight.requests.per.connection', 5, Range.atLeast(1))
  const retries = intOf(props, 'retries', 2147483647, Range.between(0, 2147483647))
  const transactionalId = props.get('transactional.id')?.trim() || null

  // KafkaProducer: idempotence defaults to true, but only when the user did
  // not set it does a conflicting setting switch it off instead of failing.
  const idempotenceExplicit = props.has('enable.idempotence')
  let idempotence = boolOf(props, 'enable.idempotence', true)
  if (idempotence) {
    const conflicts: string[] = []
    if (maxInFlight > 5) conflicts.push('Must set max.in.flight.requests.per.connection to at most 5 when using the idempotent producer.')
    if (retries === 0) conflicts.push('Must set retries to non-zero when using the idempotent producer.')
    if (acks !== -1) conflicts.push('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.')
    if (conflicts.length > 0) {
      if (idempotenceExplicit || transactionalId !== null) throw new ConfigError(conflicts[0]!)
      idempotence = false
    }
  }
  if (transactionalId !== null && !idempotence) {
    throw new ConfigError('Cannot set a transactional.id without also enabling idempotence.')
  }
  if (deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
    if (props.has('delivery.timeout.ms')) {
      throw new ConfigError(`delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms`)
    }
  }

  const config: ProducerConfig = {
    clientId: props.get('client.id') ?? defaultClientId,
    acks,
    batchSize: intOf(props, 'batch.size', 16384, Range.atLeast(0)),
    lingerMs,
    bufferMemory: intOf(props, 'buffer.memory', 33554432, Range.atLeast(0), 'long'),
    compression,
    compressionLevel,
    maxInFlight,
    idempotence,
    retries,
    retryBackoffMs: intOf(props, 'retry.backoff.ms', 100, Range.atLeast(0), 'long'),
    retryBackoffMaxMs: intOf(props, 'retry.backoff.max.ms', 1000, Range.atLeast(0), 'long'),
    maxRequestSize: intOf(props, 'max.request.size', 1048576, Range.atLeast(0)),
    requestTimeoutMs,
    deliveryTimeoutMs: Math.max(deliveryTimeoutMs, lingerMs + requestTimeoutMs),
    maxBlockMs: intOf(props, 'max.block.ms', 60_000, Range.atLeast(0), 'long'),
    transactionalId,
    transactionTimeoutMs: intOf(props, 'transaction.timeout.ms', 60_000),
    partitionerIgnoreKeys: boolOf(props, 'partitioner.ignore.keys', false),
    partitionerAdaptive: boolOf(props, 'partitioner.adaptive.partitioning.enable', true),
    metadataMaxAgeMs: intOf(props, 'metadata.max.age.ms', 300_000, Range.atLeast(0), 'long'),
  }
  const used = new Set([
    'acks', 'compression.type', 'compression.gzip.level', 'compression.zstd.level', 'compression.lz4.level', 'linger.ms',
    'request.timeout.ms', 'delivery.timeout.ms', 'max.in.flight.requests.per.connection', 'retries', 'transactional.id',
    'enable.idempotence', 'client.id', 'batch.size', 'buffer.memory', 'retry.backoff.ms', 'retry.backoff.max.ms', 'max.request.size',
    'max.block.ms', 'transaction.timeout.ms', 'partitioner.ignore.keys', 'partitioner.adaptive.partitioning.enable', 'metadata.max.age.ms',
  ])
  for (const key of props.keys()) {
    if (used.has(key) || KNOWN_IGNORED.has(key) || PREFIXES_IGNORED.some((p) => key.startsWith(p))) continue
    unknown.push(key)
  }
  return {config, unknown}
}
