// Kafka's built-in partitioning (BuiltInPartitioner): a keyed record goes to
// murmur2(key) mod the partition count, as every Kafka client computes it, so
// keys land where the Java producer would put them; a record without a key
// (or any record with partitioner.ignore.keys) goes to a "sticky" partition
// that the producer keeps until about batch.size bytes went to it, then a new
// one is drawn at random, weighted towards partitions with short queues when
// adaptive partitioning is on. Sticky partitioning is what makes null-key
// batches fill up instead of spreading one record per partition.

/** Kafka's Utils.murmur2 over the key bytes (signed 32-bit result). */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  const r = 24
  let h = (0x9747b28c ^ length) | 0
  const length4 = length >> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2
    let k = (data[i4]! & 0xff) | ((data[i4 + 1]! & 0xff) << 8) | ((data[i4 + 2]! & 0xff) << 16) | ((data[i4 + 3]! & 0xff) << 24)
    k = Math.imul(k, m)
    k ^= k >>> r
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  const tail = length & ~3
  const rest = length % 4
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8
  if (rest >= 1) {
    h ^= data[tail]! & 0xff
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Kafka's producer picks for a key. */
export function keyPartition(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions
}

/** The sticky partition for records without a key, per topic. */
export class StickyPartitioner {
  private current = -1
  private producedBytes = 0

  constructor(
    private readonly stickyBatchSize: number,
    private readonly adaptive: boolean,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The partition for the next keyless record. `batchFull` says whether the
   * current sticky partition's open batch has no room for it: the producer
   * moves on once that batch is done and about batch.size bytes went there,
   * so every batch but the last fills up. `queueSizes` (batches waiting per
   * partition) steers the draw away from slow partitions.
   */
  partition(numPartitions: number, batchFull: (partition: number) => boolean, queueSizes?: (partition: number) => number): number {
    if (numPartitions <= 1) return 0
    if (this.current < 0 || this.current >= numPartitions) {
      this.switchTo(this.draw(numPartitions, queueSizes))
    } else if (this.producedBytes >= this.stickyBatchSize * 2 || (this.producedBytes >= this.stickyBatchSize && batchFull(this.current))) {
      this.switchTo(this.draw(numPartitions, queueSizes))
    }
    return this.current
  }

  /** Bytes appended to the sticky partition (after partition() chose it). */
  recordAppended(bytes: number): void {
    this.producedBytes += bytes
  }

  private switchTo(p: number): void {
    this.current = p
    this.producedBytes = 0
  }

  private draw(n: number, queueSizes?: (partition: number) => number): number {
    if (!this.adaptive || !queueSizes) return Math.floor(this.random() * n)
    // Kafka's PartitionLoadStats: weight = (max queue + 1) - queue, so a
    // partition with a backlog is chosen less often.
    let max = 0
    const sizes = new Array<number>(n)
    for (let i = 0; i < n; i++) {
      sizes[i] = queueSizes(i)
      if (sizes[i]! > max) max = sizes[i]!
    }
    if (max === 0) return Math.floor(this.random() * n)
    let total = 0
    for (let i = 0; i < n; i++) total += max + 1 - sizes[i]!
    let pick = Math.floor(this.random() * total)
    for (let i = 0; i < n; i++) {
      pick -= max + 1 - sizes[i]!
      if (pick < 0) return i
    }
    return n - 1
  }
}
