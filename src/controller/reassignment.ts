// Partition reassignment on the controller, as pure functions of a partition's registration
// (Kafka's ReplicationControlManager.alterPartitionReassignments, PartitionReassignmentReplicas
// and PartitionReassignmentRevert). A reassignment goes through three stages:
//
// 1. AlterPartitionReassignments writes a PartitionChangeRecord whose replicas are the target
//    followed by the replicas being removed, with addingReplicas and removingReplicas set. The
//    brokers named in addingReplicas create the log and follow the leader.
// 2. The new replicas catch up and the leader adds them to the ISR (AlterPartition).
// 3. The ISR change that makes the ISR hold every target replica also completes the
//    reassignment (leader-election.ts buildPartitionChange): the removing replicas leave the
//    replicas and the ISR, leadership moves if the leader was one of them, and their brokers
//    delete the log.
//
// A target that only reorders replicas the ISR already holds completes at once. A cancellation
// (null replicas) reverts to the original replicas: the adding ones leave, the removing ones stay.

import {ErrorCode, KafkaError, errorMessage} from '../protocol/errors.js'
import {buildPartitionChange, type PartitionChange, type PartitionView} from './leader-election.js'

/** Kafka's PartitionReassignmentReplicas(current, target): removing and adding sorted, replicas = target + removing. */
export function reassignmentReplicas(current: readonly number[], target: readonly number[]): {replicas: number[]; adding: number[]; removing: number[]} {
  const removing = [...new Set(current.filter((id) => !target.includes(id)))].sort((a, b) => a - b)
  const adding = [...new Set(target.filter((id) => !current.includes(id)))].sort((a, b) => a - b)
  return {replicas: [...target, ...removing], adding, removing}
}

export function isReassigning(p: Pick<PartitionView, 'addingReplicas' | 'removingReplicas'>): boolean {
  return (p.addingReplicas?.length ?? 0) > 0 || (p.removingReplicas?.length ?? 0) > 0
}

/** The replicas a reassignment started from: the current ones without those it is adding. */
export function originalReplicas(p: PartitionView): number[] {
  const adding = p.addingReplicas ?? []
  return p.replicas.filter((id) => !adding.includes(id))
}

/**
 * Kafka's PartitionReassignmentRevert: the original replicas, and the ISR without the adding
 * replicas. When only adding replicas are in the ISR, the first original replica becomes the ISR:
 * an unclean election the topic must allow.
 */
export function revertReassignment(p: PartitionView): {replicas: number[]; isr: number[]; unclean: boolean} {
  const adding = p.addingReplicas ?? []
  const replicas = originalReplicas(p)
  const isr = p.isr.filter((id) => !adding.includes(id))
  if (isr.length > 0) return {replicas, isr, unclean: false}
  if (replicas.length === 0) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Invalid replica assignment: addingReplicas contains all replicas.')
  return {replicas, isr: [replicas[0]!], unclean: true}
}

/**
 * Kafka's validateManualPartitionAssignment: a non-empty list of registered brokers, each once,
 * of the replication factor given (when one is).
 */
export function validateManualAssignment(brokerIds: readonly number[], replicationFactor: number | undefined, isRegistered: (id: number) => boolean): void {
  if (brokerIds.length === 0) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.')
  const sorted = [...brokerIds].sort((a, b) => a - b)
  let prev: number | undefined
  for (const id of sorted) {
    if (!isRegistered(id)) {
      throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${id}, but no such broker is registered.`)
    }
    if (id === prev) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${prev} more than once.`)
    prev = id
  }
  if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
    throw new KafkaError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
    )
  }
}

export interface ReassignmentContext {
  /** "topic:partition", as Kafka's messages name it. */
  partitionName: string
  isRegistered(id: number): boolean
  /** Unfenced and not shutting down. */
  isAcceptableLeader(id: number): boolean
  /** The topic's unclean.leader.election.enable. */
  uncleanLeaderElection: boolean
}

/**
 * The change one AlterPartitionReassignments entry asks for: a new target (replicas) or a
 * cancellation (null). Null when nothing changes; KafkaError when the entry is refused.
 */
export function planReassignment(p: PartitionView, targetReplicas: readonly number[] | null, ctx: ReassignmentContext): PartitionChange | null {
  if (targetReplicas === null) {
    if (!isReassigning(p)) throw new KafkaError(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS))
    const revert = revertReassignment(p)
    if (revert.unclean && !ctx.uncleanLeaderElection) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Unable to revert partition assignment for ${ctx.partitionName} because it would require an unclean leader election.`,
      )
    }
    return buildPartitionChange(p, revert.isr, ctx.uncleanLeaderElection ? 'UNCLEAN' : 'ONLINE', ctx.isAcceptableLeader, {
      replicas: revert.replicas,
      addingReplicas: [],
      removingReplicas: [],
    })
  }
  validateManualAssignment(targetReplicas, undefined, ctx.isRegistered)
  const next = reassignmentReplicas(p.replicas, targetReplicas)
  // As Kafka's builder: an empty adding or removing set leaves the partition's current one in place.
  return buildPartitionChange(p, p.isr, 'ONLINE', ctx.isAcceptableLeader, {
    replicas: next.replicas,
    addingReplicas: next.adding.length > 0 ? next.adding : (p.addingReplicas ?? []),
    removingReplicas: next.removing.length > 0 ? next.removing : (p.removingReplicas ?? []),
  })
}
