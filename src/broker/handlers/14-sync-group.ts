// SyncGroup v0-5 (the classic group protocol). READ on the group; v5+ must name the protocol type
// and name (INCONSISTENT_GROUP_PROTOCOL otherwise, and when they differ from the group's). The
// leader's request carries every member's assignment; members wait (parked in the coordinator)
// until it is stored in __consumer_offsets, then each gets its own.

import {ErrorCode} from '../../protocol/errors.js'
import type {SyncGroupResponse} from '../../protocol/generated/sync-group-response.js'
import {groupErrorCode} from '../../group/request-support.js'
import {groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

function errorResponse(errorCode: number): SyncGroupResponse {
  return {throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)}
}

export default defineHandler('SyncGroup', {
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const v = ctx.apiVersion
    if (v >= 5 && (request.protocolType === null || request.protocolName === null)) return errorResponse(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    if (!ctx.authorize('READ', groupResource(request.groupId))) return errorResponse(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    if (request.groupId === '') return errorResponse(ErrorCode.INVALID_GROUP_ID)
    try {
      const r = await ctx.broker.groupCoordinator.syncGroup({
        groupId: request.groupId,
        generationId: request.generationId,
        memberId: request.memberId,
        groupInstanceId: v >= 3 ? request.groupInstanceId : null,
        protocolType: v >= 5 ? request.protocolType : null,
        protocolName: v >= 5 ? request.protocolName : null,
        assignments: request.assignments.map((a) => ({memberId: a.memberId, assignment: Buffer.from(a.assignment)})),
      })
      return {throttleTimeMs: 0, ...r, protocolType: v >= 5 ? r.protocolType : null, protocolName: v >= 5 ? r.protocolName : null}
    } catch (e) {
      return errorResponse(groupErrorCode(e))
    }
  },
  errorResponse(_request, errorCode) {
    return errorResponse(errorCode)
  },
})
