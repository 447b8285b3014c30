import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {
  CheckpointFormatError,
  formatCleanShutdown,
  parseCheckpoint,
  parsePartitionMetadata,
  readCleanShutdownFile,
  readLeaderEpochCheckpoint,
  readOffsetCheckpoint,
  readPartitionMetadata,
  writeCleanShutdownFile,
  writeLeaderEpochCheckpoint,
  writeOffsetCheckpoint,
  writePartitionMetadata,
} from '../../../src/storage/checkpoints.js'
import {LeaderEpochFileCache} from '../../../src/storage/leader-epoch-cache.js'
import {cleanupTempDirs, tempDir} from './helpers.js'

afterEach(() => cleanupTempDirs())

// The expected bytes below are what Kafka 4.3's own classes write (OffsetCheckpointFile,
// LeaderEpochCheckpointFile, PartitionMetadataFile, CleanShutdownFileHandler); the
// integration suite storage-dump-log.test.ts re-checks them against the real jars.
describe('checkpoint file formats', () => {
  it('writes offset checkpoints as "0\\n<count>\\n" then "topic partition offset" lines, via a temp file', () => {
    const dir = tempDir()
    const path = join(dir, 'recovery-point-offset-checkpoint')
    writeOffsetCheckpoint(path, [
      {topic: 'orders', partition: 1, offset: 7},
      {topic: 'orders', partition: 0, offset: 1234567890123},
      {topic: 'audit.log', partition: 10, offset: 0},
    ])
    expect(readFileSync(path, 'utf8')).toBe('0\n3\naudit.log 10 0\norders 0 1234567890123\norders 1 7\n')
    expect(existsSync(`${path}.tmp`)).toBe(false)
    expect(readOffsetCheckpoint(path)).toEqual([
      {topic: 'audit.log', partition: 10, offset: 0},
      {topic: 'orders', partition: 0, offset: 1234567890123},
      {topic: 'orders', partition: 1, offset: 7},
    ])
    writeOffsetCheckpoint(path, [])
    expect(readFileSync(path, 'utf8')).toBe('0\n0\n')
  })

  it('writes leader-epoch-checkpoint as "epoch startOffset" lines', () => {
    const path = join(tempDir(), 'leader-epoch-checkpoint')
    writeLeaderEpochCheckpoint(path, [
      {epoch: 0, startOffset: 0},
      {epoch: 3, startOffset: 17},
    ])
    expect(readFileSync(path, 'utf8')).toBe('0\n2\n0 0\n3 17\n')
    expect(readLeaderEpochCheckpoint(path)).toEqual([
      {epoch: 0, startOffset: 0},
      {epoch: 3, startOffset: 17},
    ])
  })

  it('reads checkpoints as Kafka does: empty files, CRLF, extra spaces; rejects bad versions and counts', () => {
    expect(parseCheckpoint('', 0, 'x')).toEqual([])
    expect(parseCheckpoint('0\n', 0, 'x')).toEqual([])
    expect(parseCheckpoint('0\r\n1\r\nt  0   5\r\n', 0, 'x')).toEqual(['t  0   5'])
    expect(() => parseCheckpoint('1\n0\n', 0, 'f')).toThrow('Unrecognised version:1, expected version: 0 in checkpoint file at: f')
    expect(() => parseCheckpoint('0\n2\na 0 1\n', 0, 'f')).toThrow('Expected [2] entries in checkpoint file [f], but found only [1]')
    expect(() => parseCheckpoint('zero\n', 0, 'f')).toThrow(CheckpointFormatError)
    const path = join(tempDir(), 'cp')
    writeFileSync(path, '0\n1\nonly-two 5\n')
    expect(() => readOffsetCheckpoint(path)).toThrow(`Malformed line in checkpoint file [${path}]: only-two 5`)
  })

  it('writes partition.metadata without a trailing newline', () => {
    const dir = tempDir()
    writePartitionMetadata(dir, 'MjZ6YjpNRZ-5aHJTFhVNXA')
    expect(readFileSync(join(dir, 'partition.metadata'), 'utf8')).toBe('version: 0\ntopic_id: MjZ6YjpNRZ-5aHJTFhVNXA')
    expect(readPartitionMetadata(dir)).toBe('MjZ6YjpNRZ-5aHJTFhVNXA')
    expect(() => parsePartitionMetadata('version: 1\ntopic_id: MjZ6YjpNRZ-5aHJTFhVNXA', 'p')).toThrow(/Unrecognised version:1/)
    expect(() => parsePartitionMetadata('version: 0\ntopicid: x', 'p')).toThrow(/Malformed line/)
    expect(readPartitionMetadata(tempDir())).toBeNull()
  })

  it('writes the clean shutdown marker as Kafka 3.7+ JSON with the broker epoch', () => {
    const dir = tempDir()
    writeCleanShutdownFile(dir, 42)
    expect(readFileSync(join(dir, '.kafka_cleanshutdown'), 'utf8')).toBe('{"version":0,"brokerEpoch":42}')
    expect(readCleanShutdownFile(dir)).toBe(42)
    expect(formatCleanShutdown(-1)).toBe('{"version":0,"brokerEpoch":-1}')
    writeFileSync(join(dir, '.kafka_cleanshutdown'), 'not json')
    expect(readCleanShutdownFile(dir)).toBeNull()
  })
})

describe('leader epoch cache', () => {
  it('keeps entries monotonic in epoch and start offset', () => {
    const c = new LeaderEpochFileCache(null)
    expect(c.assign(1, 0)).toBe(true)
    expect(c.assign(1, 5)).toBe(false) // same epoch, later offset: nothing to record
    expect(c.assign(2, 10)).toBe(true)
    expect(c.assign(4, 20)).toBe(true)
    // A lower start offset for an epoch rewrites the tail (a new leader truncated us).
    c.assign(3, 15)
    expect(c.epochEntries()).toEqual([
      {epoch: 1, startOffset: 0},
      {epoch: 2, startOffset: 10},
      {epoch: 3, startOffset: 15},
    ])
    expect(c.epochForOffset(12)).toBe(2)
    expect(c.epochForOffset(15)).toBe(3)
    expect(c.previousEpoch()).toBe(2)
    expect(c.nextEpoch(2)).toBe(3)
  })

  it('answers endOffsetFor as Kafka does', () => {
    const c = new LeaderEpochFileCache(null, [
      {epoch: 2, startOffset: 10},
      {epoch: 5, startOffset: 40},
    ])
    expect(c.endOffsetFor(5, 99)).toEqual({epoch: 5, endOffset: 99})
    expect(c.endOffsetFor(3, 99)).toEqual({epoch: 2, endOffset: 40})
    expect(c.endOffsetFor(1, 99)).toEqual({epoch: 1, endOffset: 10})
    expect(c.endOffsetFor(7, 99)).toEqual({epoch: -1, endOffset: -1})
    expect(c.endOffsetFor(-1, 99)).toEqual({epoch: -1, endOffset: -1})
  })

  it('truncates from the start (moving the first entry) and from the end, persisting the file', () => {
    const dir = tempDir()
    const c = LeaderEpochFileCache.load(dir)
    expect(readFileSync(join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('')
    c.assign(0, 0)
    c.assign(1, 10)
    c.assign(2, 20)
    c.truncateFromStart(15)
    expect(c.epochEntries()).toEqual([
      {epoch: 1, startOffset: 15},
      {epoch: 2, startOffset: 20},
    ])
    c.truncateFromEnd(20)
    expect(readFileSync(join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n1 15\n')
    expect(LeaderEpochFileCache.load(dir).epochEntries()).toEqual([{epoch: 1, startOffset: 15}])
  })
})
