// AlterPartitionReassignments v0 (kafka-reassign-partitions.sh --execute/--cancel,
// Admin.alterPartitionReassignments): per partition, a new target replica list starts a
// reassignment (the new replicas are added, catch up, join the ISR; then the removed ones leave
// and leadership moves if it must), and null replicas cancel the one in progress. Needs ALTER on
// the cluster. Per partition: UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT (empty,
// duplicate or unregistered brokers; a cancellation that needs an unclean election),
// NO_REASSIGNMENT_IN_PROGRESS, with Kafka's controller's messages. A broker forwards the request
// to the active controller, which answers once the change is committed (not once the data moved).

import {ErrorCode} from '../../protocol/errors.js'
import {alterReassignmentsError} from '../../replication/partition-control.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('AlterPartitionReassignments', {
  minVersion: 0,
  maxVersion: 0,
  listeners: ['broker', 'controller'],
  handle(request, ctx) {
    if (!ctx.authorize('ALTER', CLUSTER_RESOURCE)) {
      return alterReassignmentsError(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.')
    }
    return ctx.broker.partitionControl.alterPartitionReassignments(request, ctx.apiVersion, {forwarded: ctx.listenerType === 'controller'})
  },
  errorResponse(request, errorCode, message) {
    return alterReassignmentsError(request, errorCode, message)
  },
})
