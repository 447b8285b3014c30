// LeaveGroup v0-5 (the classic group protocol). READ on the group. v0-2 name one member (its
// error is the top-level error); v3+ a batch of members, possibly by group.instance.id alone to
// remove a static member administratively; v5 carries a reason per member. The group
// rebalances without the members that left.

import {ErrorCode} from '../../protocol/errors.js'
import type {LeaveGroupResponse} from '../../protocol/generated/leave-group-response.js'
import {groupErrorCode} from '../../group/request-support.js'
import {groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('LeaveGroup', {
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const v = ctx.apiVersion
    const fail = (errorCode: number): LeaveGroupResponse => ({throttleTimeMs: 0, errorCode, members: []})
    if (!ctx.authorize('READ', groupResource(request.groupId))) return fail(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    if (request.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID)
    const members = v >= 3 ? request.members.map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: v >= 5 ? m.reason : null})) : [{memberId: request.memberId, groupInstanceId: null, reason: null}]
    let result: {errorCode: number; members: Array<{memberId: string; groupInstanceId: string | null; errorCode: number}>}
    try {
      result = ctx.broker.groupCoordinator.leaveGroup(request.groupId, members)
    } catch (e) {
      return fail(groupErrorCode(e))
    }
    if (v >= 3) return {throttleTimeMs: 0, errorCode: result.errorCode, members: result.errorCode === ErrorCode.NONE ? result.members : []}
    const memberError = result.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE
    return fail(result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError)
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, members: []}
  },
})
