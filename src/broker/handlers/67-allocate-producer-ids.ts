// AllocateProducerIds v0 (controller listener only): a broker takes the next block of 1000
// producer ids from the active controller, which records it (ProducerIdsRecord) so no id is ever
// handed out twice in the cluster; another node answers NOT_CONTROLLER, a stale broker epoch
// STALE_BROKER_EPOCH.

import {CLUSTER_RESOURCE} from '../authorizer.js'
import {ErrorCode} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

export default defineHandler('AllocateProducerIds', {
  minVersion: 0,
  maxVersion: 0,
  listeners: ['controller'],
  handle(request, ctx) {
    if (!ctx.authorize('CLUSTER_ACTION', CLUSTER_RESOURCE)) return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, producerIdStart: -1n, producerIdLen: -1}
    return ctx.broker.controller.allocateProducerIds(request.brokerId, request.brokerEpoch, {forwarded: true})
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, producerIdStart: -1n, producerIdLen: -1}
  },
})
