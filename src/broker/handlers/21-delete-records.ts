// DeleteRecords v0-2, as Kafka's ReplicaManager.deleteRecords: moves each
// partition's log start offset (the low watermark) up to the given offset
// (-1: the high watermark); whole segments below it go at the next
// retention check. Errors per partition: TOPIC_AUTHORIZATION_FAILED
// (DELETE), UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER,
// INVALID_TOPIC_EXCEPTION for internal topics, OFFSET_OUT_OF_RANGE for an
// offset below -1 or past the high watermark, POLICY_VIOLATION on compacted
// topics. With a single replica the low watermark is reached at once; with
// followers, Kafka waits for their log start offsets too (issue 6).

import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {INTERNAL_TOPICS} from '../broker-state.js'
import {defineHandler} from '../registry.js'

export default defineHandler('DeleteRecords', {
  minVersion: 0,
  maxVersion: 2,
  handle(request, ctx) {
    const rm = ctx.broker.replicaManager
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const authorized = ctx.authorize('DELETE', {type: 'TOPIC', name: t.name})
        return {
          name: t.name,
          partitions: t.partitions.map((p) => {
            const fail = (errorCode: number) => ({partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode})
            if (!authorized) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
            if (!rm.metadataContains(t.name, p.partitionIndex)) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            if (INTERNAL_TOPICS.has(t.name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION)
            try {
              const lowWatermark = rm.partitionOrThrow(t.name, p.partitionIndex).deleteRecordsOnLeader(Number(p.offset))
              return {partitionIndex: p.partitionIndex, lowWatermark: BigInt(lowWatermark), errorCode: ErrorCode.NONE}
            } catch (e) {
              if (!(e instanceof KafkaError)) throw e
              return fail(e.code)
            }
          }),
        }
      }),
    }
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({name: t.name, partitions: t.partitions.map((p) => ({partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode}))})),
    }
  },
})
