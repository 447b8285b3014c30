// UnregisterBroker v0 (kafka-cluster.sh unregister --id N): removes a broker's registration; its
// partitions lose it from their ISRs and leaderships first. Served on broker listeners (forwarded
// to the active controller) and controller listeners. An unknown id gets
// BROKER_ID_NOT_REGISTERED. Needs ALTER on the cluster.

import {CLUSTER_RESOURCE} from '../authorizer.js'
import {ErrorCode, errorMessage} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

export default defineHandler('UnregisterBroker', {
  minVersion: 0,
  maxVersion: 0,
  listeners: ['broker', 'controller'],
  async handle(request, ctx) {
    if (!ctx.authorize('ALTER', CLUSTER_RESOURCE)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: errorMessage(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)}
    }
    const r = await ctx.broker.controller.unregisterBroker(request.brokerId, {forwarded: ctx.listenerType === 'controller'})
    return {throttleTimeMs: 0, errorCode: r.errorCode, errorMessage: r.errorMessage}
  },
  errorResponse(_request, errorCode, message) {
    return {throttleTimeMs: 0, errorCode, errorMessage: message}
  },
})
