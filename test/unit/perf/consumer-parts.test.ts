import {describe, expect, it} from 'vitest'

import {Compression} from '../../../src/protocol/compression.js'
import {encodeRecordBatch} from '../../../src/protocol/record-batch.js'
import {decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, rangeAssign} from '../../../src/perf/group-member.js'
import {batchSpans, countBatch, type CountState} from '../../../src/perf/record-counter.js'

describe("Kafka's RangeAssignor", () => {
  it('gives each member a contiguous range, the first ones one more', () => {
    const out = rangeAssign(
      [
        {memberId: 'b', topics: ['t', 'u']},
        {memberId: 'a', topics: ['t']},
      ],
      new Map([
        ['t', 5],
        ['u', 2],
      ]),
    )
    expect(out.get('a')).toEqual([{topic: 't', partitions: [0, 1, 2]}])
    expect(out.get('b')).toEqual([
      {topic: 't', partitions: [3, 4]},
      {topic: 'u', partitions: [0, 1]},
    ])
  })

  it('encodes subscriptions and assignments in the ConsumerProtocol layout', () => {
    const sub = encodeSubscription(['orders', 'payments'])
    expect(sub.readInt16BE(0)).toBe(0)
    expect(decodeSubscription(sub)).toEqual(['orders', 'payments'])
    const asg = [{topic: 'orders', partitions: [0, 2]}]
    expect(decodeAssignment(encodeAssignment(asg))).toEqual(asg)
    expect(decodeAssignment(Buffer.alloc(0))).toEqual([])
  })
})

describe('record counting', () => {
  const batch = (codec: number, base: bigint) =>
    encodeRecordBatch({
      baseOffset: base,
      compression: codec,
      records: [
        {key: 'key', value: 'v'.repeat(10)},
        {key: null, value: 'w'.repeat(20)},
        {key: 'k', value: null},
      ],
    })

  for (const codec of [Compression.NONE, Compression.GZIP, Compression.ZSTD]) {
    it(`counts records and key + value bytes (codec ${codec}), from a start offset, up to a limit`, async () => {
      const data = Buffer.concat([batch(codec, 10n), batch(codec, 13n), batch(codec, 16n).subarray(0, 30)])
      const spans = batchSpans(data)
      expect(spans.map((s) => [s.baseOffset, s.nextOffset])).toEqual([
        [10, 13],
        [13, 16],
      ])
      const all: CountState = {records: 0, bytes: 0}
      for (const s of spans) await countBatch(data, s, 0, 100, all)
      expect(all).toEqual({records: 6, bytes: 2 * (3 + 10 + 20 + 1)})
      const some: CountState = {records: 0, bytes: 0}
      for (const s of spans) await countBatch(data, s, 11, 3 - some.records, some)
      expect(some).toEqual({records: 3, bytes: 20 + 1 + 13})
    })
  }
})
