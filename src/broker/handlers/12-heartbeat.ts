// Heartbeat v0-4 (the classic group protocol). READ on the group. Keeps a member's session
// alive; REBALANCE_IN_PROGRESS tells it to rejoin, ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID /
// FENCED_INSTANCE_ID that it is out. A group whose partition is still loading answers NONE.

import {ErrorCode} from '../../protocol/errors.js'
import {groupErrorCode} from '../../group/request-support.js'
import {groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('Heartbeat', {
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    if (!ctx.authorize('READ', groupResource(request.groupId))) return {throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED}
    if (request.groupId === '') return {throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID}
    let errorCode: number
    try {
      errorCode = ctx.broker.groupCoordinator.heartbeat(request.groupId, request.memberId, ctx.apiVersion >= 3 ? request.groupInstanceId : null, request.generationId)
    } catch (e) {
      errorCode = groupErrorCode(e)
    }
    return {throttleTimeMs: 0, errorCode}
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode}
  },
})
