// Where a follower truncates its log once it knows where the leader's log for some epoch ends
// (Kafka's AbstractFetcherThread.getOffsetTruncationState), from an OffsetForLeaderEpoch answer or
// the diverging epoch of a Fetch answer. Pure: the follower's log is seen through two numbers and
// its epoch lookup.

/** UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET as OffsetForLeaderEpoch answers them. */
export const UNDEFINED_EPOCH = -1
export const UNDEFINED_EPOCH_OFFSET = -1

export interface EpochEndOffset {
  leaderEpoch: number
  endOffset: number
}

export interface OffsetTruncationState {
  /** Truncate to here (everything at and after it goes), then fetch from here. */
  offset: number
  /** False when the follower must ask again about an earlier epoch before fetching. */
  truncationCompleted: boolean
}

export interface FollowerLogView {
  logEndOffset: number
  /** The fetch offset the partition was added with (its high watermark), used when the leader knows no offset. */
  initialFetchOffset: number
  /** The follower's own largest epoch <= `epoch` and where it ends, null when it has none. */
  endOffsetForEpoch(epoch: number): EpochEndOffset | null
}

export function offsetTruncationState(leader: EpochEndOffset, follower: FollowerLogView): OffsetTruncationState {
  // The leader knows nothing of that epoch: fall back to the offset the follower started from.
  if (leader.endOffset === UNDEFINED_EPOCH_OFFSET) return {offset: follower.initialFetchOffset, truncationCompleted: true}
  // A leader that does not track epochs: its end offset is all there is.
  if (leader.leaderEpoch === UNDEFINED_EPOCH) return {offset: Math.min(leader.endOffset, follower.logEndOffset), truncationCompleted: true}
  const own = follower.endOffsetForEpoch(leader.leaderEpoch)
  // The follower has no epoch at or below the leader's: the leader's offset decides.
  if (own === null) return {offset: Math.min(leader.endOffset, follower.logEndOffset), truncationCompleted: true}
  // The follower does not know the leader's epoch: cut back to its own earlier epoch's end and ask again.
  if (own.leaderEpoch !== leader.leaderEpoch) return {offset: Math.min(own.endOffset, follower.logEndOffset), truncationCompleted: false}
  return {offset: Math.min(own.endOffset, leader.endOffset, follower.logEndOffset), truncationCompleted: true}
}
