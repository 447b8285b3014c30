// BrokerHeartbeat v0-1 (controller listener only): a registered broker keeps its session with
// the active controller alive and reports how far it has replayed the metadata log; the answer
// says whether it is caught up, fenced, and (during a controlled shutdown) whether it may stop.
// A stale broker epoch gets STALE_BROKER_EPOCH; a node that is not the active controller
// NOT_CONTROLLER.

import {CLUSTER_RESOURCE} from '../authorizer.js'
import {ErrorCode} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

export default defineHandler('BrokerHeartbeat', {
  minVersion: 0,
  maxVersion: 1,
  listeners: ['controller'],
  handle(request, ctx) {
    if (!ctx.authorize('CLUSTER_ACTION', CLUSTER_RESOURCE)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, isCaughtUp: false, isFenced: true, shouldShutDown: false}
    }
    return ctx.broker.controller.brokerHeartbeat(request, {forwarded: true})
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, isCaughtUp: false, isFenced: true, shouldShutDown: false}
  },
})
