// What the group managers (classic protocol, consumer protocol) need from the coordinator that
// runs them: configuration, the clock and timers, the groups of the loaded partitions, the topic
// image, and writing records to a group's __consumer_offsets partition.

import type {BrokerConfig} from '../config/broker-config.js'
import type {Logger} from '../broker/logger.js'
import type {ClassicGroup} from './classic-group.js'
import type {ConsumerGroup} from './consumer-group.js'
import type {CoordinatorRecord} from './records.js'
import type {CoordinatorTimer} from './timer.js'

export type Group = ClassicGroup | ConsumerGroup

export interface GroupCoordinatorConfig {
  numPartitions: number
  replicationFactor: number
  segmentBytes: number
  compressionCodec: number
  classicMinSessionTimeoutMs: number
  classicMaxSessionTimeoutMs: number
  initialRebalanceDelayMs: number
  classicMaxSize: number
  /** How long a new member's parked JoinGroup may wait (Kafka's fixed 5 minutes). */
  newMemberJoinTimeoutMs: number
  consumerSessionTimeoutMs: number
  consumerMinSessionTimeoutMs: number
  consumerMaxSessionTimeoutMs: number
  consumerHeartbeatIntervalMs: number
  consumerMaxSize: number
  offsetMetadataMaxBytes: number
  offsetsRetentionMs: number
  offsetsRetentionCheckIntervalMs: number
  offsetsLoadBufferSize: number
  rebalanceProtocols: readonly string[]
}

export function groupCoordinatorConfig(cfg: BrokerConfig): GroupCoordinatorConfig {
  return {
    numPartitions: cfg.get('offsets.topic.num.partitions'),
    replicationFactor: cfg.get('offsets.topic.replication.factor'),
    segmentBytes: cfg.get('offsets.topic.segment.bytes'),
    compressionCodec: cfg.get('offsets.topic.compression.codec'),
    classicMinSessionTimeoutMs: cfg.get('group.min.session.timeout.ms'),
    classicMaxSessionTimeoutMs: cfg.get('group.max.session.timeout.ms'),
    initialRebalanceDelayMs: cfg.get('group.initial.rebalance.delay.ms'),
    classicMaxSize: cfg.get('group.max.size'),
    newMemberJoinTimeoutMs: 5 * 60 * 1000,
    consumerSessionTimeoutMs: cfg.get('group.consumer.session.timeout.ms'),
    consumerMinSessionTimeoutMs: cfg.get('group.consumer.min.session.timeout.ms'),
    consumerMaxSessionTimeoutMs: cfg.get('group.consumer.max.session.timeout.ms'),
    consumerHeartbeatIntervalMs: cfg.get('group.consumer.heartbeat.interval.ms'),
    consumerMaxSize: cfg.get('group.consumer.max.size'),
    offsetMetadataMaxBytes: cfg.get('offset.metadata.max.bytes'),
    offsetsRetentionMs: cfg.get('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: Number(cfg.get('offsets.retention.check.interval.ms')),
    offsetsLoadBufferSize: cfg.get('offsets.load.buffer.size'),
    rebalanceProtocols: cfg.get('group.coordinator.rebalance.protocols'),
  }
}

/** The topics as the broker's metadata image knows them. */
export interface TopicsView {
  topic(name: string): {name: string; topicId: string; partitions: readonly unknown[]} | undefined
  topicById(topicId: string): {name: string; topicId: string; partitions: readonly unknown[]} | undefined
}

export interface GroupRuntime {
  readonly config: GroupCoordinatorConfig
  readonly timer: CoordinatorTimer
  readonly log: Logger
  readonly topics: TopicsView
  now(): number
  group(groupId: string): Group | undefined
  /** Registers a group (classic groups are created in memory; consumer groups appear by replay). */
  putGroup(group: Group): void
  /**
   * Appends the records to the group's partition, replaying them into the in-memory state first
   * when `replay` is set; resolves once they are committed, rejects with a KafkaError.
   */
  write(groupId: string, records: CoordinatorRecord[], replay: boolean): Promise<void>
}

/** Kafka's mapping of a failed __consumer_offsets append to the error a group client understands. */
export function appendErrorToResponseError(code: number): number {
  switch (code) {
    case 3: // UNKNOWN_TOPIC_OR_PARTITION
    case 19: // NOT_ENOUGH_REPLICAS
    case 7: // REQUEST_TIMED_OUT
      return 15 // COORDINATOR_NOT_AVAILABLE
    case 6: // NOT_LEADER_OR_FOLLOWER
    case 56: // KAFKA_STORAGE_ERROR
      return 16 // NOT_COORDINATOR
    case 10: // MESSAGE_TOO_LARGE
    case 18: // RECORD_LIST_TOO_LARGE
    case 4: // INVALID_FETCH_SIZE
      return -1 // UNKNOWN_SERVER_ERROR
    default:
      return code
  }
}
