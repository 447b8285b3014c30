// Throughput of the record-level codecs: CRC-32C, RecordBatch v2 encode /
// decode, the broker's per-batch hot path, and the four compression codecs.
//
//   npx tsx scripts/bench-codec.ts [section ...] [--ms=400]
//
// Sections run in order; name some to run only those (see `sections` below).
// Figures are MB/s of uncompressed payload (records section / input bytes)
// unless a row says otherwise. Timing is wall clock on a shared 2-core box:
// compare rows of one run, not runs of different days.
//
// Adding a section (e.g. Produce/Fetch request encode/decode with the
// generated protocol codecs): push a BenchSection onto `sections`, or import
// it from another script and call runSections([...]).

import {pathToFileURL} from 'node:url'

import {compress, Compression, compressionName, compressSync, decompress, decompressSync} from '../src/protocol/compression.js'
import {crc32c, crc32cReference} from '../src/protocol/crc32c.js'
import {
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordBatchInput,
  readBatchHeader,
  RECORDS_OFFSET,
  scanBatches,
  stampBatch,
  verifyBatchCrc,
} from '../src/protocol/record-batch.js'

export interface BenchRow {
  [column: string]: string | number
}

export interface BenchSection {
  name: string
  title: string
  run(budgetMs: number): Promise<BenchRow[]>
}

const MiB = 1024 * 1024

/** Runs fn repeatedly for about budgetMs (after a short warm-up); returns calls per second. */
export function rate(fn: () => unknown, budgetMs: number): number {
  const warmUntil = performance.now() + Math.min(200, budgetMs / 2)
  while (performance.now() < warmUntil) fn()
  let calls = 0
  let batch = 1
  const start = performance.now()
  let now = start
  while (now - start < budgetMs) {
    for (let i = 0; i < batch; i++) fn()
    calls += batch
    now = performance.now()
    if (now - start < budgetMs / 20) batch *= 2
  }
  return (calls * 1000) / (now - start)
}

/** Same for a promise-returning fn, awaited one at a time. */
export async function rateAsync(fn: () => Promise<unknown>, budgetMs: number): Promise<number> {
  const warmUntil = performance.now() + Math.min(200, budgetMs / 2)
  while (performance.now() < warmUntil) await fn()
  let calls = 0
  const start = performance.now()
  let now = start
  while (now - start < budgetMs) {
    await fn()
    calls++
    now = performance.now()
  }
  return (calls * 1000) / (now - start)
}

const mbps = (bytes: number, perSecond: number) => Math.round((bytes * perSecond) / MiB)

/** Realistic event JSON: repetitive field names, varied values (compresses ~4-5x with zstd). */
export function jsonish(size: number, seed = 42): Buffer {
  let s = seed >>> 0
  const rnd = () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 4294967296
  }
  const words = ['view', 'click', 'checkout', 'payment', 'refund', 'android', 'ios', 'web', 'EUR', 'USD']
  let out = ''
  for (let i = 0; out.length < size; i++) {
    out +=
      JSON.stringify({
        id: i,
        ts: 1_700_000_000_000 + Math.floor(rnd() * 1e9),
        user: `user-${Math.floor(rnd() * 10_000)}`,
        event: words[Math.floor(rnd() * 5)],
        device: words[5 + Math.floor(rnd() * 3)],
        amount: Math.round(rnd() * 100_000) / 100,
        currency: words[8 + Math.floor(rnd() * 2)],
        session: Math.floor(rnd() * 2 ** 32).toString(16),
      }) + '\n'
  }
  return Buffer.from(out.slice(0, size))
}

function recordsOf(count: number, valueSize: number): RecordBatchInput['records'] {
  const payload = jsonish(count * valueSize + valueSize, valueSize)
  return Array.from({length: count}, (_, i) => ({
    key: `key-${i % 1000}`,
    value: payload.subarray(i * valueSize, (i + 1) * valueSize),
    timestamp: 1_700_000_000_000n + BigInt(i),
  }))
}

export const sections: BenchSection[] = [
  {
    name: 'crc',
    title: 'CRC-32C (native @node-rs/crc32 vs byte-at-a-time JS table)',
    async run(ms) {
      const rows: BenchRow[] = []
      for (const size of [1024, 16 * 1024, MiB]) {
        const buf = jsonish(size)
        const native = mbps(size, rate(() => crc32c(buf), ms))
        const table = mbps(size, rate(() => crc32cReference(buf), ms / 2))
        rows.push({size: size >= MiB ? `${size / MiB} MiB` : `${size / 1024} KiB`, 'native MB/s': native, 'JS table MB/s': table, ratio: `${(native / table).toFixed(1)}x`})
      }
      return rows
    },
  },
  {
    name: 'batch',
    title: 'RecordBatch v2 encode / decode (MB/s of records section, uncompressed; decode verifies the CRC)',
    async run(ms) {
      const rows: BenchRow[] = []
      for (const [valueSize, count] of [
        [1024, 16],
        [1024, 1000],
        [100, 160],
        [100, 10_000],
      ] as const) {
        const input: RecordBatchInput = {records: recordsOf(count, valueSize)}
        const buf = encodeRecordBatch(input)
        const bytes = buf.length - RECORDS_OFFSET
        const enc = rate(() => encodeRecordBatch(input), ms)
        const dec = rate(() => decodeRecordBatch(buf), ms)
        rows.push({
          records: `${count} x ${valueSize} B`,
          'batch bytes': buf.length,
          'encode MB/s': mbps(bytes, enc),
          'decode MB/s': mbps(bytes, dec),
          'encode rec/s': Math.round(enc * count),
          'decode rec/s': Math.round(dec * count),
        })
      }
      return rows
    },
  },
  {
    name: 'hotpath',
    title: "Broker append hot path per 16 KiB batch: readBatchHeader + verifyBatchCrc + stampBatch",
    async run(ms) {
      const batches = Array.from({length: 64}, () => encodeRecordBatch({compression: Compression.LZ4, records: recordsOf(16, 1024)}))
      const all = Buffer.concat(batches)
      let i = 0
      const perBatch = rate(() => {
        const at = (i++ & 63) * batches[0]!.length
        readBatchHeader(all, at)
        verifyBatchCrc(all, at)
        stampBatch(all, at, BigInt(i), 1)
      }, ms)
      const scans = rate(() => scanBatches(all), ms)
      return [
        {operation: 'header + CRC + stamp', 'batches/s': Math.round(perBatch), 'MB/s (wire bytes)': mbps(batches[0]!.length, perBatch)},
        {operation: 'scanBatches (64 batches)', 'batches/s': Math.round(scans * 64), 'MB/s (wire bytes)': mbps(all.length, scans)},
      ]
    },
  },
  {
    name: 'compression',
    title: 'Compression codecs on 1 MiB of JSON-ish data (sync = on the JS thread, async = libuv pool, awaited one at a time)',
    async run(ms) {
      const data = jsonish(MiB)
      const rows: BenchRow[] = []
      for (const codec of [Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]) {
        const packed = compressSync(codec, data)
        if (!decompressSync(codec, packed).equals(data)) throw new Error(`${compressionName(codec)} round trip failed`)
        rows.push({
          codec: compressionName(codec),
          ratio: `${((packed.length / data.length) * 100).toFixed(1)}%`,
          'compress sync': mbps(MiB, rate(() => compressSync(codec, data), ms)),
          'decompress sync': mbps(MiB, rate(() => decompressSync(codec, packed), ms)),
          'compress async': mbps(MiB, await rateAsync(() => compress(codec, data), ms)),
          'decompress async': mbps(MiB, await rateAsync(() => decompress(codec, packed), ms)),
        })
      }
      return rows
    },
  },
  {
    name: 'batch-codecs',
    title: 'RecordBatch v2 encode / decode with each codec (1 000 x 1 KiB records; MB/s of uncompressed records)',
    async run(ms) {
      const input = recordsOf(1000, 1024)
      const raw = encodeRecordBatch({records: input}).length - RECORDS_OFFSET
      const rows: BenchRow[] = []
      for (const codec of [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]) {
        const spec: RecordBatchInput = {compression: codec, records: input}
        const buf = encodeRecordBatch(spec)
        rows.push({
          codec: compressionName(codec),
          'batch bytes': buf.length,
          'encode MB/s': mbps(raw, rate(() => encodeRecordBatch(spec), ms)),
          'decode MB/s': mbps(raw, rate(() => decodeRecordBatch(buf), ms)),
        })
      }
      return rows
    },
  },
]

export function printTable(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`)
  if (rows.length === 0) return
  const cols = Object.keys(rows[0]!)
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)))
  const line = (cells: string[]) => cells.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
  console.log(line(cols))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const r of rows) console.log(line(cols.map((c) => String(r[c] ?? ''))))
}

export async function runSections(list: BenchSection[], budgetMs: number): Promise<void> {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${budgetMs} ms per measurement`)
  for (const s of list) printTable(s.title, await s.run(budgetMs))
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const msArg = args.find((a) => a.startsWith('--ms='))
  const budgetMs = msArg ? Number(msArg.slice(5)) : 400
  const names = args.filter((a) => !a.startsWith('--'))
  const unknown = names.filter((n) => !sections.some((s) => s.name === n))
  if (unknown.length > 0 || !Number.isFinite(budgetMs) || budgetMs <= 0) {
    console.error(`bench-codec: unknown section ${unknown.join(', ') || '(bad --ms)'}; sections: ${sections.map((s) => s.name).join(', ')}`)
    process.exit(2)
  }
  await runSections(names.length > 0 ? sections.filter((s) => names.includes(s.name)) : sections, budgetMs)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`bench-codec: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  })
}
