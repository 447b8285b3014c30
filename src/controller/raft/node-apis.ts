// The requests one node sends another over a controller listener: the Raft APIs (Vote,
// BeginQuorumEpoch, EndQuorumEpoch, Fetch of __cluster_metadata, DescribeQuorum), broker
// lifecycle (BrokerRegistration, BrokerHeartbeat, UnregisterBroker), and the admin requests a
// broker forwards to the active controller. Each is bound to its generated codec in the form the
// CLI client's connection layer (src/client/connection.ts) sends.

import {api, CreatePartitions, CreateTopics, DeleteTopics, Fetch, IncrementalAlterConfigs} from '../../client/apis.js'
import {type AllocateProducerIdsRequest, allocateProducerIdsRequestVersions, encodeAllocateProducerIdsRequest} from '../../protocol/generated/allocate-producer-ids-request.js'
import {type AllocateProducerIdsResponse, decodeAllocateProducerIdsResponse} from '../../protocol/generated/allocate-producer-ids-response.js'
import {type AlterConfigsRequest, alterConfigsRequestVersions, encodeAlterConfigsRequest} from '../../protocol/generated/alter-configs-request.js'
import {type AlterConfigsResponse, decodeAlterConfigsResponse} from '../../protocol/generated/alter-configs-response.js'
import {type BeginQuorumEpochRequest, beginQuorumEpochRequestVersions, encodeBeginQuorumEpochRequest} from '../../protocol/generated/begin-quorum-epoch-request.js'
import {type BeginQuorumEpochResponse, decodeBeginQuorumEpochResponse} from '../../protocol/generated/begin-quorum-epoch-response.js'
import {type BrokerHeartbeatRequest, brokerHeartbeatRequestVersions, encodeBrokerHeartbeatRequest} from '../../protocol/generated/broker-heartbeat-request.js'
import {type BrokerHeartbeatResponse, decodeBrokerHeartbeatResponse} from '../../protocol/generated/broker-heartbeat-response.js'
import {type BrokerRegistrationRequest, brokerRegistrationRequestVersions, encodeBrokerRegistrationRequest} from '../../protocol/generated/broker-registration-request.js'
import {type BrokerRegistrationResponse, decodeBrokerRegistrationResponse} from '../../protocol/generated/broker-registration-response.js'
import {type DescribeQuorumRequest, describeQuorumRequestVersions, encodeDescribeQuorumRequest} from '../../protocol/generated/describe-quorum-request.js'
import {type DescribeQuorumResponse, decodeDescribeQuorumResponse} from '../../protocol/generated/describe-quorum-response.js'
import {type EndQuorumEpochRequest, endQuorumEpochRequestVersions, encodeEndQuorumEpochRequest} from '../../protocol/generated/end-quorum-epoch-request.js'
import {type EndQuorumEpochResponse, decodeEndQuorumEpochResponse} from '../../protocol/generated/end-quorum-epoch-response.js'
import {type UnregisterBrokerRequest, unregisterBrokerRequestVersions, encodeUnregisterBrokerRequest} from '../../protocol/generated/unregister-broker-request.js'
import {type UnregisterBrokerResponse, decodeUnregisterBrokerResponse} from '../../protocol/generated/unregister-broker-response.js'
import {type VoteRequest, voteRequestVersions, encodeVoteRequest} from '../../protocol/generated/vote-request.js'
import {type VoteResponse, decodeVoteResponse} from '../../protocol/generated/vote-response.js'


export {CreatePartitions, CreateTopics, DeleteTopics, Fetch, IncrementalAlterConfigs}
export const AlterConfigs = api<AlterConfigsRequest, AlterConfigsResponse>(33, 'AlterConfigs', alterConfigsRequestVersions, encodeAlterConfigsRequest, decodeAlterConfigsResponse)
export const Vote = api<VoteRequest, VoteResponse>(52, 'Vote', voteRequestVersions, encodeVoteRequest, decodeVoteResponse)
export const BeginQuorumEpoch = api<BeginQuorumEpochRequest, BeginQuorumEpochResponse>(
  53,
  'BeginQuorumEpoch',
  beginQuorumEpochRequestVersions,
  encodeBeginQuorumEpochRequest,
  decodeBeginQuorumEpochResponse,
)
export const EndQuorumEpoch = api<EndQuorumEpochRequest, EndQuorumEpochResponse>(54, 'EndQuorumEpoch', endQuorumEpochRequestVersions, encodeEndQuorumEpochRequest, decodeEndQuorumEpochResponse)
export const DescribeQuorum = api<DescribeQuorumRequest, DescribeQuorumResponse>(55, 'DescribeQuorum', describeQuorumRequestVersions, encodeDescribeQuorumRequest, decodeDescribeQuorumResponse)
export const BrokerRegistration = api<BrokerRegistrationRequest, BrokerRegistrationResponse>(
  62,
  'BrokerRegistration',
  brokerRegistrationRequestVersions,
  encodeBrokerRegistrationRequest,
  decodeBrokerRegistrationResponse,
)
export const BrokerHeartbeat = api<BrokerHeartbeatRequest, BrokerHeartbeatResponse>(63, 'BrokerHeartbeat', brokerHeartbeatRequestVersions, encodeBrokerHeartbeatRequest, decodeBrokerHeartbeatResponse)
export const AllocateProducerIds = api<AllocateProducerIdsRequest, AllocateProducerIdsResponse>(
  67,
  'AllocateProducerIds',
  allocateProducerIdsRequestVersions,
  encodeAllocateProducerIdsRequest,
  decodeAllocateProducerIdsResponse,
)
export const UnregisterBroker = api<UnregisterBrokerRequest, UnregisterBrokerResponse>(64, 'UnregisterBroker', unregisterBrokerRequestVersions, encodeUnregisterBrokerRequest, decodeUnregisterBrokerResponse)
