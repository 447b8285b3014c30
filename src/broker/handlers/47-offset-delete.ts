// OffsetDelete v0. DELETE on the group (top-level GROUP_AUTHORIZATION_FAILED), READ on each topic
// (TOPIC_AUTHORIZATION_FAILED for its partitions); unknown partitions get
// UNKNOWN_TOPIC_OR_PARTITION. Offsets of topics the group still consumes are kept
// (GROUP_SUBSCRIBED_TO_TOPIC); a non-empty group that does not use the consumer protocol answers
// NON_EMPTY_GROUP, a missing one GROUP_ID_NOT_FOUND. The rest are deleted with tombstones.

import {ErrorCode} from '../../protocol/errors.js'
import type {OffsetDeleteResponseTopic} from '../../protocol/generated/offset-delete-response.js'
import {groupErrorCode} from '../../group/request-support.js'
import {groupResource, topicResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('OffsetDelete', {
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    if (!ctx.authorize('DELETE', groupResource(request.groupId))) return {errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: []}
    const state = ctx.broker.state
    const out: OffsetDeleteResponseTopic[] = request.topics.map((t) => ({name: t.name, partitions: []}))
    const valid: Array<{name: string; partitions: number[]}> = []
    request.topics.forEach((t, i) => {
      const topic = state.topic(t.name)
      const rejectAll = !ctx.authorize('READ', topicResource(t.name)) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : !topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : null
      if (rejectAll !== null) {
        out[i]!.partitions.push(...t.partitions.map((p) => ({partitionIndex: p.partitionIndex, errorCode: rejectAll})))
        return
      }
      const ok: number[] = []
      for (const p of t.partitions) {
        if (topic!.partitions.some((tp) => tp.partitionIndex === p.partitionIndex)) ok.push(p.partitionIndex)
        else out[i]!.partitions.push({partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION})
      }
      if (ok.length > 0) valid.push({name: t.name, partitions: ok})
    })
    try {
      const results = await ctx.broker.groupCoordinator.deleteOffsets(request.groupId, valid)
      for (const r of results) out.find((t) => t.name === r.name)!.partitions.push(...r.partitions)
    } catch (e) {
      return {errorCode: groupErrorCode(e), throttleTimeMs: 0, topics: []}
    }
    return {errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: out}
  },
  errorResponse(_request, errorCode) {
    return {errorCode, throttleTimeMs: 0, topics: []}
  },
})
