// Latency histograms: HdrHistogram (hdr-histogram-js, on its WebAssembly
// backend) with 3 significant digits, so a percentile is exact up to 1000
// units and within 0.1% beyond, at a fixed cost per value however long the
// run. Histograms travel between worker processes as HdrHistogram's
// compressed base64 encoding and are merged with add().

import hdr from 'hdr-histogram-js'

export type Histogram = hdr.Histogram

let wasmReady: Promise<void> | null = null

/** Loads the WebAssembly backend once per process. */
export function initHistograms(): Promise<void> {
  wasmReady ??= hdr.initWebAssembly()
  return wasmReady
}

/** A histogram of non-negative integers; call initHistograms() first. */
export function newHistogram(): Histogram {
  return hdr.build({useWebAssembly: true, numberOfSignificantValueDigits: 3, bitBucketSize: 64})
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h)
}

export function decodeHistogram(text: string): Histogram {
  return hdr.decodeFromCompressedBase64(text, 64, true)
}

export interface Percentiles {
  p50: number
  p95: number
  p99: number
  p999: number
}

/** Percentiles as whole units, Kafka's 50th/95th/99th/99.9th. */
export function percentiles(h: Histogram): Percentiles {
  if (h.totalCount === 0) return {p50: 0, p95: 0, p99: 0, p999: 0}
  return {
    p50: h.getValueAtPercentile(50),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
  }
}
