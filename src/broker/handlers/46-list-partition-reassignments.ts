// ListPartitionReassignments v0 (kafka-reassign-partitions.sh --verify/--list,
// Admin.listPartitionReassignments): the partitions with a reassignment in progress, each with
// its replicas (target first, then those being removed), adding and removing replicas; all of
// them for null topics, else those of the named partitions (unknown ones are left out). Needs
// DESCRIBE on the cluster. Answered by the active controller (forwarded to it), so a list right
// after an alter sees the alter.

import {ErrorCode} from '../../protocol/errors.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('ListPartitionReassignments', {
  minVersion: 0,
  maxVersion: 0,
  listeners: ['broker', 'controller'],
  handle(request, ctx) {
    if (!ctx.authorize('DESCRIBE', CLUSTER_RESOURCE)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', topics: []}
    }
    return ctx.broker.partitionControl.listPartitionReassignments(request, ctx.apiVersion, {forwarded: ctx.listenerType === 'controller'})
  },
  errorResponse(_request, errorCode, message) {
    return {throttleTimeMs: 0, errorCode, errorMessage: message, topics: []}
  },
})
