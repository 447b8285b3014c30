// The loaded, validated broker configuration. `loadBrokerConfig` takes the
// properties of server.properties plus `--override` values, parses every
// known key with Kafka's types and validators, applies Kafka's cross-config
// rules (listeners, advertised listeners, inter-broker listener, node.id vs
// broker.id, retention/roll derivations) and reports unknown keys the way
// Kafka logs them. Values keep Kafka's names: cfg.get('log.segment.bytes').

import {isIPv4, isIPv6} from 'node:net'
import {join} from 'node:path'

import {tskafkaHome} from '../paths.js'
import {
  BROKER_CONFIG_DEFS,
  brokerConfigSynonyms,
  LOG_DIR_DEFAULT_MARKER,
  SECURITY_PROTOCOLS,
  type BrokerConfigName,
  type BrokerConfigValue,
} from './broker-config-defs.js'
import {ConfigError, parseAndValidate, RequirementError, valueToString, type AnyConfigDefinition} from './config-def.js'

export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number]

/**
 * Where a config value came from, with DescribeConfigs' source names, in
 * Kafka's order of precedence: a dynamic per-broker value, the dynamic
 * cluster-wide default, server.properties, the built-in default.
 */
export type ConfigSource = 'DYNAMIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG'

export interface ConfigSynonym {
  name: string
  value: string | null
  source: ConfigSource
}

export interface Endpoint {
  /** Upper-case listener name, e.g. PLAINTEXT or CONTROLLER. */
  listenerName: string
  securityProtocol: SecurityProtocol
  /** The host as written; '' means "all interfaces" (Kafka stores it as null). */
  host: string
  port: number
}

export interface LoadOptions {
  /** Environment for resolving the tskafka home (default process.env). */
  env?: NodeJS.ProcessEnv
}

/** The default data directory when neither log.dirs nor log.dir is set. */
export function defaultLogDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(tskafkaHome(env), 'kafka-logs')
}

const MS_PER_MINUTE = 60_000n
const MS_PER_HOUR = 3_600_000n

export class BrokerConfig {
  /** The supplied properties (server.properties plus overrides) after node.id/broker.id synonym filling. */
  readonly originals: ReadonlyMap<string, string>
  /** Keys that were supplied but that no definition knows, in supply order. */
  readonly unknownKeys: readonly string[]
  private values: Map<string, unknown>
  /** The originals with the dynamic layers applied (Kafka's currentConfig.originals). */
  private effective: ReadonlyMap<string, string>
  private dynamicBroker: ReadonlyMap<string, string> = new Map()
  private dynamicDefault: ReadonlyMap<string, string> = new Map()
  private readonly defaultLogDirPath: string

  /** Use loadBrokerConfig(); the constructor assumes validated input. */
  private constructor(originals: Map<string, string>, values: Map<string, unknown>, unknownKeys: string[], defaultLogDirPath: string) {
    this.originals = originals
    this.effective = originals
    this.values = values
    this.unknownKeys = unknownKeys
    this.defaultLogDirPath = defaultLogDirPath
  }

  /** @internal */
  static create(originals: Map<string, string>, values: Map<string, unknown>, unknownKeys: string[], defaultLogDirPath: string): BrokerConfig {
    return new BrokerConfig(originals, values, unknownKeys, defaultLogDirPath)
  }

  /** The typed value of a config (its default when not supplied), dynamic overrides included. */
  get<K extends BrokerConfigName>(name: K): BrokerConfigValue<K> {
    return this.values.get(name) as BrokerConfigValue<K>
  }

  /** True when the config was supplied (file, override or dynamic config), not defaulted. */
  isSet(name: BrokerConfigName): boolean {
    return this.effective.has(name)
  }

  /** The dynamic per-broker configs in force (ConfigRecords for this broker id). */
  get dynamicBrokerConfigs(): ReadonlyMap<string, string> {
    return this.dynamicBroker
  }

  /** The dynamic cluster-wide defaults in force (ConfigRecords for broker ""). */
  get dynamicDefaultConfigs(): ReadonlyMap<string, string> {
    return this.dynamicDefault
  }

  /**
   * Every supplied property in force, dynamic ones included, custom (unknown)
   * keys too: what Kafka's DescribeConfigs lists besides the defined configs.
   */
  get effectiveOriginals(): ReadonlyMap<string, string> {
    return this.effective
  }

  /** DescribeConfigs' source: that of the first synonym, DEFAULT_CONFIG when there is none. */
  source(name: string): ConfigSource {
    return this.synonyms(name)[0]?.source ?? 'DEFAULT_CONFIG'
  }

  /** Whether the config can change without a restart (Kafka's readOnly is the negation). */
  isDynamic(name: string): boolean {
    const def = (BROKER_CONFIG_DEFS as Record<string, AnyConfigDefinition>)[name]
    return def !== undefined && def.dynamic !== 'read-only'
  }

  /** The value rendered as Kafka renders it in DescribeConfigs (passwords included; hide them at the edge). */
  valueString(name: BrokerConfigName): string | null {
    const def = BROKER_CONFIG_DEFS[name] as AnyConfigDefinition
    return valueToString(this.values.get(name), def.type)
  }

  /** The default rendered as a string (log.dir's default resolved to the tskafka home). */
  defaultString(name: BrokerConfigName): string | null {
    const def = BROKER_CONFIG_DEFS[name] as AnyConfigDefinition
    if (name === 'log.dir') return this.defaultLogDirPath
    return valueToString(def.defaultValue, def.type)
  }

  /**
   * The synonyms of a broker config as DescribeConfigs reports them with
   * includeSynonyms (Kafka's ConfigHelper.configSynonyms): the values of the
   * config and its synonym names (log.retention.ms / .minutes / .hours, a
   * listener override and its base config) from each layer in precedence
   * order (dynamic per-broker, dynamic cluster default, static, default),
   * with every entry before the first one of this very name dropped. So
   * log.retention.ms has no synonyms unless it is set itself, exactly as
   * Kafka shows it. Values are as supplied; callers hide sensitive ones.
   */
  synonyms(name: string): ConfigSynonym[] {
    const names = brokerConfigSynonyms(name, true)
    const out: ConfigSynonym[] = []
    const layer = (map: ReadonlyMap<string, string>, source: ConfigSource) => {
      for (const n of names) {
        const v = map.get(n)
        if (v !== undefined) out.push({name: n, value: v, source})
      }
    }
    layer(this.dynamicBroker, 'DYNAMIC_BROKER_CONFIG')
    layer(this.dynamicDefault, 'DYNAMIC_DEFAULT_BROKER_CONFIG')
    layer(this.originals, 'STATIC_BROKER_CONFIG')
    for (const n of names) {
      const dflt = n in BROKER_CONFIG_DEFS ? this.defaultString(n as BrokerConfigName) : null
      if (dflt !== null) out.push({name: n, value: dflt, source: 'DEFAULT_CONFIG'})
    }
    const first = out.findIndex((s) => s.name === name)
    return first < 0 ? [] : out.slice(first)
  }

  /**
   * The configuration these dynamic layers would give (Kafka's
   * DynamicBrokerConfig: server.properties, then the cluster default, then the
   * per-broker values, a dynamic value displacing its synonyms). Throws
   * ConfigError (RequirementError for Kafka's require() checks) when the
   * result is not a valid broker config. Nothing changes.
   */
  withDynamicLayers(perBroker: ReadonlyMap<string, string>, clusterDefault: ReadonlyMap<string, string>): BrokerConfig {
    const merged = new Map(this.originals)
    overrideProps(merged, clusterDefault)
    overrideProps(merged, perBroker)
    const cfg = new BrokerConfig(new Map(this.originals), parseBrokerValues(merged, this.defaultLogDirPath), [...this.unknownKeys], this.defaultLogDirPath)
    cfg.effective = merged
    cfg.dynamicBroker = new Map(perBroker)
    cfg.dynamicDefault = new Map(clusterDefault)
    validateBrokerConfig(cfg)
    return cfg
  }

  /**
   * Puts dynamic layers in force in this very object, so every holder of the
   * config sees them (Kafka's KafkaConfig.updateCurrentConfig). The layers
   * must be valid (see withDynamicLayers); on error nothing changes.
   */
  applyDynamicLayers(perBroker: ReadonlyMap<string, string>, clusterDefault: ReadonlyMap<string, string>): void {
    const next = this.withDynamicLayers(perBroker, clusterDefault)
    this.values = next.values
    this.effective = next.effective
    this.dynamicBroker = next.dynamicBroker
    this.dynamicDefault = next.dynamicDefault
  }

  // ---- Derived values, as KafkaConfig computes them.

  /**
   * node.id, or 1 when neither node.id nor broker.id is set: tskafka runs a
   * lone node the way Kafka's quickstart config does instead of refusing.
   */
  get nodeId(): number {
    return this.get('node.id') ?? 1
  }

  get processRoles(): ReadonlyArray<'broker' | 'controller'> {
    const roles = (this.get('process.roles') ?? []) as Array<'broker' | 'controller'>
    return roles.length === 0 ? ['broker', 'controller'] : roles
  }

  get rack(): string | null {
    return this.get('broker.rack')
  }

  /** log.dirs if set, else log.dir; Kafka's rule, with duplicates removed. */
  get logDirs(): string[] {
    const dirs = this.get('log.dirs') ?? this.get('log.dir')
    return [...new Set(dirs)]
  }

  /** log.retention.ms, else minutes, else hours; any negative value means unlimited (-1). */
  get logRetentionMs(): bigint {
    const ms = this.get('log.retention.ms')
    const minutes = this.get('log.retention.minutes')
    const millis = ms ?? (minutes !== null ? BigInt(minutes) * MS_PER_MINUTE : BigInt(this.get('log.retention.hours')) * MS_PER_HOUR)
    return millis < 0n ? -1n : millis
  }

  /** log.roll.ms, else log.roll.hours. */
  get logRollMs(): bigint {
    return this.get('log.roll.ms') ?? BigInt(this.get('log.roll.hours')) * MS_PER_HOUR
  }

  /** log.roll.jitter.ms, else log.roll.jitter.hours. */
  get logRollJitterMs(): bigint {
    return this.get('log.roll.jitter.ms') ?? BigInt(this.get('log.roll.jitter.hours')) * MS_PER_HOUR
  }

  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms. */
  get logFlushIntervalMs(): bigint {
    return this.get('log.flush.interval.ms') ?? this.get('log.flush.scheduler.interval.ms')
  }

  get controllerListenerNames(): string[] {
    const v = this.get('controller.listener.names')
    return (v ?? []).map((s) => s.trim().toUpperCase()).filter((s) => s !== '')
  }

  /** listener.security.protocol.map with controller listeners defaulted to PLAINTEXT, as Kafka does in KRaft mode. */
  get securityProtocolMap(): ReadonlyMap<string, SecurityProtocol> {
    return effectiveSecurityProtocolMap(this)
  }

  /** Every listener to bind, in config order. */
  get listeners(): Endpoint[] {
    return parseListeners(this.get('listeners').join(','), this.securityProtocolMap, 'listeners', true)
  }

  /** The listeners that serve clients (all listeners but the controller ones). */
  get brokerListeners(): Endpoint[] {
    const controller = new Set(this.controllerListenerNames)
    return this.listeners.filter((l) => !controller.has(l.listenerName))
  }

  /** What brokers advertise: advertised.listeners if set, else listeners; never controller listeners. */
  get advertisedBrokerListeners(): Endpoint[] {
    const controller = new Set(this.controllerListenerNames)
    const advertised = this.get('advertised.listeners')
    const all = advertised === null ? this.listeners : parseListeners(advertised.join(','), this.securityProtocolMap, 'advertised.listeners', false)
    return all.filter((l) => !controller.has(l.listenerName))
  }

  /** inter.broker.listener.name, else the listener named after security.inter.broker.protocol. */
  get interBrokerListenerName(): string {
    return (this.get('inter.broker.listener.name') ?? this.get('security.inter.broker.protocol')).trim().toUpperCase()
  }
}

/** Loads and validates a broker config. Throws ConfigError with one clear line. */
export function loadBrokerConfig(
  props: ReadonlyMap<string, string> | Record<string, string>,
  overrides: ReadonlyMap<string, string> | Record<string, string> = new Map(),
  options: LoadOptions = {},
): BrokerConfig {
  const originals = new Map<string, string>(props instanceof Map ? props : Object.entries(props))
  for (const [k, v] of overrides instanceof Map ? overrides : Object.entries(overrides)) originals.set(k, v)

  // KafkaConfig.populateSynonyms: node.id and broker.id stand in for each other.
  const nodeId = originals.get('node.id')
  const brokerId = originals.get('broker.id')
  if (brokerId === undefined && nodeId !== undefined) originals.set('broker.id', nodeId)
  else if (brokerId !== undefined && nodeId === undefined) originals.set('node.id', brokerId)

  const logDirDefault = defaultLogDir(options.env)
  const values = parseBrokerValues(originals, logDirDefault)
  const unknownKeys = [...originals.keys()].filter((k) => !(k in BROKER_CONFIG_DEFS))
  const cfg = BrokerConfig.create(originals, values, unknownKeys, logDirDefault)
  validateBrokerConfig(cfg)
  return cfg
}

/** Every defined config parsed and validated from the supplied properties (defaults for the rest). */
function parseBrokerValues(originals: ReadonlyMap<string, string>, logDirDefault: string): Map<string, unknown> {
  const values = new Map<string, unknown>()
  for (const [name, def] of Object.entries(BROKER_CONFIG_DEFS) as Array<[string, AnyConfigDefinition]>) {
    const raw = originals.get(name) ?? null
    let value = parseAndValidate(def, raw)
    if (name === 'log.dir' && raw === null) value = [logDirDefault]
    values.set(name, value)
  }
  return values
}

/**
 * Kafka's DynamicBrokerConfig.overrideProps: each override replaces its
 * config and that config's synonyms (a dynamic log.retention.ms displaces a
 * static log.retention.hours), so the value with the higher precedence wins.
 */
export function overrideProps(props: Map<string, string>, overrides: ReadonlyMap<string, string>): void {
  for (const [k, v] of overrides) {
    for (const synonym of brokerConfigSynonyms(k, false)) props.delete(synonym)
    props.set(k, v)
  }
}

/** Kafka's AbstractConfig.logUnused line for the unknown keys, or null when all keys are known. */
export function unusedConfigsWarning(cfg: BrokerConfig): string | null {
  if (cfg.unknownKeys.length === 0) return null
  return `These configurations '[${cfg.unknownKeys.join(', ')}]' were supplied but are not used yet.`
}

function validateBrokerConfig(cfg: BrokerConfig): void {
  const nodeId = cfg.get('node.id')
  if (nodeId !== null && nodeId !== cfg.get('broker.id')) throw new ConfigError('You must set `node.id` to the same value as `broker.id`.')
  if (nodeId !== null && nodeId < 0) throw new ConfigError(`Invalid value ${nodeId} for configuration node.id: Value must be at least 0`)

  const roles = cfg.get('process.roles') ?? []
  if (new Set(roles).size !== roles.length) throw new ConfigError(`Duplicate role names found in \`process.roles\`: [${roles.join(', ')}]`)

  if (cfg.logRollMs < 1n) throw new RequirementError('log.roll.ms must be greater than or equal to 1')
  if (cfg.logRollJitterMs < 0n) throw new RequirementError('log.roll.jitter.ms must be greater than or equal to 0')
  const retention = cfg.logRetentionMs
  if (!(retention >= 1n || retention === -1n)) throw new RequirementError('log.retention.ms must be unlimited (-1) or, greater than or equal to 1')
  if (cfg.logDirs.length === 0 || cfg.logDirs.some((d) => d.trim() === '')) {
    throw new RequirementError('At least one log directory must be defined via log.dirs or log.dir.')
  }
  if (cfg.get('log.cleaner.dedupe.buffer.size') / BigInt(Math.max(1, cfg.get('log.cleaner.threads'))) <= 1024n * 1024n) {
    throw new RequirementError('log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.')
  }
  if (cfg.get('replica.fetch.wait.max.ms') > cfg.get('replica.socket.timeout.ms')) {
    throw new RequirementError('replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts')
  }
  if (BigInt(cfg.get('replica.fetch.wait.max.ms')) > cfg.get('replica.lag.time.max.ms')) {
    throw new RequirementError('replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR')
  }
  const queuedMaxBytes = cfg.get('queued.max.request.bytes')
  if (queuedMaxBytes > 0n && queuedMaxBytes < BigInt(cfg.get('socket.request.max.bytes'))) {
    throw new RequirementError('queued.max.request.bytes must be larger or equal to socket.request.max.bytes')
  }
  if (cfg.isSet('inter.broker.listener.name') && cfg.isSet('security.inter.broker.protocol')) {
    throw new ConfigError('Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.')
  }

  // Parse listeners early so their errors surface at load time, not at bind time.
  const listeners = cfg.listeners
  const listenerNames = new Set(listeners.map((l) => l.listenerName))
  const advertised = cfg.advertisedBrokerListeners
  if (advertised.length === 0) {
    throw new RequirementError('There must be at least one broker advertised listener. Perhaps all listeners appear in controller.listener.names?')
  }
  const advertisedNames = new Set(advertised.map((l) => l.listenerName))
  for (const name of advertisedNames) {
    if (!listenerNames.has(name)) {
      throw new RequirementError(
        `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found ${[...advertisedNames].join(',')}. The valid options based on the current configuration are ${[...listenerNames].join(',')}`,
      )
    }
  }
  if (advertised.some((l) => l.host === '0.0.0.0')) {
    throw new RequirementError('advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.')
  }
  const interBroker = cfg.interBrokerListenerName
  if (cfg.isSet('inter.broker.listener.name') && !cfg.securityProtocolMap.has(interBroker)) {
    throw new ConfigError(`Listener with name ${interBroker} defined in inter.broker.listener.name not found in listener.security.protocol.map.`)
  }
  if (!advertisedNames.has(interBroker)) {
    throw new RequirementError(
      `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${[...advertisedNames].join(',')}`,
    )
  }
  // Kafka's KRaft controller-role checks, when the roles and controller listeners are spelled out.
  const controllerNames = cfg.controllerListenerNames
  if ((cfg.get('process.roles') ?? []).includes('controller') && controllerNames.length > 0) {
    if (!listeners.some((l) => controllerNames.includes(l.listenerName))) {
      throw new RequirementError("controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role")
    }
    if (!controllerNames.every((n) => listenerNames.has(n))) {
      throw new RequirementError("controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role")
    }
  }
  for (const name of cfg.controllerListenerNames) {
    if (!cfg.securityProtocolMap.has(name)) {
      throw new ConfigError(`Controller listener with name ${name} defined in controller.listener.names not found in listener.security.protocol.map.`)
    }
  }
  // tskafka speaks PLAINTEXT only for now: refuse the rest clearly instead of serving garbage.
  for (const l of listeners) {
    if (l.securityProtocol !== 'PLAINTEXT') {
      throw new ConfigError(
        `Listener ${l.listenerName} uses security protocol ${l.securityProtocol}, which tskafka does not support yet (only PLAINTEXT listeners are supported)`,
      )
    }
  }
}

function effectiveSecurityProtocolMap(cfg: BrokerConfig): Map<string, SecurityProtocol> {
  const raw = cfg.get('listener.security.protocol.map')
  const map = new Map<string, SecurityProtocol>()
  for (const entry of splitCsv(raw)) {
    const pair = entry.split(/\s*:\s*/)
    if (pair.length !== 2 || pair[0] === '' || pair[1] === '') {
      throw new ConfigError(`Error parsing configuration property 'listener.security.protocol.map': Invalid map entry '${entry}'`)
    }
    const protocol = pair[1]!
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new ConfigError(`Invalid security protocol \`${protocol}\` defined in listener.security.protocol.map`)
    }
    map.set(pair[0]!.toUpperCase(), protocol as SecurityProtocol)
  }
  // KRaft: with the default map and no SSL/SASL in use, controller listeners default to PLAINTEXT.
  if (!cfg.isSet('listener.security.protocol.map')) {
    const sslOrSasl = (n: string) => n === 'SSL' || n === 'SASL_SSL' || n === 'SASL_PLAINTEXT'
    const listenerNames = cfg.get('listeners').map((l) => l.split('://')[0]!.toUpperCase())
    if (!cfg.controllerListenerNames.some(sslOrSasl) && !listenerNames.some(sslOrSasl)) {
      for (const name of cfg.controllerListenerNames) if (!map.has(name)) map.set(name, 'PLAINTEXT')
    }
  }
  return map
}

/** Kafka's Csv.parseCsvList: split on commas with surrounding whitespace, drop empty entries. */
function splitCsv(s: string | null): string[] {
  if (s === null) return []
  const t = s.trim()
  return t === '' ? [] : t.split(/\s*,\s*/).filter((e) => e !== '')
}

const LISTENER_RE = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/

/**
 * Parses a listener list (`NAME://host:port,...`) the way Kafka's
 * listenerListToEndPoints does, including its error texts.
 */
export function parseListeners(
  value: string,
  protocolMap: ReadonlyMap<string, SecurityProtocol>,
  configName: 'listeners' | 'advertised.listeners',
  requireDistinctPorts: boolean,
): Endpoint[] {
  const fail = (msg: string): never => {
    // Kafka prints the listener list as a Java list.
    throw new ConfigError(`Error creating broker listeners from '[${splitCsv(value).join(', ')}]': ${msg}`)
  }
  const endpoints: Endpoint[] = []
  for (const entry of splitCsv(value)) {
    const m = LISTENER_RE.exec(entry)
    if (!m) fail(`Unable to parse ${entry} to a broker endpoint`)
    const listenerName = m![1]!.toUpperCase()
    const port = Number(m![3])
    if (!Number.isSafeInteger(port) || port < 0 || port > 65535) fail(`Invalid port ${m![3]} in ${entry}`)
    const protocol = protocolMap.get(listenerName)
    if (protocol === undefined) fail(`No security protocol defined for listener ${listenerName}`)
    endpoints.push({listenerName, securityProtocol: protocol!, host: m![2]!, port})
  }
  if (new Set(endpoints.map((e) => e.listenerName)).size !== endpoints.length) {
    throw new ConfigError(`Each listener must have a different name, ${configName}: ${value}`)
  }
  if (requireDistinctPorts) {
    // Port 0 (ephemeral) may repeat; two listeners may share a port only when one binds IPv4 and the other IPv6.
    const byPort = new Map<number, Endpoint[]>()
    for (const e of endpoints) if (e.port !== 0) byPort.set(e.port, [...(byPort.get(e.port) ?? []), e])
    for (const [port, eps] of byPort) {
      if (eps.length === 1) continue
      const [a, b] = eps as [Endpoint, Endpoint]
      const mixedFamilies = eps.length === 2 && ((isIPv4(a.host) && isIPv6(b.host)) || (isIPv6(a.host) && isIPv4(b.host)))
      if (!mixedFamilies) {
        throw new ConfigError(`Each listener must have a different port unless exactly one listener has an IPv4 address and the other IPv6 address, ${configName}: ${value}, port: ${port}`)
      }
    }
  }
  return endpoints
}


