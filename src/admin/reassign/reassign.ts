// What kafka-reassign-partitions.sh does against a cluster: --generate,
// --execute (rollback JSON, throttles, AlterPartitionReassignments, log dir
// moves), --verify (states, throttle clearing), --cancel and --list, in
// Kafka's order and with its texts. Text goes through `print` as Kafka prints
// it, so a failure half way leaves the same lines behind; the results are
// also returned as data for --output json|yaml.

import type {KafkaClient} from '../../client/client.js'
import {AlterPartitionReassignments, AlterReplicaLogDirs, DescribeCluster, DescribeLogDirs, IncrementalAlterConfigs, ListPartitionReassignments} from '../../client/apis.js'
import {CommandError} from '../../cli/errors.js'
import {assignReplicas} from '../../controller/replica-placement.js'
import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {
  followerThrottles,
  leaderThrottles,
  logDirMoveDone,
  type LogDirMoveState,
  logDirMoveState,
  type OngoingReassignment,
  partitionStates,
  type PartitionState,
  partitionStatus,
  proposedMoveMap,
  reassigningBrokers,
  type ReplicaRef,
  compareReplicas,
  replicaName,
} from './moves.js'
import {
  ANY_LOG_DIR,
  compareTopicPartitions,
  type PartitionReassignment,
  parseReassignmentJson,
  parseTopicsToMoveJson,
  type ReplicaAssignment,
  type TopicPartition,
  tpName,
  validateGenerateArgs,
  validateReassignmentForExecute,
} from './reassignment-json.js'
import {
  CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE,
  cancelErrorsText,
  cancelSuccessText,
  clearThrottlesText,
  executeErrorsText,
  executeSuccessText,
  generateText,
  interBrokerThrottleText,
  logDirStatesText,
  logDirThrottleText,
  NO_ACTIVE_MOVES,
  NO_ACTIVE_REASSIGNMENTS,
  partitionStatesText,
  rollbackText,
  YOU_MUST_RUN_VERIFY_PERIODICALLY_MESSAGE,
} from './render.js'

const RESOURCE_TOPIC = 2
const RESOURCE_BROKER = 4
const OP_SET = 0
const OP_DELETE = 1

/** QuotaConfig's names. */
export const LEADER_THROTTLED_RATE = 'leader.replication.throttled.rate'
export const FOLLOWER_THROTTLED_RATE = 'follower.replication.throttled.rate'
export const LOG_DIRS_THROTTLED_RATE = 'replica.alter.log.dirs.io.max.bytes.per.second'
export const LEADER_THROTTLED_REPLICAS = 'leader.replication.throttled.replicas'
export const FOLLOWER_THROTTLED_REPLICAS = 'follower.replication.throttled.replicas'
const BROKER_LEVEL_THROTTLES = [LEADER_THROTTLED_RATE, FOLLOWER_THROTTLED_RATE, LOG_DIRS_THROTTLED_RATE]
const TOPIC_LEVEL_THROTTLES = [LEADER_THROTTLED_REPLICAS, FOLLOWER_THROTTLED_REPLICAS]

export type Print = (line: string) => void

export interface ClusterBroker {
  id: number
  rack: string | null
}

// ------------------------------------------------------------ cluster reads

/** describeCluster().nodes(): the registered brokers, in the cluster's order. */
export async function clusterBrokers(client: KafkaClient): Promise<ClusterBroker[]> {
  const conn = client.admin()
  if (conn.supports(DescribeCluster)) {
    const response = await conn.request(DescribeCluster, {includeClusterAuthorizedOperations: false, endpointType: 1})
    if (response.errorCode !== 0) throw new KafkaError(response.errorCode, response.errorMessage ?? undefined)
    return response.brokers.map((b) => ({id: b.brokerId, rack: b.rack}))
  }
  const md = await client.metadata([])
  return md.brokers.map((b) => ({id: b.nodeId, rack: b.rack}))
}

/**
 * getReplicaAssignmentForTopics: every partition's replicas (as the metadata
 * lists them), keyed by "topic-partition". An unknown topic fails as Kafka's
 * describeTopics does.
 */
export async function topicAssignments(client: KafkaClient, topics: readonly string[]): Promise<Map<string, ReplicaAssignment>> {
  const out = new Map<string, ReplicaAssignment>()
  if (topics.length === 0) return out
  const md = await client.metadata([...new Set(topics)])
  for (const t of md.topics) {
    const name = t.name ?? ''
    if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new CommandError(`Topic ${name} not found.`)
    if (t.errorCode !== 0) throw new KafkaError(t.errorCode)
    for (const p of t.partitions) out.set(tpName({topic: name, partition: p.partitionIndex}), {topic: name, partition: p.partitionIndex, replicas: [...p.replicaNodes]})
  }
  return out
}

/** getReplicaAssignmentForPartitions: the named partitions only; any that does not exist fails with Kafka's text. */
export async function partitionAssignments(client: KafkaClient, parts: readonly TopicPartition[]): Promise<Map<string, ReplicaAssignment>> {
  const all = await topicAssignments(
    client,
    parts.map((p) => p.topic),
  )
  const out = new Map<string, ReplicaAssignment>()
  const missing: string[] = []
  for (const p of parts) {
    const a = all.get(tpName(p))
    if (a) out.set(tpName(p), a)
    else if (!missing.includes(tpName(p))) missing.push(tpName(p))
  }
  if (missing.length > 0) throw new CommandError(`Unable to find partition: ${missing.join(', ')}`)
  return out
}

/** ListPartitionReassignments: every running reassignment, or those of `parts`. Any broker forwards it to the controller. */
export async function ongoingReassignments(client: KafkaClient, parts?: readonly TopicPartition[]): Promise<OngoingReassignment[]> {
  let topics: Array<{name: string; partitionIndexes: number[]}> | null = null
  if (parts) {
    const byTopic = new Map<string, number[]>()
    for (const p of parts) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
    topics = [...byTopic].map(([name, partitionIndexes]) => ({name, partitionIndexes: [...new Set(partitionIndexes)]}))
  }
  const response = await client.admin().request(ListPartitionReassignments, {timeoutMs: client.options.requestTimeoutMs, topics})
  if (response.errorCode !== 0) throw new KafkaError(response.errorCode, response.errorMessage ?? undefined)
  return response.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionIndex,
      replicas: [...p.replicas],
      addingReplicas: [...p.addingReplicas],
      removingReplicas: [...p.removingReplicas],
    })),
  )
}

/** AlterPartitionReassignments: a target per partition (null cancels); the failures, with the broker's messages. */
export async function alterReassignments(
  client: KafkaClient,
  targets: ReadonlyArray<TopicPartition & {replicas: readonly number[] | null}>,
): Promise<Array<TopicPartition & {message: string}>> {
  const byTopic = new Map<string, Array<{partitionIndex: number; replicas: number[] | null}>>()
  for (const t of targets) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), {partitionIndex: t.partition, replicas: t.replicas ? [...t.replicas] : null}])
  const response = await client.admin().request(AlterPartitionReassignments, {
    timeoutMs: client.options.requestTimeoutMs,
    topics: [...byTopic].map(([name, partitions]) => ({name, partitions})),
  })
  const errors: Array<TopicPartition & {message: string}> = []
  if (response.errorCode !== 0) {
    // A top-level error fails every partition (as the admin client completes each future with it).
    const message = response.errorMessage ?? new KafkaError(response.errorCode).message
    for (const t of targets) errors.push({topic: t.topic, partition: t.partition, message})
    return errors
  }
  for (const t of response.responses) {
    for (const p of t.partitions) {
      if (p.errorCode !== 0) errors.push({topic: t.name, partition: p.partitionIndex, message: p.errorMessage ?? new KafkaError(p.errorCode).message})
    }
  }
  return errors
}

type ConfigOp = {name: string; configOperation: number; value: string | null}

/** IncrementalAlterConfigs: broker resources to their broker (as the admin client sends them), topics to any broker. */
async function alterConfigs(client: KafkaClient, brokerOps: ReadonlyMap<number, ConfigOp[]>, topicOps: ReadonlyMap<string, ConfigOp[]>): Promise<void> {
  const check = (responses: Array<{errorCode: number; errorMessage: string | null}>) => {
    for (const r of responses) if (r.errorCode !== 0) throw new KafkaError(r.errorCode, r.errorMessage ?? undefined)
  }
  if (topicOps.size > 0) {
    const response = await client.admin().request(IncrementalAlterConfigs, {
      resources: [...topicOps].map(([name, configs]) => ({resourceType: RESOURCE_TOPIC, resourceName: name, configs})),
      validateOnly: false,
    })
    check(response.responses)
  }
  for (const [broker, configs] of brokerOps) {
    const conn = await client.connectionTo(broker)
    const response = await conn.request(IncrementalAlterConfigs, {resources: [{resourceType: RESOURCE_BROKER, resourceName: String(broker), configs}], validateOnly: false})
    check(response.responses)
  }
}

// ---------------------------------------------------------------- generate

export interface GenerateOptions {
  topicsToMoveJson: string
  brokerList: string
  rackAware: boolean
  random?: () => number
}

export interface GenerateResult {
  current: ReplicaAssignment[]
  proposed: ReplicaAssignment[]
}

/** generateAssignment: Kafka's placement (AdminUtils.assignReplicasToBrokers) of each topic over the listed brokers. */
export async function generate(client: KafkaClient, opts: GenerateOptions, print: Print): Promise<GenerateResult> {
  const {brokers, topics} = validateGenerateArgs(opts.brokerList, parseTopicsToMoveJson(opts.topicsToMoveJson))
  const current = [...(await topicAssignments(client, topics)).values()]
  const registered = await clusterBrokers(client)
  // Kafka silently leaves out brokers the cluster does not know; a typo would then shape the plan unseen.
  const unknown = brokers.find((b) => !registered.some((r) => r.id === b))
  if (unknown !== undefined) throw new CommandError(`Unknown broker id ${unknown}`)
  const chosen = registered.filter((r) => brokers.includes(r.id)).map((r) => ({id: r.id, rack: opts.rackAware ? r.rack : null}))
  const rackless = chosen.filter((b) => b.rack === null).length
  if (opts.rackAware && rackless !== 0 && rackless !== chosen.length) {
    throw new CommandError('Not all brokers have rack information. Add --disable-rack-aware in command line to make replica assignment without rack information.')
  }
  const byTopic = new Map<string, ReplicaAssignment[]>()
  for (const a of current) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a])
  const proposed: ReplicaAssignment[] = []
  for (const [topic, parts] of byTopic) {
    const rf = [...parts].sort(compareTopicPartitions)[0]!.replicas.length
    let placed: Map<number, number[]>
    try {
      placed = assignReplicas(chosen, parts.length, rf, {rackAware: opts.rackAware, random: opts.random})
    } catch (error) {
      throw new CommandError((error as Error).message)
    }
    for (const [partition, replicas] of placed) proposed.push({topic, partition, replicas})
  }
  const currentWithDirs = await withCurrentLogDirs(client, current)
  print(generateText(currentWithDirs, proposed))
  return {current: currentWithDirs.sort(compareTopicPartitions), proposed: proposed.sort(compareTopicPartitions)}
}

// ----------------------------------------------------------------- execute

export interface ExecuteOptions {
  reassignmentJson: string
  additional: boolean
  /** B/s; negative: no throttle (Kafka's default -1). */
  interBrokerThrottle: number
  logDirThrottle: number
  /** How long to keep retrying log dir moves (ms). */
  timeoutMs: number
  /** --disallow-replication-factor-change: refuse partitions whose replica count would change. */
  disallowReplicationFactorChange?: boolean
}

export interface ExecuteResult {
  started: TopicPartition[]
  rollback: ReplicaAssignment[]
  throttles?: {brokers: number[]; rate: number; leaderReplicas: Record<string, string>; followerReplicas: Record<string, string>}
}

/** Replicas the file sends to a named log dir, with that dir. */
export function namedLogDirs(entries: readonly PartitionReassignment[]): Array<{replica: ReplicaRef; logDir: string}> {
  const out: Array<{replica: ReplicaRef; logDir: string}> = []
  for (const e of entries) {
    e.replicas.forEach((broker, i) => {
      const dir = e.logDirs[i] ?? ANY_LOG_DIR
      if (dir !== ANY_LOG_DIR) out.push({replica: {topic: e.topic, partition: e.partition, broker}, logDir: dir})
    })
  }
  return out
}

/** executeAssignment. */
export async function execute(client: KafkaClient, opts: ExecuteOptions, print: Print): Promise<ExecuteResult> {
  const entries = parseReassignmentJson(opts.reassignmentJson)
  validateReassignmentForExecute(entries)
  const logDirMoves = namedLogDirs(entries)
  const ongoing = await ongoingReassignments(client)
  if (!opts.additional && ongoing.length > 0) throw new CommandError(CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE)
  const registered = new Set((await clusterBrokers(client)).map((b) => b.id))
  for (const e of entries) {
    const unknown = e.replicas.find((b) => !registered.has(b))
    if (unknown !== undefined) throw new CommandError(`Unknown broker id ${unknown}`)
  }
  const current = await partitionAssignments(client, entries)
  const rollback = await withCurrentLogDirs(client, [...current.values()])
  print(rollbackText(rollback))
  const result: ExecuteResult = {started: [], rollback: rollback.sort(compareTopicPartitions)}

  if (opts.interBrokerThrottle >= 0 || opts.logDirThrottle >= 0) {
    print(YOU_MUST_RUN_VERIFY_PERIODICALLY_MESSAGE)
    if (opts.interBrokerThrottle >= 0) {
      const moves = proposedMoveMap(ongoing, entries, new Map([...current].map(([k, a]) => [k, a.replicas])))
      const leader = leaderThrottles(moves)
      const follower = followerThrottles(moves)
      const topicOps = new Map<string, ConfigOp[]>()
      for (const topic of new Set([...leader.keys(), ...follower.keys()])) {
        const ops: ConfigOp[] = []
        if (leader.has(topic)) ops.push({name: LEADER_THROTTLED_REPLICAS, configOperation: OP_SET, value: leader.get(topic)!})
        if (follower.has(topic)) ops.push({name: FOLLOWER_THROTTLED_REPLICAS, configOperation: OP_SET, value: follower.get(topic)!})
        topicOps.set(topic, ops)
      }
      await alterConfigs(client, new Map(), topicOps)
      const brokers = reassigningBrokers(moves)
      const rate = String(opts.interBrokerThrottle)
      await alterConfigs(
        client,
        new Map(
          brokers.map((b) => [
            b,
            [
              {name: LEADER_THROTTLED_RATE, configOperation: OP_SET, value: rate},
              {name: FOLLOWER_THROTTLED_RATE, configOperation: OP_SET, value: rate},
            ],
          ]),
        ),
        new Map(),
      )
      print(interBrokerThrottleText(opts.interBrokerThrottle))
      result.throttles = {brokers, rate: opts.interBrokerThrottle, leaderReplicas: Object.fromEntries(leader), followerReplicas: Object.fromEntries(follower)}
    }
    if (opts.logDirThrottle >= 0) {
      const brokers = [...new Set(logDirMoves.map((m) => m.replica.broker))]
      await alterConfigs(client, new Map(brokers.map((b) => [b, [{name: LOG_DIRS_THROTTLED_RATE, configOperation: OP_SET, value: String(opts.logDirThrottle)}]])), new Map())
      print(logDirThrottleText(opts.logDirThrottle))
    }
  }

  // Kafka 4.3 sends allowReplicationFactorChange=false (AlterPartitionReassignments v1) and the
  // controller refuses such partitions one by one; the CLI's codec speaks v0, so the same check
  // and text happen here, and the other partitions are still sent, as there.
  const refused: Array<TopicPartition & {message: string}> = []
  let toSend: PartitionReassignment[] = entries
  if (opts.disallowReplicationFactorChange) {
    const adding = new Map(ongoing.map((r) => [tpName(r), r.addingReplicas]))
    toSend = entries.filter((e) => {
      const before = current.get(tpName(e))!.replicas.filter((b) => !(adding.get(tpName(e)) ?? []).includes(b)).length
      if (before === e.replicas.length) return true
      refused.push({topic: e.topic, partition: e.partition, message: `The replication factor is changed from ${before} to ${e.replicas.length}`})
      return false
    })
  }
  const errors = [...refused, ...(toSend.length > 0 ? await alterReassignments(client, toSend) : [])]
  if (errors.length > 0) throw new CommandError(executeErrorsText(errors))
  result.started = entries.map((e) => ({topic: e.topic, partition: e.partition})).sort(compareTopicPartitions)
  print(executeSuccessText(result.started))
  if (logDirMoves.length > 0) await executeLogDirMoves(client, logDirMoves, opts.timeoutMs, print)
  return result
}

/** executeMoves: AlterReplicaLogDirs until every replica's move has started (a replica not yet on its broker is retried). */
async function executeLogDirMoves(client: KafkaClient, moves: ReadonlyArray<{replica: ReplicaRef; logDir: string}>, timeoutMs: number, print: Print): Promise<void> {
  const started = Date.now()
  let pending = [...moves]
  for (;;) {
    const done: typeof pending = []
    const byBroker = new Map<number, typeof pending>()
    for (const m of pending) byBroker.set(m.replica.broker, [...(byBroker.get(m.replica.broker) ?? []), m])
    for (const [broker, list] of byBroker) {
      const conn = await client.connectionTo(broker)
      const byDir = new Map<string, Map<string, number[]>>()
      for (const m of list) {
        const topics = byDir.get(m.logDir) ?? new Map<string, number[]>()
        topics.set(m.replica.topic, [...(topics.get(m.replica.topic) ?? []), m.replica.partition])
        byDir.set(m.logDir, topics)
      }
      const response = await conn.request(AlterReplicaLogDirs, {
        dirs: [...byDir].map(([path, topics]) => ({path, topics: [...topics].map(([name, partitions]) => ({name, partitions}))})),
      })
      for (const t of response.results) {
        for (const p of t.partitions) {
          const m = list.find((x) => x.replica.topic === t.topicName && x.replica.partition === p.partitionIndex)
          if (!m) continue
          if (p.errorCode === 0) done.push(m)
          else if (p.errorCode !== ErrorCode.REPLICA_NOT_AVAILABLE) {
            throw new CommandError(`Failed to alter dir for ${replicaName(m.replica)}: ${new KafkaError(p.errorCode).message}`)
          }
        }
      }
    }
    for (const m of [...done].sort((a, b) => compareReplicas(a.replica, b.replica))) {
      print(`Successfully started moving log directory to ${m.logDir} for replica ${m.replica.topic}-${m.replica.partition} with broker ${m.replica.broker} `)
    }
    pending = pending.filter((m) => !done.includes(m))
    if (pending.length === 0) return
    if (Date.now() >= started + timeoutMs) {
      const names = pending.map((m) => m.replica).sort(compareReplicas).map(replicaName)
      throw new CommandError(`Timed out before log directory move${pending.length === 1 ? '' : 's'} could be started for: ${names.join(',')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

// ------------------------------------------------------------------ verify

export interface VerifyResult {
  partitions: PartitionState[]
  logDirMoves: Array<{replica: ReplicaRef; state: LogDirMoveState}>
  /** Any reassignment running in the cluster (Kafka's partsOngoing, which keeps throttles while true). */
  clusterReassigning: boolean
  movesOngoing: boolean
  /** Set when throttles were cleared. */
  cleared?: {brokers: number[]; topics: string[]}
}

/** The state of every partition and log dir move a file names, without printing or clearing anything. */
export async function verifyStates(client: KafkaClient, entries: readonly PartitionReassignment[]): Promise<Omit<VerifyResult, 'cleared'>> {
  const ongoing = await ongoingReassignments(client)
  const running = new Set(ongoing.map(tpName))
  const notRunning = entries.filter((e) => !running.has(tpName(e)))
  const current = new Map<string, readonly number[]>()
  if (notRunning.length > 0) {
    const md = await client.metadata([...new Set(notRunning.map((e) => e.topic))])
    for (const t of md.topics) {
      if (t.errorCode !== 0) continue
      for (const p of t.partitions) current.set(tpName({topic: t.name ?? '', partition: p.partitionIndex}), p.replicaNodes)
    }
  }
  const partitions = partitionStates(entries, ongoing, current)
  const logDirMoves = await logDirMoveStates(client, namedLogDirs(entries))
  return {partitions, logDirMoves, clusterReassigning: ongoing.length > 0, movesOngoing: !logDirMoves.every((m) => logDirMoveDone(m.state))}
}

/** verifyAssignment: Kafka's status lines, then the throttles cleared once nothing is moving (unless preserved). */
export async function verify(client: KafkaClient, reassignmentJson: string, preserveThrottles: boolean, print: Print): Promise<VerifyResult> {
  const entries = parseReassignmentJson(reassignmentJson)
  const result: VerifyResult = await verifyStates(client, entries)
  print(partitionStatesText(result.partitions))
  print(logDirStatesText(result.logDirMoves))
  if (!result.clusterReassigning && !result.movesOngoing && !preserveThrottles) result.cleared = await clearAllThrottles(client, entries, print)
  return result
}

/** The verdict tskafka adds to --verify: done, still moving, or ended elsewhere than the file says. */
export function verifyOutcome(r: Pick<VerifyResult, 'partitions' | 'logDirMoves' | 'movesOngoing'>): 'complete' | 'in-progress' | 'failed' {
  if (r.partitions.some((p) => partitionStatus(p) === 'in-progress') || r.movesOngoing) return 'in-progress'
  if (r.partitions.some((p) => partitionStatus(p) === 'mismatch') || r.logDirMoves.some((m) => m.state.kind !== 'completed')) return 'failed'
  return 'complete'
}

/** clearAllThrottles: every registered broker plus the file's replicas, every topic of the file. */
export async function clearAllThrottles(client: KafkaClient, entries: readonly PartitionReassignment[], print: Print): Promise<{brokers: number[]; topics: string[]}> {
  const brokers = new Set((await clusterBrokers(client)).map((b) => b.id))
  for (const e of entries) for (const r of e.replicas) brokers.add(r)
  const topics = [...new Set(entries.map((e) => e.topic))]
  const [brokerLine, topicLine] = clearThrottlesText([...brokers], topics)
  print(brokerLine!)
  await alterConfigs(
    client,
    new Map([...brokers].map((b) => [b, BROKER_LEVEL_THROTTLES.map((name) => ({name, configOperation: OP_DELETE, value: null}))])),
    new Map(),
  )
  print(topicLine!)
  await alterConfigs(client, new Map(), new Map(topics.map((t) => [t, TOPIC_LEVEL_THROTTLES.map((name) => ({name, configOperation: OP_DELETE, value: null}))])))
  return {brokers: [...brokers].sort((a, b) => a - b), topics: topics.sort()}
}

/**
 * Kafka 4.3's getReplicaToLogDir: the current assignment is printed with the
 * log dir each replica lives in ("any" where its broker does not say).
 */
async function withCurrentLogDirs(client: KafkaClient, assignments: ReplicaAssignment[]): Promise<ReplicaAssignment[]> {
  const refs = assignments.flatMap((a) => a.replicas.map((broker) => ({topic: a.topic, partition: a.partition, broker})))
  if (refs.length === 0) return assignments
  const dirs = await replicaLogDirs(client, refs)
  return assignments.map((a) => ({...a, logDirs: a.replicas.map((broker) => dirs.get(replicaName({topic: a.topic, partition: a.partition, broker}))?.current ?? ANY_LOG_DIR)}))
}

/** Where each replica lives on its broker: DescribeLogDirs per broker, current and future (moving-to) dir. */
async function replicaLogDirs(client: KafkaClient, replicas: readonly ReplicaRef[]): Promise<Map<string, {current: string | null; future: string | null; size: number}>> {
  const out = new Map<string, {current: string | null; future: string | null; size: number}>()
  const byBroker = new Map<number, ReplicaRef[]>()
  for (const r of replicas) byBroker.set(r.broker, [...(byBroker.get(r.broker) ?? []), r])
  for (const [broker, list] of byBroker) {
    let conn
    try {
      conn = await client.connectionTo(broker)
    } catch {
      continue // a broker that is gone holds nothing: its replicas stay unknown
    }
    const topics = new Map<string, Set<number>>()
    for (const r of list) topics.set(r.topic, (topics.get(r.topic) ?? new Set()).add(r.partition))
    let response
    try {
      response = await conn.request(DescribeLogDirs, {topics: [...topics].map(([topic, parts]) => ({topic, partitions: [...parts]}))})
    } catch {
      continue // a broker that cannot say (gone, or too old) leaves its replicas unknown, as an offline one
    }
    for (const dir of response.results) {
      if (dir.errorCode !== 0) continue
      for (const t of dir.topics) {
        for (const p of t.partitions) {
          const key = replicaName({topic: t.name, partition: p.partitionIndex, broker})
          const info = out.get(key) ?? {current: null, future: null, size: 0}
          if (p.isFutureKey) info.future = dir.logDir
          else {
            info.current = dir.logDir
            info.size = Number(p.partitionSize)
          }
          out.set(key, info)
        }
      }
    }
  }
  return out
}

async function logDirMoveStates(client: KafkaClient, moves: ReadonlyArray<{replica: ReplicaRef; logDir: string}>): Promise<Array<{replica: ReplicaRef; state: LogDirMoveState}>> {
  if (moves.length === 0) return []
  const dirs = await replicaLogDirs(
    client,
    moves.map((m) => m.replica),
  )
  // Kafka's describeReplicaLogDirs reports every asked replica, a missing one with no current dir.
  return moves.map((m) => ({replica: m.replica, state: logDirMoveState(m.logDir, dirs.get(replicaName(m.replica)) ?? {current: null, future: null})}))
}

export type MoveProgress = Awaited<ReturnType<typeof moveProgress>>

/**
 * --verify --wait: polls every second until nothing of the file is moving; true when `timeoutMs`
 * ran out first. `onProgress` (a terminal's progress line) hears the bytes copied after each poll
 * that finds moves running.
 */
export async function waitForMoves(
  client: KafkaClient,
  reassignmentJson: string,
  opts: {timeoutMs?: number; onProgress?: (progress: MoveProgress, elapsedMs: number) => void} = {},
): Promise<boolean> {
  const entries = parseReassignmentJson(reassignmentJson)
  const started = Date.now()
  for (;;) {
    if (verifyOutcome(await verifyStates(client, entries)) !== 'in-progress') return false
    if (opts.onProgress) {
      const progress = await moveProgress(client, entries)
      // Between the two reads the last move may have ended: then there is nothing new to show.
      if (progress.moving > 0) opts.onProgress(progress, Date.now() - started)
    }
    if (opts.timeoutMs !== undefined && Date.now() - started >= opts.timeoutMs) return true
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/**
 * Bytes the moving partitions of a file have copied: for each replica being
 * added, its size against its leader's (both from DescribeLogDirs).
 */
export async function moveProgress(
  client: KafkaClient,
  entries: readonly PartitionReassignment[],
): Promise<{moving: number; total: number; bytesCopied: number; bytesToCopy: number; ongoing: OngoingReassignment[]}> {
  const wanted = new Set(entries.map(tpName))
  const ongoing = (await ongoingReassignments(client)).filter((r) => wanted.has(tpName(r)))
  let bytesCopied = 0
  let bytesToCopy = 0
  if (ongoing.length > 0) {
    const md = await client.metadata([...new Set(ongoing.map((r) => r.topic))])
    const leaders = new Map<string, number>()
    for (const t of md.topics) for (const p of t.partitions) leaders.set(tpName({topic: t.name ?? '', partition: p.partitionIndex}), p.leaderId)
    const refs: ReplicaRef[] = []
    for (const r of ongoing) {
      const leader = leaders.get(tpName(r))
      if (leader !== undefined && leader >= 0) refs.push({topic: r.topic, partition: r.partition, broker: leader})
      for (const b of r.addingReplicas) refs.push({topic: r.topic, partition: r.partition, broker: b})
    }
    const dirs = await replicaLogDirs(client, refs)
    for (const r of ongoing) {
      const leader = leaders.get(tpName(r)) ?? -1
      const leaderSize = dirs.get(replicaName({...r, broker: leader}))?.size ?? 0
      for (const b of r.addingReplicas) {
        bytesToCopy += leaderSize
        bytesCopied += Math.min(leaderSize, dirs.get(replicaName({...r, broker: b}))?.size ?? 0)
      }
    }
  }
  return {moving: ongoing.length, total: wanted.size, bytesCopied, bytesToCopy, ongoing}
}

// ------------------------------------------------------------------ cancel

export interface CancelResult {
  cancelled: TopicPartition[]
  cleared?: {brokers: number[]; topics: string[]}
}

/** cancelAssignment: cancels the file's running reassignments, then clears throttles unless preserved. */
export async function cancel(client: KafkaClient, reassignmentJson: string, preserveThrottles: boolean, timeoutMs: number, print: Print, write: Print): Promise<CancelResult> {
  const entries = parseReassignmentJson(reassignmentJson)
  const ongoing = await ongoingReassignments(client, entries)
  // As Kafka 4.3's tool: every listed reassignment that adds or removes a replica.
  const cancelling = ongoing.filter((r) => r.addingReplicas.length > 0 || r.removingReplicas.length > 0).map((r) => ({topic: r.topic, partition: r.partition}))
  if (cancelling.length > 0) {
    const errors = await alterReassignments(
      client,
      cancelling.map((p) => ({...p, replicas: null})),
    )
    if (errors.length > 0) throw new CommandError(cancelErrorsText(errors))
    print(cancelSuccessText(cancelling))
  } else {
    print(NO_ACTIVE_REASSIGNMENTS)
  }
  const moves = await logDirMoveStates(client, namedLogDirs(entries))
  const active = moves.filter((m) => m.state.kind === 'active')
  if (active.length === 0) write(NO_ACTIVE_MOVES)
  else {
    await executeLogDirMoves(
      client,
      active.map((m) => ({replica: m.replica, logDir: (m.state as {currentLogDir: string}).currentLogDir})),
      timeoutMs,
      print,
    )
  }
  const result: CancelResult = {cancelled: cancelling.sort(compareTopicPartitions)}
  if (!preserveThrottles) result.cleared = await clearAllThrottles(client, entries, print)
  return result
}
