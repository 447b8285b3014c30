import {createRequire} from 'node:module'

import {describe, expect, it} from 'vitest'

import {Compression, compressSync} from '../../src/protocol/compression.js'
import {crc32c} from '../../src/protocol/crc32c.js'
import {registerKafkajsCodecs} from '../../src/protocol/kafkajs-codecs.js'
import {ProtocolError} from '../../src/protocol/primitives.js'
import {
  ATTRIBUTES_OFFSET,
  computeBatchCrc,
  ControlRecordType,
  CorruptRecordError,
  CRC_OFFSET,
  decodeMessageSet,
  decodeRecordBatch,
  decodeRecordBatchAsync,
  describeAttributes,
  encodeControlRecordKey,
  encodeEndTxnMarkerBatch,
  encodeEndTxnMarkerValue,
  encodeMessageSet,
  encodeRecordBatch,
  encodeRecordBatchAsync,
  iterateBatches,
  parseControlRecord,
  peekMagic,
  readBatchHeader,
  RECORD_BATCH_OVERHEAD,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
  type RecordBatchInput,
  scanBatches,
  stampBatch,
  stampLogAppendTime,
  UnsupportedMagicError,
  upconvertMessageSet,
  verifyBatchCrc,
} from '../../src/protocol/record-batch.js'

const require = createRequire(import.meta.url)
const CODECS = [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]
const T0 = 1_700_000_000_000n

const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'))
const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'))

function sampleRecords(): RecordBatchInput['records'] {
  return [
    {timestamp: T0, key: 'k1', value: 'v1', headers: [{key: 'h1', value: 'x'}, {key: 'h2', value: ''}]},
    {timestamp: T0 + 5n, key: null, value: 'v2'},
    {timestamp: T0 - 3n, key: 'k3', value: null, headers: [{key: 'hn', value: null}]},
  ]
}

function expectSample(records: ReturnType<typeof decodeRecordBatch>['records'], baseOffset: bigint, logAppendTime?: bigint): void {
  expect(records).toHaveLength(3)
  expect(records.map((r) => r.offset)).toEqual([baseOffset, baseOffset + 1n, baseOffset + 2n])
  expect(records.map((r) => r.timestamp)).toEqual(logAppendTime ? [logAppendTime, logAppendTime, logAppendTime] : [T0, T0 + 5n, T0 - 3n])
  expect(records.map((r) => text(r.key))).toEqual(['k1', null, 'k3'])
  expect(records.map((r) => text(r.value))).toEqual(['v1', 'v2', null])
  expect(records[0]!.headers.map((h) => [h.key, text(h.value)])).toEqual([
    ['h1', 'x'],
    ['h2', ''],
  ])
  expect(records[1]!.headers).toEqual([])
  expect(records[2]!.headers).toEqual([{key: 'hn', value: null}])
}

/** The kind of payloads a record-heavy test wants: deterministic, varied sizes. */
function manyRecords(n: number, valueSize: number): RecordBatchInput['records'] {
  return Array.from({length: n}, (_, i) => ({
    timestamp: T0 + BigInt(i % 1000),
    key: i % 7 === 0 ? null : `key-${i}`,
    value: `{"n":${i},"pad":"${'x'.repeat(valueSize)}"}`,
    headers: i % 3 === 0 ? [{key: 'trace', value: `t-${i}`}] : [],
  }))
}

describe('encodeRecordBatch / decodeRecordBatch', () => {
  for (const codec of CODECS) {
    it(`round trips keys, null keys and values, and headers with codec ${codec}`, async () => {
      const buf = encodeRecordBatch({baseOffset: 100n, compression: codec, records: sampleRecords()})
      expect(verifyBatchCrc(buf)).toBe(true)
      const {header, records} = decodeRecordBatch(buf)
      expect(header).toMatchObject({
        baseOffset: 100n,
        magic: 2,
        compression: codec,
        timestampType: 0,
        isTransactional: false,
        isControl: false,
        lastOffsetDelta: 2,
        lastOffset: 102n,
        baseTimestamp: T0,
        maxTimestamp: T0 + 5n,
        producerId: -1n,
        producerEpoch: -1,
        baseSequence: -1,
        partitionLeaderEpoch: -1,
        recordCount: 3,
        size: buf.length,
      })
      expectSample(records, 100n)
      expect(records.map((r) => r.timestampDelta)).toEqual([0, 5, -3])
      const viaAsync = await decodeRecordBatchAsync(buf)
      expect(viaAsync.records.map((r) => hex(r.value))).toEqual(records.map((r) => hex(r.value)))
      const asyncEncoded = await encodeRecordBatchAsync({baseOffset: 100n, compression: codec, records: sampleRecords()})
      expectSample(decodeRecordBatch(asyncEncoded).records, 100n)
    })

    it(`round trips a large batch (5 000 records) with codec ${codec}`, () => {
      const input = manyRecords(5000, 200)
      const buf = encodeRecordBatch({compression: codec, records: input})
      const {header, records} = decodeRecordBatch(buf)
      expect(header.recordCount).toBe(5000)
      expect(header.lastOffsetDelta).toBe(4999)
      expect(header.maxTimestamp).toBe(T0 + 999n)
      expect(records).toHaveLength(5000)
      for (const i of [0, 1, 7, 2500, 4999]) {
        expect(text(records[i]!.key)).toBe(input[i]!.key)
        expect(text(records[i]!.value)).toBe(input[i]!.value)
        expect(records[i]!.headers.map((h) => text(h.value))).toEqual((input[i]!.headers ?? []).map((h) => h.value))
      }
      if (codec !== Compression.NONE) expect(buf.length).toBeLessThan(5000 * 200)
    })
  }

  it('writes idempotent and transactional producer fields', () => {
    const buf = encodeRecordBatch({
      baseOffset: 5n,
      partitionLeaderEpoch: 3,
      producerId: 1234n,
      producerEpoch: 7,
      baseSequence: 42,
      isTransactional: true,
      compression: Compression.ZSTD,
      records: sampleRecords(),
    })
    const h = readBatchHeader(buf)
    expect(h).toMatchObject({producerId: 1234n, producerEpoch: 7, baseSequence: 42, isTransactional: true, partitionLeaderEpoch: 3, compression: 4})
    expect(describeAttributes(h.attributes)).toBe('compression=zstd timestampType=CreateTime transactional')
  })

  it('keeps int64 fields beyond 2^53 exact', () => {
    const big = 2n ** 62n + 12345n
    const buf = encodeRecordBatch({baseOffset: big, producerId: big + 1n, records: [{timestamp: 2n ** 60n, value: 'v'}]})
    const {header, records} = decodeRecordBatch(buf)
    expect(header.baseOffset).toBe(big)
    expect(header.producerId).toBe(big + 1n)
    expect(records[0]!.offset).toBe(big)
    expect(records[0]!.timestamp).toBe(2n ** 60n)
  })

  it('honours explicit offset deltas (compacted gaps), base timestamp, max timestamp and raw attributes', () => {
    const buf = encodeRecordBatch({
      baseOffset: 10n,
      baseTimestamp: T0 - 100n,
      attributes: 0x10, // transactional bit given raw
      records: [
        {offsetDelta: 0, timestamp: T0, value: 'a'},
        {offsetDelta: 4, timestamp: T0 + 1n, value: 'b'},
        {offsetDelta: 9, value: 'c'}, // no timestamp: the batch's base timestamp
      ],
    })
    const {header, records} = decodeRecordBatch(buf)
    expect(header.isTransactional).toBe(true)
    expect(header.lastOffsetDelta).toBe(9)
    expect(header.baseTimestamp).toBe(T0 - 100n)
    expect(header.maxTimestamp).toBe(T0 + 1n)
    expect(records.map((r) => r.offset)).toEqual([10n, 14n, 19n])
    expect(records.map((r) => r.timestamp)).toEqual([T0, T0 + 1n, T0 - 100n])
  })

  it('stamps the current time on records without one when no base timestamp is given', () => {
    const before = BigInt(Date.now())
    const {records} = decodeRecordBatch(encodeRecordBatch({records: [{value: 'now'}]}))
    expect(records[0]!.timestamp).toBeGreaterThanOrEqual(before)
    expect(records[0]!.timestamp).toBeLessThanOrEqual(BigInt(Date.now()))
  })

  it('encodes an empty batch as Kafka does after compaction (no records, lastOffsetDelta -1)', () => {
    const buf = encodeRecordBatch({baseOffset: 7n, records: []})
    expect(buf.length).toBe(RECORD_BATCH_OVERHEAD)
    const {header, records} = decodeRecordBatch(buf)
    expect(records).toEqual([])
    expect(header.lastOffsetDelta).toBe(-1)
    expect(header.maxTimestamp).toBe(-1n)
  })

  it('handles multi-byte UTF-8 header keys, binary keys and large values', () => {
    const key = Buffer.from([0, 1, 2, 0xff, 0xfe])
    const value = Buffer.alloc(300_000, 0x61)
    const buf = encodeRecordBatch({records: [{timestamp: T0, key, value, headers: [{key: 'ключ-🔑', value: Buffer.from([9])}]}]})
    const r = decodeRecordBatch(buf).records[0]!
    expect(r.key!.equals(key)).toBe(true)
    expect(r.value!.equals(value)).toBe(true)
    expect(r.headers[0]!.key).toBe('ключ-🔑')
  })

  it('sets hasDeleteHorizonMs with the horizon as base timestamp', () => {
    const buf = encodeRecordBatch({deleteHorizonMs: T0 + 86_400_000n, records: [{timestamp: T0, key: 'k', value: null}]})
    const {header, records} = decodeRecordBatch(buf)
    expect(header.hasDeleteHorizonMs).toBe(true)
    expect(header.deleteHorizonMs).toBe(T0 + 86_400_000n)
    expect(records[0]!.timestamp).toBe(T0)
    expect(records[0]!.value).toBeNull()
  })
})

describe('header, stamping and CRC', () => {
  it('reads the header from only its 61 bytes, without the records', () => {
    const buf = encodeRecordBatch({baseOffset: 3n, compression: Compression.LZ4, records: manyRecords(50, 20)})
    const h = readBatchHeader(buf.subarray(0, RECORD_BATCH_OVERHEAD))
    expect(h.size).toBe(buf.length)
    expect(h.recordCount).toBe(50)
    expect(h.compression).toBe(Compression.LZ4)
  })

  it('stampBatch rewrites baseOffset and partitionLeaderEpoch in place, leaving the CRC valid', () => {
    const buf = encodeRecordBatch({compression: Compression.SNAPPY, records: sampleRecords()})
    const crc = buf.readUInt32BE(CRC_OFFSET)
    stampBatch(buf, 0, 777n, 12)
    expect(buf.readUInt32BE(CRC_OFFSET)).toBe(crc)
    expect(verifyBatchCrc(buf)).toBe(true)
    const {header, records} = decodeRecordBatch(buf)
    expect(header.baseOffset).toBe(777n)
    expect(header.partitionLeaderEpoch).toBe(12)
    expectSample(records, 777n)
  })

  it('stamps batches inside a concatenation at their position', () => {
    const a = encodeRecordBatch({records: sampleRecords()})
    const b = encodeRecordBatch({compression: Compression.GZIP, records: sampleRecords()})
    const all = Buffer.concat([a, b])
    let next = 1000n
    for (const e of iterateBatches(all)) {
      stampBatch(all, e.position, next, 5)
      next += BigInt(e.header.lastOffsetDelta + 1)
    }
    const batches = scanBatches(all).batches
    expect(batches.map((e) => e.header.baseOffset)).toEqual([1000n, 1003n])
    expect(batches.every((e) => verifyBatchCrc(all, e.position))).toBe(true)
  })

  it('stampLogAppendTime sets the type and max timestamp, recomputes the CRC, and readers see the append time', () => {
    for (const codec of CODECS) {
      const buf = encodeRecordBatch({compression: codec, records: sampleRecords()})
      stampLogAppendTime(buf, 0, T0 + 1000n)
      expect(verifyBatchCrc(buf)).toBe(true)
      const {header, records} = decodeRecordBatch(buf)
      expect(header.timestampType).toBe(1)
      expect(header.maxTimestamp).toBe(T0 + 1000n)
      expectSample(records, 0n, T0 + 1000n)
    }
  })

  it('encodes LogAppendTime directly when asked', () => {
    const buf = encodeRecordBatch({timestampType: 'LogAppendTime', maxTimestamp: T0 + 9n, records: sampleRecords()})
    const {header, records} = decodeRecordBatch(buf)
    expect(header.timestampType).toBe(1)
    expect(records.every((r) => r.timestamp === T0 + 9n)).toBe(true)
  })

  it('detects a corrupted byte anywhere the CRC covers, and ignores the fields it does not', () => {
    const good = encodeRecordBatch({compression: Compression.GZIP, records: sampleRecords()})
    for (let i = ATTRIBUTES_OFFSET; i < good.length; i += 3) {
      const bad = Buffer.from(good)
      bad[i]! ^= 0x01
      expect(verifyBatchCrc(bad)).toBe(false)
      expect(() => decodeRecordBatch(bad)).toThrow(CorruptRecordError)
    }
    expect(computeBatchCrc(good)).toBe(crc32c(good.subarray(ATTRIBUTES_OFFSET)))
    expect(() => decodeRecordBatch(good)).not.toThrow()
  })

  it('names the failing batch and both CRCs in the error', () => {
    const bad = encodeRecordBatch({baseOffset: 42n, records: sampleRecords()})
    bad[bad.length - 1]! ^= 0xff
    expect(() => decodeRecordBatch(bad)).toThrow(/baseOffset 42\) failed its CRC: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/)
  })
})

describe('iterateBatches / scanBatches', () => {
  const batches = [
    encodeRecordBatch({baseOffset: 0n, records: sampleRecords()}),
    encodeRecordBatch({baseOffset: 3n, compression: Compression.ZSTD, records: manyRecords(40, 30)}),
    encodeEndTxnMarkerBatch({baseOffset: 43n, producerId: 9n, producerEpoch: 0, commit: true, coordinatorEpoch: 1, timestamp: T0}),
    encodeRecordBatch({baseOffset: 44n, compression: Compression.LZ4, records: manyRecords(5, 10)}),
  ]
  const all = Buffer.concat(batches)

  it('walks a concatenation of batches in order with views of each', () => {
    const scan = scanBatches(all)
    expect(scan.batches.map((e) => e.header.baseOffset)).toEqual([0n, 3n, 43n, 44n])
    expect(scan.batches.map((e) => e.position)).toEqual([0, batches[0]!.length, batches[0]!.length + batches[1]!.length, all.length - batches[3]!.length])
    expect(scan.batches.every((e, i) => e.bytes.equals(batches[i]!))).toBe(true)
    expect(scan.validBytes).toBe(all.length)
    expect(scan.truncatedBytes).toBe(0)
  })

  it('stops cleanly at a torn tail wherever the cut falls, reporting its size', () => {
    const starts = [0]
    for (const b of batches) starts.push(starts[starts.length - 1]! + b.length)
    for (let cut = 0; cut <= all.length; cut++) {
      const scan = scanBatches(all.subarray(0, cut))
      const whole = starts.filter((s, i) => i > 0 && s <= cut).length
      expect(scan.batches).toHaveLength(whole)
      expect(scan.validBytes).toBe(starts[whole])
      expect(scan.truncatedBytes).toBe(cut - starts[whole]!)
    }
  })

  it('scans a window of a larger buffer', () => {
    const at = batches[0]!.length
    const end = at + batches[1]!.length + 10
    const scan = scanBatches(all, at, end)
    expect(scan.batches.map((e) => e.header.baseOffset)).toEqual([3n])
    expect(scan.truncatedBytes).toBe(10)
  })

  it('throws on an impossible batch length or a legacy magic instead of guessing', () => {
    const bad = Buffer.from(all)
    bad.writeInt32BE(10, batches[0]!.length + 8) // second batch claims 10 bytes
    expect(() => scanBatches(bad)).toThrow(CorruptRecordError)
    const legacy = encodeMessageSet({magic: 1, messages: [{key: 'k', value: 'v', timestamp: T0}]})
    expect(() => scanBatches(Buffer.concat([batches[0]!, legacy]))).toThrow(UnsupportedMagicError)
    try {
      scanBatches(legacy)
    } catch (err) {
      expect((err as UnsupportedMagicError).magic).toBe(1)
      expect((err as Error).message).toMatch(/magic 1 message set at byte 0/)
    }
  })
})

describe('control records', () => {
  it('builds and parses COMMIT and ABORT markers', () => {
    for (const commit of [true, false]) {
      const buf = encodeEndTxnMarkerBatch({baseOffset: 10n, partitionLeaderEpoch: 3, producerId: 1234n, producerEpoch: 7, commit, coordinatorEpoch: 9, timestamp: T0})
      const {header, records} = decodeRecordBatch(buf)
      expect(header).toMatchObject({isControl: true, isTransactional: true, producerId: 1234n, producerEpoch: 7, baseSequence: -1, recordCount: 1})
      const c = parseControlRecord(records[0]!)
      expect(c).toEqual({version: 0, type: commit ? 1 : 0, typeName: commit ? 'COMMIT' : 'ABORT', endTxnMarker: {version: 0, coordinatorEpoch: 9}})
    }
  })

  it('encodes keys and values byte for byte as Kafka does', () => {
    expect(encodeControlRecordKey(ControlRecordType.COMMIT).toString('hex')).toBe('00000001')
    expect(encodeEndTxnMarkerValue(9).toString('hex')).toBe('000000000009')
    expect(parseControlRecord({key: encodeControlRecordKey(ControlRecordType.LEADER_CHANGE), value: Buffer.alloc(0)}).typeName).toBe('LEADER_CHANGE')
  })

  it('rejects malformed control records clearly', () => {
    expect(() => parseControlRecord({key: Buffer.from([0]), value: null})).toThrow(CorruptRecordError)
    expect(() => parseControlRecord({key: encodeControlRecordKey(0), value: Buffer.from([0, 0])})).toThrow(/end transaction marker value has 2 bytes/)
  })
})

describe('bad input never crashes', () => {
  it('rejects bad magic, short lengths and truncation with CorruptRecordError', () => {
    const good = encodeRecordBatch({records: sampleRecords()})
    const badMagic = Buffer.from(good)
    badMagic[16] = 3
    expect(() => readBatchHeader(badMagic)).toThrow(UnsupportedMagicError)
    expect(() => decodeRecordBatch(badMagic)).toThrow(/unknown record batch magic 3/)
    expect(() => readBatchHeader(good.subarray(0, 30))).toThrow(CorruptRecordError)
    expect(() => decodeRecordBatch(good.subarray(0, good.length - 1))).toThrow(/truncated/)
    const shortLen = Buffer.from(good)
    shortLen.writeInt32BE(20, 8)
    expect(() => readBatchHeader(shortLen)).toThrow(/less than the 49-byte minimum/)
  })

  it('rejects a record count the bytes cannot hold, without allocating for it', () => {
    const buf = encodeRecordBatch({records: sampleRecords()})
    buf.writeInt32BE(0x7fffffff, RECORD_COUNT_OFFSET)
    expect(() => decodeRecordBatch(buf, 0, {verifyCrc: false})).toThrow(/declares 2147483647 records/)
  })

  it('rejects a bad compressed payload with a clear CORRUPT_MESSAGE error', async () => {
    const records = Buffer.from('these bytes are not zstd')
    const buf = Buffer.concat([encodeRecordBatch({compression: Compression.ZSTD, records: []}).subarray(0, RECORDS_OFFSET), records])
    buf.writeInt32BE(buf.length - 12, 8)
    buf.writeInt32BE(1, RECORD_COUNT_OFFSET)
    buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET)
    expect(() => decodeRecordBatch(buf)).toThrow(/zstd decompression failed/)
    await expect(decodeRecordBatchAsync(buf)).rejects.toThrow(CorruptRecordError)
    try {
      decodeRecordBatch(buf)
    } catch (err) {
      expect((err as CorruptRecordError).errorCode).toBe(2)
    }
  })

  it('survives thousands of random mutations with only ProtocolErrors', () => {
    let s = 12345
    const rnd = (n: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      return (s >>> 8) % n // an LCG's low bits cycle; use the high ones
    }
    const sources = [
      encodeRecordBatch({records: manyRecords(20, 15)}),
      encodeRecordBatch({compression: Compression.SNAPPY, records: manyRecords(20, 15)}),
      encodeRecordBatch({compression: Compression.LZ4, records: manyRecords(20, 15)}),
    ]
    let decoded = 0
    for (let i = 0; i < 3000; i++) {
      const src = sources[i % sources.length]!
      const m = Buffer.from(src.subarray(0, src.length - rnd(4)))
      for (let k = 0; k <= rnd(4); k++) m[rnd(m.length)] = rnd(256)
      try {
        decodeRecordBatch(m, 0, {verifyCrc: false})
        decoded++
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError)
      }
      try {
        scanBatches(m)
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError)
      }
    }
    expect(decoded).toBeGreaterThan(0) // mutations inside values decode fine
  })
})

describe('magic 0/1 message sets', () => {
  for (const magic of [0, 1] as const) {
    for (const codec of [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]) {
      it(`round trips magic ${magic} with codec ${codec}`, () => {
        const buf = encodeMessageSet({
          magic,
          compression: codec,
          baseOffset: 200n,
          messages: [
            {timestamp: T0, key: 'k1', value: 'v1'},
            {timestamp: T0 + 5n, key: null, value: 'v2'},
            {timestamp: T0 - 3n, key: 'k3', value: null},
          ],
        })
        expect(peekMagic(buf)).toBe(magic)
        const {records, truncatedBytes} = decodeMessageSet(buf)
        expect(truncatedBytes).toBe(0)
        expect(records.map((r) => r.offset)).toEqual([200n, 201n, 202n])
        expect(records.map((r) => text(r.key))).toEqual(['k1', null, 'k3'])
        expect(records.map((r) => text(r.value))).toEqual(['v1', 'v2', null])
        expect(records.map((r) => r.timestamp)).toEqual(magic === 1 ? [T0, T0 + 5n, T0 - 3n] : [-1n, -1n, -1n])
        expect(records.every((r) => r.compression === codec && r.magic === magic)).toBe(true)
      })
    }
  }

  it('applies a wrapper LogAppendTime to the inner messages', () => {
    const buf = encodeMessageSet({magic: 1, compression: Compression.GZIP, timestampType: 1, messages: [{timestamp: T0, value: 'a'}, {timestamp: T0 + 7n, value: 'b'}]})
    const {records} = decodeMessageSet(buf)
    expect(records.every((r) => r.timestampType === 1 && r.timestamp === T0 + 7n)).toBe(true)
  })

  it('reports a partial trailing message and rejects a bad CRC', () => {
    const buf = encodeMessageSet({magic: 1, messages: [{value: 'a', timestamp: T0}, {value: 'b', timestamp: T0}]})
    const scan = decodeMessageSet(buf.subarray(0, buf.length - 3))
    expect(scan.records).toHaveLength(1)
    expect(scan.truncatedBytes).toBe(buf.length / 2 - 3)
    const bad = Buffer.from(buf)
    bad[bad.length - 1]! ^= 1
    expect(() => decodeMessageSet(bad)).toThrow(/failed its CRC/)
  })

  it('upconverts to one RecordBatch v2 keeping keys, values, timestamps and the codec', () => {
    const legacy = encodeMessageSet({magic: 1, compression: Compression.SNAPPY, messages: [{timestamp: T0, key: 'k1', value: 'v1'}, {timestamp: T0 + 5n, key: null, value: 'v2'}]})
    const v2 = upconvertMessageSet(legacy)
    const {header, records} = decodeRecordBatch(v2)
    expect(header.compression).toBe(Compression.SNAPPY)
    expect(records.map((r) => [text(r.key), text(r.value), r.timestamp, r.offset])).toEqual([
      ['k1', 'v1', T0, 0n],
      [null, 'v2', T0 + 5n, 1n],
    ])
  })
})

describe('kafkajs interoperability (its own RecordBatch encoder and decoder)', () => {
  // kafkajs's internal protocol modules: a real client's writer and reader of the format.
  const {RecordBatch: kjsEncodeBatch} = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {RecordBatch: (o: object) => Promise<{buffer: Buffer}>}
  const kjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: object) => unknown
  const kjsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{records: Array<{key: Buffer | null; value: Buffer | null; offset: string; timestamp: string; headers: Record<string, Buffer>}>; firstOffset: string}>
  const KjsDecoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown
  const Long = require('kafkajs/src/utils/long.js') as {fromValue(v: string | number): unknown}
  registerKafkajsCodecs()

  for (const codec of CODECS) {
    it(`decodes what kafkajs encodes, and kafkajs decodes what we encode (codec ${codec})`, async () => {
      const kjsRecords = [0, 1, 2].map((i) =>
        kjsRecord({offsetDelta: i, timestampDelta: Long.fromValue(i * 10), key: i === 1 ? null : Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: {h: Buffer.from(`hv${i}`)}}),
      )
      const theirs = (
        await kjsEncodeBatch({compression: codec, firstOffset: Long.fromValue(50), firstTimestamp: Number(T0), maxTimestamp: Number(T0) + 20, lastOffsetDelta: 2, records: kjsRecords})
      ).buffer
      expect(verifyBatchCrc(theirs)).toBe(true)
      const {header, records} = decodeRecordBatch(theirs)
      expect(header.compression).toBe(codec)
      expect(records.map((r) => [r.offset, r.timestamp, text(r.key), text(r.value), text(r.headers[0]!.value)])).toEqual([
        [50n, T0, 'k0', 'v0', 'hv0'],
        [51n, T0 + 10n, null, 'v1', 'hv1'],
        [52n, T0 + 20n, 'k2', 'v2', 'hv2'],
      ])

      const ours = encodeRecordBatch({baseOffset: 70n, compression: codec, records: sampleRecords()})
      const decoded = await kjsDecodeBatch(new KjsDecoder(ours))
      expect(decoded.firstOffset).toBe('70')
      expect(decoded.records.map((r) => [r.offset, r.timestamp, text(r.key), text(r.value)])).toEqual([
        ['70', String(T0), 'k1', 'v1'],
        ['71', String(T0 + 5n), null, 'v2'],
        ['72', String(T0 - 3n), 'k3', null],
      ])
      expect(text(decoded.records[0]!.headers.h1 ?? null)).toBe('x')
    })
  }
})

describe('batches written by the Java client (Apache Kafka 4.3.1 kafka-clients)', () => {
  // Generated once with kafka-clients 4.3.1's MemoryRecords.withRecords / withIdempotentRecords /
  // withTransactionalRecords / withEndTransactionMarker / builder(LOG_APPEND_TIME) and the
  // lz4-java, snappy-java and zstd-jni it ships with; base64 of MemoryRecords.buffer(). 'small'
  // is sampleRecords() at baseOffset 100 (magic 2) or 200 (magic 0/1, no headers); 'large' is
  // 150 records {"id":i,"payload":"abcdefghij"*45} keyed key-i, timestamps T0+i.
  const b = (name: keyof typeof JAVA_GOLDEN) => Buffer.from(JAVA_GOLDEN[name], 'base64')

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`decodes Java's ${codec} batch`, () => {
      const buf = b(`v2_${codec}`)
      expect(verifyBatchCrc(buf)).toBe(true)
      const {header, records} = decodeRecordBatch(buf)
      expect(header).toMatchObject({baseOffset: 100n, lastOffset: 102n, maxTimestamp: T0 + 5n, producerId: -1n, partitionLeaderEpoch: -1})
      expectSample(records, 100n)
      // Our encoder writes the same bytes for an uncompressed batch.
      if (codec === 'none') expect(encodeRecordBatch({baseOffset: 100n, records: sampleRecords()}).equals(buf)).toBe(true)
    })
  }

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`decodes Java's large multi-block ${codec} batch`, async () => {
      const buf = b(`v2_large_${codec}`)
      const {header, records} = await decodeRecordBatchAsync(buf)
      expect(header.recordCount).toBe(150)
      expect(records).toHaveLength(150)
      records.forEach((r, i) => {
        expect(text(r.key)).toBe(`key-${i}`)
        expect(text(r.value)).toBe(`{"id":${i},"payload":"${'abcdefghij'.repeat(45)}"}`)
        expect(r.timestamp).toBe(T0 + BigInt(i))
      })
    })
  }

  it("decodes Java's idempotent, transactional, control and LogAppendTime batches", () => {
    const idem = decodeRecordBatch(b('v2_idempotent'))
    expect(idem.header).toMatchObject({baseOffset: 5n, producerId: 1234n, producerEpoch: 7, baseSequence: 42, partitionLeaderEpoch: 3, isTransactional: false})
    const txn = decodeRecordBatch(b('v2_txn_zstd'))
    expect(txn.header).toMatchObject({isTransactional: true, compression: 4, producerId: 1234n})
    expectSample(txn.records, 5n)
    for (const [name, type] of [['v2_commit', 'COMMIT'], ['v2_abort', 'ABORT']] as const) {
      const ctl = decodeRecordBatch(b(name))
      expect(ctl.header).toMatchObject({isControl: true, isTransactional: true, producerId: 1234n, producerEpoch: 7, partitionLeaderEpoch: 3})
      expect(parseControlRecord(ctl.records[0]!)).toMatchObject({typeName: type, endTxnMarker: {coordinatorEpoch: 9}})
      // Our marker batch is byte-identical to Java's.
      const ours = encodeEndTxnMarkerBatch({baseOffset: ctl.header.baseOffset, partitionLeaderEpoch: 3, producerId: 1234n, producerEpoch: 7, commit: type === 'COMMIT', coordinatorEpoch: 9, timestamp: T0})
      expect(ours.equals(b(name))).toBe(true)
    }
    const lat = decodeRecordBatch(b('v2_logappend_lz4'))
    expect(lat.header.timestampType).toBe(1)
    expectSample(lat.records, 0n, T0 + 1000n)
  })

  for (const magic of [0, 1] as const) {
    for (const codec of ['none', 'gzip', 'snappy', 'lz4'] as const) {
      it(`decodes Java's magic ${magic} ${codec} message set`, () => {
        const {records, truncatedBytes} = decodeMessageSet(b(`v${magic}_${codec}`))
        expect(truncatedBytes).toBe(0)
        expect(records.map((r) => [r.offset, r.timestamp, text(r.key), text(r.value)])).toEqual([
          [200n, magic === 1 ? T0 : -1n, 'k1', 'v1'],
          [201n, magic === 1 ? T0 + 5n : -1n, null, 'v2'],
          [202n, magic === 1 ? T0 - 3n : -1n, 'k3', null],
        ])
      })
    }
  }
})

describe('batches written by kafka-python 2.0.2 (its in-process record builders)', () => {
  // DefaultRecordBatchBuilder / LegacyRecordBatchBuilder output for sampleRecords() (magic 2)
  // and the same three records without headers (magic 0/1), base64.
  const b = (name: keyof typeof KAFKA_PYTHON_GOLDEN) => Buffer.from(KAFKA_PYTHON_GOLDEN[name], 'base64')

  it('decodes its RecordBatch v2', () => {
    const buf = b('kp_v2_none')
    expect(verifyBatchCrc(buf)).toBe(true)
    expectSample(decodeRecordBatch(buf).records, 0n)
  })

  for (const name of ['kp_v0_none', 'kp_v1_none', 'kp_v0_gzip', 'kp_v1_gzip'] as const) {
    it(`decodes its ${name.slice(3)} message set and upconverts it`, () => {
      const magic = name.startsWith('kp_v1') ? 1 : 0
      const {records, truncatedBytes} = decodeMessageSet(b(name))
      expect(truncatedBytes).toBe(0)
      // kafka-python leaves a magic 1 wrapper at offset 0 (the broker assigns offsets), so Kafka's
      // rule (inner offset = wrapper offset - last relative offset + relative offset) gives -2..0.
      const first = name === 'kp_v1_gzip' ? -2n : 0n
      expect(records.map((r) => [r.offset, r.timestamp, text(r.key), text(r.value)])).toEqual([
        [first, magic === 1 ? T0 : -1n, 'k1', 'v1'],
        [first + 1n, magic === 1 ? T0 + 5n : -1n, null, 'v2'],
        [first + 2n, magic === 1 ? T0 - 3n : -1n, 'k3', null],
      ])
      const v2 = decodeRecordBatch(upconvertMessageSet(b(name)))
      expect(v2.header.compression).toBe(name.endsWith('gzip') ? Compression.GZIP : Compression.NONE)
      expect(v2.records.map((r) => text(r.value))).toEqual(['v1', 'v2', null])
    })
  }
})

const KAFKA_PYTHON_GOLDEN = {
  kp_v2_none:
    "AAAAAAAAAAAAAABbAAAAAAKCYWXwAAAAAAACAAABi8/laAAAAAGLz+VoBf//////////////////AAAAAyYAAAAEazEEdjEEBGgxAngEaDIAEAAKAgEEdjIAGAAFBARrMwECBGhuAQ==",
  kp_v0_none:
    "AAAAAAAAAAAAAAASV+dJbgAAAAAAAmsxAAAAAnYxAAAAAAAAAAEAAAAQ1ZYKeAAA/////wAAAAJ2MgAAAAAAAAACAAAAELZDymoAAAAAAAJrM/////8=",
  kp_v1_none:
    "AAAAAAAAAAAAAAAapdpqYgEAAAABi8/laAAAAAACazEAAAACdjEAAAAAAAAAAQAAABiCC/0DAQAAAAGLz+VoBf////8AAAACdjIAAAAAAAAAAgAAABigSiRJAQAAAAGLz+Vn/QAAAAJrM/////8=",
  kp_v2_gzip:
    "AAAAAAAAAAAAAABbAAAAAAKCYWXwAAAAAAACAAABi8/laAAAAAGLz+VoBf//////////////////AAAAAyYAAAAEazEEdjEEBGgxAngEaDIAEAAKAgEEdjIAGAAFBARrMwECBGhuAQ==",
  kp_v0_gzip:
    "AAAAAAAAAAAAAABSsQ8tygAB/////wAAAEQfiwgASyMBawL/Y2CAA6Hw5555YBZTtiGILDOEyjACscDVaVwVDAz/gQAsZwSVYwLJbXM+lQXVaQxSAQCEZeiQVgAAAA==",
  kp_v1_gzip:
    "AAAAAAAAAAAAAABn1TG3dQEBAAAAAAAAAAD/////AAAAUR+LCABLIwFrAv9jYIADqaW3spIYgQzG7vNPM0AiTNmGILLMEKoCJCnRxP2XGa6K9T8QgNUYQdUwgdQs8FLxhKlJ/ws2yRikEgCBg4vvbgAAAA==",
} as const

const JAVA_GOLDEN = {
  v2_none:
    "AAAAAAAAAGQAAABb/////wKCYWXwAAAAAAACAAABi8/laAAAAAGLz+VoBf//////////////////AAAAAyYAAAAEazEEdjEEBGgxAngEaDIAEAAKAgEEdjIAGAAFBARrMwECBGhuAQ==",
  v2_gzip:
    "AAAAAAAAAGQAAABv/////wI6pKolAAEAAAACAAABi8/laAAAAAGLz+VoBf//////////////////AAAAAx+LCAAAAAAAAP9TY2BgYMk2ZCkzZGHJMGSqYMkwYhBg4GJiZCkzYpBgYGVhyTZmZGLJyGMEAG+wLQAqAAAA",
  v2_large_gzip:
    "AAAAAAAAAAAAAAfR/////wIoz3YtAAEAAACVAAABi8/laAAAAAGLz+Volf//////////////////AAAAlh+LCAAAAAAAAP/t2OGrTWkYhvHzrORIkiRJkk6SZHT2WmuvvbYkSZIkSZIkDAYjI0kYo5MkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZoz+37f5/0b5u7+dn3/fbvudXd1dQ3+c82O33ovdf/ds351z9TeyT2bV+7Y+NfK/u5Zuer31WvW/rFu/QbV/7N6/um6192VZR3kRkRuCJmpgDxgQAc5j8i5kJkKyAMHdpCLiFwImamAPGhQB7mMyKWQmQrIgwd3kJsRuSlkpgLykCEd5CoiV0JmKiAPHdpBbkXklpCZCsjDhnWQ64hcC5mpgDx8eAe5HZHbQmaqfuQH3V0jRgzpzJDey/GG6HlRFZhHjgRzw5l1vagKzKNGgTl3Zn0vqgLz6NFgLpxZ54uqwDxmDJhLZ9b7oiowjx0L5qYz635RFZjHjQNz5cz6X1QF5p4eMLecWQeMqsA8fjyYa2fWA6MqME+YAOa2M+uCURWYJ07sMOd+wXJdMKoC86RJYPYLluuCURWYJ08Gs1+wXBeMqsA8ZQqY/YLlumBUBebeXjD7Bct1wagKzHkOZr9guS4YVYG5LMHsFyzXBaMqMFcVmP2C5bpgVAXmugazX7BcF4yqwDx1Kpj9guW6YFQF5mnTOsyFX7BCF4yqwDx9Opj9ghW6YFQF5hkzwOwXrNAFoyowz5wJZr9ghS4YVYF51iww+wUrdMGoCsyzZ4PZL1ihC0ZVYJ4zB8x+wQpdMKoC89y5YPYLVuiCURWY580Ds1+wQheMqsA8fz6Y/YIVumBUBeYFCzrMpV+wUheMqsC8cCGY/YKVumBUBeZFi8DsF6zUBaMqMC9eDGa/YKUuGFWBeckSMPsFK3XBqArMS5eC2S9YqQtGVWBetgzMfsFKXTCqAvPy5WD2C1bqglEVmFesALNfsFIXjKrAvGoVmP2ClbpgVAXm1as7zE2/YE1dMKoC89q1YPYL1tQFoyowr1sHZr9gTV0wqgLzhg1g9gvW1AWjKjBv3Ahmv2BNXTCqAvOmTWD2C9bUBaMqMG/eDGa/YE1dMKoC85YtYPYL1tQFoyowb90KZr9gTV0wqgLztm1g9gvW1AWjKjBv395hrvyCVbpgVAXmnTvB7Bes0gWjKjDv2gVmv2CVLhhVgXn3bjD7Bat0waiqn/lRd1ef9Rmg/YNV+mBUBeg9tidA+wmrdMKoCtB7bW+A9hdW6YVRFaD32b4A7Tes0g2jKkDvt/0B2n9YpR9GVYA+YAcCtB+xSkeMqgB90A4CuuVPrKUnRlWAPmSHArRfsZauGFUB+rAdDtD+xVr6YlQF6CN2JED7GWvpjFEVoI/a0QDtZ6ylM0ZVgD5mxwK0n7GWzhhVAfq4HQ/QfsZaOmNUBegTdiJA+xlr6YxRFaBP2skA7WespTNGVYA+ZacCtJ+xls4YVQH6tJ0GdO1nrNYZoypAn7EzAdrPWK0zRlWAPmtnA7SfsVpnjKoAfc7OBWg/Y7XOGFUB+rydD9B+xmqdMaoC9AW7EKD9jNU6Y1QF6It2MUD7Gat1xqgK0JfsUoD2M1brjFEVoC/b5QDtZ6zWGaMqQF+xKwHaz1itM0ZVgL5qVwHd9jPW1hmjKkBfs2sB2s9YW2eMqgB93a4HaD9jbZ0xqgL0DbsRoP2MtXXGqArQN+1mgPYz1tYZoypA37JbAdrPWFtnjKoAfdtuB2g/Y22dMaoC9B27E6D9jLV1xqgK0HftboD2M9bWGaMqQN+zewHaz1hbZ4yq+qGfdHfdt/s29D/oRm/vlSDdn6JmKlA/sAeRupGodceoCtQP7WGkzhO1/hhVgfqRPYrURaLWIaMqUD+2x5G6TNR6ZFQF6if2JFI3E7UuGVWB+qk9jdRVotYnoypQP7NnkbqVqHXKqArUz+15pK4TtV4ZVYH6hb2I1O1ErVtGVaB+aS8DdSPdsoZuGVWB+pW9itTpljV0y6gK1K/tdaROt6yhW0ZVoH5jbyJ1umUN3TKqAvVbexup0y1r6JZRFajf2btInW5ZQ7eMqkD93t5H6nTLGrplVAXqD/YhUqdb1tAtoypQf7SPkTrdsoZuGVWB+pN9itTpljV0y6gK1J/tc6DO0y3LdcuoCtRf7EukTrcs1y2jKlB/ta+ROt2yXLeMqkD9zb5F6nTLct0yqgL1d/seqdMty3XLqArUP+xHpE63LNctoypQ/7SfkTrdsly3jKpA/ct+Rep0y3LdMqoCdV/WlwXqdMty3TKqAvWebE+kTrcs1y2jKlDvzfYG6iLdskK3jKpAvS/bF6nTLSt0y6gK1Puz/ZE63bJCt4yqQH0gOxCp0y0rdMuoCtQHs4OROt2yQreMqkB9KDsUqdMtK3TLqArUh7PDkTrdskK3jKpAfSQ7EqnTLSt0y6gK1Eezo5E63bJCt4yqQH0sOxap0y0rdMuoCtTHs+OBuky3rNQtoypQn8hOROp0y0rdMqoC9cnsZKROt6zULaMqUJ/KTkXqdMtK3TKqAvXp7HSkTres1C2jKlCfyc5E6nTLSt0yqgL12exspE63rNQtoypQn8vORep0y0rdMqoC9fnsfKROt6zULaMqUF/ILkTqdMtK3TKq6qf+F76BmDNWHgEA",
  v2_snappy:
    "AAAAAAAAAGQAAABx/////wJ5JljdAAIAAAACAAABi8/laAAAAAGLz+VoBf//////////////////AAAAA4JTTkFQUFkAAAAAAQAAAAEAAAAsKqQmAAAABGsxBHYxBARoMQJ4BGgyABAACgIBBHYyABgABQQEazMBAgRobgE=",
  v2_large_snappy:
    "AAAAAAAAAAAAABWS/////wJ/zxGqAAIAAACVAAABi8/laAAAAAGLz+Volf//////////////////AAAAloJTTkFQUFkAAAAAAQAAAAEAAAlhgIACqMYHAAAACmtleS0wrgd7ImlkIjowLCJwYXlsb2FkIjoiYWJjZGVmZ2hpamH+CgD+CgD+CgD+CgD+CgD+CgDaCgAcIn0AxgcAAgIl5QAxMeUAMf7lAf7lAf7lAf7lAf7lAf7lAf7lAU7lAQQEBCXlADIx5QAy/uUB/uUB/uUB/uUB/uUB/uUB/uUBTuUBBAYGJeUAMzHlADP+5QH+5QH+5QH+5QH+5QH+5QH+5QFO5QEECAgl5QA0MeUANP7lAf7lAf7lAf7lAf7lAf7lAf7lAU7lAQQKCiXlADUx5QA1/uUB/uUB/uUB/uUB/uUB/uUB/uUBTuUBBAwMJeUANjHlADb+5QH+5QH+5QH+5QH+5QH+5QH+5QFO5QEEDg4l5QA3MeUAN/7lAf7lAf7lAf7lAf7lAf7lAf7lAU7lAQQQECXlADgx5QA4/uUB/uUB/uUB/uUB/uUB/uUB/uUBTuUBBBISJeUAOTHlADn+5QH+5QH+5QH+5QH+5QH+5QH+5QFC5QEUygcAFBQMDvISCDEwsBrzEgAx/vQS/vQS/vQS/vQS/vQS/vQS/vQSRvQSEMoHABYWKecAMTXn/vYS/vYS/vYS/vYS/vYS/vYS/vYSRvYSEMoHABgYKecAMjXn/vgS/vgS/vgS/vgS/vgS/vgS/vgSRvgSEMoHABoaKecAMzXn/voS/voS/voS/voS/voS/voS/voSRvoSEMoHABwcKecANDXn/vwS/vwS/vwS/vwS/vwS/vwS/vwSRvwSEMoHAB4eKecANTXn/v4S/v4S/v4S/v4S/v4S/v4S/v4SRv4SEMoHACAgKecANjXn/gAT/gAT/gAT/gAT/gAT/gAT/gATRgATEMoHACIiKecANzXn/gIT/gIT/gIT/gIT/gIT/gIT/gITRgITEMoHACQkKecAODXn/gQT/gQT/gQT/gQT/gQT/gQT/gQTRgQTEMoHACYmKecAOTXn/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBCgoJecAMiIGEwAy/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBCoqKeciBhMAMv4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwQsLCnnIgYTADL+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMELi4p5yIGEwAy/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBDAwKeciBhMAMv4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwQyMinnIgYTADL+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMENDQp5yIGEwAy/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBDY2KeciBhMAMv4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwQ4OCnnIgYTADL+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEOjop5yIGEwAy/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBDw8JecAMyIGEwAz/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBD4+KeciBhMAM/4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRAQCnnIgYTADP+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEQkIp5yIGEwAz/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBEREKeciBhMAM/4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRGRinnIgYTADP+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMESEgp5yIGEwQzNv5dM/5dM/5dM/5dM/5dM/5dM/5dM05dMwRKSinnIgYTADP+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMETEwp5yIGEwAz/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBE5OKeciBhMAM/4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRQUCXnADQiBhMANP4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRSUinnIgYTADT+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEVFQp5yIGEwA0/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBFZWKeciBhMANP4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRYWCnnIgYTADT+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEWlop5yIGEwA0/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBFxcKeciBhMANP4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwReXinnIgYTADT+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEYGAp5yIGEwA0/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBGJiKeciBhMANP4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRkZCXnADUiBhMANf4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRmZinnIgYTADX+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEaGgp5yIGEwA1/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBGpqKeciBhMANf4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRsbCnnIgYTADX+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEbm4p5yIGEwA1/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBHBwKeciBhMANf4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwRycinnIgYTADX+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEdHQp5yIGEwA1/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBHZ2KeciBhMANf4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwR4eCXnADYiBhMANv4GE/4GE/4GE/4GE/4GE/4GE/4GE1IGEwR6einnIgYTADb+BhP+BhP+BhP+BhP+BhP+BhP+BhNSBhMEfHwp5yIGEwA2/gYT/gYT/gYT/gYT/gYT/gYT/gYTUgYTBH5+KeciBhMANv4GE/4GE/4GE/4GE/4GE/4GE/4GE0YGExjOBwCAAYABKekiCBMANv4IE/4IE/4IE/4IE/4IE/4IE/4IE0YIExTOBwCCAYIt6SIKEwA2/goT/goT/goT/goT/goT/goT/goTRgoTFM4HAIQBhC3pIgwTADb+DBP+DBP+DBP+DBP+DBP+DBP+DBNGDBMUzgcAhgGGLekiDhMANv4OE+4OExYOEwAACYuAgAIkaGlqYWJjZGVmZ/4KAP4KAP4KAP4KAO4KAA0KmCJ9AM4HAIgBiAEMa2V5LTY4sAd7ImlkIjo2OCwicGF5bG9hZCI6Iv5xAf5xAf5xAf5xAf5xATlx/koB3koBKekIigGKLekAOTXpADn+6QH+6QH+6QH+6QH+6QH+6QH+6QFO6QEIjAGMKekENzAx6QQ3MP7pAf7pAf7pAf7pAf7pAf7pAf7pAU7pAQiOAY4t6QAxNekAMf7pAf7pAf7pAf7pAf7pAf7pAf7pAU7pAQiQAZAt6QAyNekAMv7pAf7pAf7pAf7pAf7pAf7pAf7pAU7pAQiSAZIt6QAzNekAM/7pAf7pAf7pAf7pAf7pAf7pAf7pAU7pAQiUAZQt6QA0NekANP7pAf7pAf7pAf7pAf7pAf7pAf7pAU7pAQiWAZYt6QA1NekANf7pAf7pAf7pAf7pAf7pAf7pAf7pAU7pAQiYAZgt6QA2NekANv7pAf7pAf7pAf7pAf7pAf7pAf7pAU7pAQiaAZot6QA3NekAN/7pAf7pAf7pAf7pAf7pAf7pAf7pAU7pAQicAZwt6SIaEwA3/hoT/hoT/hoT/hoT/hoT/hoT/hoTUhoTCJ4Bni3pIhoTADf+GhP+GhP+GhP+GhP+GhP+GhP+GhNSGhMIoAGgKekAOCIaEwA4/hoT/hoT/hoT/hoT/hoT/hoT/hoTUhoTCKIBoi3pIhoTADj+GhP+GhP+GhP+GhP+GhP+GhP+GhNSGhMIpAGkLekiGhMAOP4aE/4aE/4aE/4aE/4aE/4aE/4aE1IaEwimAaYt6SIaEwA4/hoT/hoT/hoT/hoT/hoT/hoT/hoTUhoTCKgBqC3pIhoTADj+GhP+GhP+GhP+GhP+GhP+GhP+GhNSGhMIqgGqLekiGhMAOP4aE/4aE/4aE/4aE/4aE/4aE/4aE1IaEwisAawt6SIaEwA4/hoT/hoT/hoT/hoT/hoT/hoT/hoTUhoTCK4Bri3pIhoTADj+GhP+GhP+GhP+GhP+GhP+GhP+GhNSGhMIsAGwLekiGhMAOP4aE/4aE/4aE/4aE/4aE/4aE/4aE1IaEwiyAbIt6SIaEwA4/hoT/hoT/hoT/hoT/hoT/hoT/hoTUhoTCLQBtCnpADkiGhMAOf4aE/4aE/4aE/4aE/4aE/4aE/4aE1IaEwi2AbYt6SIaEwA5/hoT/hoT/hoT/hoT/hoT/hoT/hoTUhoTCLgBuC3pIhoTADn+GhP+GhP+GhP+GhP+GhP+GhP+GhNSGhMIugG6LekiGhMAOf4aE/4aE/4aE/4aE/4aE/4aE/4aE1IaEwi8Abwt6SIaEwA5/hoT/hoT/hoT/hoT/hoT/hoT/hoTUhoTCL4Bvi3pIhoTADn+GhP+GhP+GhP+GhP+GhP+GhP+GhNSGhMIwAHALekiGhMAOf4aE/4aE/4aE/4aE/4aE/4aE/4aE1IaEwjCAcIt6SIaEwA5/hoT/hoT/hoT/hoT/hoT/hoT/hoTUhoTCMQBxC3pIhoTADn+GhP+GhP+GhP+GhP+GhP+GhP+GhNSGhMIxgHGLekiGhMAOf4aE/4aE/4aE/4aE/4aE/4aE/4aE0YaExzSBwDIAcgBDg4gPQwxMDCyGiE9BDEw/hwT/hwT/hwT/hwT/hwT/hwT/hwTRhwTFNIHAMoByjHrADE56/4eE/4eE/4eE/4eE/4eE/4eE/4eE0YeExTSBwDMAcwx6wAyOev+IBP+IBP+IBP+IBP+IBP+IBP+IBNGIBMU0gcAzgHOMesAMznr/iIT/iIT/iIT/iIT/iIT/iIT/iITRiITFNIHANAB0DHrADQ56/4kE/4kE/4kE/4kE/4kE/4kE/4kE0YkExTSBwDSAdIx6wA1Oev+JhP+JhP+JhP+JhP+JhP+JhP+JhNGJhMU0gcA1AHUMesANjnr/igT/igT/igT/igT/igT/igT/igTRigTFNIHANYB1jHrADc56/4qE/4qE/4qE/4qE/4qE/4qE/4qE0YqExTSBwDYAdgx6wA4Oev+LBP+LBP+LBP+LBP+LBP+LBP+LBNGLBMU0gcA2gHaMesAOTnr/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCNwB3C3rADEmLhMAMf4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwjeAd4x6yYuEwAx/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCOAB4DHrJi4TADH+LhP+LhP+LhP+LhP+LhP+LhP+LhNSLhMI4gHiMesmLhMAMf4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwjkAeQx6yYuEwAx/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCOYB5jHrJi4TADH+LhP+LhP+LhP+LhP+LhP+LhP+LhNSLhMI6AHoMesmLhMAMf4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwjqAeox6yYuEwAx/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCOwB7DHrJi4TADH+LhP+LhP+LhP+LhP+LhP+LhP+LhNSLhMI7gHuMesmLhMAMf4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwjwAfAt6wAyJi4TADL+LhP+LhP+LhP+LhP+LhP+LhP+LhNSLhMI8gHyMesmLhMAMv4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwj0AfQx6yYuEwAy/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCPYB9jHrJi4TADL+LhP+LhP+LhP+LhP+LhP+LhP+LhNSLhMI+AH4MesmLhMAMv4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwj6Afox6yYuEwAy/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCPwB/DHrJi4TADL+LhP+LhP+LhP+LhP+LhP+LhP+LhNSLhMI/gH+MesmLhMAMv4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwyAAoACFrQ1ADImLhMAMv4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwiCAoIx6yYuEwAy/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCIQChC3rADMmLhMAM/4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwiGAoYx6yYuEwAz/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCIgCiDHrJi4TADP+LhP+LhP+LhP+LhP+LhP+LhP+LhNSLhMIigKKMesmLhMAM/4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwiMAowx6yYuEwAz7i4TEi4TAAACWdY8JGNkZWZnaGlqYWL+CgD+CgD+CgD+CgD+CgD+CgABCqAifQDSBwCOAo4CDmtleS0xMzWyB3siaWQiOjEzNSwicGF5bG9hZCI6Iv6vAf6vAf6vAf6vAf6vAf6vASmv7oYBKesIkAKQMesANjnrADb+6wH+6wH+6wH+6wH+6wH+6wH+6wFO6wEIkgKSMesANznrADf+6wH+6wH+6wH+6wH+6wH+6wH+6wFO6wEIlAKUMesAODnrADj+6wH+6wH+6wH+6wH+6wH+6wH+6wFO6wEIlgKWMesAOTnrADn+6wH+6wH+6wH+6wH+6wH+6wH+6wFO6wEImAKYLesENDA16wQ0MP7rAf7rAf7rAf7rAf7rAf7rAf7rAU7rAQiaApox6wAxOesAMf7rAf7rAf7rAf7rAf7rAf7rAf7rAU7rAQicApwx6wAyOesAMv7rAf7rAf7rAf7rAf7rAf7rAf7rAU7rAQieAp4x6wAzOesAM/7rAf7rAf7rAf7rAf7rAf7rAf7rAU7rAQigAqAx6wA0OesANP7rAf7rAf7rAf7rAf7rAf7rAf7rAU7rAQiiAqIx6yYuEwA0/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCKQCpDHrJi4TADT+LhP+LhP+LhP+LhP+LhP+LhP+LhNSLhMIpgKmMesmLhMANP4uE/4uE/4uE/4uE/4uE/4uE/4uE1IuEwioAqgx6yYuEwA0/i4T/i4T/i4T/i4T/i4T/i4T/i4TUi4TCKoCqjHrJi4TADT+LhP+LhP+LhP+LhP+LhP+LhP+LhNGLhM=",
  v2_lz4:
    "AAAAAAAAAGQAAABq/////wJqENI8AAMAAAACAAABi8/laAAAAAGLz+VoBf//////////////////AAAAAwQiTRhgQIIqAACAJgAAAARrMQR2MQQEaDECeARoMgAQAAoCAQR2MgAYAAUEBGszAQIEaG4BAAAAAA==",
  v2_large_lz4:
    "AAAAAAAAAAAAAAnT/////wIXdIqFAAMAAACVAAABi8/laAAAAAGLz+Volf//////////////////AAAAlgQiTRhgQIJnCAAA/xvGBwAAAAprZXktMK4HeyJpZCI6MCwicGF5bG9hZCI6ImFiY2RlZmdoaWoKAP+mgSJ9AMYHAAIC5QEUMeUBHzHlAf/CIQQE5QEUMuUBHzLlAf/CIQYG5QEUM+UBHzPlAf/CIQgI5QEUNOUBHzTlAf/CIQoK5QEUNeUBHzXlAf/CIQwM5QEUNuUBHzblAf/CIQ4O5QEUN+UBHzflAf/CIRAQ5QEUOOUBHzjlAf/CIRIS5QEUOeUBHznlAf+/YMoHABQUDPISMzEwsPMSHzH0Ev/AUsoHABYW5wEVMecBD/YS/8BSygcAGBjnARUy5wEP+BL/wFLKBwAaGucBFTPnAQ/6Ev/AUsoHABwc5wEVNOcBD/wS/8BSygcAHh7nARU15wEP/hL/wFLKBwAgIOcBFTbnAQ8AE//AUsoHACIi5wEVN+cBDwIT/8BSygcAJCTnARU45wEPBBP/wFLKBwAmJucBFTnnAQ8GE//DISgo5wEVMgYTHzIGE//DIioq5wEFBhMfMgYT/8MiLCznAQUGEx8yBhP/wyIuLucBBQYTHzIGE//DIjAw5wEFBhMfMgYT/8MiMjLnAQUGEx8yBhP/wyI0NOcBBQYTHzIGE//DIjY25wEFBhMfMgYT/8MiODjnAQUGEx8yBhP/wyI6OucBBQYTHzIGE//DITw85wEVMwYTHzMGE//DIj4+5wEFBhMfMwYT/8MiQEDnAQUGEx8zBhP/wyJCQucBBQYTHzMGE//DIkRE5wEFBhMfMwYT/8MiRkbnAQUGEx8zBhP/wyJISOcBBQYTHzMGE//DIkpK5wEFBhMfMwYT/8MiTEznAQUGEx8zBhP/wyJOTucBBQYTHzMGE//DIVBQ5wEVNAYTHzQGE//DIlJS5wEFBhMfNAYT/8MiVFTnAQUGEx80BhP/wyJWVucBBQYTHzQGE//DIlhY5wEFBhMfNAYT/8MiWlrnAQUGEx80BhP/wyJcXOcBBQYTHzQGE//DIl5e5wEFBhMfNAYT/8MiYGDnAQUGEx80BhP/wyJiYucBBQYTHzQGE//DIWRk5wEVNQYTHzUGE//DImZm5wEFBhMfNQYT/8MiaGjnAQUGEx81BhP/wyJqaucBBQYTHzUGE//DImxs5wEFBhMfNQYT/8Mibm7nAQUGEx81BhP/wyJwcOcBBQYTHzUGE//DInJy5wEFBhMfNQYT/8MidHTnAQUGEx81BhP/wyJ2ducBBQYTHzUGE//DIXh45wEVNgYTHzYGE//DInp65wEFBhMfNgYT/8MifHznAQUGEx82BhP/wyJ+fucBBQYTHzYGE//Acs4HAIABgAHpAQUIEx82CBP/wGPOBwCCAYLpAQUKEx82ChP/wGPOBwCEAYTpAQUMEx82DBP/wGPOBwCGAYbpAQUOEx82DhP/wGPOBwCIAYjpAQUQEx82EBP/wGPOBwCKAYrpAQUSEx82EhP/wGLOBwCMAYzpARU3FBMfNxQT/8BjzgcAjgGO6QEFFhMfNxYT/8BjzgcAkAGQ6QEFGBMfNxgT/8BjzgcAkgGS6QEFGhMfNxoT/8MzlAGU6QEFGhMfNxoT/8MzlgGW6QEFGhMfNxoT/8MzmAGY6QEFGhMfNxoT/8MzmgGa6QEFGhMfNxoT/8MznAGc6QEFGhMfNxoT/8MzngGe6QEFGhMfNxoT/8MyoAGg6QEVOBoTHzgaE//DM6IBoukBBRoTHzgaE//DM6QBpOkBBRoTHzgaE//DM6YBpukBBRoTHzgaE//DM6gBqOkBBRoTHzgaE//DM6oBqukBBRoTHzgaE//DM6wBrOkBBRoTHzgaE//DM64BrukBBRoTHzgaE//DM7ABsOkBBRoTHzgaE//DM7IBsukBBRoTHzgaE//DMrQBtOkBFTkaEx85GhP/wzO2AbbpAQUaEx85GhP/wzO4AbjpAQUaEx85GhP/wzO6AbrpAQUaEx85GhP/wzO8AbzpAQUaEx85GhP/wzO+Ab7pAQUaEx85GhP/wzPAAcDpAQUaEx85GhP/wzPCAcLpAQUaEx85GhP/wzPEAcTpAQUaEx85GhP/wzPGAcbpAQUaEx85GhP/wILSBwDIAcgBDoCrJTCygasPHBP/wGTSBwDKAcrrARYx6wEPHhP/wGTSBwDMAczrARYy6wEPIBP/wGTSBwDOAc7rARYz6wEPIhP/wGTSBwDQAdDrARY06wEPJBP/wGTSBwDSAdLrARY16wEPJhP/wGTSBwDUAdTrARY26wEPKBP/wGTSBwDWAdbrARY36wEPKhP/wGTSBwDYAdjrARY46wEPLBP/wGTSBwDaAdrrARY56wEPLhP/wzPcAdzrARYxLhMPsL7/wWTSBwDeAd7rAQYuEx8xLhP/wzTgAeDrAQYuEx8xLhP/wzTiAeLrAQYuEx8xLhP/wzTkAeTrAQYuEx8xLhP/wzTmAebrAQYuEx8xLhP/wzToAejrAQYuEx8xLhP/wzTqAerrAQYuEx8xLhP/wzTsAezrAQYuEx8xLhP/wzTuAe7rAQYuEx8xLhP/wzPwAfDrARYyLhMP2L7/wWTSBwDyAfLrAQYuEw/cvv/BZNIHAPQB9OsBBi4TD+C+/8Fk0gcA9gH26wEGLhMfMi4T/8M0+AH46wEGLhMP6L7/wWTSBwD6AfrrAQYuEw/svv/BZNIHAPwB/OsBBi4TD/C+/8Fk0gcA/gH+6wEGLhMP9L7/wXLSBwCAAoACtDUWMi4TD/i+/8Fk0gcAggKC6wEGLhMP/L7/wWPSBwCEAoTrARYzLhMfM4o5/8M0hgKG6wEGLhMPBL//wWTSBwCIAojrAQYuEw8Iv//BZNIHAIoCiusBBi4TDwy//8Fk0gcAjAKM6wEGLhMPEL8qUGhpamFiKAEAAK9jZGVmZ2hpamFiCgD/cv8aIn0A0gcAjgKOAg5rZXktMTM1sgd7ImlkIjoxMzUsInBheWxvYWQiOiKvAf90D4YBKQLrATSQApDrARY26wEfNusB/8I0kgKS6wEWN+sBHzfrAf/CNJQClOsBFjjrAR846wH/wjSWApbrARY56wEfOesB/8IzmAKY6wElNDDrAS80MOsB/8I0mgKa6wEWMesBHzHrAf/CNJwCnOsBFjLrAR8y6wH/wjSeAp7rARYz6wEfM+sB/8I0oAKg6wEWNOsBHzTrAf/CNKICousBBi4THzQuE//DNKQCpOsBBi4THzQuE//DNKYCpusBBi4THzQuE//DNKgCqOsBBi4THzQuE//DNKoCqusBBi4THzQuE/+7UGlqIn0AAAAAAA==",
  v2_zstd:
    "AAAAAAAAAGQAAABn/////wK+UF0yAAQAAAACAAABi8/laAAAAAGLz+VoBf//////////////////AAAAAyi1L/0AWFABACYAAAAEazEEdjEEBGgxAngEaDIAEAAKAgEEdjIAGAAFBARrMwECBGhuAQEAAA==",
  v2_large_zstd:
    "AAAAAAAAAAAAAASg/////wK2Ih1MAAQAAACVAAABi8/laAAAAAGLz+Volf//////////////////AAAAlii1L/0AWBwjACaxqETAmEk6iKZCsExBNBWlakdJEE2FktqzESNGjBgxYsSIESODe2e0yZBJzmcKoqkQLAfQ3ntvKaUfJkglWKYgxcjFJ8hEAqMAmgCRAN0WLDBXqLBLgYLqhAmMGUuQEGNMDIQQvuecc92t7XYzxhwhwi4MjOqDB2zZOnAQY4MGEDJg8N5q5dyCBa0pUNCdIAEzAgS7Bw6ouhgwYF1TUUxdChSwrqkYCRCAcMCA915enHNxaa2lpVuAAOYAAXYBAFDNtC4pi8bqBoXNiRoTNCVmZFYxKxqZFTgwZHJWMCxmRYNiJeOCYhBgmEjRYlnWJRXO6EatFb2om+hEzEMf2hW6kGrQg9hjD+hAMf78B0Kf+7zX8x7neM7T2s53rIuqXbvrXMe6qJhr1NidMUM1RgzmmHvxIkYXLiBs0eI9Fiycy8lpTYWKbhwc5pubXRsb1Zoa1lijoYlxZgZCEiTeGzHCOREiWgsRohsECOYPH3Y9eFDt0IE1aw4cYtywAUINGt7LkME5DBhau3AhqkquRDXJkyhTJEcS45EfgdDIjbxX5EWcI3IirVW9qnvIhzBTnWpXyIWoTn3KuqrYDcb05UEexLqqYpS6FIRADuS9H//hnI/7aK3He3TzOA/mHd+xq+M6VHM8B4ss4jiOGG/8BoRRj3oP6lDO2biN1p7+1O10J+amN+0ynUl16UsMMqh0pRiTngQh0pHeO/qRC91P+dTtlE7dTdnUzZRM3Uu51K2USt1JmdSNlEjdR3nUbZRGzEVZxEyURMw5lEPMKZRCzBmUQcwJlEDM+ZM/zOmTPszZkz3MyZM8u7mTO7upkzq7WZ5lF8ux7F75lV0rt7Jb5VV2qZzK7pRP2ZVyKapRHkUVyqGoPvkTVSd3otrkTVSZnInqki8JgcCoIZRsF9L+G8EnNUrDARJAYJBICeaE///fH88hkvY16Q5ReiGkfyXNTUvHlHQjSffI0ieT9jXpDlF6oZG2daWRFaXtitIXVWmbojSyUtquKH1RKm1TSiObdJosXVDSvST9pKU9TroTpDdE6Y9Jc5d0mixdUNK9JP2kpT1OuhOkN7QpHTMPVfSpicYt0XDZaCwTjVui4bLRWCYat0RHYDl3Ks8f8+Mp01xSnFETreSjHxNNpmg1G3246Cqi6Xk0w452hUbnU3TNRh8uWhXReh7NsGi+ik7S6MscLSQeTUe0nkdjWLSvopM02mWiyxb9sdEgdXRpHI2oaEkafZnoskU7MI49nFmij9hknWF9tJaiW3q065lobo/WUnSXRhsuGubRAxGNweidRJtw0Qsyop8RvYbRHose6WhVieZ5tO+iwTx6EEWjEYy282jaogc0GiKidxjtseghHW2VaJ4fLeImmtujtRRdpdGGi4Z59EBEYzB6J9EmXPSCjOhnRK9htMeiRzpaVaJ5Hu27aDCPLqaO5C31fC+/EBHjKM5ITPSPMFpyE00Ijf4oREtOoymR6BfJaLldRqdSVVtaWgUBAAA=",
  v2_idempotent:
    "AAAAAAAAAAUAAABbAAAAAwL1TmPYAAAAAAACAAABi8/laAAAAAGLz+VoBQAAAAAAAATSAAcAAAAqAAAAAyYAAAAEazEEdjEEBGgxAngEaDIAEAAKAgEEdjIAGAAFBARrMwECBGhuAQ==",
  v2_txn_zstd:
    "AAAAAAAAAAUAAABnAAAAAwJ0lIq4ABQAAAACAAABi8/laAAAAAGLz+VoBQAAAAAAAATSAAcAAAAqAAAAAyi1L/0AWFABACYAAAAEazEEdjEEBGgxAngEaDIAEAAKAgEEdjIAGAAFBARrMwECBGhuAQEAAA==",
  v2_commit:
    "AAAAAAAAAAoAAABCAAAAAwJumr0WADAAAAAAAAABi8/laAAAAAGLz+VoAAAAAAAAAATSAAf/////AAAAASAAAAAIAAAAAQwAAAAAAAkA",
  v2_abort:
    "AAAAAAAAAAsAAABCAAAAAwKapGteADAAAAAAAAABi8/laAAAAAGLz+VoAAAAAAAAAATSAAf/////AAAAASAAAAAIAAAAAAwAAAAAAAkA",
  v2_logappend_lz4:
    "AAAAAAAAAAAAAABq/////wKPPxPJAAsAAAACAAABi8/laAAAAAGLz+Vr6P//////////////////AAAAAwQiTRhgQIIqAACAJgAAAARrMQR2MQQEaDECeARoMgAQAAoCAQR2MgAYAAUEBGszAQIEaG4BAAAAAA==",
  v0_none:
    "AAAAAAAAAMgAAAASV+dJbgAAAAAAAmsxAAAAAnYxAAAAAAAAAMkAAAAQ1ZYKeAAA/////wAAAAJ2MgAAAAAAAADKAAAAELZDymoAAAAAAAJrM/////8=",
  v0_gzip:
    "AAAAAAAAAMoAAABWPXt2vQAB/////wAAAEgfiwgAAAAAAAD/Y2AAgxNALBT+3DMPzGPKNgSRZYYQSYaTQCxwdRpXBQPDfyAAyxlB5U6B5LY5n8qC6jQGqQAAh2CeK1YAAAA=",
  v0_snappy:
    "AAAAAAAAAMoAAABt5mjUAwAC/////wAAAF+CU05BUFBZAAAAAAEAAAABAAAAS1YAAAkBIMgAAAASV+dJbgUPHAJrMQAAAAJ2AQYBATjJAAAAENWWCngAAP////8FHAQyAAkBUMoAAAAQtkPKagAAAAAAAmsz/////w==",
  v0_lz4:
    "AAAAAAAAAMoAAABoIDk4uwAD/////wAAAFoEIk0YYEAaSwAAABIAAQCRyAAAABJX50luDwCAAmsxAAAAAnYGAAACAPEAyQAAABDVlgp4AAD/////HAAQMhkAQAAAAMocAEG2Q8pqDgBwAmsz/////wAAAAA=",
  v1_none:
    "AAAAAAAAAMgAAAAapdpqYgEAAAABi8/laAAAAAACazEAAAACdjEAAAAAAAAAyQAAABiCC/0DAQAAAAGLz+VoBf////8AAAACdjIAAAAAAAAAygAAABigSiRJAQAAAAGLz+Vn/QAAAAJrM/////8=",
  v1_gzip:
    "AAAAAAAAAMoAAABn8Lx6dgEBAAABi8/laAX/////AAAAUR+LCAAAAAAAAP9jYIADqaW3spIYgQzG7vNPM0AiTNmGILLMEKoCJCnRxP2XGa6K9T8QgNUYQdUwgdQs8FLxhKlJ/ws2yRikEgCBg4vvbgAAAA==",
  v1_snappy:
    "AAAAAAAAAMoAAAB/82ky/QECAAABi8/laAX/////AAAAaYJTTkFQUFkAAAAAAQAAAAEAAABVbgAAGQE0GqXaamIBAAAAAYvP5WgBGBwCazEAAAACdgEGAQEBHRAYggv9AwEJBSYQBf////8FJAAyASEBChwAAAAYoEokSREkLGf9AAAAAmsz/////w==",
  v1_lz4:
    "AAAAAAAAAMoAAAB9rvvBFAEDAAABi8/laAX/////AAAAZwQiTRhgQIJYAAAAFgABAOAapdpqYgEAAAABi8/laBgAgAJrMQAAAAJ2BgAAAgAAHQBQGIIL/QMJAAEmAFEF/////yQAEDIhAAAKAIQAAAAYoEokSSQAwGf9AAAAAmsz/////wAAAAA=",
} as const
