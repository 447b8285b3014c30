// Partition leader elections, ISR changes and reassignment steps, as pure functions of a
// partition's registration and of which brokers may lead or join the ISR (Kafka's
// PartitionChangeBuilder and the parts of ReplicationControlManager that decide AlterPartition
// and ElectLeaders, without ELR). The controller turns a PartitionChange into a
// PartitionChangeRecord; a change carrying a leader bumps the leader epoch, every change the
// partition epoch.
//
// Elections, as Kafka's builder runs them:
// - ONLINE (fencing, controlled shutdown, AlterPartition): keep the leader while it is in the ISR
//   and acceptable, else the first acceptable ISR member in replica order.
// - PREFERRED (ElectLeaders, auto.leader.rebalance.enable): the first replica when it is in the
//   ISR and acceptable, else as ONLINE.
// - UNCLEAN (unclean.leader.election.enable, ElectLeaders UNCLEAN): as ONLINE, then any
//   acceptable replica; the ISR becomes that replica alone (records may be lost).

import {ErrorCode, errorMessage} from '../protocol/errors.js'

export const NO_LEADER = -1

/** ElectLeaders' election types (KIP-460). */
export const ElectionType = {PREFERRED: 0, UNCLEAN: 1} as const

export interface PartitionView {
  /** During a reassignment: the target replicas followed by those being removed. */
  replicas: readonly number[]
  isr: readonly number[]
  leader: number
  /** An ongoing reassignment's replicas being added (absent or empty when none). */
  addingReplicas?: readonly number[]
  /** An ongoing reassignment's replicas being removed (absent or empty when none). */
  removingReplicas?: readonly number[]
}

/** A registration with its epochs, as AlterPartition checks it. */
export interface PartitionEpochView extends PartitionView {
  leaderEpoch: number
  partitionEpoch: number
}

export interface PartitionChange {
  /**
   * Set when the leader epoch must increase: a new leader (NO_LEADER for none), or the same
   * leader when replicas leave the assignment (Kafka's PartitionChangeRecord semantics).
   */
  leader?: number
  /** Set when the ISR changes. */
  isr?: number[]
  /** Set when the assignment changes (a reassignment starts, completes or is cancelled). */
  replicas?: number[]
  addingReplicas?: number[]
  removingReplicas?: number[]
  /** True when the new leader came from outside the ISR. */
  unclean: boolean
}

/** The assignment a change moves to; the partition's own when not given. */
export interface TargetAssignment {
  replicas: readonly number[]
  addingReplicas: readonly number[]
  removingReplicas: readonly number[]
}

export interface ElectionOptions {
  /** unclean.leader.election.enable: take a live replica outside the ISR when the ISR has none. */
  uncleanLeaderElection: boolean
}

export type Election = 'PREFERRED' | 'ONLINE' | 'UNCLEAN'

/**
 * Kafka's PartitionReassignmentReplicas.maybeCompleteReassignment: a reassignment completes once
 * the ISR holds every target replica (and one that stays); the removing replicas then leave both
 * the replicas and the ISR. Null while it cannot complete (or none is in progress).
 */
export function completedReassignment(
  replicas: readonly number[],
  adding: readonly number[],
  removing: readonly number[],
  targetIsr: readonly number[],
): {replicas: number[]; isr: number[]} | null {
  if (adding.length === 0 && removing.length === 0) return null
  const isr = targetIsr.filter((id) => !removing.includes(id))
  const target = replicas.filter((id) => !removing.includes(id))
  if (isr.length === 0 || target.length === 0) return null
  if (!target.every((id) => isr.includes(id))) return null
  return {replicas: target, isr}
}

/**
 * Kafka's PartitionChangeBuilder.build without ELR: complete a reassignment the target ISR
 * allows, elect a leader among the target replicas for the target ISR, bump the leader epoch
 * when replicas leave the assignment, then report what differs from the registration. Null when
 * nothing changes.
 */
export function buildPartitionChange(
  p: PartitionView,
  targetIsr: readonly number[],
  election: Election,
  isAcceptableLeader: (id: number) => boolean,
  target?: TargetAssignment,
): PartitionChange | null {
  const currentAdding = p.addingReplicas ?? []
  const currentRemoving = p.removingReplicas ?? []
  let replicas = [...(target?.replicas ?? p.replicas)]
  let adding = [...(target?.addingReplicas ?? currentAdding)]
  let removing = [...(target?.removingReplicas ?? currentRemoving)]
  let isr = [...targetIsr]
  const completed = completedReassignment(replicas, adding, removing, isr)
  if (completed !== null) {
    replicas = completed.replicas
    isr = completed.isr
    adding = []
    removing = []
  }

  const valid = (id: number) => isr.includes(id) && isAcceptableLeader(id)
  let leader = p.leader
  let unclean = false
  if (election === 'PREFERRED' && replicas.length > 0 && valid(replicas[0]!)) leader = replicas[0]!
  else if (!valid(p.leader)) {
    const online = replicas.find(valid)
    if (online !== undefined) leader = online
    else if (election === 'UNCLEAN') {
      const any = replicas.find((id) => isAcceptableLeader(id))
      leader = any ?? NO_LEADER
      unclean = any !== undefined && any !== p.leader
    } else leader = NO_LEADER
  }
  // An unclean leader is the whole ISR: whatever the others hold may be lost.
  const electedIsr = unclean ? [leader] : isr
  // Without ELR, an ISR never becomes empty.
  const newIsr = electedIsr.length === 0 ? [...p.isr] : electedIsr
  // Replicas leaving the assignment must not keep fetching in the old epoch.
  const epochBump = leader === p.leader && !p.replicas.every((id) => replicas.includes(id))

  const change: PartitionChange = {unclean}
  let changed = false
  if (leader !== p.leader || epochBump) {
    change.leader = leader
    changed = true
  }
  if (!sameList(newIsr, p.isr)) {
    change.isr = newIsr
    changed = true
  }
  if (replicas.length > 0 && !sameList(replicas, p.replicas)) {
    change.replicas = replicas
    changed = true
  }
  if (!sameList(removing, currentRemoving)) {
    change.removingReplicas = removing
    changed = true
  }
  if (!sameList(adding, currentAdding)) {
    change.addingReplicas = adding
    changed = true
  }
  return changed ? change : null
}

/**
 * The change when `brokerToRemove` is fenced, shuts down in a controlled way or is unregistered:
 * it leaves the ISR (which never becomes empty: the last member stays, leaderless), and a
 * partition it led gets the first live ISR replica in replica order as leader. Null when nothing
 * changes.
 */
export function removeBrokerFromPartition(p: PartitionView, brokerToRemove: number, isAcceptableLeader: (id: number) => boolean, opts: ElectionOptions): PartitionChange | null {
  const acceptable = (id: number) => id !== brokerToRemove && isAcceptableLeader(id)
  const isr = p.isr.filter((id) => id !== brokerToRemove)
  return buildPartitionChange(p, isr, opts.uncleanLeaderElection ? 'UNCLEAN' : 'ONLINE', acceptable)
}

/** The change when `broker` is unfenced: leaderless partitions where it may lead get it (or another live ISR member). */
export function electForLeaderlessPartition(p: PartitionView, isAcceptableLeader: (id: number) => boolean, opts: ElectionOptions): PartitionChange | null {
  if (p.leader !== NO_LEADER) return null
  const change = buildPartitionChange(p, p.isr, opts.uncleanLeaderElection ? 'UNCLEAN' : 'ONLINE', isAcceptableLeader)
  return change !== null && change.leader !== undefined && change.leader !== NO_LEADER ? change : null
}

/** The first acceptable replica (in replica order) in the ISR; outside it only for an unclean election. */
export function electLeader(replicas: readonly number[], isr: readonly number[], isAcceptableLeader: (id: number) => boolean, opts: ElectionOptions): {leader: number; unclean: boolean} {
  for (const id of replicas) if (isr.includes(id) && isAcceptableLeader(id)) return {leader: id, unclean: false}
  if (opts.uncleanLeaderElection) for (const id of replicas) if (isAcceptableLeader(id)) return {leader: id, unclean: true}
  return {leader: NO_LEADER, unclean: false}
}

/** Whether the partition is led by its first replica (Kafka's hasPreferredLeader). */
export function hasPreferredLeader(p: PartitionView): boolean {
  return p.replicas.length > 0 && p.leader === p.replicas[0]
}

// ------------------------------------------------------------------ ElectLeaders

export interface ElectionOutcome {
  errorCode: number
  errorMessage: string | null
  change: PartitionChange | null
}

/**
 * ElectLeaders for one existing partition (Kafka's ReplicationControlManager.electLeader):
 * ELECTION_NOT_NEEDED when the preferred replica already leads (PREFERRED) or there is a leader
 * (UNCLEAN); PREFERRED_LEADER_NOT_AVAILABLE / ELIGIBLE_LEADERS_NOT_AVAILABLE when the election
 * changes nothing.
 */
export function electLeadersFor(p: PartitionView, electionType: number, isAcceptableLeader: (id: number) => boolean): ElectionOutcome {
  const preferred = electionType === ElectionType.PREFERRED
  if ((preferred && hasPreferredLeader(p)) || (!preferred && p.leader !== NO_LEADER)) return apiError(ErrorCode.ELECTION_NOT_NEEDED)
  const change = buildPartitionChange(p, p.isr, preferred ? 'PREFERRED' : 'UNCLEAN', isAcceptableLeader)
  if (change === null) return apiError(preferred ? ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE : ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE)
  return {errorCode: ErrorCode.NONE, errorMessage: null, change}
}

function apiError(code: number): ElectionOutcome {
  return {errorCode: code, errorMessage: errorMessage(code), change: null}
}

// ------------------------------------------------------------------ AlterPartition

/** What the controller knows of a broker the new ISR names. */
export interface IsrCandidate {
  fenced: boolean
  inControlledShutdown: boolean
  epoch: bigint
}

export interface AlterPartitionData {
  brokerId: number
  /** The request's version: before v2 topics go by name and errors are the older ones. */
  version: number
  leaderEpoch: number
  partitionEpoch: number
  newIsr: ReadonlyArray<{brokerId: number; brokerEpoch: bigint}>
  leaderRecoveryState: number
}

export interface AlterPartitionCheck {
  errorCode: number
  /** Why, for the controller's log. */
  reason: string
}

/** Kafka's validateAlterPartitionData: NONE, or the error for the partition. */
export function validateAlterPartition(p: PartitionEpochView, d: AlterPartitionData, registration: (id: number) => IsrCandidate | undefined): AlterPartitionCheck {
  // A leader ahead of this controller: another controller is active.
  if (d.leaderEpoch > p.leaderEpoch) return {errorCode: ErrorCode.NOT_CONTROLLER, reason: `the leader epoch ${d.leaderEpoch} is newer than ${p.leaderEpoch}`}
  if (d.partitionEpoch > p.partitionEpoch) return {errorCode: ErrorCode.NOT_CONTROLLER, reason: `the partition epoch ${d.partitionEpoch} is newer than ${p.partitionEpoch}`}
  if (d.leaderEpoch < p.leaderEpoch) return {errorCode: ErrorCode.FENCED_LEADER_EPOCH, reason: `the current leader epoch is ${p.leaderEpoch}, not ${d.leaderEpoch}`}
  if (d.brokerId !== p.leader) return {errorCode: ErrorCode.INVALID_REQUEST, reason: `the current leader is ${p.leader}`}
  if (d.partitionEpoch < p.partitionEpoch) return {errorCode: ErrorCode.INVALID_UPDATE_VERSION, reason: `the current partition epoch is ${p.partitionEpoch}, not ${d.partitionEpoch}`}
  const isr = d.newIsr.map((b) => b.brokerId)
  if (!validIsr(p.replicas, isr)) return {errorCode: ErrorCode.INVALID_REQUEST, reason: `it specified an invalid ISR [${isr.join(', ')}]`}
  if (!isr.includes(p.leader)) return {errorCode: ErrorCode.INVALID_REQUEST, reason: `it specified an invalid ISR [${isr.join(', ')}] that doesn't include itself`}
  if (d.leaderRecoveryState === 1 && isr.length > 1) {
    return {errorCode: ErrorCode.INVALID_REQUEST, reason: `the ISR [${isr.join(', ')}] had more than one replica while the leader was still recovering from an unclean leader election`}
  }
  const ineligible: string[] = []
  for (const b of d.newIsr) {
    const reg = registration(b.brokerId)
    if (reg === undefined) ineligible.push(`${b.brokerId} (not registered)`)
    else if (reg.inControlledShutdown) ineligible.push(`${b.brokerId} (shutting down)`)
    else if (reg.fenced) ineligible.push(`${b.brokerId} (fenced)`)
    else if (b.brokerEpoch !== -1n && b.brokerEpoch !== reg.epoch) ineligible.push(`${b.brokerId} (broker epoch mismatch: requested=${b.brokerEpoch} VS expected=${reg.epoch})`)
  }
  if (ineligible.length > 0) {
    return {errorCode: d.version > 1 ? ErrorCode.INELIGIBLE_REPLICA : ErrorCode.OPERATION_NOT_ATTEMPTED, reason: `it specified ineligible replicas ${ineligible.join(', ')} in the new ISR`}
  }
  return {errorCode: ErrorCode.NONE, reason: ''}
}

/** Kafka's Replicas.validateIsr: a duplicate-free subset of the replicas with no negative ids (empty is valid). */
export function validIsr(replicas: readonly number[], isr: readonly number[]): boolean {
  const seen = new Set<number>()
  for (const id of isr) {
    if (id < 0 || seen.has(id) || !replicas.includes(id)) return false
    seen.add(id)
  }
  return true
}

export interface AlterPartitionDecision {
  /** The change to write (null: the ISR is already what was asked). */
  change: PartitionChange | null
  /** NONE, or NEW_LEADER_ELECTED (FENCED_LEADER_EPOCH before v2) when the change moved leadership. */
  errorCode: number
  /** The partition as it will be once the change is applied. */
  leader: number
  isr: number[]
  leaderEpoch: number
  partitionEpoch: number
}

/** The decision for a validated AlterPartition partition: the new ISR, the leader kept unless it may no longer lead. */
export function decideAlterPartition(p: PartitionEpochView, d: AlterPartitionData, isAcceptableLeader: (id: number) => boolean, uncleanLeaderElection: boolean): AlterPartitionDecision {
  const change = buildPartitionChange(
    p,
    d.newIsr.map((b) => b.brokerId),
    uncleanLeaderElection ? 'UNCLEAN' : 'ONLINE',
    isAcceptableLeader,
  )
  const leader = change?.leader ?? p.leader
  const leaderChanged = change?.leader !== undefined && change.leader !== p.leader
  return {
    change,
    // An ISR change that completes a reassignment may move leadership away from the sender.
    errorCode: leaderChanged && leader !== d.brokerId ? (d.version > 1 ? ErrorCode.NEW_LEADER_ELECTED : ErrorCode.FENCED_LEADER_EPOCH) : ErrorCode.NONE,
    leader,
    isr: change?.isr ?? [...p.isr],
    leaderEpoch: p.leaderEpoch + (change?.leader !== undefined ? 1 : 0),
    partitionEpoch: p.partitionEpoch + (change === null ? 0 : 1),
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => b[i] === x)
}
