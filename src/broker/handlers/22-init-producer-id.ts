// InitProducerId v0-5, for idempotent producers (no transactional id): a
// fresh producer id with epoch 0 on every request, as Kafka's transaction
// coordinator answers a null transactional id (an epoch bump request with an
// existing id/epoch also gets a new id). The caller needs IDEMPOTENT_WRITE on
// the cluster or WRITE on some topic (CLUSTER_AUTHORIZATION_FAILED); an id
// without an epoch or the reverse is INVALID_REQUEST. Ids come from the
// replica manager's allocator, persisted so they are never reused.
// Transactional ids belong to the transaction coordinator, which this broker
// does not run yet: they get COORDINATOR_NOT_AVAILABLE (retriable), after the
// TRANSACTIONAL_ID WRITE check Kafka makes first.

import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

const NO_PRODUCER_ID = -1n
const NO_PRODUCER_EPOCH = -1

export default defineHandler('InitProducerId', {
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const id = request.transactionalId
    if (id !== null) {
      if (!ctx.authorize('WRITE', {type: 'TRANSACTIONAL_ID', name: id})) throw new KafkaError(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
      throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'Transactions are not supported by this broker yet')
    }
    // Kafka also accepts WRITE on any topic; with the allow-all authorizer both checks pass.
    if (!ctx.authorize('IDEMPOTENT_WRITE', CLUSTER_RESOURCE) && !ctx.authorize('WRITE', {type: 'TOPIC', name: '*'})) {
      throw new KafkaError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    }
    const hasId = request.producerId !== NO_PRODUCER_ID
    const hasEpoch = request.producerEpoch !== NO_PRODUCER_EPOCH
    if (hasId !== hasEpoch) throw new KafkaError(ErrorCode.INVALID_REQUEST)
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: ctx.broker.replicaManager.producerIds.nextProducerId(), producerEpoch: 0}
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH}
  },
})
