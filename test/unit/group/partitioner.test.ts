// A group's __consumer_offsets partition is the one Kafka would pick (values from Java's String.hashCode).
import {describe, expect, it} from 'vitest'
import {javaStringHashCode, partitionForGroup} from '../../../src/group/partitioner.js'

describe('group partitioning', () => {
  it("matches Java's String.hashCode and Kafka's Utils.abs", () => {
    const cases: Array<[string, number, number]> = [
      ['', 0, 0],
      ['test-group', 627841412, 12],
      ['console-consumer-12345', 158455506, 6],
      ['g1', 3242, 42],
      ['ünïcødé-😀', 1261274233, 33],
      // Integer.MIN_VALUE: Utils.abs maps it to 0, not to a negative number.
      ['polygenelubricants', -2147483648, 0],
      ['AaAaAaAa', -540425984, 34],
    ]
    for (const [group, hash, partition] of cases) {
      expect(javaStringHashCode(group)).toBe(hash)
      expect(partitionForGroup(group, 50)).toBe(partition)
    }
  })
})
