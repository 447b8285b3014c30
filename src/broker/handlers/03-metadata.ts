// Metadata v0-12. Brokers are listed with their endpoint on the listener the
// request arrived on (host, port, rack), with the cluster id and controller
// id. Topics: all of them (v0: an empty list; v1+: a null list) or the named
// ones, deduplicated; v12 may ask by topic id instead (any id in the request
// makes it an id request, as in Kafka; unknown id -> UNKNOWN_TOPIC_ID), and
// v10-11 requests using ids or null names get INVALID_REQUEST per topic. A missing topic gets INVALID_TOPIC_EXCEPTION when its
// name is illegal, else UNKNOWN_TOPIC_OR_PARTITION, unless auto-creation
// applies (request allows it (always before v4), auto.create.topics.enable,
// not internal, and storage installed a creator): then it is created and
// reported as it stands; if it does not exist yet when the creator returns,
// UNKNOWN_TOPIC_OR_PARTITION, which is what Kafka 4.3 answers to the request
// that triggers a creation (the client's next Metadata finds the topic).
// Every topic passes the DESCRIBE check; authorized-operation bitfields are
// filled only when asked for (topics v8+, cluster v8-10).

import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import type {MetadataResponse} from '../../protocol/generated/index.js'
import type {MetadataResponsePartition, MetadataResponseTopic} from '../../protocol/generated/metadata-response.js'
import {ZERO_UUID} from '../../protocol/primitives.js'
import {AUTHORIZED_OPERATIONS_OMITTED, authorizedOperations, CLUSTER_RESOURCE, topicResource} from '../authorizer.js'
import {INTERNAL_TOPICS, type TopicState} from '../broker-state.js'
import {defineHandler} from '../registry.js'
import type {RequestContext} from '../request-context.js'
import {topicNameError} from '../topic-names.js'

function errorTopic(errorCode: number, name: string | null, topicId: string = ZERO_UUID): MetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: name !== null && INTERNAL_TOPICS.has(name),
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }
}

/** Kafka fills topic authorized operations for every topic it looked up, missing ones included. */
function withOps(t: MetadataResponseTopic, includeOperations: boolean, ctx: RequestContext): MetadataResponseTopic {
  if (includeOperations && t.name !== null) t.topicAuthorizedOperations = authorizedOperations(ctx, topicResource(t.name))
  return t
}

function describeTopic(t: TopicState, includeOperations: boolean, ctx: RequestContext): MetadataResponseTopic {
  const aliveIds = new Set(ctx.broker.state.aliveBrokers().map((b) => b.nodeId))
  const partitions: MetadataResponsePartition[] = t.partitions.map((p) => ({
    errorCode: p.leaderId === -1 || !aliveIds.has(p.leaderId) ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
    partitionIndex: p.partitionIndex,
    leaderId: aliveIds.has(p.leaderId) ? p.leaderId : -1,
    leaderEpoch: p.leaderEpoch,
    replicaNodes: p.replicas,
    isrNodes: p.isr,
    offlineReplicas: p.offlineReplicas,
  }))
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.topicId,
    isInternal: t.isInternal,
    partitions,
    topicAuthorizedOperations: includeOperations ? authorizedOperations(ctx, topicResource(t.name)) : AUTHORIZED_OPERATIONS_OMITTED,
  }
}

export default defineHandler('Metadata', {
  minVersion: 0,
  maxVersion: 12,
  handle(request, ctx) {
    const v = ctx.apiVersion
    const state = ctx.broker.state
    const includeTopicOps = v >= 8 && request.includeTopicAuthorizedOperations
    const allowAutoCreate = (v < 4 || request.allowAutoTopicCreation) && ctx.broker.config.get('auto.create.topics.enable')

    const response: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: state.clusterId,
      controllerId: state.controllerId,
      topics: [],
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    }
    for (const b of state.aliveBrokers()) {
      const ep = b.endpoints.get(ctx.listenerName)
      if (ep) response.brokers.push({nodeId: b.nodeId, host: ep.host, port: ep.port, rack: b.rack})
    }
    if (v >= 8 && v <= 10 && request.includeClusterAuthorizedOperations) {
      response.clusterAuthorizedOperations = authorizedOperations(ctx, CLUSTER_RESOURCE)
    }

    const allTopics = request.topics === null || (v === 0 && request.topics.length === 0)
    if (allTopics) {
      for (const t of state.topics()) {
        if (ctx.authorize('DESCRIBE', topicResource(t.name))) response.topics.push(describeTopic(t, includeTopicOps, ctx))
      }
      return response
    }

    // Named topics, or (v12) topics by id: as in Kafka, one id in the request makes it an id request.
    if (v < 12 && request.topics!.some((t) => t.name === null || t.topicId !== ZERO_UUID)) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Topic IDs and null topic names are not supported in requests for version ${v}`)
    }
    const byId = request.topics!.some((t) => t.topicId !== ZERO_UUID)
    // Slots keep the request's order while creations run; a string is a topic to auto-create.
    const slots: Array<MetadataResponseTopic | string> = []
    const seen = new Set<string>()
    for (const rt of request.topics!) {
      if (byId) {
        if (rt.topicId === ZERO_UUID || seen.has(rt.topicId)) continue
        seen.add(rt.topicId)
        const t = state.topicById(rt.topicId)
        if (!t) slots.push(errorTopic(ErrorCode.UNKNOWN_TOPIC_ID, null, rt.topicId))
        else if (!ctx.authorize('DESCRIBE', topicResource(t.name))) slots.push(errorTopic(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null, rt.topicId))
        else slots.push(describeTopic(t, includeTopicOps, ctx))
        continue
      }
      const name = rt.name!
      if (seen.has(name)) continue
      seen.add(name)
      const t = state.topic(name)
      if (!ctx.authorize('DESCRIBE', topicResource(name))) slots.push(errorTopic(ErrorCode.TOPIC_AUTHORIZATION_FAILED, name))
      else if (t) slots.push(describeTopic(t, includeTopicOps, ctx))
      else if (topicNameError(name) !== null) slots.push(withOps(errorTopic(ErrorCode.INVALID_TOPIC_EXCEPTION, name), includeTopicOps, ctx))
      else if (allowAutoCreate && state.topicAutoCreator !== null && !INTERNAL_TOPICS.has(name)) {
        if (ctx.authorize('CREATE', CLUSTER_RESOURCE) || ctx.authorize('CREATE', topicResource(name))) slots.push(name)
        else slots.push(errorTopic(ErrorCode.TOPIC_AUTHORIZATION_FAILED, name))
      } else slots.push(withOps(errorTopic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name), includeTopicOps, ctx))
    }

    const toCreate = slots.filter((s): s is string => typeof s === 'string')
    if (toCreate.length === 0) {
      response.topics = slots as MetadataResponseTopic[]
      return response
    }
    const creator = state.topicAutoCreator!
    return Promise.all(
      slots.map(async (slot) => {
        if (typeof slot !== 'string') return slot
        try {
          await creator(slot)
        } catch (e) {
          if (e instanceof KafkaError && e.code !== ErrorCode.TOPIC_ALREADY_EXISTS) return withOps(errorTopic(e.code, slot), includeTopicOps, ctx)
          if (!(e instanceof KafkaError)) throw e
        }
        const created = state.topic(slot)
        return created ? describeTopic(created, includeTopicOps, ctx) : withOps(errorTopic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, slot), includeTopicOps, ctx)
      }),
    ).then((topics) => {
      response.topics = topics
      return response
    })
  },
  errorResponse(request, errorCode, _message, ctx) {
    // Kafka's MetadataRequest.getErrorResponse: the error on every requested topic.
    const topics = (request.topics ?? []).map((t) => errorTopic(errorCode, t.name ?? '', ctx.apiVersion >= 10 ? t.topicId : ZERO_UUID))
    return {throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, topics, clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED}
  },
})
