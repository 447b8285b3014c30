// ListOffsets v1-10 (Kafka 4 dropped v0), as Kafka's ReplicaManager.fetchOffset:
// earliest (-2), latest (-1: the high watermark for read_uncommitted
// consumers, the last stable offset for read_committed, the log end offset
// for replicas and the debug id -2), max timestamp (-3, v7+), earliest local
// (-4, v8+), latest tiered (-5, v9+), and by timestamp through the .timeindex
// (the first offset whose timestamp is >= the target). An offset a consumer
// may not read yet, or no match, answers -1/-1. Errors per partition:
// TOPIC_AUTHORIZATION_FAILED (DESCRIBE), INVALID_REQUEST for a partition
// listed twice, UNSUPPORTED_VERSION for a special timestamp the version does
// not know, UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER,
// FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH (v4+ current leader epoch).
// v4+ answers carry the leader epoch of the offset.

import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import type {ListOffsetsPartitionResponse} from '../../protocol/generated/list-offsets-response.js'
import {defineHandler} from '../registry.js'

const CONSUMER_REPLICA_ID = -1
const DEBUGGING_REPLICA_ID = -2
const READ_COMMITTED = 1

/** The first version that knows each special timestamp (Kafka's timestampMinSupportedVersion). */
const TIMESTAMP_MIN_VERSION = new Map<number, number>([
  [-2, 1],
  [-1, 1],
  [-3, 7],
  [-4, 8],
  [-5, 9],
])

function result(partitionIndex: number, errorCode: number, timestamp = -1n, offset = -1n, leaderEpoch = -1): ListOffsetsPartitionResponse {
  return {partitionIndex, errorCode, oldStyleOffsets: [], timestamp, offset, leaderEpoch}
}

export default defineHandler('ListOffsets', {
  minVersion: 1,
  maxVersion: 10,
  handle(request, ctx) {
    const v = ctx.apiVersion
    const rm = ctx.broker.replicaManager
    const seen = new Set<string>()
    const duplicates = new Set<string>()
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const k = `${t.name}\u0000${p.partitionIndex}`
        if (seen.has(k)) duplicates.add(k)
        seen.add(k)
      }
    }
    const isConsumer = request.replicaId === CONSUMER_REPLICA_ID
    const isolation = !isConsumer ? null : v >= 2 && request.isolationLevel === READ_COMMITTED ? 'read_committed' : 'read_uncommitted'
    const fetchOnlyFromLeader = request.replicaId !== DEBUGGING_REPLICA_ID
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const authorized = ctx.authorize('DESCRIBE', {type: 'TOPIC', name: t.name})
        return {
          name: t.name,
          partitions: t.partitions.map((p) => {
            if (!authorized) return result(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
            if (duplicates.has(`${t.name}\u0000${p.partitionIndex}`)) return result(p.partitionIndex, ErrorCode.INVALID_REQUEST)
            const ts = Number(p.timestamp)
            if (ts < 0) {
              const min = TIMESTAMP_MIN_VERSION.get(ts)
              if (min === undefined || v < min) return result(p.partitionIndex, ErrorCode.UNSUPPORTED_VERSION)
            }
            try {
              const partition = rm.partitionOrThrow(t.name, p.partitionIndex)
              const found = partition.fetchOffsetForTimestamp(ts, isolation, v >= 4 ? p.currentLeaderEpoch : -1, fetchOnlyFromLeader)
              if (found === null) return result(p.partitionIndex, ErrorCode.NONE)
              return result(p.partitionIndex, ErrorCode.NONE, BigInt(found.timestamp), BigInt(found.offset), v >= 4 ? (found.leaderEpoch ?? -1) : -1)
            } catch (e) {
              if (!(e instanceof KafkaError)) throw e
              return result(p.partitionIndex, e.code)
            }
          }),
        }
      }),
    }
  },
  errorResponse(request, errorCode) {
    return {throttleTimeMs: 0, topics: request.topics.map((t) => ({name: t.name, partitions: t.partitions.map((p) => result(p.partitionIndex, errorCode))}))}
  },
})
