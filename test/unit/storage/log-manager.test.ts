import {appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {logConfig, type LogConfig} from '../../../src/storage/log-config.js'
import {LogManager} from '../../../src/storage/log-manager.js'
import {Clock, T0, batch, cleanupTempDirs, decodeAll, sizedBatch, tempDir} from './helpers.js'

afterEach(() => cleanupTempDirs())

function manager(dirs: string[], clock = new Clock(), configs: Record<string, Partial<LogConfig>> = {}) {
  return new LogManager({logDirs: dirs, configFor: (topic) => logConfig(configs[topic] ?? {}), clock: clock.fn})
}

describe('LogManager', () => {
  it('creates partitions across log dirs, checkpoints them and marks a clean shutdown', () => {
    const [a, b] = [tempDir(), tempDir()]
    const m = manager([a, b])
    expect(m.startup().map((s) => [s.hadCleanShutdown, s.logs])).toEqual([
      [false, 0],
      [false, 0],
    ])
    for (const f of ['recovery-point-offset-checkpoint', 'log-start-offset-checkpoint', 'replication-offset-checkpoint']) {
      expect(readFileSync(join(a, f), 'utf8')).toBe('')
    }
    const p0 = m.getOrCreateLog('orders', 0, {topicId: 'MjZ6YjpNRZ-5aHJTFhVNXA'})
    const p1 = m.getOrCreateLog('orders', 1, {topicId: 'MjZ6YjpNRZ-5aHJTFhVNXA'})
    expect(new Set([p0.parentDir, p1.parentDir])).toEqual(new Set([a, b]))
    expect(m.getOrCreateLog('orders', 0)).toBe(p0)
    p0.append(batch(['a', 'b', 'c']), {leaderEpoch: 0})
    p0.updateHighWatermark(p0.logEndOffset)
    p0.deleteRecordsBefore(1)
    m.shutdown(17)
    const dirOf0 = p0.parentDir
    expect(readFileSync(join(dirOf0, '.kafka_cleanshutdown'), 'utf8')).toBe('{"version":0,"brokerEpoch":17}')
    expect(readFileSync(join(dirOf0, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 0 3\n')
    expect(readFileSync(join(dirOf0, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 0 1\n')
    expect(readFileSync(join(dirOf0, 'replication-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 0 3\n')
    expect(readFileSync(join(p1.parentDir, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n0\n')

    // Restart: the marker is consumed, nothing is scanned, offsets come back from the checkpoints.
    const m2 = manager([a, b])
    const summary = m2.startup()
    expect(summary.map((s) => [s.hadCleanShutdown, s.logs, s.recoveredSegments])).toEqual([
      [true, 1],
      [true, 1],
    ].map(([c, n]) => [c, n, 0]))
    expect(existsSync(join(a, '.kafka_cleanshutdown'))).toBe(false)
    const again = m2.getLog('orders', 0)!
    expect([again.logStartOffset, again.logEndOffset, again.highWatermark, again.topicId]).toEqual([1, 3, 3, 'MjZ6YjpNRZ-5aHJTFhVNXA'])
    expect(decodeAll(again.read(1, 1 << 20).records).map((r) => r.value)).toEqual(['a', 'b', 'c'])
    m2.shutdown()
  })

  it('recovers from the recovery point after an unclean shutdown', () => {
    const dir = tempDir()
    const m = manager([dir], new Clock(), {t: {segmentBytes: 5000}})
    m.startup()
    const log = m.getOrCreateLog('t', 0)
    for (let i = 0; i < 10; i++) log.append(sizedBatch(1, 1000, T0 + i), {leaderEpoch: 0})
    log.flushRolledSegments()
    m.checkpointLogRecoveryOffsets()
    expect(readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\nt 0 8\n')
    // Crash: no shutdown, so no marker; a torn write at the end of the active segment.
    appendFileSync(join(log.dir, '00000000000000000008.log'), Buffer.alloc(30, 7))
    const m2 = manager([dir], new Clock(), {t: {segmentBytes: 5000}})
    const [s] = m2.startup()
    expect(s).toMatchObject({hadCleanShutdown: false, logs: 1, recoveredSegments: 1, truncatedBytes: 30})
    expect(m2.getLog('t', 0)!.logEndOffset).toBe(10)
    m2.shutdown()
    expect(existsSync(join(dir, '.kafka_cleanshutdown'))).toBe(true)
  })

  it('deletes a partition by renaming its dir to <topic>-<partition>.<uuid>-delete, then removing it', () => {
    const dir = tempDir()
    const m = manager([dir])
    m.startup()
    m.getOrCreateLog('gone', 2).append(batch(['x']), {leaderEpoch: 0})
    m.getOrCreateLog('kept', 0)
    m.checkpointLogRecoveryOffsets()
    expect(m.deleteLog('gone', 2)).toBe(true)
    expect(m.deleteLog('gone', 2)).toBe(false)
    expect(readdirSync(dir).filter((f) => !f.includes('checkpoint'))).toEqual(['kept-0'])
    expect(readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\nkept 0 0\n')
    // A -delete dir left by a crash is removed at startup; the metadata log is left alone.
    mkdirSync(join(dir, 'old-0.0123456789abcdef0123456789abcdef-delete'))
    mkdirSync(join(dir, '__cluster_metadata-0'))
    m.shutdown()
    const m2 = manager([dir])
    m2.startup()
    expect(m2.allLogs().map((l) => l.name)).toEqual(['kept-0'])
    expect(existsSync(join(dir, 'old-0.0123456789abcdef0123456789abcdef-delete'))).toBe(false)
    expect(existsSync(join(dir, '__cluster_metadata-0'))).toBe(true)
    m2.shutdown()
  })

  it('runs retention, flushing and checkpoints when their intervals come due', () => {
    const dir = tempDir()
    const clock = new Clock(T0 + 10_000)
    const m = new LogManager({
      logDirs: [dir],
      configFor: () => logConfig({segmentBytes: 5000, retentionMs: 1000, flushMs: 500}),
      clock: clock.fn,
      retentionCheckMs: 60_000,
      flushCheckMs: 1000,
      highWatermarkCheckpointMs: 5000,
    })
    m.startup()
    const log = m.getOrCreateLog('r', 0)
    for (let i = 0; i < 9; i++) log.append(sizedBatch(1, 1000, T0 + i), {leaderEpoch: 0})
    log.updateHighWatermark(log.logEndOffset)
    clock.now += 1000
    m.runDueTasks(clock.now)
    expect(log.recoveryPoint).toBe(9) // flush.ms passed
    expect(log.numberOfSegments).toBe(3) // retention not due yet
    expect(readFileSync(join(dir, 'replication-offset-checkpoint'), 'utf8')).toBe('')
    clock.now += 60_000
    m.runDueTasks(clock.now)
    expect(log.numberOfSegments).toBe(1)
    expect(log.logStartOffset).toBe(9)
    expect(readFileSync(join(dir, 'replication-offset-checkpoint'), 'utf8')).toBe('0\n1\nr 0 9\n')
    expect(readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\nr 0 9\n')
    m.shutdown()
  })

  it('ignores a corrupt checkpoint file (recovering from offset 0) and refuses duplicate log dirs', () => {
    const dir = tempDir()
    const m = manager([dir])
    m.startup()
    m.getOrCreateLog('c', 0).append(batch(['x', 'y']), {leaderEpoch: 0})
    m.shutdown()
    writeFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'garbage')
    renameSync(join(dir, '.kafka_cleanshutdown'), join(dir, 'not-the-marker'))
    const m2 = manager([dir])
    expect(m2.startup()[0]).toMatchObject({hadCleanShutdown: false, recoveredSegments: 1})
    expect(m2.getLog('c', 0)!.logEndOffset).toBe(2)
    m2.shutdown()
    expect(() => manager([dir, join(dir, '.')])).toThrow(/Duplicate log directory/)
  })
})
