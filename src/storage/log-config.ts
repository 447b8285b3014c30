// The per-partition settings the storage engine reads, as plain numbers (the
// config layer keeps Kafka's longs as bigint; millisecond and byte values all
// fit a double, and Long.MAX_VALUE becomes ~9.22e18, which still compares as
// "never"). Names and defaults are Kafka's LogConfig; fromTopicConfig maps a
// topic's effective TopicConfig onto it.

import type {TopicConfig} from '../config/topic-config.js'

export type TimestampTypeName = 'CreateTime' | 'LogAppendTime'

export interface LogConfig {
  /** segment.bytes: roll when the active segment would grow past this. */
  segmentBytes: number
  /** segment.ms: roll when the active segment's first batch is this old (by record time). */
  segmentMs: number
  /** segment.jitter.ms: random jitter subtracted from segment.ms, per segment. */
  segmentJitterMs: number
  /** segment.index.bytes: preallocated size of .index/.timeindex files; a full index rolls the segment. */
  maxIndexSize: number
  /** index.interval.bytes: bytes of appended data between offset index entries. */
  indexIntervalBytes: number
  /** flush.messages: fsync once this many messages are unflushed. */
  flushMessages: number
  /** flush.ms: fsync when the last flush is this old (checked by the owner's periodic task). */
  flushMs: number
  /** retention.bytes: -1 = unlimited. */
  retentionBytes: number
  /** retention.ms: -1 = unlimited. */
  retentionMs: number
  /** max.message.bytes: the largest batch accepted. */
  maxMessageBytes: number
  /** file.delete.delay.ms (kept for fidelity; files are removed right after their rename). */
  fileDeleteDelayMs: number
  /** cleanup.policy: 'delete' and/or 'compact'. */
  cleanupPolicy: readonly string[]
  /** max.compaction.lag.ms: caps segment.ms for compacted topics, as Kafka does. */
  maxCompactionLagMs: number
  /** message.timestamp.type */
  messageTimestampType: TimestampTypeName
  /** message.timestamp.before.max.ms (CreateTime only) */
  messageTimestampBeforeMaxMs: number
  /** message.timestamp.after.max.ms (CreateTime only) */
  messageTimestampAfterMaxMs: number
}

const LONG_MAX = 9223372036854775807

/** Kafka's LogConfig defaults. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3_600_000,
  segmentJitterMs: 0,
  maxIndexSize: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  flushMessages: LONG_MAX,
  flushMs: LONG_MAX,
  retentionBytes: -1,
  retentionMs: 7 * 24 * 3_600_000,
  maxMessageBytes: 1024 * 1024 + 12,
  fileDeleteDelayMs: 60_000,
  cleanupPolicy: Object.freeze(['delete']),
  maxCompactionLagMs: LONG_MAX,
  messageTimestampType: 'CreateTime',
  messageTimestampBeforeMaxMs: LONG_MAX,
  messageTimestampAfterMaxMs: 3_600_000,
})

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return {...DEFAULT_LOG_CONFIG, ...overrides}
}

const num = (v: bigint | number): number => (typeof v === 'bigint' ? Number(v) : v)

/** The storage view of a topic's effective configuration. */
export function logConfigFromTopicConfig(tc: TopicConfig): LogConfig {
  const tsType = tc.get('message.timestamp.type')
  return {
    segmentBytes: num(tc.get('segment.bytes')),
    segmentMs: num(tc.get('segment.ms')),
    segmentJitterMs: num(tc.get('segment.jitter.ms')),
    maxIndexSize: num(tc.get('segment.index.bytes')),
    indexIntervalBytes: num(tc.get('index.interval.bytes')),
    flushMessages: num(tc.get('flush.messages')),
    flushMs: num(tc.get('flush.ms')),
    retentionBytes: num(tc.get('retention.bytes')),
    retentionMs: num(tc.get('retention.ms')),
    maxMessageBytes: num(tc.get('max.message.bytes')),
    fileDeleteDelayMs: num(tc.get('file.delete.delay.ms')),
    cleanupPolicy: tc.get('cleanup.policy').map((p) => p.trim().toLowerCase()),
    maxCompactionLagMs: num(tc.get('max.compaction.lag.ms')),
    messageTimestampType: tsType === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
    messageTimestampBeforeMaxMs: num(tc.get('message.timestamp.before.max.ms')),
    messageTimestampAfterMaxMs: num(tc.get('message.timestamp.after.max.ms')),
  }
}

export function isDeletePolicy(cfg: LogConfig): boolean {
  return cfg.cleanupPolicy.includes('delete')
}

export function isCompactPolicy(cfg: LogConfig): boolean {
  return cfg.cleanupPolicy.includes('compact')
}

/** Kafka's LogConfig.maxSegmentMs: compacted topics roll no later than max.compaction.lag.ms. */
export function maxSegmentMs(cfg: LogConfig): number {
  return isCompactPolicy(cfg) && cfg.maxCompactionLagMs > 0 ? Math.min(cfg.maxCompactionLagMs, cfg.segmentMs) : cfg.segmentMs
}

/** Kafka's LogConfig.randomSegmentJitter. */
export function randomSegmentJitter(cfg: LogConfig, random: () => number = Math.random): number {
  if (cfg.segmentJitterMs <= 0) return 0
  return Math.floor(random() * Math.min(cfg.segmentJitterMs, cfg.segmentMs))
}
