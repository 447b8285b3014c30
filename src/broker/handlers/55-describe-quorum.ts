// DescribeQuorum v0-2 (kafka-metadata-quorum.sh): the metadata quorum's leader, epoch, high
// watermark, and each voter's and observer's log end offset and last fetch / caught-up times;
// v2 adds the voters' controller endpoints. Only the leader knows the replication state: on the
// controller listener another node answers NOT_LEADER_OR_FOLLOWER (the admin client then asks
// the leader); on a broker listener the request is relayed to the leader, as Kafka's brokers
// forward it to the active controller.

import {ErrorCode} from '../../protocol/errors.js'
import type {DescribeQuorumResponse} from '../../protocol/generated/describe-quorum-response.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

function notLeader(topicName: string): DescribeQuorumResponse {
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topics: [
      {
        topicName,
        partitions: [
          {partitionIndex: 0, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null, leaderId: -1, leaderEpoch: -1, highWatermark: -1n, currentVoters: [], observers: []},
        ],
      },
    ],
    nodes: [],
  }
}

export default defineHandler('DescribeQuorum', {
  minVersion: 0,
  maxVersion: 2,
  listeners: ['broker', 'controller'],
  async handle(request, ctx) {
    if (!ctx.authorize('DESCRIBE', CLUSTER_RESOURCE)) {
      return {errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null, topics: [], nodes: []}
    }
    const controller = ctx.broker.controller
    if (ctx.listenerType === 'controller') return controller.raft.handleDescribeQuorum(request, ctx.apiVersion)
    return (await controller.describeQuorum(request, ctx.apiVersion)) ?? notLeader(request.topics[0]?.topicName ?? '__cluster_metadata')
  },
  errorResponse(_request, errorCode, message) {
    return {errorCode, errorMessage: message, topics: [], nodes: []}
  },
})
