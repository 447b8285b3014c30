// DeleteTopics v1-6 (Kafka 4 dropped v0): by name, or from v6 by topic id. Deletion removes the
// topic from the metadata at once and its partition logs are renamed "-delete" and removed, as
// Kafka does. With delete.topic.enable=false: INVALID_REQUEST before v3, TOPIC_DELETION_DISABLED
// from v3. Needs DELETE on the topic. Served on the controller listener too (forwarded requests).

import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {ZERO_UUID} from '../../protocol/primitives.js'
import {topicResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'

export default defineHandler('DeleteTopics', {
  minVersion: 1,
  maxVersion: 6,
  listeners: ['broker', 'controller'],
  async handle(request, ctx) {
    if (!ctx.broker.config.get('delete.topic.enable')) {
      if (ctx.apiVersion < 3) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Topic deletion is disabled.')
      throw new KafkaError(ErrorCode.TOPIC_DELETION_DISABLED)
    }
    const entries: {name: string | null; topicId: string}[] = ctx.apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({name, topicId: ZERO_UUID}))
    const state = ctx.broker.state
    const permitted: typeof entries = []
    const denied: {name: string | null; topicId: string; errorCode: number; errorMessage: string | null}[] = []
    for (const e of entries) {
      const name = e.name ?? state.topicById(e.topicId)?.name ?? null
      if (name !== null && !ctx.authorize('DELETE', topicResource(name))) {
        const describable = ctx.authorize('DESCRIBE', topicResource(name))
        denied.push({
          name: e.name,
          topicId: e.topicId,
          errorCode: describable || e.name !== null ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.UNKNOWN_TOPIC_ID,
          errorMessage: null,
        })
      } else permitted.push(e)
    }
    const deleted = await ctx.broker.controller.deleteTopics(permitted, {forwarded: ctx.listenerType === 'controller'})
    const responses = [...deleted, ...denied].map((r) => ({...r, errorMessage: ctx.apiVersion >= 5 ? r.errorMessage : null}))
    return {throttleTimeMs: 0, responses}
  },
  errorResponse(request, errorCode, message, ctx) {
    const entries = ctx.apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({name, topicId: ZERO_UUID}))
    return {throttleTimeMs: 0, responses: entries.map((e) => ({name: e.name, topicId: e.topicId, errorCode, errorMessage: ctx.apiVersion >= 5 ? message : null}))}
  },
})
