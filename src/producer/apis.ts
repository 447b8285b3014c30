// The Kafka APIs the producer sends beyond those in src/client/apis.ts, each
// bound to its generated codec in the same Api shape, so BrokerConnection can
// send them. Version caps keep to what a classic (transaction version 1)
// client sends: AddPartitionsToTxn v4+ and EndTxn v5 belong to brokers and
// transaction version 2 producers.

import type {Api} from '../client/apis.js'
import type {Reader, Writer} from '../protocol/primitives.js'
import {type AddPartitionsToTxnRequest, addPartitionsToTxnRequestVersions, encodeAddPartitionsToTxnRequest} from '../protocol/generated/add-partitions-to-txn-request.js'
import {type AddPartitionsToTxnResponse, decodeAddPartitionsToTxnResponse} from '../protocol/generated/add-partitions-to-txn-response.js'
import {type EndTxnRequest, encodeEndTxnRequest, endTxnRequestVersions} from '../protocol/generated/end-txn-request.js'
import {decodeEndTxnResponse, type EndTxnResponse} from '../protocol/generated/end-txn-response.js'
import {encodeFindCoordinatorRequest, type FindCoordinatorRequest, findCoordinatorRequestVersions} from '../protocol/generated/find-coordinator-request.js'
import {decodeFindCoordinatorResponse, type FindCoordinatorResponse} from '../protocol/generated/find-coordinator-response.js'
import {encodeInitProducerIdRequest, type InitProducerIdRequest, initProducerIdRequestVersions} from '../protocol/generated/init-producer-id-request.js'
import {decodeInitProducerIdResponse, type InitProducerIdResponse} from '../protocol/generated/init-producer-id-response.js'

export function defineApi<Req, Res>(
  key: number,
  name: string,
  versions: {min: number; max: number; flexibleMin: number | null},
  encodeRequest: (w: Writer, req: Req, version: number) => void,
  decodeResponse: (r: Reader, version: number) => Res,
  maxVersion = versions.max,
): Api<Req, Res> {
  return {key, name, minVersion: versions.min, maxVersion: Math.min(maxVersion, versions.max), flexibleMin: versions.flexibleMin, encodeRequest, decodeResponse}
}

export const FindCoordinator = defineApi<FindCoordinatorRequest, FindCoordinatorResponse>(10, 'FindCoordinator', findCoordinatorRequestVersions, encodeFindCoordinatorRequest, decodeFindCoordinatorResponse)
export const InitProducerId = defineApi<InitProducerIdRequest, InitProducerIdResponse>(22, 'InitProducerId', initProducerIdRequestVersions, encodeInitProducerIdRequest, decodeInitProducerIdResponse)
export const AddPartitionsToTxn = defineApi<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(24, 'AddPartitionsToTxn', addPartitionsToTxnRequestVersions, encodeAddPartitionsToTxnRequest, decodeAddPartitionsToTxnResponse, 3)
export const EndTxn = defineApi<EndTxnRequest, EndTxnResponse>(26, 'EndTxn', endTxnRequestVersions, encodeEndTxnRequest, decodeEndTxnResponse, 4)

/** FindCoordinator key types. */
export const CoordinatorType = {GROUP: 0, TRANSACTION: 1} as const
