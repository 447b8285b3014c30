// The replicated metadata log: batches stamped with their leader epoch, LeaderChange control
// records in Kafka's framing, the divergence check a leader runs on a follower's fetch position,
// the follower's truncation, and the high watermark that survives a restart.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {MetadataLog} from '../../../src/controller/metadata-log.js'
import type {MetadataRecord} from '../../../src/controller/metadata-records.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskafka-metadata-log-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const topic = (name: string): MetadataRecord => ({type: 'TopicRecord', name, topicId: 'AAAAAAAAAAAAAAAAAAAAAg'})
const leaderChange = (leaderId: number) => ({version: 0, leaderId, voters: [{voterId: 1, voterDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA'}], grantingVoters: []})

/** A leader log: epoch 1 holds offsets 0-1, epoch 3 offsets 2-4. */
function leaderLog(at: string): MetadataLog {
  const log = MetadataLog.open(at)
  log.appendLeaderChange(1, leaderChange(1))
  log.appendAsLeader([topic('a')], 1)
  log.appendLeaderChange(3, leaderChange(2))
  log.appendAsLeader([topic('b'), topic('c')], 3)
  return log
}

describe('MetadataLog', () => {
  it('stamps each batch with its epoch and decodes LeaderChange control batches', () => {
    const log = leaderLog(dir)
    try {
      expect(log.endOffset).toBe(5)
      expect(log.lastFetchedEpoch).toBe(3)
      const batches = log.readBatches(0, 5)
      expect(batches.map((b) => [b.baseOffset, b.lastOffset, b.epoch, b.leaderChange?.leaderId ?? null, b.records.length])).toEqual([
        [0, 0, 1, 1, 0],
        [1, 1, 1, null, 1],
        [2, 2, 3, 2, 0],
        [3, 4, 3, null, 2],
      ])
      expect(log.readAll()).toEqual([topic('a'), topic('b'), topic('c')])
      expect(log.readBatches(3, 4).map((b) => b.baseOffset)).toEqual([3])
    } finally {
      log.close()
    }
  })

  it("checks a follower's fetch position as Kafka's leader does", () => {
    const log = leaderLog(dir)
    try {
      expect(log.validateOffsetAndEpoch(0, 0)).toEqual({kind: 'valid'})
      expect(log.validateOffsetAndEpoch(2, 1)).toEqual({kind: 'valid'})
      expect(log.validateOffsetAndEpoch(5, 3)).toEqual({kind: 'valid'})
      // Records of epoch 1 past offset 2 were never the leader's: truncate to 2.
      expect(log.validateOffsetAndEpoch(4, 1)).toEqual({kind: 'diverging', epoch: 1, endOffset: 2})
      // Epoch 2 never had a leader here: the largest epoch below it is 1.
      expect(log.validateOffsetAndEpoch(3, 2)).toEqual({kind: 'diverging', epoch: 1, endOffset: 2})
      expect(log.validateOffsetAndEpoch(7, 3)).toEqual({kind: 'diverging', epoch: 3, endOffset: 5})
    } finally {
      log.close()
    }
  })

  it('appends the leader batches as a follower, and truncates where the logs diverge, never below the high watermark', () => {
    const leader = leaderLog(join(dir, 'leader'))
    const follower = MetadataLog.open(join(dir, 'follower'))
    try {
      follower.appendAsFollower(leader.readRaw(0, 1 << 20), 3, true)
      expect(follower.endOffset).toBe(5)
      // Another follower got epoch 1, then a record from an epoch-2 leader that never committed it.
      const other = MetadataLog.open(join(dir, 'other'))
      other.appendLeaderChange(1, leaderChange(1))
      other.appendAsLeader([topic('a')], 1)
      other.appendLeaderChange(2, leaderChange(3))
      other.appendAsLeader([topic('x')], 2)
      expect(other.validateOffsetAndEpoch(4, 2)).toEqual({kind: 'valid'})
      const diverging = leader.validateOffsetAndEpoch(other.endOffset, other.lastFetchedEpoch)
      expect(diverging).toEqual({kind: 'diverging', epoch: 1, endOffset: 2})
      other.updateHighWatermark(2)
      expect(other.truncateToEndOffset(1, 2)).toBe(2)
      expect(other.lastFetchedEpoch).toBe(1)
      expect(() => other.truncateToEndOffset(1, 1)).toThrow('below the high watermark 2')
      other.close()
    } finally {
      leader.close()
      follower.close()
    }
  })

  it('keeps the high watermark across a restart, so the committed prefix replays at once', () => {
    const log = leaderLog(dir)
    log.updateHighWatermark(2)
    log.close()
    const again = MetadataLog.open(dir)
    try {
      expect(again.highWatermark).toBe(2)
      expect(again.endOffset).toBe(5)
      expect(again.readBatches(0, again.highWatermark).flatMap((b) => b.records)).toEqual([topic('a')])
    } finally {
      again.close()
    }
  })
})
