// The consumer protocol that classic consumers put inside JoinGroup and SyncGroup (protocol type
// "consumer"): a version-prefixed ConsumerProtocolSubscription or ConsumerProtocolAssignment.
// Like Kafka, a version newer than we know is read with the newest schema we know, since every
// version extends the one before it.

import {
  decodeConsumerProtocolAssignment,
  encodeConsumerProtocolAssignment,
  type ConsumerProtocolAssignment,
} from '../protocol/generated/consumer-protocol-assignment.js'
import {
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolSubscription,
  type ConsumerProtocolSubscription,
} from '../protocol/generated/consumer-protocol-subscription.js'
import {ProtocolError, Reader, Writer} from '../protocol/primitives.js'

const LATEST = 3

function readVersion(r: Reader): number {
  const version = r.int16()
  if (version < 0) throw new ProtocolError(`Unsupported consumer protocol version ${version}`)
  return Math.min(version, LATEST)
}

export function decodeSubscription(bytes: Buffer): ConsumerProtocolSubscription {
  const r = new Reader(bytes)
  return decodeConsumerProtocolSubscription(r, readVersion(r))
}

/** The subscribed topics only: the version-0 prefix every version starts with. */
export function decodeSubscriptionTopics(bytes: Buffer): string[] {
  const r = new Reader(bytes)
  readVersion(r)
  return decodeConsumerProtocolSubscription(r, 0).topics
}

export function decodeAssignment(bytes: Buffer): ConsumerProtocolAssignment {
  if (bytes.length === 0) return {assignedPartitions: [], userData: null}
  const r = new Reader(bytes)
  return decodeConsumerProtocolAssignment(r, readVersion(r))
}

export function encodeSubscription(s: ConsumerProtocolSubscription, version = LATEST): Buffer {
  const w = new Writer(64)
  w.int16(version)
  encodeConsumerProtocolSubscription(w, s, version)
  return w.finish()
}

export function encodeAssignment(a: ConsumerProtocolAssignment, version = LATEST): Buffer {
  const w = new Writer(64)
  w.int16(version)
  encodeConsumerProtocolAssignment(w, a, version)
  return w.finish()
}
