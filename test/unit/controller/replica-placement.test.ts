import {describe, expect, it} from 'vitest'
import {assignReplicas, rackAlternatedBrokers, validateManualAssignment} from '../../../src/controller/replica-placement.js'
import {ErrorCode, KafkaError} from '../../../src/protocol/errors.js'

const brokers = (ids: number[], racks?: string[]) => ids.map((id, i) => ({id, rack: racks ? racks[i]! : null}))

describe('assignReplicas (Kafka AdminUtils semantics)', () => {
  it('rack-unaware with a fixed start: leaders round-robin, followers shifted', () => {
    // Kafka's AdminUtilsTest: 5 brokers, 10 partitions, RF 3, fixed start index 0.
    const a = assignReplicas(brokers([0, 1, 2, 3, 4]), 10, 3, {startIndex: 0})
    expect(Object.fromEntries(a)).toEqual({
      0: [0, 1, 2],
      1: [1, 2, 3],
      2: [2, 3, 4],
      3: [3, 4, 0],
      4: [4, 0, 1],
      5: [0, 2, 3],
      6: [1, 3, 4],
      7: [2, 4, 0],
      8: [3, 0, 1],
      9: [4, 1, 2],
    })
  })

  it('spreads leaders evenly and never repeats a broker within a partition', () => {
    for (let seed = 0; seed < 20; seed++) {
      let x = seed + 1
      const random = () => ((x = (x * 16807) % 2147483647) / 2147483647)
      const a = assignReplicas(brokers([1, 2, 3]), 3, 2, {random})
      const leaders = [...a.values()].map((r) => r[0])
      expect(new Set(leaders).size).toBe(3)
      for (const r of a.values()) expect(new Set(r).size).toBe(2)
    }
  })

  it('starts at startPartitionId for CreatePartitions', () => {
    const a = assignReplicas(brokers([0, 1, 2]), 2, 1, {startIndex: 0, startPartitionId: 3})
    expect([...a.keys()]).toEqual([3, 4])
    expect(a.get(3)).toEqual([0])
    expect(a.get(4)).toEqual([1])
  })

  it('rack-aware: alternates racks and puts replicas on distinct racks', () => {
    const bs = brokers([0, 1, 2, 3, 4, 5], ['a', 'a', 'b', 'b', 'c', 'c'])
    expect(rackAlternatedBrokers(bs)).toEqual([0, 2, 4, 1, 3, 5])
    const a = assignReplicas(bs, 6, 3, {startIndex: 0})
    const rackOf = new Map(bs.map((b) => [b.id, b.rack]))
    for (const replicas of a.values()) expect(new Set(replicas.map((r) => rackOf.get(r))).size).toBe(3)
    expect(a.get(0)![0]).toBe(0)
    expect(a.get(1)![0]).toBe(2)
  })

  it('rejects a replication factor above the broker count with Kafka message', () => {
    expect(() => assignReplicas(brokers([1]), 1, 3)).toThrow(new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor: 3 larger than available brokers: 1.'))
    try {
      assignReplicas(brokers([1]), 1, 3)
    } catch (e) {
      expect((e as KafkaError).code).toBe(ErrorCode.INVALID_REPLICATION_FACTOR)
    }
  })

  it('rejects partial rack information unless rack awareness is off', () => {
    const bs = [{id: 1, rack: 'a'}, {id: 2, rack: null}]
    expect(() => assignReplicas(bs, 1, 2)).toThrow(/rack information/)
    expect(assignReplicas(bs, 1, 2, {rackAware: false, startIndex: 0}).get(0)).toEqual([1, 2])
  })
})

describe('validateManualAssignment', () => {
  const known = new Set([1, 2, 3])
  it('accepts a consistent assignment', () => {
    expect(() => validateManualAssignment(new Map([[0, [1, 2]], [1, [2, 3]]]), known)).not.toThrow()
  })
  it.each([
    ['gaps', new Map([[0, [1]], [2, [2]]]), /consecutive/],
    ['duplicates', new Map([[0, [1, 1]]]), /more than once/],
    ['uneven replica counts', new Map([[0, [1, 2]], [1, [3]]]), /not consistent/],
    ['unknown brokers', new Map([[0, [9]]]), /broker 9/],
  ])('rejects %s', (_n, assignment, message) => {
    expect(() => validateManualAssignment(assignment, known)).toThrow(message)
  })
})
