// DescribeTopicPartitions v0 (KIP-966; what kafka-topics.sh --describe uses on Kafka 4): topics by
// name, or every topic the client may describe when none is named, sorted by name, with leader,
// epochs, replicas, ISR and the (empty) eligible leader replica lists per partition. At most
// min(ResponsePartitionLimit, max.request.partition.size.limit) partitions per answer; the rest is
// reached through NextCursor, as Kafka pages it.

import {ErrorCode} from '../../protocol/errors.js'
import type {DescribeTopicPartitionsResponseTopic} from '../../protocol/generated/describe-topic-partitions-response.js'
import {ZERO_UUID} from '../../protocol/primitives.js'
import {authorizedOperations, topicResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('DescribeTopicPartitions', {
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    const state = ctx.broker.state
    const limit = Math.max(1, Math.min(request.responsePartitionLimit, ctx.broker.config.get('max.request.partition.size.limit')))
    const named = request.topics.length > 0
    let names = named ? [...new Set(request.topics.map((t) => t.name))].sort() : state.topicNames().sort()
    const cursor = request.cursor
    if (cursor !== null) names = names.filter((n) => n >= cursor.topicName)

    const topics: DescribeTopicPartitionsResponseTopic[] = []
    let budget = limit
    let nextCursor: {topicName: string; partitionIndex: number} | null = null
    for (const name of names) {
      const t = state.topic(name)
      const describable = ctx.authorize('DESCRIBE', topicResource(name))
      if (!t || !describable) {
        // Unlisted topics the client may not see are left out; named ones get their error.
        if (named) {
          topics.push({
            errorCode: describable ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            name,
            topicId: ZERO_UUID,
            isInternal: false,
            partitions: [],
            topicAuthorizedOperations: -2147483648,
          })
        }
        continue
      }
      if (budget === 0) {
        nextCursor = {topicName: name, partitionIndex: 0}
        break
      }
      const first = cursor !== null && cursor.topicName === name ? cursor.partitionIndex : 0
      const partitions = t.partitions.filter((p) => p.partitionIndex >= first).sort((a, b) => a.partitionIndex - b.partitionIndex)
      const served = partitions.slice(0, budget)
      budget -= served.length
      topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: t.topicId,
        isInternal: t.isInternal,
        partitions: served.map((p) => ({
          errorCode: ErrorCode.NONE,
          partitionIndex: p.partitionIndex,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicaNodes: p.replicas,
          isrNodes: p.isr,
          eligibleLeaderReplicas: [],
          lastKnownElr: [],
          offlineReplicas: p.offlineReplicas,
        })),
        topicAuthorizedOperations: authorizedOperations(ctx, topicResource(name)),
      })
      if (served.length < partitions.length) {
        nextCursor = {topicName: name, partitionIndex: partitions[served.length]!.partitionIndex}
        break
      }
    }
    return {throttleTimeMs: 0, topics, nextCursor}
  },
})
