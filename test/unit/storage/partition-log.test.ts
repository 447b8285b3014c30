import {appendFileSync, existsSync, openSync, readdirSync, readFileSync, closeSync, statSync, truncateSync, writeSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {ErrorCode} from '../../../src/protocol/errors.js'
import {encodeRecordBatch, readBatchHeader, verifyBatchCrc, iterateBatches} from '../../../src/protocol/record-batch.js'
import {ListOffsetsTimestamp, PartitionLog} from '../../../src/storage/partition-log.js'
import {logConfig} from '../../../src/storage/log-config.js'
import {Clock, T0, batch, cleanupTempDirs, decodeAll, openTestLog, sizedBatch, tempDir} from './helpers.js'

afterEach(() => cleanupTempDirs())

const files = (dir: string) => readdirSync(dir).sort()
const segmentBases = (log: PartitionLog) => log.logSegments().map((s) => s.baseOffset)

function expectKafkaError(fn: () => unknown, code: number): void {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  expect(caught, 'expected an error').toBeDefined()
  expect((caught as {code?: number}).code).toBe(code)
}

describe('append and read', () => {
  it('assigns offsets, stamps the leader epoch in place and reads the batches back', () => {
    const t = openTestLog()
    const r1 = t.log.append(batch(['a', 'b', 'c']), {leaderEpoch: 7})
    const r2 = t.log.append(batch({values: ['d'], keys: [null]}), {leaderEpoch: 7})
    expect(r1).toMatchObject({baseOffset: 0, lastOffset: 2, recordCount: 3, batchCount: 1, logAppendTime: -1, logStartOffset: 0})
    expect(r2).toMatchObject({baseOffset: 3, lastOffset: 3, recordCount: 1, maxTimestamp: T0})
    expect(t.log.logEndOffset).toBe(4)
    t.log.updateHighWatermark(4)
    const read = t.log.read(0, 1 << 20)
    expect(read).toMatchObject({highWatermark: 4, logEndOffset: 4, logStartOffset: 0, position: 0, segmentBaseOffset: 0, firstEntryIncomplete: false})
    const records = decodeAll(read.records)
    expect(records.map((r) => [r.offset, r.key, r.value, r.leaderEpoch])).toEqual([
      [0, 'k0', 'a', 7],
      [1, 'k1', 'b', 7],
      [2, 'k2', 'c', 7],
      [3, null, 'd', 7],
    ])
    for (const e of iterateBatches(read.records)) expect(verifyBatchCrc(e.bytes)).toBe(true)
    // The bytes on disk are the producer's bytes with only baseOffset and the epoch changed.
    const produced = batch(['a', 'b', 'c'])
    const stored = read.records.subarray(0, produced.length)
    expect(stored.subarray(16).equals(produced.subarray(16))).toBe(true)
    expect(stored.readBigInt64BE(0)).toBe(0n)
    expect(stored.readInt32BE(12)).toBe(7)
  })

  it('starts at the batch holding the fetch offset and honours maxBytes like Kafka', () => {
    const t = openTestLog()
    const b = batch(['a', 'b'])
    for (let i = 0; i < 4; i++) t.log.append(batch(['a', 'b']), {leaderEpoch: 0})
    t.log.updateHighWatermark(t.log.logEndOffset)
    const mid = t.log.read(3, 1 << 20)
    expect(mid.position).toBe(b.length)
    expect(decodeAll(mid.records)[0]!.offset).toBe(2)
    // minOneMessage: the whole first batch even when maxBytes is smaller.
    expect(t.log.read(0, 10).records.length).toBe(b.length)
    // Without minOneMessage Kafka's segment read returns the cut batch and flags it (Fetch v3+ then answers empty).
    const cut = t.log.read(0, 10, {minOneMessage: false})
    expect(cut.records.length).toBe(10)
    expect(cut.firstEntryIncomplete).toBe(true)
    // A limit inside the second batch returns the first batch plus a partial second one.
    expect(t.log.read(0, b.length + 5).records.length).toBe(b.length + 5)
    expect(decodeAll(t.log.read(0, b.length + 5).records)).toHaveLength(2)
  })

  it('never returns data at or past the high watermark unless reading to the log end', () => {
    const t = openTestLog()
    for (let i = 0; i < 5; i++) t.log.append(batch([`v${i}`]), {leaderEpoch: 0})
    expect(t.log.highWatermark).toBe(0)
    expect(t.log.read(0, 1 << 20).records.length).toBe(0)
    t.log.updateHighWatermark(3)
    expect(decodeAll(t.log.read(0, 1 << 20).records).map((r) => r.offset)).toEqual([0, 1, 2])
    expect(t.log.read(3, 1 << 20).records.length).toBe(0)
    expect(t.log.read(4, 1 << 20).records.length).toBe(0)
    expect(decodeAll(t.log.read(0, 1 << 20, {isolation: 'log-end'}).records).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4])
    expect(t.log.updateHighWatermark(99)).toBe(5)
    expect(t.log.updateHighWatermark(-3)).toBe(0)
  })

  it('throws OFFSET_OUT_OF_RANGE outside [log start, log end]', () => {
    const t = openTestLog()
    t.log.append(batch(['a']), {leaderEpoch: 0})
    expectKafkaError(() => t.log.read(2, 100), ErrorCode.OFFSET_OUT_OF_RANGE)
    expect(t.log.read(1, 100).records.length).toBe(0)
  })

  it('stamps LogAppendTime: attribute bit, max timestamp and a recomputed CRC', () => {
    const t = openTestLog({messageTimestampType: 'LogAppendTime'})
    t.clock.now = T0 + 5000
    const r = t.log.append(batch(['a', 'b']), {leaderEpoch: 1})
    expect(r.logAppendTime).toBe(T0 + 5000)
    t.log.updateHighWatermark(2)
    const bytes = t.log.read(0, 1 << 20).records
    const h = readBatchHeader(bytes)
    expect(h.timestampType).toBe(1)
    expect(h.maxTimestamp).toBe(BigInt(T0 + 5000))
    expect(verifyBatchCrc(bytes)).toBe(true)
    expect(decodeAll(bytes).map((x) => x.timestamp)).toEqual([T0 + 5000, T0 + 5000])
  })

  it('rejects corrupt, truncated, oversized and non-client batches with Kafka error codes', () => {
    const t = openTestLog({maxMessageBytes: 2000, segmentBytes: 1024 * 1024})
    const bad = batch(['a'])
    bad[bad.length - 1] ^= 0xff
    expectKafkaError(() => t.log.append(bad, {leaderEpoch: 0}), ErrorCode.CORRUPT_MESSAGE)
    expectKafkaError(() => t.log.append(batch(['a']).subarray(0, 40), {leaderEpoch: 0}), ErrorCode.CORRUPT_MESSAGE)
    const good = batch(['a'])
    expectKafkaError(() => t.log.append(Buffer.concat([good, good.subarray(0, 70)]), {leaderEpoch: 0}), ErrorCode.CORRUPT_MESSAGE)
    expectKafkaError(() => t.log.append(sizedBatch(1, 3000), {leaderEpoch: 0}), ErrorCode.MESSAGE_TOO_LARGE)
    const offsetFive = encodeRecordBatch({baseOffset: 5n, records: [{value: 'x', timestamp: BigInt(T0)}]})
    expectKafkaError(() => t.log.append(offsetFive, {leaderEpoch: 0}), ErrorCode.INVALID_RECORD)
    const control = encodeRecordBatch({isControl: true, records: [{key: Buffer.from([0, 0, 0, 1]), value: 'x', timestamp: BigInt(T0)}]})
    expectKafkaError(() => t.log.append(control, {leaderEpoch: 0}), ErrorCode.INVALID_RECORD)
    const magic1 = batch(['a'])
    magic1[16] = 1
    expectKafkaError(() => t.log.append(magic1, {leaderEpoch: 0}), ErrorCode.INVALID_RECORD)
    expectKafkaError(() => t.log.append(batch({values: ['late'], timestamps: [T0 + 2 * 3_600_000]}), {leaderEpoch: 0}), ErrorCode.INVALID_TIMESTAMP)
    // Nothing was written by the failed appends.
    expect(t.log.logEndOffset).toBe(0)
    expect(t.log.size).toBe(0)
    const small = openTestLog({segmentBytes: 100})
    expectKafkaError(() => small.log.append(sizedBatch(1, 200), {leaderEpoch: 0}), ErrorCode.RECORD_LIST_TOO_LARGE)
  })

  it('appends several batches from one buffer with consecutive offsets', () => {
    const t = openTestLog()
    const r = t.log.append(Buffer.concat([batch(['a', 'b']), batch(['c']), batch(['d', 'e', 'f'])]), {leaderEpoch: 3})
    expect(r).toMatchObject({baseOffset: 0, lastOffset: 5, batchCount: 3, recordCount: 6})
    t.log.updateHighWatermark(6)
    const bases = [...iterateBatches(t.log.read(0, 1 << 20).records)].map((e) => e.header.baseOffset)
    expect(bases).toEqual([0n, 2n, 3n])
  })

  it('fsyncs after flush.messages messages and moves the recovery point', () => {
    const t = openTestLog({flushMessages: 3})
    t.log.append(batch(['a', 'b']), {leaderEpoch: 0})
    expect(t.log.recoveryPoint).toBe(0)
    t.log.append(batch(['c']), {leaderEpoch: 0})
    expect(t.log.recoveryPoint).toBe(3)
    const byTime = openTestLog({flushMs: 1000})
    byTime.log.append(batch(['a']), {leaderEpoch: 0})
    expect(byTime.log.maybeFlushByTime(T0 + 999)).toBe(false)
    expect(byTime.log.maybeFlushByTime(T0 + 1000)).toBe(true)
    expect(byTime.log.recoveryPoint).toBe(1)
  })
})

describe('indexes and rolling', () => {
  it('adds an offset and a time index entry every index.interval.bytes, keyed by the append\'s last offset', () => {
    const t = openTestLog()
    const size = sizedBatch(1, 1000).length
    for (let i = 0; i < 20; i++) t.log.append(sizedBatch(1, 1000, T0 + i), {leaderEpoch: 0})
    const seg = t.log.activeSegment
    // Kafka adds an entry when more than 4096 bytes went in since the last one: here before every 4th batch after the first 4.
    const perEntry = Math.floor(4096 / size) + 1
    const expected = []
    for (let i = perEntry; i < 20; i += perEntry) expected.push({offset: i, position: i * size})
    expect(Array.from({length: seg.offsetIndex.entries}, (_, i) => seg.offsetIndex.entry(i))).toEqual(expected)
    expect(Array.from({length: seg.timeIndex.entries}, (_, i) => seg.timeIndex.entry(i))).toEqual(
      expected.map((e) => ({timestamp: T0 + e.offset, offset: e.offset})),
    )
  })

  it('preallocates the active indexes to segment.index.bytes and trims them on roll and close', () => {
    const t = openTestLog({segmentBytes: 5000})
    const idx = (base: string, ext: string) => statSync(join(t.dir, `${base}.${ext}`)).size
    const z = '00000000000000000000'
    expect(idx(z, 'index')).toBe(10 * 1024 * 1024)
    expect(idx(z, 'timeindex')).toBe(Math.floor((10 * 1024 * 1024) / 12) * 12)
    for (let i = 0; i < 6; i++) t.log.append(sizedBatch(1, 1000, T0 + i), {leaderEpoch: 0})
    expect(segmentBases(t.log)).toEqual([0, 4])
    expect(idx(z, 'index')).toBe(0)
    expect(idx(z, 'timeindex')).toBe(12) // the final max-timestamp entry written on roll
    expect(idx('00000000000000000004', 'index')).toBe(10 * 1024 * 1024)
    t.log.close()
    expect(idx('00000000000000000004', 'index')).toBe(0)
    expect(idx('00000000000000000004', 'timeindex')).toBe(12)
  })

  it('rolls on segment.bytes, naming segments by their 20-digit base offset', () => {
    const t = openTestLog({segmentBytes: 5000})
    for (let i = 0; i < 10; i++) t.log.append(sizedBatch(1, 1000, T0 + i), {leaderEpoch: 0})
    expect(segmentBases(t.log)).toEqual([0, 4, 8])
    expect(files(t.dir).filter((f) => f.endsWith('.log'))).toEqual(['00000000000000000000.log', '00000000000000000004.log', '00000000000000000008.log'])
    t.log.updateHighWatermark(10)
    expect(decodeAll(t.log.read(0, 1 << 20).records).map((r) => r.offset)).toEqual([0, 1, 2, 3])
    expect(decodeAll(t.log.read(5, 1 << 20).records).map((r) => r.offset)).toEqual([5, 6, 7])
    expect(t.log.hasRolledSegmentsToFlush).toBe(true)
    t.log.flushRolledSegments()
    expect(t.log.recoveryPoint).toBe(8)
  })

  it('rolls on segment.ms measured from the first batch\'s timestamp', () => {
    const t = openTestLog({segmentMs: 1000})
    t.log.append(batch({values: ['a'], timestamps: [T0]}), {leaderEpoch: 0})
    expect(t.log.append(batch({values: ['b'], timestamps: [T0 + 900]}), {leaderEpoch: 0}).rolled).toBe(false)
    expect(t.log.append(batch({values: ['c'], timestamps: [T0 + 1500]}), {leaderEpoch: 0}).rolled).toBe(true)
    expect(segmentBases(t.log)).toEqual([0, 2])
  })

  it('rolls when an index is full', () => {
    // 24-byte indexes: 3 offset entries, 2 time index slots (one reserved for the roll).
    const t = openTestLog({maxIndexSize: 24, indexIntervalBytes: 1})
    t.log.append(batch(['a']), {leaderEpoch: 0})
    t.log.append(batch({values: ['b'], timestamps: [T0 + 1]}), {leaderEpoch: 0})
    expect(t.log.activeSegment.timeIndex.entries).toBe(1)
    expect(t.log.append(batch({values: ['c'], timestamps: [T0 + 2]}), {leaderEpoch: 0}).rolled).toBe(true)
    expect(segmentBases(t.log)).toEqual([0, 2])
  })
})

describe('reopen and recovery', () => {
  function fill(t: ReturnType<typeof openTestLog>, n: number) {
    for (let i = 0; i < n; i++) t.log.append(sizedBatch(1, 1000, T0 + i), {leaderEpoch: i < 5 ? 0 : 1})
  }
  const logFile = (dir: string, base: number) => join(dir, `${String(base).padStart(20, '0')}.log`)

  it('reopens after a clean close without scanning, trusting the trimmed indexes', () => {
    const t = openTestLog({segmentBytes: 5000})
    fill(t, 10)
    const before = t.log.logSegments().map((s) => Array.from({length: s.offsetIndex.entries}, (_, i) => s.offsetIndex.entry(i)))
    t.log.close()
    const log = t.reopen({hadCleanShutdown: true})
    expect(log.loadInfo).toEqual({hadCleanShutdown: true, recoveredSegments: 0, truncatedBytes: 0, deletedSegments: 0})
    expect(log.logEndOffset).toBe(10)
    expect(log.recoveryPoint).toBe(10)
    expect(log.logSegments().map((s) => Array.from({length: s.offsetIndex.entries}, (_, i) => s.offsetIndex.entry(i)))).toEqual(before)
    expect(log.activeSegment.offsetIndex.fileLength).toBe(10 * 1024 * 1024)
    expect(log.append(batch(['next']), {leaderEpoch: 1}).baseOffset).toBe(10)
    log.updateHighWatermark(11)
    expect(decodeAll(log.read(8, 1 << 20).records).map((r) => r.offset)).toEqual([8, 9, 10])
  })

  it('rebuilds an index that fails the sanity check after a clean shutdown', () => {
    const t = openTestLog({segmentBytes: 5000})
    fill(t, 10)
    t.log.close()
    truncateSync(join(t.dir, '00000000000000000000.index'), 13)
    const log = t.reopen({hadCleanShutdown: true})
    expect(log.loadInfo.recoveredSegments).toBe(1)
    expect(log.logSegments()[0]!.offsetIndex.entries).toBe(0) // 4 batches of ~1 KB: first entry would come at the 5th
    log.updateHighWatermark(10)
    expect(decodeAll(log.read(0, 1 << 20).records)).toHaveLength(4)
  })

  it('recovers after an unclean shutdown, cutting a garbage tail', () => {
    const t = openTestLog()
    fill(t, 6)
    const size = t.log.size
    // Crash: no close. The active index files are still preallocated; garbage follows the last batch.
    appendFileSync(logFile(t.dir, 0), Buffer.from('this is not a record batch, just noise'))
    const log = t.reopen({hadCleanShutdown: false})
    expect(log.loadInfo.recoveredSegments).toBe(1)
    expect(log.loadInfo.truncatedBytes).toBe(38)
    expect(statSync(logFile(t.dir, 0)).size).toBe(size)
    expect(log.logEndOffset).toBe(6)
    expect(log.recoveryPoint).toBe(0)
    expect(log.activeSegment.offsetIndex.entries).toBe(1)
    expect(log.leaderEpochCache.epochEntries()).toEqual([
      {epoch: 0, startOffset: 0},
      {epoch: 1, startOffset: 5},
    ])
    expect(log.append(batch(['after']), {leaderEpoch: 1}).baseOffset).toBe(6)
  })

  it('recovers after an unclean shutdown, cutting a half-written batch', () => {
    const t = openTestLog()
    fill(t, 3)
    const half = sizedBatch(1, 1000)
    appendFileSync(logFile(t.dir, 0), half.subarray(0, 500))
    const log = t.reopen({hadCleanShutdown: false})
    expect(log.loadInfo.truncatedBytes).toBe(500)
    expect(log.logEndOffset).toBe(3)
  })

  it('truncates at a CRC-corrupted batch and deletes every later segment', () => {
    const t = openTestLog({segmentBytes: 5000})
    fill(t, 10)
    const size = sizedBatch(1, 1000).length
    expect(segmentBases(t.log)).toEqual([0, 4, 8])
    // Flip a byte inside the third batch's records.
    const fd = openSync(logFile(t.dir, 0), 'r+')
    writeSync(fd, Buffer.from([0x42]), 0, 1, 2 * size + 500)
    closeSync(fd)
    const log = t.reopen({hadCleanShutdown: false, recoveryPointCheckpoint: 0})
    expect(log.loadInfo).toMatchObject({recoveredSegments: 1, truncatedBytes: 2 * size, deletedSegments: 2})
    expect(segmentBases(log)).toEqual([0])
    expect(log.logEndOffset).toBe(2)
    expect(files(t.dir).filter((f) => f.endsWith('.log'))).toEqual(['00000000000000000000.log'])
    expect(log.leaderEpochCache.epochEntries()).toEqual([{epoch: 0, startOffset: 0}])
  })

  it('only scans from the segment holding the recovery point', () => {
    const t = openTestLog({segmentBytes: 5000})
    fill(t, 10)
    t.log.flush()
    appendFileSync(logFile(t.dir, 8), Buffer.alloc(20, 1))
    const log = t.reopen({hadCleanShutdown: false, recoveryPointCheckpoint: 8})
    expect(log.loadInfo).toMatchObject({recoveredSegments: 1, truncatedBytes: 20})
    expect(log.logEndOffset).toBe(10)
    expect(log.recoveryPoint).toBe(8)
  })

  it('starts empty at the log start offset when the checkpoint is past the data', () => {
    const t = openTestLog()
    fill(t, 3)
    t.log.close()
    const log = t.reopen({hadCleanShutdown: true, logStartOffsetCheckpoint: 50})
    expect(log.loadInfo.deletedSegments).toBe(1)
    expect(segmentBases(log)).toEqual([50])
    expect(log.logStartOffset).toBe(50)
    expect(log.logEndOffset).toBe(50)
  })

  it('removes leftover .deleted files and orphaned indexes at load', () => {
    const t = openTestLog()
    fill(t, 2)
    t.log.close()
    appendFileSync(join(t.dir, '00000000000000000099.log.deleted'), 'x')
    appendFileSync(join(t.dir, '00000000000000000077.index'), Buffer.alloc(8))
    t.reopen()
    expect(files(t.dir)).toEqual(['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex', 'leader-epoch-checkpoint'])
  })
})

describe('retention, log start offset and truncation', () => {
  // Three full segments of four ~1 KB batches plus a one-batch active segment.
  function segmented(overrides = {}, timestamps?: (i: number) => number) {
    const t = openTestLog({segmentBytes: 5000, messageTimestampAfterMaxMs: 24 * 3_600_000, ...overrides})
    for (let i = 0; i < 13; i++) t.log.append(sizedBatch(1, 1000, timestamps ? timestamps(i) : T0 + i), {leaderEpoch: Math.floor(i / 4)})
    expect(segmentBases(t.log)).toEqual([0, 4, 8, 12])
    return t
  }

  it('deletes segments past retention.ms by their largest timestamp, never beyond the high watermark', () => {
    const hour = 3_600_000
    const t = segmented({retentionMs: hour}, (i) => (i < 8 ? T0 + i : T0 + 3 * hour))
    const now = T0 + 3 * hour
    expect(t.log.deleteOldSegments(now)).toBe(0) // high watermark still 0
    t.log.updateHighWatermark(t.log.logEndOffset)
    expect(t.log.deleteOldSegments(now)).toBe(2)
    expect(segmentBases(t.log)).toEqual([8, 12])
    expect(t.log.logStartOffset).toBe(8)
    expect(files(t.dir).some((f) => f.startsWith('00000000000000000000') || f.startsWith('00000000000000000004'))).toBe(false)
    expectKafkaError(() => t.log.read(4, 100), ErrorCode.OFFSET_OUT_OF_RANGE)
    expect(t.log.leaderEpochCache.epochEntries()[0]).toEqual({epoch: 2, startOffset: 8})
  })

  it('deletes the oldest segments past retention.bytes', () => {
    const t = segmented()
    t.log.updateHighWatermark(t.log.logEndOffset)
    const segSize = t.log.logSegments()[0]!.size
    t.log.updateConfig(logConfig({segmentBytes: 5000, retentionBytes: t.log.size - 2 * segSize}))
    expect(t.log.deleteOldSegments(T0)).toBe(2)
    expect(segmentBases(t.log)).toEqual([8, 12])
  })

  it('deletes the active segment too when it has expired, leaving a fresh empty one', () => {
    const t = segmented({retentionMs: 1000})
    t.log.updateHighWatermark(t.log.logEndOffset)
    expect(t.log.deleteOldSegments(T0 + 10_000)).toBe(4)
    expect(segmentBases(t.log)).toEqual([13])
    expect(t.log.logStartOffset).toBe(13)
    expect(t.log.activeSegment.size).toBe(0)
    expect(t.log.append(batch(['new']), {leaderEpoch: 9}).baseOffset).toBe(13)
  })

  it('moves the log start offset on DeleteRecords and drops the segments below it', () => {
    const t = segmented()
    t.log.updateHighWatermark(10)
    expect(t.log.deleteRecordsBefore(5)).toBe(5)
    expectKafkaError(() => t.log.read(4, 100), ErrorCode.OFFSET_OUT_OF_RANGE)
    expect(decodeAll(t.log.read(5, 1 << 20).records).map((r) => r.offset)).toEqual([5, 6, 7])
    expect(t.log.deleteOldSegments(T0)).toBe(1)
    expect(segmentBases(t.log)).toEqual([4, 8, 12])
    expectKafkaError(() => t.log.deleteRecordsBefore(11), ErrorCode.OFFSET_OUT_OF_RANGE)
    expect(t.log.deleteRecordsBefore(-1)).toBe(10)
    const compacted = openTestLog({cleanupPolicy: ['compact']})
    expectKafkaError(() => compacted.log.deleteRecordsBefore(0), ErrorCode.POLICY_VIOLATION)
  })

  it('truncates to an offset, deleting later segments and epochs', () => {
    const t = segmented()
    t.log.updateHighWatermark(13)
    expect(t.log.truncateTo(6)).toBe(true)
    expect(segmentBases(t.log)).toEqual([0, 4])
    expect(t.log.logEndOffset).toBe(6)
    expect(t.log.highWatermark).toBe(6)
    expect(t.log.leaderEpochCache.epochEntries()).toEqual([
      {epoch: 0, startOffset: 0},
      {epoch: 1, startOffset: 4},
    ])
    expect(files(t.dir).filter((f) => f.endsWith('.log'))).toEqual(['00000000000000000000.log', '00000000000000000004.log'])
    expect(t.log.activeSegment.offsetIndex.fileLength).toBe(10 * 1024 * 1024)
    expect(t.log.append(batch(['x']), {leaderEpoch: 5}).baseOffset).toBe(6)
    expect(decodeAll(t.log.read(4, 1 << 20, {isolation: 'log-end'}).records).map((r) => r.offset)).toEqual([4, 5, 6])
    expect(t.log.truncateTo(100)).toBe(false)
    t.log.truncateFullyAndStartAt(40)
    expect(segmentBases(t.log)).toEqual([40])
    expect([t.log.logStartOffset, t.log.logEndOffset, t.log.highWatermark]).toEqual([40, 40, 40])
    expect(t.log.leaderEpochCache.epochEntries()).toEqual([])
  })
})

describe('offset lookups', () => {
  it('finds the first offset with timestamp >= T through the time index', () => {
    const t = openTestLog({segmentBytes: 5000, indexIntervalBytes: 1})
    // Batches of 3 records, 10 ms apart, ~3 KB each: several segments.
    for (let b = 0; b < 6; b++) {
      const ts = [0, 1, 2].map((i) => T0 + (b * 3 + i) * 10)
      t.log.append(encodeRecordBatch({records: ts.map((x) => ({value: Buffer.alloc(1000), timestamp: BigInt(x)}))}), {leaderEpoch: b})
    }
    expect(t.log.numberOfSegments).toBeGreaterThan(2)
    expect(t.log.fetchOffsetByTimestamp(T0 + 15)).toEqual({timestamp: T0 + 20, offset: 2, leaderEpoch: 0})
    expect(t.log.fetchOffsetByTimestamp(T0 + 100)).toEqual({timestamp: T0 + 100, offset: 10, leaderEpoch: 3})
    expect(t.log.fetchOffsetByTimestamp(T0)).toEqual({timestamp: T0, offset: 0, leaderEpoch: 0})
    expect(t.log.fetchOffsetByTimestamp(T0 + 1000)).toBeNull()
    expect(t.log.fetchOffsetByTimestamp(ListOffsetsTimestamp.EARLIEST)).toEqual({timestamp: -1, offset: 0, leaderEpoch: 0})
    expect(t.log.fetchOffsetByTimestamp(ListOffsetsTimestamp.LATEST)).toEqual({timestamp: -1, offset: 18, leaderEpoch: 5})
    expect(t.log.fetchOffsetByTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP)).toEqual({timestamp: T0 + 170, offset: 17, leaderEpoch: 5})
  })

  it('returns the record holding the max timestamp, even mid-batch', () => {
    const t = openTestLog()
    t.log.append(batch({values: ['a', 'b', 'c'], timestamps: [T0 + 5, T0 + 100, T0 + 50]}), {leaderEpoch: 2})
    t.log.append(batch({values: ['d'], timestamps: [T0 + 60]}), {leaderEpoch: 2})
    expect(t.log.fetchOffsetByTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP)).toEqual({timestamp: T0 + 100, offset: 1, leaderEpoch: 2})
    expect(t.log.fetchOffsetByTimestamp(T0 + 55)).toEqual({timestamp: T0 + 100, offset: 1, leaderEpoch: 2})
    expect(openTestLog().log.fetchOffsetByTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP)).toBeNull()
  })
})

describe('leader epochs', () => {
  it('keeps the epoch cache and leader-epoch-checkpoint, and answers end offsets per epoch', () => {
    const t = openTestLog()
    t.log.append(batch(['a', 'b', 'c']), {leaderEpoch: 0})
    t.log.append(batch(['d']), {leaderEpoch: 0})
    t.log.append(batch(['e', 'f']), {leaderEpoch: 2})
    t.log.append(batch(['g']), {leaderEpoch: 5})
    expect(readFileSync(join(t.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n3\n0 0\n2 4\n5 6\n')
    expect(t.log.endOffsetForEpoch(0)).toEqual({leaderEpoch: 0, endOffset: 4})
    expect(t.log.endOffsetForEpoch(1)).toEqual({leaderEpoch: 0, endOffset: 4})
    expect(t.log.endOffsetForEpoch(2)).toEqual({leaderEpoch: 2, endOffset: 6})
    expect(t.log.endOffsetForEpoch(5)).toEqual({leaderEpoch: 5, endOffset: 7})
    expect(t.log.endOffsetForEpoch(6)).toBeNull()
    expect(t.log.endOffsetForEpoch(-1)).toBeNull()
    t.log.close()
    const log = t.reopen()
    expect(log.leaderEpochCache.epochEntries()).toEqual([
      {epoch: 0, startOffset: 0},
      {epoch: 2, startOffset: 4},
      {epoch: 5, startOffset: 6},
    ])
    log.truncateTo(5)
    expect(readFileSync(join(t.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n0 0\n2 4\n')
  })

  it('replicates batches as a follower, keeping offsets and epochs', () => {
    const leader = openTestLog()
    leader.log.append(batch(['a', 'b']), {leaderEpoch: 1})
    leader.log.append(batch(['c']), {leaderEpoch: 3})
    leader.log.updateHighWatermark(3)
    const bytes = leader.log.read(0, 1 << 20).records
    const follower = openTestLog()
    const r = follower.log.appendAsFollower(Buffer.from(bytes), 3)
    expect(r).toMatchObject({baseOffset: 0, lastOffset: 2, batchCount: 2})
    expect(follower.log.logEndOffset).toBe(3)
    expect(follower.log.leaderEpochCache.epochEntries()).toEqual(leader.log.leaderEpochCache.epochEntries())
    follower.log.updateHighWatermark(3)
    expect(follower.log.read(0, 1 << 20).records.equals(bytes)).toBe(true)
    // Batches from a newer epoch than the fetch's are skipped.
    const other = openTestLog()
    expect(other.log.appendAsFollower(Buffer.from(bytes), 1)).toMatchObject({lastOffset: 1, batchCount: 1})
    expect(() => follower.log.appendAsFollower(Buffer.from(bytes), 3)).toThrow(/less than the next offset/)
  })
})

describe('partition.metadata', () => {
  it('records the topic id and refuses a different one', () => {
    const dir = join(tempDir(), 'orders-3')
    const clock = new Clock()
    const log = PartitionLog.open(dir, {config: logConfig(), topicId: 'MjZ6YjpNRZ-5aHJTFhVNXA', clock: clock.fn})
    expect([log.topic, log.partition, log.topicId]).toEqual(['orders', 3, 'MjZ6YjpNRZ-5aHJTFhVNXA'])
    expect(readFileSync(join(dir, 'partition.metadata'), 'utf8')).toBe('version: 0\ntopic_id: MjZ6YjpNRZ-5aHJTFhVNXA')
    log.close()
    expect(PartitionLog.open(dir, {config: logConfig(), clock: clock.fn}).topicId).toBe('MjZ6YjpNRZ-5aHJTFhVNXA')
    expectKafkaError(() => PartitionLog.open(dir, {config: logConfig(), topicId: 'AAAAAAAAAAAAAAAAAAAAAA', clock: clock.fn}), ErrorCode.INCONSISTENT_TOPIC_ID)
    expect(existsSync(join(dir, 'partition.metadata.tmp'))).toBe(false)
  })
})
