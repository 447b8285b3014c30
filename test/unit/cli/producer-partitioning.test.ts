import {describe, expect, it} from 'vitest'

import {murmur2, partitionForKey} from '../../../src/client/producer.js'

// Values printed by org.apache.kafka.common.utils.Utils.murmur2 from Kafka 4.3.1's jars.
const JAVA: Array<[string, number, number]> = [
  ['21', -973932308, 0],
  ['foobar', -790332482, 0],
  ['a-little-bit-long-string', -985981536, 2],
  ['a-little-bit-longer-string', -1486304829, 2],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971, 2],
  ['abc', 479470107, 0],
  ['k1', 1684045097, 2],
  ['k2', 380483553, 0],
  ['k3', 1676809936, 1],
  ['k4', 2081920360, 1],
  ['k9', -929672844, 2],
  ['', 275646681, 0],
]

describe("Kafka's default partitioner", () => {
  for (const [key, hash, partitionOf3] of JAVA) {
    it(`murmur2(${JSON.stringify(key)}) = ${hash}, partition ${partitionOf3} of 3`, () => {
      expect(murmur2(Buffer.from(key))).toBe(hash)
      expect(partitionForKey(Buffer.from(key), 3)).toBe(partitionOf3)
    })
  }
})
