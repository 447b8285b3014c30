// The pure part of kafka-reassign-partitions.sh: which brokers send and
// receive replicas, the throttle configs that follow from that, and the
// state of each partition a file names. No I/O: the command feeds it what the
// cluster answered.

import {compareTopicPartitions, type TopicPartition, tpName} from './reassignment-json.js'

/** A reassignment the cluster reports as running (ListPartitionReassignments). */
export interface OngoingReassignment extends TopicPartition {
  /** Every replica during the move: the target set plus those being removed. */
  replicas: number[]
  addingReplicas: number[]
  removingReplicas: number[]
}

/** Sources send data (they hold the partition now); destinations receive it. */
export interface PartitionMove {
  sources: Set<number>
  destinations: Set<number>
}

/** topic -> partition -> move, as Kafka's moveMap. */
export type MoveMap = Map<string, Map<number, PartitionMove>>

/** calculateCurrentMoveMap: the moves already running. */
export function currentMoveMap(ongoing: readonly OngoingReassignment[]): MoveMap {
  const moves: MoveMap = new Map()
  for (const r of ongoing) {
    const sources = new Set(r.replicas.filter((b) => !r.addingReplicas.includes(b)))
    topicMoves(moves, r.topic).set(r.partition, {sources, destinations: new Set(r.addingReplicas)})
  }
  return moves
}

function topicMoves(moves: MoveMap, topic: string): Map<number, PartitionMove> {
  let m = moves.get(topic)
  if (!m) moves.set(topic, (m = new Map()))
  return m
}

/**
 * calculateProposedMoveMap: the running moves plus the proposed ones. A
 * partition already moving keeps its original sources (the replicas that
 * hold its data), otherwise the current replicas are the sources.
 */
export function proposedMoveMap(
  ongoing: readonly OngoingReassignment[],
  proposed: ReadonlyArray<TopicPartition & {replicas: readonly number[]}>,
  current: ReadonlyMap<string, readonly number[]>,
): MoveMap {
  const moves = currentMoveMap(ongoing)
  for (const p of proposed) {
    const partMoves = topicMoves(moves, p.topic)
    const running = partMoves.get(p.partition)
    let sources: Set<number>
    if (running) sources = new Set(running.sources)
    else {
      const replicas = current.get(tpName(p))
      if (!replicas) throw new Error(`Trying to reassign a topic partition ${tpName(p)} with 0 replicas`)
      sources = new Set(replicas)
    }
    const destinations = new Set([...p.replicas].filter((b) => !sources.has(b)))
    partMoves.set(p.partition, {sources, destinations})
  }
  return moves
}

/** Java's TreeSet<String> order of "partition:broker" strings (plain string order). */
function sortedComponents(components: Set<string>): string {
  return [...components].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',')
}

/** calculateLeaderThrottles: leader.replication.throttled.replicas per topic, every source replica. */
export function leaderThrottles(moves: MoveMap): Map<string, string> {
  const out = new Map<string, string>()
  for (const [topic, parts] of moves) {
    const components = new Set<string>()
    for (const [partition, move] of parts) for (const s of move.sources) components.add(`${partition}:${s}`)
    out.set(topic, sortedComponents(components))
  }
  return out
}

/** calculateFollowerThrottles: follower.replication.throttled.replicas per topic, every replica moving in. */
export function followerThrottles(moves: MoveMap): Map<string, string> {
  const out = new Map<string, string>()
  for (const [topic, parts] of moves) {
    const components = new Set<string>()
    for (const [partition, move] of parts) for (const d of move.destinations) if (!move.sources.has(d)) components.add(`${partition}:${d}`)
    out.set(topic, sortedComponents(components))
  }
  return out
}

/** calculateReassigningBrokers: every source and destination, ascending. */
export function reassigningBrokers(moves: MoveMap): number[] {
  const brokers = new Set<number>()
  for (const parts of moves.values()) {
    for (const move of parts.values()) {
      for (const b of move.sources) brokers.add(b)
      for (const b of move.destinations) brokers.add(b)
    }
  }
  return [...brokers].sort((a, b) => a - b)
}

// ------------------------------------------------------------------ verify

/** PartitionReassignmentState: where a partition is, where the file wants it, and whether it is still moving. */
export interface PartitionState extends TopicPartition {
  currentReplicas: number[]
  targetReplicas: number[]
  /** False while the cluster lists a reassignment for the partition. */
  done: boolean
}

export type PartitionStatus = 'completed' | 'in-progress' | 'mismatch'

export function partitionStatus(s: PartitionState): PartitionStatus {
  if (!s.done) return 'in-progress'
  return sameList(s.currentReplicas, s.targetReplicas) ? 'completed' : 'mismatch'
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/**
 * findPartitionReassignmentStates: a partition the cluster lists as
 * reassigning is in progress (its replicas as listed); any other one is done,
 * with the replicas the metadata gives (none for an unknown partition).
 */
export function partitionStates(
  targets: ReadonlyArray<TopicPartition & {replicas: readonly number[]}>,
  ongoing: readonly OngoingReassignment[],
  current: ReadonlyMap<string, readonly number[]>,
): PartitionState[] {
  const running = new Map(ongoing.map((r) => [tpName(r), r]))
  const states = new Map<string, PartitionState>()
  for (const t of targets) {
    const key = tpName(t)
    const r = running.get(key)
    states.set(key, {
      topic: t.topic,
      partition: t.partition,
      currentReplicas: [...(r ? r.replicas : (current.get(key) ?? []))],
      targetReplicas: [...t.replicas],
      done: !r,
    })
  }
  return [...states.values()].sort(compareTopicPartitions)
}

// ---------------------------------------------------------- log dir moves

/** The state of a replica the file sends to a named log dir (LogDirMoveState and its kinds). */
export type LogDirMoveState =
  | {kind: 'missing-replica'; targetLogDir: string}
  | {kind: 'missing-log-dir'; targetLogDir: string}
  | {kind: 'active'; currentLogDir: string; targetLogDir: string; futureLogDir: string}
  | {kind: 'cancelled'; currentLogDir: string; targetLogDir: string}
  | {kind: 'completed'; targetLogDir: string}

export interface ReplicaRef extends TopicPartition {
  broker: number
}

/** Kafka's TopicPartitionReplica.toString. */
export function replicaName(r: ReplicaRef): string {
  return `${r.topic}-${r.partition}-${r.broker}`
}

/** compareTopicPartitionReplicas: broker, then topic, then partition. */
export function compareReplicas(a: ReplicaRef, b: ReplicaRef): number {
  return a.broker - b.broker || compareTopicPartitions(a, b)
}

/** findLogDirMoveStates from what DescribeLogDirs said about the replica (current and future dir, when found). */
export function logDirMoveState(targetLogDir: string, info: {current: string | null; future: string | null} | undefined): LogDirMoveState {
  if (!info) return {kind: 'missing-replica', targetLogDir}
  if (info.current === null) return {kind: 'missing-log-dir', targetLogDir}
  if (info.future === null) {
    return info.current === targetLogDir ? {kind: 'completed', targetLogDir} : {kind: 'cancelled', currentLogDir: info.current, targetLogDir}
  }
  return {kind: 'active', currentLogDir: info.current, targetLogDir, futureLogDir: info.future}
}

/** Kafka counts a missing replica or log dir as not done (it may still arrive). */
export function logDirMoveDone(s: LogDirMoveState): boolean {
  return s.kind === 'completed' || s.kind === 'cancelled'
}
