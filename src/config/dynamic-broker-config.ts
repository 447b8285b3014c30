// Dynamic broker configs (KIP-226), as Kafka's DynamicBrokerConfig decides them: which configs may
// change without a restart (BROKER_CONFIG_DEFS' update modes), which only per broker and which
// also as the cluster-wide default, and how a new set of dynamic values is validated before the
// controller stores it: names, types and ranges, then the complete broker config they would
// give (Kafka's KafkaConfig checks), then what the running broker can take (thread pools may at
// most halve or double at once). Every message is Kafka's text.

import {BROKER_CONFIG_DEFS, listenerOverrideBase} from './broker-config-defs.js'
import type {BrokerConfig} from './broker-config.js'
import {ConfigError, define, defineConfigs, parseAndValidate, Range, RequirementError, type AnyConfigDefinition} from './config-def.js'

const DEFS = BROKER_CONFIG_DEFS as Readonly<Record<string, AnyConfigDefinition>>

/**
 * Broker configs that exist only as dynamic configs (Kafka's QuotaConfig.brokerQuotaConfigs):
 * the replication throttles kafka-reassign-partitions sets. They are not KafkaConfig values.
 */
export const BROKER_QUOTA_CONFIG_DEFS = defineConfigs({
  'leader.replication.throttled.rate': define.long(9223372036854775807n, 'medium',
    'A long representing the upper bound (bytes/sec) on replication traffic for leaders enumerated in the property leader.replication.throttled.replicas (for each topic). This property can be only set dynamically. It is suggested that the limit be kept above 1MB/s for accurate behaviour.',
    {validator: Range.atLeast(0)}),
  'follower.replication.throttled.rate': define.long(9223372036854775807n, 'medium',
    'A long representing the upper bound (bytes/sec) on replication traffic for followers enumerated in the property follower.replication.throttled.replicas (for each topic). This property can be only set dynamically. It is suggested that the limit be kept above 1MB/s for accurate behaviour.',
    {validator: Range.atLeast(0)}),
  'replica.alter.log.dirs.io.max.bytes.per.second': define.long(9223372036854775807n, 'medium',
    'A long representing the upper bound (bytes/sec) on disk IO used for moving replica between log directories on the same broker. This property can be only set dynamically. It is suggested that the limit be kept above 1MB/s for accurate behaviour.',
    {validator: Range.atLeast(0)}),
})

const QUOTA_DEFS = BROKER_QUOTA_CONFIG_DEFS as Readonly<Record<string, AnyConfigDefinition>>

/** SslConfigs.RECONFIGURABLE_CONFIGS: dynamic only per listener (listener.name.<l>.<config>). */
export const DYNAMIC_SECURITY_CONFIGS: readonly string[] = [
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
  'ssl.truststore.certificates',
]

/** Listener configs that stay cluster-wide even with a listener prefix. */
const CLUSTER_LEVEL_LISTENER_CONFIGS = new Set(['max.connections', 'max.connection.creation.rate', 'num.network.threads'])

/** Thread pools Kafka resizes at run time, by at most half or double at once (DynamicThreadPool, SocketServer). */
const THREAD_POOL_CONFIGS = ['num.io.threads', 'num.network.threads', 'num.replica.fetchers', 'num.recovery.threads.per.data.dir', 'background.threads'] as const

/** The definition of a config that can be set dynamically (KafkaConfig's or a quota's), else undefined. */
export function dynamicConfigDef(name: string): AnyConfigDefinition | undefined {
  const def = DEFS[name]
  if (def !== undefined) return def.dynamic === 'read-only' ? undefined : def
  return QUOTA_DEFS[name]
}

/** The type-bearing definition of any broker config name: KafkaConfig's, a quota's, or a listener override's base. */
export function brokerConfigDef(name: string): AnyConfigDefinition | undefined {
  const exact = DEFS[name] ?? QUOTA_DEFS[name]
  if (exact !== undefined) return exact
  const base = listenerOverrideBase(name)
  return base === null ? undefined : (DEFS[base] ?? undefined)
}

/** Kafka's ConfigException text for a set of names: "[a, b]". */
function nameSet(names: Iterable<string>): string {
  return `[${[...names].sort().join(', ')}]`
}

function nonDynamicConfigs(props: ReadonlyMap<string, string>): string[] {
  return [...props.keys()].filter((k) => DEFS[k] !== undefined && DEFS[k]!.dynamic === 'read-only')
}

function securityConfigsWithoutListenerPrefix(props: ReadonlyMap<string, string>): string[] {
  return DYNAMIC_SECURITY_CONFIGS.filter((k) => props.has(k))
}

function perBrokerConfigs(props: ReadonlyMap<string, string>): string[] {
  return [...props.keys()].filter((k) => {
    if (DEFS[k]?.dynamic === 'per-broker') return true
    const base = listenerOverrideBase(k)
    return base !== null && !CLUSTER_LEVEL_LISTENER_CONFIGS.has(base)
  })
}

/** Parses every known dynamic value (listener overrides as their base config); custom names pass. */
function validateConfigTypes(props: ReadonlyMap<string, string>): void {
  for (const [k, v] of props) {
    const def = dynamicConfigDef(listenerOverrideBase(k) ?? k)
    if (def !== undefined) parseAndValidate(def, v)
  }
}

/**
 * Kafka's DynamicBrokerConfig.validateConfigs: the names and values of a complete set of dynamic
 * configs for one broker (perBroker) or for the cluster default. Throws ConfigError.
 */
export function validateDynamicConfigNames(props: ReadonlyMap<string, string>, perBroker: boolean): void {
  const nonDynamic = nonDynamicConfigs(props)
  if (nonDynamic.length > 0) throw new ConfigError(`Cannot update these configs dynamically: ${nameSet(nonDynamic)}`)
  const security = securityConfigsWithoutListenerPrefix(props)
  if (security.length > 0) {
    throw new ConfigError(`These security configs can be dynamically updated only per-listener using the listener prefix: ${nameSet(security)}`)
  }
  validateConfigTypes(props)
  if (!perBroker) {
    const perBrokerOnly = perBrokerConfigs(props)
    if (perBrokerOnly.length > 0) {
      throw new ConfigError(`Cannot update these configs at default cluster level, broker id must be specified: ${nameSet(perBrokerOnly)}`)
    }
  }
}

/** How Kafka reports a reconfiguration that a running component refuses. */
function reconfigurationError(message: string): ConfigError {
  return new ConfigError(`Invalid value org.apache.kafka.common.config.ConfigException: ${message} for configuration Invalid dynamic configuration`)
}

/** What the running broker accepts as a change (Kafka's BrokerReconfigurable.validateReconfiguration). */
function validateReconfiguration(current: BrokerConfig, next: BrokerConfig): void {
  for (const name of THREAD_POOL_CONFIGS) {
    const oldValue = current.get(name)
    const newValue = next.get(name)
    if (newValue === oldValue) continue
    const prefix = `Dynamic thread count update validation failed for ${name}=${newValue}`
    if (newValue <= 0) throw reconfigurationError(`${prefix}, value should be at least 1`)
    if (newValue < Math.trunc(oldValue / 2)) throw reconfigurationError(`${prefix}, value should be at least half the current value ${oldValue}`)
    if (newValue > oldValue * 2) throw reconfigurationError(`${prefix}, value should not be greater than double the current value ${oldValue}`)
  }
  const oldCleaners = current.get('log.cleaner.threads')
  const newCleaners = next.get('log.cleaner.threads')
  if (newCleaners !== oldCleaners) {
    if (newCleaners < 1) throw reconfigurationError('Log cleaner threads should be at least 1')
    if (newCleaners < Math.trunc(oldCleaners / 2)) throw reconfigurationError(`Log cleaner threads cannot be reduced to less than half the current value ${oldCleaners}`)
    if (newCleaners > oldCleaners * 2) throw reconfigurationError(`Log cleaner threads cannot be increased to more than double the current value ${oldCleaners}`)
  }
}

/**
 * Validates a new complete set of dynamic configs for this broker (perBroker) or the cluster
 * default, as Kafka's broker does before forwarding the change (ConfigAdminManager +
 * DynamicBrokerConfig.validate): names and values, the whole config they would give, and what
 * the running broker accepts. Returns the broker config they would give; throws ConfigError with
 * Kafka's message.
 */
export function validateDynamicBrokerUpdate(current: BrokerConfig, props: ReadonlyMap<string, string>, perBroker: boolean): BrokerConfig {
  validateDynamicConfigNames(props, perBroker)
  let next: BrokerConfig
  try {
    next = perBroker ? current.withDynamicLayers(props, current.dynamicDefaultConfigs) : current.withDynamicLayers(current.dynamicBrokerConfigs, props)
  } catch (e) {
    if (e instanceof RequirementError) throw new ConfigError(`requirement failed: ${e.message}`)
    throw e
  }
  validateReconfiguration(current, next)
  return next
}

/**
 * Kafka's DynamicBrokerConfig.fromPersistentProps: the stored dynamic configs of one layer minus
 * those that cannot apply (read-only, security configs without a listener prefix, invalid
 * values, per-broker configs stored as the cluster default), which are dropped with a reason.
 */
export function usableDynamicConfigs(props: ReadonlyMap<string, string>, perBroker: boolean): {usable: Map<string, string>; dropped: string[]} {
  const usable = new Map(props)
  const dropped: string[] = []
  const drop = (names: string[], why: string) => {
    if (names.length === 0) return
    for (const n of names) usable.delete(n)
    dropped.push(`${why}: ${nameSet(names)}`)
  }
  const invalid = [...usable].filter(([k, v]) => {
    try {
      validateConfigTypes(new Map([[k, v]]))
      return false
    } catch {
      return true
    }
  })
  drop(invalid.map(([k]) => k), `Dynamic ${perBroker ? 'broker' : 'default cluster'} config contains invalid values in, these configs will be ignored`)
  drop(nonDynamicConfigs(usable), 'Non-dynamic configs configured in the metadata will be ignored')
  drop(securityConfigsWithoutListenerPrefix(usable), 'Security configs can be dynamically updated only using listener prefix, base configs will be ignored')
  if (!perBroker) drop(perBrokerConfigs(usable), 'Per-broker configs defined at default cluster level will be ignored')
  return {usable, dropped}
}
