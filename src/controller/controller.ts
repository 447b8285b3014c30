// The controller: it decides every metadata change as a list of records (Kafka's
// ReplicationControlManager, ConfigurationControlManager and ClusterControlManager rules and
// messages), and keeps every node's image of the cluster metadata.
//
// - On every node, committed records of the metadata log (the Raft client hands them over in
//   order, once committed by a majority of the controller quorum) are applied to the image that
//   handlers read (BrokerState for brokers, topics and partitions; ConfigImage for dynamic
//   configs), and the listeners (replica manager, group coordinator) hear what changed.
// - On the active controller (the Raft leader) only, admin requests are planned against the
//   image, one at a time (a queue): plan, append as leader, wait for the commit, answer. The
//   next plan sees the previous change applied.
// - On any other node, the same calls are forwarded to the active controller over its
//   controller listener (CreateTopics, DeleteTopics, CreatePartitions, IncrementalAlterConfigs,
//   AlterConfigs, BrokerRegistration, BrokerHeartbeat, UnregisterBroker), as Kafka's brokers
//   forward them, and its answer is relayed. submit() is the one place that decides.
// - The active controller also tracks broker heartbeats: it unfences brokers that caught up,
//   fences brokers whose session expired (moving their partition leadership to the ISR), and
//   walks brokers through controlled shutdown.
//
// A lone node (no controller.quorum.voters) is a quorum of one: it leads at once and every
// commit is immediate, so a single broker behaves as it always did.

import {randomBytes} from 'node:crypto'

import type {BrokerConfig} from '../config/broker-config.js'
import {ConfigError, RequirementError, valueToString, type AnyConfigDefinition} from '../config/config-def.js'
import {brokerConfigDef, usableDynamicConfigs, validateDynamicBrokerUpdate} from '../config/dynamic-broker-config.js'
import {TOPIC_CONFIG_DEFS, TopicConfig, isTopicConfigName, validateTopicOverrides, type TopicConfigSource} from '../config/topic-config.js'
import {INTERNAL_TOPICS, METADATA_VERSION_LEVEL, type BrokerInfo, type BrokerState, type PartitionState, type TopicState} from '../broker/broker-state.js'
import type {Logger} from '../broker/logger.js'
import {topicNameError} from '../broker/topic-names.js'
import type {CreatableTopic} from '../protocol/generated/create-topics-request.js'
import type {CreatableTopicConfigs, CreatableTopicResult} from '../protocol/generated/create-topics-response.js'
import type {CreatePartitionsTopic} from '../protocol/generated/create-partitions-request.js'
import type {BrokerHeartbeatRequest} from '../protocol/generated/broker-heartbeat-request.js'
import type {BrokerHeartbeatResponse} from '../protocol/generated/broker-heartbeat-response.js'
import type {BrokerRegistrationRequest} from '../protocol/generated/broker-registration-request.js'
import type {BrokerRegistrationResponse} from '../protocol/generated/broker-registration-response.js'
import type {AllocateProducerIdsResponse} from '../protocol/generated/allocate-producer-ids-response.js'
import {PRODUCER_ID_BLOCK_SIZE} from '../broker/producer-id-manager.js'
import {ErrorCode, KafkaError, errorMessage, errorName} from '../protocol/errors.js'
import {ZERO_UUID} from '../protocol/primitives.js'
import {brokerInfoOf, ClusterControl} from './cluster-control.js'
import {ConfigImage} from './config-image.js'
import {electForLeaderlessPartition, removeBrokerFromPartition, type PartitionChange, type PartitionEpochView} from './leader-election.js'
import type {MetadataDelta, MetadataListener, PartitionRegistration} from './metadata-delta.js'
import type {MetadataBatch, MetadataLog} from './metadata-log.js'
import {ConfigResourceType, LeaderRecoveryState, type ConfigRecord, type MetadataRecord, type PartitionChangeRecord, type PartitionRecord} from './metadata-records.js'
import type {DescribeQuorumRequest} from '../protocol/generated/describe-quorum-request.js'
import type {DescribeQuorumResponse} from '../protocol/generated/describe-quorum-response.js'
import {AllocateProducerIds, AlterConfigs, BrokerHeartbeat, BrokerRegistration, CreatePartitions, CreateTopics, DeleteTopics, DescribeQuorum, IncrementalAlterConfigs, UnregisterBroker} from './raft/node-apis.js'
import {NodeChannel} from './raft/node-channel.js'
import {QuorumStateStore} from './raft/quorum-state-store.js'
import {NotLeaderError, RaftClient, type RaftListener} from './raft/raft-client.js'
import {parseBootstrapServers, parseQuorumVoters} from './raft/voters.js'
import {validateManualAssignment} from './reassignment.js'
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

/** How long an admin request keeps trying to reach an active controller. */
const SUBMIT_TIMEOUT_MS = 30_000
/** Per-attempt timeout of a forwarded request (it waits for the commit on the controller). */
const FORWARD_REQUEST_TIMEOUT_MS = 15_000
const RETRY_BACKOFF_MS = 50

/** Who asks: a handler on a broker listener (forward if need be) or on the controller listener (never forward again). */
export interface SubmitOptions {
  forwarded?: boolean
}

export class NotControllerError extends KafkaError {
  constructor(message = 'This node is not the active controller.') {
    super(ErrorCode.NOT_CONTROLLER, message)
  }
}

type PartitionResult = {name: string; errorCode: number; errorMessage: string | null}

/** A controller operation: planned on the active controller, or forwarded to it. */
type Op =
  | {kind: 'createTopics'; topics: readonly CreatableTopic[]; validateOnly: boolean}
  | {kind: 'deleteTopics'; entries: readonly {name: string | null; topicId: string}[]}
  | {kind: 'createPartitions'; topics: readonly CreatePartitionsTopic[]; validateOnly: boolean}
  | {kind: 'incrementalAlterConfigs'; resources: readonly IncrementalConfigResource[]; validateOnly: boolean}
  | {kind: 'legacyAlterConfigs'; resources: readonly LegacyConfigResource[]; validateOnly: boolean}
  | {kind: 'registerBroker'; request: BrokerRegistrationRequest}
  | {kind: 'brokerHeartbeat'; request: BrokerHeartbeatRequest}
  | {kind: 'unregisterBroker'; brokerId: number}
  | {kind: 'allocateProducerIds'; brokerId: number; brokerEpoch: bigint; floor: bigint}
  | {kind: 'internal'; name: string; plan: () => MetadataRecord[]}

interface OpResults {
  createTopics: CreatableTopicResult[]
  deleteTopics: TopicDeletionResult[]
  createPartitions: PartitionResult[]
  incrementalAlterConfigs: ConfigResourceResult[]
  legacyAlterConfigs: ConfigResourceResult[]
  registerBroker: BrokerRegistrationResponse
  brokerHeartbeat: BrokerHeartbeatResponse
  unregisterBroker: {errorCode: number; errorMessage: string | null}
  allocateProducerIds: AllocateProducerIdsResponse
  internal: void
}

type ResultOf<O extends Op> = OpResults[O['kind']]

interface Queued {
  op: Op
  resolve(value: unknown): void
  reject(error: unknown): void
}

interface CommitWaiter {
  offset: number
  resolve(): void
  reject(error: unknown): void
}


function randomTopicId(random: () => number): string {
  const bytes = Buffer.alloc(16)
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256)
  // Kafka never hands out the zero UUID nor one whose text form starts with '-' (it reads as an option).
  const id = bytes.toString('base64url')
  return id === ZERO_UUID || id.startsWith('-') ? randomTopicId(random) : id
}

export class Controller implements RaftListener {
  readonly configs = new ConfigImage()
  /** Broker registrations (every node) and heartbeat sessions (the active controller). */
  readonly cluster = new ClusterControl()
  readonly raft: RaftClient
  private readonly listeners: MetadataListener[] = []
  private readonly config: BrokerConfig
  private readonly state: BrokerState
  private readonly metadataLog: MetadataLog
  private readonly log: Logger
  private readonly random: () => number
  private readonly channel: NodeChannel
  /** Pending delta of the commit being applied. */
  private delta: MetadataDelta | null = null
  private published = false
  /** The active controller: leader, its epoch's first record committed and applied. */
  private active = false
  private readonly queue: Queued[] = []
  private running = false
  private commitWaiters: CommitWaiter[] = []
  private fenceTimer: NodeJS.Timeout | null = null
  private readonly leaderWaiters = new Set<() => void>()
  private closed = false

  private constructor(opts: ControllerOptions) {
    this.config = opts.config
    this.state = opts.state
    this.metadataLog = opts.metadataLog
    this.log = opts.logger.child(`[QuorumController id=${opts.state.nodeId}] `, 'org.apache.kafka.controller.QuorumController')
    this.random = opts.random ?? Math.random
    const cfg = opts.config
    const voters = parseQuorumVoters(cfg.get('controller.quorum.voters'))
    const isController = cfg.processRoles.includes('controller')
    checkQuorumConfig(cfg, voters)
    const controllerListenerName = cfg.controllerListenerNames[0] ?? 'CONTROLLER'
    this.raft = new RaftClient(
      {
        nodeId: opts.state.nodeId,
        clusterId: opts.state.clusterId,
        voters,
        bootstrapServers: parseBootstrapServers(cfg.get('controller.quorum.bootstrap.servers')),
        isController,
        controllerListenerName,
        electionTimeoutMs: cfg.get('controller.quorum.election.timeout.ms'),
        electionBackoffMaxMs: cfg.get('controller.quorum.election.backoff.max.ms'),
        fetchTimeoutMs: cfg.get('controller.quorum.fetch.timeout.ms'),
        requestTimeoutMs: cfg.get('controller.quorum.request.timeout.ms'),
        retryBackoffMs: cfg.get('controller.quorum.retry.backoff.ms'),
      },
      opts.metadataLog,
      new QuorumStateStore(opts.metadataLog.dir),
      this,
      opts.logger,
      this.random,
    )
    this.channel = new NodeChannel({clientId: `controller-forwarder-${opts.state.nodeId}`, requestTimeoutMs: FORWARD_REQUEST_TIMEOUT_MS, connectTimeoutMs: 5000})
    const controllerNodes: BrokerInfo[] = [...voters.values()].map((v) => ({
      nodeId: v.id,
      rack: null,
      fenced: false,
      endpoints: new Map([[controllerListenerName, {listenerName: controllerListenerName, host: v.host, port: v.port, securityProtocol: 'PLAINTEXT'}]]),
    }))
    if (controllerNodes.length > 0) this.state.setControllerNodes(controllerNodes)
  }

  /**
   * Opens the controller over the metadata log and replays the committed prefix this node
   * knows. Listeners hear nothing until publishInitial(); the quorum starts with start().
   */
  static open(opts: ControllerOptions): Controller {
    const c = new Controller(opts)
    c.raft.replayLocal()
    c.log.info(`Replayed the metadata log up to offset ${c.raft.committedOffset}; ${opts.state.topics().length} topics.`)
    c.refreshDynamicBrokerConfigs()
    return c
  }

  addListener(listener: MetadataListener): void {
    this.listeners.push(listener)
  }

  /** Tells every listener the whole image, as a delta from nothing; later commits arrive as deltas. */
  publishInitial(): void {
    const delta: MetadataDelta = {initial: true, changedPartitions: [], deletedTopics: [], changedTopicConfigs: [], brokerConfigsChanged: false}
    for (const t of this.state.topics()) for (const p of t.partitions) delta.changedPartitions.push(this.registration(t, p))
    this.published = true
    for (const l of this.listeners) l.applyMetadataDelta(delta)
  }

  /** Joins the controller quorum (or finds it, as an observer). A lone voter leads before this returns. */
  start(): void {
    this.raft.start()
  }

  /** Resigns leadership (if held) so the others elect at once, then stops the quorum client. */
  async shutdown(): Promise<void> {
    if (this.closed) return
    this.deactivate(new NotControllerError('The controller is shutting down.'))
    await this.raft.shutdown()
    this.closed = true
    this.channel.close()
    for (const w of this.leaderWaiters) w()
  }

  close(): void {
    this.closed = true
    this.metadataLog.close()
  }

  /** The active controller's id, -1 while there is none. */
  get activeControllerId(): number {
    return this.raft.leaderId
  }

  get isActive(): boolean {
    return this.active
  }

  /** The offset of the last record applied to this node's image (-1 for none). */
  get lastAppliedOffset(): number {
    return this.raft.committedOffset - 1
  }

  /** The controller-listener address of a controller node. */
  controllerAddress(nodeId: number): {host: string; port: number} | undefined {
    return this.raft.nodeAddress(nodeId)
  }

  /**
   * DescribeQuorum as a broker listener answers it: by the quorum leader, asked over its
   * controller listener when that is another node (Kafka's brokers forward it). Null when no
   * leader is known or it cannot be reached.
   */
  async describeQuorum(request: DescribeQuorumRequest, apiVersion: number): Promise<DescribeQuorumResponse | null> {
    if (this.raft.isLeader) return this.raft.handleDescribeQuorum(request, apiVersion)
    const leader = this.raft.leaderId
    const address = leader >= 0 ? this.raft.nodeAddress(leader) : undefined
    if (!address || this.closed) return null
    this.channel.setAddress(leader, address)
    try {
      return await this.channel.request(leader, 'rpc', DescribeQuorum, request, apiVersion)
    } catch {
      this.channel.disconnect(leader)
      return null
    }
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
  async createTopics(topics: readonly CreatableTopic[], validateOnly: boolean, opts: SubmitOptions = {}): Promise<CreatableTopicResult[]> {
    if (topics.length === 0) return []
    try {
      return await this.submit({kind: 'createTopics', topics, validateOnly}, opts)
    } catch (e) {
      const err = toKafkaError(e)
      return topics.map((t) => errorTopicResult(t.name, err))
    }
  }

  private planCreateTopics(topics: readonly CreatableTopic[]): {records: MetadataRecord[]; result: CreatableTopicResult[]} {
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
    return {records, result: results}
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
          `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${alive.length} broker(s) are registered or some brokers have all their log directories cordoned.`,
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
    validateManualAssignment(brokerIds, rf, (id) => this.state.broker(id) !== undefined)
  }



  /**
   * Creates an internal topic (__consumer_offsets, __transaction_state) if it does not exist yet,
   * with the replication factor capped at the live broker count, as Kafka's auto-creation does.
   * Never rejects: a failure is logged and the next caller tries again.
   */
  async ensureInternalTopic(name: string, numPartitions: number, replicationFactor: number, configs: Record<string, string>): Promise<void> {
    if (this.state.topic(name)) return
    const rf = Math.max(1, Math.min(replicationFactor, this.state.aliveBrokers().length))
    const [result] = await this.createTopics(
      [{name, numPartitions, replicationFactor: rf, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({name: n, value}))}],
      false,
    )
    if (result!.errorCode !== ErrorCode.NONE && result!.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      this.log.warn(`Could not create the internal topic ${name}: ${errorName(result!.errorCode)} (${result!.errorMessage ?? ''})`)
    }
  }

  /** Auto-creation from Metadata: the broker's default partition count and replication factor. */
  async autoCreateTopic(name: string): Promise<void> {
    const [result] = await this.createTopics([{name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: []}], false)
    if (result!.errorCode !== ErrorCode.NONE && result!.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      throw new KafkaError(result!.errorCode, result!.errorMessage ?? '')
    }
  }

  /** DeleteTopics by name or id (exactly one of them per entry), as Kafka's ControllerApis. */
  async deleteTopics(entries: readonly {name: string | null; topicId: string}[], opts: SubmitOptions = {}): Promise<TopicDeletionResult[]> {
    if (entries.length === 0) return []
    try {
      return await this.submit({kind: 'deleteTopics', entries}, opts)
    } catch (e) {
      const err = toKafkaError(e)
      return entries.map((x) => ({name: x.name, topicId: x.topicId, errorCode: err.code, errorMessage: err.message}))
    }
  }

  private planDeleteTopics(entries: readonly {name: string | null; topicId: string}[]): {records: MetadataRecord[]; result: TopicDeletionResult[]} {
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
    return {records, result: results}
  }

  /** CreatePartitions: increase only, optional manual assignments for the new partitions. */
  async createPartitions(topics: readonly CreatePartitionsTopic[], validateOnly: boolean, opts: SubmitOptions = {}): Promise<PartitionResult[]> {
    if (topics.length === 0) return []
    try {
      return await this.submit({kind: 'createPartitions', topics, validateOnly}, opts)
    } catch (e) {
      const err = toKafkaError(e)
      return topics.map((t) => ({name: t.name, errorCode: err.code, errorMessage: err.message}))
    }
  }

  private planCreatePartitions(topics: readonly CreatePartitionsTopic[]): {records: MetadataRecord[]; result: PartitionResult[]} {
    const records: MetadataRecord[] = []
    const result = topics.map((topic) => {
      try {
        records.push(...this.planPartitions(topic))
        return {name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null}
      } catch (e) {
        const err = toKafkaError(e)
        return {name: topic.name, errorCode: err.code, errorMessage: err.message}
      }
    })
    return {records, result}
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
          `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${alive.length} broker(s) are registered or some brokers have all their log directories cordoned.`,
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
   * the caller (config-admin.ts). The receiving broker checks each resource against its own id
   * and config first; the controller then decides the rest. Each resource gets its own result;
   * the changes of every successful resource are committed at once, unless validateOnly.
   */
  async incrementalAlterConfigs(resources: readonly IncrementalConfigResource[], validateOnly: boolean, opts: SubmitOptions = {}): Promise<ConfigResourceResult[]> {
    return this.alterConfigs(resources, validateOnly, opts, (r, id) => this.planIncremental(r, id), (rs) => ({kind: 'incrementalAlterConfigs', resources: rs, validateOnly}))
  }

  /** AlterConfigs (the legacy API): each resource's given set replaces all its dynamic configs. */
  async legacyAlterConfigs(resources: readonly LegacyConfigResource[], validateOnly: boolean, opts: SubmitOptions = {}): Promise<ConfigResourceResult[]> {
    return this.alterConfigs(resources, validateOnly, opts, (r, id) => this.planLegacy(r, id), (rs) => ({kind: 'legacyAlterConfigs', resources: rs, validateOnly}))
  }

  private async alterConfigs<R extends {resourceType: number; resourceName: string}>(
    resources: readonly R[],
    validateOnly: boolean,
    opts: SubmitOptions,
    plan: (r: R, localNodeId: number | null) => ConfigRecord[],
    op: (rs: R[]) => Op & {kind: 'incrementalAlterConfigs' | 'legacyAlterConfigs'},
  ): Promise<ConfigResourceResult[]> {
    // The receiving broker's checks (its own id for per-broker resources, its config); a
    // forwarded request was checked by the broker that received it.
    const results: Array<ConfigResourceResult | undefined> = opts.forwarded
      ? resources.map(() => undefined)
      : this.alterConfigResults(resources.map((r) => () => plan(r, this.state.nodeId)), resources).map((r) => (r.errorCode === ErrorCode.NONE ? undefined : r))
    const pending = resources.map((r, i) => [r, i] as const).filter(([, i]) => results[i] === undefined)
    if (pending.length > 0) {
      if (validateOnly && !opts.forwarded) for (const [, i] of pending) results[i] = {errorCode: ErrorCode.NONE, errorMessage: null}
      else {
        let decided: ConfigResourceResult[]
        try {
          decided = (await this.submit(op(pending.map(([r]) => r)), opts)) as ConfigResourceResult[]
        } catch (e) {
          const err = toKafkaError(e)
          decided = pending.map(() => ({errorCode: err.code, errorMessage: err.message}))
        }
        pending.forEach(([, i], j) => (results[i] = decided[j] ?? {errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null}))
      }
    }
    return results as ConfigResourceResult[]
  }

  private alterConfigResults(plans: ReadonlyArray<() => ConfigRecord[]>, resources: ReadonlyArray<{resourceType: number; resourceName: string}>, records: ConfigRecord[] = []): ConfigResourceResult[] {
    return plans.map((plan, i): ConfigResourceResult => {
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
  }

  private planIncremental(r: IncrementalConfigResource, localNodeId: number | null): ConfigRecord[] {
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
      const perBroker = this.checkBrokerResourceName(r.resourceName, localNodeId)
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

  private planLegacy(r: LegacyConfigResource, localNodeId: number | null): ConfigRecord[] {
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
      const perBroker = this.checkBrokerResourceName(r.resourceName, localNodeId)
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

  /**
   * A BROKER resource is the receiving broker's id or "" (the cluster default); returns whether
   * it is per-broker. The broker that received the request checks the id (localNodeId); the
   * controller, deciding a forwarded request, takes any id (null).
   */
  private checkBrokerResourceName(name: string, localNodeId: number | null): boolean {
    if (name === '') return false
    if (!/^[+-]?\d+$/.test(name) || !Number.isSafeInteger(Number(name)) || Math.abs(Number(name)) > 2147483647) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`)
    }
    if (localNodeId !== null && Number(name) !== localNodeId) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${localNodeId}, but received ${name}`)
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


  // ---------------------------------------------------------------- brokers

  /** BrokerRegistration (62), from a broker to the active controller. */
  async registerBroker(request: BrokerRegistrationRequest, opts: SubmitOptions = {}): Promise<BrokerRegistrationResponse> {
    try {
      return await this.submit({kind: 'registerBroker', request}, opts)
    } catch (e) {
      return {throttleTimeMs: 0, errorCode: toKafkaError(e).code, brokerEpoch: -1n}
    }
  }

  /** BrokerHeartbeat (63), from a broker to the active controller. */
  async brokerHeartbeat(request: BrokerHeartbeatRequest, opts: SubmitOptions = {}): Promise<BrokerHeartbeatResponse> {
    try {
      return await this.submit({kind: 'brokerHeartbeat', request}, opts)
    } catch (e) {
      return {throttleTimeMs: 0, errorCode: toKafkaError(e).code, isCaughtUp: false, isFenced: true, shouldShutDown: false}
    }
  }

  /**
   * AllocateProducerIds (67): the next block of producer ids for a broker's InitProducerId
   * answers, unique across the cluster (ProducerIdsRecord). `floor` is where a broker that used
   * to hand out ids on its own (a lone node before quorums) left off; the block starts there at
   * the least.
   */
  async allocateProducerIds(brokerId: number, brokerEpoch: bigint, opts: SubmitOptions & {floor?: bigint} = {}): Promise<AllocateProducerIdsResponse> {
    try {
      return await this.submit({kind: 'allocateProducerIds', brokerId, brokerEpoch, floor: opts.floor ?? 0n}, opts)
    } catch (e) {
      return {throttleTimeMs: 0, errorCode: toKafkaError(e).code, producerIdStart: -1n, producerIdLen: -1}
    }
  }

  private planAllocateProducerIds(brokerId: number, brokerEpoch: bigint, floor: bigint): {records: MetadataRecord[]; result: AllocateProducerIdsResponse} {
    const reg = this.cluster.registrations.get(brokerId)
    if (!reg) throw new KafkaError(ErrorCode.STALE_BROKER_EPOCH, `No broker registration found for broker id ${brokerId}`)
    if (reg.epoch !== brokerEpoch) throw new KafkaError(ErrorCode.STALE_BROKER_EPOCH, `Expected broker epoch ${reg.epoch}, but got broker epoch ${brokerEpoch}`)
    const start = this.nextProducerId > floor ? this.nextProducerId : floor
    return {
      records: [{type: 'ProducerIdsRecord', brokerId, brokerEpoch, nextProducerId: start + PRODUCER_ID_BLOCK_SIZE}],
      result: {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerIdStart: start, producerIdLen: Number(PRODUCER_ID_BLOCK_SIZE)},
    }
  }

  /** UnregisterBroker (64): removes a broker's registration (kafka-cluster.sh unregister). */
  async unregisterBroker(brokerId: number, opts: SubmitOptions = {}): Promise<{errorCode: number; errorMessage: string | null}> {
    try {
      return await this.submit({kind: 'unregisterBroker', brokerId}, opts)
    } catch (e) {
      const err = toKafkaError(e)
      return {errorCode: err.code, errorMessage: err.message}
    }
  }

  private planRegisterBroker(request: BrokerRegistrationRequest): {records: MetadataRecord[]; result: BrokerRegistrationResponse} {
    const sessionTimeoutMs = this.config.get('broker.session.timeout.ms')
    const {record, newIncarnation} = this.cluster.planRegistration(request, this.state.clusterId, this.raft.logEndOffset, Date.now(), sessionTimeoutMs)
    const records: MetadataRecord[] = []
    const existing = this.cluster.registrations.get(request.brokerId)
    // A new incarnation after an unclean stop: the old one leaves every ISR and leadership first.
    if (newIncarnation && existing) records.push(...this.partitionChangesRemoving(request.brokerId))
    records.push(record)
    this.log.info(
      newIncarnation
        ? `Registering broker ${request.brokerId} (incarnation ${request.incarnationId}) with broker epoch ${record.brokerEpoch}`
        : `Amending registration of broker ${request.brokerId}; broker epoch remains ${record.brokerEpoch}`,
    )
    return {records, result: {throttleTimeMs: 0, errorCode: ErrorCode.NONE, brokerEpoch: record.brokerEpoch}}
  }

  private planBrokerHeartbeat(request: BrokerHeartbeatRequest): {records: MetadataRecord[]; result: BrokerHeartbeatResponse} {
    const id = request.brokerId
    const decision = this.cluster.decideHeartbeat(request, Date.now(), () => this.leaderships(id) > 0)
    const reg = this.cluster.registrations.get(id)!
    const records: MetadataRecord[] = []
    if (decision.current !== decision.next) {
      switch (decision.next) {
        case 'UNFENCED':
          this.log.info(`Unfencing broker ${id}: it has caught up with its registration at offset ${reg.registerOffset}`)
          records.push({type: 'UnfenceBrokerRecord', id, epoch: reg.epoch})
          records.push(...this.partitionChangesForUnfenced(id))
          break
        case 'FENCED':
        case 'SHUTDOWN_NOW':
          this.log.info(decision.next === 'FENCED' ? `Fencing broker ${id} at its request` : `Broker ${id} may shut down now`)
          records.push(...this.partitionChangesRemoving(id))
          records.push({type: 'FenceBrokerRecord', id, epoch: reg.epoch})
          break
        case 'CONTROLLED_SHUTDOWN':
          this.log.info(`Broker ${id} entered controlled shutdown; moving its leaderships away`)
          records.push({type: 'BrokerRegistrationChangeRecord', brokerId: id, brokerEpoch: reg.epoch, fenced: 0, inControlledShutdown: 1})
          records.push(...this.partitionChangesRemoving(id))
          break
      }
    } else if (decision.current === 'CONTROLLED_SHUTDOWN') {
      records.push(...this.partitionChangesRemoving(id))
    }
    const next = decision.next
    return {
      records,
      result: {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        isCaughtUp: decision.isCaughtUp,
        isFenced: next === 'FENCED' || next === 'SHUTDOWN_NOW',
        shouldShutDown: next === 'SHUTDOWN_NOW',
      },
    }
  }

  private planUnregisterBroker(brokerId: number): {records: MetadataRecord[]; result: {errorCode: number; errorMessage: string | null}} {
    const reg = this.cluster.registrations.get(brokerId)
    if (!reg) throw new KafkaError(ErrorCode.BROKER_ID_NOT_REGISTERED, `Broker ID ${brokerId} is not currently registered`)
    return {
      records: [...this.partitionChangesRemoving(brokerId), {type: 'UnregisterBrokerRecord', brokerId, brokerEpoch: reg.epoch}],
      result: {errorCode: ErrorCode.NONE, errorMessage: null},
    }
  }

  /** How many partitions a broker leads. */
  private leaderships(brokerId: number): number {
    let n = 0
    for (const t of this.state.topics()) for (const p of t.partitions) if (p.leaderId === brokerId) n++
    return n
  }

  /** PartitionChangeRecords taking a broker out of every ISR and leadership (fencing, controlled shutdown). */
  private partitionChangesRemoving(brokerId: number): PartitionChangeRecord[] {
    const records: PartitionChangeRecord[] = []
    for (const t of this.state.topics()) {
      const opts = {uncleanLeaderElection: this.topicConfig(t.name).get('unclean.leader.election.enable') === true}
      for (const p of t.partitions) {
        if (!p.isr.includes(brokerId) && p.leaderId !== brokerId) continue
        const change = removeBrokerFromPartition(partitionView(p), brokerId, (id) => this.cluster.isActive(id), opts)
        if (change) records.push(this.partitionChangeRecord(t, p, change, `broker ${brokerId} leaving`))
      }
    }
    return records
  }

  /** Leaderless partitions that the unfenced broker (or another live ISR member) can lead again. */
  private partitionChangesForUnfenced(brokerId: number): PartitionChangeRecord[] {
    const records: PartitionChangeRecord[] = []
    for (const t of this.state.topics()) {
      const opts = {uncleanLeaderElection: this.topicConfig(t.name).get('unclean.leader.election.enable') === true}
      for (const p of t.partitions) {
        const change = electForLeaderlessPartition(partitionView(p), (id) => id === brokerId || this.cluster.isActive(id), opts)
        if (change) records.push(this.partitionChangeRecord(t, p, change, `broker ${brokerId} unfenced`))
      }
    }
    return records
  }

  private partitionChangeRecord(t: TopicState, p: PartitionState, change: PartitionChange, why: string): PartitionChangeRecord {
    const record = partitionChangeRecord(t, p, change)
    if (change.unclean) this.log.warn(`Unclean leader election for ${t.name}-${p.partitionIndex}: ${change.leader} (${why})`)
    else this.log.info(`${t.name}-${p.partitionIndex}: ${describePartitionChange(p, change)} (${why})`)
    return record
  }

  /** The active controller fences brokers whose session expired, one commit each. */
  private checkSessions(): void {
    if (!this.active) return
    const timeout = this.config.get('broker.session.timeout.ms')
    for (const id of this.cluster.expiredBrokers(Date.now(), timeout)) {
      void this.enqueue({
        kind: 'internal',
        name: `fence broker ${id}`,
        plan: () => {
          const reg = this.cluster.registrations.get(id)
          if (!reg || reg.fenced || !this.cluster.expiredBrokers(Date.now(), timeout).includes(id)) return []
          this.log.info(`Fencing broker ${id} because its session has timed out.`)
          return [...this.partitionChangesRemoving(id), {type: 'FenceBrokerRecord', id, epoch: reg.epoch}]
        },
      }).catch(() => {})
    }
  }

  /**
   * Runs a plan on this node's controller queue, as the active controller: its records are
   * committed before the result is returned (replication's AlterPartition, ElectLeaders and leader
   * balancing, src/replication/partition-control.ts). NotControllerError on any other node.
   */
  async planOnActive<T>(name: string, plan: () => {records: MetadataRecord[]; result: T}): Promise<T> {
    if (!this.raft.isLeader) throw new NotControllerError()
    let result: T | undefined
    await this.enqueue({
      kind: 'internal',
      name,
      plan: () => {
        const planned = plan()
        result = planned.result
        return planned.records
      },
    })
    return result as T
  }

  // ---------------------------------------------------------------- submit: plan here or forward

  /**
   * Runs an operation on the active controller: planned here when this node leads the quorum,
   * otherwise forwarded over the controller listener and the answer relayed. A forwarded
   * request (opts.forwarded) is never forwarded again: it gets NOT_CONTROLLER, and its sender
   * retries. Requests from this node's own handlers retry while leadership moves.
   */
  private async submit<O extends Op>(op: O, opts: SubmitOptions): Promise<ResultOf<O>> {
    const deadline = Date.now() + SUBMIT_TIMEOUT_MS
    let lastError: unknown = new NotControllerError('No active controller is known.')
    for (;;) {
      if (this.closed) throw new NotControllerError('The controller is shutting down.')
      if (this.raft.isLeader) {
        try {
          return (await this.enqueue(op)) as ResultOf<O>
        } catch (e) {
          if (!(e instanceof NotControllerError) || opts.forwarded) throw e
          lastError = e
        }
      } else if (opts.forwarded) {
        throw new NotControllerError()
      } else if (this.raft.leaderId >= 0) {
        const leader = this.raft.leaderId
        try {
          return await this.forward(op, leader)
        } catch (e) {
          if (e instanceof KafkaError && e.code !== ErrorCode.NOT_CONTROLLER) throw e
          lastError = e
          if (!(e instanceof KafkaError)) this.channel.disconnect(leader)
        }
      }
      if (Date.now() >= deadline) throw lastError instanceof KafkaError ? lastError : new KafkaError(ErrorCode.REQUEST_TIMED_OUT, String(lastError))
      await this.waitForLeaderChange(RETRY_BACKOFF_MS * 4)
    }
  }

  private waitForLeaderChange(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.leaderWaiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, maxMs)
      this.leaderWaiters.add(done)
    })
  }

  /** Queues an operation on this (leading) node; runs when active, one at a time. */
  private enqueue(op: Op): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({op, resolve, reject})
      void this.runQueue()
    })
  }

  private async runQueue(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      while (this.active && this.queue.length > 0) {
        const item = this.queue.shift()!
        try {
          const {records, result} = this.plan(item.op)
          if (records.length > 0) {
            const {lastOffset} = this.raft.appendAsLeader(records)
            await this.waitForCommit(lastOffset)
          }
          item.resolve(result)
        } catch (e) {
          item.reject(e instanceof NotLeaderError ? new NotControllerError() : e)
        }
      }
    } finally {
      this.running = false
    }
    if (!this.raft.isLeader) this.rejectQueued(new NotControllerError())
  }

  private plan(op: Op): {records: MetadataRecord[]; result: unknown} {
    switch (op.kind) {
      case 'createTopics': {
        const r = this.planCreateTopics(op.topics)
        return op.validateOnly ? {records: [], result: r.result} : r
      }
      case 'deleteTopics':
        if (!this.config.get('delete.topic.enable')) throw new KafkaError(ErrorCode.TOPIC_DELETION_DISABLED)
        return this.planDeleteTopics(op.entries)
      case 'createPartitions': {
        const r = this.planCreatePartitions(op.topics)
        return op.validateOnly ? {records: [], result: r.result} : r
      }
      case 'incrementalAlterConfigs':
      case 'legacyAlterConfigs': {
        const records: ConfigRecord[] = []
        const plans =
          op.kind === 'incrementalAlterConfigs'
            ? op.resources.map((r) => () => this.planIncremental(r, null))
            : op.resources.map((r) => () => this.planLegacy(r, null))
        const result = this.alterConfigResults(plans, op.resources, records)
        return {records: op.validateOnly ? [] : records, result}
      }
      case 'registerBroker':
        return this.planRegisterBroker(op.request)
      case 'brokerHeartbeat':
        return this.planBrokerHeartbeat(op.request)
      case 'unregisterBroker':
        return this.planUnregisterBroker(op.brokerId)
      case 'allocateProducerIds':
        return this.planAllocateProducerIds(op.brokerId, op.brokerEpoch, op.floor)
      case 'internal':
        return {records: op.plan(), result: undefined}
    }
  }

  private waitForCommit(offset: number): Promise<void> {
    if (this.raft.committedOffset > offset) return Promise.resolve()
    return new Promise((resolve, reject) => this.commitWaiters.push({offset, resolve, reject}))
  }

  private rejectQueued(error: Error): void {
    for (const item of this.queue.splice(0)) item.reject(error)
    for (const w of this.commitWaiters.splice(0)) w.reject(error)
  }

  /** Sends an operation to the active controller as the Kafka request it stands for. */
  private async forward<O extends Op>(op: O, leaderId: number): Promise<ResultOf<O>> {
    const address = this.raft.nodeAddress(leaderId)
    if (!address) throw new NotControllerError(`The address of the active controller ${leaderId} is not known.`)
    this.channel.setAddress(leaderId, address)
    const timeoutMs = FORWARD_REQUEST_TIMEOUT_MS
    const notController = (codes: number[]) => codes.length > 0 && codes.every((c) => c === ErrorCode.NOT_CONTROLLER)
    switch (op.kind) {
      case 'createTopics': {
        const r = await this.channel.request(leaderId, 'rpc', CreateTopics, {topics: [...op.topics], timeoutMs, validateOnly: op.validateOnly})
        if (notController(r.topics.map((t) => t.errorCode))) throw new NotControllerError()
        return r.topics as ResultOf<O>
      }
      case 'deleteTopics': {
        const r = await this.channel.request(leaderId, 'rpc', DeleteTopics, {topics: [...op.entries], topicNames: [], timeoutMs})
        if (notController(r.responses.map((t) => t.errorCode))) throw new NotControllerError()
        return r.responses.map((x) => ({name: x.name, topicId: x.topicId, errorCode: x.errorCode, errorMessage: x.errorMessage})) as ResultOf<O>
      }
      case 'createPartitions': {
        const r = await this.channel.request(leaderId, 'rpc', CreatePartitions, {topics: [...op.topics], timeoutMs, validateOnly: op.validateOnly})
        if (notController(r.results.map((t) => t.errorCode))) throw new NotControllerError()
        return r.results.map((x) => ({name: x.name, errorCode: x.errorCode, errorMessage: x.errorMessage})) as ResultOf<O>
      }
      case 'incrementalAlterConfigs': {
        const r = await this.channel.request(leaderId, 'rpc', IncrementalAlterConfigs, {
          resources: op.resources.map((x) => ({resourceType: x.resourceType, resourceName: x.resourceName, configs: [...x.configs]})),
          validateOnly: op.validateOnly,
        })
        if (notController(r.responses.map((t) => t.errorCode))) throw new NotControllerError()
        return r.responses.map((x) => ({errorCode: x.errorCode, errorMessage: x.errorMessage})) as ResultOf<O>
      }
      case 'legacyAlterConfigs': {
        const r = await this.channel.request(leaderId, 'rpc', AlterConfigs, {
          resources: op.resources.map((x) => ({resourceType: x.resourceType, resourceName: x.resourceName, configs: [...x.configs]})),
          validateOnly: op.validateOnly,
        })
        if (notController(r.responses.map((t) => t.errorCode))) throw new NotControllerError()
        return r.responses.map((x) => ({errorCode: x.errorCode, errorMessage: x.errorMessage})) as ResultOf<O>
      }
      case 'registerBroker': {
        const r = await this.channel.request(leaderId, 'rpc', BrokerRegistration, op.request)
        if (r.errorCode === ErrorCode.NOT_CONTROLLER) throw new NotControllerError()
        return r as ResultOf<O>
      }
      case 'brokerHeartbeat': {
        const r = await this.channel.request(leaderId, 'rpc', BrokerHeartbeat, op.request)
        if (r.errorCode === ErrorCode.NOT_CONTROLLER) throw new NotControllerError()
        return r as ResultOf<O>
      }
      case 'unregisterBroker': {
        const r = await this.channel.request(leaderId, 'rpc', UnregisterBroker, {brokerId: op.brokerId})
        if (r.errorCode === ErrorCode.NOT_CONTROLLER) throw new NotControllerError()
        return {errorCode: r.errorCode, errorMessage: r.errorMessage} as ResultOf<O>
      }
      case 'allocateProducerIds': {
        const r = await this.channel.request(leaderId, 'rpc', AllocateProducerIds, {brokerId: op.brokerId, brokerEpoch: op.brokerEpoch})
        if (r.errorCode === ErrorCode.NOT_CONTROLLER) throw new NotControllerError()
        return r as ResultOf<O>
      }
      case 'internal':
        throw new NotControllerError()
    }
  }

  // ---------------------------------------------------------------- the Raft listener

  handleLeaderChange(leaderId: number, epoch: number): void {
    this.log.info(leaderId >= 0 ? `The active controller is now ${leaderId} (epoch ${epoch})` : `No active controller is known in epoch ${epoch}`)
    if (leaderId !== this.state.nodeId) this.deactivate(new NotControllerError())
    this.refreshControllerId()
    for (const w of [...this.leaderWaiters]) w()
    this.maybeActivate()
  }

  handleCommit(batches: MetadataBatch[], highWatermark: number): void {
    this.delta = {initial: false, changedPartitions: [], deletedTopics: [], changedTopicConfigs: [], brokerConfigsChanged: false}
    let brokersChanged = false
    for (const b of batches) {
      for (const r of b.records) {
        try {
          if (this.apply(r, b.baseOffset)) brokersChanged = true
        } catch (e) {
          this.log.error(`Could not apply ${r.type} at offset ${b.baseOffset}: ${(e as Error).message}`)
        }
      }
    }
    const delta = this.delta
    this.delta = null
    if (brokersChanged) this.refreshControllerId()
    if (delta.brokerConfigsChanged) {
      this.refreshDynamicBrokerConfigs()
      // Topic log configs fall back to the broker's: every topic's effective config may have changed.
      for (const name of this.state.topicNames()) if (!delta.changedTopicConfigs.includes(name)) delta.changedTopicConfigs.push(name)
    }
    if (this.published && (delta.changedPartitions.length > 0 || delta.deletedTopics.length > 0 || delta.changedTopicConfigs.length > 0 || delta.brokerConfigsChanged)) {
      for (const l of this.listeners) {
        try {
          l.applyMetadataDelta(delta)
        } catch (e) {
          this.log.error(`A metadata listener failed: ${(e as Error).message}`)
        }
      }
    }
    const done = this.commitWaiters.filter((w) => w.offset < highWatermark)
    this.commitWaiters = this.commitWaiters.filter((w) => w.offset >= highWatermark)
    for (const w of done) w.resolve()
    this.maybeActivate()
  }

  /** Becomes the active controller once this node leads and its epoch's first record is committed. */
  private maybeActivate(): void {
    if (this.active || this.closed || !this.raft.isLeader) return
    if (this.raft.committedOffset <= this.raft.epochStartOffset) return
    this.active = true
    this.cluster.activate(Date.now())
    this.log.info(`Became the active controller in epoch ${this.raft.epoch}`)
    const bootstrap = this.bootstrapRecords()
    if (bootstrap.length > 0) void this.enqueue({kind: 'internal', name: 'bootstrap', plan: () => this.bootstrapRecords()}).catch(() => {})
    const sessionTimeout = this.config.get('broker.session.timeout.ms')
    this.fenceTimer = setInterval(() => this.checkSessions(), Math.max(50, Math.min(500, Math.floor(sessionTimeout / 4))))
    this.fenceTimer.unref()
    void this.runQueue()
  }

  private deactivate(error: Error): void {
    if (this.fenceTimer) clearInterval(this.fenceTimer)
    this.fenceTimer = null
    if (this.active) this.log.info('No longer the active controller')
    this.active = false
    this.cluster.deactivate()
    this.rejectQueued(error)
  }

  /** What a new cluster's first active controller writes: metadata.version, and ELR's cluster-level min.insync.replicas. */
  private bootstrapRecords(): MetadataRecord[] {
    const records: MetadataRecord[] = []
    if (!this.featureRecorded) {
      records.push({type: 'FeatureLevelRecord', name: 'metadata.version', featureLevel: METADATA_VERSION_LEVEL})
    }
    // Kafka 4 clusters run with Eligible Leader Replicas: the controller pins min.insync.replicas at
    // the cluster level to the static value when it is not set there yet.
    if (!this.configs.get(ConfigResourceType.BROKER, '').has(MIN_INSYNC_REPLICAS)) {
      records.push({type: 'ConfigRecord', resourceType: ConfigResourceType.BROKER, resourceName: '', name: MIN_INSYNC_REPLICAS, value: String(this.config.get(MIN_INSYNC_REPLICAS))})
    }
    return records
  }

  private featureRecorded = false
  /** Where the next producer id block starts (ProducerIdsRecord). */
  private nextProducerId = 0n

  /**
   * The controller id Metadata and DescribeCluster report to clients: the active controller when
   * it is a live broker (combined nodes), otherwise a live broker, as Kafka's brokers answer.
   */
  private refreshControllerId(): void {
    const leader = this.raft.leaderId
    const alive = this.state.aliveBrokers()
    if (leader >= 0 && alive.some((b) => b.nodeId === leader)) this.state.setController(leader)
    else if (alive.length > 0) this.state.setController(alive[0]!.nodeId)
    else this.state.setController(leader)
  }

  // ---------------------------------------------------------------- apply

  /** Applies one committed record to the image; returns true when broker membership changed. */
  private apply(record: MetadataRecord, offset: number): boolean {
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
          addingReplicas: record.addingReplicas ?? [],
          removingReplicas: record.removingReplicas ?? [],
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
        if (record.addingReplicas) p.addingReplicas = record.addingReplicas
        if (record.removingReplicas) p.removingReplicas = record.removingReplicas
        if (record.leader !== undefined) {
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
      case 'ProducerIdsRecord':
        if (record.nextProducerId > this.nextProducerId) this.nextProducerId = record.nextProducerId
        break
      case 'FeatureLevelRecord':
        this.state.finalizeFeature(record.name, record.featureLevel)
        if (record.name === 'metadata.version') this.featureRecorded = true
        break
      case 'RegisterBrokerRecord':
      case 'FenceBrokerRecord':
      case 'UnfenceBrokerRecord':
      case 'BrokerRegistrationChangeRecord':
      case 'UnregisterBrokerRecord': {
        const reg = this.cluster.replay(record, offset)
        if (!reg) return false
        if (record.type === 'UnregisterBrokerRecord') this.state.unregisterBroker(reg.id)
        else this.state.registerBroker(brokerInfoOf(reg))
        return true
      }
      default:
        break
    }
    return false
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

/**
 * Kafka's KafkaConfig checks of the quorum configs for the roles given. A node without
 * process.roles is tskafka's lone combined node, its own quorum, and needs none of them.
 */
function checkQuorumConfig(cfg: BrokerConfig, voters: ReadonlyMap<number, unknown>): void {
  const roles = cfg.get('process.roles') ?? []
  if (roles.length === 0) return
  const ids = `Set(${[...voters.keys()].join(', ')})`
  const nodeId = cfg.nodeId
  if (roles.includes('controller') && voters.size === 0 && cfg.get('controller.quorum.bootstrap.servers').length > 1) {
    // A dynamic quorum (KIP-853) learns its voters from the log: tskafka's quorums are static.
    throw new ConfigError(
      'tskafka supports static controller quorums only: with several controllers, set controller.quorum.voters ({id}@{host}:{port} for each) instead of controller.quorum.bootstrap.servers',
    )
  }
  if (roles.includes('controller')) {
    if (voters.size > 0 && !voters.has(nodeId)) {
      throw new RequirementError(`If process.roles contains the 'controller' role, the node id ${nodeId} must be included in the set of voters controller.quorum.voters=${ids}`)
    }
    return
  }
  if (voters.size === 0 && cfg.get('controller.quorum.bootstrap.servers').length === 0) {
    throw new ConfigError(
      'If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of controllers.',
    )
  }
  if (voters.has(nodeId)) {
    throw new RequirementError(`If process.roles contains just the 'broker' role, the node id ${nodeId} must not be included in the set of voters controller.quorum.voters=${ids}`)
  }
  if (cfg.controllerListenerNames.length === 0) throw new RequirementError('controller.listener.names must contain at least one value when running KRaft with just the broker role')
}

/** What the election and reassignment rules read of a partition. */
export function partitionView(p: PartitionState): PartitionEpochView {
  return {
    replicas: p.replicas,
    isr: p.isr,
    leader: p.leaderId,
    leaderEpoch: p.leaderEpoch,
    partitionEpoch: p.partitionEpoch,
    addingReplicas: p.addingReplicas,
    removingReplicas: p.removingReplicas,
  }
}

/** A partition change for the controller's log: the leader and ISR, and the assignment when it changes. */
export function describePartitionChange(p: PartitionState, change: PartitionChange): string {
  let text = `leader ${change.leader ?? p.leaderId}, isr [${(change.isr ?? p.isr).join(', ')}]`
  if (change.replicas !== undefined) text += `, replicas [${change.replicas.join(', ')}]`
  if (change.addingReplicas !== undefined || change.removingReplicas !== undefined) {
    text += `, adding [${(change.addingReplicas ?? p.addingReplicas).join(', ')}], removing [${(change.removingReplicas ?? p.removingReplicas).join(', ')}]`
  }
  return text
}

/** The record of a planned change to a partition (only the fields that change). */
export function partitionChangeRecord(t: TopicState, p: PartitionState, change: PartitionChange): PartitionChangeRecord {
  const record: PartitionChangeRecord = {type: 'PartitionChangeRecord', topicId: t.topicId, partitionId: p.partitionIndex}
  if (change.leader !== undefined) record.leader = change.leader
  if (change.isr !== undefined) record.isr = change.isr
  if (change.replicas !== undefined) record.replicas = change.replicas
  if (change.removingReplicas !== undefined) record.removingReplicas = change.removingReplicas
  if (change.addingReplicas !== undefined) record.addingReplicas = change.addingReplicas
  return record
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
