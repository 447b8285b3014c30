// BrokerRegistration v0-4 (controller listener only): a broker registers with the active
// controller, which records it (RegisterBrokerRecord, fenced until it catches up) and answers
// its broker epoch; another node answers NOT_CONTROLLER. A wrong cluster id gets
// INCONSISTENT_CLUSTER_ID, a second live incarnation of the same id
// DUPLICATE_BROKER_REGISTRATION.

import {CLUSTER_RESOURCE} from '../authorizer.js'
import {ErrorCode} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

export default defineHandler('BrokerRegistration', {
  minVersion: 0,
  maxVersion: 4,
  listeners: ['controller'],
  handle(request, ctx) {
    if (!ctx.authorize('CLUSTER_ACTION', CLUSTER_RESOURCE)) return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, brokerEpoch: -1n}
    return ctx.broker.controller.registerBroker(request, {forwarded: true})
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, brokerEpoch: -1n}
  },
})
