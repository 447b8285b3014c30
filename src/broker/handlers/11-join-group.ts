// JoinGroup v0-9 (the classic group protocol). Checks as Kafka's: READ on the group, a non-empty
// group id (INVALID_GROUP_ID), a session timeout within group.min/max.session.timeout.ms
// (INVALID_SESSION_TIMEOUT); v0's rebalance timeout is its session timeout. v4+ new dynamic
// members first get MEMBER_ID_REQUIRED with their id (KIP-394); v5+ static members
// (group.instance.id); v9 lets a rejoining static leader skip the assignment. The request waits
// (parked in the coordinator) until the join phase completes; before v7 a null protocol name is
// sent as "".

import {ErrorCode} from '../../protocol/errors.js'
import type {JoinGroupResponse} from '../../protocol/generated/join-group-response.js'
import {clientHostOf, groupErrorCode} from '../../group/request-support.js'
import {groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

function errorResponse(memberId: string, errorCode: number, version: number): JoinGroupResponse {
  return forVersion({throttleTimeMs: 0, errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: []}, version)
}

function forVersion(r: JoinGroupResponse, version: number): JoinGroupResponse {
  return {
    ...r,
    protocolName: version < 7 && r.protocolName === null ? '' : r.protocolName,
    protocolType: version < 7 ? null : r.protocolType,
    skipAssignment: version >= 9 && r.skipAssignment,
  }
}

export default defineHandler('JoinGroup', {
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const v = ctx.apiVersion
    if (!ctx.authorize('READ', groupResource(request.groupId))) return errorResponse(request.memberId, ErrorCode.GROUP_AUTHORIZATION_FAILED, v)
    if (request.groupId === '') return errorResponse(request.memberId, ErrorCode.INVALID_GROUP_ID, v)
    const gc = ctx.broker.groupCoordinator
    if (request.sessionTimeoutMs < gc.config.classicMinSessionTimeoutMs || request.sessionTimeoutMs > gc.config.classicMaxSessionTimeoutMs) {
      return errorResponse(request.memberId, ErrorCode.INVALID_SESSION_TIMEOUT, v)
    }
    try {
      const result = await gc.joinGroup(
        {
          groupId: request.groupId,
          memberId: request.memberId,
          groupInstanceId: v >= 5 ? request.groupInstanceId : null,
          protocolType: request.protocolType,
          protocols: request.protocols.map((p) => ({name: p.name, metadata: Buffer.from(p.metadata)})),
          sessionTimeoutMs: request.sessionTimeoutMs,
          rebalanceTimeoutMs: v === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
          reason: v >= 8 ? request.reason : null,
        },
        {clientId: ctx.clientId ?? '', clientHost: clientHostOf(ctx.remoteAddress), apiVersion: v},
      )
      return forVersion({throttleTimeMs: 0, ...result}, v)
    } catch (e) {
      return errorResponse(request.memberId, groupErrorCode(e), v)
    }
  },
  errorResponse(request, errorCode, _message, ctx) {
    return errorResponse(request.memberId, errorCode, ctx.apiVersion)
  },
})
