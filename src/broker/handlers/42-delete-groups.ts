// DeleteGroups v0-2: deletes empty groups and their committed offsets (tombstones in
// __consumer_offsets). DELETE on each group (GROUP_AUTHORIZATION_FAILED); a group with members
// answers NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND, one coordinated elsewhere
// NOT_COORDINATOR. Duplicate names are answered once.

import {ErrorCode} from '../../protocol/errors.js'
import {groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('DeleteGroups', {
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const names = [...new Set(request.groupsNames)]
    const results = await Promise.all(
      names.map(async (groupId) => {
        if (!ctx.authorize('DELETE', groupResource(groupId))) return {groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED}
        return {groupId, errorCode: await ctx.broker.groupCoordinator.deleteGroup(groupId)}
      }),
    )
    return {throttleTimeMs: 0, results}
  },
  errorResponse(request, errorCode) {
    return {throttleTimeMs: 0, results: [...new Set(request.groupsNames)].map((groupId) => ({groupId, errorCode}))}
  },
})
