// Partition leader election and ISR changes, as pure functions of a partition's registration and
// which brokers may lead (Kafka's PartitionChangeBuilder, without ELR). A minimal version written
// for the control plane (fencing, unfencing, controlled shutdown); replication (H14) owns and
// extends this file (AlterPartition, ElectLeaders, preferred leaders).

export const NO_LEADER = -1

export interface PartitionView {
  replicas: readonly number[]
  isr: readonly number[]
  leader: number
}

export interface PartitionChange {
  /** Set when the leader changes (NO_LEADER for none). */
  leader?: number
  /** Set when the ISR changes. */
  isr?: number[]
  /** True when the new leader came from outside the ISR. */
  unclean: boolean
}

export interface ElectionOptions {
  /** unclean.leader.election.enable: take a live replica outside the ISR when the ISR has none. */
  uncleanLeaderElection: boolean
}

/**
 * The change when `brokerToRemove` is fenced, shuts down in a controlled way or is unregistered:
 * it leaves the ISR (which never becomes empty: the last member stays, leaderless), and a
 * partition it led gets the first live ISR replica in replica order as leader. Null when nothing
 * changes.
 */
export function removeBrokerFromPartition(p: PartitionView, brokerToRemove: number, isAcceptableLeader: (id: number) => boolean, opts: ElectionOptions): PartitionChange | null {
  const acceptable = (id: number) => id !== brokerToRemove && isAcceptableLeader(id)
  let isr = p.isr.filter((id) => id !== brokerToRemove)
  if (isr.length === 0) isr = [...p.isr]
  let leader = p.leader
  let unclean = false
  if (leader === brokerToRemove || leader === NO_LEADER || !acceptable(leader)) {
    const elected = electLeader(p.replicas, isr, acceptable, opts)
    leader = elected.leader
    unclean = elected.unclean
    if (unclean) isr = [leader]
  }
  return changeOf(p, leader, isr, unclean)
}

/** The change when `broker` is unfenced: leaderless partitions where it may lead get it (or another live ISR member). */
export function electForLeaderlessPartition(p: PartitionView, isAcceptableLeader: (id: number) => boolean, opts: ElectionOptions): PartitionChange | null {
  if (p.leader !== NO_LEADER) return null
  const elected = electLeader(p.replicas, p.isr, isAcceptableLeader, opts)
  if (elected.leader === NO_LEADER) return null
  return changeOf(p, elected.leader, elected.unclean ? [elected.leader] : [...p.isr], elected.unclean)
}

/** The first acceptable replica (in replica order) in the ISR; outside it only for an unclean election. */
export function electLeader(replicas: readonly number[], isr: readonly number[], isAcceptableLeader: (id: number) => boolean, opts: ElectionOptions): {leader: number; unclean: boolean} {
  for (const id of replicas) if (isr.includes(id) && isAcceptableLeader(id)) return {leader: id, unclean: false}
  if (opts.uncleanLeaderElection) for (const id of replicas) if (isAcceptableLeader(id)) return {leader: id, unclean: true}
  return {leader: NO_LEADER, unclean: false}
}

function changeOf(p: PartitionView, leader: number, isr: number[], unclean: boolean): PartitionChange | null {
  const isrChanged = isr.length !== p.isr.length || isr.some((id, i) => p.isr[i] !== id)
  if (leader === p.leader && !isrChanged) return null
  const change: PartitionChange = {unclean}
  if (leader !== p.leader) change.leader = leader
  if (isrChanged) change.isr = isr
  return change
}
