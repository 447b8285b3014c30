// CreateTopics v2-7 (Kafka 4 dropped v0-1). Each topic is decided by the controller: legal and
// non-colliding name, partitions and replication factor (or a manual assignment), validated
// configs; validateOnly checks without creating. v5+ returns the topic's effective configs, and
// v7 its topic id. Needs CREATE on the cluster or the topic; a topic the client may not describe
// gets its configs withheld (TOPIC_AUTHORIZATION_FAILED in topicConfigErrorCode). Served on the
// controller listener too: brokers forward it to the active controller, which decides it.

import {ErrorCode} from '../../protocol/errors.js'
import {ZERO_UUID} from '../../protocol/primitives.js'
import {CLUSTER_RESOURCE, topicResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('CreateTopics', {
  minVersion: 2,
  maxVersion: 7,
  listeners: ['broker', 'controller'],
  async handle(request, ctx) {
    const controller = ctx.broker.controller
    const mayCreateAll = ctx.authorize('CREATE', CLUSTER_RESOURCE)
    const allowed = request.topics.filter((t) => mayCreateAll || ctx.authorize('CREATE', topicResource(t.name)))
    const forwarded = ctx.listenerType === 'controller'
    const decided = new Map((await controller.createTopics(allowed, request.validateOnly, {forwarded})).map((r) => [r.name, r]))
    const topics = request.topics.map((t) => {
      const result = decided.get(t.name)
      if (!result) {
        return {
          name: t.name,
          topicId: ZERO_UUID,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: 'Authorization failed.',
          topicConfigErrorCode: ErrorCode.NONE,
          numPartitions: -1,
          replicationFactor: -1,
          configs: [],
        }
      }
      if (result.errorCode === ErrorCode.NONE && !ctx.authorize('DESCRIBE_CONFIGS', topicResource(t.name))) {
        return {...result, topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, configs: []}
      }
      return result
    })
    return {throttleTimeMs: 0, topics}
  },
})
