// The records of the __consumer_offsets topic, byte-exact with Kafka 4.x's group coordinator so
// that Kafka's own tools (kafka-dump-log --offsets-decoder) and brokers read what we write, and we
// read what they write.
//
// Framing (Kafka's CoordinatorRecordSerde): the key is an int16 record type followed by the key
// struct; the value is an int16 value version followed by the value struct, or null for a
// tombstone. Keys are never flexible (int16-length strings). Record types (CoordinatorRecordType):
// 0 and 1 offset commits, 2 classic group metadata, 3-8 consumer group (KIP-848) state.
//
// What we write, as Kafka 4.x does: OffsetCommitValue v3 (v1 when the commit carries an expire
// timestamp, i.e. OffsetCommit v2-4 with a retention time), GroupMetadataValue v3, and version 0 of
// every consumer group value. Optional tagged fields are skipped on read and never written.

import {ProtocolError, Reader, Writer} from '../protocol/primitives.js'

export const RecordType = {
  LEGACY_OFFSET_COMMIT: 0,
  OFFSET_COMMIT: 1,
  GROUP_METADATA: 2,
  CONSUMER_GROUP_METADATA: 3,
  CONSUMER_GROUP_PARTITION_METADATA: 4,
  CONSUMER_GROUP_MEMBER_METADATA: 5,
  CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA: 6,
  CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER: 7,
  CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT: 8,
} as const

export interface OffsetCommitValue {
  offset: bigint
  /** -1 when unknown. */
  leaderEpoch: number
  metadata: string
  commitTimestamp: bigint
  /** Only version 1 carries it; -1n otherwise. */
  expireTimestamp: bigint
}

export interface GroupMemberMetadata {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeout: number
  sessionTimeout: number
  subscription: Buffer
  assignment: Buffer
}

export interface GroupMetadataValue {
  protocolType: string
  generation: number
  protocol: string | null
  leader: string | null
  currentStateTimestamp: bigint
  members: GroupMemberMetadata[]
}

export interface TopicPartitionIds {
  topicId: string
  partitions: number[]
}

export interface ConsumerGroupMemberMetadataValue {
  instanceId: string | null
  rackId: string | null
  clientId: string
  clientHost: string
  subscribedTopicNames: string[]
  subscribedTopicRegex: string | null
  rebalanceTimeoutMs: number
  serverAssignor: string | null
}

export interface ConsumerGroupCurrentMemberAssignmentValue {
  memberEpoch: number
  previousMemberEpoch: number
  /** MemberState: 0 stable, 1 unrevoked partitions, 2 unreleased partitions, 127 unknown. */
  state: number
  assignedPartitions: TopicPartitionIds[]
  partitionsPendingRevocation: TopicPartitionIds[]
}

/** One decoded __consumer_offsets record; `value` null is a tombstone. */
export type CoordinatorRecord =
  | {type: 'OffsetCommit'; group: string; topic: string; partition: number; value: OffsetCommitValue | null}
  | {type: 'GroupMetadata'; group: string; value: GroupMetadataValue | null}
  | {type: 'ConsumerGroupMetadata'; groupId: string; value: {epoch: number} | null}
  | {type: 'ConsumerGroupMemberMetadata'; groupId: string; memberId: string; value: ConsumerGroupMemberMetadataValue | null}
  | {type: 'ConsumerGroupTargetAssignmentMetadata'; groupId: string; value: {assignmentEpoch: number} | null}
  | {type: 'ConsumerGroupTargetAssignmentMember'; groupId: string; memberId: string; value: {topicPartitions: TopicPartitionIds[]} | null}
  | {type: 'ConsumerGroupCurrentMemberAssignment'; groupId: string; memberId: string; value: ConsumerGroupCurrentMemberAssignmentValue | null}
  /** A record type this broker does not replay (partition metadata, regexes, share and streams groups). */
  | {type: 'Ignored'; recordType: number}

export type CoordinatorRecordOf<T extends CoordinatorRecord['type']> = Extract<CoordinatorRecord, {type: T}>

// ---------------------------------------------------------------- keys

/** The key bytes of a record (never null). */
export function encodeRecordKey(record: Exclude<CoordinatorRecord, {type: 'Ignored'}>): Buffer {
  const w = new Writer(64)
  switch (record.type) {
    case 'OffsetCommit':
      w.int16(RecordType.OFFSET_COMMIT)
      w.string(record.group)
      w.string(record.topic)
      w.int32(record.partition)
      break
    case 'GroupMetadata':
      w.int16(RecordType.GROUP_METADATA)
      w.string(record.group)
      break
    case 'ConsumerGroupMetadata':
      w.int16(RecordType.CONSUMER_GROUP_METADATA)
      w.string(record.groupId)
      break
    case 'ConsumerGroupMemberMetadata':
      w.int16(RecordType.CONSUMER_GROUP_MEMBER_METADATA)
      w.string(record.groupId)
      w.string(record.memberId)
      break
    case 'ConsumerGroupTargetAssignmentMetadata':
      w.int16(RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA)
      w.string(record.groupId)
      break
    case 'ConsumerGroupTargetAssignmentMember':
      w.int16(RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER)
      w.string(record.groupId)
      w.string(record.memberId)
      break
    case 'ConsumerGroupCurrentMemberAssignment':
      w.int16(RecordType.CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT)
      w.string(record.groupId)
      w.string(record.memberId)
      break
  }
  return w.finish()
}

// ---------------------------------------------------------------- values

function noTaggedFields(w: Writer): void {
  w.uvarint(0)
}

function skipTaggedFields(r: Reader): void {
  const n = r.uvarint()
  for (let i = 0; i < n; i++) {
    r.uvarint()
    r.skip(r.uvarint())
  }
}

function writeTopicPartitions(w: Writer, list: readonly TopicPartitionIds[]): void {
  w.uvarint(list.length + 1)
  for (const tp of list) {
    w.uuid(tp.topicId)
    w.uvarint(tp.partitions.length + 1)
    for (const p of tp.partitions) w.int32(p)
    noTaggedFields(w)
  }
}

function readTopicPartitions(r: Reader): TopicPartitionIds[] {
  const n = r.compactArrayLength()
  if (n < 0) throw new ProtocolError('null topic partitions array')
  const out: TopicPartitionIds[] = []
  for (let i = 0; i < n; i++) {
    const topicId = r.uuid()
    const np = r.compactArrayLength()
    if (np < 0) throw new ProtocolError('null partitions array')
    const partitions: number[] = []
    for (let j = 0; j < np; j++) partitions.push(r.int32())
    skipTaggedFields(r)
    out.push({topicId, partitions})
  }
  return out
}

/** The version Kafka writes an offset commit with: 1 when it carries an expire timestamp, else 3. */
export function offsetCommitValueVersion(value: OffsetCommitValue): number {
  return value.expireTimestamp >= 0n ? 1 : 3
}

function writeOffsetCommitValue(w: Writer, v: OffsetCommitValue, version: number): void {
  w.int16(version)
  w.int64(v.offset)
  if (version >= 3) w.int32(v.leaderEpoch)
  if (version >= 4) w.compactString(v.metadata)
  else w.string(v.metadata)
  w.int64(v.commitTimestamp)
  if (version === 1) w.int64(v.expireTimestamp)
  if (version >= 4) noTaggedFields(w)
}

function readOffsetCommitValue(r: Reader): OffsetCommitValue {
  const version = r.int16()
  if (version < 0 || version > 4) throw new ProtocolError(`unknown OffsetCommitValue version ${version}`)
  const offset = r.int64()
  const leaderEpoch = version >= 3 ? r.int32() : -1
  const metadata = version >= 4 ? r.compactString() : r.string()
  const commitTimestamp = r.int64()
  const expireTimestamp = version === 1 ? r.int64() : -1n
  if (version >= 4) skipTaggedFields(r)
  return {offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp}
}

export const GROUP_METADATA_VALUE_VERSION = 3

function writeGroupMetadataValue(w: Writer, v: GroupMetadataValue, version: number): void {
  const flexible = version >= 4
  const str = (s: string) => (flexible ? w.compactString(s) : w.string(s))
  const nstr = (s: string | null) => (flexible ? w.compactNullableString(s) : w.nullableString(s))
  const bytes = (b: Buffer) => (flexible ? w.compactBytes(b) : w.bytes(b))
  w.int16(version)
  str(v.protocolType)
  w.int32(v.generation)
  nstr(v.protocol)
  nstr(v.leader)
  if (version >= 2) w.int64(v.currentStateTimestamp)
  if (flexible) w.uvarint(v.members.length + 1)
  else w.int32(v.members.length)
  for (const m of v.members) {
    str(m.memberId)
    if (version >= 3) nstr(m.groupInstanceId)
    str(m.clientId)
    str(m.clientHost)
    if (version >= 1) w.int32(m.rebalanceTimeout)
    w.int32(m.sessionTimeout)
    bytes(m.subscription)
    bytes(m.assignment)
    if (flexible) noTaggedFields(w)
  }
  if (flexible) noTaggedFields(w)
}

function readGroupMetadataValue(r: Reader): GroupMetadataValue {
  const version = r.int16()
  if (version < 0 || version > 4) throw new ProtocolError(`unknown GroupMetadataValue version ${version}`)
  const flexible = version >= 4
  const str = () => (flexible ? r.compactString() : r.string())
  const nstr = () => (flexible ? r.compactNullableString() : r.nullableString())
  const bytes = () => Buffer.from(flexible ? r.compactBytes() : r.bytes())
  const protocolType = str()
  const generation = r.int32()
  const protocol = nstr()
  const leader = nstr()
  const currentStateTimestamp = version >= 2 ? r.int64() : -1n
  const n = flexible ? r.compactArrayLength() : r.arrayLength()
  if (n < 0) throw new ProtocolError('null members array')
  const members: GroupMemberMetadata[] = []
  for (let i = 0; i < n; i++) {
    const memberId = str()
    const groupInstanceId = version >= 3 ? nstr() : null
    const clientId = str()
    const clientHost = str()
    const rebalanceTimeout = version >= 1 ? r.int32() : -1
    const sessionTimeout = r.int32()
    const subscription = bytes()
    const assignment = bytes()
    if (flexible) skipTaggedFields(r)
    members.push({memberId, groupInstanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout, subscription, assignment})
  }
  if (flexible) skipTaggedFields(r)
  return {protocolType, generation, protocol, leader, currentStateTimestamp, members}
}

function writeMemberMetadataValue(w: Writer, v: ConsumerGroupMemberMetadataValue): void {
  w.int16(0)
  w.compactNullableString(v.instanceId)
  w.compactNullableString(v.rackId)
  w.compactString(v.clientId)
  w.compactString(v.clientHost)
  w.uvarint(v.subscribedTopicNames.length + 1)
  for (const t of v.subscribedTopicNames) w.compactString(t)
  w.compactNullableString(v.subscribedTopicRegex)
  w.int32(v.rebalanceTimeoutMs)
  w.compactNullableString(v.serverAssignor)
  noTaggedFields(w)
}

function readMemberMetadataValue(r: Reader): ConsumerGroupMemberMetadataValue {
  expectVersion0(r, 'ConsumerGroupMemberMetadataValue')
  const instanceId = r.compactNullableString()
  const rackId = r.compactNullableString()
  const clientId = r.compactString()
  const clientHost = r.compactString()
  const n = r.compactArrayLength()
  const subscribedTopicNames: string[] = []
  for (let i = 0; i < n; i++) subscribedTopicNames.push(r.compactString())
  const subscribedTopicRegex = r.compactNullableString()
  const rebalanceTimeoutMs = r.int32()
  const serverAssignor = r.compactNullableString()
  skipTaggedFields(r)
  return {instanceId, rackId, clientId, clientHost, subscribedTopicNames, subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor}
}

function expectVersion0(r: Reader, name: string): void {
  const version = r.int16()
  if (version !== 0) throw new ProtocolError(`unknown ${name} version ${version}`)
}

/** The value bytes of a record, or null for a tombstone. */
export function encodeRecordValue(record: Exclude<CoordinatorRecord, {type: 'Ignored'}>): Buffer | null {
  if (record.value === null) return null
  const w = new Writer(128)
  switch (record.type) {
    case 'OffsetCommit':
      writeOffsetCommitValue(w, record.value, offsetCommitValueVersion(record.value))
      break
    case 'GroupMetadata':
      writeGroupMetadataValue(w, record.value, GROUP_METADATA_VALUE_VERSION)
      break
    case 'ConsumerGroupMetadata':
      w.int16(0)
      w.int32(record.value.epoch)
      noTaggedFields(w)
      break
    case 'ConsumerGroupMemberMetadata':
      writeMemberMetadataValue(w, record.value)
      break
    case 'ConsumerGroupTargetAssignmentMetadata':
      w.int16(0)
      w.int32(record.value.assignmentEpoch)
      noTaggedFields(w)
      break
    case 'ConsumerGroupTargetAssignmentMember':
      w.int16(0)
      writeTopicPartitions(w, record.value.topicPartitions)
      noTaggedFields(w)
      break
    case 'ConsumerGroupCurrentMemberAssignment':
      w.int16(0)
      w.int32(record.value.memberEpoch)
      w.int32(record.value.previousMemberEpoch)
      w.int8(record.value.state)
      writeTopicPartitions(w, record.value.assignedPartitions)
      writeTopicPartitions(w, record.value.partitionsPendingRevocation)
      noTaggedFields(w)
      break
  }
  return w.finish()
}

/** For tests and tools: a GroupMetadataValue at any version Kafka defines (0-4). */
export function encodeGroupMetadataValueAt(value: GroupMetadataValue, version: number): Buffer {
  const w = new Writer(128)
  writeGroupMetadataValue(w, value, version)
  return w.finish()
}

/** For tests and tools: an OffsetCommitValue at any version Kafka defines (0-4). */
export function encodeOffsetCommitValueAt(value: OffsetCommitValue, version: number): Buffer {
  const w = new Writer(64)
  writeOffsetCommitValue(w, value, version)
  return w.finish()
}

// ---------------------------------------------------------------- decoding

/** Decodes one record from its key and value bytes. Throws ProtocolError on malformed bytes. */
export function decodeRecord(key: Buffer, value: Buffer | null): CoordinatorRecord {
  const k = new Reader(key)
  const type = k.int16()
  const v = value === null ? null : new Reader(value)
  switch (type) {
    case RecordType.LEGACY_OFFSET_COMMIT:
    case RecordType.OFFSET_COMMIT: {
      const group = k.string()
      const topic = k.string()
      const partition = k.int32()
      return {type: 'OffsetCommit', group, topic, partition, value: v && readOffsetCommitValue(v)}
    }
    case RecordType.GROUP_METADATA:
      return {type: 'GroupMetadata', group: k.string(), value: v && readGroupMetadataValue(v)}
    case RecordType.CONSUMER_GROUP_METADATA: {
      const groupId = k.string()
      if (!v) return {type: 'ConsumerGroupMetadata', groupId, value: null}
      expectVersion0(v, 'ConsumerGroupMetadataValue')
      const epoch = v.int32()
      skipTaggedFields(v)
      return {type: 'ConsumerGroupMetadata', groupId, value: {epoch}}
    }
    case RecordType.CONSUMER_GROUP_MEMBER_METADATA: {
      const groupId = k.string()
      const memberId = k.string()
      return {type: 'ConsumerGroupMemberMetadata', groupId, memberId, value: v && readMemberMetadataValue(v)}
    }
    case RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA: {
      const groupId = k.string()
      if (!v) return {type: 'ConsumerGroupTargetAssignmentMetadata', groupId, value: null}
      expectVersion0(v, 'ConsumerGroupTargetAssignmentMetadataValue')
      const assignmentEpoch = v.int32()
      skipTaggedFields(v)
      return {type: 'ConsumerGroupTargetAssignmentMetadata', groupId, value: {assignmentEpoch}}
    }
    case RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER: {
      const groupId = k.string()
      const memberId = k.string()
      if (!v) return {type: 'ConsumerGroupTargetAssignmentMember', groupId, memberId, value: null}
      expectVersion0(v, 'ConsumerGroupTargetAssignmentMemberValue')
      const topicPartitions = readTopicPartitions(v)
      skipTaggedFields(v)
      return {type: 'ConsumerGroupTargetAssignmentMember', groupId, memberId, value: {topicPartitions}}
    }
    case RecordType.CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT: {
      const groupId = k.string()
      const memberId = k.string()
      if (!v) return {type: 'ConsumerGroupCurrentMemberAssignment', groupId, memberId, value: null}
      expectVersion0(v, 'ConsumerGroupCurrentMemberAssignmentValue')
      const memberEpoch = v.int32()
      const previousMemberEpoch = v.int32()
      const state = v.int8()
      const assignedPartitions = readTopicPartitions(v)
      const partitionsPendingRevocation = readTopicPartitions(v)
      skipTaggedFields(v)
      return {
        type: 'ConsumerGroupCurrentMemberAssignment',
        groupId,
        memberId,
        value: {memberEpoch, previousMemberEpoch, state, assignedPartitions, partitionsPendingRevocation},
      }
    }
    default:
      if (type < 0) throw new ProtocolError(`negative record type ${type}`)
      return {type: 'Ignored', recordType: type}
  }
}
