// Cluster metadata as a log of records, named and shaped after Kafka's KRaft metadata records
// (metadata/src/main/resources/common/metadata/*Record.json). The controller decides every change
// as a list of these records, appends them to the metadata log, and only then applies them to the
// in-memory image that handlers read; a broker that restarts replays the log to the same image.
//
// Until the metadata record schemas are part of the generator's input, a record is stored as a
// JSON value inside an ordinary record batch (see metadata-log.ts); the record names, fields and
// apply semantics are Kafka's, so switching the framing later changes no caller.

/** ConfigResource types, as Kafka numbers them. */
export const ConfigResourceType = {TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32} as const

/** LeaderRecoveryState. */
export const LeaderRecoveryState = {RECOVERED: 0, RECOVERING: 1} as const

export interface TopicRecord {
  type: 'TopicRecord'
  name: string
  topicId: string
}

export interface PartitionRecord {
  type: 'PartitionRecord'
  partitionId: number
  topicId: string
  replicas: number[]
  isr: number[]
  removingReplicas: number[]
  addingReplicas: number[]
  /** -1 for none. */
  leader: number
  leaderRecoveryState: number
  leaderEpoch: number
  partitionEpoch: number
}

/**
 * A change to an existing partition; absent fields stay as they were. Bumps the partition epoch;
 * a leader field (even the current leader's id) bumps the leader epoch too, as Kafka's does.
 */
export interface PartitionChangeRecord {
  type: 'PartitionChangeRecord'
  partitionId: number
  topicId: string
  isr?: number[]
  /** Set when the leader epoch increases: a new leader (-1 for none) or the same one re-elected. */
  leader?: number
  replicas?: number[]
  removingReplicas?: number[]
  addingReplicas?: number[]
  leaderRecoveryState?: number
}

export interface RemoveTopicRecord {
  type: 'RemoveTopicRecord'
  topicId: string
}

/** A config set (value) or deleted (value null) for one resource. */
export interface ConfigRecord {
  type: 'ConfigRecord'
  resourceType: number
  /** The topic name, the broker id as text, or "" for the cluster-wide broker default. */
  resourceName: string
  name: string
  value: string | null
}

export interface FeatureLevelRecord {
  type: 'FeatureLevelRecord'
  name: string
  featureLevel: number
}

export interface RegisterBrokerRecord {
  type: 'RegisterBrokerRecord'
  brokerId: number
  brokerEpoch: bigint
  incarnationId: string
  rack: string | null
  endPoints: {name: string; host: string; port: number; securityProtocol: number}[]
  fenced: boolean
  inControlledShutdown?: boolean
}

/** Kafka's BrokerRegistrationChangeRecord: fenced 1 = fence, -1 = unfence, 0 = no change. */
export interface BrokerRegistrationChangeRecord {
  type: 'BrokerRegistrationChangeRecord'
  brokerId: number
  brokerEpoch: bigint
  fenced: number
  /** 1 = entered controlled shutdown, 0 = no change. */
  inControlledShutdown: number
}

export interface UnregisterBrokerRecord {
  type: 'UnregisterBrokerRecord'
  brokerId: number
  brokerEpoch: bigint
}

export interface FenceBrokerRecord {
  type: 'FenceBrokerRecord'
  id: number
  epoch: bigint
}

export interface UnfenceBrokerRecord {
  type: 'UnfenceBrokerRecord'
  id: number
  epoch: bigint
}

export interface ProducerIdsRecord {
  type: 'ProducerIdsRecord'
  brokerId: number
  brokerEpoch: bigint
  /** The next producer id block starts here. */
  nextProducerId: bigint
}

export type MetadataRecord =
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | RemoveTopicRecord
  | ConfigRecord
  | FeatureLevelRecord
  | RegisterBrokerRecord
  | FenceBrokerRecord
  | UnfenceBrokerRecord
  | BrokerRegistrationChangeRecord
  | UnregisterBrokerRecord
  | ProducerIdsRecord

const BIGINT_FIELDS = new Set(['brokerEpoch', 'epoch', 'nextProducerId'])

/** JSON with int64 fields as decimal strings, so they survive beyond 2^53. */
export function serializeMetadataRecord(record: MetadataRecord): Buffer {
  return Buffer.from(JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
}

export function deserializeMetadataRecord(bytes: Buffer): MetadataRecord {
  const parsed = JSON.parse(bytes.toString('utf8'), (k, v) => (BIGINT_FIELDS.has(k) && typeof v === 'string' ? BigInt(v) : v)) as MetadataRecord
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.type !== 'string') throw new Error('not a metadata record')
  return parsed
}
