// Small pieces the group API handlers share: the client host as Kafka prints it, the error code a
// failed coordinator operation answers with, and the order Kafka answers multi-group requests in.

import {javaHashMapOrder, topicPartitionHash} from '../admin/java-order.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {GROUP_METADATA_TOPIC_NAME} from './partitioner.js'
import {appendErrorToResponseError} from './runtime.js'

/** Kafka's InetAddress.toString() of the client: "/127.0.0.1" (IPv4-mapped IPv6 shown as IPv4). */
export function clientHostOf(remoteAddress: string): string {
  return `/${remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress}`
}

/**
 * The code a failed group operation answers with (Kafka's handleOperationException): storage
 * errors become the coordinator errors clients retry on. Anything but a KafkaError is a bug and
 * is rethrown, so the request processor logs it.
 */
export function groupErrorCode(e: unknown): number {
  if (e instanceof KafkaError) return appendErrorToResponseError(e.code)
  throw e
}

export function groupErrorMessage(e: unknown): string | null {
  return e instanceof KafkaError && e.message !== '' ? e.message : null
}

export const NONE = ErrorCode.NONE

/**
 * Group ids in the order Kafka answers a multi-group request (DescribeGroups, DeleteGroups,
 * ConsumerGroupDescribe): grouped by __consumer_offsets partition, the partitions in the
 * iteration order of Kafka's HashMap<TopicPartition, List<String>>, request order within each.
 */
export function kafkaGroupOrder(groupIds: readonly string[], partitionFor: (groupId: string) => number): string[] {
  const byPartition = new Map<number, string[]>()
  for (const g of groupIds) {
    const p = partitionFor(g)
    const list = byPartition.get(p)
    if (list) list.push(g)
    else byPartition.set(p, [g])
  }
  const partitions = javaHashMapOrder([...byPartition.keys()], String, undefined, (k) => topicPartitionHash(GROUP_METADATA_TOPIC_NAME, Number(k)))
  return partitions.flatMap((p) => byPartition.get(p)!)
}
