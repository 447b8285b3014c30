// The group APIs over the wire, the same requests sent to the bundled broker and to Apache Kafka
// 4.x: the answers (error codes, Kafka's messages, generations, leaders, states) must agree.
// Covers FindCoordinator (single and batched), KIP-394's required member id, session-timeout and
// group-id checks, generations in SyncGroup/Heartbeat/OffsetCommit, static membership (a rejoining
// instance fences its old member id; removal by instance id), group.max.size, ListGroups filters,
// DescribeGroups, DeleteGroups, OffsetDelete of a subscribed topic, and ConsumerGroupHeartbeat's
// validation, join, describe and leave.
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {encodeSubscription} from '../../src/group/consumer-protocol.js'
import {startBroker, type StartedBroker} from '../../src/index.js'
import {
  API_KEY,
  type ConsumerGroupDescribeResponse,
  type ConsumerGroupHeartbeatResponse,
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  type FindCoordinatorResponse,
  type HeartbeatResponse,
  type JoinGroupResponse,
  type LeaveGroupResponse,
  type ListGroupsResponse,
  type OffsetCommitResponse,
  type OffsetDeleteResponse,
  type OffsetFetchResponse,
  type SyncGroupResponse,
} from '../../src/protocol/generated/index.js'
import {startKafkaReference, type KafkaReference} from '../helpers/kafka-reference.js'
import {assertPeers} from '../helpers/peers.js'
import {WireClient} from '../helpers/wire-client.js'

const TOPIC = 'proto-t'
// A short initial delay, so that two members joining together share the first generation.
const OVERRIDES = {'group.max.size': 2, 'group.initial.rebalance.delay.ms': 1000}

const subscription = encodeSubscription({topics: [TOPIC], userData: null, ownedPartitions: [], generationId: -1, rackId: null}, 0)

function joinBody(groupId: string, memberId: string, extra: Partial<{groupInstanceId: string | null; sessionTimeoutMs: number; protocolName: string}> = {}) {
  return {
    groupId,
    // Long enough that no member of the scenario times out while it runs.
    sessionTimeoutMs: extra.sessionTimeoutMs ?? 60_000,
    rebalanceTimeoutMs: 90_000,
    memberId,
    groupInstanceId: extra.groupInstanceId ?? null,
    protocolType: 'consumer',
    protocols: [{name: extra.protocolName ?? 'range', metadata: subscription}],
    reason: null,
  }
}

/** Runs the scenario against one broker; returns what it saw, for comparison across brokers. */
async function scenario(bootstrap: string, port: number): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {}
  const kafka = new Kafka({clientId: 'group-protocol-test', brokers: [bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: TOPIC, numPartitions: 2}], waitForLeaders: true})
  await admin.disconnect()

  const c = await WireClient.connect(port)
  const clients: WireClient[] = [c]
  const open = async () => {
    const w = await WireClient.connect(port)
    clients.push(w)
    return w
  }
  try {
    // FindCoordinator: the first lookup may create __consumer_offsets; then every version answers.
    const deadline = Date.now() + 60_000
    let found = await c.request<FindCoordinatorResponse>(API_KEY.FindCoordinator, 3, {key: 'g-a', keyType: 0})
    while (found.body.errorCode !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200))
      found = await c.request<FindCoordinatorResponse>(API_KEY.FindCoordinator, 3, {key: 'g-a', keyType: 0})
    }
    seen.findV3 = {errorCode: found.body.errorCode, port: found.body.port}
    const batch = await c.request<FindCoordinatorResponse>(API_KEY.FindCoordinator, 4, {keyType: 0, coordinatorKeys: ['g-a', 'g-b']})
    seen.findV4 = batch.body.coordinators.map((x) => ({key: x.key, errorCode: x.errorCode, port: x.port}))
    const v0 = await c.request<FindCoordinatorResponse>(API_KEY.FindCoordinator, 0, {key: 'g-c'})
    seen.findV0 = {errorCode: v0.body.errorCode, port: v0.body.port}

    // Kafka loads the new __consumer_offsets partitions in the background: wait until every
    // group's coordinator answers (OffsetFetch reaches it) before comparing behaviour.
    const groups = ['g-a', 'g-new', 'g-none', 'g-simple', 'g-nothing', 'g-static', 'g-max', 'g-missing', 'g-kip848']
    for (;;) {
      const r = await c.request<OffsetFetchResponse>(API_KEY.OffsetFetch, 8, {groups: groups.map((groupId) => ({groupId, memberId: null, memberEpoch: -1, topics: null})), requireStable: false})
      if (r.body.groups.every((g) => g.errorCode === 0)) break
      if (Date.now() > deadline) throw new Error(`coordinators not ready: ${JSON.stringify(r.body.groups.map((g) => [g.groupId, g.errorCode]))}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }

    // JoinGroup checks before any state changes.
    seen.badSession = (await c.request<JoinGroupResponse>(API_KEY.JoinGroup, 5, joinBody('g-a', '', {sessionTimeoutMs: 1}))).body.errorCode
    seen.emptyGroupId = (await c.request<JoinGroupResponse>(API_KEY.JoinGroup, 5, joinBody('', ''))).body.errorCode
    seen.unknownMemberOfNewGroup = (await c.request<JoinGroupResponse>(API_KEY.JoinGroup, 5, joinBody('g-new', 'nobody'))).body.errorCode

    // KIP-394: a member id first, then the join.
    const first = (await c.request<JoinGroupResponse>(API_KEY.JoinGroup, 5, joinBody('g-a', ''))).body
    seen.memberIdRequired = {errorCode: first.errorCode, prefix: first.memberId.startsWith('wire-test-')}
    const joined = (await c.request<JoinGroupResponse>(API_KEY.JoinGroup, 5, joinBody('g-a', first.memberId))).body
    seen.joined = {errorCode: joined.errorCode, generationId: joined.generationId, leaderIsSelf: joined.leader === first.memberId, members: joined.members.length, protocol: joined.protocolName}
    const memberId = first.memberId
    seen.syncWrongGeneration = (
      await c.request<SyncGroupResponse>(API_KEY.SyncGroup, 3, {groupId: 'g-a', generationId: 99, memberId, groupInstanceId: null, assignments: []})
    ).body.errorCode
    const sync = (
      await c.request<SyncGroupResponse>(API_KEY.SyncGroup, 5, {
        groupId: 'g-a',
        generationId: joined.generationId,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [{memberId, assignment: Buffer.from([0, 1, 2])}],
      })
    ).body
    seen.sync = {errorCode: sync.errorCode, assignment: Buffer.from(sync.assignment).toString('hex'), protocolType: sync.protocolType, protocolName: sync.protocolName}
    seen.heartbeatOk = (await c.request<HeartbeatResponse>(API_KEY.Heartbeat, 4, {groupId: 'g-a', generationId: joined.generationId, memberId, groupInstanceId: null})).body.errorCode
    seen.heartbeatUnknown = (await c.request<HeartbeatResponse>(API_KEY.Heartbeat, 4, {groupId: 'g-a', generationId: joined.generationId, memberId: 'who', groupInstanceId: null})).body.errorCode
    seen.heartbeatOldGeneration = (await c.request<HeartbeatResponse>(API_KEY.Heartbeat, 4, {groupId: 'g-a', generationId: 0, memberId, groupInstanceId: null})).body.errorCode

    // Offset commits by generation and member.
    const commit = async (version: number, groupId: string, generation: number, member: string, topic = TOPIC, metadata = '') =>
      (
        await c.request<OffsetCommitResponse>(API_KEY.OffsetCommit, version, {
          groupId,
          generationIdOrMemberEpoch: generation,
          memberId: member,
          groupInstanceId: null,
          retentionTimeMs: -1n,
          topics: [{name: topic, partitions: [{partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: metadata}]}],
        })
      ).body.topics[0]!.partitions[0]!.errorCode
    seen.commitOk = await commit(8, 'g-a', joined.generationId, memberId)
    seen.commitWrongGeneration = await commit(8, 'g-a', joined.generationId + 1, memberId)
    seen.commitUnknownMember = await commit(8, 'g-a', joined.generationId, 'who')
    seen.commitUnknownGroupV8 = await commit(8, 'g-none', 5, 'x')
    seen.commitUnknownGroupV9 = await commit(9, 'g-none', 5, 'x')
    seen.commitUnknownTopic = await commit(8, 'g-a', joined.generationId, memberId, 'no-such-topic')
    seen.commitMetadataTooLarge = await commit(8, 'g-a', joined.generationId, memberId, TOPIC, 'x'.repeat(5000))
    seen.commitSimple = await commit(2, 'g-simple', -1, '')
    const fetched = await c.request<OffsetFetchResponse>(API_KEY.OffsetFetch, 8, {
      groups: [
        {groupId: 'g-a', memberId: null, memberEpoch: -1, topics: [{name: TOPIC, partitionIndexes: [0, 1]}]},
        {groupId: 'g-simple', memberId: null, memberEpoch: -1, topics: null},
        {groupId: 'g-nothing', memberId: null, memberEpoch: -1, topics: null},
      ],
      requireStable: true,
    })
    seen.fetchV8 = fetched.body.groups.map((g) => ({
      groupId: g.groupId,
      errorCode: g.errorCode,
      topics: g.topics.map((t) => ({name: t.name, partitions: t.partitions.map((p) => [p.partitionIndex, Number(p.committedOffset), p.errorCode])})),
    }))
    const fetchedV1 = await c.request<OffsetFetchResponse>(API_KEY.OffsetFetch, 1, {groupId: 'g-a', topics: [{name: TOPIC, partitionIndexes: [0]}]})
    seen.fetchV1 = fetchedV1.body.topics.map((t) => t.partitions.map((p) => [p.partitionIndex, Number(p.committedOffset), p.errorCode]))

    // OffsetDelete of a topic the Stable group consumes, DeleteGroups of a live and a missing group.
    seen.offsetDeleteSubscribed = (
      await c.request<OffsetDeleteResponse>(API_KEY.OffsetDelete, 0, {groupId: 'g-a', topics: [{name: TOPIC, partitions: [{partitionIndex: 0}]}]})
    ).body.topics.map((t) => t.partitions.map((p) => p.errorCode))
    seen.deleteGroups = (await c.request<DeleteGroupsResponse>(API_KEY.DeleteGroups, 2, {groupsNames: ['g-a', 'g-missing']})).body.results.map((r) => [r.groupId, r.errorCode])

    // Static membership: a second instance with the same id takes the member's place and fences the old id.
    const s1 = await open()
    const s2 = await open()
    const sJoin = (w: WireClient, member: string) => w.request<JoinGroupResponse>(API_KEY.JoinGroup, 5, joinBody('g-static', member, {groupInstanceId: 'instance-1'}))
    const a = (await sJoin(s1, '')).body
    seen.staticJoin = {errorCode: a.errorCode, generationId: a.generationId, prefix: a.memberId.startsWith('instance-1-')}
    await s1.request<SyncGroupResponse>(API_KEY.SyncGroup, 3, {groupId: 'g-static', generationId: a.generationId, memberId: a.memberId, groupInstanceId: 'instance-1', assignments: [{memberId: a.memberId, assignment: Buffer.from([7])}]})
    const b = (await sJoin(s2, '')).body
    seen.staticRejoin = {errorCode: b.errorCode, generationId: b.generationId, newId: b.memberId !== a.memberId, leaderIsNew: b.leader === b.memberId}
    seen.oldStaticHeartbeat = (await s1.request<HeartbeatResponse>(API_KEY.Heartbeat, 4, {groupId: 'g-static', generationId: a.generationId, memberId: a.memberId, groupInstanceId: 'instance-1'})).body.errorCode
    const byInstance = (
      await c.request<LeaveGroupResponse>(API_KEY.LeaveGroup, 3, {groupId: 'g-static', members: [{memberId: '', groupInstanceId: 'instance-1'}, {memberId: '', groupInstanceId: 'nobody'}]})
    ).body
    seen.leaveByInstance = {errorCode: byInstance.errorCode, members: byInstance.members.map((m) => [m.groupInstanceId, m.errorCode])}

    // group.max.size = 2: a third member is turned away.
    const m1 = await open()
    const m2 = await open()
    const m3 = await open()
    const required = async (w: WireClient) => (await w.request<JoinGroupResponse>(API_KEY.JoinGroup, 4, joinBody('g-max', ''))).body.memberId
    const [id1, id2, id3] = await Promise.all([required(m1), required(m2), required(m3)])
    const joins = await Promise.all([m1, m2].map((w, i) => w.request<JoinGroupResponse>(API_KEY.JoinGroup, 4, joinBody('g-max', [id1, id2][i]!))))
    seen.maxJoins = joins.map((j) => j.body.errorCode)
    seen.maxThird = (await m3.request<JoinGroupResponse>(API_KEY.JoinGroup, 4, joinBody('g-max', id3!))).body.errorCode

    // ListGroups and DescribeGroups.
    const listed = (await c.request<ListGroupsResponse>(API_KEY.ListGroups, 5, {statesFilter: ['empty'], typesFilter: []})).body
    seen.listEmpty = listed.groups
      .filter((g) => g.groupId.startsWith('g-'))
      .map((g) => [g.groupId, g.groupState, g.groupType, g.protocolType])
      .sort()
    const types = (await c.request<ListGroupsResponse>(API_KEY.ListGroups, 5, {statesFilter: [], typesFilter: ['classic']})).body
    seen.listClassic = types.groups.filter((g) => g.groupId.startsWith('g-')).map((g) => g.groupId).sort()
    const d = (await c.request<DescribeGroupsResponse>(API_KEY.DescribeGroups, 5, {groups: ['g-a', 'g-static', 'g-missing'], includeAuthorizedOperations: true})).body
    seen.describe = d.groups.map((g) => ({
      groupId: g.groupId,
      errorCode: g.errorCode,
      state: g.groupState,
      protocolType: g.protocolType,
      protocolData: g.protocolData,
      members: g.members.map((m) => ({clientId: m.clientId, clientHost: m.clientHost, assignment: Buffer.from(m.memberAssignment).toString('hex')})),
      ops: g.authorizedOperations,
    }))

    // ConsumerGroupHeartbeat (v0): validation, join, describe, leave.
    const cghb = (body: Record<string, unknown>) =>
      c.request<ConsumerGroupHeartbeatResponse>(API_KEY.ConsumerGroupHeartbeat, 0, {
        groupId: 'g-kip848',
        memberId: '',
        memberEpoch: 0,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: [TOPIC],
        serverAssignor: null,
        topicPartitions: [],
        ...body,
      })
    const noTimeout = (await cghb({rebalanceTimeoutMs: -1})).body
    seen.cghbNoRebalanceTimeout = [noTimeout.errorCode, noTimeout.errorMessage]
    const badAssignor = (await cghb({serverAssignor: 'nope'})).body
    seen.cghbBadAssignor = [badAssignor.errorCode, badAssignor.errorMessage]
    const badEpoch = (await cghb({memberEpoch: -3, memberId: 'x'})).body
    seen.cghbBadEpoch = [badEpoch.errorCode, badEpoch.errorMessage]
    const unknownMember = (await cghb({memberEpoch: 5, memberId: 'stranger'})).body
    seen.cghbUnknownGroup = unknownMember.errorCode
    const memberUuid = 'AAAAAAAAAAAAAAAAAAAAAw'
    const joinedCg = (await cghb({memberId: memberUuid})).body
    seen.cghbJoin = {errorCode: joinedCg.errorCode, memberId: joinedCg.memberId, epochPositive: joinedCg.memberEpoch > 0, assigned: joinedCg.assignment?.topicPartitions.flatMap((t) => t.partitions).sort()}
    const desc = (await c.request<ConsumerGroupDescribeResponse>(API_KEY.ConsumerGroupDescribe, 0, {groupIds: ['g-kip848', 'g-a', 'g-missing'], includeAuthorizedOperations: false})).body
    seen.cgDescribe = desc.groups.map((g) => ({
      groupId: g.groupId,
      errorCode: g.errorCode,
      errorMessage: g.errorMessage,
      state: g.groupState,
      assignor: g.assignorName,
      members: g.members.map((m) => ({memberId: m.memberId, subscribed: m.subscribedTopicNames, assigned: m.assignment.topicPartitions.map((t) => [t.topicName, t.partitions])})),
    }))
    const left = (await cghb({memberId: memberUuid, memberEpoch: -1, subscribedTopicNames: null, topicPartitions: null, rebalanceTimeoutMs: -1})).body
    seen.cghbLeave = [left.errorCode, left.memberEpoch]
    const afterLeave = (await c.request<ConsumerGroupDescribeResponse>(API_KEY.ConsumerGroupDescribe, 0, {groupIds: ['g-kip848'], includeAuthorizedOperations: false})).body
    seen.cgAfterLeave = afterLeave.groups.map((g) => [g.groupState, g.members.length])
  } finally {
    for (const w of clients) w.close()
  }
  return seen
}

describe('group APIs on the wire, against Apache Kafka', () => {
  let broker: StartedBroker
  let reference: KafkaReference
  let ours: Record<string, unknown>
  let theirs: Record<string, unknown>

  beforeAll(async () => {
    assertPeers()
    ;[broker, reference] = await Promise.all([startBroker({config: OVERRIDES}), startKafkaReference({overrides: OVERRIDES})])
    ;[ours, theirs] = await Promise.all([scenario(broker.bootstrapServers, broker.port), scenario(reference.bootstrapServers, reference.port)])
  }, 240_000)

  afterAll(async () => {
    await Promise.allSettled([broker?.stop(), reference?.stop()])
  })

  it('answers every request as Apache Kafka does', () => {
    // Ports differ by broker; everything else must be identical.
    const withoutPorts = (s: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(s, (k, v) => (k === 'port' ? (v > 0 ? 'port' : v) : v))) as Record<string, unknown>
    const a = withoutPorts(ours)
    const b = withoutPorts(theirs)
    for (const k of Object.keys(b)) expect(a[k], k).toEqual(b[k])
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort())
  })

  it('gives the answers Kafka documents', () => {
    expect(ours.findV3).toEqual({errorCode: 0, port: broker.port})
    expect(ours.badSession).toBe(26) // INVALID_SESSION_TIMEOUT
    expect(ours.emptyGroupId).toBe(24) // INVALID_GROUP_ID
    expect(ours.memberIdRequired).toEqual({errorCode: 79, prefix: true}) // MEMBER_ID_REQUIRED
    expect(ours.joined).toMatchObject({errorCode: 0, generationId: 1, leaderIsSelf: true, members: 1, protocol: 'range'})
    expect(ours.syncWrongGeneration).toBe(22) // ILLEGAL_GENERATION
    expect(ours.heartbeatUnknown).toBe(25) // UNKNOWN_MEMBER_ID
    expect(ours.commitUnknownGroupV9).toBe(69) // GROUP_ID_NOT_FOUND
    expect(ours.commitMetadataTooLarge).toBe(12) // OFFSET_METADATA_TOO_LARGE
    expect(ours.offsetDeleteSubscribed).toEqual([[86]]) // GROUP_SUBSCRIBED_TO_TOPIC
    expect(ours.deleteGroups).toEqual([
      ['g-a', 68], // NON_EMPTY_GROUP
      ['g-missing', 69],
    ])
    expect(ours.staticRejoin).toMatchObject({errorCode: 0, newId: true})
    expect(ours.oldStaticHeartbeat).toBe(82) // FENCED_INSTANCE_ID
    expect(ours.maxThird).toBe(81) // GROUP_MAX_SIZE_REACHED
    expect(ours.cghbBadAssignor).toEqual([112, 'ServerAssignor nope is not supported. Supported assignors: uniform, range.'])
    expect(ours.cghbLeave).toEqual([0, -1])
  })
})
