// Round trip: `console consume --output json | console produce --input-format json`
// into another topic reproduces every record byte for byte: keys and values
// (binary, empty, null, large), headers (order, duplicates, null values),
// partitions and timestamps, whatever codec each side uses. Run against
// Apache Kafka 4.3.1 and against the bundled broker.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {recordFromJson} from '../../src/admin/record-json.js'
import {startBroker, type StartedBroker} from '../../src/index.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {type KafkaReference, startKafkaReference} from '../helpers/kafka-reference.js'
import {describeRun} from '../helpers/peers.js'

const PARTITIONS = 4
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** Deterministic pseudo-random bytes. */
function bytes(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n)
  let x = seed * 2654435761 + 1
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0
    out[i] = (x >>> 16) & 0xff
  }
  return out
}

interface Original {
  partition: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: string; value: Buffer | null}>
}

function originals(): Original[] {
  const out: Original[] = []
  for (let i = 0; i < 60; i++) {
    out.push({
      partition: i % PARTITIONS,
      // Not monotonic on purpose: CreateTime deltas may be negative within a batch.
      timestamp: 1_600_000_000_000 + ((i * 7919) % 1000) * 1000,
      key: i % 6 === 0 ? null : i % 6 === 1 ? Buffer.alloc(0) : bytes(i, 1 + (i % 40)),
      value: i % 9 === 0 ? null : i % 9 === 1 ? Buffer.from(`plain text ${i} – ünïcødé ✓`) : i === 7 ? bytes(i, 200_000) : bytes(i + 1000, i * 13),
      headers:
        i % 4 === 0
          ? []
          : [
              {key: 'trace', value: bytes(i, 8)},
              {key: 'tenant', value: null},
              {key: 'trace', value: Buffer.from(`dup-${i}`)},
            ],
    })
  }
  return out
}

function toJsonLines(records: Original[]): string {
  const enc = (b: Buffer | null) => (b === null ? {v: null} : {v: b.toString('base64'), e: 'base64'})
  return records
    .map((r) => {
      const k = enc(r.key)
      const v = enc(r.value)
      return JSON.stringify({
        partition: r.partition,
        timestamp: r.timestamp,
        key: k.v,
        keyEncoding: k.e,
        value: v.v,
        valueEncoding: v.e,
        headers: r.headers.map((h) => ({key: h.key, ...(h.value === null ? {value: null} : {value: h.value.toString('base64'), valueEncoding: 'base64'})})),
      })
    })
    .join('\n')
}

/** Records of consumed JSON lines, as comparable bytes, ordered by partition then offset. */
function parse(stdout: string): Array<{partition: number; timestamp: string; key: string | null; value: string | null; headers: Array<[string, string | null]>}> {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => ({line: JSON.parse(l) as {partition: number; offset: number}, record: recordFromJson(l)}))
    .sort((a, b) => a.line.partition - b.line.partition || a.line.offset - b.line.offset)
    .map(({record}) => ({
      partition: record.partition!,
      timestamp: String(record.timestamp),
      key: record.key === null ? null : record.key.toString('hex'),
      value: record.value === null ? null : record.value.toString('hex'),
      headers: record.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('hex')] as [string, string | null]),
    }))
}

function expected(records: Original[]) {
  return records
    .map((r, i) => ({r, i}))
    .sort((a, b) => a.r.partition - b.r.partition || a.i - b.i)
    .map(({r}) => ({
      partition: r.partition,
      timestamp: String(r.timestamp),
      key: r.key === null ? null : r.key.toString('hex'),
      value: r.value === null ? null : r.value.toString('hex'),
      headers: r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('hex')] as [string, string | null]),
    }))
}

async function roundTrip(bootstrap: string, prefix: string): Promise<void> {
  const records = originals()
  const want = expected(records)
  for (let c = 0; c < CODECS.length; c++) {
    const src = `${prefix}-src-${CODECS[c]}`
    const dst = `${prefix}-dst-${CODECS[c]}`
    for (const t of [src, dst]) {
      // The timestamps are years old: keep the records from time-based retention.
      const r = await runCli(['topics', 'create', t, '--partitions', String(PARTITIONS), '--config', 'retention.ms=-1', '--bootstrap-server', bootstrap])
      expect(r.code, describeRun('create', r)).toBe(0)
    }
    const produce = await runCli(['console', 'produce', '--topic', src, '--input-format', 'json', '--compression-codec', CODECS[c]!, '--bootstrap-server', bootstrap], {input: toJsonLines(records)})
    expect(produce.code, describeRun('produce', produce)).toBe(0)
    const first = await runCli(['console', 'consume', '--topic', src, '--from-beginning', '--output', 'json', '--max-messages', String(records.length), '--bootstrap-server', bootstrap])
    expect(first.code, describeRun('consume src', first)).toBe(0)
    expect(parse(first.stdout)).toEqual(want)
    // Copy with another codec: the bytes must not depend on how batches were compressed.
    const copy = await runCli(['console', 'produce', '--topic', dst, '--input-format', 'json', '--compression-codec', CODECS[(c + 2) % CODECS.length]!, '--bootstrap-server', bootstrap], {
      input: first.stdout,
    })
    expect(copy.code, describeRun('copy', copy)).toBe(0)
    const second = await runCli(['console', 'consume', '--topic', dst, '--from-beginning', '--output', 'json', '--max-messages', String(records.length), '--bootstrap-server', bootstrap])
    expect(second.code, describeRun('consume dst', second)).toBe(0)
    expect(parse(second.stdout)).toEqual(want)
    expect(second.stderr).toContain(`Processed a total of ${records.length} messages`)
  }
}

describe('console consume --output json | console produce --input-format json', () => {
  beforeAll(() => assertCliBuilt())

  describe('on Apache Kafka 4.3.1', () => {
    let kafka: KafkaReference
    beforeAll(async () => {
      kafka = await startKafkaReference()
    })
    afterAll(async () => {
      await kafka?.stop()
    })
    it('reproduces records byte for byte', async () => {
      await roundTrip(kafka.bootstrapServers, 'rt')
    }, 240_000)
  })

  describe('on the bundled broker', () => {
    let bundled: StartedBroker
    beforeAll(async () => {
      bundled = await startBroker({logLevel: 'error'})
    })
    afterAll(async () => {
      await bundled?.stop()
    })
    it('reproduces records byte for byte', async () => {
      await roundTrip(bundled.bootstrapServers, 'rt')
    }, 240_000)
  })
})
