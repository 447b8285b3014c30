// CreatePartitions v0-3: raises a topic's partition count (never lowers it: INVALID_PARTITIONS
// with Kafka's message), placing the new partitions' replicas like new topics', or as the
// request assigns them. validateOnly checks without changing anything. Needs ALTER on the topic.
// Served on the controller listener too (forwarded requests).

import {ErrorCode} from '../../protocol/errors.js'
import {topicResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('CreatePartitions', {
  minVersion: 0,
  maxVersion: 3,
  listeners: ['broker', 'controller'],
  async handle(request, ctx) {
    const seen = new Map<string, number>()
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1)
    const duplicates = new Set([...seen].filter(([, n]) => n > 1).map(([name]) => name))
    const allowed = request.topics.filter((t) => !duplicates.has(t.name) && ctx.authorize('ALTER', topicResource(t.name)))
    const forwarded = ctx.listenerType === 'controller'
    const decided = new Map((await ctx.broker.controller.createPartitions(allowed, request.validateOnly, {forwarded})).map((r) => [r.name, r]))
    const results = [...new Set(request.topics.map((t) => t.name))].map((name) => {
      if (duplicates.has(name)) return {name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.'}
      return decided.get(name) ?? {name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null}
    })
    return {throttleTimeMs: 0, results}
  },
})
