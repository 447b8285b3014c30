// What changed in the cluster metadata after the controller applied a batch of records, as the
// broker-side components (the replica manager, the group coordinator) need to hear it. Kafka's
// brokers learn the same through MetadataDelta/BrokerMetadataPublisher; here the controller calls
// each listener synchronously, on the event loop, after the records are durable and applied.

export interface PartitionRegistration {
  topic: string
  topicId: string
  partition: number
  replicas: number[]
  isr: number[]
  /** -1 when the partition has no leader. */
  leader: number
  leaderEpoch: number
  partitionEpoch: number
}

export interface DeletedTopic {
  name: string
  topicId: string
  /** How many partitions it had (0..n-1), so their logs can be removed. */
  partitions: number
}

export interface MetadataDelta {
  /** True for the first delta after start-up, which lists every partition in the image. */
  initial: boolean
  /** New partitions and partitions whose leader, epoch, replicas or ISR changed. */
  changedPartitions: PartitionRegistration[]
  deletedTopics: DeletedTopic[]
  /** Topics whose config overrides changed (their log configs must be refreshed). */
  changedTopicConfigs: string[]
  /** Whether any dynamic broker config (per-broker or cluster default) changed. */
  brokerConfigsChanged: boolean
}

export interface MetadataListener {
  applyMetadataDelta(delta: MetadataDelta): void
}
