// Fetch v4-17, as Kafka's KafkaApis.handleFetchRequest and ReplicaManager:
// - fetch sessions (v7+): full, incremental and sessionless requests, with
//   FETCH_SESSION_ID_NOT_FOUND / INVALID_FETCH_SESSION_EPOCH /
//   FETCH_SESSION_TOPIC_ID_ERROR for a bad session, and incremental answers
//   holding only partitions with news (see fetch-session.ts);
// - topics by name (v4-12) or by id (v13+, UNKNOWN_TOPIC_ID for unknown ids);
// - READ on each topic (TOPIC_AUTHORIZATION_FAILED), known partitions
//   (UNKNOWN_TOPIC_OR_PARTITION), leader epoch checks (FENCED_LEADER_EPOCH,
//   UNKNOWN_LEADER_EPOCH), OFFSET_OUT_OF_RANGE outside [log start, log end],
//   divergence against lastFetchedEpoch (v12+), zstd topics refused below v10
//   (UNSUPPORTED_COMPRESSION_TYPE);
// - max.bytes (capped by the broker's fetch.max.bytes) and per-partition max
//   bytes, the first non-empty partition always returning at least one whole
//   batch, and a first batch cut by the limits answered with no records;
// - long polling: min.bytes / max.wait.ms in the fetch purgatory;
// - isolation levels: read_uncommitted reads to the high watermark,
//   read_committed to the last stable offset (with an empty aborted
//   transaction list, there being no transactions yet);
// - records are the bytes of the segment files, never re-encoded.
// Follower fetches (replica id >= 0) need CLUSTER_ACTION, read to the log
// end and record the follower's position (with its broker epoch, v15+) for
// the high watermark and the ISR.
// v16+ answers NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH with the current
// leader and its endpoint.
// On the controller listener, Fetch reads the replicated metadata log
// (__cluster_metadata): the Raft client answers it (controller/raft).

import {ErrorCode} from '../../protocol/errors.js'
import type {FetchRequest, FetchResponse} from '../../protocol/generated/index.js'
import type {FetchableTopicResponse, NodeEndpoint, PartitionData} from '../../protocol/generated/fetch-response.js'
import {ZERO_UUID} from '../../protocol/primitives.js'
import type {FetchIsolation} from '../../storage/partition-log.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {completeFetchContext, newFetchContext, type FetchContext, type FetchPartitionOutcome, type FetchPartitionRequest} from '../fetch-session.js'
import {defineHandler} from '../registry.js'
import type {FetchParams, LogReadResult} from '../replica-manager.js'
import type {RequestContext} from '../request-context.js'

const EMPTY = Buffer.alloc(0)
const READ_COMMITTED = 1

interface Answer {
  req: FetchPartitionRequest
  outcome: FetchPartitionOutcome
  data: PartitionData
}

function partitionData(partition: number, r: LogReadResult, readCommitted: boolean): PartitionData {
  return {
    partitionIndex: partition,
    errorCode: r.errorCode,
    highWatermark: BigInt(r.highWatermark),
    lastStableOffset: BigInt(r.lastStableOffset),
    logStartOffset: BigInt(r.logStartOffset),
    divergingEpoch: r.divergingEpoch === null ? {epoch: -1, endOffset: -1n} : {epoch: r.divergingEpoch.epoch, endOffset: BigInt(r.divergingEpoch.endOffset)},
    currentLeader: {leaderId: -1, leaderEpoch: -1},
    snapshotId: {endOffset: -1n, epoch: -1},
    // Kafka sends a (here always empty) aborted transaction list to read_committed readers only.
    abortedTransactions: readCommitted && r.errorCode === ErrorCode.NONE ? [] : null,
    preferredReadReplica: -1,
    records: r.records,
  }
}

function errorAnswer(req: FetchPartitionRequest, errorCode: number): Answer {
  const r: LogReadResult = {errorCode, records: EMPTY, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, divergingEpoch: null}
  return {req, outcome: outcomeOf(r), data: partitionData(req.partition, r, false)}
}

function outcomeOf(r: LogReadResult): FetchPartitionOutcome {
  return {
    errorCode: r.errorCode,
    highWatermark: r.highWatermark,
    logStartOffset: r.logStartOffset,
    recordsSize: r.records.length,
    hasDivergingEpoch: r.divergingEpoch !== null,
    hasPreferredReadReplica: false,
  }
}

/** The request's partitions in order, names resolved from ids on v13+. */
function requestedPartitions(request: FetchRequest, version: number, ctx: RequestContext): FetchPartitionRequest[] {
  const out: FetchPartitionRequest[] = []
  const state = ctx.broker.state
  for (const t of request.topics) {
    const topic = version >= 13 ? (state.topicById(t.topicId)?.name ?? null) : t.topic
    const topicId = version >= 13 ? t.topicId : ZERO_UUID
    for (const p of t.partitions) {
      out.push({
        topic,
        topicId,
        partition: p.partition,
        fetchOffset: Number(p.fetchOffset),
        currentLeaderEpoch: p.currentLeaderEpoch,
        lastFetchedEpoch: p.lastFetchedEpoch,
        logStartOffset: Number(p.logStartOffset),
        maxBytes: p.partitionMaxBytes,
      })
    }
  }
  return out
}

function forgottenPartitions(request: FetchRequest, version: number, ctx: RequestContext): Array<{topic: string | null; topicId: string; partition: number}> {
  const out: Array<{topic: string | null; topicId: string; partition: number}> = []
  for (const t of request.forgottenTopicsData) {
    const topic = version >= 13 ? (ctx.broker.state.topicById(t.topicId)?.name ?? null) : t.topic
    const topicId = version >= 13 ? t.topicId : ZERO_UUID
    for (const partition of t.partitions) out.push({topic, topicId, partition})
  }
  return out
}

/** Groups answers into topics, consecutive partitions of one topic sharing an entry (Kafka's FetchResponse.of). */
function toTopics(answers: readonly Answer[]): FetchableTopicResponse[] {
  const topics: FetchableTopicResponse[] = []
  let last: FetchableTopicResponse | null = null
  for (const a of answers) {
    const name = a.req.topic ?? ''
    if (last === null || last.topic !== name || last.topicId !== a.req.topicId) {
      last = {topic: name, topicId: a.req.topicId, partitions: []}
      topics.push(last)
    }
    last.partitions.push(a.data)
  }
  return topics
}

export default defineHandler('Fetch', {
  minVersion: 4,
  maxVersion: 17,
  listeners: ['broker', 'controller'],
  handle(request, ctx) {
    if (ctx.listenerType === 'controller') return ctx.broker.controller.raft.handleFetch(request, ctx.apiVersion)
    const v = ctx.apiVersion
    const rm = ctx.broker.replicaManager
    const replicaId = v >= 15 ? request.replicaState.replicaId : request.replicaId
    const isFromFollower = replicaId >= 0
    const now = Date.now()
    const fetchCtx: FetchContext = newFetchContext(
      rm.fetchSessions,
      {sessionId: v >= 7 ? request.sessionId : 0, epoch: v >= 7 ? request.sessionEpoch : -1, version: v, isFromFollower},
      requestedPartitions(request, v, ctx),
      v >= 7 ? forgottenPartitions(request, v, ctx) : [],
      now,
      (id) => ctx.broker.state.topicById(id)?.name ?? null,
    )
    if (fetchCtx.kind === 'error') {
      return {throttleTimeMs: 0, errorCode: fetchCtx.errorCode, sessionId: fetchCtx.sessionId, responses: [], nodeEndpoints: []}
    }

    const readCommitted = !isFromFollower && request.isolationLevel === READ_COMMITTED
    const isolation: FetchIsolation = isFromFollower ? 'log-end' : readCommitted ? 'txn-committed' : 'high-watermark'
    const clusterAction = isFromFollower && ctx.authorize('CLUSTER_ACTION', CLUSTER_RESOURCE)
    const readAllowed = new Map<string, boolean>()
    const erroneous: Answer[] = []
    const interesting: FetchPartitionRequest[] = []
    for (const req of fetchCtx.partitions) {
      if (isFromFollower && !clusterAction) erroneous.push(errorAnswer(req, ErrorCode.TOPIC_AUTHORIZATION_FAILED))
      else if (req.topic === null) erroneous.push(errorAnswer(req, ErrorCode.UNKNOWN_TOPIC_ID))
      else {
        let ok = isFromFollower || readAllowed.get(req.topic)
        if (ok === undefined) readAllowed.set(req.topic, (ok = ctx.authorize('READ', {type: 'TOPIC', name: req.topic})))
        if (!ok) erroneous.push(errorAnswer(req, ErrorCode.TOPIC_AUTHORIZATION_FAILED))
        else if (!rm.metadataContains(req.topic, req.partition)) erroneous.push(errorAnswer(req, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        else interesting.push(req)
      }
    }

    const maxBytes = Math.min(request.maxBytes, rm.brokerFetchMaxBytes)
    const params: FetchParams = {
      replicaId,
      maxWaitMs: request.maxWaitMs,
      minBytes: Math.min(request.minBytes, maxBytes),
      maxBytes,
      isolation,
      isFromFollower,
      fetchOnlyLeader: true,
      replicaEpoch: v >= 15 ? request.replicaState.replicaEpoch : -1n,
    }
    const infos = interesting.map((r) => ({...r, topic: r.topic!}))

    const respond = (results: readonly LogReadResult[]): FetchResponse => {
      const answers: Answer[] = []
      for (let i = 0; i < interesting.length; i++) {
        const req = interesting[i]!
        let r = results[i]!
        if (v < 10 && r.errorCode === ErrorCode.NONE && rm.topicConfig(req.topic!).get('compression.type') === 'zstd') {
          r = {...r, errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, records: EMPTY, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, divergingEpoch: null}
        }
        answers.push({req, outcome: outcomeOf(r), data: partitionData(req.partition, r, readCommitted)})
      }
      answers.push(...erroneous)
      const done = completeFetchContext(fetchCtx, rm.fetchSessions, answers, Date.now())
      const nodeEndpoints = new Map<number, NodeEndpoint>()
      if (v >= 16) {
        for (const a of done.included) {
          const code = a.data.errorCode
          if ((code !== ErrorCode.NOT_LEADER_OR_FOLLOWER && code !== ErrorCode.FENCED_LEADER_EPOCH) || a.req.topic === null) continue
          const leader = rm.currentLeader(a.req.topic, a.req.partition, ctx.listenerName)
          a.data.currentLeader = {leaderId: leader.leaderId, leaderEpoch: leader.leaderEpoch}
          if (leader.endpoint !== null) nodeEndpoints.set(leader.endpoint.nodeId, leader.endpoint)
        }
      }
      return {throttleTimeMs: 0, errorCode: done.errorCode, sessionId: done.sessionId, responses: toTopics(done.included), nodeEndpoints: [...nodeEndpoints.values()]}
    }

    if (infos.length === 0) return respond([])
    const results = rm.fetchMessages(params, infos)
    return results instanceof Promise ? results.then(respond) : respond(results)
  },
  errorResponse(request, errorCode, _message, ctx) {
    // Kafka's FetchRequest.getErrorResponse: the top-level error, and before v13 the same error on every partition.
    const responses: FetchableTopicResponse[] =
      ctx.apiVersion >= 13
        ? []
        : request.topics.map((t) => ({
            topic: t.topic,
            topicId: t.topicId,
            partitions: t.partitions.map((p) => errorAnswer({topic: t.topic, topicId: t.topicId, partition: p.partition, fetchOffset: 0, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, maxBytes: 0}, errorCode).data),
          }))
    return {throttleTimeMs: 0, errorCode, sessionId: request.sessionId, responses, nodeEndpoints: []}
  },
})
