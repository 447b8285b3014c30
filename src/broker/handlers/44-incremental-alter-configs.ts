// IncrementalAlterConfigs v0-1: SET, DELETE, APPEND and SUBTRACT (list configs only) on TOPIC
// overrides and BROKER configs (this broker's id, or "" for the cluster default; only dynamic
// configs, per-broker ones only per broker), validated with Kafka's rules and messages and
// stored as ConfigRecords, so the broker's effective config and every topic's log config follow.
// BROKER_LOGGER sets or unsets this broker's log levels at run time (not stored). validateOnly
// checks without changing anything. Duplicate resources, duplicate keys and null values get
// INVALID_REQUEST; CLIENT_METRICS and GROUP are not supported. Needs ALTER_CONFIGS on the topic
// or the cluster.

import {configAdminContext, incrementalAlterConfigs} from '../../controller/config-admin.js'
import {errorMessage} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

export default defineHandler('IncrementalAlterConfigs', {
  minVersion: 0,
  maxVersion: 1,
  listeners: ['broker', 'controller'],
  async handle(request, ctx) {
    return {throttleTimeMs: 0, responses: await incrementalAlterConfigs(configAdminContext(ctx), request)}
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r) => ({errorCode, errorMessage: errorMessage(errorCode), resourceType: r.resourceType, resourceName: r.resourceName})),
    }
  },
})
