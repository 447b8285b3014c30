import {beforeAll, describe, expect, it} from 'vitest'

import {initHistograms} from '../../../src/perf/histogram.js'
import {ProducerStats, totalLine, windowLine} from '../../../src/perf/producer-stats.js'
import {parseProducerTotal, PRODUCER_TOTAL, PRODUCER_WINDOW} from './kafka-formats.js'

beforeAll(async () => {
  await initHistograms()
})

describe("perf produce statistics (Kafka's ProducerPerformance.Stats)", () => {
  it('prints a window line once the reporting interval has passed, in Kafka\'s format', () => {
    const lines: string[] = []
    const stats = new ProducerStats(5000, false, (l) => lines.push(l), 0)
    stats.record(1000, 1024 * 1000, 4, 1000)
    expect(lines).toEqual([])
    stats.record(1000, 1024 * 1000, 10, 5000)
    expect(lines).toEqual(['2000 records sent, 400.0 records/sec (0.39 MB/sec), 7.0 ms avg latency, 10.0 ms max latency.'])
    expect(lines[0]).toMatch(PRODUCER_WINDOW)
    stats.destroy()
  })

  it('computes the totals and percentiles over every record', () => {
    const stats = new ProducerStats(5000, false, null, 0)
    for (let ms = 1; ms <= 1000; ms++) stats.record(1, 100, ms, ms)
    const t = stats.totals(2000)
    expect(t.records).toBe(1000)
    expect(t.recordsPerSec).toBe(500)
    expect(t.avgLatencyMs).toBe(500.5)
    expect(t.maxLatencyMs).toBe(1000)
    expect([t.p50, t.p95, t.p99, t.p999]).toEqual([500, 950, 990, 999])
    const line = totalLine(t)
    expect(line).toBe('1000 records sent, 500.000000 records/sec (0.05 MB/sec), 500.50 ms avg latency, 1000.00 ms max latency, 500 ms 50th, 950 ms 95th, 990 ms 99th, 999 ms 99.9th.')
    expect(parseProducerTotal(line)?.p99).toBe(990)
    stats.destroy()
  })

  it('marks steady-state totals as Kafka does', () => {
    const stats = new ProducerStats(5000, true, null, 0)
    stats.record(10, 10, 1, 10)
    const line = totalLine(stats.totals(1000))
    expect(line.startsWith('10 steady state records sent, 10.000000 records/sec')).toBe(true)
    expect(line).toMatch(PRODUCER_TOTAL)
    stats.destroy()
  })

  it('reports deltas for worker processes', () => {
    const stats = new ProducerStats(5000, false, null, 0)
    stats.record(3, 30, 5, 1)
    stats.record(2, 20, 9, 2)
    expect(stats.takeDelta()).toEqual({count: 5, bytes: 50, totalLatency: 33, maxLatency: 9})
    expect(stats.takeDelta()).toEqual({count: 0, bytes: 0, totalLatency: 0, maxLatency: 0})
    expect(windowLine({records: 1, recordsPerSec: 0.25, mbPerSec: 0, avgLatencyMs: 1, maxLatencyMs: 1, atMs: 0})).toMatch(PRODUCER_WINDOW)
    stats.destroy()
  })
})
