// AlterPartition v0-3 (controller listener only): a partition leader asks the active controller
// to change the partition's ISR (followers joining or leaving it). Needs CLUSTER_ACTION
// (CLUSTER_AUTHORIZATION_FAILED). A stale broker epoch is STALE_BROKER_EPOCH for the whole
// request; per partition, as Kafka's controller decides: UNKNOWN_TOPIC_ID (v2+, topics by id) or
// UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION (stale partition epoch),
// INVALID_REQUEST (not the leader, an ISR outside the replicas or without the leader),
// INELIGIBLE_REPLICA (v2+; OPERATION_NOT_ATTEMPTED before) for fenced, shutting down, unknown or
// restarted brokers, NOT_CONTROLLER when the leader is ahead of this controller. A node that is
// not the active controller answers NOT_CONTROLLER. See src/replication/partition-control.ts.

import {ErrorCode} from '../../protocol/errors.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('AlterPartition', {
  minVersion: 0,
  maxVersion: 3,
  listeners: ['controller'],
  handle(request, ctx) {
    if (!ctx.authorize('CLUSTER_ACTION', CLUSTER_RESOURCE)) return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, topics: []}
    return ctx.broker.partitionControl.alterPartition(request, ctx.apiVersion, {forwarded: true})
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, topics: []}
  },
})
