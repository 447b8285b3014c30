// `tskafka perf produce --sweep`: proof that the settings take effect on the
// wire. After a sweep, the topic's log segment is read with Apache Kafka's own
// kafka-dump-log.sh (on Apache Kafka 4.3.1 and on the bundled broker, whose
// segments are in Kafka's format): a sweep over compression types with
// compressible payloads leaves different bytes on disk per codec, and a sweep
// over batch.size leaves batches of different average sizes. The sweep's
// table, best-configuration lines and its CSV, JSON and HTML files are
// checked too. Output files go to a temp dir.

import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startBroker, type StartedBroker} from '../../src/index.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {type KafkaReference, startKafkaReference} from '../helpers/kafka-reference.js'
import {describeRun, runKafkaTool} from '../helpers/peers.js'
import {PRODUCER_TOTAL} from '../unit/perf/kafka-formats.js'

interface DumpedBatch {
  baseOffset: number
  lastOffset: number
  count: number
  size: number
  codec: string
}

/** The batches of a partition's segments, as Kafka's kafka-dump-log.sh reads them. */
async function dumpLog(partitionDir: string): Promise<DumpedBatch[]> {
  const files = readdirSync(partitionDir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(partitionDir, f))
  const r = await runKafkaTool('kafka-dump-log', ['--files', files.join(',')], {timeoutMs: 60_000})
  expect(r.code, describeRun('kafka-dump-log.sh', r)).toBe(0)
  const out: DumpedBatch[] = []
  for (const line of r.stdout.split('\n')) {
    const m = /^baseOffset: (\d+) lastOffset: (\d+) count: (\d+) .* size: (\d+) magic: 2 compresscodec: (\w+) crc: \d+ isvalid: true$/.exec(line)
    if (m) out.push({baseOffset: Number(m[1]), lastOffset: Number(m[2]), count: Number(m[3]), size: Number(m[4]), codec: m[5]!})
  }
  return out
}

/** JSON-ish lines: compressible the way real payloads are. */
function payloadFile(dir: string): string {
  const lines: string[] = []
  for (let i = 0; i < 500; i++) {
    lines.push(JSON.stringify({id: i, user: `user-${i % 37}`, event: ['click', 'view', 'purchase', 'scroll'][i % 4], path: `/products/${i % 91}/details`, ts: 1_700_000_000_000 + i * 17, tags: ['alpha', 'beta', 'gamma'].slice(0, 1 + (i % 3))}))
  }
  const path = join(dir, 'payloads.txt')
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

const targets: Array<{name: string; start(): Promise<{bootstrap: string; logDir: string; stop(): Promise<void>}>}> = [
  {
    name: 'Apache Kafka 4.3.1',
    async start() {
      const ref: KafkaReference = await startKafkaReference()
      return {bootstrap: ref.bootstrapServers, logDir: ref.logDir, stop: () => ref.stop()}
    },
  },
  {
    name: 'the bundled broker',
    async start() {
      const b: StartedBroker = await startBroker()
      return {bootstrap: b.bootstrapServers, logDir: b.dataDir, stop: () => b.stop()}
    },
  },
]

for (const target of targets) {
  describe(`perf produce --sweep against ${target.name}`, () => {
    let broker: {bootstrap: string; logDir: string; stop(): Promise<void>}
    let dir: string

    beforeAll(async () => {
      assertCliBuilt()
      dir = mkdtempSync(join(tmpdir(), 'tskafka-perf-sweep-'))
      broker = await target.start()
    })

    afterAll(async () => {
      await broker?.stop()
      rmSync(dir, {recursive: true, force: true})
    })

    it('compression.type changes the bytes on disk per codec', async () => {
      const out = join(dir, 'compression')
      const r = await runCli(
        ['perf', 'produce', '--bootstrap-server', broker.bootstrap, '--topic', 'codecs', '--num-records', '3000', '--sweep-warmup-records', '300', '--payload-file', payloadFile(dir), '--throughput', '-1', '--command-property', 'linger.ms=20', '--sweep', 'compression.type=none,gzip,snappy,lz4,zstd', '--output-dir', out],
        {timeoutMs: 120_000},
      )
      expect(r.code, describeRun('perf produce --sweep', r)).toBe(0)
      const lines = r.stdout.split('\n')
      expect(lines.filter((l) => PRODUCER_TOTAL.test(l))).toHaveLength(5)
      expect(lines).toContainEqual(expect.stringMatching(/^Best throughput: compression\.type=\w+ \(/))
      expect(lines).toContainEqual(expect.stringMatching(/^Best latency: compression\.type=\w+ \(p99 \d+ ms/))

      const batches = await dumpLog(join(broker.logDir, 'codecs-0'))
      const perCodec = new Map<string, {bytes: number; records: number}>()
      for (const b of batches) {
        const s = perCodec.get(b.codec) ?? {bytes: 0, records: 0}
        s.bytes += b.size
        s.records += b.count
        perCodec.set(b.codec, s)
      }
      expect([...perCodec.keys()].sort()).toEqual(['gzip', 'lz4', 'none', 'snappy', 'zstd'])
      for (const s of perCodec.values()) expect(s.records).toBe(3300)
      const bytesPerRecord = new Map([...perCodec].map(([codec, s]) => [codec, s.bytes / s.records]))
      expect(new Set([...bytesPerRecord.values()].map((v) => v.toFixed(1))).size).toBe(5)
      for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) expect(bytesPerRecord.get(codec)!).toBeLessThan(bytesPerRecord.get('none')! * 0.8)

      const files = readdirSync(out)
      const csv = files.find((f) => f.endsWith('.csv'))!
      const json = files.find((f) => f.endsWith('.json'))!
      const html = files.find((f) => f.endsWith('.html'))!
      const csvLines = readFileSync(join(out, csv), 'utf8').trim().split('\n')
      expect(csvLines[0]!.startsWith('compression.type,records,recordsPerSec,mbPerSec,')).toBe(true)
      expect(csvLines.slice(1).map((l) => l.split(',')[0])).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd'])
      const data = JSON.parse(readFileSync(join(out, json), 'utf8')) as {points: Array<{settings: Record<string, string>; compressionRatio: number; records: number}>; bestThroughput: {label: string}}
      expect(data.points).toHaveLength(5)
      expect(data.points.every((p) => p.records === 3000)).toBe(true)
      expect(data.points.find((p) => p.settings['compression.type'] === 'none')!.compressionRatio).toBe(1)
      expect(data.points.find((p) => p.settings['compression.type'] === 'zstd')!.compressionRatio).toBeLessThan(0.8)
      const page = readFileSync(join(out, html), 'utf8')
      expect(page).toContain('<svg')
      expect(page).toContain(data.bestThroughput.label)
    })

    it('batch.size changes the average batch size on the broker', async () => {
      const sizes = [2048, 8192, 32768]
      const r = await runCli(
        ['perf', 'produce', '--bootstrap-server', broker.bootstrap, '--topic', 'batches', '--num-records', '4000', '--sweep-warmup-records', '400', '--record-size', '200', '--throughput', '-1', '--command-property', 'linger.ms=100', '--sweep', `batch.size=${sizes.join(',')}`, '--output-dir', join(dir, 'batch'), '--output', 'json'],
        {timeoutMs: 120_000},
      )
      expect(r.code, describeRun('perf produce --sweep', r)).toBe(0)
      const data = JSON.parse(r.stdout) as {points: Array<{avgBatchBytes: number}>}
      expect(data.points).toHaveLength(3)

      // Points run one after another, each sending 4400 records: offsets tell them apart.
      const batches = await dumpLog(join(broker.logDir, 'batches-0'))
      const avg = sizes.map((_, i) => {
        const mine = batches.filter((b) => b.baseOffset >= i * 4400 && b.lastOffset < (i + 1) * 4400)
        return mine.reduce((s, b) => s + b.size, 0) / mine.length
      })
      expect(avg[0]!).toBeLessThanOrEqual(2048)
      expect(avg[1]!).toBeGreaterThan(avg[0]! * 2)
      expect(avg[2]!).toBeGreaterThan(avg[1]! * 2)
      expect(avg[2]!).toBeLessThanOrEqual(32768)
      data.points.forEach((p, i) => expect(Math.abs(p.avgBatchBytes - avg[i]!) / avg[i]!).toBeLessThan(0.15))
    })
  })
}
