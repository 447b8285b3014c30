// ListGroups v0-5: the groups of every __consumer_offsets partition this broker coordinates, with
// their protocol type; v4+ with their state (and a case-insensitive states filter), v5+ with
// their type ("classic", "consumer") and a types filter. DESCRIBE on the cluster lists them all,
// otherwise only the groups the client may describe.

import {ErrorCode} from '../../protocol/errors.js'
import {groupErrorCode} from '../../group/request-support.js'
import {CLUSTER_RESOURCE, groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('ListGroups', {
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const v = ctx.apiVersion
    let groups
    try {
      groups = ctx.broker.groupCoordinator.listGroups(v >= 4 ? request.statesFilter : [], v >= 5 ? request.typesFilter : [])
    } catch (e) {
      return {throttleTimeMs: 0, errorCode: groupErrorCode(e), groups: []}
    }
    if (!ctx.authorize('DESCRIBE', CLUSTER_RESOURCE)) groups = groups.filter((g) => ctx.authorize('DESCRIBE', groupResource(g.groupId)))
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: groups.map((g) => ({groupId: g.groupId, protocolType: g.protocolType, groupState: v >= 4 ? g.groupState : '', groupType: v >= 5 ? g.groupType : ''})),
    }
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, groups: []}
  },
})
