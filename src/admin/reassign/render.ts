// kafka-reassign-partitions.sh's text, line for line: status of partitions and
// log dir moves, the running reassignments, the rollback JSON and the
// messages around execute, cancel and throttle clearing.

import {compareReplicas, type LogDirMoveState, type OngoingReassignment, partitionStatus, type PartitionState, type ReplicaRef, replicaName} from './moves.js'
import {compareTopicPartitions, formatReassignmentJson, javaIntSetOrder, javaStringSetOrder, type ReplicaAssignment, type TopicPartition, tpName} from './reassignment-json.js'

export const CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE =
  'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.'

export const YOU_MUST_RUN_VERIFY_PERIODICALLY_MESSAGE = 'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.'

/** --generate's output (two blocks, as generateAssignment prints them). */
export function generateText(current: Iterable<ReplicaAssignment>, proposed: Iterable<ReplicaAssignment>): string {
  return `Current partition replica assignment\n${formatReassignmentJson(current)}\n\nProposed partition reassignment configuration\n${formatReassignmentJson(proposed)}`
}

/** currentPartitionReplicaAssignmentToString: the rollback JSON --execute prints first. */
export function rollbackText(current: Iterable<ReplicaAssignment>): string {
  return `Current partition replica assignment\n\n${formatReassignmentJson(current)}\n\nSave this to use as the --reassignment-json-file option during rollback`
}

function sortedNames(parts: readonly TopicPartition[]): string {
  return [...parts].sort(compareTopicPartitions).map(tpName).join(',')
}

export function executeSuccessText(parts: readonly TopicPartition[]): string {
  return `Successfully started partition reassignment${parts.length === 1 ? '' : 's'} for ${sortedNames(parts)}`
}

/** A failure per partition, as Kafka's "Error reassigning partition(s):" block. */
export function executeErrorsText(errors: ReadonlyArray<TopicPartition & {message: string}>): string {
  return `Error reassigning partition(s):\n${[...errors].sort(compareTopicPartitions).map((e) => `${tpName(e)}: ${e.message}`).join('\n')}`
}

export function cancelSuccessText(parts: readonly TopicPartition[]): string {
  return `Successfully cancelled partition reassignment${parts.length === 1 ? '' : 's'} for: ${sortedNames(parts)}`
}

export function cancelErrorsText(errors: ReadonlyArray<TopicPartition & {message: string}>): string {
  const sorted = [...errors].sort(compareTopicPartitions)
  return `Error cancelling partition reassignment${errors.length === 1 ? '' : 's'} for:\n${sorted.map((e) => `${tpName(e)}: ${e.message}`).join('\n')}`
}

export const NO_ACTIVE_REASSIGNMENTS = 'None of the specified partition reassignments are active.'
/** Kafka prints this one with print, not println: the next line follows on the same line. */
export const NO_ACTIVE_MOVES = 'None of the specified partition moves are active.'

export function interBrokerThrottleText(rate: number): string {
  return `The inter-broker throttle limit was set to ${rate} B/s`
}

export function logDirThrottleText(rate: number): string {
  return `The replica-alter-dir throttle limit was set to ${rate} B/s`
}

/** partitionReassignmentStatesToString. */
export function partitionStatesText(states: readonly PartitionState[]): string {
  const lines = ['Status of partition reassignment:']
  for (const s of [...states].sort(compareTopicPartitions)) {
    const status = partitionStatus(s)
    if (status === 'completed') lines.push(`Reassignment of partition ${tpName(s)} is completed.`)
    else if (status === 'in-progress') lines.push(`Reassignment of partition ${tpName(s)} is still in progress.`)
    else lines.push(`There is no active reassignment of partition ${tpName(s)}, but replica set is ${s.currentReplicas.join(',')} rather than ${s.targetReplicas.join(',')}.`)
  }
  return lines.join('\n')
}

/** replicaMoveStatesToString (an empty string when the file names no log dirs, which Kafka still prints as a blank line). */
export function logDirStatesText(states: ReadonlyArray<{replica: ReplicaRef; state: LogDirMoveState}>): string {
  const lines: string[] = []
  for (const {replica: r, state} of [...states].sort((a, b) => compareReplicas(a.replica, b.replica))) {
    const part = `${r.topic}-${r.partition}`
    switch (state.kind) {
      case 'missing-log-dir':
        lines.push(`Partition ${part} is not found in any live log dir on broker ${r.broker}. There is likely an offline log directory on the broker.`)
        break
      case 'missing-replica':
        lines.push(`Partition ${part} cannot be found in any live log directory on broker ${r.broker}.`)
        break
      case 'active':
        lines.push(
          state.targetLogDir === state.futureLogDir
            ? `Reassignment of replica ${replicaName(r)} is still in progress.`
            : `Partition ${part} on broker ${r.broker} is being moved to log dir ${state.futureLogDir} instead of ${state.targetLogDir}.`,
        )
        break
      case 'cancelled':
        lines.push(`Partition ${part} on broker ${r.broker} is not being moved from log dir ${state.currentLogDir} to ${state.targetLogDir}.`)
        break
      case 'completed':
        lines.push(`Reassignment of replica ${replicaName(r)} completed successfully.`)
        break
    }
  }
  return lines.join('\n')
}

/** The two lines clearAllThrottles prints (brokers and topics in Java HashSet order, as Kafka prints them). */
export function clearThrottlesText(brokers: readonly number[], topics: readonly string[]): string[] {
  const b = javaIntSetOrder([...new Set(brokers)])
  const t = javaStringSetOrder([...new Set(topics)])
  return [
    `Clearing broker-level throttles on broker${b.length === 1 ? '' : 's'} ${b.join(',')}`,
    `Clearing topic-level throttles on topic${t.length === 1 ? '' : 's'} ${t.join(',')}`,
  ]
}

/** curReassignmentsToString: --list. */
export function listText(ongoing: readonly OngoingReassignment[]): string {
  if (ongoing.length === 0) return 'No partition reassignments found.'
  const lines = [...ongoing].sort(compareTopicPartitions).map((r) => {
    const adding = r.addingReplicas.length === 0 ? '' : ` adding: ${r.addingReplicas.join(',')}.`
    const removing = r.removingReplicas.length === 0 ? '' : ` removing: ${r.removingReplicas.join(',')}.`
    return `${tpName(r)}: replicas: ${r.replicas.join(',')}.${adding}${removing}`
  })
  return `Current partition reassignments:\n${lines.join('\n')}`
}

// ------------------------------------------------------------- progress

export interface MoveProgress {
  /** Partitions of the file still moving. */
  moving: number
  total: number
  /** Bytes the adding replicas hold so far, and what they will hold (the leader's size for each). */
  bytesCopied: number
  bytesToCopy: number
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`
}

/** The one-line progress a TTY shows while --verify --wait waits. */
export function progressLine(p: MoveProgress, elapsedMs: number): string {
  const done = p.total - p.moving
  const pct = p.bytesToCopy > 0 ? Math.min(100, Math.floor((p.bytesCopied * 100) / p.bytesToCopy)) : done === p.total ? 100 : 0
  return `Reassigning: ${done}/${p.total} partitions done, ${formatBytes(p.bytesCopied)} of ${formatBytes(p.bytesToCopy)} copied (${pct}%), ${Math.round(elapsedMs / 1000)}s`
}
