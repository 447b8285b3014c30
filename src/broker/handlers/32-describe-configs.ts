// DescribeConfigs v1-4 (Kafka 4 dropped v0). TOPIC: every topic config (or the requested keys)
// with its effective value and source (topic override, dynamic per-broker or cluster-default
// broker config, static broker config, default), synonyms when asked, config type (v3+) and
// documentation when asked; an illegal name gets INVALID_TOPIC_EXCEPTION with Kafka's text, a
// missing topic UNKNOWN_TOPIC_OR_PARTITION. BROKER: this broker's id lists every broker config
// (read-only unless dynamic; custom and password configs sensitive, value null), "" the dynamic
// cluster defaults, another id INVALID_REQUEST. BROKER_LOGGER: this broker's loggers and levels.
// CLIENT_METRICS and GROUP configs are not supported (INVALID_REQUEST saying so). An unknown
// resource type fails the request (INVALID_REQUEST on every resource), as in Kafka. Needs
// DESCRIBE_CONFIGS on the topic, or on the cluster for broker resources; denied ones come last.

import {configAdminContext, describeConfigs} from '../../controller/config-admin.js'
import {errorMessage} from '../../protocol/errors.js'
import {defineHandler} from '../registry.js'

export default defineHandler('DescribeConfigs', {
  minVersion: 1,
  maxVersion: 4,
  handle(request, ctx) {
    return {throttleTimeMs: 0, results: describeConfigs(configAdminContext(ctx), request)}
  },
  errorResponse(request, errorCode) {
    // Kafka's DescribeConfigsRequest.getErrorResponse: the code's default message on every resource.
    return {
      throttleTimeMs: 0,
      results: request.resources.map((r) => ({
        errorCode,
        errorMessage: errorMessage(errorCode),
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: [],
      })),
    }
  },
})
