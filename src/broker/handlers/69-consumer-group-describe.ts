// ConsumerGroupDescribe v0: groups of the consumer protocol (KIP-848) with their state, epochs,
// assignor and members (subscriptions, current and target assignments by topic id and name).
// DESCRIBE on each group (GROUP_AUTHORIZATION_FAILED); an empty id is INVALID_GROUP_ID, a missing
// or classic group GROUP_ID_NOT_FOUND with Kafka's message. Authorized operations when asked.

import {ErrorCode} from '../../protocol/errors.js'
import type {DescribedGroup} from '../../protocol/generated/consumer-group-describe-response.js'
import {groupErrorCode, groupErrorMessage, kafkaGroupOrder} from '../../group/request-support.js'
import {AUTHORIZED_OPERATIONS_OMITTED, authorizedOperations, groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

function errorGroup(groupId: string, errorCode: number, errorMessage: string | null): DescribedGroup {
  return {
    errorCode,
    errorMessage,
    groupId,
    groupState: '',
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignorName: '',
    members: [],
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }
}

export default defineHandler('ConsumerGroupDescribe', {
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    const gc = ctx.broker.groupCoordinator
    // As Kafka: refused groups first, then invalid ids, then the rest by coordinator partition.
    const refused = request.groupIds.filter((g) => !ctx.authorize('DESCRIBE', groupResource(g)))
    const rest = request.groupIds.filter((g) => !refused.includes(g))
    const ordered = [...rest.filter((g) => g === ''), ...kafkaGroupOrder(rest.filter((g) => g !== ''), (g) => gc.partitionFor(g))]
    const groups = [...refused.map((g) => errorGroup(g, ErrorCode.GROUP_AUTHORIZATION_FAILED, null)), ...ordered.map((groupId): DescribedGroup => {
      if (groupId === '') return errorGroup(groupId, ErrorCode.INVALID_GROUP_ID, null)
      try {
        const d = gc.describeConsumerGroup(groupId)
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          ...d,
          members: d.members.map((m) => ({...m, assignment: {topicPartitions: m.assignment}, targetAssignment: {topicPartitions: m.targetAssignment}})),
          authorizedOperations: request.includeAuthorizedOperations ? authorizedOperations(ctx, groupResource(groupId)) : AUTHORIZED_OPERATIONS_OMITTED,
        }
      } catch (e) {
        return errorGroup(groupId, groupErrorCode(e), groupErrorMessage(e))
      }
    })]
    return {throttleTimeMs: 0, groups}
  },
  errorResponse(request, errorCode, message) {
    return {throttleTimeMs: 0, groups: request.groupIds.map((g) => errorGroup(g, errorCode, message))}
  },
})
