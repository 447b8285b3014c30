// The __consumer_offsets record codecs against the bytes Apache Kafka 4.3.1's own record classes
// write (GroupCoordinatorRecordSerde, captured with scripts/peers/java/OffsetsRecords.java encode):
// our encoder must produce them byte for byte, and our decoder must read them back.
import {describe, expect, it} from 'vitest'
import {Writer} from '../../../src/protocol/primitives.js'
import {
  decodeRecord,
  encodeGroupMetadataValueAt,
  encodeOffsetCommitValueAt,
  encodeRecordKey,
  encodeRecordValue,
  type CoordinatorRecord,
  type GroupMetadataValue,
} from '../../../src/group/records.js'

const TOPIC_ID = 'MTIzNDU2Nzg5MDEyMzQ1Ng'

const groupMetadata: GroupMetadataValue = {
  protocolType: 'consumer',
  generation: 5,
  protocol: 'range',
  leader: 'm-1',
  currentStateTimestamp: 1700000000002n,
  members: [
    {memberId: 'm-1', groupInstanceId: 'i-1', clientId: 'c1', clientHost: '/127.0.0.1', rebalanceTimeout: 30000, sessionTimeout: 10000, subscription: Buffer.from([0, 1, 2]), assignment: Buffer.from([3, 4])},
    {memberId: 'm-2', groupInstanceId: null, clientId: 'c2', clientHost: '/10.0.0.2', rebalanceTimeout: 60000, sessionTimeout: 45000, subscription: Buffer.alloc(0), assignment: Buffer.from([9])},
  ],
}

/** [name, record, key hex, value hex] — the hex as Kafka 4.3.1 writes the same record. */
const GOLDEN: Array<[string, Exclude<CoordinatorRecord, {type: 'Ignored'}>, string, string | null]> = [
  [
    'offset commit v3',
    {type: 'OffsetCommit', group: 'g1', topic: 't1', partition: 3, value: {offset: 42n, leaderEpoch: 7, metadata: 'meta', commitTimestamp: 1700000000000n, expireTimestamp: -1n}},
    '0001000267310002743100000003',
    '0003000000000000002a0000000700046d6574610000018bcfe56800',
  ],
  [
    'offset commit v1 (with an expire timestamp)',
    {type: 'OffsetCommit', group: 'g1', topic: 't1', partition: 3, value: {offset: 43n, leaderEpoch: -1, metadata: '', commitTimestamp: 1700000000001n, expireTimestamp: 1700000060001n}},
    '0001000267310002743100000003',
    '0001000000000000002b00000000018bcfe568010000018bcfe65261',
  ],
  ['offset commit tombstone', {type: 'OffsetCommit', group: 'g1', topic: 't1', partition: 3, value: null}, '0001000267310002743100000003', null],
  [
    'group metadata v3',
    {type: 'GroupMetadata', group: 'g1', value: groupMetadata},
    '000200026731',
    '00030008636f6e73756d657200000005000572616e676500036d2d310000018bcfe568020000000200036d2d310003692d3100026331000a2f3132372e302e302e3100007530000027100000000300010200000002030400036d2d32ffff0002633200092f31302e302e302e320000ea600000afc8000000000000000109',
  ],
  [
    'empty group metadata',
    {type: 'GroupMetadata', group: 'g1', value: {protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: 1700000000003n, members: []}},
    '000200026731',
    '0003000000000000ffffffff0000018bcfe5680300000000',
  ],
  ['group metadata tombstone', {type: 'GroupMetadata', group: 'g1', value: null}, '000200026731', null],
  ['consumer group metadata', {type: 'ConsumerGroupMetadata', groupId: 'cg', value: {epoch: 9}}, '000300026367', '00000000000900'],
  [
    'consumer group member metadata',
    {
      type: 'ConsumerGroupMemberMetadata',
      groupId: 'cg',
      memberId: 'mem-1',
      value: {instanceId: null, rackId: 'r1', clientId: 'c', clientHost: '/127.0.0.1', subscribedTopicNames: ['a', 'b'], subscribedTopicRegex: null, rebalanceTimeoutMs: 45000, serverAssignor: 'uniform'},
    },
    '00050002636700056d656d2d31',
    '00000003723102630b2f3132372e302e302e310302610262000000afc808756e69666f726d00',
  ],
  ['consumer group target assignment metadata', {type: 'ConsumerGroupTargetAssignmentMetadata', groupId: 'cg', value: {assignmentEpoch: 9}}, '000600026367', '00000000000900'],
  [
    'consumer group target assignment member',
    {type: 'ConsumerGroupTargetAssignmentMember', groupId: 'cg', memberId: 'mem-1', value: {topicPartitions: [{topicId: TOPIC_ID, partitions: [0, 2]}]}},
    '00070002636700056d656d2d31',
    '000002313233343536373839303132333435360300000000000000020000',
  ],
  [
    'consumer group current member assignment',
    {
      type: 'ConsumerGroupCurrentMemberAssignment',
      groupId: 'cg',
      memberId: 'mem-1',
      value: {memberEpoch: 9, previousMemberEpoch: 8, state: 0, assignedPartitions: [{topicId: TOPIC_ID, partitions: [0, 2]}], partitionsPendingRevocation: []},
    },
    '00080002636700056d656d2d31',
    '00000000000900000008000231323334353637383930313233343536030000000000000002000100',
  ],
  ['consumer group current member assignment tombstone', {type: 'ConsumerGroupCurrentMemberAssignment', groupId: 'cg', memberId: 'mem-1', value: null}, '00080002636700056d656d2d31', null],
]

describe('__consumer_offsets records', () => {
  for (const [name, record, keyHex, valueHex] of GOLDEN) {
    it(`${name}: byte-exact with Kafka's, and read back`, () => {
      expect(encodeRecordKey(record).toString('hex')).toBe(keyHex)
      expect(encodeRecordValue(record)?.toString('hex') ?? null).toBe(valueHex)
      const decoded = decodeRecord(Buffer.from(keyHex, 'hex'), valueHex === null ? null : Buffer.from(valueHex, 'hex'))
      expect(decoded).toEqual(record)
    })
  }

  it('reads every OffsetCommitValue version (0-4) Kafka defines', () => {
    const value = {offset: 7n, leaderEpoch: 3, metadata: 'x', commitTimestamp: 10n, expireTimestamp: 20n}
    for (let version = 0; version <= 4; version++) {
      const d = decodeRecord(Buffer.from('0001000267310002743100000003', 'hex'), encodeOffsetCommitValueAt(value, version))
      expect(d).toEqual({
        type: 'OffsetCommit',
        group: 'g1',
        topic: 't1',
        partition: 3,
        value: {offset: 7n, leaderEpoch: version >= 3 ? 3 : -1, metadata: 'x', commitTimestamp: 10n, expireTimestamp: version === 1 ? 20n : -1n},
      })
    }
  })

  it('reads every GroupMetadataValue version (0-4) Kafka defines', () => {
    for (let version = 0; version <= 4; version++) {
      const d = decodeRecord(Buffer.from('000200026731', 'hex'), encodeGroupMetadataValueAt(groupMetadata, version))
      expect(d.type).toBe('GroupMetadata')
      const v = (d as Extract<CoordinatorRecord, {type: 'GroupMetadata'}>).value!
      expect(v.generation).toBe(5)
      expect(v.currentStateTimestamp).toBe(version >= 2 ? 1700000000002n : -1n)
      expect(v.members.map((m) => m.groupInstanceId)).toEqual(version >= 3 ? ['i-1', null] : [null, null])
      expect(v.members.map((m) => m.rebalanceTimeout)).toEqual(version >= 1 ? [30000, 60000] : [-1, -1])
      expect(v.members[0]!.assignment).toEqual(Buffer.from([3, 4]))
    }
  })

  it('the legacy offset commit type (0) reads as an offset commit', () => {
    const d = decodeRecord(Buffer.from('0000000267310002743100000003', 'hex'), encodeOffsetCommitValueAt({offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 0n, expireTimestamp: -1n}, 3))
    expect(d).toMatchObject({type: 'OffsetCommit', group: 'g1', topic: 't1', partition: 3})
  })

  it('skips tagged fields it does not know and record types it does not replay', () => {
    const w = new Writer()
    w.int16(0)
    w.int32(11)
    w.uvarint(1) // one tagged field
    w.uvarint(0)
    w.uvarint(8)
    w.int64(123n)
    expect(decodeRecord(Buffer.from('000300026367', 'hex'), w.finish())).toEqual({type: 'ConsumerGroupMetadata', groupId: 'cg', value: {epoch: 11}})
    // Share and streams group records (types 10+) are not ours to replay.
    expect(decodeRecord(Buffer.from('000b000267', 'hex'), Buffer.from('0000', 'hex'))).toEqual({type: 'Ignored', recordType: 11})
  })

  it('rejects malformed bytes with a protocol error', () => {
    expect(() => decodeRecord(Buffer.from('0001', 'hex'), null)).toThrow()
    expect(() => decodeRecord(Buffer.from('0001000267310002743100000003', 'hex'), Buffer.from('0009', 'hex'))).toThrow(/version 9/)
  })
})
