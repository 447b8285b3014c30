// What a follower appends from a Fetch answer (src/replication/replica-fetcher.ts wholeEntries): a
// leader's read stops at the size limit, in the middle of a batch, as Kafka's does; only the whole
// batches before it are appended, the rest comes with the next fetch.

import {describe, expect, it} from 'vitest'

import {encodeRecordBatch} from '../../../src/protocol/record-batch.js'
import {wholeEntries} from '../../../src/replication/replica-fetcher.js'

function batch(n: number): Buffer {
  return encodeRecordBatch({baseOffset: BigInt(n), records: [{key: null, value: Buffer.alloc(100, n), timestamp: 0n}]})
}

describe('wholeEntries', () => {
  const a = batch(0)
  const b = batch(1)
  const both = Buffer.concat([a, b])

  it('keeps whole batches as they are', () => {
    expect(wholeEntries(both)).toBe(both)
    expect(wholeEntries(Buffer.alloc(0)).length).toBe(0)
  })

  it('drops a partial last batch, down to its 12-byte prefix or less', () => {
    for (const cut of [1, 11, 12, 30, b.length - 1]) {
      expect(wholeEntries(both.subarray(0, a.length + cut)).equals(a)).toBe(true)
    }
  })

  it('gives nothing when not even the first batch is whole', () => {
    expect(wholeEntries(a.subarray(0, a.length - 1)).length).toBe(0)
  })

  it('leaves an impossible length in for the append to report', () => {
    const bad = Buffer.concat([a, Buffer.alloc(20)])
    bad.writeInt32BE(-5, a.length + 8)
    expect(wholeEntries(bad)).toBe(bad)
  })
})
