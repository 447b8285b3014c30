import {describe, expect, it} from 'vitest'

import {Compression} from '../../../src/protocol/compression.js'
import {decodeRecordBatch, encodeRecordBatch, verifyBatchCrc} from '../../../src/protocol/record-batch.js'
import {BatchBuilder, recordSize} from '../../../src/producer/batch-builder.js'

const T0 = 1_700_000_000_000

function records() {
  return [
    {key: null, value: Buffer.from('hello'), headers: null, timestamp: T0},
    {key: Buffer.from('k'), value: Buffer.from('world'), headers: [{key: 'h', value: Buffer.from('v')}, {key: 'n', value: null}], timestamp: T0 + 3},
    {key: Buffer.alloc(0), value: null, headers: null, timestamp: T0 - 2},
    {key: null, value: Buffer.alloc(300, 0x41), headers: null, timestamp: T0 + 100_000},
  ]
}

describe('BatchBuilder', () => {
  it('writes the same bytes as the reference encoder (encodeRecordBatch)', async () => {
    const b = new BatchBuilder(Compression.NONE, 16384, 1)
    for (const r of records()) b.append(r.timestamp, r.key, r.value, r.headers)
    const built = await b.close({producerId: 7n, producerEpoch: 2, baseSequence: 40, transactional: false})
    const reference = encodeRecordBatch({
      producerId: 7n,
      producerEpoch: 2,
      baseSequence: 40,
      records: records().map((r) => ({key: r.key, value: r.value, headers: r.headers ?? [], timestamp: r.timestamp})),
    })
    expect(built.equals(reference)).toBe(true)
  })

  for (const codec of [Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]) {
    it(`compresses with codec ${codec} into a batch the decoder reads back`, async () => {
      const b = new BatchBuilder(codec, 16384, 1)
      for (const r of records()) b.append(r.timestamp, r.key, r.value, r.headers)
      const built = await b.close({producerId: 1n, producerEpoch: 0, baseSequence: 0, transactional: true})
      expect(verifyBatchCrc(built)).toBe(true)
      const decoded = decodeRecordBatch(built)
      expect(decoded.header.compression).toBe(codec)
      expect(decoded.header.isTransactional).toBe(true)
      expect(decoded.records.map((r) => r.value?.toString() ?? null)).toEqual(['hello', 'world', null, 'A'.repeat(300)])
      expect(decoded.records.map((r) => Number(r.timestamp))).toEqual(records().map((r) => r.timestamp))
      expect(decoded.header.maxTimestamp).toBe(BigInt(T0 + 100_000))
    })
  }

  it('is full at batch.size without compression, and always takes a first record', () => {
    const b = new BatchBuilder(Compression.NONE, 1000, 1)
    const value = Buffer.alloc(300)
    expect(b.hasRoomFor(5000)).toBe(true)
    let n = 0
    while (b.hasRoomFor(b.nextRecordSize(T0, -1, value.length, null))) {
      b.append(T0, null, value, null)
      n++
    }
    expect(n).toBe(3)
    expect(b.sizeInBytes).toBeLessThanOrEqual(1000)
  })

  it('packs more records when the compression ratio estimate is low', () => {
    const full = (ratio: number) => {
      const b = new BatchBuilder(Compression.GZIP, 4096, ratio)
      const value = Buffer.alloc(100, 0x61)
      let n = 0
      while (b.hasRoomFor(b.nextRecordSize(T0, -1, value.length, null))) {
        b.append(T0, null, value, null)
        n++
      }
      return n
    }
    expect(full(0.25)).toBeGreaterThan(3 * full(1))
  })

  it('sizes records as the encoder lays them out', () => {
    expect(recordSize(0, 0, -1, 5, null)).toBe(12)
  })
})
