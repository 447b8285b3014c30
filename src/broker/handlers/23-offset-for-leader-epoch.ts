// OffsetForLeaderEpoch v2-4 (Kafka 4 dropped v0-1): for each partition, the
// largest leader epoch <= the requested one and the offset where it ends
// (the start of the next epoch, or the log end offset for the latest), read
// from the leader epoch cache; -1/-1 when the epoch is older than the cache.
// Consumers use it (KIP-320) to detect truncation after a leader change;
// followers (v3+ replica id) to truncate. Callers need CLUSTER_ACTION, or
// DESCRIBE on the topic (TOPIC_AUTHORIZATION_FAILED). Errors per partition:
// UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH,
// UNKNOWN_LEADER_EPOCH.

import {ErrorCode} from '../../protocol/errors.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('OffsetForLeaderEpoch', {
  minVersion: 2,
  maxVersion: 4,
  handle(request, ctx) {
    const rm = ctx.broker.replicaManager
    const clusterAction = ctx.authorize('CLUSTER_ACTION', CLUSTER_RESOURCE)
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const authorized = clusterAction || ctx.authorize('DESCRIBE', {type: 'TOPIC', name: t.topic})
        return {
          topic: t.topic,
          partitions: t.partitions.map((p) => {
            const fail = (errorCode: number) => ({errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n})
            if (!authorized) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
            const partition = rm.getPartition(t.topic, p.partition)
            if (partition === undefined) return fail(rm.metadataContains(t.topic, p.partition) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            const r = partition.lastOffsetForLeaderEpoch(p.currentLeaderEpoch, p.leaderEpoch, true)
            return {errorCode: r.errorCode, partition: p.partition, leaderEpoch: r.leaderEpoch, endOffset: BigInt(r.endOffset)}
          }),
        }
      }),
    }
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({topic: t.topic, partitions: t.partitions.map((p) => ({errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n}))})),
    }
  },
})
