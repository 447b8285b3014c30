// Topic-level configs (Kafka 4.x LogConfig) and how they fall back to broker
// configs: a topic override wins; otherwise the value comes from the broker's
// synonym (retention.ms <- log.retention.ms / .minutes / .hours, max.message.bytes
// <- message.max.bytes, ...), converted to the topic's unit. The synonym
// chains follow ServerTopicConfigSynonyms, so DescribeConfigs can list
// sources and synonyms exactly as Kafka does.

import {BROKER_CONFIG_DEFS, BROKER_COMPRESSION_TYPES, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_RETENTION_MS, DEFAULT_SEGMENT_BYTES, DEFAULT_SEGMENT_MS, LONG_MAX, type BrokerConfigName} from './broker-config-defs.js'
import type {BrokerConfig, ConfigSource} from './broker-config.js'
import {
  ConfigError,
  define,
  defineConfigs,
  gzipLevelValidator,
  lambdaValidator,
  parseAndValidate,
  Range,
  validList,
  validString,
  valueToString,
  type AnyConfigDefinition,
  type DefinitionValue,
} from './config-def.js'

const {atLeast, between} = Range

const THROTTLED_REPLICAS_RE = /^\s*\d+\s*:\s*\d+\s*$/
const throttledReplicaList = lambdaValidator('[partitionId]:[brokerId],[partitionId]:[brokerId],...', (v) => {
  const list = v as string[]
  const ok = (list.length === 1 && list[0]!.trim() === '*') || list.every((e) => THROTTLED_REPLICAS_RE.test(e))
  return ok
    ? null
    : "must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."
})

export const TOPIC_CONFIG_DEFS = defineConfigs({
  'segment.bytes': define.int(DEFAULT_SEGMENT_BYTES, 'medium',
    'This configuration controls the segment file size for the log. Retention and cleaning is always done a file at a time so a larger segment size means fewer files but less granular control over retention.',
    {validator: atLeast(1024 * 1024)}),
  'segment.ms': define.long(DEFAULT_SEGMENT_MS, 'medium',
    "This configuration controls the period of time after which Kafka will force the log to roll even if the segment file isn't full to ensure that retention can delete or compact old data.",
    {validator: atLeast(1)}),
  'segment.jitter.ms': define.long(0n, 'medium',
    'The maximum random jitter subtracted from the scheduled segment roll time to avoid thundering herds of segment rolling',
    {validator: atLeast(0)}),
  'segment.index.bytes': define.int(10 * 1024 * 1024, 'medium',
    'This configuration controls the size of the index that maps offsets to file positions. We preallocate this index file and shrink it only after log rolls. You generally should not need to change this setting.',
    {validator: atLeast(4)}),
  'flush.messages': define.long(LONG_MAX, 'medium',
    "This setting allows specifying an interval at which we will force an fsync of data written to the log. For example if this was set to 1 we would fsync after every message; if it were 5 we would fsync after every five messages. In general we recommend you not set this and use replication for durability and allow the operating system's background flush capabilities as it is more efficient. This setting can be overridden on a per-topic basis (see <a href=\"#topicconfigs\">the per-topic configuration section</a>).",
    {validator: atLeast(1)}),
  'flush.ms': define.long(LONG_MAX, 'medium',
    'This setting allows specifying a time interval at which we will force an fsync of data written to the log. For example if this was set to 1000 we would fsync after 1000 ms had passed. Note that this setting depends on the broker-level configuration <code>log.flush.scheduler.interval.ms</code>, which controls how frequently the flush check occurs. In general we recommend you not set this and use replication for durability and allow the operating system\'s background flush capabilities as it is more efficient.',
    {validator: atLeast(0)}),
  'retention.bytes': define.long(-1n, 'medium',
    'This configuration controls the maximum size a partition (which consists of log segments) can grow to before we will discard old log segments to free up space if we are using the "delete" retention policy. By default there is no size limit only a time limit. Since this limit is enforced at the partition level, multiply it by the number of partitions to compute the topic retention in bytes. Additionally, retention.bytes configuration operates independently of "segment.ms" and "segment.bytes" configurations. Moreover, it triggers the rolling of new segment if the retention.bytes is configured to zero.'),
  'retention.ms': define.long(DEFAULT_RETENTION_MS, 'medium',
    'This configuration controls the maximum time we will retain a log before we will discard old log segments to free up space if we are using the "delete" retention policy. This represents an SLA on how soon consumers must read their data. If set to -1, no time limit is applied. Additionally, retention.ms configuration operates independently of "segment.ms" and "segment.bytes" configurations. Moreover, it triggers the rolling of new segment if the retention.ms condition is satisfied.',
    {validator: atLeast(-1)}),
  'max.message.bytes': define.int(DEFAULT_MAX_MESSAGE_BYTES, 'medium',
    'The largest record batch size allowed by Kafka (after compression if compression is enabled).',
    {validator: atLeast(0)}),
  'index.interval.bytes': define.int(4096, 'medium',
    'This setting controls how frequently Kafka adds entries to its offset index and, conditionally, to its time index. The default setting ensures that we index a message roughly every 4096 bytes. More frequent indexing allows reads to jump closer to the exact position in the log but results in larger index files. You probably don\'t need to change this.<p> Note: the time index will be inserted only when the timestamp is greater than the last indexed timestamp.</p>',
    {validator: atLeast(0)}),
  'delete.retention.ms': define.long(24n * 3_600_000n, 'medium',
    'The amount of time to retain delete tombstone markers for <a href="#compaction">log compacted</a> topics. This setting also gives a bound on the time in which a consumer must complete a read if they begin from offset 0 to ensure that they get a valid snapshot of the final stage (otherwise delete tombstones may be collected before they complete their scan).',
    {validator: atLeast(0)}),
  'min.compaction.lag.ms': define.long(0n, 'medium',
    'The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted.',
    {validator: atLeast(0)}),
  'max.compaction.lag.ms': define.long(LONG_MAX, 'medium',
    'The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted.',
    {validator: atLeast(1)}),
  'file.delete.delay.ms': define.long(60000n, 'medium', 'The time to wait before deleting a file from the filesystem',
    {validator: atLeast(0)}),
  'min.cleanable.dirty.ratio': define.double(0.5, 'medium',
    'This configuration controls how frequently the log compactor will attempt to clean the log (assuming <a href="#compaction">log compaction</a> is enabled). By default we will avoid cleaning a log where more than 50% of the log has been compacted. This ratio bounds the maximum space wasted in the log by duplicates (at 50% at most 50% of the log could be duplicates). A higher ratio will mean fewer, more efficient cleanings but will mean more wasted space in the log. If the max.compaction.lag.ms or the min.compaction.lag.ms configurations are also specified, then the log compactor considers the log to be eligible for compaction as soon as either: (i) the dirty ratio threshold has been met and the log has had dirty (uncompacted) records for at least the min.compaction.lag.ms duration, or (ii) if the log has had dirty (uncompacted) records for at most the max.compaction.lag.ms period.',
    {validator: between(0, 1)}),
  'cleanup.policy': define.list(['delete'], 'medium',
    'This config designates the retention policy to use on log segments. The "delete" policy (which is the default) will discard old segments when their retention time or size limit has been reached. The "compact" policy will enable <a href="#compaction">log compaction</a>, which retains the latest value for each key. It is also possible to specify both policies in a comma-separated list (e.g. "delete,compact"). In this case, old segments will be discarded per the retention time and size configuration, while retained segments will be compacted. An empty list means infinite retention - no cleanup policies will be applied and log segments will be retained indefinitely. Note that with remote storage enabled, local retention limits (log.local.retention.ms and log.local.retention.bytes) are still applied to local segments.',
    {validator: validList('compact', 'delete')}),
  'unclean.leader.election.enable': define.boolean(false, 'medium',
    'Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss.<p>Note: In KRaft mode, when enabling this config dynamically, it needs to wait for the unclean leader electionthread to trigger election periodically (default is 5 minutes). Please run <code>kafka-leader-election.sh</code> with <code>unclean</code> option to trigger the unclean leader election immediately if needed.</p>'),
  'min.insync.replicas': define.int(1, 'medium',
    'Specifies the <i>minimum</i> number of in-sync replicas (including the leader) required for a write to succeed when a producer sets <code>acks</code> to "all" (or "-1"). In the <code>acks=all</code> case, every in-sync replica must acknowledge a write for it to be considered successful. E.g., if a topic has <code>replication.factor</code> of 3 and the ISR set includes all three replicas, then all three replicas must acknowledge an <code>acks=all</code> write for it to succeed, even if <code>min.insync.replicas</code> happens to be less than 3. If <code>acks=all</code> and the current ISR set contains fewer than <code>min.insync.replicas</code> members, then the producer will raise an exception (either <code>NotEnoughReplicas</code> or <code>NotEnoughReplicasAfterAppend</code>).<br> Regardless of the <code>acks</code> setting, the messages will not be visible to the consumers until they are replicated to all in-sync replicas and the <code>min.insync.replicas</code> condition is met.<br> When used together, <code>min.insync.replicas</code> and <code>acks</code> allow you to enforce greater durability guarantees. A typical scenario would be to create a topic with a replication factor of 3, set <code>min.insync.replicas</code> to 2, and produce with <code>acks</code> of "all". This ensures that a majority of replicas must persist a write before it\'s considered successful by the producer and it\'s visible to consumers.<p>Note that when the Eligible Leader Replicas feature is enabled, the semantics of this config changes. Please refer to <a href="#eligible_leader_replicas">the ELR section</a> for more info.</p>',
    {validator: atLeast(1)}),
  'compression.type': define.string('producer', 'medium',
    "Specify the final compression type for a given topic. This configuration accepts the standard compression codecs ('gzip', 'snappy', 'lz4', 'zstd'). It additionally accepts 'uncompressed' which is equivalent to no compression; and 'producer' which means retain the original compression codec set by the producer.",
    {validator: validString(...BROKER_COMPRESSION_TYPES)}),
  'compression.gzip.level': define.int(-1, 'medium', 'The compression level to use if compression.type is set to <code>gzip</code>.',
    {validator: gzipLevelValidator}),
  'compression.lz4.level': define.int(9, 'medium', 'The compression level to use if compression.type is set to <code>lz4</code>.',
    {validator: between(1, 17)}),
  'compression.zstd.level': define.int(3, 'medium', 'The compression level to use if compression.type is set to <code>zstd</code>.',
    {validator: between(-131072, 22)}),
  preallocate: define.boolean(false, 'medium', 'True if we should preallocate the file on disk when creating a new log segment.'),
  'message.timestamp.type': define.string('CreateTime', 'medium',
    'Define whether the timestamp in the message is message create time or log append time.',
    {validator: validString('CreateTime', 'LogAppendTime')}),
  'message.timestamp.before.max.ms': define.long(LONG_MAX, 'medium',
    "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp. The message timestamp can be earlier than or equal to the broker's timestamp, with the maximum allowable difference determined by the value set in this configuration. If message.timestamp.type=CreateTime, the message will be rejected if the difference in timestamps exceeds this specified threshold. This configuration is ignored if message.timestamp.type=LogAppendTime.",
    {validator: atLeast(0)}),
  'message.timestamp.after.max.ms': define.long(3600000n, 'medium',
    "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp. The message timestamp can be later than or equal to the broker's timestamp, with the maximum allowable difference determined by the value set in this configuration. If message.timestamp.type=CreateTime, the message will be rejected if the difference in timestamps exceeds this specified threshold. This configuration is ignored if message.timestamp.type=LogAppendTime.",
    {validator: atLeast(0)}),
  'leader.replication.throttled.replicas': define.list([], 'medium',
    "A list of replicas for which log replication should be throttled on the leader side. The list should describe a set of replicas in the form [PartitionId]:[BrokerId],[PartitionId]:[BrokerId]:... or alternatively the wildcard '*' can be used to throttle all replicas for this topic.",
    {validator: throttledReplicaList}),
  'follower.replication.throttled.replicas': define.list([], 'medium',
    "A list of replicas for which log replication should be throttled on the follower side. The list should describe a set of replicas in the form [PartitionId]:[BrokerId],[PartitionId]:[BrokerId]:... or alternatively the wildcard '*' can be used to throttle all replicas for this topic.",
    {validator: throttledReplicaList}),
  'remote.storage.enable': define.boolean(false, 'medium',
    'To enable tiered storage for a topic, set this configuration to true. To disable tiered storage for a topic that has it enabled, set this configuration to false. When disabling, you must also set <code>remote.log.delete.on.disable</code> to true.'),
  'local.retention.ms': define.long(-2n, 'medium',
    'The number of milliseconds to keep the local log segment before it gets deleted. Default value is -2, it represents <code>retention.ms</code> value is to be used. The effective value should always be less than or equal to <code>retention.ms</code> value.',
    {validator: atLeast(-2)}),
  'local.retention.bytes': define.long(-2n, 'medium',
    'The maximum size of local log segments that can grow for a partition before it deletes the old segments. Default value is -2, it represents <code>retention.bytes</code> value to be used. The effective value should always be less than or equal to <code>retention.bytes</code> value.',
    {validator: atLeast(-2)}),
  'remote.log.copy.disable': define.boolean(false, 'medium',
    'Determines whether tiered data for a topic should become read only, and no more data uploading on a topic. Once this config is set to true, the local retention configuration (i.e. local.retention.ms/bytes) becomes irrelevant, and all data expiration follows the topic-wide retention configuration(i.e. retention.ms/bytes).'),
  'remote.log.delete.on.disable': define.boolean(false, 'medium',
    'Determines whether tiered data for a topic should be deleted after tiered storage is disabled on a topic. This configuration should be enabled when trying to set <code>remote.storage.enable</code> from true to false'),
})

export type TopicConfigDefs = typeof TOPIC_CONFIG_DEFS
export type TopicConfigName = keyof TopicConfigDefs
export type TopicConfigValue<K extends TopicConfigName> = DefinitionValue<TopicConfigDefs[K]>

/** Where a topic config value came from, with DescribeConfigs' source names. */
export type TopicConfigSource = 'DYNAMIC_TOPIC_CONFIG' | ConfigSource

export interface TopicConfigSynonym {
  name: string
  value: string | null
  source: TopicConfigSource
}

/**
 * The broker config that supplies each topic config's default (the first of
 * Kafka's ServerTopicConfigSynonyms chain; later names in the chain are the
 * broker's own synonyms, see brokerConfigSynonyms). Topic configs missing here
 * have no broker default.
 */
export const TOPIC_TO_BROKER_CONFIG: Readonly<Partial<Record<TopicConfigName, BrokerConfigName>>> = {
  'segment.bytes': 'log.segment.bytes',
  'segment.ms': 'log.roll.ms',
  'segment.jitter.ms': 'log.roll.jitter.ms',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'flush.messages': 'log.flush.interval.messages',
  'flush.ms': 'log.flush.interval.ms',
  'retention.bytes': 'log.retention.bytes',
  'retention.ms': 'log.retention.ms',
  'max.message.bytes': 'message.max.bytes',
  'index.interval.bytes': 'log.index.interval.bytes',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'min.compaction.lag.ms': 'log.cleaner.min.compaction.lag.ms',
  'max.compaction.lag.ms': 'log.cleaner.max.compaction.lag.ms',
  'file.delete.delay.ms': 'log.segment.delete.delay.ms',
  'min.cleanable.dirty.ratio': 'log.cleaner.min.cleanable.ratio',
  'cleanup.policy': 'log.cleanup.policy',
  'unclean.leader.election.enable': 'unclean.leader.election.enable',
  'min.insync.replicas': 'min.insync.replicas',
  'compression.type': 'compression.type',
  'compression.gzip.level': 'compression.gzip.level',
  'compression.lz4.level': 'compression.lz4.level',
  'compression.zstd.level': 'compression.zstd.level',
  preallocate: 'log.preallocate',
  'message.timestamp.type': 'log.message.timestamp.type',
  'message.timestamp.before.max.ms': 'log.message.timestamp.before.max.ms',
  'message.timestamp.after.max.ms': 'log.message.timestamp.after.max.ms',
  'local.retention.ms': 'log.local.retention.ms',
  'local.retention.bytes': 'log.local.retention.bytes',
}

/** The broker-derived default of a topic config (KafkaConfig.extractLogConfigMap). */
export function brokerDefaultForTopicConfig<K extends TopicConfigName>(name: K, broker: BrokerConfig): TopicConfigValue<K> {
  switch (name) {
    case 'segment.ms':
      return broker.logRollMs as TopicConfigValue<K>
    case 'segment.jitter.ms':
      return broker.logRollJitterMs as TopicConfigValue<K>
    case 'flush.ms':
      return broker.logFlushIntervalMs as TopicConfigValue<K>
    case 'retention.ms':
      return broker.logRetentionMs as TopicConfigValue<K>
  }
  const brokerName = TOPIC_TO_BROKER_CONFIG[name]
  if (brokerName !== undefined) return broker.get(brokerName) as unknown as TopicConfigValue<K>
  return (TOPIC_CONFIG_DEFS[name] as AnyConfigDefinition).defaultValue as TopicConfigValue<K>
}

/**
 * Validates topic overrides (CreateTopics configs, AlterConfigs): unknown
 * names and bad values throw ConfigError with Kafka's text. Returns the parsed
 * values keyed by name.
 */
export function validateTopicOverrides(overrides: ReadonlyMap<string, string>): Map<TopicConfigName, unknown> {
  // Kafka checks every name before any value.
  for (const name of overrides.keys()) if (!(name in TOPIC_CONFIG_DEFS)) throw new ConfigError(`Unknown topic config name: ${name}`)
  const parsed = new Map<TopicConfigName, unknown>()
  for (const [name, raw] of overrides) {
    parsed.set(name as TopicConfigName, parseAndValidate(TOPIC_CONFIG_DEFS[name as TopicConfigName] as AnyConfigDefinition, raw))
  }
  return parsed
}

/**
 * A topic's effective configuration: overrides on top of broker-derived
 * defaults. Typed reads with get('retention.ms').
 */
export class TopicConfig {
  private readonly values = new Map<TopicConfigName, unknown>()

  constructor(
    readonly overrides: ReadonlyMap<string, string>,
    readonly broker: BrokerConfig,
  ) {
    const parsed = validateTopicOverrides(overrides)
    for (const name of Object.keys(TOPIC_CONFIG_DEFS) as TopicConfigName[]) {
      this.values.set(name, parsed.has(name) ? parsed.get(name) : brokerDefaultForTopicConfig(name, broker))
    }
    const minLag = this.get('min.compaction.lag.ms')
    const maxLag = this.get('max.compaction.lag.ms')
    if (minLag > maxLag) {
      throw new ConfigError(`conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`)
    }
    // tskafka has no tiered storage: the broker's remote.log.storage.system.enable is always false.
    if (this.get('remote.storage.enable')) {
      throw new ConfigError('Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.')
    }
  }

  get<K extends TopicConfigName>(name: K): TopicConfigValue<K> {
    return this.values.get(name) as TopicConfigValue<K>
  }

  valueString(name: TopicConfigName): string | null {
    return valueToString(this.values.get(name), (TOPIC_CONFIG_DEFS[name] as AnyConfigDefinition).type)
  }

  source(name: TopicConfigName): TopicConfigSource {
    return this.synonyms(name)[0]?.source ?? 'DEFAULT_CONFIG'
  }

  /**
   * Kafka's synonym list for a topic config (ConfigHelper.createTopicConfigEntry):
   * the topic override first, then the synonyms of its broker config (see
   * BrokerConfig.synonyms; retention.ms shows none unless log.retention.ms is set).
   */
  synonyms(name: TopicConfigName): TopicConfigSynonym[] {
    const out: TopicConfigSynonym[] = []
    if (this.overrides.has(name)) out.push({name, value: this.valueString(name), source: 'DYNAMIC_TOPIC_CONFIG'})
    const brokerName = TOPIC_TO_BROKER_CONFIG[name]
    if (brokerName !== undefined && brokerName in BROKER_CONFIG_DEFS) out.push(...this.broker.synonyms(brokerName))
    return out
  }
}

export function isTopicConfigName(name: string): name is TopicConfigName {
  return name in TOPIC_CONFIG_DEFS
}
