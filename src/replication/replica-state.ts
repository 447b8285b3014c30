// What a partition leader knows of one follower replica (Kafka's cluster.Replica): its log end
// and start offsets as of its last fetch, when it last was caught up, and the broker epoch it
// fetched with. The leader's high watermark and its ISR decisions are made from these.

/** An offset not known yet (the follower has not fetched since this broker became leader). */
export const UNKNOWN_OFFSET = -1

export class ReplicaState {
  logEndOffset = UNKNOWN_OFFSET
  logStartOffset = UNKNOWN_OFFSET
  /** The leader's log end offset when the follower last fetched. */
  lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET
  lastFetchTimeMs = 0
  /** The last time the follower had everything the leader had. */
  lastCaughtUpTimeMs = 0
  /** The broker epoch the follower fetched with (Fetch v15+), -1 when it sent none, null before any fetch. */
  brokerEpoch: bigint | null = null

  constructor(readonly brokerId: number) {}

  /**
   * Kafka's Replica.updateFetchStateOrThrow: a fetch from `fetchOffset` means the follower holds
   * everything below it. It is caught up as of this fetch when it asked for the leader's log end
   * offset, and as of the previous fetch when it asked for at least what the leader had then.
   */
  updateFetchState(fetchOffset: number, logStartOffset: number, fetchTimeMs: number, leaderEndOffset: number, brokerEpoch: bigint): void {
    if (fetchOffset >= leaderEndOffset) this.lastCaughtUpTimeMs = Math.max(this.lastCaughtUpTimeMs, fetchTimeMs)
    else if (fetchOffset >= this.lastFetchLeaderLogEndOffset) this.lastCaughtUpTimeMs = Math.max(this.lastCaughtUpTimeMs, this.lastFetchTimeMs)
    this.logStartOffset = logStartOffset
    this.logEndOffset = fetchOffset
    this.lastFetchLeaderLogEndOffset = leaderEndOffset
    this.lastFetchTimeMs = fetchTimeMs
    this.brokerEpoch = brokerEpoch
  }

  /**
   * Kafka's Replica.resetReplicaState, when this broker becomes leader or starts a new leader
   * epoch: ISR members count as caught up now (they get replica.lag.time.max.ms to fetch), the
   * others not; a new leader knows nothing of the followers' logs yet.
   */
  reset(now: number, leaderEndOffset: number, isNewLeader: boolean, inSync: boolean): void {
    if (isNewLeader) {
      this.logEndOffset = UNKNOWN_OFFSET
      this.logStartOffset = UNKNOWN_OFFSET
      this.lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET
      this.lastFetchTimeMs = 0
      this.brokerEpoch = null
    } else {
      this.lastFetchLeaderLogEndOffset = leaderEndOffset
      this.lastFetchTimeMs = now
    }
    this.lastCaughtUpTimeMs = inSync ? now : 0
  }

  /** Kafka's ReplicaState.isCaughtUp: at the leader's end, or caught up within the last maxLagMs. */
  isCaughtUp(leaderEndOffset: number, now: number, maxLagMs: number): boolean {
    return leaderEndOffset === this.logEndOffset || now - this.lastCaughtUpTimeMs <= maxLagMs
  }
}
