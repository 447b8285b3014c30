// The broker's cluster view, owned by the event loop: identity (cluster id,
// node id), the live brokers and their advertised endpoints, the controller,
// finalized features, and the topic/partition metadata that storage and the
// controller fill in. Handlers read it and ask it to change through its
// methods; nothing else keeps a copy, so there is one truth per process.
//
// Every partition carries a leader epoch and every topic a topic id from the
// start, because clients fence on them and metadata will later be replayed
// from a log of records.

import {ZERO_UUID} from '../protocol/primitives.js'

export interface BrokerEndpoint {
  listenerName: string
  host: string
  port: number
  securityProtocol: string
}

export interface BrokerInfo {
  nodeId: number
  rack: string | null
  /** Advertised endpoints by listener name. */
  endpoints: ReadonlyMap<string, BrokerEndpoint>
  fenced: boolean
}

export interface PartitionState {
  partitionIndex: number
  /** -1 when the partition has no leader. */
  leaderId: number
  leaderEpoch: number
  partitionEpoch: number
  /** During a reassignment: the target replicas followed by those being removed. */
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
  /** An ongoing reassignment's replicas being added; empty when none. */
  addingReplicas: number[]
  /** An ongoing reassignment's replicas being removed; empty when none. */
  removingReplicas: number[]
}

export interface TopicState {
  name: string
  topicId: string
  isInternal: boolean
  partitions: PartitionState[]
}

export interface FeatureLevel {
  name: string
  minVersion: number
  maxVersion: number
}

export interface FinalizedFeature {
  name: string
  level: number
}

/** Kafka's internal topics (Topic.INTERNAL_TOPICS). */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state'])

/** metadata.version 4.0-IV3, the level a Kafka 4.0 cluster finalizes. */
export const METADATA_VERSION_LEVEL = 25
/** metadata.version 3.3-IV3, the oldest level Kafka 4.0 supports. */
export const METADATA_VERSION_MIN_LEVEL = 7

export interface BrokerStateInit {
  clusterId: string
  nodeId: number
  rack: string | null
  /** The brokers' advertised endpoints, this node's included. */
  endpoints: ReadonlyMap<string, BrokerEndpoint>
  /** Endpoints of the controller listeners, for DescribeCluster on a controller listener. */
  controllerEndpoints: ReadonlyMap<string, BrokerEndpoint>
  /**
   * Whether this node starts fenced, until its own registration is replayed from the metadata
   * log (the controller unfences it). Default false.
   */
  fenced?: boolean
}

/**
 * Creates a topic for Metadata's auto-creation (installed by storage). It may
 * throw a KafkaError whose code is then reported for that topic.
 */
export type TopicAutoCreator = (name: string) => void | Promise<void>

export class BrokerState {
  /** Set by storage; while null, Metadata reports unknown topics instead of creating them. */
  topicAutoCreator: TopicAutoCreator | null = null
  readonly clusterId: string
  readonly nodeId: number
  /** Incremented on every start; a single-node stand-in for the broker epoch the controller assigns. */
  readonly brokerEpoch: bigint
  private readonly brokers = new Map<number, BrokerInfo>()
  private readonly controllers = new Map<number, BrokerInfo>()
  private controller: number
  private readonly topicsByName = new Map<string, TopicState>()
  private readonly topicsById = new Map<string, TopicState>()
  /** Bumped on every feature change; reported as FinalizedFeaturesEpoch. */
  private featuresEpochValue = 0n
  private readonly finalized = new Map<string, number>([['metadata.version', METADATA_VERSION_LEVEL]])

  constructor(init: BrokerStateInit) {
    this.clusterId = init.clusterId
    this.nodeId = init.nodeId
    this.brokerEpoch = BigInt(Date.now())
    this.brokers.set(init.nodeId, {nodeId: init.nodeId, rack: init.rack, endpoints: init.endpoints, fenced: init.fenced ?? false})
    this.controllers.set(init.nodeId, {nodeId: init.nodeId, rack: init.rack, endpoints: init.controllerEndpoints, fenced: false})
    // A lone combined broker is its own controller.
    this.controller = init.nodeId
  }

  // ---- Cluster membership

  get controllerId(): number {
    return this.controller
  }

  /** Unfenced brokers, ordered by node id. */
  aliveBrokers(): BrokerInfo[] {
    return [...this.brokers.values()].filter((b) => !b.fenced).sort((a, b) => a.nodeId - b.nodeId)
  }

  broker(nodeId: number): BrokerInfo | undefined {
    return this.brokers.get(nodeId)
  }

  /** Controller nodes with their controller-listener endpoints. */
  controllerNodes(): BrokerInfo[] {
    return [...this.controllers.values()].sort((a, b) => a.nodeId - b.nodeId)
  }

  /** Adds or replaces a broker registration (replication adds peers here). */
  registerBroker(info: BrokerInfo): void {
    this.brokers.set(info.nodeId, info)
  }

  unregisterBroker(nodeId: number): void {
    if (nodeId !== this.nodeId) this.brokers.delete(nodeId)
  }

  setController(nodeId: number): void {
    this.controller = nodeId
  }

  /** The controller quorum's voters with their controller endpoints (controller.quorum.voters). */
  setControllerNodes(nodes: readonly BrokerInfo[]): void {
    this.controllers.clear()
    for (const n of nodes) this.controllers.set(n.nodeId, n)
  }

  // ---- Features

  /** The features this broker supports, as ApiVersions reports them. */
  supportedFeatures(): FeatureLevel[] {
    return [{name: 'metadata.version', minVersion: METADATA_VERSION_MIN_LEVEL, maxVersion: METADATA_VERSION_LEVEL}]
  }

  finalizedFeatures(): FinalizedFeature[] {
    return [...this.finalized].map(([name, level]) => ({name, level}))
  }

  get featuresEpoch(): bigint {
    return this.featuresEpochValue
  }

  finalizeFeature(name: string, level: number): void {
    if (level <= 0) this.finalized.delete(name)
    else this.finalized.set(name, level)
    this.featuresEpochValue++
  }

  // ---- Topics

  topicNames(): string[] {
    return [...this.topicsByName.keys()]
  }

  topics(): TopicState[] {
    return [...this.topicsByName.values()]
  }

  topic(name: string): TopicState | undefined {
    return this.topicsByName.get(name)
  }

  topicById(topicId: string): TopicState | undefined {
    return this.topicsById.get(topicId)
  }

  /** Adds or replaces a topic's metadata (storage and the controller call this). */
  putTopic(topic: TopicState): void {
    if (topic.topicId === ZERO_UUID) throw new Error(`topic ${topic.name} needs a topic id`)
    const previous = this.topicsByName.get(topic.name)
    if (previous && previous.topicId !== topic.topicId) this.topicsById.delete(previous.topicId)
    this.topicsByName.set(topic.name, topic)
    this.topicsById.set(topic.topicId, topic)
  }

  removeTopic(name: string): TopicState | undefined {
    const t = this.topicsByName.get(name)
    if (t) {
      this.topicsByName.delete(name)
      this.topicsById.delete(t.topicId)
    }
    return t
  }
}
