import {describe, expect, it} from 'vitest'

import {keyPartition, murmur2, StickyPartitioner} from '../../../src/producer/partitioner.js'

// org.apache.kafka.common.utils.Utils.murmur2 as Kafka 4.3.1 computes it.
const JAVA: Array<[string, number, number]> = [
  ['21', -973932308, 0],
  ['foobar', -790332482, 0],
  ['a-little-bit-long-string', -985981536, 2],
  ['a-little-bit-longer-string', -1486304829, 2],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971, 2],
  ['abc', 479470107, 0],
  ['', 275646681, 0],
]

describe('keyed partitioning', () => {
  for (const [key, hash, p] of JAVA) {
    it(`murmur2(${JSON.stringify(key)}) = ${hash}, partition ${p} of 3`, () => {
      expect(murmur2(Buffer.from(key))).toBe(hash)
      expect(keyPartition(Buffer.from(key), 3)).toBe(p)
    })
  }
})

describe('sticky partitioning of keyless records', () => {
  it('stays on a partition until its batch is full and batch.size bytes went there', () => {
    let draws = 0
    const sticky = new StickyPartitioner(1000, false, () => {
      draws++
      return (draws % 4) / 4
    })
    const full = new Set<number>()
    const first = sticky.partition(4, (p) => full.has(p))
    for (let i = 0; i < 9; i++) {
      expect(sticky.partition(4, (p) => full.has(p))).toBe(first)
      sticky.recordAppended(100)
    }
    // 900 bytes: not yet batch.size, stays even with a full batch
    full.add(first)
    expect(sticky.partition(4, (p) => full.has(p))).toBe(first)
    sticky.recordAppended(200)
    // 1100 bytes and the batch is full: moves on
    expect(sticky.partition(4, (p) => full.has(p))).not.toBe(first)
  })

  it('prefers partitions with shorter queues when adaptive', () => {
    const counts = [0, 0, 0]
    let seed = 1
    const random = () => {
      seed = (seed * 16807) % 2147483647
      return seed / 2147483647
    }
    for (let i = 0; i < 3000; i++) {
      const s = new StickyPartitioner(1, true, random)
      counts[s.partition(3, () => true, (p) => [10, 0, 0][p]!)]!++
    }
    expect(counts[0]!).toBeLessThan(counts[1]! / 5)
  })
})
