// The requests replication sends between nodes, bound to their generated codecs in the form the
// client connection layer (src/client/connection.ts) sends: a follower's Fetch, ListOffsets and
// OffsetForLeaderEpoch to a partition leader's inter-broker listener, and AlterPartition,
// ElectLeaders and the reassignment requests to the active controller's controller listener.

import {AlterPartitionReassignments, api, Fetch, ListOffsets, ListPartitionReassignments} from '../client/apis.js'
import {type AlterPartitionRequest, alterPartitionRequestVersions, encodeAlterPartitionRequest} from '../protocol/generated/alter-partition-request.js'
import {type AlterPartitionResponse, decodeAlterPartitionResponse} from '../protocol/generated/alter-partition-response.js'
import {type ElectLeadersRequest, electLeadersRequestVersions, encodeElectLeadersRequest} from '../protocol/generated/elect-leaders-request.js'
import {type ElectLeadersResponse, decodeElectLeadersResponse} from '../protocol/generated/elect-leaders-response.js'
import {
  type OffsetForLeaderEpochRequest,
  encodeOffsetForLeaderEpochRequest,
  offsetForLeaderEpochRequestVersions,
} from '../protocol/generated/offset-for-leader-epoch-request.js'
import {type OffsetForLeaderEpochResponse, decodeOffsetForLeaderEpochResponse} from '../protocol/generated/offset-for-leader-epoch-response.js'


export {AlterPartitionReassignments, Fetch, ListOffsets, ListPartitionReassignments}
export const OffsetForLeaderEpoch = api<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
  23,
  'OffsetForLeaderEpoch',
  offsetForLeaderEpochRequestVersions,
  encodeOffsetForLeaderEpochRequest,
  decodeOffsetForLeaderEpochResponse,
)
export const ElectLeaders = api<ElectLeadersRequest, ElectLeadersResponse>(43, 'ElectLeaders', electLeadersRequestVersions, encodeElectLeadersRequest, decodeElectLeadersResponse)
export const AlterPartition = api<AlterPartitionRequest, AlterPartitionResponse>(56, 'AlterPartition', alterPartitionRequestVersions, encodeAlterPartitionRequest, decodeAlterPartitionResponse)
