// The controller of a single-node (combined broker+controller) cluster: it decides every metadata
// change as a list of records (Kafka's ReplicationControlManager and ConfigurationControlManager
// rules and messages), makes them durable in the metadata log, applies them to the image that
// handlers read (BrokerState for topics and partitions, ConfigImage for dynamic configs), and
// then tells the listeners (replica manager, group coordinator) what changed.
//
// Everything here runs synchronously on the event loop, so a decision and its commit cannot
// interleave with another request: the event loop is the single owner of the metadata.

import type {BrokerConfig} from '../config/broker-config.js'
import {ConfigError, valueToString, type AnyConfigDefinition} from '../config/config-def.js'
import {brokerConfigDef, usableDynamicConfigs, validateDynamicBrokerUpdate} from '../config/dynamic-broker-config.js'
import {TOPIC_CONFIG_DEFS, TopicConfig, isTopicConfigName, validateTopicOverrides, type TopicConfigSource} from '../config/topic-config.js'
import {INTERNAL_TOPICS, type BrokerState, type PartitionState, type TopicState} from '../broker/broker-state.js'
import type {Logger} from '../broker/logger.js'
import {topicNameError} from '../broker/topic-names.js'
import type {CreatableTopic} from '../protocol/generated/create-topics-request.js'
import type {CreatableTopicConfigs, CreatableTopicResult} from '../protocol/generated/create-topics-response.js'
import type {CreatePartitionsTopic} from '../protocol/generated/create-partitions-request.js'
import {ErrorCode, KafkaError, errorMessage, errorName} from '../protocol/errors.js'
import {ZERO_UUID} from '../protocol/primitives.js'
import {ConfigImage} from './config-image.js'
import type {MetadataDelta, MetadataListener, PartitionRegistration} from './metadata-delta.js'
import type {MetadataLog} from './metadata-log.js'
import {ConfigResourceType, LeaderRecoveryState, type ConfigRecord, type MetadataRecord, type PartitionRecord} from './metadata-records.js'
import {assignReplicas} from './replica-placement.js'

/** DescribeConfigs/CreateTopics config source ids. */
export const ConfigSourceId = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const

const SOURCE_IDS: Readonly<Record<TopicConfigSource, number>> = {
  DYNAMIC_TOPIC_CONFIG: ConfigSourceId.TOPIC_CONFIG,
  DYNAMIC_BROKER_CONFIG: ConfigSourceId.DYNAMIC_BROKER_CONFIG,
  DYNAMIC_DEFAULT_BROKER_CONFIG: ConfigSourceId.DYNAMIC_DEFAULT_BROKER_CONFIG,
  STATIC_BROKER_CONFIG: ConfigSourceId.STATIC_BROKER_CONFIG,
  DEFAULT_CONFIG: ConfigSourceId.DEFAULT_CONFIG,
}

/** The DescribeConfigs id of a config source. */
export function configSourceId(source: TopicConfigSource): number {
  return SOURCE_IDS[source]
}

export type ConfigOpType = 'SET' | 'DELETE' | 'APPEND' | 'SUBTRACT'

/** AlterConfigOp.OpType ids as IncrementalAlterConfigs sends them. */
const CONFIG_OPS: Readonly<Record<number, ConfigOpType>> = {0: 'SET', 1: 'DELETE', 2: 'APPEND', 3: 'SUBTRACT'}
const CONFIG_OP_IDS: Readonly<Record<ConfigOpType, number>> = {SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3}

const MIN_INSYNC_REPLICAS = 'min.insync.replicas'

/** One resource of an IncrementalAlterConfigs request. */
export interface IncrementalConfigResource {
  resourceType: number
  resourceName: string
  configs: readonly {name: string; configOperation: number; value: string | null}[]
}

/** One resource of a (legacy) AlterConfigs request. */
export interface LegacyConfigResource {
  resourceType: number
  resourceName: string
  configs: readonly {name: string; value: string | null}[]
}

export interface ConfigResourceResult {
  errorCode: number
  errorMessage: string | null
}

/** An operation id Kafka's controller does not know; it answers UNKNOWN_SERVER_ERROR without a message. */
class UnknownOperation extends Error {}

export interface ConfigOp {
  name: string
  op: ConfigOpType
  value: string | null
}

export interface TopicDeletionResult {
  name: string | null
  topicId: string
  errorCode: number
  errorMessage: string | null
}

export interface ControllerOptions {
  config: BrokerConfig
  state: BrokerState
  metadataLog: MetadataLog
  logger: Logger
  random?: () => number
}

function randomTopicId(random: () => number): string {
  const bytes = Buffer.alloc(16)
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256)
  // Kafka never hands out the zero UUID nor one whose text form starts with '-' (it reads as an option).
  const id = bytes.toString('base64url')
  return id === ZERO_UUID || id.startsWith('-') ? randomTopicId(random) : id
}

export class Controller {
  readonly configs = new ConfigImage()
  private readonly listeners: MetadataListener[] = []
  private readonly config: BrokerConfig
  private readonly state: BrokerState
  private readonly metadataLog: MetadataLog
  private readonly log: Logger
  private readonly random: () => number
  /** Pending delta of the commit being applied. */
  private delta: MetadataDelta | null = null

  private constructor(opts: ControllerOptions) {
    this.config = opts.config
    this.state = opts.state
    this.metadataLog = opts.metadataLog
    this.log = opts.logger.child(`[QuorumController id=${opts.state.nodeId}] `, 'org.apache.kafka.controller.QuorumController')
    this.random = opts.random ?? Math.random
  }

  /** Replays the metadata log into the image. Listeners hear nothing until publishInitial(). */
  static open(opts: ControllerOptions): Controller {
    const c = new Controller(opts)
    const records = opts.metadataLog.readAll()
    for (const r of records) c.apply(r)
    c.log.info(`Replayed ${records.length} metadata records; ${opts.state.topics().length} topics.`)
    c.refreshDynamicBrokerConfigs()
    // Kafka 4 clusters run with Eligible Leader Replicas: the controller pins min.insync.replicas at
    // the cluster level to the static value when it is not set there yet.
    if (!c.configs.get(ConfigResourceType.BROKER, '').has(MIN_INSYNC_REPLICAS)) {
      c.commit([{type: 'ConfigRecord', resourceType: ConfigResourceType.BROKER, resourceName: '', name: MIN_INSYNC_REPLICAS, value: String(opts.config.get(MIN_INSYNC_REPLICAS))}])
    }
    return c
  }

  addListener(listener: MetadataListener): void {
    this.listeners.push(listener)
  }

  /** Tells every listener the whole image, as a delta from nothing. */
  publishInitial(): void {
    const delta: MetadataDelta = {initial: true, changedPartitions: [], deletedTopics: [], changedTopicConfigs: [], brokerConfigsChanged: false}
    for (const t of this.state.topics()) for (const p of t.partitions) delta.changedPartitions.push(this.registration(t, p))
    for (const l of this.listeners) l.applyMetadataDelta(delta)
  }

  close(): void {
    this.metadataLog.close()
  }

  // ---------------------------------------------------------------- topics

  hasTopic(name: string): boolean {
    return this.state.topic(name) !== undefined
  }

  /** Effective config of a topic: its overrides on top of the broker's defaults (dynamic ones included). */
  topicConfig(name: string): TopicConfig {
    return new TopicConfig(this.configs.topic(name), this.config)
  }

  /**
   * CreateTopics, as Kafka's controller: names validated, existing and colliding topics refused,
   * configs validated, replicas placed; with validateOnly nothing is written.
   */
  createTopics(topics: readonly CreatableTopic[], validateOnly: boolean): CreatableTopicResult[] {
    const errors = new Map<string, KafkaError>()
    const seen = new Set<string>()
    for (const t of topics) {
      if (seen.has(t.name)) errors.set(t.name, new KafkaError(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'))
      seen.add(t.name)
    }
    const records: MetadataRecord[] = []
    const results: CreatableTopicResult[] = []
    // Names created earlier in this same request count for collisions too.
    const pendingNames: string[] = []
    for (const t of topics) {
      let error = errors.get(t.name)
      let result: CreatableTopicResult | null = null
      if (!error) {
        try {
          result = this.planTopic(t, records, pendingNames)
          pendingNames.push(t.name)
        } catch (e) {
          error = toKafkaError(e)
        }
      }
      if (error) {
        results.push(errorTopicResult(t.name, error))
        this.log.info(`CreateTopics ${t.name}: ${errorName(error.code)} (${error.message})`)
      } else results.push(result!)
    }
    if (!validateOnly) this.commit(records)
    return results
  }

  private planTopic(t: CreatableTopic, records: MetadataRecord[], pendingNames: readonly string[]): CreatableTopicResult {
    const nameError = topicNameError(t.name)
    if (nameError !== null) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError)
    if (this.state.topic(t.name) || pendingNames.includes(t.name)) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`)
    if (/[._]/.test(t.name)) {
      const unified = t.name.replace(/\./g, '_')
      const colliding = [...this.state.topicNames(), ...pendingNames].find((n) => n !== t.name && n.replace(/\./g, '_') === unified)
      if (colliding !== undefined) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${t.name}' collides with existing topic: ${colliding}`)
    }
    const nulls = t.configs.filter((c) => c.value === null).map((c) => c.name)
    if (nulls.length > 0) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nulls.join(',')}`)
    const overrides = new Map(t.configs.map((c) => [c.name, c.value!]))
    let effective: TopicConfig
    try {
      validateTopicOverrides(overrides)
      effective = new TopicConfig(overrides, this.config)
    } catch (e) {
      if (e instanceof ConfigError) throw new KafkaError(ErrorCode.INVALID_CONFIG, e.message)
      throw e
    }

    const alive = this.state.aliveBrokers()
    const assignment = new Map<number, number[]>()
    if (t.assignments.length > 0) {
      if (t.replicationFactor !== -1) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.')
      }
      if (t.numPartitions !== -1) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.')
      let rf: number | undefined
      for (const a of t.assignments) {
        if (assignment.has(a.partitionIndex)) {
          throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Found multiple manual partition assignments for partition ${a.partitionIndex}`)
        }
        this.validateManualPartition(a.brokerIds, rf)
        rf = a.brokerIds.length
        assignment.set(a.partitionIndex, [...a.brokerIds])
      }
      for (let i = 0; i < assignment.size; i++) {
        if (!assignment.has(i)) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence')
      }
    } else if (t.replicationFactor < -1 || t.replicationFactor === 0) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.')
    } else if (t.numPartitions < -1 || t.numPartitions === 0) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.')
    } else {
      const numPartitions = t.numPartitions === -1 ? this.config.get('num.partitions') : t.numPartitions
      const rf = t.replicationFactor === -1 ? this.config.get('default.replication.factor') : t.replicationFactor
      if (rf > alive.length) {
        throw new KafkaError(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${alive.length} broker(s) are registered.`,
        )
      }
      const placed = assignReplicas(
        alive.map((b) => ({id: b.nodeId, rack: b.rack})),
        numPartitions,
        rf,
        {random: this.random},
      )
      for (const [p, replicas] of placed) assignment.set(p, replicas)
    }

    const topicId = randomTopicId(this.random)
    records.push({type: 'TopicRecord', name: t.name, topicId})
    for (const [name, value] of overrides) records.push({type: 'ConfigRecord', resourceType: ConfigResourceType.TOPIC, resourceName: t.name, name, value})
    for (const [partitionId, replicas] of [...assignment].sort((a, b) => a[0] - b[0])) {
      records.push(this.newPartitionRecord(topicId, partitionId, replicas))
    }
    return {
      name: t.name,
      topicId,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topicConfigErrorCode: ErrorCode.NONE,
      numPartitions: assignment.size,
      replicationFactor: assignment.get(0)!.length,
      configs: describeTopicConfigs(effective),
    }
  }

  private newPartitionRecord(topicId: string, partitionId: number, replicas: number[]): PartitionRecord {
    const isr = replicas.filter((r) => this.state.aliveBrokers().some((b) => b.nodeId === r))
    if (isr.length === 0) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${replicas.length} time(s): All brokers are currently fenced or in controlled shutdown.`)
    }
    return {
      type: 'PartitionRecord',
      partitionId,
      topicId,
      replicas,
      isr,
      removingReplicas: [],
      addingReplicas: [],
      leader: isr[0]!,
      leaderRecoveryState: LeaderRecoveryState.RECOVERED,
      leaderEpoch: 0,
      partitionEpoch: 0,
    }
  }

  private validateManualPartition(brokerIds: readonly number[], rf: number | undefined): void {
    if (brokerIds.length === 0) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.')
    const sorted = [...brokerIds].sort((a, b) => a - b)
    let prev: number | undefined
    for (const id of sorted) {
      if (!this.state.broker(id)) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${id}, but no such broker is registered.`)
      }
      if (id === prev) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${prev} more than once.`)
      prev = id
    }
    if (rf !== undefined && sorted.length !== rf) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${rf} replica(s).`,
      )
    }
  }

  /**
   * Creates an internal topic (__consumer_offsets, __transaction_state) if it does not exist yet,
   * with the replication factor capped at the live broker count, as Kafka's auto-creation does.
   */
  ensureInternalTopic(name: string, numPartitions: number, replicationFactor: number, configs: Record<string, string>): TopicState {
    const existing = this.state.topic(name)
    if (existing) return existing
    const rf = Math.max(1, Math.min(replicationFactor, this.state.aliveBrokers().length))
    const [result] = this.createTopics(
      [{name, numPartitions, replicationFactor: rf, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({name: n, value}))}],
      false,
    )
    if (result!.errorCode !== ErrorCode.NONE) throw new KafkaError(result!.errorCode, result!.errorMessage ?? `Could not create ${name}`)
    return this.state.topic(name)!
  }

  /** Auto-creation from Metadata: the broker's default partition count and replication factor. */
  autoCreateTopic(name: string): void {
    const [result] = this.createTopics([{name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: []}], false)
    if (result!.errorCode !== ErrorCode.NONE && result!.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      throw new KafkaError(result!.errorCode, result!.errorMessage ?? '')
    }
  }

  /** DeleteTopics by name or id (exactly one of them per entry), as Kafka's ControllerApis. */
  deleteTopics(entries: readonly {name: string | null; topicId: string}[]): TopicDeletionResult[] {
    const results: TopicDeletionResult[] = []
    const records: MetadataRecord[] = []
    const names = new Map<string, number>()
    const ids = new Map<string, number>()
    for (const e of entries) {
      if (e.name !== null && e.topicId !== ZERO_UUID) {
        results.push({name: e.name, topicId: e.topicId, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'You may not specify both topic name and topic id.'})
      } else if (e.name !== null) names.set(e.name, (names.get(e.name) ?? 0) + 1)
      else if (e.topicId !== ZERO_UUID) ids.set(e.topicId, (ids.get(e.topicId) ?? 0) + 1)
      else results.push({name: null, topicId: ZERO_UUID, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Neither topic name nor id were specified.'})
    }
    const remove = (t: TopicState): void => {
      records.push({type: 'RemoveTopicRecord', topicId: t.topicId})
    }
    for (const [name, count] of names) {
      if (count > 1) {
        results.push({name, topicId: ZERO_UUID, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.'})
        continue
      }
      const t = this.state.topic(name)
      if (!t) {
        results.push({name, topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: errorMessage(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)})
        continue
      }
      remove(t)
      results.push({name, topicId: t.topicId, errorCode: ErrorCode.NONE, errorMessage: null})
    }
    for (const [id, count] of ids) {
      if (count > 1) {
        results.push({name: null, topicId: id, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic id.'})
        continue
      }
      const t = this.state.topicById(id)
      if (!t) {
        results.push({name: null, topicId: id, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: errorMessage(ErrorCode.UNKNOWN_TOPIC_ID)})
        continue
      }
      remove(t)
      results.push({name: t.name, topicId: id, errorCode: ErrorCode.NONE, errorMessage: null})
    }
    this.commit(records)
    return results
  }

  /** CreatePartitions: increase only, optional manual assignments for the new partitions. */
  createPartitions(topics: readonly CreatePartitionsTopic[], validateOnly: boolean): {name: string; errorCode: number; errorMessage: string | null}[] {
    const records: MetadataRecord[] = []
    const results = topics.map((topic) => {
      try {
        records.push(...this.planPartitions(topic))
        return {name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null}
      } catch (e) {
        const err = toKafkaError(e)
        return {name: topic.name, errorCode: err.code, errorMessage: err.message}
      }
    })
    if (!validateOnly) this.commit(records)
    return results
  }

  private planPartitions(topic: CreatePartitionsTopic): PartitionRecord[] {
    const t = this.state.topic(topic.name)
    if (!t) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
    const current = t.partitions.length
    if (topic.count === current) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`)
    if (topic.count < current) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `The topic ${topic.name} currently has ${current} partition(s); ${topic.count} would not be an increase.`)
    }
    const additional = topic.count - current
    if (topic.assignments !== null && topic.assignments.length !== additional) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Attempted to add ${additional} additional partition(s), but only ${topic.assignments.length} assignment(s) were specified.`,
      )
    }
    const rf = t.partitions[0]!.replicas.length
    let assignments: number[][]
    if (topic.assignments !== null) {
      assignments = topic.assignments.map((a) => {
        this.validateManualPartition(a.brokerIds, rf)
        return [...a.brokerIds]
      })
    } else {
      const alive = this.state.aliveBrokers()
      if (rf > alive.length) {
        throw new KafkaError(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${alive.length} broker(s) are registered.`,
        )
      }
      const placed = assignReplicas(
        alive.map((b) => ({id: b.nodeId, rack: b.rack})),
        additional,
        rf,
        {random: this.random, startPartitionId: current},
      )
      assignments = [...placed.values()]
    }
    return assignments.map((replicas, i) => this.newPartitionRecord(t.topicId, current + i, replicas))
  }

  // ---------------------------------------------------------------- configs

  /**
   * IncrementalAlterConfigs for TOPIC and BROKER resources, as Kafka's forwarding broker
   * (ConfigAdminManager) and controller (ConfigurationControlManager) decide it together. The
   * request-level checks (duplicate resources and keys, null values, BROKER_LOGGER) are done by
   * the caller (config-admin.ts). Each resource gets its own result; the changes of every
   * successful resource are committed at once, unless validateOnly.
   */
  incrementalAlterConfigs(resources: readonly IncrementalConfigResource[], validateOnly: boolean): ConfigResourceResult[] {
    return this.alterConfigResources(resources.map((r) => () => this.planIncremental(r)), validateOnly, resources)
  }

  /** AlterConfigs (the legacy API): each resource's given set replaces all its dynamic configs. */
  legacyAlterConfigs(resources: readonly LegacyConfigResource[], validateOnly: boolean): ConfigResourceResult[] {
    return this.alterConfigResources(resources.map((r) => () => this.planLegacy(r)), validateOnly, resources)
  }

  /** One resource's incremental operations; throws KafkaError with Kafka's message. */
  alterConfigs(resourceType: number, resourceName: string, ops: readonly ConfigOp[], validateOnly: boolean): void {
    const configs = ops.map((o) => ({name: o.name, configOperation: CONFIG_OP_IDS[o.op], value: o.value}))
    const [result] = this.incrementalAlterConfigs([{resourceType, resourceName, configs}], validateOnly)
    if (result!.errorCode !== ErrorCode.NONE) throw new KafkaError(result!.errorCode, result!.errorMessage ?? undefined)
  }

  /** One resource's legacy AlterConfigs: the given set replaces every existing dynamic config. */
  replaceConfigs(resourceType: number, resourceName: string, configs: readonly {name: string; value: string | null}[], validateOnly: boolean): void {
    const [result] = this.legacyAlterConfigs([{resourceType, resourceName, configs}], validateOnly)
    if (result!.errorCode !== ErrorCode.NONE) throw new KafkaError(result!.errorCode, result!.errorMessage ?? undefined)
  }

  private alterConfigResources(
    plans: ReadonlyArray<() => ConfigRecord[]>,
    validateOnly: boolean,
    resources: ReadonlyArray<{resourceType: number; resourceName: string}>,
  ): ConfigResourceResult[] {
    const records: ConfigRecord[] = []
    const results = plans.map((plan, i): ConfigResourceResult => {
      try {
        records.push(...plan())
        return {errorCode: ErrorCode.NONE, errorMessage: null}
      } catch (e) {
        if (e instanceof UnknownOperation) return {errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null}
        const err = toKafkaError(e)
        const r = resources[i]!
        this.log.info(`Alter configs of ${configResourceText(r.resourceType, r.resourceName)}: ${errorName(err.code)} (${err.message})`)
        return {errorCode: err.code, errorMessage: err.message}
      }
    })
    if (!validateOnly) this.commit(records)
    return results
  }

  private planIncremental(r: IncrementalConfigResource): ConfigRecord[] {
    if (r.resourceType === ConfigResourceType.TOPIC) {
      const current = this.configs.get(r.resourceType, r.resourceName)
      const next = new Map(current)
      const records: ConfigRecord[] = []
      for (const c of r.configs) {
        const op = CONFIG_OPS[c.configOperation]
        // Kafka's controller has no answer for an unknown operation but an internal error.
        if (op === undefined) throw new UnknownOperation()
        const currentValue = current.get(c.name) ?? null
        let value: string | null
        if (op === 'SET') value = c.value
        else if (op === 'DELETE') value = null
        else {
          if (!isTopicConfigName(c.name) || TOPIC_CONFIG_DEFS[c.name].type !== 'list') {
            throw new KafkaError(ErrorCode.INVALID_CONFIG, `Can't ${op} to key ${c.name} because its type is not LIST.`)
          }
          const dflt = TOPIC_CONFIG_DEFS[c.name] as AnyConfigDefinition
          value = applyListOp(op, currentValue ?? valueToString(dflt.defaultValue, 'list'), c.value ?? '')
        }
        if (value === null) next.delete(c.name)
        else next.set(c.name, value)
        if (value !== currentValue) records.push(configRecord(r, c.name, value))
      }
      this.validateTopicConfigs(r.resourceName, next)
      return records
    }
    if (r.resourceType === ConfigResourceType.BROKER) {
      const perBroker = this.checkBrokerResourceName(r.resourceName)
      const ops = r.configs.map((c) => {
        const op = CONFIG_OPS[c.configOperation]
        if (op === undefined) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown operations type ${c.configOperation}`)
        return {name: c.name, op, value: c.value}
      })
      const stored = usableDynamicConfigs(this.configs.get(r.resourceType, r.resourceName), perBroker).usable
      const next = prepareBrokerConfigOps(ops, stored)
      this.validateBrokerConfigs(next, perBroker)
      // Kafka writes a record for every key named, changed or not, so brokers reload it.
      const records = ops.map((o) => configRecord(r, o.name, next.get(o.name) ?? null))
      this.checkMinInsyncReplicasRule(r.resourceName, records, next)
      return records
    }
    throw unsupportedConfigResource(r.resourceType)
  }

  private planLegacy(r: LegacyConfigResource): ConfigRecord[] {
    const current = this.configs.get(r.resourceType, r.resourceName)
    const given = new Map(r.configs.map((c) => [c.name, c.value]))
    const isBroker = r.resourceType === ConfigResourceType.BROKER
    const records: ConfigRecord[] = []
    for (const [name, value] of given) if (isBroker || current.get(name) !== value) records.push(configRecord(r, name, value))
    for (const name of current.keys()) if (!given.has(name)) records.push(configRecord(r, name, null))
    const next = new Map([...given].filter((e): e is [string, string] => e[1] !== null))
    if (r.resourceType === ConfigResourceType.TOPIC) {
      this.validateTopicConfigs(r.resourceName, next)
      return records
    }
    if (isBroker) {
      const perBroker = this.checkBrokerResourceName(r.resourceName)
      this.validateBrokerConfigs(next, perBroker)
      this.checkMinInsyncReplicasRule(r.resourceName, records.filter((rec) => given.has(rec.name)), next)
      return records
    }
    throw unsupportedConfigResource(r.resourceType)
  }

  /** The checks of a topic's complete new override set (ControllerConfigurationValidator, LogConfig.validate), then existence. */
  private validateTopicConfigs(topic: string, overrides: ReadonlyMap<string, string>): void {
    if (topic === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.')
    const nameError = topicNameError(topic)
    if (nameError !== null) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError)
    try {
      new TopicConfig(overrides, this.config)
    } catch (e) {
      if (e instanceof ConfigError) throw new KafkaError(ErrorCode.INVALID_CONFIG, e.message)
      throw e
    }
    if (!this.state.topic(topic)) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${topic}' does not exist.`)
  }

  /** A BROKER resource is this broker's id or "" (the cluster default); returns whether it is per-broker. */
  private checkBrokerResourceName(name: string): boolean {
    if (name === '') return false
    if (!/^[+-]?\d+$/.test(name) || !Number.isSafeInteger(Number(name)) || Math.abs(Number(name)) > 2147483647) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`)
    }
    if (Number(name) !== this.state.nodeId) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.state.nodeId}, but received ${name}`)
    }
    return true
  }

  /** Dynamic broker config validation as the forwarding broker does it: every failure is INVALID_REQUEST. */
  private validateBrokerConfigs(props: ReadonlyMap<string, string>, perBroker: boolean): void {
    try {
      validateDynamicBrokerUpdate(this.config, props, perBroker)
    } catch (e) {
      if (e instanceof ConfigError) throw new KafkaError(ErrorCode.INVALID_REQUEST, e.message)
      throw e
    }
  }

  /**
   * Kafka 4 clusters run with Eligible Leader Replicas, which pins min.insync.replicas to the
   * cluster level: it can be changed there but not removed, and not set per broker.
   */
  private checkMinInsyncReplicasRule(resourceName: string, records: readonly ConfigRecord[], next: ReadonlyMap<string, string>): void {
    if (resourceName === '') {
      if (!next.has(MIN_INSYNC_REPLICAS)) {
        throw new KafkaError(ErrorCode.INVALID_CONFIG, 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.')
      }
    } else if (records.some((r) => r.name === MIN_INSYNC_REPLICAS)) {
      throw new KafkaError(ErrorCode.INVALID_CONFIG, 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.')
    }
  }

  /** Puts the stored dynamic broker configs (this broker's and the cluster default) in force. */
  private refreshDynamicBrokerConfigs(): void {
    const perBroker = usableDynamicConfigs(this.configs.get(ConfigResourceType.BROKER, String(this.state.nodeId)), true)
    const clusterDefault = usableDynamicConfigs(this.configs.get(ConfigResourceType.BROKER, ''), false)
    for (const problem of [...perBroker.dropped, ...clusterDefault.dropped]) this.log.error(problem)
    try {
      this.config.applyDynamicLayers(perBroker.usable, clusterDefault.usable)
    } catch (e) {
      this.log.error(`Dynamic broker configs could not be applied: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  // ---------------------------------------------------------------- commit and apply

  private commit(records: MetadataRecord[]): void {
    if (records.length === 0) return
    this.metadataLog.append(records)
    this.delta = {initial: false, changedPartitions: [], deletedTopics: [], changedTopicConfigs: [], brokerConfigsChanged: false}
    for (const r of records) this.apply(r)
    const delta = this.delta
    this.delta = null
    if (delta.brokerConfigsChanged) {
      this.refreshDynamicBrokerConfigs()
      // Topic log configs fall back to the broker's: every topic's effective config may have changed.
      for (const name of this.state.topicNames()) if (!delta.changedTopicConfigs.includes(name)) delta.changedTopicConfigs.push(name)
    }
    for (const l of this.listeners) l.applyMetadataDelta(delta)
  }

  private apply(record: MetadataRecord): void {
    const delta = this.delta
    switch (record.type) {
      case 'TopicRecord':
        this.state.putTopic({name: record.name, topicId: record.topicId, isInternal: INTERNAL_TOPICS.has(record.name), partitions: []})
        break
      case 'PartitionRecord': {
        const t = this.state.topicById(record.topicId)
        if (!t) break
        const p: PartitionState = {
          partitionIndex: record.partitionId,
          leaderId: record.leader,
          leaderEpoch: record.leaderEpoch,
          partitionEpoch: record.partitionEpoch,
          replicas: record.replicas,
          isr: record.isr,
          offlineReplicas: [],
        }
        t.partitions[record.partitionId] = p
        delta?.changedPartitions.push(this.registration(t, p))
        break
      }
      case 'PartitionChangeRecord': {
        const t = this.state.topicById(record.topicId)
        const p = t?.partitions[record.partitionId]
        if (!t || !p) break
        if (record.isr) p.isr = record.isr
        if (record.replicas) p.replicas = record.replicas
        if (record.leader !== undefined && record.leader !== p.leaderId) {
          p.leaderId = record.leader
          p.leaderEpoch++
        }
        p.partitionEpoch++
        delta?.changedPartitions.push(this.registration(t, p))
        break
      }
      case 'RemoveTopicRecord': {
        const t = this.state.topicById(record.topicId)
        if (!t) break
        this.state.removeTopic(t.name)
        this.configs.removeResource(ConfigResourceType.TOPIC, t.name)
        delta?.deletedTopics.push({name: t.name, topicId: t.topicId, partitions: t.partitions.length})
        break
      }
      case 'ConfigRecord':
        this.configs.apply(record)
        if (record.resourceType === ConfigResourceType.TOPIC) {
          if (delta && !delta.changedTopicConfigs.includes(record.resourceName)) delta.changedTopicConfigs.push(record.resourceName)
        } else if (record.resourceType === ConfigResourceType.BROKER && delta) delta.brokerConfigsChanged = true
        break
      case 'FeatureLevelRecord':
        this.state.finalizeFeature(record.name, record.featureLevel)
        break
      default:
        // Broker registration and producer-id records belong to the multi-broker controller; a
        // single node keeps its own registration in BrokerState.
        break
    }
  }

  private registration(t: TopicState, p: PartitionState): PartitionRegistration {
    return {
      topic: t.name,
      topicId: t.topicId,
      partition: p.partitionIndex,
      replicas: p.replicas,
      isr: p.isr,
      leader: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      partitionEpoch: p.partitionEpoch,
    }
  }
}

function configRecord(r: {resourceType: number; resourceName: string}, name: string, value: string | null): ConfigRecord {
  return {type: 'ConfigRecord', resourceType: r.resourceType, resourceName: r.resourceName, name, value}
}

const RESOURCE_TYPE_NAMES: Readonly<Record<number, string>> = {2: 'TOPIC', 4: 'BROKER', 8: 'BROKER_LOGGER', 16: 'CLIENT_METRICS', 32: 'GROUP'}

function configResourceText(resourceType: number, resourceName: string): string {
  return `ConfigResource(type=${RESOURCE_TYPE_NAMES[resourceType] ?? 'UNKNOWN'}, name='${resourceName}')`
}

/** CLIENT_METRICS and GROUP configs are Kafka's, not yet tskafka's; anything else is unknown. */
function unsupportedConfigResource(resourceType: number): KafkaError {
  const name = RESOURCE_TYPE_NAMES[resourceType]
  if (name !== undefined) return new KafkaError(ErrorCode.INVALID_REQUEST, `Config resources of type ${name} are not supported by this broker`)
  return new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${resourceType}`)
}

/** The list operations of IncrementalAlterConfigs on a topic (ConfigurationControlManager). */
function applyListOp(op: 'APPEND' | 'SUBTRACT', current: string | null, operand: string): string {
  const items = (current ?? '').split(',').filter((s) => s !== '')
  if (op === 'APPEND') {
    for (const v of operand.split(',')) if (!items.includes(v)) items.push(v)
  } else {
    for (const v of operand.split(',')) {
      const i = items.indexOf(v)
      if (i >= 0) items.splice(i, 1)
    }
  }
  return items.join(',')
}

/**
 * Incremental operations on a broker resource's stored dynamic configs, as Kafka's broker
 * applies them before validating (ConfigAdminManager.prepareIncrementalConfigs); APPEND and
 * SUBTRACT only on list configs, starting from the default when unset.
 */
function prepareBrokerConfigOps(ops: readonly {name: string; op: ConfigOpType; value: string | null}[], stored: ReadonlyMap<string, string>): Map<string, string> {
  const props = new Map(stored)
  for (const {name, op, value} of ops) {
    if (op === 'SET') props.set(name, value!)
    else if (op === 'DELETE') props.delete(name)
    else {
      const def = brokerConfigDef(name)
      if (def === undefined) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown config name: ${name}`)
      if (def.type !== 'list') {
        throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config value ${op === 'APPEND' ? 'append' : 'subtract'} is not allowed for config key: ${name}`)
      }
      const old = props.get(name) ?? valueToString(def.defaultValue, 'list')
      const oldItems = op === 'APPEND' ? (old === null || old === '' ? [] : old.split(',')) : (old ?? '').split(',')
      const operand = (value ?? '').split(',')
      let items: string[]
      if (op === 'APPEND') items = [...oldItems, ...operand.filter((v) => !oldItems.includes(v))]
      else {
        items = [...oldItems]
        for (const v of operand) {
          const i = items.indexOf(v)
          if (i >= 0) items.splice(i, 1)
        }
      }
      props.set(name, items.join(','))
    }
  }
  return props
}

function toKafkaError(e: unknown): KafkaError {
  if (e instanceof KafkaError) return e
  if (e instanceof ConfigError) return new KafkaError(ErrorCode.INVALID_CONFIG, e.message)
  return new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, e instanceof Error ? e.message : String(e))
}

function errorTopicResult(name: string, error: KafkaError): CreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode: error.code,
    errorMessage: error.message,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  }
}

/** The effective topic configs, sorted by name, as CreateTopics v5+ returns them. */
export function describeTopicConfigs(tc: TopicConfig): CreatableTopicConfigs[] {
  return (Object.keys(TOPIC_CONFIG_DEFS) as (keyof typeof TOPIC_CONFIG_DEFS)[])
    .sort()
    // No topic config is a password, so none is sensitive.
    .map((name) => ({
      name,
      value: tc.valueString(name),
      readOnly: false,
      configSource: SOURCE_IDS[tc.source(name)],
      isSensitive: false,
    }))
}
