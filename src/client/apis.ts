// The Kafka APIs the CLI's own client sends, each bound to its generated codec.
// Importing the per-message modules (not generated/index.ts) keeps a command's
// start-up cost to the handful of codecs it uses.

import type {Reader, Writer} from '../protocol/primitives.js'
import {type AlterPartitionReassignmentsRequest, encodeAlterPartitionReassignmentsRequest, alterPartitionReassignmentsRequestVersions} from '../protocol/generated/alter-partition-reassignments-request.js'
import {type AlterPartitionReassignmentsResponse, decodeAlterPartitionReassignmentsResponse} from '../protocol/generated/alter-partition-reassignments-response.js'
import {type AlterReplicaLogDirsRequest, encodeAlterReplicaLogDirsRequest, alterReplicaLogDirsRequestVersions} from '../protocol/generated/alter-replica-log-dirs-request.js'
import {type AlterReplicaLogDirsResponse, decodeAlterReplicaLogDirsResponse} from '../protocol/generated/alter-replica-log-dirs-response.js'
import {type ApiVersionsRequest, encodeApiVersionsRequest, apiVersionsRequestVersions} from '../protocol/generated/api-versions-request.js'
import {type ApiVersionsResponse, decodeApiVersionsResponse} from '../protocol/generated/api-versions-response.js'
import {type CreatePartitionsRequest, encodeCreatePartitionsRequest, createPartitionsRequestVersions} from '../protocol/generated/create-partitions-request.js'
import {type CreatePartitionsResponse, decodeCreatePartitionsResponse} from '../protocol/generated/create-partitions-response.js'
import {type CreateTopicsRequest, encodeCreateTopicsRequest, createTopicsRequestVersions} from '../protocol/generated/create-topics-request.js'
import {type CreateTopicsResponse, decodeCreateTopicsResponse} from '../protocol/generated/create-topics-response.js'
import {type DeleteRecordsRequest, encodeDeleteRecordsRequest, deleteRecordsRequestVersions} from '../protocol/generated/delete-records-request.js'
import {type DeleteRecordsResponse, decodeDeleteRecordsResponse} from '../protocol/generated/delete-records-response.js'
import {type DeleteTopicsRequest, encodeDeleteTopicsRequest, deleteTopicsRequestVersions} from '../protocol/generated/delete-topics-request.js'
import {type DeleteTopicsResponse, decodeDeleteTopicsResponse} from '../protocol/generated/delete-topics-response.js'
import {type DescribeClusterRequest, encodeDescribeClusterRequest, describeClusterRequestVersions} from '../protocol/generated/describe-cluster-request.js'
import {type DescribeClusterResponse, decodeDescribeClusterResponse} from '../protocol/generated/describe-cluster-response.js'
import {type DescribeConfigsRequest, encodeDescribeConfigsRequest, describeConfigsRequestVersions} from '../protocol/generated/describe-configs-request.js'
import {type DescribeConfigsResponse, decodeDescribeConfigsResponse} from '../protocol/generated/describe-configs-response.js'
import {type DescribeLogDirsRequest, encodeDescribeLogDirsRequest, describeLogDirsRequestVersions} from '../protocol/generated/describe-log-dirs-request.js'
import {type DescribeLogDirsResponse, decodeDescribeLogDirsResponse} from '../protocol/generated/describe-log-dirs-response.js'
import {type DescribeTopicPartitionsRequest, encodeDescribeTopicPartitionsRequest, describeTopicPartitionsRequestVersions} from '../protocol/generated/describe-topic-partitions-request.js'
import {type DescribeTopicPartitionsResponse, decodeDescribeTopicPartitionsResponse} from '../protocol/generated/describe-topic-partitions-response.js'
import {type ElectLeadersRequest, encodeElectLeadersRequest, electLeadersRequestVersions} from '../protocol/generated/elect-leaders-request.js'
import {type ElectLeadersResponse, decodeElectLeadersResponse} from '../protocol/generated/elect-leaders-response.js'
import {type FetchRequest, encodeFetchRequest, fetchRequestVersions} from '../protocol/generated/fetch-request.js'
import {type FetchResponse, decodeFetchResponse} from '../protocol/generated/fetch-response.js'
import {type IncrementalAlterConfigsRequest, encodeIncrementalAlterConfigsRequest, incrementalAlterConfigsRequestVersions} from '../protocol/generated/incremental-alter-configs-request.js'
import {type IncrementalAlterConfigsResponse, decodeIncrementalAlterConfigsResponse} from '../protocol/generated/incremental-alter-configs-response.js'
import {type ListOffsetsRequest, encodeListOffsetsRequest, listOffsetsRequestVersions} from '../protocol/generated/list-offsets-request.js'
import {type ListOffsetsResponse, decodeListOffsetsResponse} from '../protocol/generated/list-offsets-response.js'
import {type ListPartitionReassignmentsRequest, encodeListPartitionReassignmentsRequest, listPartitionReassignmentsRequestVersions} from '../protocol/generated/list-partition-reassignments-request.js'
import {type ListPartitionReassignmentsResponse, decodeListPartitionReassignmentsResponse} from '../protocol/generated/list-partition-reassignments-response.js'
import {type MetadataRequest, encodeMetadataRequest, metadataRequestVersions} from '../protocol/generated/metadata-request.js'
import {type MetadataResponse, decodeMetadataResponse} from '../protocol/generated/metadata-response.js'
import {type ProduceRequest, encodeProduceRequest, produceRequestVersions} from '../protocol/generated/produce-request.js'
import {type ProduceResponse, decodeProduceResponse} from '../protocol/generated/produce-response.js'
import {type SaslAuthenticateRequest, encodeSaslAuthenticateRequest, saslAuthenticateRequestVersions} from '../protocol/generated/sasl-authenticate-request.js'
import {type SaslAuthenticateResponse, decodeSaslAuthenticateResponse} from '../protocol/generated/sasl-authenticate-response.js'
import {type SaslHandshakeRequest, encodeSaslHandshakeRequest, saslHandshakeRequestVersions} from '../protocol/generated/sasl-handshake-request.js'
import {type SaslHandshakeResponse, decodeSaslHandshakeResponse} from '../protocol/generated/sasl-handshake-response.js'

export interface Api<Req, Res> {
  key: number
  name: string
  /** Versions our codec speaks. */
  minVersion: number
  maxVersion: number
  /** First flexible version (request header v2, response header v1), null when none is. */
  flexibleMin: number | null
  encodeRequest(w: Writer, req: Req, version: number): void
  decodeResponse(r: Reader, version: number): Res
}

/** An API bound to its generated request encoder and response decoder (every sender's descriptors use it). */
export function api<Req, Res>(
  key: number,
  name: string,
  versions: {min: number; max: number; flexibleMin: number | null},
  encodeRequest: (w: Writer, req: Req, version: number) => void,
  decodeResponse: (r: Reader, version: number) => Res,
): Api<Req, Res> {
  return {key, name, minVersion: versions.min, maxVersion: versions.max, flexibleMin: versions.flexibleMin, encodeRequest, decodeResponse}
}

export function isFlexible(a: Api<unknown, unknown>, version: number): boolean {
  return a.flexibleMin !== null && version >= a.flexibleMin
}

export function requestHeaderVersionOf(a: Api<unknown, unknown>, version: number): number {
  return isFlexible(a, version) ? 2 : 1
}

/** ApiVersions answers always carry response header v0, whatever the request version. */
export function responseHeaderVersionOf(a: Api<unknown, unknown>, version: number): number {
  if (a.key === 18) return 0
  return isFlexible(a, version) ? 1 : 0
}

export const Produce = api<ProduceRequest, ProduceResponse>(0, 'Produce', produceRequestVersions, encodeProduceRequest, decodeProduceResponse)
export const Fetch = api<FetchRequest, FetchResponse>(1, 'Fetch', fetchRequestVersions, encodeFetchRequest, decodeFetchResponse)
export const ListOffsets = api<ListOffsetsRequest, ListOffsetsResponse>(2, 'ListOffsets', listOffsetsRequestVersions, encodeListOffsetsRequest, decodeListOffsetsResponse)
export const Metadata = api<MetadataRequest, MetadataResponse>(3, 'Metadata', metadataRequestVersions, encodeMetadataRequest, decodeMetadataResponse)
export const SaslHandshake = api<SaslHandshakeRequest, SaslHandshakeResponse>(17, 'SaslHandshake', saslHandshakeRequestVersions, encodeSaslHandshakeRequest, decodeSaslHandshakeResponse)
export const ApiVersions = api<ApiVersionsRequest, ApiVersionsResponse>(18, 'ApiVersions', apiVersionsRequestVersions, encodeApiVersionsRequest, decodeApiVersionsResponse)
export const CreateTopics = api<CreateTopicsRequest, CreateTopicsResponse>(19, 'CreateTopics', createTopicsRequestVersions, encodeCreateTopicsRequest, decodeCreateTopicsResponse)
export const DeleteTopics = api<DeleteTopicsRequest, DeleteTopicsResponse>(20, 'DeleteTopics', deleteTopicsRequestVersions, encodeDeleteTopicsRequest, decodeDeleteTopicsResponse)
export const DeleteRecords = api<DeleteRecordsRequest, DeleteRecordsResponse>(21, 'DeleteRecords', deleteRecordsRequestVersions, encodeDeleteRecordsRequest, decodeDeleteRecordsResponse)
export const DescribeConfigs = api<DescribeConfigsRequest, DescribeConfigsResponse>(32, 'DescribeConfigs', describeConfigsRequestVersions, encodeDescribeConfigsRequest, decodeDescribeConfigsResponse)
export const SaslAuthenticate = api<SaslAuthenticateRequest, SaslAuthenticateResponse>(36, 'SaslAuthenticate', saslAuthenticateRequestVersions, encodeSaslAuthenticateRequest, decodeSaslAuthenticateResponse)
export const CreatePartitions = api<CreatePartitionsRequest, CreatePartitionsResponse>(37, 'CreatePartitions', createPartitionsRequestVersions, encodeCreatePartitionsRequest, decodeCreatePartitionsResponse)
export const IncrementalAlterConfigs = api<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(44, 'IncrementalAlterConfigs', incrementalAlterConfigsRequestVersions, encodeIncrementalAlterConfigsRequest, decodeIncrementalAlterConfigsResponse)
export const ListPartitionReassignments = api<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>(46, 'ListPartitionReassignments', listPartitionReassignmentsRequestVersions, encodeListPartitionReassignmentsRequest, decodeListPartitionReassignmentsResponse)
export const AlterReplicaLogDirs = api<AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse>(34, 'AlterReplicaLogDirs', alterReplicaLogDirsRequestVersions, encodeAlterReplicaLogDirsRequest, decodeAlterReplicaLogDirsResponse)
export const DescribeLogDirs = api<DescribeLogDirsRequest, DescribeLogDirsResponse>(35, 'DescribeLogDirs', describeLogDirsRequestVersions, encodeDescribeLogDirsRequest, decodeDescribeLogDirsResponse)
export const ElectLeaders = api<ElectLeadersRequest, ElectLeadersResponse>(43, 'ElectLeaders', electLeadersRequestVersions, encodeElectLeadersRequest, decodeElectLeadersResponse)
export const AlterPartitionReassignments = api<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>(45, 'AlterPartitionReassignments', alterPartitionReassignmentsRequestVersions, encodeAlterPartitionReassignmentsRequest, decodeAlterPartitionReassignmentsResponse)
export const DescribeCluster = api<DescribeClusterRequest, DescribeClusterResponse>(60, 'DescribeCluster', describeClusterRequestVersions, encodeDescribeClusterRequest, decodeDescribeClusterResponse)
export const DescribeTopicPartitions = api<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>(75, 'DescribeTopicPartitions', describeTopicPartitionsRequestVersions, encodeDescribeTopicPartitionsRequest, decodeDescribeTopicPartitionsResponse)
