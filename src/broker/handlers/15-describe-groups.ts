// DescribeGroups v0-5: classic groups with their state, protocol type, the selected protocol and
// (when Stable) each member's metadata and assignment. DESCRIBE on each group
// (GROUP_AUTHORIZATION_FAILED); groups this broker does not coordinate get NOT_COORDINATOR (or
// the loading/availability error), unknown groups and groups of the consumer protocol read as
// Dead, as Kafka answers before v6. v3+ fill authorized operations when asked.

import {ErrorCode} from '../../protocol/errors.js'
import type {DescribedGroup} from '../../protocol/generated/describe-groups-response.js'
import {kafkaGroupOrder} from '../../group/request-support.js'
import {AUTHORIZED_OPERATIONS_OMITTED, authorizedOperations, groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

function errorGroup(groupId: string, errorCode: number): DescribedGroup {
  return {errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED}
}

export default defineHandler('DescribeGroups', {
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const withOps = ctx.apiVersion >= 3 && request.includeAuthorizedOperations
    const gc = ctx.broker.groupCoordinator
    // As Kafka: refused groups first, then the rest by coordinator partition.
    const refused = request.groups.filter((g) => !ctx.authorize('DESCRIBE', groupResource(g)))
    const allowed = kafkaGroupOrder(
      request.groups.filter((g) => !refused.includes(g)),
      (g) => gc.partitionFor(g),
    )
    const groups = [...refused.map((g) => errorGroup(g, ErrorCode.GROUP_AUTHORIZATION_FAILED)), ...allowed.map((groupId): DescribedGroup => {
      const d = gc.describeGroup(groupId)
      if (d.errorCode !== ErrorCode.NONE) return errorGroup(groupId, d.errorCode)
      return {
        ...d,
        members: d.members.map((m) => ({...m, groupInstanceId: ctx.apiVersion >= 4 ? m.groupInstanceId : null})),
        authorizedOperations: withOps ? authorizedOperations(ctx, groupResource(groupId)) : AUTHORIZED_OPERATIONS_OMITTED,
      }
    })]
    return {throttleTimeMs: 0, groups}
  },
  errorResponse(request, errorCode) {
    return {throttleTimeMs: 0, groups: request.groups.map((g) => errorGroup(g, errorCode))}
  },
})
