// OffsetFetch v1-9 (Kafka 4 dropped v0). v1-7 ask about one group, v8+ about several. DESCRIBE on
// the group (GROUP_AUTHORIZATION_FAILED), and on each topic: named topics the client may not
// describe get TOPIC_AUTHORIZATION_FAILED, and "all topics" (null, v2+) leaves them out. Unknown
// partitions and groups answer offset -1. v7+ requireStable answers UNSTABLE_OFFSET_COMMIT for
// partitions with a pending transactional commit; v9 carries the member id and epoch of
// consumer-protocol members, checked like Kafka (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH). Before v2
// a group-level error is reported on every partition.

import {ErrorCode} from '../../protocol/errors.js'
import type {OffsetFetchResponse, OffsetFetchResponseGroup} from '../../protocol/generated/offset-fetch-response.js'
import {groupErrorCode} from '../../group/request-support.js'
import {groupResource, topicResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'
import type {RequestContext} from '../request-context.js'

interface GroupQuery {
  groupId: string
  memberId: string | null
  memberEpoch: number
  topics: Array<{name: string; partitionIndexes: number[]}> | null
}

function fetchGroup(ctx: RequestContext, q: GroupQuery, requireStable: boolean): OffsetFetchResponseGroup {
  if (!ctx.authorize('DESCRIBE', groupResource(q.groupId))) return {groupId: q.groupId, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED}
  const denied = q.topics?.filter((t) => !ctx.authorize('DESCRIBE', topicResource(t.name))) ?? []
  const allowed = q.topics === null ? null : q.topics.filter((t) => !denied.includes(t))
  let fetched
  try {
    fetched = ctx.broker.groupCoordinator.fetchOffsets(q.groupId, allowed, q.memberId, q.memberEpoch, requireStable)
  } catch (e) {
    return {groupId: q.groupId, topics: [], errorCode: groupErrorCode(e)}
  }
  const topics = (q.topics === null ? fetched.topics.filter((t) => ctx.authorize('DESCRIBE', topicResource(t.name))) : fetched.topics).map((t) => ({
    name: t.name,
    partitions: t.partitions,
  }))
  for (const t of denied) {
    topics.push({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => ({partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED})),
    })
  }
  return {groupId: q.groupId, topics, errorCode: ErrorCode.NONE}
}

/** A v1-7 response from one group's result (Kafka's OffsetFetchResponse for old versions). */
function singleGroupResponse(g: OffsetFetchResponseGroup, requested: GroupQuery['topics'], version: number): OffsetFetchResponse {
  if (version < 2 && g.errorCode !== ErrorCode.NONE) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: [],
      topics: (requested ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => ({partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: g.errorCode})),
      })),
    }
  }
  return {throttleTimeMs: 0, errorCode: version >= 2 ? g.errorCode : ErrorCode.NONE, groups: [], topics: g.topics}
}

export default defineHandler('OffsetFetch', {
  minVersion: 1,
  maxVersion: 9,
  handle(request, ctx) {
    const v = ctx.apiVersion
    const requireStable = v >= 7 && request.requireStable
    if (v < 8) {
      const q: GroupQuery = {groupId: request.groupId, memberId: null, memberEpoch: -1, topics: request.topics}
      return singleGroupResponse(fetchGroup(ctx, q, requireStable), request.topics, v)
    }
    const groups = request.groups.map((g) =>
      fetchGroup(ctx, {groupId: g.groupId, memberId: v >= 9 ? g.memberId : null, memberEpoch: v >= 9 ? g.memberEpoch : -1, topics: g.topics}, requireStable),
    )
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics: [], groups}
  },
  errorResponse(request, errorCode, _message, ctx) {
    if (ctx.apiVersion < 8) {
      return singleGroupResponse({groupId: request.groupId, topics: [], errorCode}, request.topics, ctx.apiVersion)
    }
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics: [], groups: request.groups.map((g) => ({groupId: g.groupId, topics: [], errorCode}))}
  },
})
