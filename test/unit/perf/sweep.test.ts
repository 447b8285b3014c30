import {describe, expect, it} from 'vitest'

import {bestPoints, parseSweeps, pointLabel, type SweepPoint, sweepCsv, sweepGrid} from '../../../src/perf/sweep.js'
import {niceMax, renderSweepHtml} from '../../../src/perf/sweep-chart.js'

function point(settings: Record<string, string>, recordsPerSec: number, p99Ms: number): SweepPoint {
  return {
    settings,
    label: pointLabel(settings),
    topic: 't',
    recordSize: 1024,
    records: 1000,
    recordsPerSec,
    mbPerSec: (recordsPerSec * 1024) / 1048576,
    avgLatencyMs: p99Ms / 2,
    p50Ms: 1,
    p95Ms: p99Ms,
    p99Ms,
    p999Ms: p99Ms + 1,
    maxLatencyMs: p99Ms + 2,
    compressionRatio: 1,
    avgBatchBytes: 16000,
    batches: 10,
  }
}

describe('sweep grids', () => {
  it('parses axes and builds every combination, the first axis slowest', () => {
    const axes = parseSweeps(['batch.size=4096,16384', 'linger.ms=0, 5,50', 'record-size=100'])
    expect(axes).toEqual([
      {key: 'batch.size', values: ['4096', '16384']},
      {key: 'linger.ms', values: ['0', '5', '50']},
      {key: 'record.size', values: ['100']},
    ])
    const grid = sweepGrid(axes)
    expect(grid).toHaveLength(6)
    expect(grid[0]).toEqual({'batch.size': '4096', 'linger.ms': '0', 'record.size': '100'})
    expect(grid[5]).toEqual({'batch.size': '16384', 'linger.ms': '50', 'record.size': '100'})
  })

  it('rejects malformed sweeps with one clear message', () => {
    expect(() => parseSweeps(['batch.size'])).toThrow("invalid --sweep 'batch.size': expected key=value1,value2,...")
    expect(() => parseSweeps(['acks=,'])).toThrow('no values')
    expect(() => parseSweeps(['partitions=0'])).toThrow("expected a positive integer")
    expect(() => parseSweeps(['acks=1', 'acks=all'])).toThrow('--sweep acks given twice')
  })

  it('names the best configuration for throughput and for latency', () => {
    const a = point({acks: '1'}, 1000, 50)
    const b = point({acks: 'all'}, 900, 20)
    const c = point({acks: '0'}, 1200, 80)
    const best = bestPoints([a, b, c])
    expect(best.bestThroughput).toBe(c)
    expect(best.bestLatency).toBe(b)
  })

  it('writes CSV with one column per axis and the figures', () => {
    const csv = sweepCsv(parseSweeps(['acks=1,all']), [point({acks: '1'}, 1000.5, 5), point({acks: 'all'}, 900, 7)])
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe('acks,records,recordsPerSec,mbPerSec,avgLatencyMs,p50Ms,p95Ms,p99Ms,p999Ms,maxLatencyMs,compressionRatio,avgBatchBytes,batches,topic')
    expect(lines[1]!.startsWith('1,1000,1000.5000,')).toBe(true)
    expect(lines).toHaveLength(3)
  })

  it('renders a self-contained HTML chart with both measures and the winners marked', () => {
    const points = [point({'compression.type': 'none'}, 1000, 50), point({'compression.type': 'zstd'}, 1500, 30)]
    const html = renderSweepHtml({axes: parseSweeps(['compression.type=none,zstd']), points, bestThroughput: points[1]!, bestLatency: points[1]!, numRecords: 1000, warmupRecords: 100}, {topic: 'perf', recordSize: 1024, throughput: -1})
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<svg')
    expect(html).toContain('Throughput (MB/s')
    expect(html).toContain('p99 latency (ms')
    expect(html).toContain('compression.type=zstd')
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    expect(niceMax(73)).toBe(100)
    expect(niceMax(0.3)).toBe(0.5)
  })
})
