// DescribeCluster v0-1 (what the Java AdminClient's describeCluster sends),
// on broker and controller listeners. A broker listener describes the live
// brokers with their endpoints on that listener; a controller listener
// describes the controllers (--bootstrap-controller tools). Asking a listener
// for the other endpoint type gets MISMATCHED_ENDPOINT_TYPE, an unknown type
// UNSUPPORTED_ENDPOINT_TYPE, as Kafka answers. Authorized operations are
// filled in only when requested.

import {ErrorCode} from '../../protocol/errors.js'
import {AUTHORIZED_OPERATIONS_OMITTED, authorizedOperations, CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

const ENDPOINT_TYPE_NAMES: Record<number, string> = {0: 'UNKNOWN', 1: 'BROKER', 2: 'CONTROLLER'}

export default defineHandler('DescribeCluster', {
  minVersion: 0,
  maxVersion: 1,
  listeners: ['broker', 'controller'],
  handle(request, ctx) {
    const state = ctx.broker.state
    const expected = ctx.listenerType === 'controller' ? 2 : 1
    const requested = ctx.apiVersion >= 1 ? request.endpointType : 1
    const response = {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE as number,
      errorMessage: null as string | null,
      endpointType: expected,
      clusterId: state.clusterId,
      // A controller listener names the active controller; a broker listener the id clients should use.
      controllerId: expected === 2 ? ctx.broker.controller.activeControllerId : state.controllerId,
      brokers: [] as Array<{brokerId: number; host: string; port: number; rack: string | null}>,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    }
    // Kafka's error responses carry no cluster details.
    const failed = {...response, clusterId: '', controllerId: -1}
    if (requested !== 1 && requested !== 2) {
      return {...failed, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Unsupported endpoint type ${requested}`}
    }
    if (requested !== expected) {
      return {
        ...failed,
        errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        errorMessage: `The request was sent to an endpoint of type ${ENDPOINT_TYPE_NAMES[expected]}, but we wanted an endpoint of type ${ENDPOINT_TYPE_NAMES[requested]}`,
      }
    }
    const nodes = expected === 2 ? state.controllerNodes() : state.aliveBrokers()
    for (const node of nodes) {
      // A node without an endpoint on this listener cannot be reached by this client; Kafka leaves it out.
      const ep = node.endpoints.get(ctx.listenerName)
      if (ep) response.brokers.push({brokerId: node.nodeId, host: ep.host, port: ep.port, rack: node.rack})
    }
    if (request.includeClusterAuthorizedOperations) {
      response.clusterAuthorizedOperations = ctx.authorize('DESCRIBE', CLUSTER_RESOURCE) ? authorizedOperations(ctx, CLUSTER_RESOURCE) : 0
    }
    return response
  },
})
