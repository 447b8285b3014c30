// Where a follower truncates (src/replication/truncation.ts), case by case as Kafka's
// AbstractFetcherThread.getOffsetTruncationState decides it.

import {describe, expect, it} from 'vitest'

import {offsetTruncationState, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET, type EpochEndOffset} from '../../../src/replication/truncation.js'

/** A follower log with epochs [epoch, startOffset] and a log end offset. */
function follower(epochs: Array<[number, number]>, logEndOffset: number, initialFetchOffset = 0) {
  return {
    logEndOffset,
    initialFetchOffset,
    endOffsetForEpoch(epoch: number): EpochEndOffset | null {
      let found: EpochEndOffset | null = null
      for (let i = 0; i < epochs.length; i++) {
        const [e] = epochs[i]!
        if (e > epoch) break
        found = {leaderEpoch: e, endOffset: i + 1 < epochs.length ? epochs[i + 1]![1] : logEndOffset}
      }
      return found
    },
  }
}

describe('offsetTruncationState', () => {
  it('same epoch on both sides: the smaller end offset', () => {
    expect(offsetTruncationState({leaderEpoch: 2, endOffset: 150}, follower([[0, 0], [2, 100]], 170))).toEqual({offset: 150, truncationCompleted: true})
    expect(offsetTruncationState({leaderEpoch: 2, endOffset: 200}, follower([[0, 0], [2, 100]], 170))).toEqual({offset: 170, truncationCompleted: true})
  })

  it('the leader answered an epoch the follower does not have: cut to the follower’s earlier epoch and ask again', () => {
    // The follower was leader in epoch 3 (from 120) that never reached the new leader, whose log has epochs 0 and 2.
    expect(offsetTruncationState({leaderEpoch: 2, endOffset: 110}, follower([[0, 0], [1, 50], [3, 120]], 140))).toEqual({offset: 120, truncationCompleted: false})
  })

  it('the follower has no epoch at or below the leader’s: the leader’s offset', () => {
    expect(offsetTruncationState({leaderEpoch: 1, endOffset: 40}, follower([[5, 10]], 60))).toEqual({offset: 40, truncationCompleted: true})
  })

  it('an unknown offset from the leader keeps the initial fetch offset; an unknown epoch takes the leader’s offset', () => {
    expect(offsetTruncationState({leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET}, follower([[0, 0]], 60, 33))).toEqual({offset: 33, truncationCompleted: true})
    expect(offsetTruncationState({leaderEpoch: UNDEFINED_EPOCH, endOffset: 20}, follower([[0, 0]], 60))).toEqual({offset: 20, truncationCompleted: true})
  })
})
