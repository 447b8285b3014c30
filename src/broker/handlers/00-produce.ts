// Produce v3-11. Like Kafka 4, ApiVersions advertises v0-11 (librdkafka
// turns compression off unless it sees v0) while v0-2 requests are refused
// (the connection closes, as Kafka's socket server does with them).
// Per partition, as Kafka's KafkaApis/ReplicaManager: WRITE on the topic
// (TOPIC_AUTHORIZATION_FAILED), the topic must exist (UNKNOWN_TOPIC_OR_PARTITION),
// exactly one magic-2 batch (INVALID_RECORD), zstd only from v7
// (UNSUPPORTED_COMPRESSION_TYPE), acks 0/1/-1 (INVALID_REQUIRED_ACKS for every
// partition otherwise), no appends to internal topics (INVALID_TOPIC_EXCEPTION);
// transactional batches need a transactional id the principal may WRITE
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED). The storage engine checks CRC,
// sizes against max.message.bytes / segment.bytes (CORRUPT_MESSAGE,
// MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE), offsets and timestamps
// (INVALID_RECORD, INVALID_TIMESTAMP with record errors from v8), the
// producer state checks epochs and sequences (INVALID_PRODUCER_EPOCH,
// OUT_OF_ORDER_SEQUENCE_NUMBER) and answers retried batches with their first
// offsets. acks=0 sends nothing back, and closes the connection if anything
// failed. v10+ names the current leader on NOT_LEADER_OR_FOLLOWER.

import {ErrorCode, errorName, KafkaError} from '../../protocol/errors.js'
import type {ProduceRequest, ProduceResponse} from '../../protocol/generated/index.js'
import type {NodeEndpoint, PartitionProduceResponse} from '../../protocol/generated/produce-response.js'
import {COMPRESSION_CODEC_MASK, MAGIC_OFFSET, ATTRIBUTES_OFFSET, BATCH_LENGTH_OFFSET, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, TRANSACTIONAL_FLAG_MASK} from '../../protocol/record-batch.js'
import {defineHandler} from '../registry.js'
import type {ProduceEntry, ProducePartitionResult} from '../replica-manager.js'
import type {RequestContext} from '../request-context.js'

const ZSTD = 4
/** Kafka's AdminUtils.ADMIN_CLIENT_ID: the one client id allowed to write internal topics. */
const ADMIN_CLIENT_ID = '__admin_client'

/** Kafka's ProduceRequest.validateRecords for v3+: exactly one magic-2 batch, zstd from v7. Returns an error or null. */
function validateRecords(version: number, records: Buffer | null): KafkaError | null {
  if (records === null || records.length <= MAGIC_OFFSET) {
    return new KafkaError(ErrorCode.INVALID_RECORD, `Produce requests with version ${version} must have at least one record batch per partition`)
  }
  if (records.readInt8(MAGIC_OFFSET) !== 2) {
    return new KafkaError(ErrorCode.INVALID_RECORD, `Produce requests with version ${version} are only allowed to contain record batches with magic version 2`)
  }
  if (records.length < RECORD_BATCH_OVERHEAD) {
    return new KafkaError(ErrorCode.INVALID_RECORD, `Produce requests with version ${version} must have at least one record batch per partition`)
  }
  if (version < 7 && (records.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK) === ZSTD) {
    return new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Produce requests with version ${version} are not allowed to use ZStandard compression`)
  }
  // A second whole batch after the first (a partial one is not a batch to Kafka's iterator).
  const size = records.readInt32BE(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
  const rest = records.length - size
  if (size >= RECORD_BATCH_OVERHEAD && rest >= LOG_OVERHEAD && rest >= records.readInt32BE(size + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD) {
    return new KafkaError(ErrorCode.INVALID_RECORD, `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`)
  }
  return null
}

function hasTransactionalRecords(request: ProduceRequest): boolean {
  for (const t of request.topicData) {
    for (const p of t.partitionData) {
      const r = p.records
      if (r !== null && r.length >= RECORD_BATCH_OVERHEAD && r.readInt8(MAGIC_OFFSET) === 2 && (r.readInt16BE(ATTRIBUTES_OFFSET) & TRANSACTIONAL_FLAG_MASK) !== 0) return true
    }
  }
  return false
}

function partitionResponse(index: number, r: ProducePartitionResult): PartitionProduceResponse {
  return {
    index,
    errorCode: r.errorCode,
    baseOffset: BigInt(r.baseOffset),
    logAppendTimeMs: BigInt(r.logAppendTime),
    logStartOffset: BigInt(r.logStartOffset),
    recordErrors: r.recordErrors.map((e) => ({batchIndex: e.batchIndex, batchIndexErrorMessage: e.message})),
    errorMessage: r.errorMessage,
    currentLeader: {leaderId: -1, leaderEpoch: -1},
  }
}

function errorResult(errorCode: number): ProducePartitionResult {
  return {errorCode, errorMessage: null, baseOffset: -1, logAppendTime: -1, logStartOffset: -1, recordErrors: []}
}

/** The same error for every partition (Kafka's ProduceRequest.getErrorResponse). */
function everyPartition(request: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    responses: request.topicData.map((t) => ({name: t.name, partitionResponses: t.partitionData.map((p) => partitionResponse(p.index, errorResult(errorCode)))})),
    throttleTimeMs: 0,
    nodeEndpoints: [],
  }
}

/** v10+: NOT_LEADER_OR_FOLLOWER answers carry the current leader and its endpoint. */
function addLeaderHints(response: ProduceResponse, ctx: RequestContext): void {
  const endpoints = new Map<number, NodeEndpoint>()
  for (const t of response.responses) {
    for (const p of t.partitionResponses) {
      if (p.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER) continue
      const leader = ctx.broker.replicaManager.currentLeader(t.name, p.index, ctx.listenerName)
      p.currentLeader = {leaderId: leader.leaderId, leaderEpoch: leader.leaderEpoch}
      if (leader.endpoint !== null) endpoints.set(leader.endpoint.nodeId, leader.endpoint)
    }
  }
  response.nodeEndpoints = [...endpoints.values()]
}

export default defineHandler('Produce', {
  minVersion: 3,
  maxVersion: 11,
  advertisedMinVersion: 0,
  handle(request, ctx) {
    const v = ctx.apiVersion
    if (hasTransactionalRecords(request)) {
      const id = request.transactionalId
      if (id === null || !ctx.authorize('WRITE', {type: 'TRANSACTIONAL_ID', name: id})) {
        throw new KafkaError(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
      }
    }
    const rm = ctx.broker.replicaManager
    const acksValid = request.acks === 0 || request.acks === 1 || request.acks === -1
    // Slots in request order: a result now, or the index of an entry to append.
    const slots: Array<Array<ProducePartitionResult | number>> = []
    const entries: ProduceEntry[] = []
    const authorized = new Map<string, boolean>()
    for (const t of request.topicData) {
      let ok = authorized.get(t.name)
      if (ok === undefined) authorized.set(t.name, (ok = ctx.authorize('WRITE', {type: 'TOPIC', name: t.name})))
      const row: Array<ProducePartitionResult | number> = []
      for (const p of t.partitionData) {
        if (!ok) row.push(errorResult(ErrorCode.TOPIC_AUTHORIZATION_FAILED))
        else if (!rm.metadataContains(t.name, p.index)) row.push(errorResult(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        else {
          const invalid = validateRecords(v, p.records)
          if (invalid !== null) row.push(errorResult(invalid.code))
          else if (!acksValid) row.push(errorResult(ErrorCode.INVALID_REQUIRED_ACKS))
          else {
            row.push(entries.length)
            entries.push({topic: t.name, partition: p.index, records: p.records!})
          }
        }
      }
      slots.push(row)
    }

    const finish = (results: readonly ProducePartitionResult[]): ProduceResponse | null => {
      const response: ProduceResponse = {
        responses: request.topicData.map((t, ti) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((p, pi) => {
            const slot = slots[ti]![pi]!
            return partitionResponse(p.index, typeof slot === 'number' ? results[slot]! : slot)
          }),
        })),
        throttleTimeMs: 0,
        nodeEndpoints: [],
      }
      if (request.acks === 0) {
        const failed = response.responses.flatMap((t) => t.partitionResponses.filter((p) => p.errorCode !== ErrorCode.NONE).map((p) => ({name: `${t.name}-${p.index}`, code: p.errorCode})))
        if (failed.length > 0) {
          const summary = failed.map((f) => `${f.name} -> ${errorName(f.code)}`).join(', ')
          throw new KafkaError(failed[0]!.code, `Error during produce request with ack=0. Topic and partition to exceptions: ${summary}`)
        }
        return null
      }
      if (v >= 10) addLeaderHints(response, ctx)
      return response
    }

    if (entries.length === 0) return finish([])
    // The appends run now, before anything awaits, so they keep the connection's request order.
    const appended = rm.appendRecords(entries, {
      requiredAcks: request.acks,
      timeoutMs: request.timeoutMs,
      internalTopicsAllowed: ctx.clientId === ADMIN_CLIENT_ID,
    })
    return appended instanceof Promise ? appended.then(finish) : finish(appended)
  },
  errorResponse(request, errorCode) {
    // acks=0 has no response to carry an error: failing to build one closes the connection, as Kafka does.
    if (request.acks === 0) throw new Error('a failed acks=0 produce request closes the connection')
    return everyPartition(request, errorCode)
  },
})
