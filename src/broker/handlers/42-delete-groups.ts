// DeleteGroups v0-2: deletes empty groups and their committed offsets (tombstones in
// __consumer_offsets). DELETE on each group (GROUP_AUTHORIZATION_FAILED); a group with members
// answers NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND, one coordinated elsewhere
// NOT_COORDINATOR. Duplicate names are answered once.

import {ErrorCode} from '../../protocol/errors.js'
import {kafkaGroupOrder} from '../../group/request-support.js'
import {groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('DeleteGroups', {
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const names = [...new Set(request.groupsNames)]
    const gc = ctx.broker.groupCoordinator
    // As Kafka: results by coordinator partition, refused groups last.
    const refused = names.filter((g) => !ctx.authorize('DELETE', groupResource(g)))
    const allowed = kafkaGroupOrder(
      names.filter((g) => !refused.includes(g)),
      (g) => gc.partitionFor(g),
    )
    const results = await Promise.all(allowed.map(async (groupId) => ({groupId, errorCode: await gc.deleteGroup(groupId)})))
    for (const groupId of refused) results.push({groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED})
    return {throttleTimeMs: 0, results}
  },
  errorResponse(request, errorCode) {
    return {throttleTimeMs: 0, results: [...new Set(request.groupsNames)].map((groupId) => ({groupId, errorCode}))}
  },
})
