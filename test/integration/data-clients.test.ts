// Real clients produce to and consume from the bundled broker: kcat
// (librdkafka) with every -z codec, confluent-kafka (Python, librdkafka),
// kafka-python 2.0.2, Apache Kafka's console producer and consumer (the Java
// client), and kafkajs with all four codecs. Each client must read back what
// it wrote, byte for byte (keys, values, headers, timestamps), in order per
// partition; and the broker's own bytes, fetched raw and decoded, must hold
// the same records, compressed with the codec the client chose.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Compression} from '../../src/protocol/compression.js'
import {registerKafkajsCodecs} from '../../src/protocol/kafkajs-codecs.js'
import {assertPeers, describeRun, runKafkaTool, runKcat, runPythonCode} from '../helpers/peers.js'
import {createTopic, kafkaClient, readPartition, removeHome, startTestBroker, text, type StoredRecord, type TestBroker} from './data-helpers.js'

let tb: TestBroker

beforeAll(async () => {
  assertPeers()
  registerKafkajsCodecs()
  tb = await startTestBroker({'num.partitions': '3'})
})

afterAll(async () => {
  await tb?.stop()
  removeHome(tb)
})

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
const CODEC_ID: Record<(typeof CODECS)[number], number> = {none: Compression.NONE, gzip: Compression.GZIP, snappy: Compression.SNAPPY, lz4: Compression.LZ4, zstd: Compression.ZSTD}

interface Expected {
  key: string | null
  value: string
  headers: Array<[string, string | null]>
  timestamp?: number
}

function plain(r: StoredRecord) {
  return {key: text(r.key), value: text(r.value), headers: r.headers.map((h) => [h.key, text(h.value)]), timestamp: r.timestamp}
}

/** The stored records match the expected ones, in order; timestamps where the client set them. */
function expectStored(stored: StoredRecord[], expected: Expected[]): void {
  expect(stored.map((r) => r.offset)).toEqual(expected.map((_, i) => i))
  expect(stored.map((r) => ({...plain(r), timestamp: undefined}))).toEqual(expected.map((e) => ({key: e.key, value: e.value, headers: e.headers, timestamp: undefined})))
  for (let i = 0; i < expected.length; i++) if (expected[i]!.timestamp !== undefined) expect(stored[i]!.timestamp).toBe(expected[i]!.timestamp)
}

function records(prefix: string, n: number, withTimestamps: boolean): Expected[] {
  return Array.from({length: n}, (_, i) => ({
    key: `${prefix}-key-${i}`,
    value: `${prefix} value ${i} — ünïcödé ✓ ${'x'.repeat(i * 37)}`,
    headers: [
      ['trace', `${prefix}-${i}`],
      ['empty', ''],
    ],
    timestamp: withTimestamps ? 1_700_000_000_000 + i * 1000 : undefined,
  }))
}

describe('kcat (librdkafka)', () => {
  it.each(CODECS)('produces with -z %s and reads back keys, values, headers and timestamps', async (codec) => {
    const topic = `kcat-${codec}`
    await createTopic(tb.bootstrap, topic, 2)
    for (const partition of [0, 1]) {
      const expected = records(`kcat-${codec}-p${partition}`, 20, false).map((e) => ({...e, headers: [['h1', 'one'], ['h2', `p${partition}`]] as Array<[string, string]>}))
      const input = expected.map((e) => `${e.key}\t${e.value}\n`).join('')
      const produced = await runKcat(['-P', '-b', tb.bootstrap, '-t', topic, '-p', String(partition), '-K', '\t', '-z', codec, '-H', 'h1=one', '-H', `h2=p${partition}`, '-X', 'linger.ms=50'], {input})
      expect(produced.code, describeRun('kcat -P', produced)).toBe(0)

      const stored = await readPartition(tb.port, topic, partition)
      expectStored(stored, expected)
      expect(new Set(stored.map((r) => r.compression))).toEqual(new Set([CODEC_ID[codec]]))

      const consumed = await runKcat(['-C', '-b', tb.bootstrap, '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%s\t%h\t%T\n'])
      expect(consumed.code, describeRun('kcat -C', consumed)).toBe(0)
      const lines = consumed.stdout.split('\n').filter((l) => l !== '')
      expect(lines).toEqual(stored.map((r) => `${r.offset}\t${text(r.key)}\t${text(r.value)}\th1=one,h2=p${partition}\t${r.timestamp}`))
    }
  })
})

const PY_COMMON = `
import base64, json, sys
spec = json.loads(sys.argv[1])
def b(s): return None if s is None else s.encode('utf-8')
def out(m_offset, key, value, headers, ts):
    print(json.dumps({'offset': m_offset, 'key': None if key is None else key.decode('utf-8'), 'value': value.decode('utf-8'),
        'headers': [[k, None if v is None else v.decode('utf-8')] for (k, v) in (headers or [])], 'timestamp': ts}))
`

const CONFLUENT = `${PY_COMMON}
from confluent_kafka import Producer, Consumer, TopicPartition, OFFSET_BEGINNING
p = Producer({'bootstrap.servers': spec['bootstrap'], 'compression.type': spec['codec'], 'enable.idempotence': True, 'linger.ms': 20})
errors = []
for r in spec['records']:
    p.produce(spec['topic'], partition=spec['partition'], key=b(r['key']), value=b(r['value']), headers=[(k, b(v)) for k, v in r['headers']],
              timestamp=r['timestamp'], on_delivery=lambda err, msg: errors.append(str(err)) if err else None)
left = p.flush(30)
if left or errors: sys.exit('not delivered: %s %s' % (left, errors))
c = Consumer({'bootstrap.servers': spec['bootstrap'], 'group.id': 'data-clients-confluent', 'enable.auto.commit': False})
c.assign([TopicPartition(spec['topic'], spec['partition'], OFFSET_BEGINNING)])
n = 0
while n < len(spec['records']):
    m = c.poll(10)
    if m is None: sys.exit('timed out after %d records' % n)
    if m.error(): sys.exit('consume error: %s' % m.error())
    out(m.offset(), m.key(), m.value(), m.headers(), m.timestamp()[1]); n += 1
c.close()
`

const KAFKA_PYTHON = `${PY_COMMON}
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
p = KafkaProducer(bootstrap_servers=spec['bootstrap'], compression_type=spec['codec'], linger_ms=20)
futures = [p.send(spec['topic'], partition=spec['partition'], key=b(r['key']), value=b(r['value']), headers=[(k, b(v)) for k, v in r['headers']], timestamp_ms=r['timestamp']) for r in spec['records']]
for f in futures: f.get(30)
p.close()
c = KafkaConsumer(bootstrap_servers=spec['bootstrap'], enable_auto_commit=False, consumer_timeout_ms=10000)
tp = TopicPartition(spec['topic'], spec['partition'])
c.assign([tp]); c.seek_to_beginning(tp)
n = 0
for m in c:
    out(m.offset, m.key, m.value, m.headers, m.timestamp); n += 1
    if n == len(spec['records']): break
c.close()
`

async function pythonRoundTrip(program: string, topic: string, codec: string | null, expected: Expected[], partition: number) {
  const spec = {bootstrap: tb.bootstrap, topic, codec, partition, records: expected}
  const r = await runPythonCode(program, [JSON.stringify(spec)], {timeoutMs: 90_000})
  expect(r.code, describeRun('python', r)).toBe(0)
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as {offset: number; key: string | null; value: string; headers: Array<[string, string | null]>; timestamp: number})
}

describe('confluent-kafka (Python, librdkafka)', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('idempotent producer with %s, assigned consumer: identical records back', async (codec) => {
    const topic = `confluent-${codec}`
    await createTopic(tb.bootstrap, topic, 3)
    const expected = records(`ck-${codec}`, 25, true)
    const consumed = await pythonRoundTrip(CONFLUENT, topic, codec, expected, 2)
    expect(consumed).toEqual(expected.map((e, i) => ({offset: i, key: e.key, value: e.value, headers: e.headers, timestamp: e.timestamp})))
    const stored = await readPartition(tb.port, topic, 2)
    expectStored(stored, expected)
    expect(new Set(stored.map((r) => r.compression))).toEqual(new Set([CODEC_ID[codec as keyof typeof CODEC_ID]]))
    // enable.idempotence: batches carry a producer id and sequences from 0.
    expect(stored[0]!.producerId).toBeGreaterThanOrEqual(0)
    expect(stored[0]!.baseSequence).toBe(0)
  })
})

describe('kafka-python 2.0.2', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('produces with %s and consumes: identical records back', async (codec) => {
    const topic = `kafka-python-${codec}`
    await createTopic(tb.bootstrap, topic, 1)
    const expected = records(`kp-${codec}`, 15, true)
    const consumed = await pythonRoundTrip(KAFKA_PYTHON, topic, codec === 'none' ? null : codec, expected, 0)
    expect(consumed).toEqual(expected.map((e, i) => ({offset: i, key: e.key, value: e.value, headers: e.headers, timestamp: e.timestamp})))
    const stored = await readPartition(tb.port, topic, 0)
    expectStored(stored, expected)
    expect(new Set(stored.map((r) => r.compression))).toEqual(new Set([CODEC_ID[codec as keyof typeof CODEC_ID]]))
  })
})

describe('Java client (kafka-console-producer / kafka-console-consumer)', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('console producer with %s, console consumer reads keys, values, headers, timestamps', async (codec) => {
    const topic = `java-${codec}`
    await createTopic(tb.bootstrap, topic, 1)
    const expected = records(`java-${codec}`, 12, false).map((e) => ({...e, headers: [['trace', e.key!.slice(-2)], ['k2', 'v2']] as Array<[string, string]>}))
    const input = expected.map((e) => `${e.headers.map(([k, v]) => `${k}:${v}`).join(',')}\t${e.key}\t${e.value}\n`).join('')
    const produced = await runKafkaTool(
      'kafka-console-producer',
      ['--bootstrap-server', tb.bootstrap, '--topic', topic, '--compression-codec', codec, '--reader-property', 'parse.key=true', '--reader-property', 'parse.headers=true'],
      {input, timeoutMs: 90_000},
    )
    expect(produced.code, describeRun('kafka-console-producer', produced)).toBe(0)
    const stored = await readPartition(tb.port, topic, 0)
    expectStored(stored, expected)
    expect(new Set(stored.map((r) => r.compression))).toEqual(new Set([CODEC_ID[codec as keyof typeof CODEC_ID]]))
    // The Java producer is idempotent by default.
    expect(stored[0]!.producerId).toBeGreaterThanOrEqual(0)

    const consumed = await runKafkaTool(
      'kafka-console-consumer',
      [
        '--bootstrap-server', tb.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', String(expected.length), '--timeout-ms', '30000',
        '--formatter-property', 'print.key=true', '--formatter-property', 'print.headers=true', '--formatter-property', 'print.timestamp=true', '--formatter-property', 'print.offset=true',
      ],
      {timeoutMs: 90_000},
    )
    expect(consumed.code, describeRun('kafka-console-consumer', consumed)).toBe(0)
    const lines = consumed.stdout.split('\n').filter((l) => l.startsWith('CreateTime:'))
    expect(lines).toEqual(stored.map((r) => `CreateTime:${r.timestamp}\tOffset:${r.offset}\t${r.headers.map((h) => `${h.key}:${text(h.value)}`).join(',')}\t${text(r.key)}\t${text(r.value)}`))
  })
})

describe('kafkajs', () => {
  it('produces with every codec (idempotent) and a group consumer reads everything back in order', async () => {
    const topic = 'kafkajs-codecs'
    await createTopic(tb.bootstrap, topic, 3)
    const {CompressionTypes} = await import('kafkajs')
    const kafka = kafkaClient(tb.bootstrap)
    const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    const codecs = [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]
    const expectedByPartition = new Map<number, Expected[]>([[0, []], [1, []], [2, []]])
    for (const [ci, codec] of codecs.entries()) {
      for (const partition of [0, 1, 2]) {
        const batch = records(`kjs-c${codec}-p${partition}`, 6, true).map((e) => ({...e, timestamp: e.timestamp! + ci * 100_000}))
        await producer.send({
          topic,
          compression: codec,
          acks: -1,
          messages: batch.map((e) => ({partition, key: e.key, value: e.value, timestamp: String(e.timestamp), headers: Object.fromEntries(e.headers.map(([k, v]) => [k, v ?? '']))})),
        })
        expectedByPartition.get(partition)!.push(...batch)
      }
    }
    await producer.disconnect()

    for (const [partition, expected] of expectedByPartition) {
      const stored = await readPartition(tb.port, topic, partition)
      expectStored(stored, expected)
      expect([...new Set(stored.map((r) => r.compression))]).toEqual([0, 1, 2, 3, 4])
    }

    const consumer = kafka.consumer({groupId: 'data-clients-kafkajs'})
    await consumer.connect()
    await consumer.subscribe({topic, fromBeginning: true})
    const got = new Map<number, Array<{offset: number; key: string | null; value: string; headers: Array<[string, string | null]>; timestamp: number}>>([[0, []], [1, []], [2, []]])
    let total = 0
    const want = [...expectedByPartition.values()].reduce((n, a) => n + a.length, 0)
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({partition, message}) => {
          got.get(partition)!.push({
            offset: Number(message.offset),
            key: message.key === null ? null : message.key.toString('utf8'),
            value: message.value!.toString('utf8'),
            headers: Object.entries(message.headers ?? {}).map(([k, v]) => [k, v === undefined ? null : Buffer.from(v as Buffer).toString('utf8')]),
            timestamp: Number(message.timestamp),
          })
          if (++total === want) resolve()
        },
      })
    })
    await done
    await consumer.disconnect()
    for (const [partition, expected] of expectedByPartition) {
      expect(got.get(partition)).toEqual(expected.map((e, i) => ({offset: i, key: e.key, value: e.value, headers: e.headers, timestamp: e.timestamp})))
    }
  })
})
