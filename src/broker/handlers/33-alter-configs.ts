// AlterConfigs v0-2, the legacy API: each resource's given configs replace all its dynamic
// configs (unnamed ones are deleted). TOPIC overrides and BROKER configs (this broker's id or ""
// for the cluster default) are validated with Kafka's rules and messages and stored as
// ConfigRecords; validateOnly checks without storing. Duplicate resources, duplicate keys and
// null values get INVALID_REQUEST; BROKER_LOGGER and unknown types "Unknown resource type";
// CLIENT_METRICS and GROUP are not supported. Needs ALTER_CONFIGS on the topic or the cluster.

import {configAdminContext, legacyAlterConfigs} from '../../controller/config-admin.js'
import {errorMessage} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

export default defineHandler('AlterConfigs', {
  minVersion: 0,
  maxVersion: 2,
  listeners: ['broker', 'controller'],
  async handle(request, ctx) {
    return {throttleTimeMs: 0, responses: await legacyAlterConfigs(configAdminContext(ctx), request)}
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r) => ({errorCode, errorMessage: errorMessage(errorCode), resourceType: r.resourceType, resourceName: r.resourceName})),
    }
  },
})
