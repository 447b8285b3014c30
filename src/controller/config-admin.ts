// The config APIs as Kafka's broker serves them: DescribeConfigs (ConfigHelper: every config of a
// topic or broker with its value, source, synonyms, read-only and sensitive flags, type and
// documentation), and the request-level part of AlterConfigs / IncrementalAlterConfigs
// (ConfigAdminManager.preprocess: duplicate resources and keys, null values, and BROKER_LOGGER,
// which changes log levels at run time and is never stored). What remains goes to the controller,
// which validates and commits ConfigRecords. Handlers stay thin; everything Kafka decides is here.

import type {BrokerConfig, ConfigSynonym} from '../config/broker-config.js'
import {BROKER_CONFIG_DEFS} from '../config/broker-config-defs.js'
import type {AnyConfigDefinition, ConfigType} from '../config/config-def.js'
import {brokerConfigDef} from '../config/dynamic-broker-config.js'
import {TOPIC_CONFIG_DEFS, TopicConfig, type TopicConfigName, type TopicConfigSource} from '../config/topic-config.js'
import {CLUSTER_RESOURCE, groupResource, topicResource} from '../broker/authorizer.js'
import {LoggerLevels, type Logger, type LogLevel} from '../broker/logger.js'
import type {RequestContext} from '../broker/request-context.js'
import {topicNameError} from '../broker/topic-names.js'
import {ErrorCode, KafkaError, errorMessage} from '../protocol/errors.js'
import type {DescribeConfigsResourceResult, DescribeConfigsResult, DescribeConfigsSynonym} from '../protocol/generated/describe-configs-response.js'
import {ConfigSourceId, configSourceId, type ConfigResourceResult, type Controller, type IncrementalConfigResource, type LegacyConfigResource} from './controller.js'
import {ConfigResourceType} from './metadata-records.js'

/** DescribeConfigs' ConfigType ids (v3+). */
const CONFIG_TYPE_IDS: Readonly<Record<ConfigType, number>> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
}

/** What the config APIs need from the broker they run in. */
export interface ConfigAdminContext {
  readonly controller: Controller
  readonly config: BrokerConfig
  readonly nodeId: number
  readonly loggers: LoggerLevels
  /** Where run-time log level changes are reported. */
  readonly log: Logger
  /** True on the controller listener: a broker forwarded the request, and it is decided here. */
  readonly forwarded: boolean
  /** The one authorization check, for DESCRIBE_CONFIGS or ALTER_CONFIGS on a config resource. */
  authorize(operation: 'DESCRIBE_CONFIGS' | 'ALTER_CONFIGS', resourceType: number, resourceName: string): boolean
}

/** The config APIs' view of the broker a request runs in. */
export function configAdminContext(ctx: RequestContext): ConfigAdminContext {
  const {controller, config, logger, state} = ctx.broker
  return {
    controller,
    config,
    nodeId: state.nodeId,
    loggers: logger.levels,
    log: logger.child(`[ConfigAdminManager[nodeId=${state.nodeId}]: `, 'kafka.server.ConfigAdminManager'),
    forwarded: ctx.listenerType === 'controller',
    authorize: (operation, resourceType, resourceName) => {
      if (resourceType === ConfigResourceType.TOPIC) return ctx.authorize(operation, topicResource(resourceName))
      if (resourceType === ConfigResourceType.GROUP) return ctx.authorize(operation, groupResource(resourceName))
      return ctx.authorize(operation, CLUSTER_RESOURCE)
    },
  }
}

/** The error Kafka answers for a resource the principal may not access. */
function authorizationError(resourceType: number): number {
  if (resourceType === ConfigResourceType.TOPIC) return ErrorCode.TOPIC_AUTHORIZATION_FAILED
  if (resourceType === ConfigResourceType.GROUP) return ErrorCode.GROUP_AUTHORIZATION_FAILED
  return ErrorCode.CLUSTER_AUTHORIZATION_FAILED
}

const KNOWN_RESOURCE_TYPES: ReadonlySet<number> = new Set(Object.values(ConfigResourceType))

// ------------------------------------------------------------------ DescribeConfigs

export interface DescribeConfigsInput {
  resources: readonly {resourceType: number; resourceName: string; configurationKeys: readonly string[] | null}[]
  includeSynonyms: boolean
  includeDocumentation: boolean
}

/**
 * DescribeConfigs, as Kafka's ConfigHelper answers it. An unknown resource type fails the whole
 * request (KafkaError INVALID_REQUEST); resources the principal may not describe come last,
 * with an authorization error. Entries are sorted by name.
 */
export function describeConfigs(ctx: ConfigAdminContext, request: DescribeConfigsInput): DescribeConfigsResult[] {
  if (request.resources.some((r) => !KNOWN_RESOURCE_TYPES.has(r.resourceType))) throw new KafkaError(ErrorCode.INVALID_REQUEST)
  const allowed = request.resources.filter((r) => ctx.authorize('DESCRIBE_CONFIGS', r.resourceType, r.resourceName))
  const denied = request.resources.filter((r) => !allowed.includes(r))
  return [
    ...allowed.map((r) => describeResource(ctx, r, request.includeSynonyms, request.includeDocumentation)),
    ...denied.map((r) => {
      const code = authorizationError(r.resourceType)
      return {errorCode: code, errorMessage: errorMessage(code), resourceType: r.resourceType, resourceName: r.resourceName, configs: []}
    }),
  ]
}

function describeResource(
  ctx: ConfigAdminContext,
  resource: {resourceType: number; resourceName: string; configurationKeys: readonly string[] | null},
  includeSynonyms: boolean,
  includeDocumentation: boolean,
): DescribeConfigsResult {
  const {resourceType, resourceName} = resource
  const keys = resource.configurationKeys === null || resource.configurationKeys.length === 0 ? null : new Set(resource.configurationKeys)
  const wanted = (name: string) => keys === null || keys.has(name)
  // Kafka leaves the message of a successful result (and of an unknown topic) unset: "".
  const result = (configs: DescribeConfigsResourceResult[], errorCode: number = ErrorCode.NONE): DescribeConfigsResult => ({
    errorCode,
    errorMessage: '',
    resourceType,
    resourceName,
    configs,
  })
  try {
    switch (resourceType) {
      case ConfigResourceType.TOPIC: {
        const nameError = topicNameError(resourceName)
        if (nameError !== null) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError)
        if (!ctx.controller.hasTopic(resourceName)) return result([], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        const tc = ctx.controller.topicConfig(resourceName)
        const names = (Object.keys(TOPIC_CONFIG_DEFS) as TopicConfigName[]).filter(wanted).sort()
        return result(names.map((n) => topicConfigEntry(tc, n, includeSynonyms, includeDocumentation)))
      }
      case ConfigResourceType.BROKER: {
        if (resourceName === '') {
          const names = [...ctx.config.dynamicDefaultConfigs.keys()].filter(wanted).sort()
          return result(names.map((n) => brokerConfigEntry(ctx.config, n, ctx.config.dynamicDefaultConfigs.get(n)!, false, includeSynonyms, includeDocumentation)))
        }
        const id = brokerIdOf(resourceName, 'Broker id must be an integer, but it is: ')
        if (id !== ctx.nodeId) {
          throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.nodeId} or empty string, but received ${resourceName}`)
        }
        const entries = brokerConfigValues(ctx.config)
        const names = [...entries.keys()].filter(wanted).sort()
        return result(names.map((n) => brokerConfigEntry(ctx.config, n, entries.get(n)!, true, includeSynonyms, includeDocumentation)))
      }
      case ConfigResourceType.BROKER_LOGGER: {
        if (resourceName === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty')
        const id = brokerIdOf(resourceName, 'Broker id must be an integer, but it is: ')
        if (id !== ctx.nodeId) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.nodeId} but received ${resourceName}`)
        return result(
          ctx.loggers
            .all()
            .filter((l) => wanted(l.name))
            .map((l) => ({
              name: l.name,
              value: l.level.toUpperCase(),
              readOnly: false,
              isDefault: false,
              configSource: ConfigSourceId.DYNAMIC_BROKER_LOGGER_CONFIG,
              isSensitive: false,
              synonyms: [],
              configType: 0,
              documentation: '',
            })),
        )
      }
      case ConfigResourceType.CLIENT_METRICS:
        if (resourceName === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Client metrics subscription name must not be empty')
        throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Config resources of type CLIENT_METRICS are not supported by this broker')
      default:
        if (resourceName === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Group name must not be empty')
        throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Config resources of type GROUP are not supported by this broker')
    }
  } catch (e) {
    const err = e instanceof KafkaError ? e : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, e instanceof Error ? e.message : String(e))
    return {errorCode: err.code, errorMessage: err.message, resourceType, resourceName, configs: []}
  }
}

/** A broker id in a resource name, parsed as Java's Integer.parseInt does. */
function brokerIdOf(name: string, notAnInteger: string): number {
  const n = /^[+-]?\d{1,10}$/.test(name) ? Number(name) : NaN
  if (!Number.isInteger(n) || n > 2147483647 || n < -2147483648) throw new KafkaError(ErrorCode.INVALID_REQUEST, notAnInteger + name)
  return n
}

function synonymsOut(synonyms: readonly {name: string; value: string | null; source: TopicConfigSource}[], sensitive: boolean): DescribeConfigsSynonym[] {
  return synonyms.map((s) => ({name: s.name, value: sensitive ? null : s.value, source: configSourceId(s.source)}))
}

/** Kafka's ConfigHelper.createTopicConfigEntry. No topic config is a password, so none is sensitive. */
function topicConfigEntry(tc: TopicConfig, name: TopicConfigName, includeSynonyms: boolean, includeDocumentation: boolean): DescribeConfigsResourceResult {
  const def = TOPIC_CONFIG_DEFS[name] as AnyConfigDefinition
  const synonyms = tc.synonyms(name)
  return {
    name,
    value: tc.valueString(name),
    readOnly: false,
    isDefault: false,
    configSource: synonyms.length === 0 ? ConfigSourceId.DEFAULT_CONFIG : configSourceId(synonyms[0]!.source),
    isSensitive: false,
    synonyms: includeSynonyms ? synonymsOut(synonyms, false) : [],
    configType: CONFIG_TYPE_IDS[def.type],
    documentation: includeDocumentation ? def.doc : null,
  }
}

/**
 * What Kafka lists for its own broker: every supplied property in force (custom ones included)
 * and every non-internal config, with the values a supplied string or the config's rendering.
 */
function brokerConfigValues(config: BrokerConfig): Map<string, string | null> {
  const out = new Map<string, string | null>(config.effectiveOriginals)
  for (const [name, def] of Object.entries(BROKER_CONFIG_DEFS) as Array<[keyof typeof BROKER_CONFIG_DEFS, AnyConfigDefinition]>) {
    if (!def.internal) out.set(name, config.valueString(name))
  }
  return out
}

/** Kafka's ConfigHelper.createBrokerConfigEntry; configs of unknown type count as sensitive, as in Kafka. */
function brokerConfigEntry(
  config: BrokerConfig,
  name: string,
  value: string | null,
  perBroker: boolean,
  includeSynonyms: boolean,
  includeDocumentation: boolean,
): DescribeConfigsResourceResult {
  const def = brokerConfigDef(name)
  const sensitive = def === undefined || def.type === 'password'
  let synonyms: ConfigSynonym[] = config.synonyms(name)
  if (!perBroker) synonyms = synonyms.filter((s) => s.source === 'DYNAMIC_DEFAULT_BROKER_CONFIG')
  const exact = (BROKER_CONFIG_DEFS as Record<string, AnyConfigDefinition>)[name]
  return {
    name,
    value: sensitive ? null : value,
    readOnly: !config.isDynamic(name),
    isDefault: false,
    configSource: synonyms.length === 0 ? ConfigSourceId.DEFAULT_CONFIG : configSourceId(synonyms[0]!.source),
    isSensitive: sensitive,
    synonyms: includeSynonyms ? synonymsOut(synonyms, sensitive) : [],
    configType: def === undefined ? 0 : CONFIG_TYPE_IDS[def.type],
    documentation: includeDocumentation && exact !== undefined ? exact.doc : null,
  }
}

// ------------------------------------------------------------------ AlterConfigs / IncrementalAlterConfigs

export interface AlterConfigsOutcome {
  errorCode: number
  errorMessage: string | null
  resourceType: number
  resourceName: string
}

type Preprocessed = Map<number, ConfigResourceResult>

/** Kafka's preprocess checks common to both APIs; returns the result of each resource they settle. */
function preprocessCommon<R extends {resourceType: number; resourceName: string; configs: readonly {name: string; value: string | null}[]}>(
  resources: readonly R[],
  isNullUpdate: (c: R['configs'][number]) => boolean,
  settle: (resource: R) => ConfigResourceResult | null,
): Preprocessed {
  const results: Preprocessed = new Map()
  const firstIndex = new Map<string, number>()
  resources.forEach((r, i) => {
    const key = `${r.resourceType}\u0000${r.resourceName}`
    const previous = firstIndex.get(key)
    if (previous !== undefined) {
      const dup = {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Each resource must appear at most once.'}
      results.set(previous, dup)
      results.set(i, dup)
    } else firstIndex.set(key, i)
  })
  resources.forEach((r, i) => {
    if (results.has(i)) return
    try {
      const names = r.configs.map((c) => c.name)
      if (new Set(names).size !== names.length) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys')
      const nulls = r.configs.filter(isNullUpdate).map((c) => c.name)
      if (nulls.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`)
      const settled = settle(r)
      if (settled !== null) results.set(i, settled)
    } catch (e) {
      const err = e instanceof KafkaError ? e : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, e instanceof Error ? e.message : String(e))
      results.set(i, {errorCode: err.code, errorMessage: err.message})
    }
  })
  return results
}

/** Runs the unsettled resources through the controller, after the authorization check per resource. */
function alterRemaining<R extends {resourceType: number; resourceName: string}>(
  ctx: ConfigAdminContext,
  resources: readonly R[],
  settled: Preprocessed,
  alter: (rs: R[]) => Promise<ConfigResourceResult[]>,
): Promise<AlterConfigsOutcome[]> {
  const pending: Array<[number, R]> = []
  resources.forEach((r, i) => {
    if (settled.has(i)) return
    if (!ctx.authorize('ALTER_CONFIGS', r.resourceType, r.resourceName)) {
      const code = authorizationError(r.resourceType)
      settled.set(i, {errorCode: code, errorMessage: errorMessage(code)})
    } else pending.push([i, r])
  })
  const finish = (decided: ConfigResourceResult[]): AlterConfigsOutcome[] => {
    pending.forEach(([i], j) => settled.set(i, decided[j]!))
    return resources.map((r, i) => ({...settled.get(i)!, resourceType: r.resourceType, resourceName: r.resourceName}))
  }
  return pending.length > 0 ? alter(pending.map(([, r]) => r)).then(finish) : Promise.resolve(finish([]))
}

/** IncrementalAlterConfigs (SET / DELETE / APPEND / SUBTRACT), BROKER_LOGGER included. */
export function incrementalAlterConfigs(
  ctx: ConfigAdminContext,
  request: {resources: readonly IncrementalConfigResource[]; validateOnly: boolean},
): Promise<AlterConfigsOutcome[]> {
  const settled = preprocessCommon(
    request.resources,
    (c) => c.configOperation !== 1 && c.value === null,
    (r) => {
      if (r.resourceType === ConfigResourceType.BROKER_LOGGER) return alterLogLevels(ctx, r, request.validateOnly)
      if (!KNOWN_RESOURCE_TYPES.has(r.resourceType)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`)
      return null
    },
  )
  return alterRemaining(ctx, request.resources, settled, (rs) => ctx.controller.incrementalAlterConfigs(rs, request.validateOnly, {forwarded: ctx.forwarded}))
}

/** AlterConfigs, the legacy API: each resource's set replaces all its dynamic configs; no BROKER_LOGGER. */
export function legacyAlterConfigs(ctx: ConfigAdminContext, request: {resources: readonly LegacyConfigResource[]; validateOnly: boolean}): Promise<AlterConfigsOutcome[]> {
  const settled = preprocessCommon(
    request.resources,
    (c) => c.value === null,
    (r) => {
      if (r.resourceType === ConfigResourceType.BROKER_LOGGER || !KNOWN_RESOURCE_TYPES.has(r.resourceType)) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`)
      }
      return null
    },
  )
  return alterRemaining(ctx, request.resources, settled, (rs) => ctx.controller.legacyAlterConfigs(rs, request.validateOnly, {forwarded: ctx.forwarded}))
}

/** log4j's levels as Kafka accepts them (LogLevelConfig.VALID_LOG_LEVELS), and ours for each. */
const LOG4J_LEVELS: Readonly<Record<string, LogLevel>> = {DEBUG: 'debug', ERROR: 'error', FATAL: 'error', INFO: 'info', TRACE: 'trace', WARN: 'warn'}

/**
 * BROKER_LOGGER changes (Kafka's RuntimeLoggerManager): SET a logger's level or DELETE it (the
 * logger inherits again); loggers must exist, root keeps a level, no list operations. The
 * levels change in this process only, as log4j levels do in Kafka's.
 */
function alterLogLevels(ctx: ConfigAdminContext, r: IncrementalConfigResource, validateOnly: boolean): ConfigResourceResult {
  if (!ctx.authorize('ALTER_CONFIGS', r.resourceType, r.resourceName)) {
    throw new KafkaError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage(ErrorCode.CLUSTER_AUTHORIZATION_FAILED))
  }
  const id = brokerIdOf(r.resourceName, 'Node id must be an integer, but it is: ')
  if (id !== ctx.nodeId) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected node id. Expected ${ctx.nodeId}, but received ${r.resourceName}`)
  const exists = (name: string) => {
    if (!ctx.loggers.exists(name)) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Logger ${name} does not exist!`)
  }
  for (const c of r.configs) {
    switch (c.configOperation) {
      case 0:
        exists(c.name)
        if (LOG4J_LEVELS[c.value!] === undefined) {
          throw new KafkaError(
            ErrorCode.INVALID_CONFIG,
            `Cannot set the log level of ${c.name} to ${c.value} as it is not a supported log level. Valid log levels are ${Object.keys(LOG4J_LEVELS).join(', ')}`,
          )
        }
        break
      case 1:
        exists(c.name)
        if (c.name === LoggerLevels.ROOT) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Removing the log level of the root logger is not allowed')
        break
      case 2:
      case 3:
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `${c.configOperation === 2 ? 'APPEND' : 'SUBTRACT'} operation is not allowed for the BROKER_LOGGER resource`)
      default:
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown operation type ${c.configOperation} is not allowed for the BROKER_LOGGER resource`)
    }
  }
  if (!validateOnly) {
    for (const c of r.configs) {
      if (c.configOperation === 0) {
        ctx.loggers.set(c.name, LOG4J_LEVELS[c.value!]!)
        ctx.log.warn(`Updated the log level of ${c.name} to ${c.value}`)
      } else {
        ctx.loggers.unset(c.name)
        ctx.log.warn(`Unset the log level of ${c.name}`)
      }
    }
  }
  return {errorCode: ErrorCode.NONE, errorMessage: null}
}
