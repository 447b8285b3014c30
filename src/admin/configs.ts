// What kafka-configs.sh does for topics and brokers: describe (dynamic or
// all configs, with synonyms) and alter (IncrementalAlterConfigs SET/DELETE),
// with Kafka's parsing of --add-config (k=v,k2=[a,b]) and its messages.

import {topicNameError} from '../broker/topic-names.js'
import type {KafkaClient} from '../client/client.js'
import {DescribeConfigs, DescribeCluster, IncrementalAlterConfigs} from '../client/apis.js'
import {CommandError, UsageError} from '../cli/errors.js'
import {KafkaError} from '../protocol/errors.js'

export const RESOURCE_TOPIC = 2
export const RESOURCE_BROKER = 4

/** ConfigEntry.ConfigSource ids as DescribeConfigs v1+ sends them. */
export const CONFIG_SOURCES: Record<number, string> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'CLIENT_METRICS_CONFIG',
  8: 'GROUP_CONFIG',
}

export const CONFIG_TYPES: Record<number, string> = {
  0: 'UNKNOWN',
  1: 'BOOLEAN',
  2: 'STRING',
  3: 'INT',
  4: 'SHORT',
  5: 'LONG',
  6: 'DOUBLE',
  7: 'LIST',
  8: 'CLASS',
  9: 'PASSWORD',
}

export interface ConfigSynonym {
  name: string
  value: string | null
  source: string
}

export interface ConfigEntry {
  name: string
  value: string | null
  source: string
  isDefault: boolean
  isSensitive: boolean
  readOnly: boolean
  type: string
  synonyms: ConfigSynonym[]
  documentation: string | null
}

export interface ConfigResourceRef {
  resourceType: number
  resourceName: string
}

/**
 * DescribeConfigs for several resources in one request, keyed by
 * `${type}\0${name}`, entries in the broker's order. A resource-level error
 * throws with the broker's message.
 */
export async function describeConfigEntries(
  client: KafkaClient,
  resources: ConfigResourceRef[],
  opts: {includeSynonyms: boolean; includeDocumentation: boolean},
): Promise<Map<string, ConfigEntry[]>> {
  const out = new Map<string, ConfigEntry[]>()
  if (resources.length === 0) return out
  const conn = client.admin()
  const version = conn.versionFor(DescribeConfigs)
  // Broker resources must go to that broker, as Kafka's admin client sends them.
  const groups = new Map<number | 'any', ConfigResourceRef[]>()
  for (const r of resources) {
    const key = r.resourceType === RESOURCE_BROKER && r.resourceName !== '' ? Number(r.resourceName) : 'any'
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  for (const [target, group] of groups) {
    const c = target === 'any' ? conn : await client.connectionTo(target)
    const response = await c.request(
      DescribeConfigs,
      {
        resources: group.map((r) => ({resourceType: r.resourceType, resourceName: r.resourceName, configurationKeys: null})),
        includeSynonyms: version >= 1 ? opts.includeSynonyms : false,
        includeDocumentation: version >= 3 ? opts.includeDocumentation : false,
      },
      c.versionFor(DescribeConfigs),
    )
    for (const result of response.results) {
      if (result.errorCode !== 0) throw new KafkaError(result.errorCode, result.errorMessage ?? undefined)
      out.set(
        `${result.resourceType}\u0000${result.resourceName}`,
        result.configs.map((c) => {
          const source = version >= 1 ? (CONFIG_SOURCES[c.configSource] ?? 'UNKNOWN') : c.isDefault ? 'DEFAULT_CONFIG' : c.readOnly ? 'STATIC_BROKER_CONFIG' : 'UNKNOWN'
          return {
            name: c.name,
            value: c.value,
            source,
            isDefault: source === 'DEFAULT_CONFIG',
            isSensitive: c.isSensitive,
            readOnly: c.readOnly,
            type: CONFIG_TYPES[c.configType] ?? 'UNKNOWN',
            synonyms: c.synonyms.map((s) => ({name: s.name, value: s.value, source: CONFIG_SOURCES[s.source] ?? 'UNKNOWN'})),
            documentation: c.documentation,
          }
        }),
      )
    }
  }
  return out
}

// ------------------------------------------------------------------ entities

export type EntityType = 'topics' | 'brokers'
export const SUPPORTED_ENTITY_TYPES: readonly string[] = ['topics', 'brokers']
/** What Kafka's kafka-configs.sh accepts, for a clear "not yet" instead of "invalid". */
const KAFKA_ENTITY_TYPES = ['topics', 'clients', 'users', 'brokers', 'broker-loggers', 'ips', 'client-metrics', 'groups']

export interface ConfigEntity {
  type: EntityType
  /** Topic name, broker id, '' for the broker defaults, or undefined for every entity of the type (describe only). */
  name: string | undefined
}

export interface EntityFlags {
  entityType?: string[]
  entityName?: string[]
  entityDefault?: boolean
  topic?: string
  broker?: string
  brokerDefaults?: boolean
}

/** ConfigCommandOptions' entity rules, for the entity types tskafka supports (topics, brokers). */
export function parseEntity(flags: EntityFlags, action: 'describe' | 'alter'): ConfigEntity {
  const types: string[] = [...(flags.entityType ?? [])]
  if (flags.topic !== undefined) types.push('topics')
  if (flags.broker !== undefined || flags.brokerDefaults) types.push('brokers')
  const specific = flags.topic !== undefined || flags.broker !== undefined || flags.brokerDefaults
  if (flags.broker !== undefined && flags.brokerDefaults) throw new UsageError('Duplicate entity type(s) specified: brokers')
  if ((flags.entityName?.length || flags.entityType?.length || flags.entityDefault) && specific) {
    throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags')
  }
  const distinct = [...new Set(types)]
  if (distinct.length !== types.length) throw new UsageError(`Duplicate entity type(s) specified: ${types.filter((t, i) => types.indexOf(t) !== i).join(',')}`)
  for (const t of types) {
    if (!KAFKA_ENTITY_TYPES.includes(t)) {
      throw new UsageError(`Invalid entity type ${t}, the entity type must be one of ${KAFKA_ENTITY_TYPES.join(', ')} with a --bootstrap-server or --bootstrap-controller argument`)
    }
    if (!SUPPORTED_ENTITY_TYPES.includes(t)) throw new UsageError(`entity type ${t} is not supported by tskafka yet (supported: ${SUPPORTED_ENTITY_TYPES.join(', ')})`)
  }
  if (types.length === 0) throw new UsageError('At least one entity type must be specified')
  if (types.length > 1) throw new UsageError("Only 'users' and 'clients' entity types may be specified together")
  const type = types[0] as EntityType

  let name: string | undefined
  if (flags.topic !== undefined) name = flags.topic
  else if (flags.broker !== undefined) name = flags.broker
  else if (flags.brokerDefaults) name = ''
  else if (flags.entityName && flags.entityName.length > 0) {
    if (flags.entityName.length > 1 || flags.entityDefault) throw new UsageError('An entity name must be specified for every entity type')
    name = flags.entityName[0]
  } else if (flags.entityDefault) name = ''

  if (type === 'brokers' && name !== undefined && name !== '' && !/^-?\d+$/.test(name.trim())) {
    throw new UsageError(`The entity name for brokers must be a valid integer broker id, but it is: ${name}`)
  }
  if (action === 'describe' && type === 'topics' && flags.entityDefault) throw new UsageError('--entity-default must not be specified with --describe of topics')
  if (action === 'alter') {
    if (type === 'brokers' && name === undefined) throw new UsageError('An entity-name or default entity must be specified with --alter of users, clients, brokers or ips')
    if (type === 'topics' && (name === undefined || name === '')) throw new UsageError('An entity name must be specified with --alter of topics')
  }
  return {type, name}
}

/**
 * ConfigCommand.parseConfigsToBeAdded: `k1=v1,k2=[v1,v2],k3=v3`; commas inside
 * brackets stay in the value and the brackets are dropped; empty values allowed.
 */
export function parseAddConfig(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const pairs = splitOutsideBrackets(text, ',')
  for (const pair of pairs) {
    const kv = splitOutsideBrackets(pair, '=', true)
    if (kv.length !== 2) throw new UsageError('Invalid entity config: all configs to be added must be in the format "key=val".')
    const key = kv[0]!.trim()
    if (!/^[a-zA-Z0-9._-]*$/.test(key)) throw new UsageError(`Invalid character found for config key: ${key}`)
    out.set(key, kv[1]!.replace(/[[\]]/g, '').trim())
  }
  return out
}

/** Splits on `sep` where no ']' follows before the next '[' (Kafka's lookahead), trimming spaces around '='. */
function splitOutsideBrackets(text: string, sep: string, trimAround = false): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '[') depth++
    else if (ch === ']') depth = Math.max(0, depth - 1)
    if (ch === sep && depth === 0) {
      parts.push(trimAround ? current.replace(/\s+$/, '') : current)
      current = ''
      continue
    }
    current += ch
  }
  parts.push(current)
  return trimAround ? parts.map((p, i) => (i > 0 ? p.replace(/^\s+/, '') : p)) : parts
}

export function parseDeleteConfig(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim())
}

function resourceOf(entity: {type: EntityType; name: string}): ConfigResourceRef {
  return {resourceType: entity.type === 'topics' ? RESOURCE_TOPIC : RESOURCE_BROKER, resourceName: entity.name}
}

/** The dynamic source shown without --all: topic overrides, per-broker or cluster-default broker configs. */
function dynamicSourceOf(entity: {type: EntityType; name: string}): string {
  if (entity.type === 'topics') return 'DYNAMIC_TOPIC_CONFIG'
  return entity.name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG'
}

export interface DescribedEntity {
  type: EntityType
  name: string
  configs: ConfigEntry[]
}

/** getResourceConfig: the entity's entries, filtered to its dynamic source unless `all`, sorted by name. */
export async function entityConfigs(client: KafkaClient, entity: {type: EntityType; name: string}, all: boolean, includeSynonyms: boolean): Promise<ConfigEntry[]> {
  const resource = resourceOf(entity)
  const result = await describeConfigEntries(client, [resource], {includeSynonyms, includeDocumentation: false})
  const entries = result.get(`${resource.resourceType}\u0000${resource.resourceName}`) ?? []
  const source = dynamicSourceOf(entity)
  return entries.filter((e) => all || e.source === source).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** describeResourceConfig: every named entity (or all of the type, brokers then the default) with its entries. */
export async function describeEntities(client: KafkaClient, entity: ConfigEntity, all: boolean): Promise<DescribedEntity[]> {
  let names: string[]
  if (entity.name !== undefined) names = [entity.name]
  else if (entity.type === 'topics') {
    const {javaHashMapOrder} = await import('./java-order.js')
    const md = await client.metadata(null)
    names = javaHashMapOrder(
      md.topics.filter((t) => t.errorCode === 0 && t.name !== null).map((t) => t.name!),
      (n) => n,
    )
  } else {
    const conn = client.admin()
    let ids: number[]
    if (conn.supports(DescribeCluster)) {
      const response = await conn.request(DescribeCluster, {includeClusterAuthorizedOperations: false, endpointType: 1})
      ids = response.brokers.map((b) => b.brokerId)
    } else {
      await client.metadata([])
      ids = [...client.brokers.keys()]
    }
    names = [...ids.map(String), '']
  }
  const out: DescribedEntity[] = []
  for (const name of names) {
    out.push({type: entity.type, name, configs: await entityConfigs(client, {type: entity.type, name}, all, true)})
  }
  return out
}

/** Kafka's text for described entities. */
export function renderEntitiesText(entities: DescribedEntity[], all: boolean): string {
  const lines: string[] = []
  for (const e of entities) {
    if (e.type === 'brokers' && e.name === '') lines.push('Default configs for brokers in the cluster are:')
    else lines.push(`${all ? 'All' : 'Dynamic'} configs for ${e.type.slice(0, -1)} ${e.name} are:`)
    for (const c of e.configs) {
      const synonyms = c.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ')
      lines.push(`  ${c.name}=${c.value} sensitive=${c.isSensitive} synonyms={${synonyms}}`)
    }
  }
  return lines.join('\n')
}

/** One IncrementalAlterConfigs with SET and DELETE ops (Kafka 4's tool no longer checks deletions exist first). */
export async function alterEntityConfigs(client: KafkaClient, entity: {type: EntityType; name: string}, add: Map<string, string>, remove: string[]): Promise<string> {
  if (entity.type === 'topics' && entity.name !== '') validateTopicName(entity.name)
  const resource = resourceOf(entity)
  const ops = [...[...add].map(([name, value]) => ({name, configOperation: 0, value})), ...remove.map((name) => ({name, configOperation: 1, value: ''}))]
  const conn = resource.resourceType === RESOURCE_BROKER && entity.name !== '' ? await client.connectionTo(Number(entity.name)) : client.admin()
  const response = await conn.request(IncrementalAlterConfigs, {
    resources: [{resourceType: resource.resourceType, resourceName: resource.resourceName, configs: ops}],
    validateOnly: false,
  })
  for (const r of response.responses) {
    if (r.errorCode !== 0) throw new KafkaError(r.errorCode, r.errorMessage ?? undefined)
  }
  return entity.name !== '' ? `Completed updating config for ${entity.type.slice(0, -1)} ${entity.name}.` : `Completed updating default config for ${entity.type} in the cluster.`
}

/** org.apache.kafka.common.internals.Topic.validate, with Kafka 4's messages (the broker's own check). */
export function validateTopicName(name: string): void {
  const error = topicNameError(name)
  if (error !== null) throw new CommandError(error)
}
