// ElectLeaders v0-2 (kafka-leader-election.sh, Admin.electLeaders): PREFERRED (v0, and v1+
// electionType 0) moves leadership to each partition's first replica when it is in the ISR and
// alive; UNCLEAN (1) gives a leaderless partition a leader, from outside the ISR if need be.
// Needs ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED on every partition). Per partition:
// ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
// UNKNOWN_TOPIC_OR_PARTITION ("No such topic as t"), as Kafka's controller answers. Null
// partitions mean every partition (those needing no election are left out). A broker forwards the
// request to the active controller, which answers once the new leaders are committed.

import {ErrorCode} from '../../protocol/errors.js'
import {electLeadersError} from '../../replication/partition-control.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('ElectLeaders', {
  minVersion: 0,
  maxVersion: 2,
  listeners: ['broker', 'controller'],
  handle(request, ctx) {
    if (!ctx.authorize('ALTER', CLUSTER_RESOURCE)) {
      return electLeadersError(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.')
    }
    // v0 has no election type: it always asks for preferred leaders.
    const electionType = ctx.apiVersion === 0 ? 0 : request.electionType
    return ctx.broker.partitionControl.electLeaders({...request, electionType}, ctx.apiVersion, {forwarded: ctx.listenerType === 'controller'})
  },
  errorResponse(request, errorCode, message) {
    return electLeadersError(request, errorCode, message)
  },
})
