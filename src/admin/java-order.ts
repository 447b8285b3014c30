// Kafka's tools print some collections in java.util.HashMap iteration order
// (topic descriptions, config entries). To print byte-identical text we
// reproduce that order: String.hashCode, HashMap's hash spreading, bucket
// index by capacity, resizes that keep each bucket's insertion order, and the
// resize-instead-of-treeify rule for small tables.

/** java.lang.String#hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/** java.util.HashMap#hash: the high half folded into the low half. */
export function javaSpreadHash(s: string): number {
  const h = javaStringHash(s)
  return h ^ (h >>> 16)
}

const MAXIMUM_CAPACITY = 1 << 30
const TREEIFY_THRESHOLD = 8
const MIN_TREEIFY_CAPACITY = 64

/** HashMap.tableSizeFor: the smallest power of two >= cap. */
export function tableSizeFor(cap: number): number {
  let n = 1
  while (n < cap) n *= 2
  return Math.min(Math.max(n, 1), MAXIMUM_CAPACITY)
}

/**
 * The iteration order of a java.util.HashMap<String, V> after putting `keys`
 * in this order. `initialCapacity` as in `new HashMap<>(initialCapacity)`;
 * omitted means the default constructor (16 on first put). Duplicate keys keep
 * their first position, as put() replaces the value in place.
 */
export function javaHashMapOrder<T>(items: readonly T[], keyOf: (item: T) => string, initialCapacity?: number, hashOf: (key: string) => number = javaStringHash): T[] {
  let capacity = initialCapacity === undefined ? 16 : tableSizeFor(initialCapacity)
  if (capacity === 0) capacity = 1
  let buckets: Array<Array<{key: string; hash: number; item: T}>> = Array.from({length: capacity}, () => [])
  let size = 0
  const resize = () => {
    const next: typeof buckets = Array.from({length: capacity * 2}, () => [])
    // Splitting a bucket into lo/hi keeps relative order; walking the old
    // buckets in order and appending reproduces that.
    for (const bucket of buckets) for (const e of bucket) next[e.hash & (capacity * 2 - 1)]!.push(e)
    capacity *= 2
    buckets = next
  }
  for (const item of items) {
    const key = keyOf(item)
    const h = hashOf(key)
    const hash = h ^ (h >>> 16)
    const bucket = buckets[hash & (capacity - 1)]!
    const existing = bucket.find((e) => e.key === key)
    if (existing) {
      existing.item = item
      continue
    }
    bucket.push({key, hash, item})
    if (bucket.length > TREEIFY_THRESHOLD && capacity < MIN_TREEIFY_CAPACITY) resize()
    if (++size > capacity * 0.75) resize()
  }
  return buckets.flatMap((b) => b.map((e) => e.item))
}

/** org.apache.kafka.common.TopicPartition#hashCode. */
export function topicPartitionHash(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + javaStringHash(topic)) | 0
}
