// The statistics of `perf produce`, kept as Kafka's ProducerPerformance.Stats
// keeps them and printed in its exact lines:
//
//   every reporting interval (5 s by default), from the acknowledgement that ends it:
//     "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency."
//   at the end:
//     "%d%s records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency,
//      %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th."   (one line; %s is " steady state" or "")
//
// A record's latency is the time from handing it to the producer to its
// acknowledgement, in milliseconds as Kafka measures it; all of them go into
// an HdrHistogram (Kafka samples at most 500,000), so percentiles cover every
// record.

import {javaFixed} from './format.js'
import {type Histogram, newHistogram, percentiles, type Percentiles} from './histogram.js'

export interface ProduceTotals extends Percentiles {
  records: number
  /** Payload bytes (record values), as Kafka counts them. */
  bytes: number
  elapsedMs: number
  recordsPerSec: number
  mbPerSec: number
  avgLatencyMs: number
  maxLatencyMs: number
  steadyState: boolean
}

export interface ProduceWindow {
  records: number
  recordsPerSec: number
  mbPerSec: number
  avgLatencyMs: number
  maxLatencyMs: number
  /** Milliseconds since the run started, at the end of the window. */
  atMs: number
}

export interface StatsDelta {
  count: number
  bytes: number
  totalLatency: number
  maxLatency: number
}

const MB = 1024 * 1024

export class ProducerStats {
  readonly start: number
  readonly histogram: Histogram
  count = 0
  bytes = 0
  totalLatency = 0
  maxLatency = 0
  private windowStart: number
  private windowCount = 0
  private windowBytes = 0
  private windowTotalLatency = 0
  private windowMaxLatency = 0
  private suppressed = false
  readonly windows: ProduceWindow[] = []
  private delta = {count: 0, bytes: 0, totalLatency: 0, maxLatency: 0}

  constructor(
    private readonly reportingIntervalMs: number,
    readonly steadyState: boolean,
    /** Where window lines go; null prints none (they are still kept in `windows`). */
    private readonly print: ((line: string) => void) | null,
    now = Date.now(),
  ) {
    this.start = now
    this.windowStart = now
    this.histogram = newHistogram()
  }

  /** `count` records sent at one time, acknowledged together after `latency` ms, at `now`. */
  record(count: number, bytes: number, latency: number, now: number): void {
    if (latency < 0) latency = 0
    this.count += count
    this.bytes += bytes
    this.totalLatency += latency * count
    if (latency > this.maxLatency) this.maxLatency = latency
    this.windowCount += count
    this.windowBytes += bytes
    this.windowTotalLatency += latency * count
    if (latency > this.windowMaxLatency) this.windowMaxLatency = latency
    this.histogram.recordValueWithCount(latency, count)
    const d = this.delta
    d.count += count
    d.bytes += bytes
    d.totalLatency += latency * count
    if (latency > d.maxLatency) d.maxLatency = latency
    if (now - this.windowStart >= this.reportingIntervalMs) {
      if (this.steadyState && this.count === this.windowCount && !this.suppressed) this.print?.('In steady state.')
      this.closeWindow(now)
    }
  }

  /** What was recorded since the last call (worker processes report this to the parent). */
  takeDelta(): StatsDelta {
    const d = this.delta
    this.delta = {count: 0, bytes: 0, totalLatency: 0, maxLatency: 0}
    return d
  }

  /** Stops printing window lines (the warm-up stats once the steady state starts). */
  suppressPrinting(): void {
    this.suppressed = true
  }

  private closeWindow(now: number): void {
    const elapsed = now - this.windowStart
    const w: ProduceWindow = {
      records: this.windowCount,
      recordsPerSec: (1000 * this.windowCount) / elapsed,
      mbPerSec: (1000 * this.windowBytes) / elapsed / MB,
      avgLatencyMs: this.windowTotalLatency / this.windowCount,
      maxLatencyMs: this.windowMaxLatency,
      atMs: now - this.start,
    }
    this.windows.push(w)
    if (!this.suppressed) this.print?.(windowLine(w))
    this.windowStart = now
    this.windowCount = 0
    this.windowBytes = 0
    this.windowTotalLatency = 0
    this.windowMaxLatency = 0
  }

  totals(now = Date.now()): ProduceTotals {
    const elapsedMs = now - this.start
    return {
      records: this.count,
      bytes: this.bytes,
      elapsedMs,
      recordsPerSec: (1000 * this.count) / elapsedMs,
      mbPerSec: (1000 * this.bytes) / elapsedMs / MB,
      avgLatencyMs: this.totalLatency / this.count,
      maxLatencyMs: this.maxLatency,
      ...percentiles(this.histogram),
      steadyState: this.steadyState,
    }
  }

  destroy(): void {
    this.histogram.destroy()
  }
}

export function windowLine(w: ProduceWindow): string {
  return `${w.records} records sent, ${javaFixed(w.recordsPerSec, 1)} records/sec (${javaFixed(w.mbPerSec, 2)} MB/sec), ${javaFixed(w.avgLatencyMs, 1)} ms avg latency, ${javaFixed(w.maxLatencyMs, 1)} ms max latency.`
}

export function totalLine(t: ProduceTotals): string {
  return (
    `${t.records}${t.steadyState ? ' steady state' : ''} records sent, ${javaFixed(t.recordsPerSec, 6)} records/sec (${javaFixed(t.mbPerSec, 2)} MB/sec), ` +
    `${javaFixed(t.avgLatencyMs, 2)} ms avg latency, ${javaFixed(t.maxLatencyMs, 2)} ms max latency, ` +
    `${t.p50} ms 50th, ${t.p95} ms 95th, ${t.p99} ms 99th, ${t.p999} ms 99.9th.`
  )
}
