// The HTML report of a sweep: one self-contained file (inline SVG and CSS,
// no scripts, no network) that a person opens in a browser. One row per
// configuration with two bars side by side, throughput (MB/s) and p99
// latency (ms), the best configuration for each highlighted, and the full
// figures in a table below.

import {javaFixed} from './format.js'
import type {SweepPoint, SweepResult} from './sweep.js'

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** A "nice" axis maximum (1, 2, 2.5, 5 x 10^n) at or above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1
  const exp = Math.floor(Math.log10(v))
  const base = 10 ** exp
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= v) return m * base
  return 10 * base
}

interface Panel {
  title: string
  unit: string
  value: (p: SweepPoint) => number
  best: SweepPoint
  color: string
  bestColor: string
  digits: number
}

function panel(points: readonly SweepPoint[], p: Panel, x0: number, width: number, rowHeight: number, top: number): string {
  const max = niceMax(Math.max(...points.map(p.value)))
  const parts: string[] = [`<text x="${x0}" y="${top - 28}" class="title">${esc(p.title)}</text>`]
  for (let t = 0; t <= 4; t++) {
    const x = x0 + (width * t) / 4
    parts.push(`<line x1="${x}" y1="${top - 8}" x2="${x}" y2="${top + rowHeight * points.length}" class="grid"/>`)
    parts.push(`<text x="${x}" y="${top - 12}" class="tick" text-anchor="middle">${esc(trim((max * t) / 4))}</text>`)
  }
  points.forEach((pt, i) => {
    const v = p.value(pt)
    const w = Math.max(1, (width * v) / max)
    const y = top + i * rowHeight + 4
    const best = pt === p.best
    parts.push(`<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${best ? p.bestColor : p.color}"><title>${esc(`${pt.label}: ${javaFixed(v, p.digits)} ${p.unit}`)}</title></rect>`)
    parts.push(`<text x="${x0 + w + 4}" y="${y + rowHeight / 2}" class="value">${esc(javaFixed(v, p.digits))}${best ? ' ★' : ''}</text>`)
  })
  return parts.join('\n')
}

function trim(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1).replace(/\.?0+$/, '')
}

export function renderSweepHtml(result: Pick<SweepResult, 'axes' | 'points' | 'bestThroughput' | 'bestLatency' | 'numRecords' | 'warmupRecords'>, run: {topic: string; recordSize: number | null; throughput: number}): string {
  const points = result.points
  const rowHeight = 26
  const labelWidth = Math.min(520, Math.max(160, ...points.map((p) => p.label.length * 7.2 + 16)))
  const barWidth = 300
  const gap = 90
  const top = 70
  const width = labelWidth + 2 * barWidth + gap + 80
  const height = top + rowHeight * points.length + 20
  const labels = points
    .map((p, i) => `<text x="${labelWidth - 10}" y="${top + i * rowHeight + rowHeight / 2 + 4}" class="label" text-anchor="end">${esc(p.label)}</text>`)
    .join('\n')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Throughput and p99 latency per configuration">
<style>
.title{font:600 14px sans-serif;fill:#222}.tick{font:11px sans-serif;fill:#666}.label{font:12px monospace;fill:#222}
.value{font:11px sans-serif;fill:#333;dominant-baseline:middle}.grid{stroke:#e3e3e3;stroke-width:1}
</style>
${labels}
${panel(points, {title: 'Throughput (MB/s, higher is better)', unit: 'MB/s', value: (p) => p.mbPerSec, best: result.bestThroughput, color: '#7aa6d8', bestColor: '#1f5fa8', digits: 2}, labelWidth, barWidth, rowHeight, top)}
${panel(points, {title: 'p99 latency (ms, lower is better)', unit: 'ms', value: (p) => p.p99Ms, best: result.bestLatency, color: '#f0a878', bestColor: '#c2561a', digits: 0}, labelWidth + barWidth + gap, barWidth, rowHeight, top)}
</svg>`
  const cols = [...result.axes.map((a) => a.key), 'records/s', 'MB/s', 'avg ms', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'compression', 'avg batch bytes']
  const rows = points
    .map((p) => {
      const cells = [
        ...result.axes.map((a) => esc(p.settings[a.key] ?? '')),
        javaFixed(p.recordsPerSec, 1),
        javaFixed(p.mbPerSec, 2),
        javaFixed(p.avgLatencyMs, 2),
        String(p.p50Ms),
        String(p.p99Ms),
        String(p.p999Ms),
        javaFixed(p.maxLatencyMs, 0),
        javaFixed(p.compressionRatio, 3),
        javaFixed(p.avgBatchBytes, 0),
      ]
      const cls = [p === result.bestThroughput ? 'best-tp' : '', p === result.bestLatency ? 'best-lat' : ''].join(' ').trim()
      return `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
    })
    .join('\n')
  const size = run.recordSize !== null ? `${run.recordSize}-byte records` : 'records'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tskafka perf produce sweep: ${esc(run.topic)}</title>
<style>
body{font:14px/1.4 sans-serif;margin:24px;color:#222}h1{font-size:20px}table{border-collapse:collapse;margin-top:16px}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
tr.best-tp td{background:#e6eef8}tr.best-lat td{background:#fbebe0}tr.best-tp.best-lat td{background:#eee6f4}.note{color:#555}
</style></head><body>
<h1>tskafka perf produce sweep: topic ${esc(run.topic)}</h1>
<p class="note">${result.numRecords} measured ${esc(size)} per configuration after ${result.warmupRecords} warm-up records; throughput target ${run.throughput > 0 ? `${run.throughput} records/s` : 'unthrottled'}.</p>
<p><b>Best throughput:</b> ${esc(result.bestThroughput.label)} (${javaFixed(result.bestThroughput.mbPerSec, 2)} MB/s, ${javaFixed(result.bestThroughput.recordsPerSec, 1)} records/s)<br>
<b>Best latency:</b> ${esc(result.bestLatency.label)} (p99 ${result.bestLatency.p99Ms} ms)</p>
${svg}
<table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`
}
