// Moving a replica between two log dirs of one LogManager (future logs): chunked copies with
// appends in between, the swap and what it carries over, truncation and retention under the
// copy, restarts mid-move, and the step loop under a quota.

import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {logConfig, type LogConfig} from '../../../src/storage/log-config.js'
import {
  copyNextChunk,
  futureStartOffset,
  FutureLogDivergedError,
  LogDirMove,
  logFutureDirName,
  reconcileFutureLog,
  wholeBatches,
} from '../../../src/storage/log-dir-move.js'
import {LogManager} from '../../../src/storage/log-manager.js'
import type {PartitionLog} from '../../../src/storage/partition-log.js'
import {Clock, batch, cleanupTempDirs, decodeAll, sizedBatch, tempDir} from './helpers.js'

afterEach(() => cleanupTempDirs())

const TOPIC_ID = 'MjZ6YjpNRZ-5aHJTFhVNXA'

function manager(dirs: string[], clock = new Clock(), config: Partial<LogConfig> = {segmentBytes: 1000}) {
  return new LogManager({logDirs: dirs, configFor: () => logConfig(config), clock: clock.fn})
}

/** Every record of a log from its start, as [offset, value, leader epoch]. */
function contents(log: PartitionLog): Array<[number, string | null, number]> {
  const out: Array<[number, string | null, number]> = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 << 20, {isolation: 'log-end'})
    const records = decodeAll(r.records).filter((x) => x.offset >= offset)
    if (records.length === 0) break
    for (const x of records) out.push([x.offset, x.value, x.leaderEpoch])
    offset = records[records.length - 1]!.offset + 1
  }
  return out
}

function fill(log: PartitionLog, batches: number, epoch: number, tag: string): void {
  for (let i = 0; i < batches; i++) log.append(batch([`${tag}${i}a`, `${tag}${i}b`, `${tag}${i}c`]), {leaderEpoch: epoch})
}

function twoDirs() {
  const [a, b] = [tempDir(), tempDir()]
  const m = manager([a, b])
  m.startup()
  const current = m.getOrCreateLog('t', 0, {topicId: TOPIC_ID, logDir: a})
  return {a, b, m, current}
}

describe('future log naming', () => {
  it("names the future dir as Kafka does and finds the whole batches of a cut read", () => {
    expect(logFutureDirName('orders', 3, 'abc123')).toBe('orders-3.abc123-future')
    expect(logFutureDirName('x'.repeat(300), 1, 'u').length).toBe(255)
    const two = Buffer.concat([batch(['a']), batch(['b'])])
    expect(wholeBatches(two)).toBe(two)
    expect(wholeBatches(two.subarray(0, two.length - 3)).length).toBe(batch(['a']).length)
    expect(wholeBatches(two.subarray(0, 10)).length).toBe(0)
  })
})

describe('moving a log between log dirs', () => {
  it('copies in chunks while appends go on, then the swap carries everything over and removes the old dir', () => {
    const {a, b, m, current} = twoDirs()
    fill(current, 40, 0, 'x')
    current.leaderEpochCache.assign(3, current.logEndOffset) // an epoch begun without a batch yet
    fill(current, 20, 3, 'y')
    current.updateHighWatermark(current.logEndOffset - 5)
    current.deleteRecordsBefore(7) // log start inside the first batch
    current.deleteOldSegments()
    expect(current.numberOfSegments).toBeGreaterThan(3)
    const before = contents(current)

    const start = futureStartOffset(current)
    expect(start).toBe(6)
    const future = m.createFutureLog('t', 0, b, {startOffset: start})
    expect(future.dir).toMatch(new RegExp(`^${b}/t-0\\.[0-9a-f]{32}-future$`))
    expect(m.getFutureLog('t', 0)).toBe(future)
    expect(future.topicId).toBe(TOPIC_ID)
    expect(() => m.createFutureLog('t', 0, a, {startOffset: 0})).toThrow(/already in/)

    let chunks = 0
    let appended = 0
    for (;;) {
      const s = copyNextChunk(current, future, 700)
      chunks++
      if (s.caughtUp) break
      if (appended < 10) {
        fill(current, 1, 3, `z${appended++}`)
      }
    }
    expect(chunks).toBeGreaterThan(10)
    expect(appended).toBe(10)
    const expected = contents(current)
    const hw = current.highWatermark
    const epochs = current.leaderEpochCache.epochEntries()
    expect(epochs).toEqual([
      {epoch: 0, startOffset: 7},
      {epoch: 3, startOffset: 120},
    ])

    const swapped = m.replaceCurrentWithFutureLog('t', 0)
    expect(swapped).toBe(future)
    expect(m.getLog('t', 0)).toBe(future)
    expect(m.getFutureLog('t', 0)).toBeUndefined()
    expect(future.dir).toBe(join(b, 't-0'))
    expect(contents(future)).toEqual(expected)
    expect(expected.slice(0, before.length)).toEqual(before)
    expect([future.logStartOffset, future.highWatermark, future.recoveryPoint]).toEqual([7, hw, future.logEndOffset])
    expect(future.leaderEpochCache.epochEntries()).toEqual(epochs)
    expect(readdirSync(a).filter((n) => n.startsWith('t-0'))).toEqual([])
    expect(readFileSync(join(b, 'replication-offset-checkpoint'), 'utf8')).toBe(`0\n1\nt 0 ${hw}\n`)
    expect(readFileSync(join(a, 'replication-offset-checkpoint'), 'utf8')).toBe('0\n0\n')
    expect(readFileSync(join(b, 't-0', 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n0 7\n3 120\n')

    // The new log serves appends and survives a restart.
    future.append(batch(['after']), {leaderEpoch: 3})
    m.shutdown()
    const m2 = manager([a, b])
    m2.startup()
    const reopened = m2.getLog('t', 0)!
    expect(reopened.parentDir).toBe(b)
    expect(contents(reopened).map((r) => r[1]).slice(-1)).toEqual(['after'])
    expect(reopened.logStartOffset).toBe(7)
    m2.shutdown()
  })

  it('follows a truncation of the current log and starts over past retention', () => {
    const {b, m, current} = twoDirs()
    fill(current, 10, 0, 'a')
    const future = m.createFutureLog('t', 0, b, {startOffset: futureStartOffset(current)})
    copyNextChunk(current, future, 1 << 20)
    expect(future.logEndOffset).toBe(30)
    // The current log is truncated under the copy and written again at the same offsets.
    current.truncateTo(21)
    fill(current, 2, 1, 'b')
    expect(() => copyNextChunk(current, future, 1 << 20)).toThrow(FutureLogDivergedError)
    future.truncateTo(21) // what Partition.truncateTo does to the future log
    expect(copyNextChunk(current, future, 1 << 20)).toEqual({bytes: expect.any(Number), caughtUp: true})
    expect(contents(future)).toEqual(contents(current))

    // Retention moved the start past the copy: the future log starts again at the new start.
    fill(current, 30, 1, 'c')
    current.updateHighWatermark(current.logEndOffset)
    current.deleteRecordsBefore(60)
    current.deleteOldSegments()
    const s = copyNextChunk(current, future, 1 << 20)
    expect(future.logStartOffset).toBeLessThanOrEqual(60)
    expect(future.logStartOffset).toBeGreaterThan(30)
    while (!copyNextChunk(current, future, 1 << 20).caughtUp);
    expect(s.bytes).toBeGreaterThan(0)
    const expected = contents(current)
    m.replaceCurrentWithFutureLog('t', 0)
    expect(m.getLog('t', 0)!.logStartOffset).toBe(60)
    expect(contents(m.getLog('t', 0)!)).toEqual(expected)
    m.shutdown()
  })

  it('reloads a future log after a restart and resumes from its end; a diverged one starts over', () => {
    const {a, b, m, current} = twoDirs()
    fill(current, 30, 0, 'a')
    const future = m.createFutureLog('t', 0, b, {startOffset: 0})
    copyNextChunk(current, future, 1000)
    const copied = future.logEndOffset
    expect(copied).toBeGreaterThan(0)
    expect(copied).toBeLessThan(current.logEndOffset)
    m.shutdown()

    const m2 = manager([a, b])
    m2.startup()
    const cur2 = m2.getLog('t', 0)!
    const fut2 = m2.getFutureLog('t', 0)!
    expect([cur2.parentDir, fut2.parentDir, fut2.logEndOffset]).toEqual([a, b, copied])
    expect(reconcileFutureLog(cur2, fut2)).toBe(true)
    while (!copyNextChunk(cur2, fut2, 1000).caughtUp);
    const expected = contents(cur2)
    m2.replaceCurrentWithFutureLog('t', 0)
    expect(contents(m2.getLog('t', 0)!)).toEqual(expected)

    // A future log whose last batch differs from the current log's is not resumed.
    fill(m2.getLog('t', 0)!, 2, 0, 'b')
    const f3 = m2.createFutureLog('t', 0, a, {startOffset: 0})
    while (!copyNextChunk(m2.getLog('t', 0)!, f3, 1 << 20).caughtUp);
    expect(f3.logEndOffset).toBe(96)
    m2.getLog('t', 0)!.truncateTo(93)
    fill(m2.getLog('t', 0)!, 1, 1, 'other')
    expect(reconcileFutureLog(m2.getLog('t', 0)!, f3)).toBe(false)
    m2.shutdown()
  })

  it('drops a future log with its partition, and one without a current log at startup', () => {
    const {a, b, m, current} = twoDirs()
    fill(current, 3, 0, 'a')
    const future = m.createFutureLog('t', 0, b, {startOffset: 0})
    const futureDir = future.dir
    expect(m.deleteLog('t', 0)).toBe(true)
    expect(existsSync(futureDir)).toBe(false)
    expect(m.getFutureLog('t', 0)).toBeUndefined()

    const other = m.getOrCreateLog('u', 0, {logDir: a})
    fill(other, 3, 0, 'a')
    const f2 = m.createFutureLog('u', 0, b, {startOffset: 0})
    copyNextChunk(other, f2, 1 << 20)
    m.shutdown()
    // The current log goes while the broker is down (as a crash between deleting the two would leave it).
    const m3 = manager([b])
    m3.startup()
    expect(m3.getFutureLog('u', 0)).toBeUndefined()
    expect(readdirSync(b).filter((n) => n.startsWith('u-0'))).toEqual([])
    m3.shutdown()
  })
})

describe('LogDirMove', () => {
  it('copies step by step while the quota allows, then swaps in the same step as the last chunk', () => {
    const {b, m, current} = twoDirs()
    for (let i = 0; i < 20; i++) current.append(sizedBatch(4, 100), {leaderEpoch: 0})
    const future = m.createFutureLog('t', 0, b, {startOffset: 0})
    let exceeded = false
    let recorded = 0
    let swaps = 0
    const move = new LogDirMove({
      name: 't-0',
      logs: () => (m.getFutureLog('t', 0) === undefined ? null : {current: m.getLog('t', 0)!, future: m.getFutureLog('t', 0)!}),
      chunkBytes: () => 1000,
      quota: {isQuotaExceeded: () => exceeded, record: (n) => (recorded += n)},
      swap: () => {
        swaps++
        m.replaceCurrentWithFutureLog('t', 0)
      },
      abandon: () => m.deleteFutureLog('t', 0),
      flushEveryBytes: 3000,
    })
    expect(move.step()).toBe(false)
    const first = future.logEndOffset
    exceeded = true
    expect(move.step()).toBe(false)
    expect(future.logEndOffset).toBe(first)
    exceeded = false
    let steps = 0
    while (!move.step()) {
      if (++steps === 2) current.append(sizedBatch(4, 100), {leaderEpoch: 0})
    }
    move.stop()
    expect(swaps).toBe(1)
    expect(recorded).toBe(current.size)
    expect(move.copiedBytes).toBe(recorded)
    expect(m.getLog('t', 0)).toBe(future)
    expect(future.logEndOffset).toBe(84)
    m.shutdown()
  })

  it('stops when the future log goes away, and gives up on a log that keeps diverging', () => {
    const {b, m, current} = twoDirs()
    fill(current, 5, 0, 'a')
    m.createFutureLog('t', 0, b, {startOffset: 0})
    const move = new LogDirMove({
      name: 't-0',
      logs: () => (m.getFutureLog('t', 0) === undefined ? null : {current: m.getLog('t', 0)!, future: m.getFutureLog('t', 0)!}),
      chunkBytes: () => 100,
      quota: {isQuotaExceeded: () => false, record: () => {}},
      swap: () => {
        throw new Error('must not swap')
      },
      abandon: () => m.deleteFutureLog('t', 0),
    })
    expect(move.step()).toBe(false)
    m.deleteFutureLog('t', 0)
    expect(move.step()).toBe(true)
    expect(move.isRunning).toBe(false)

    let abandoned = ''
    const f2 = m.createFutureLog('t', 0, b, {startOffset: 0})
    const diverging = new LogDirMove({
      name: 't-0',
      // A future log always ahead of the current one diverges at every step.
      logs: () => {
        if (m.getFutureLog('t', 0) === undefined) return null
        f2.append(batch(['ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead', 'ahead']), {leaderEpoch: 0})
        return {current, future: f2}
      },
      chunkBytes: () => 100,
      quota: {isQuotaExceeded: () => false, record: () => {}},
      swap: () => {},
      abandon: (reason) => {
        abandoned = reason
        m.deleteFutureLog('t', 0)
      },
    })
    let n = 0
    while (!diverging.step() && n < 10) n++
    diverging.stop()
    expect(abandoned).toMatch(/past the current log end/)
    expect(m.getFutureLog('t', 0)).toBeUndefined()
    expect(m.getLog('t', 0)).toBe(current)
    m.shutdown()
  })
})
