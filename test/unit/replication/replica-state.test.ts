// A leader's view of a follower (src/replication/replica-state.ts): when it counts as caught up,
// as Kafka's Replica.updateFetchStateOrThrow and isCaughtUp decide.

import {describe, expect, it} from 'vitest'

import {ReplicaState, UNKNOWN_OFFSET} from '../../../src/replication/replica-state.js'

describe('ReplicaState', () => {
  it('is caught up as of a fetch at the leader’s log end, or as of the previous fetch when it asked for what the leader had then', () => {
    const r = new ReplicaState(2)
    r.updateFetchState(100, 0, 1000, 100, 7n)
    expect(r.lastCaughtUpTimeMs).toBe(1000)
    // The leader grew to 150 meanwhile; the follower asks from 100 (what the leader had at its last fetch).
    r.updateFetchState(100, 0, 2000, 150, 7n)
    expect(r.lastCaughtUpTimeMs).toBe(1000)
    r.updateFetchState(150, 0, 3000, 180, 7n)
    expect(r.lastCaughtUpTimeMs).toBe(2000)
    expect(r).toMatchObject({logEndOffset: 150, lastFetchLeaderLogEndOffset: 180, lastFetchTimeMs: 3000, brokerEpoch: 7n})
  })

  it('isCaughtUp: at the leader’s end, or caught up within the lag time', () => {
    const r = new ReplicaState(2)
    r.updateFetchState(100, 0, 1000, 100, 7n)
    expect(r.isCaughtUp(100, 99_999, 30_000)).toBe(true)
    expect(r.isCaughtUp(120, 31_000, 30_000)).toBe(true)
    expect(r.isCaughtUp(120, 31_001, 30_000)).toBe(false)
  })

  it('reset: a new leader knows nothing of the follower’s log; ISR members get a fresh lag allowance', () => {
    const r = new ReplicaState(2)
    r.updateFetchState(100, 5, 1000, 100, 7n)
    r.reset(5000, 100, true, true)
    expect(r).toMatchObject({logEndOffset: UNKNOWN_OFFSET, logStartOffset: UNKNOWN_OFFSET, lastCaughtUpTimeMs: 5000, brokerEpoch: null})
    r.reset(6000, 100, false, false)
    expect(r).toMatchObject({lastCaughtUpTimeMs: 0, lastFetchLeaderLogEndOffset: 100, lastFetchTimeMs: 6000})
  })
})
