// ConsumerGroupHeartbeat v0-1 (KIP-848; v1, regular expressions, is unstable in these schemas and
// advertised only with unstable.api.versions.enable). READ on the group. Joins (epoch 0), keeps
// alive, reconciles and leaves (epoch -1; -2 for a static member that will return) a member of a
// consumer-protocol group; assignments come from the server-side assignors "uniform" (default)
// and "range". A member id left empty at epoch 0 is generated here. Errors come with Kafka's
// message (FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID, UNRELEASED_INSTANCE_ID, INVALID_REQUEST, ...).

import {ErrorCode} from '../../protocol/errors.js'
import type {ConsumerGroupHeartbeatResponse} from '../../protocol/generated/consumer-group-heartbeat-response.js'
import {clientHostOf, groupErrorCode, groupErrorMessage} from '../../group/request-support.js'
import {groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

function errorResponse(errorCode: number, errorMessage: string | null): ConsumerGroupHeartbeatResponse {
  return {throttleTimeMs: 0, errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null}
}

export default defineHandler('ConsumerGroupHeartbeat', {
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    if (!ctx.authorize('READ', groupResource(request.groupId))) return errorResponse(ErrorCode.GROUP_AUTHORIZATION_FAILED, null)
    try {
      const r = await ctx.broker.groupCoordinator.consumerGroupHeartbeat(
        {
          groupId: request.groupId,
          memberId: request.memberId,
          memberEpoch: request.memberEpoch,
          instanceId: request.instanceId,
          rackId: request.rackId,
          rebalanceTimeoutMs: request.rebalanceTimeoutMs,
          subscribedTopicNames: request.subscribedTopicNames,
          subscribedTopicRegex: ctx.apiVersion >= 1 ? request.subscribedTopicRegex : null,
          serverAssignor: request.serverAssignor,
          topicPartitions: request.topicPartitions,
        },
        ctx.clientId ?? '',
        clientHostOf(ctx.remoteAddress),
      )
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        memberId: r.memberId,
        memberEpoch: r.memberEpoch,
        heartbeatIntervalMs: r.heartbeatIntervalMs,
        assignment: r.assignment === null ? null : {topicPartitions: r.assignment},
      }
    } catch (e) {
      return errorResponse(groupErrorCode(e), groupErrorMessage(e))
    }
  },
  errorResponse(_request, errorCode, message) {
    return errorResponse(errorCode, message)
  },
})
