// Committed offsets, by group, topic and partition: what OffsetCommit stores, OffsetFetch reads,
// and the retention check expires. Rebuilt from the OffsetCommit records of __consumer_offsets
// when a partition loads.

import type {OffsetCommitValue} from './records.js'

export interface OffsetAndMetadata {
  committedOffset: bigint
  /** -1 when the client did not send one. */
  leaderEpoch: number
  metadata: string
  commitTimestampMs: number
  /** Set by OffsetCommit v2-4 with a retention time; null otherwise. */
  expireTimestampMs: number | null
  /** Offset of the record in __consumer_offsets that holds this commit. */
  recordOffset: number
}

export function offsetFromRecord(value: OffsetCommitValue, recordOffset: number): OffsetAndMetadata {
  return {
    committedOffset: value.offset,
    leaderEpoch: value.leaderEpoch,
    metadata: value.metadata,
    commitTimestampMs: Number(value.commitTimestamp),
    expireTimestampMs: value.expireTimestamp >= 0n ? Number(value.expireTimestamp) : null,
    recordOffset,
  }
}

export function offsetToRecordValue(o: OffsetAndMetadata): OffsetCommitValue {
  return {
    offset: o.committedOffset,
    leaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    commitTimestamp: BigInt(o.commitTimestampMs),
    expireTimestamp: o.expireTimestampMs === null ? -1n : BigInt(o.expireTimestampMs),
  }
}

/**
 * Kafka's OffsetExpirationConditionImpl: an explicit expire timestamp wins; otherwise the offset
 * expires once retention has passed since the base timestamp the group's state dictates.
 */
export function isOffsetExpired(o: OffsetAndMetadata, nowMs: number, retentionMs: number, baseTimestampMs: number): boolean {
  if (o.expireTimestampMs !== null) return nowMs >= o.expireTimestampMs
  return nowMs - baseTimestampMs >= retentionMs
}

export type TopicOffsets = Map<number, OffsetAndMetadata>

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, TopicOffsets>>()

  get(group: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.byGroup.get(group)?.get(topic)?.get(partition)
  }

  put(group: string, topic: string, partition: number, value: OffsetAndMetadata): void {
    let topics = this.byGroup.get(group)
    if (!topics) this.byGroup.set(group, (topics = new Map()))
    let partitions = topics.get(topic)
    if (!partitions) topics.set(topic, (partitions = new Map()))
    partitions.set(partition, value)
  }

  remove(group: string, topic: string, partition: number): boolean {
    const topics = this.byGroup.get(group)
    const partitions = topics?.get(topic)
    if (!partitions || !partitions.delete(partition)) return false
    if (partitions.size === 0) topics!.delete(topic)
    if (topics!.size === 0) this.byGroup.delete(group)
    return true
  }

  /** The group's offsets by topic (live view); undefined when it has none. */
  groupOffsets(group: string): ReadonlyMap<string, TopicOffsets> | undefined {
    return this.byGroup.get(group)
  }

  hasOffsets(group: string): boolean {
    return this.byGroup.has(group)
  }

  deleteGroup(group: string): void {
    this.byGroup.delete(group)
  }

  groups(): string[] {
    return [...this.byGroup.keys()]
  }

  /** Every (group, topic, partition) with an offset for one of the topics. */
  *offsetsOfTopic(topic: string): Generator<{group: string; partition: number}> {
    for (const [group, topics] of this.byGroup) {
      const partitions = topics.get(topic)
      if (partitions) for (const p of partitions.keys()) yield {group, partition: p}
    }
  }
}
