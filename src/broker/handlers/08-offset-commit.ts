// OffsetCommit v2-9 (Kafka 4 dropped v0-1). READ on the group (GROUP_AUTHORIZATION_FAILED for
// every partition otherwise) and on each topic (TOPIC_AUTHORIZATION_FAILED); partitions the
// cluster does not know get UNKNOWN_TOPIC_OR_PARTITION. The rest is committed to
// __consumer_offsets: by a member of the current generation (classic groups), the current member
// epoch (consumer groups, v9+), or anyone for an empty or simple group (generation -1). v2-4 may
// set a retention time; metadata longer than offset.metadata.max.bytes gets
// OFFSET_METADATA_TOO_LARGE. Group-level failures (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
// REBALANCE_IN_PROGRESS, GROUP_ID_NOT_FOUND v9+, STALE_MEMBER_EPOCH, ...) go to every partition.

import {ErrorCode} from '../../protocol/errors.js'
import type {OffsetCommitRequest} from '../../protocol/generated/offset-commit-request.js'
import type {OffsetCommitResponse, OffsetCommitResponseTopic} from '../../protocol/generated/offset-commit-response.js'
import {groupErrorCode} from '../../group/request-support.js'
import {groupResource, topicResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

function allFailed(request: OffsetCommitRequest, errorCode: number): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({name: t.name, partitions: t.partitions.map((p) => ({partitionIndex: p.partitionIndex, errorCode}))})),
  }
}

export default defineHandler('OffsetCommit', {
  minVersion: 2,
  maxVersion: 9,
  async handle(request, ctx) {
    if (!ctx.authorize('READ', groupResource(request.groupId))) return allFailed(request, ErrorCode.GROUP_AUTHORIZATION_FAILED)
    const state = ctx.broker.state
    // Results keep the request's topic order; rejected partitions are filled in right away.
    const out: OffsetCommitResponseTopic[] = request.topics.map((t) => ({name: t.name, partitions: []}))
    const valid: OffsetCommitRequest['topics'] = []
    request.topics.forEach((t, i) => {
      const topic = state.topic(t.name)
      const rejectAll = !ctx.authorize('READ', topicResource(t.name)) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : !topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : null
      if (rejectAll !== null) {
        out[i]!.partitions.push(...t.partitions.map((p) => ({partitionIndex: p.partitionIndex, errorCode: rejectAll})))
        return
      }
      const ok = t.partitions.filter((p) => topic!.partitions.some((tp) => tp.partitionIndex === p.partitionIndex))
      for (const p of t.partitions) if (!ok.includes(p)) out[i]!.partitions.push({partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION})
      if (ok.length > 0) valid.push({...t, partitions: ok})
    })
    if (valid.length === 0) return {throttleTimeMs: 0, topics: out}
    const place = (name: string, partitionIndex: number, errorCode: number) => {
      const i = request.topics.findIndex((t) => t.name === name)
      out[i]!.partitions.push({partitionIndex, errorCode})
    }
    try {
      const results = await ctx.broker.groupCoordinator.commitOffsets(
        {
          groupId: request.groupId,
          generationIdOrMemberEpoch: request.generationIdOrMemberEpoch,
          memberId: request.memberId,
          groupInstanceId: request.groupInstanceId,
          retentionTimeMs: ctx.apiVersion <= 4 ? request.retentionTimeMs : -1n,
          topics: valid,
        },
        ctx.apiVersion,
      )
      for (const t of results) for (const p of t.partitions) place(t.name, p.partitionIndex, p.errorCode)
    } catch (e) {
      const code = groupErrorCode(e)
      for (const t of valid) for (const p of t.partitions) place(t.name, p.partitionIndex, code)
    }
    return {throttleTimeMs: 0, topics: out}
  },
  errorResponse(request, errorCode) {
    return allFailed(request, errorCode)
  },
})
