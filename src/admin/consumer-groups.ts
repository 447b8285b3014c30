// kafka-consumer-groups.sh (ConsumerGroupCommand) on tskafka's own protocol client: listing,
// describing (offsets and lag, members, state), resetting offsets, deleting groups and offsets,
// with Kafka 4.3.1's text. Groups are described the way Kafka's Admin does it:
// ConsumerGroupDescribe for groups of the consumer protocol, DescribeGroups for classic ones.
// Rows and reset plans come out in the order Kafka's HashMaps give them, so the text matches.

import {readFileSync} from 'node:fs'

import {CommandError, UsageError} from '../cli/errors.js'
import {api} from '../client/apis.js'
import type {BrokerNode, KafkaClient} from '../client/client.js'
import type {BrokerConnection} from '../client/connection.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, partitionsOf, type PartitionRef} from '../client/offsets.js'
import {decodeAssignment} from '../group/consumer-protocol.js'
import {ErrorCode, errorMessage, errorName, KafkaError} from '../protocol/errors.js'
import {
  consumerGroupDescribeRequestVersions,
  encodeConsumerGroupDescribeRequest,
  type ConsumerGroupDescribeRequest,
} from '../protocol/generated/consumer-group-describe-request.js'
import {decodeConsumerGroupDescribeResponse, type ConsumerGroupDescribeResponse} from '../protocol/generated/consumer-group-describe-response.js'
import {deleteGroupsRequestVersions, encodeDeleteGroupsRequest, type DeleteGroupsRequest} from '../protocol/generated/delete-groups-request.js'
import {decodeDeleteGroupsResponse, type DeleteGroupsResponse} from '../protocol/generated/delete-groups-response.js'
import {describeGroupsRequestVersions, encodeDescribeGroupsRequest, type DescribeGroupsRequest} from '../protocol/generated/describe-groups-request.js'
import {decodeDescribeGroupsResponse, type DescribeGroupsResponse} from '../protocol/generated/describe-groups-response.js'
import {encodeFindCoordinatorRequest, findCoordinatorRequestVersions, type FindCoordinatorRequest} from '../protocol/generated/find-coordinator-request.js'
import {decodeFindCoordinatorResponse, type FindCoordinatorResponse} from '../protocol/generated/find-coordinator-response.js'
import {encodeListGroupsRequest, listGroupsRequestVersions, type ListGroupsRequest} from '../protocol/generated/list-groups-request.js'
import {decodeListGroupsResponse, type ListGroupsResponse} from '../protocol/generated/list-groups-response.js'
import {encodeOffsetCommitRequest, offsetCommitRequestVersions, type OffsetCommitRequest} from '../protocol/generated/offset-commit-request.js'
import {decodeOffsetCommitResponse, type OffsetCommitResponse} from '../protocol/generated/offset-commit-response.js'
import {encodeOffsetDeleteRequest, offsetDeleteRequestVersions, type OffsetDeleteRequest} from '../protocol/generated/offset-delete-request.js'
import {decodeOffsetDeleteResponse, type OffsetDeleteResponse} from '../protocol/generated/offset-delete-response.js'
import {encodeOffsetFetchRequest, offsetFetchRequestVersions, type OffsetFetchRequest} from '../protocol/generated/offset-fetch-request.js'
import {decodeOffsetFetchResponse, type OffsetFetchResponse} from '../protocol/generated/offset-fetch-response.js'
import {javaHashMapOrder, javaStringHash, topicPartitionHash} from './java-order.js'

// ---------------------------------------------------------------- the APIs this tool sends


// Kafka 4 dropped OffsetCommit v0-1 and OffsetFetch v0; the tool speaks what both sides keep.
const OffsetCommit = api<OffsetCommitRequest, OffsetCommitResponse>(8, 'OffsetCommit', {...offsetCommitRequestVersions, min: 2}, encodeOffsetCommitRequest, decodeOffsetCommitResponse)
const OffsetFetch = api<OffsetFetchRequest, OffsetFetchResponse>(9, 'OffsetFetch', {...offsetFetchRequestVersions, min: 1}, encodeOffsetFetchRequest, decodeOffsetFetchResponse)
const FindCoordinator = api<FindCoordinatorRequest, FindCoordinatorResponse>(10, 'FindCoordinator', findCoordinatorRequestVersions, encodeFindCoordinatorRequest, decodeFindCoordinatorResponse)
const DescribeGroups = api<DescribeGroupsRequest, DescribeGroupsResponse>(15, 'DescribeGroups', describeGroupsRequestVersions, encodeDescribeGroupsRequest, decodeDescribeGroupsResponse)
const ListGroups = api<ListGroupsRequest, ListGroupsResponse>(16, 'ListGroups', listGroupsRequestVersions, encodeListGroupsRequest, decodeListGroupsResponse)
const DeleteGroups = api<DeleteGroupsRequest, DeleteGroupsResponse>(42, 'DeleteGroups', deleteGroupsRequestVersions, encodeDeleteGroupsRequest, decodeDeleteGroupsResponse)
const OffsetDelete = api<OffsetDeleteRequest, OffsetDeleteResponse>(47, 'OffsetDelete', offsetDeleteRequestVersions, encodeOffsetDeleteRequest, decodeOffsetDeleteResponse)
const ConsumerGroupDescribe = api<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>(
  69,
  'ConsumerGroupDescribe',
  consumerGroupDescribeRequestVersions,
  encodeConsumerGroupDescribeRequest,
  decodeConsumerGroupDescribeResponse,
)

// ---------------------------------------------------------------- model

export const MISSING = '-'

export interface TopicPartition {
  topic: string
  partition: number
}

export interface GroupListing {
  groupId: string
  protocolType: string
  /** Kafka's state name ("Stable"), or null when the broker does not say (ListGroups v0-3). */
  state: string | null
  /** "Classic" or "Consumer" (Kafka's GroupType), null when unknown. */
  type: string | null
}

export interface GroupMember {
  consumerId: string
  groupInstanceId: string | null
  clientId: string
  host: string
  assignment: TopicPartition[]
  /** Consumer-protocol members only. */
  memberEpoch: number | null
  targetAssignment: TopicPartition[] | null
}

export interface GroupDescription {
  groupId: string
  type: 'Classic' | 'Consumer'
  state: string
  partitionAssignor: string
  coordinator: BrokerNode
  groupEpoch: number | null
  targetAssignmentEpoch: number | null
  members: GroupMember[]
}

export interface OffsetRow {
  group: string
  topic: string | null
  partition: number | null
  currentOffset: bigint | null
  logEndOffset: bigint | null
  lag: bigint | null
  consumerId: string
  host: string
  clientId: string
}

const CONSUMER_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'] as const
const GROUP_TYPES = ['Classic', 'Consumer'] as const

/** Kafka's exception class names for the errors this tool reports as Kafka does. */
const EXCEPTIONS: Record<string, string> = {
  GROUP_ID_NOT_FOUND: 'GroupIdNotFoundException',
  NON_EMPTY_GROUP: 'GroupNotEmptyException',
  GROUP_AUTHORIZATION_FAILED: 'GroupAuthorizationException',
  TOPIC_AUTHORIZATION_FAILED: 'TopicAuthorizationException',
  INVALID_GROUP_ID: 'InvalidGroupIdException',
  COORDINATOR_NOT_AVAILABLE: 'CoordinatorNotAvailableException',
  NOT_COORDINATOR: 'NotCoordinatorException',
  COORDINATOR_LOAD_IN_PROGRESS: 'CoordinatorLoadInProgressException',
  GROUP_SUBSCRIBED_TO_TOPIC: 'GroupSubscribedToTopicException',
  UNKNOWN_TOPIC_OR_PARTITION: 'UnknownTopicOrPartitionException',
}

/** "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty." */
export function kafkaExceptionText(code: number, message: string = errorMessage(code)): string {
  const name = EXCEPTIONS[errorName(code)] ?? 'ApiException'
  return `org.apache.kafka.common.errors.${name}: ${message}`
}

function retriable(code: number): boolean {
  return code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || code === ErrorCode.NOT_COORDINATOR
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// ---------------------------------------------------------------- requests

export interface GroupClient {
  client: KafkaClient
  /** How long to retry coordinator lookups and coordinator errors (Kafka's --timeout, default 5000 ms). */
  timeoutMs: number
}

/** The connection to the group's coordinator (FindCoordinator, retried while the coordinator is not ready). */
export async function coordinatorOf(gc: GroupClient, groupId: string): Promise<{conn: BrokerConnection; node: BrokerNode}> {
  const deadline = Date.now() + gc.timeoutMs
  for (;;) {
    const conn = gc.client.admin()
    const version = conn.versionFor(FindCoordinator)
    const r = await conn.request(FindCoordinator, version >= 4 ? {key: '', keyType: 0, coordinatorKeys: [groupId]} : {key: groupId, keyType: 0, coordinatorKeys: []}, version)
    const found = version >= 4 ? r.coordinators[0] : {errorCode: r.errorCode, errorMessage: r.errorMessage, nodeId: r.nodeId, host: r.host, port: r.port}
    if (!found) throw new CommandError(`no coordinator for group ${groupId}`)
    if (found.errorCode === ErrorCode.NONE) {
      if (!gc.client.brokers.has(found.nodeId)) await gc.client.metadata([])
      const node = gc.client.brokers.get(found.nodeId) ?? {nodeId: found.nodeId, host: found.host, port: found.port, rack: null}
      return {conn: await gc.client.connectionTo(found.nodeId), node}
    }
    if (!retriable(found.errorCode) || Date.now() > deadline) throw new KafkaError(found.errorCode, found.errorMessage ?? undefined)
    await sleep(100)
  }
}

/** Sends a request to the group's coordinator, finding it again after coordinator errors. */
async function withCoordinator<T>(gc: GroupClient, groupId: string, send: (conn: BrokerConnection, node: BrokerNode) => Promise<{result: T; errorCode: number}>): Promise<T> {
  const deadline = Date.now() + gc.timeoutMs
  for (;;) {
    const {conn, node} = await coordinatorOf(gc, groupId)
    const {result, errorCode} = await send(conn, node)
    if (!retriable(errorCode) || Date.now() > deadline) return result
    await sleep(100)
  }
}

/** ListGroups from every broker (Kafka's listConsumerGroups): consumer groups, classic or not. */
export async function listConsumerGroups(gc: GroupClient, states: readonly string[] = [], types: readonly string[] = []): Promise<GroupListing[]> {
  const md = await gc.client.metadata([])
  const out: GroupListing[] = []
  const seen = new Set<string>()
  for (const b of md.brokers) {
    const conn = await gc.client.connectionTo(b.nodeId)
    const version = conn.versionFor(ListGroups)
    if (states.length > 0 && version < 4) throw new CommandError('The broker does not support listing groups by state (ListGroups v4).')
    const r = await conn.request(ListGroups, {statesFilter: version >= 4 ? [...states] : [], typesFilter: version >= 5 ? types.map((t) => t.toLowerCase()) : []}, version)
    if (r.errorCode !== ErrorCode.NONE) throw new KafkaError(r.errorCode)
    for (const g of r.groups) {
      // Kafka's consumer groups: classic groups of the consumer protocol (or none yet) and consumer-protocol groups.
      if (g.protocolType !== 'consumer' && g.protocolType !== '') continue
      if (seen.has(g.groupId)) continue
      seen.add(g.groupId)
      const type = version >= 5 ? (g.groupType === 'consumer' ? 'Consumer' : g.groupType === 'classic' ? 'Classic' : g.groupType) : null
      if (types.length > 0 && version < 5 && !types.includes('Classic')) continue
      out.push({groupId: g.groupId, protocolType: g.protocolType, state: version >= 4 ? g.groupState : null, type})
    }
  }
  // Kafka's Admin collects the listings in a HashMap keyed by group id.
  return javaHashMapOrder(out, (g) => g.groupId)
}

function tp(topic: string, partition: number): TopicPartition {
  return {topic, partition}
}

/** Describes a group as Kafka's Admin does: the consumer protocol first, then the classic one. */
export async function describeGroup(gc: GroupClient, groupId: string): Promise<GroupDescription> {
  return withCoordinator<GroupDescription>(gc, groupId, async (conn, node) => {
    if (conn.supports(ConsumerGroupDescribe)) {
      const r = await conn.request(ConsumerGroupDescribe, {groupIds: [groupId], includeAuthorizedOperations: false})
      const g = r.groups[0]!
      if (g.errorCode === ErrorCode.NONE) {
        return {
          errorCode: ErrorCode.NONE,
          result: {
            groupId,
            type: 'Consumer' as const,
            state: g.groupState,
            partitionAssignor: g.assignorName,
            coordinator: node,
            groupEpoch: g.groupEpoch,
            targetAssignmentEpoch: g.assignmentEpoch,
            members: g.members.map((m) => ({
              consumerId: m.memberId,
              groupInstanceId: m.instanceId,
              clientId: m.clientId,
              host: m.clientHost,
              assignment: m.assignment.topicPartitions.flatMap((t) => t.partitions.map((p) => tp(t.topicName, p))),
              memberEpoch: m.memberEpoch,
              targetAssignment: m.targetAssignment.topicPartitions.flatMap((t) => t.partitions.map((p) => tp(t.topicName, p))),
            })),
          },
        }
      }
      if (g.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) {
        if (retriable(g.errorCode)) return {errorCode: g.errorCode, result: null as never}
        throw new KafkaError(g.errorCode, g.errorMessage ?? undefined)
      }
    }
    const r = await conn.request(DescribeGroups, {groups: [groupId], includeAuthorizedOperations: false})
    const g = r.groups[0]!
    if (g.errorCode !== ErrorCode.NONE) {
      if (retriable(g.errorCode)) return {errorCode: g.errorCode, result: null as never}
      throw new KafkaError(g.errorCode)
    }
    const consumerProtocol = g.protocolType === 'consumer'
    return {
      errorCode: ErrorCode.NONE,
      result: {
        groupId,
        type: 'Classic' as const,
        state: g.groupState,
        partitionAssignor: g.protocolData,
        coordinator: node,
        groupEpoch: null,
        targetAssignmentEpoch: null,
        members: g.members.map((m) => {
          let assignment: TopicPartition[] = []
          if (consumerProtocol && m.memberAssignment.length > 0) {
            try {
              assignment = decodeAssignment(Buffer.from(m.memberAssignment)).assignedPartitions.flatMap((t) => t.partitions.map((p) => tp(t.topic, p)))
            } catch {
              assignment = []
            }
          }
          return {consumerId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, host: m.clientHost, assignment, memberEpoch: null, targetAssignment: null}
        }),
      },
    }
  })
}

/** The group's committed offsets (OffsetFetch of every topic), in the broker's order. */
export async function committedOffsets(gc: GroupClient, groupId: string): Promise<Array<TopicPartition & {offset: bigint}>> {
  return withCoordinator(gc, groupId, async (conn) => {
    const version = conn.versionFor(OffsetFetch)
    const r = await conn.request(
      OffsetFetch,
      version >= 8
        ? {groupId: '', topics: [], groups: [{groupId, memberId: null, memberEpoch: -1, topics: null}], requireStable: true}
        : {groupId, topics: null, groups: [], requireStable: version >= 7},
      version,
    )
    const group = version >= 8 ? r.groups[0]! : {errorCode: r.errorCode, topics: r.topics}
    if (group.errorCode !== ErrorCode.NONE) {
      if (retriable(group.errorCode)) return {errorCode: group.errorCode, result: []}
      throw new KafkaError(group.errorCode)
    }
    const out: Array<TopicPartition & {offset: bigint}> = []
    for (const t of group.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `${errorMessage(p.errorCode)} (${t.name}-${p.partitionIndex})`)
        if (p.committedOffset >= 0n) out.push({topic: t.name, partition: p.partitionIndex, offset: p.committedOffset})
      }
    }
    return {errorCode: ErrorCode.NONE, result: out}
  })
}

const key = (t: TopicPartition) => `${t.topic}\u0000${t.partition}`
const tpHash = (k: string) => {
  const i = k.lastIndexOf('\u0000')
  return topicPartitionHash(k.slice(0, i), Number(k.slice(i + 1)))
}

/** A java.util.HashMap<TopicPartition, V>'s iteration order of the partitions put in this order. */
export function hashMapOrderOfPartitions<T extends TopicPartition>(items: readonly T[]): T[] {
  return javaHashMapOrder(items, key, undefined, tpHash)
}

/**
 * Offsets at a ListOffsets timestamp (latest, earliest or a time) per partition; partitions of
 * topics that no longer exist are left out. Null for a time with no record at or after it.
 */
export async function offsetsAt(gc: GroupClient, partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint | null>> {
  const topics = [...new Set(partitions.map((p) => p.topic))]
  const refs: PartitionRef[] = []
  for (const topic of topics) {
    try {
      refs.push(...(await partitionsOf(gc.client, [topic], {waitMs: 0})))
    } catch (e) {
      if (!(e instanceof KafkaError && e.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) throw e
    }
  }
  const wanted = new Set(partitions.map(key))
  const answers = await listOffsets(gc.client, refs.filter((r) => wanted.has(key(r))), () => timestamp)
  const out = new Map<string, bigint | null>()
  for (const [k, a] of answers) out.set(k, a.offset < 0n ? null : a.offset)
  return out
}

// ---------------------------------------------------------------- describe

/** The rows of the default --describe view (Kafka's collectGroupOffsets). */
export async function collectOffsetRows(gc: GroupClient, d: GroupDescription): Promise<OffsetRow[]> {
  const committed = await committedOffsets(gc, d.groupId)
  const committedByKey = new Map(committed.map((c) => [key(c), c.offset]))
  const assigned = new Set<string>()
  const withMembers = d.members.filter((m) => m.assignment.length > 0)
  // Members with the most partitions first (a stable sort, as Java's).
  withMembers.sort((a, b) => b.assignment.length - a.assignment.length)
  const groups: Array<{member: GroupMember | null; partitions: TopicPartition[]}> = []
  // Kafka 4.3 lists each member's partitions, then the unassigned ones, by topic and partition.
  const byTopicPartition = (a: TopicPartition, b: TopicPartition) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)
  for (const m of withMembers) {
    for (const p of m.assignment) assigned.add(key(p))
    groups.push({member: m, partitions: [...m.assignment].sort(byTopicPartition)})
  }
  const unassigned = committed.filter((c) => !assigned.has(key(c)))
  if (unassigned.length > 0) groups.push({member: null, partitions: unassigned.sort(byTopicPartition)})
  const all = groups.flatMap((g) => g.partitions)
  const logEnd = all.length > 0 ? await offsetsAt(gc, all, LATEST_TIMESTAMP) : new Map<string, bigint | null>()
  const rows: OffsetRow[] = []
  for (const g of groups) {
    for (const p of g.partitions) {
      const current = committedByKey.get(key(p)) ?? null
      const end = logEnd.get(key(p)) ?? null
      rows.push({
        group: d.groupId,
        topic: p.topic,
        partition: p.partition,
        currentOffset: current,
        logEndOffset: end,
        lag: current !== null && current !== -1n && end !== null ? end - current : null,
        consumerId: g.member?.consumerId ?? MISSING,
        host: g.member?.host ?? MISSING,
        clientId: g.member?.clientId ?? MISSING,
      })
    }
  }
  return rows
}

// ---------------------------------------------------------------- text

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length)
}

function show(v: bigint | number | null): string {
  return v === null ? MISSING : String(v)
}

/** --list with --state and/or --type: Kafka's printGroupInfo. */
export function renderListing(groups: readonly GroupListing[], includeType: boolean, includeState: boolean): string {
  const width = Math.max(15, ...groups.map((g) => g.groupId.length)) + 10
  const line = (cells: string[]) => [pad(cells[0]!, width), ...cells.slice(1).map((c) => pad(c, 20))].join(' ')
  const header = ['GROUP']
  if (includeType) header.push('TYPE')
  if (includeState) header.push('STATE')
  const lines = [line(header)]
  for (const g of groups) {
    const cells = [g.groupId]
    if (includeType) cells.push(g.type ?? 'Unknown')
    if (includeState) cells.push(g.state ?? 'Unknown')
    lines.push(line(cells))
  }
  return lines.join('\n')
}

/** The offsets table of one group (Kafka's printOffsets), rows as collected. */
export function renderOffsets(rows: readonly OffsetRow[]): string {
  let g = 15
  let t = 15
  let c = 15
  let h = 15
  for (const r of rows) {
    g = Math.max(g, r.group.length)
    t = Math.max(t, (r.topic ?? MISSING).length)
    c = Math.max(c, r.consumerId.length)
    h = Math.max(h, r.host.length)
  }
  const line = (cells: string[]) =>
    [pad(cells[0]!, g), pad(cells[1]!, t), pad(cells[2]!, 10), pad(cells[3]!, 15), pad(cells[4]!, 15), pad(cells[5]!, 15), pad(cells[6]!, c), pad(cells[7]!, h), cells[8]!].join(' ')
  const out = ['', line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'])]
  for (const r of rows) {
    out.push(line([r.group, r.topic ?? MISSING, show(r.partition), show(r.currentOffset), show(r.logEndOffset), show(r.lag), r.consumerId, r.host, r.clientId]))
  }
  return out.join('\n')
}

/** "topic:0,1,2;other:3": Kafka's assignment string (topics in HashMap order, partitions sorted). */
export function assignmentString(partitions: readonly TopicPartition[] | null): string {
  if (partitions === null || partitions.length === 0) return MISSING
  const byTopic = new Map<string, number[]>()
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
  const topics = javaHashMapOrder([...byTopic.keys()], (t) => t, undefined, javaStringHash)
  return topics.map((t) => `${t}:${byTopic.get(t)!.sort((a, b) => a - b).join(',')}`).join(';')
}

/** --describe --members [--verbose]: Kafka's printMembers. */
export function renderMembers(d: GroupDescription, verbose: boolean): string {
  let g = 15
  let c = 15
  let gi = 17
  let h = 15
  let cl = 15
  let ca = 20
  let ta = 20
  let withInstanceIds = false
  for (const m of d.members) {
    g = Math.max(g, d.groupId.length)
    c = Math.max(c, m.consumerId.length)
    gi = Math.max(gi, (m.groupInstanceId ?? '').length)
    h = Math.max(h, m.host.length)
    cl = Math.max(cl, m.clientId.length)
    ca = Math.max(ca, assignmentString(m.assignment).length)
    ta = Math.max(ta, assignmentString(m.targetAssignment).length)
    withInstanceIds ||= (m.groupInstanceId ?? '') !== ''
  }
  const line = (cells: {group: string; id: string; instance: string; host: string; client: string; n: string}, extra: string[] | null) => {
    const base = withInstanceIds
      ? [pad(cells.group, g), pad(cells.id, c), pad(cells.instance, gi), pad(cells.host, h), pad(cells.client, cl), pad(cells.n, 15)]
      : [pad(cells.group, g), pad(cells.id, c), pad(cells.host, h), pad(cells.client, cl), pad(cells.n, 15)]
    const verboseCells = extra === null ? [] : [pad(extra[0]!, 15), pad(extra[1]!, ca), pad(extra[2]!, 15), pad(extra[3]!, ta)]
    return base.join(' ') + ' ' + verboseCells.join(' ')
  }
  const out = [
    '',
    line(
      {group: 'GROUP', id: 'CONSUMER-ID', instance: 'GROUP-INSTANCE-ID', host: 'HOST', client: 'CLIENT-ID', n: '#PARTITIONS'},
      verbose ? ['CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT'] : null,
    ),
  ]
  for (const m of d.members) {
    out.push(
      line(
        {group: d.groupId, id: m.consumerId, instance: m.groupInstanceId ?? '', host: m.host, client: m.clientId, n: String(m.assignment.length)},
        verbose
          ? [show(m.memberEpoch), assignmentString(m.assignment), d.type === 'Consumer' ? show(d.targetAssignmentEpoch) : MISSING, assignmentString(m.targetAssignment)]
          : null,
      ),
    )
  }
  return out.join('\n')
}

/** --describe --state [--verbose]: Kafka's printStates. */
export function renderState(d: GroupDescription, verbose: boolean): string {
  const coordinator = `${d.coordinator.host}:${d.coordinator.port}  (${d.coordinator.nodeId})`
  const g = Math.max(15, d.groupId.length)
  const co = Math.max(25, coordinator.length)
  const strategy = d.partitionAssignor === '' ? MISSING : d.partitionAssignor
  const line = (cells: string[]) =>
    verbose
      ? [pad(cells[0]!, g), pad(cells[1]!, co), pad(cells[2]!, 20), pad(cells[3]!, 20), pad(cells[4]!, 15), pad(cells[5]!, 25), cells[6]!].join(' ')
      : [pad(cells[0]!, g), pad(cells[1]!, co), pad(cells[2]!, 20), pad(cells[3]!, 20), cells[4]!].join(' ')
  const header = verbose
    ? ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', 'GROUP-EPOCH', 'TARGET-ASSIGNMENT-EPOCH', '#MEMBERS']
    : ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']
  const row = verbose
    ? [d.groupId, coordinator, strategy, d.state, show(d.groupEpoch), show(d.targetAssignmentEpoch), String(d.members.length)]
    : [d.groupId, coordinator, strategy, d.state, String(d.members.length)]
  return ['', line(header), line(row)].join('\n')
}

/**
 * What Kafka says about a group's state before its table: null for Stable, a warning for an
 * empty or rebalancing group, or an error for a group that does not exist.
 */
export function stateNotice(groupId: string, state: string): {kind: 'warning' | 'error'; text: string} | null {
  switch (state) {
    case 'Dead':
      return {kind: 'error', text: `Consumer group '${groupId}' does not exist.`}
    case 'Empty':
      return {kind: 'warning', text: `\nConsumer group '${groupId}' has no active members.`}
    case 'PreparingRebalance':
    case 'CompletingRebalance':
    case 'Assigning':
    case 'Reconciling':
      return {kind: 'warning', text: `\nWarning: Consumer group '${groupId}' is rebalancing.`}
    default:
      return null
  }
}

// ---------------------------------------------------------------- options

/** --state values for --list (case-insensitive, comma-separated), with Kafka's message. */
export function parseStates(input: string): string[] {
  const out: string[] = []
  for (const raw of input.split(',')) {
    const s = raw.trim()
    const found = CONSUMER_STATES.find((c) => c.toLowerCase() === s.toLowerCase())
    if (!found) throw new UsageError(`Invalid state list '${input}'. Valid states are: ${CONSUMER_STATES.join(', ')}`)
    out.push(found)
  }
  return out
}

/** --type values for --list. */
export function parseTypes(input: string): string[] {
  const out: string[] = []
  for (const raw of input.toLowerCase().split(',')) {
    const found = GROUP_TYPES.find((c) => c.toLowerCase() === raw.trim())
    if (!found) throw new UsageError(`Invalid types list '${input}'. Valid types are: ${GROUP_TYPES.join(', ')}`)
    out.push(found)
  }
  return out
}

/** "topic" (every partition) or "topic:0,1". */
export function parseTopicArg(arg: string): {topic: string; partitions: number[] | null} {
  if (!arg.includes(':')) return {topic: arg, partitions: null}
  const parts = arg.split(':')
  if (parts.length !== 2) throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`)
  const partitions = parts[1]!.split(',').map((p) => {
    if (!/^-?\d+$/.test(p.trim())) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}''`)
    return Number(p.trim())
  })
  return {topic: parts[0]!, partitions}
}

/** Kafka's Utils.getDateTime: ISO-8601 with milliseconds, UTC unless a zone is given. */
export function parseDateTime(text: string): number {
  const parts = text.split('T')
  if (parts.length < 2) throw new UsageError("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format")
  const withZone = /[+\-Z]/.test(parts[1]!) ? text : `${text}Z`
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(withZone)
  if (!m) throw new UsageError(`Unparseable date: "${withZone}"`)
  const [, y, mo, d, hh, mi, ss, ms, zone] = m
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh), Number(mi), Number(ss), Number(ms))
  const check = new Date(base)
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) {
    throw new UsageError(`Unparseable date: "${withZone}"`)
  }
  if (zone === 'Z') return base
  const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone!)!
  const offset = (Number(zm[2]) * 60 + Number(zm[3] ?? 0)) * 60_000
  return zm[1] === '+' ? base - offset : base + offset
}

/** Java's Duration.parse (PnDTnHnMn.nS), in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{1,9}))?S)?)?$/i.exec(text)
  if (!m || text.toUpperCase().endsWith('T') || (!m[2] && !m[3] && !m[4] && !m[5])) throw new UsageError(`Text cannot be parsed to a Duration: ${text}`)
  const n = (s: string | undefined) => (s ? Number(s) : 0)
  let ms = n(m[2]) * 86_400_000 + n(m[3]) * 3_600_000 + n(m[4]) * 60_000 + n(m[5]) * 1000
  if (m[6]) ms += (n(m[5]) < 0 || m[5]?.startsWith('-') ? -1 : 1) * Math.floor(Number(`0.${m[6]}`) * 1000)
  return m[1] === '-' ? -ms : ms
}

// ---------------------------------------------------------------- reset offsets

export type ResetSpec =
  | {kind: 'to-offset'; offset: bigint}
  | {kind: 'to-earliest'}
  | {kind: 'to-latest'}
  | {kind: 'to-current'}
  | {kind: 'shift-by'; shift: bigint}
  | {kind: 'to-datetime'; timestamp: number}
  | {kind: 'by-duration'; durationMs: number}
  | {kind: 'from-file'; plan: Map<string, Array<TopicPartition & {offset: bigint}>>}

export interface ResetScope {
  allTopics: boolean
  topics: string[]
}

export interface ResetResult {
  groupId: string
  /** Null when the group is active and was left alone. */
  offsets: Array<TopicPartition & {offset: bigint}> | null
  state: string
}

/**
 * The reset plan file: "topic,partition,offset" lines for one group (--group given once),
 * "group,topic,partition,offset" otherwise, as Kafka's --export writes them.
 */
export function parseResetPlan(csv: string, singleGroup: string | null): Map<string, Array<TopicPartition & {offset: bigint}>> {
  const lines = csv.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  const plan = new Map<string, Array<TopicPartition & {offset: bigint}>>()
  const oldFormat = lines.length > 0 && lines[0]!.split(',').length === 3
  for (const line of lines) {
    const cells = line.split(',')
    let group: string
    let rest: string[]
    if (singleGroup !== null && oldFormat) {
      if (cells.length !== 3) throw new UsageError(`Invalid reset plan line '${line}': expected topic,partition,offset`)
      group = singleGroup
      rest = cells
    } else {
      if (cells.length !== 4) throw new UsageError(`Invalid reset plan line '${line}': expected group,topic,partition,offset`)
      group = cells[0]!
      rest = cells.slice(1)
    }
    if (!/^\d+$/.test(rest[1]!) || !/^-?\d+$/.test(rest[2]!)) throw new UsageError(`Invalid reset plan line '${line}'`)
    plan.set(group, [...(plan.get(group) ?? []), {topic: rest[0]!, partition: Number(rest[1]), offset: BigInt(rest[2]!)}])
  }
  return plan
}

/** --export: CSV lines as Kafka writes them (with the group when more than one group is reset). */
export function exportCsv(results: readonly ResetResult[], singleGroup: boolean): string {
  const lines: string[] = []
  for (const r of results) for (const o of r.offsets ?? []) lines.push(singleGroup ? `${o.topic},${o.partition},${o.offset}` : `${r.groupId},${o.topic},${o.partition},${o.offset}`)
  return lines.map((l) => `${l}\n`).join('')
}

/** The reset plan table (Kafka's printOffsetsToReset). */
export function renderResetPlan(results: readonly ResetResult[]): string {
  const rows = results.flatMap((r) => (r.offsets ?? []).map((o) => ({group: r.groupId, ...o})))
  const g = Math.max(15, ...rows.map((r) => r.group.length))
  const t = Math.max(15, ...rows.map((r) => r.topic.length))
  const line = (c: string[]) => [pad(c[0]!, g), pad(c[1]!, t), pad(c[2]!, 10), c[3]!].join(' ')
  return ['', line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']), ...rows.map((r) => line([r.group, r.topic, String(r.partition), String(r.offset)]))].join('\n')
}

/** The partitions a reset covers: the group's committed partitions (--all-topics) or the --topic ones. */
async function partitionsToReset(gc: GroupClient, groupId: string, scope: ResetScope): Promise<TopicPartition[]> {
  if (scope.allTopics) return (await committedOffsets(gc, groupId)).map((c) => tp(c.topic, c.partition))
  const out: TopicPartition[] = []
  const whole: string[] = []
  for (const arg of scope.topics) {
    const {topic, partitions} = parseTopicArg(arg)
    if (partitions === null) whole.push(topic)
    else for (const p of partitions) out.push(tp(topic, p))
  }
  for (const topic of whole) {
    const refs = await partitionsOf(gc.client, [topic], {waitMs: 0})
    for (const r of refs) out.push(tp(r.topic, r.partition))
  }
  return out
}

/** Clamps requested offsets to [log start, log end] with Kafka's warnings (OffsetsUtils.checkOffsetsRange). */
async function clampToRange(gc: GroupClient, requested: Array<TopicPartition & {offset: bigint}>, warn: (line: string) => void): Promise<Array<TopicPartition & {offset: bigint}>> {
  const start = await offsetsAt(gc, requested, EARLIEST_TIMESTAMP)
  const end = await offsetsAt(gc, requested, LATEST_TIMESTAMP)
  return requested.map((r) => {
    const e = end.get(key(r))
    if (e === undefined || e === null) throw new CommandError(`Unexpected non-existing offset value for topic partition ${r.topic}-${r.partition}`)
    if (r.offset > e) {
      warn(`WARN New offset (${r.offset}) is higher than latest offset for topic partition ${r.topic}-${r.partition}. Value will be set to ${e}`)
      return {...r, offset: e}
    }
    const s = start.get(key(r))
    if (s !== undefined && s !== null && r.offset < s) {
      warn(`WARN New offset (${r.offset}) is lower than earliest offset for topic partition ${r.topic}-${r.partition}. Value will be set to ${s}`)
      return {...r, offset: s}
    }
    return r
  })
}

async function prepareOffsets(gc: GroupClient, groupId: string, partitions: TopicPartition[], spec: ResetSpec, warn: (line: string) => void, print: (line: string) => void) {
  const atTime = async (timestamp: number) => {
    const found = await offsetsAt(gc, partitions, BigInt(timestamp))
    const missing = partitions.filter((p) => (found.get(key(p)) ?? null) === null)
    for (const p of missing) print(`\nWarn: Partition ${p.partition} from topic ${p.topic} is empty. Falling back to latest known offset.`)
    const latest = missing.length > 0 ? await offsetsAt(gc, missing, LATEST_TIMESTAMP) : new Map<string, bigint | null>()
    return partitions.map((p) => {
      const o = found.get(key(p)) ?? latest.get(key(p)) ?? null
      if (o === null) throw new UsageError(`Error getting offset by timestamp of topic partition: ${p.topic}-${p.partition}`)
      return {...p, offset: o}
    })
  }
  switch (spec.kind) {
    case 'to-offset':
      return clampToRange(gc, partitions.map((p) => ({...p, offset: spec.offset})), warn)
    case 'to-earliest':
    case 'to-latest': {
      const found = await offsetsAt(gc, partitions, spec.kind === 'to-earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP)
      return partitions.map((p) => {
        const o = found.get(key(p)) ?? null
        if (o === null) throw new UsageError(`Error getting ${spec.kind === 'to-earliest' ? 'starting' : 'ending'} offset of topic partition: ${p.topic}-${p.partition}`)
        return {...p, offset: o}
      })
    }
    case 'shift-by': {
      const current = new Map((await committedOffsets(gc, groupId)).map((c) => [key(c), c.offset]))
      const requested = partitions.map((p) => {
        const c = current.get(key(p))
        if (c === undefined) throw new UsageError(`Cannot shift offset for partition ${p.topic}-${p.partition} since there is no current committed offset`)
        return {...p, offset: c + spec.shift}
      })
      return clampToRange(gc, requested, warn)
    }
    case 'to-datetime':
      return atTime(spec.timestamp)
    case 'by-duration':
      return atTime(Date.now() - spec.durationMs)
    case 'to-current': {
      const current = new Map((await committedOffsets(gc, groupId)).map((c) => [key(c), c.offset]))
      const without = partitions.filter((p) => !current.has(key(p)))
      const latest = without.length > 0 ? await offsetsAt(gc, without, LATEST_TIMESTAMP) : new Map<string, bigint | null>()
      return partitions.map((p) => {
        const o = current.get(key(p)) ?? latest.get(key(p)) ?? null
        if (o === null) throw new UsageError(`Error getting ending offset of topic partition: ${p.topic}-${p.partition}`)
        return {...p, offset: o}
      })
    }
    case 'from-file': {
      const plan = spec.plan.get(groupId)
      if (!plan) {
        print(`\nError: No reset plan for group ${groupId} found`)
        return []
      }
      return clampToRange(gc, plan, warn)
    }
  }
}

/** Commits the offsets as the admin client does (generation -1, no member). */
export async function commitOffsets(gc: GroupClient, groupId: string, offsets: ReadonlyArray<TopicPartition & {offset: bigint}>): Promise<void> {
  const byTopic = new Map<string, Array<TopicPartition & {offset: bigint}>>()
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o])
  await withCoordinator(gc, groupId, async (conn) => {
    const r = await conn.request(OffsetCommit, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...byTopic].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: ''})),
      })),
    })
    for (const t of r.topics) {
      for (const p of t.partitions) {
        if (retriable(p.errorCode)) return {errorCode: p.errorCode, result: undefined}
        if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `${errorMessage(p.errorCode)} (${t.name}-${p.partitionIndex})`)
      }
    }
    return {errorCode: ErrorCode.NONE, result: undefined}
  })
}

/** --reset-offsets for each group: only inactive (Empty or Dead) groups are reset. */
export async function resetOffsets(
  gc: GroupClient,
  groupIds: readonly string[],
  scope: ResetScope,
  spec: ResetSpec,
  execute: boolean,
  io: {warn: (line: string) => void; print: (line: string) => void; error: (line: string) => void},
): Promise<ResetResult[]> {
  const results: ResetResult[] = []
  for (const groupId of groupIds) {
    const d = await describeGroup(gc, groupId)
    if (d.state !== 'Empty' && d.state !== 'Dead') {
      io.error(`Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${d.state}.`)
      results.push({groupId, offsets: null, state: d.state})
      continue
    }
    const partitions = spec.kind === 'from-file' ? [] : await partitionsToReset(gc, groupId, scope)
    const prepared = hashMapOrderOfPartitions(await prepareOffsets(gc, groupId, partitions, spec, io.warn, io.print))
    if (execute && prepared.length > 0) await commitOffsets(gc, groupId, prepared)
    results.push({groupId, offsets: prepared, state: d.state})
  }
  // Kafka keeps the plan in a HashMap<String, ...>.
  return javaHashMapOrder(results, (r) => r.groupId)
}

// ---------------------------------------------------------------- delete

export async function deleteGroups(gc: GroupClient, groupIds: readonly string[]): Promise<Array<{groupId: string; errorCode: number}>> {
  const out: Array<{groupId: string; errorCode: number}> = []
  for (const groupId of groupIds) {
    const code = await withCoordinator(gc, groupId, async (conn) => {
      const r = await conn.request(DeleteGroups, {groupsNames: [groupId]})
      const c = r.results[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
      return {errorCode: c, result: c}
    })
    out.push({groupId, errorCode: code})
  }
  return out
}

export interface DeleteOffsetsResult {
  errorCode: number
  partitions: Array<{topic: string; partition: number; errorCode: number}>
}

export async function deleteOffsets(gc: GroupClient, groupId: string, topicArgs: readonly string[]): Promise<DeleteOffsetsResult> {
  const partitions: TopicPartition[] = []
  const failedTopics: Array<{topic: string; partition: number; errorCode: number}> = []
  for (const arg of topicArgs) {
    const {topic, partitions: ps} = parseTopicArg(arg)
    if (ps !== null) {
      for (const p of ps) partitions.push(tp(topic, p))
      continue
    }
    try {
      for (const r of await partitionsOf(gc.client, [topic], {waitMs: 0})) partitions.push(tp(r.topic, r.partition))
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e
      failedTopics.push({topic, partition: -1, errorCode: e.code})
    }
  }
  const byTopic = new Map<string, number[]>()
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
  return withCoordinator(gc, groupId, async (conn) => {
    const r = await conn.request(OffsetDelete, {groupId, topics: [...byTopic].map(([name, ps]) => ({name, partitions: ps.map((partitionIndex) => ({partitionIndex}))}))})
    const result: DeleteOffsetsResult = {
      errorCode: r.errorCode,
      partitions: [
        ...failedTopics,
        ...partitions.map((p) => ({
          ...p,
          errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : (r.topics.find((t) => t.name === p.topic)?.partitions.find((x) => x.partitionIndex === p.partition)?.errorCode ?? ErrorCode.NONE),
        })),
      ],
    }
    return {errorCode: r.errorCode, result}
  })
}

/** The --delete-offsets text (Kafka's deleteOffsets output). */
export function renderDeleteOffsets(groupId: string, result: DeleteOffsetsResult): {stdout: string; error: string | null} {
  let error: string | null = null
  const first: string[] = []
  const partitionErrors = result.partitions.some((p) => p.errorCode !== ErrorCode.NONE)
  switch (errorName(result.errorCode)) {
    case 'NONE':
      if (partitionErrors) error = 'Encountered some partition-level error, see the follow-up details.'
      else first.push(`Request succeeded for deleting offsets from group ${groupId}.`)
      break
    case 'INVALID_GROUP_ID':
      error = `'${groupId}' is not valid.`
      break
    case 'GROUP_ID_NOT_FOUND':
      error = `'${groupId}' does not exist.`
      break
    case 'GROUP_AUTHORIZATION_FAILED':
      error = `Access to '${groupId}' is not authorized.`
      break
    case 'NON_EMPTY_GROUP':
      error = `Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`
      break
    case 'GROUP_SUBSCRIBED_TO_TOPIC':
    case 'TOPIC_AUTHORIZATION_FAILED':
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      error = 'Encountered some partition-level error, see the follow-up details.'
      break
    default:
      error = `Encountered some unknown error: ${errorName(result.errorCode)}`
  }
  const t = Math.max(15, ...result.partitions.map((p) => p.topic.length))
  const line = (c: string[]) => [pad(c[0]!, t), pad(c[1]!, 10), pad(c[2]!, 15)].join(' ')
  const rows = [...result.partitions].sort((a, b) => (`${a.topic}${a.partition}` < `${b.topic}${b.partition}` ? -1 : `${a.topic}${a.partition}` > `${b.topic}${b.partition}` ? 1 : 0))
  const table = [
    '',
    line(['TOPIC', 'PARTITION', 'STATUS']),
    ...rows.map((p) => line([p.topic, p.partition >= 0 ? String(p.partition) : 'Not Provided', p.errorCode === ErrorCode.NONE ? 'Successful' : `Error: ${errorMessage(p.errorCode)}`])),
  ]
  return {stdout: [...first, ...table].join('\n'), error}
}

/** Reads --from-file. */
export function readResetPlan(path: string, singleGroup: string | null): Map<string, Array<TopicPartition & {offset: bigint}>> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`)
  }
  return parseResetPlan(text, singleGroup)
}
