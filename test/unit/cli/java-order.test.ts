import {describe, expect, it} from 'vitest'

import {javaHashMapOrder, javaStringHash, tableSizeFor, topicPartitionHash} from '../../../src/admin/java-order.js'

// Names Kafka 4.3.1's DescribeConfigs returned for a topic, in the order it sent them.
const TOPIC_CONFIGS =
  'compression.type remote.log.delete.on.disable leader.replication.throttled.replicas remote.storage.enable min.insync.replicas segment.jitter.ms remote.log.copy.disable local.retention.ms cleanup.policy flush.ms follower.replication.throttled.replicas compression.lz4.level segment.bytes retention.ms compression.gzip.level flush.messages compression.zstd.level max.compaction.lag.ms file.delete.delay.ms max.message.bytes min.compaction.lag.ms message.timestamp.type local.retention.bytes preallocate index.interval.bytes min.cleanable.dirty.ratio unclean.leader.election.enable retention.bytes delete.retention.ms message.timestamp.after.max.ms message.timestamp.before.max.ms segment.ms segment.index.bytes'.split(
    ' ',
  )

describe('java.util.HashMap order', () => {
  it('String.hashCode as Java computes it', () => {
    expect(javaStringHash('')).toBe(0)
    expect(javaStringHash('hello')).toBe(99162322)
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'))
    // Overflows wrap to negative ints as in Java.
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648)
  })

  it('TopicPartition.hashCode', () => {
    expect(topicPartitionHash('p1', 0)).toBe(4482)
  })

  it('tableSizeFor rounds up to a power of two', () => {
    expect([0, 1, 2, 3, 6, 8, 17].map(tableSizeFor)).toEqual([1, 1, 2, 4, 8, 8, 32])
  })

  it("reproduces the Configs order kafka-topics.sh printed for a topic (Kafka 4.3.1)", () => {
    const overridden = new Set(['min.insync.replicas', 'cleanup.policy', 'segment.bytes', 'retention.ms', 'max.message.bytes'])
    const order = javaHashMapOrder(TOPIC_CONFIGS, (n) => n).filter((n) => overridden.has(n))
    expect(order).toEqual(['min.insync.replicas', 'cleanup.policy', 'segment.bytes', 'retention.ms', 'max.message.bytes'])
  })

  it('reproduces the topic order kafka-topics.sh --describe printed for t1,t10..t14 (two HashMaps)', () => {
    const sorted = ['t1', 't10', 't11', 't12', 't13', 't14']
    const futures = javaHashMapOrder(sorted, (n) => n)
    expect(javaHashMapOrder(futures, (n) => n, sorted.length)).toEqual(['t10', 't12', 't11', 't1', 't14', 't13'])
  })

  it('keeps the first position of a duplicate key', () => {
    expect(javaHashMapOrder(['a', 'b', 'a'], (n) => n)).toEqual(['a', 'b'])
  })
})
