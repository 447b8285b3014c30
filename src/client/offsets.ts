// Partition metadata and ListOffsets lookups, routed to each partition's leader.

import {ErrorCode, errorMessage, KafkaError} from '../protocol/errors.js'
import type {ListOffsetsRequest} from '../protocol/generated/list-offsets-request.js'
import {ListOffsets} from './apis.js'
import type {KafkaClient} from './client.js'

/** ListOffsets special timestamps (ListOffsetsRequest in Kafka). */
export const LATEST_TIMESTAMP = -1n
export const EARLIEST_TIMESTAMP = -2n
export const MAX_TIMESTAMP = -3n
export const EARLIEST_LOCAL_TIMESTAMP = -4n
export const LATEST_TIERED_TIMESTAMP = -5n

export interface PartitionRef {
  topic: string
  topicId: string
  partition: number
  leader: number
  leaderEpoch: number
}

export class UnknownTopicError extends KafkaError {
  override name = 'UnknownTopicError'
  constructor(readonly topic: string) {
    super(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist`)
  }
}

/**
 * The partitions of `topics` with their leaders. Topics a broker is still
 * creating (LEADER_NOT_AVAILABLE) are waited for briefly; unknown topics throw.
 */
export async function partitionsOf(client: KafkaClient, topics: string[], opts: {allowAutoTopicCreation?: boolean; waitMs?: number} = {}): Promise<PartitionRef[]> {
  const deadline = Date.now() + (opts.waitMs ?? 5000)
  for (;;) {
    const md = await client.metadata(topics, {allowAutoTopicCreation: opts.allowAutoTopicCreation ?? false})
    const out: PartitionRef[] = []
    let retry = false
    for (const name of topics) {
      const t = md.topics.find((x) => x.name === name)
      const code = t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      if (code === ErrorCode.LEADER_NOT_AVAILABLE || (code === 0 && t!.partitions.some((p) => p.leaderId < 0))) {
        retry = true
        continue
      }
      if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        if (opts.allowAutoTopicCreation) {
          retry = true
          continue
        }
        throw new UnknownTopicError(name)
      }
      if (code !== 0) throw new KafkaError(code, `${errorMessage(code)} (topic ${name})`)
      for (const p of t!.partitions) out.push({topic: name, topicId: t!.topicId, partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch})
    }
    if (!retry) return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
    if (Date.now() > deadline) {
      const missing = topics.filter((n) => !out.some((p) => p.topic === n))
      throw new UnknownTopicError(missing[0] ?? topics[0]!)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

export interface OffsetAnswer {
  offset: bigint
  timestamp: bigint
  leaderEpoch: number
}

/**
 * ListOffsets for each partition at `timestamp` (or a special value),
 * keyed by `${topic}\0${partition}`. Partition errors throw with Kafka's message.
 */
export async function listOffsets(
  client: KafkaClient,
  partitions: PartitionRef[],
  timestampOf: (p: PartitionRef) => bigint,
  isolationLevel = 0,
): Promise<Map<string, OffsetAnswer>> {
  const byLeader = new Map<number, PartitionRef[]>()
  for (const p of partitions) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p])
  const out = new Map<string, OffsetAnswer>()
  await Promise.all(
    [...byLeader].map(async ([leader, refs]) => {
      const conn = await client.connectionTo(leader)
      const version = conn.versionFor(ListOffsets)
      const topics = new Map<string, PartitionRef[]>()
      for (const r of refs) topics.set(r.topic, [...(topics.get(r.topic) ?? []), r])
      const request = {
        replicaId: -1,
        isolationLevel,
        timeoutMs: 30_000,
        topics: [...topics].map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => ({partitionIndex: p.partition, currentLeaderEpoch: version >= 4 ? p.leaderEpoch : -1, timestamp: timestampOf(p), maxNumOffsets: 1})),
        })),
      } as ListOffsetsRequest
      const response = await conn.request(ListOffsets, request, version)
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) throw new KafkaError(p.errorCode, `${errorMessage(p.errorCode)} (${t.name}-${p.partitionIndex})`)
          const offset = version === 0 ? (p.oldStyleOffsets[0] ?? -1n) : p.offset
          out.set(`${t.name}\u0000${p.partitionIndex}`, {offset, timestamp: p.timestamp, leaderEpoch: p.leaderEpoch})
        }
      }
    }),
  )
  return out
}
