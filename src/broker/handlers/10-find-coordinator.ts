// FindCoordinator v0-6. v0-3 look up one key, v4+ a batch (coordinatorKeys), all of keyType
// (0 group, 1 transaction, 2 share: v6+ only). A group's coordinator is the leader of its
// __consumer_offsets partition; a first lookup creates the topic (offsets.topic.num.partitions,
// compacted) and answers COORDINATOR_NOT_AVAILABLE until the partition has a live leader, as
// Kafka does. Transaction and share coordinators are not served yet (COORDINATOR_NOT_AVAILABLE,
// INVALID_REQUEST). Needs DESCRIBE on the group (transactional id). Errors before v4 carry
// Kafka's message and node -1, host "", port -1.

import {errorMessage, ErrorCode} from '../../protocol/errors.js'
import {groupResource} from '../authorizer.js'
import {defineHandler} from '../registry.js'
import type {RequestContext} from '../request-context.js'

const GROUP = 0
const TRANSACTION = 1
const SHARE = 2

interface Found {
  errorCode: number
  nodeId: number
  host: string
  port: number
}

const NO_NODE = {nodeId: -1, host: '', port: -1}

function find(ctx: RequestContext, keyType: number, key: string): Found {
  if (keyType === GROUP) {
    if (!ctx.authorize('DESCRIBE', groupResource(key))) return {errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, ...NO_NODE}
    const {errorCode, nodeId} = ctx.broker.groupCoordinator.coordinatorNodeFor(key)
    if (errorCode !== ErrorCode.NONE) return {errorCode, ...NO_NODE}
    const ep = ctx.broker.state.broker(nodeId)?.endpoints.get(ctx.listenerName)
    if (!ep) return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE}
    return {errorCode: ErrorCode.NONE, nodeId, host: ep.host, port: ep.port}
  }
  if (keyType === TRANSACTION) {
    if (!ctx.authorize('DESCRIBE', {type: 'TRANSACTIONAL_ID', name: key})) return {errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, ...NO_NODE}
    return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE}
  }
  if (keyType === SHARE) return {errorCode: ErrorCode.INVALID_REQUEST, ...NO_NODE}
  return {errorCode: ErrorCode.INVALID_REQUEST, ...NO_NODE}
}

export default defineHandler('FindCoordinator', {
  minVersion: 0,
  maxVersion: 6,
  handle(request, ctx) {
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        nodeId: 0,
        host: '',
        port: 0,
        coordinators: request.coordinatorKeys.map((key) => {
          const f = find(ctx, request.keyType, key)
          return {key, nodeId: f.nodeId, host: f.host, port: f.port, errorCode: f.errorCode, errorMessage: null}
        }),
      }
    }
    const f = find(ctx, ctx.apiVersion >= 1 ? request.keyType : GROUP, request.key)
    return {
      throttleTimeMs: 0,
      errorCode: f.errorCode,
      errorMessage: f.errorCode === ErrorCode.NONE ? null : errorMessage(f.errorCode),
      nodeId: f.nodeId,
      host: f.host,
      port: f.port,
      coordinators: [],
    }
  },
  errorResponse(request, errorCode, message, ctx) {
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        nodeId: 0,
        host: '',
        port: 0,
        coordinators: request.coordinatorKeys.map((key) => ({key, errorCode, errorMessage: message, ...NO_NODE})),
      }
    }
    return {throttleTimeMs: 0, errorCode, errorMessage: message, ...NO_NODE, coordinators: []}
  },
})
