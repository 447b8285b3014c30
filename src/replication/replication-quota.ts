// Replication throttles (Kafka's ReplicationQuotaManager): a byte-rate bound for the leader side
// (leader.replication.throttled.rate) or the follower side (follower.replication.throttled.rate)
// of one broker, and the partitions it applies to, from the topics'
// leader/follower.replication.throttled.replicas ("partition:brokerId,..." naming this broker, or
// "*" for all of the topic's partitions).
//
// The rate is Kafka's SimpleRate over a WindowedSum: replication.quota.window.num (11) samples of
// replication.quota.window.size.seconds (1 s); a sample with no event for the whole window span is
// reset, and the rate is the retained bytes over the time since the oldest sample began, never
// over less than one window (so a first burst does not read as an enormous rate). The quota is
// exceeded when that rate is above the bound. Bytes are recorded whether or not the quota is
// exceeded; callers leave throttled partitions out while it is, so traffic settles at the bound.
//
// Pure: time comes from the injected clock.

/** Kafka's QuotaConfig.REPLICATION_QUOTA_WINDOW_NUM_DEFAULT. */
export const REPLICATION_QUOTA_WINDOW_NUM = 11
/** Kafka's QuotaConfig.REPLICATION_QUOTA_WINDOW_SIZE_SECONDS_DEFAULT, in ms. */
export const REPLICATION_QUOTA_WINDOW_MS = 1000
/** Kafka's QuotaConfig.QUOTA_BYTES_PER_SECOND_DEFAULT (Long.MAX_VALUE): no throttle. */
export const UNBOUNDED_RATE = 9223372036854775807n

export const LEADER_THROTTLED_RATE = 'leader.replication.throttled.rate'
export const FOLLOWER_THROTTLED_RATE = 'follower.replication.throttled.rate'
export const LEADER_THROTTLED_REPLICAS = 'leader.replication.throttled.replicas'
export const FOLLOWER_THROTTLED_REPLICAS = 'follower.replication.throttled.replicas'

interface Sample {
  value: number
  startMs: number
  lastEventMs: number
}

/** Kafka's SimpleRate (a Rate over a WindowedSum), in units per second. */
export class SampledRate {
  private readonly samples: Sample[] = []
  private current = 0

  constructor(
    readonly numSamples: number = REPLICATION_QUOTA_WINDOW_NUM,
    readonly windowMs: number = REPLICATION_QUOTA_WINDOW_MS,
  ) {
    if (!(numSamples >= 1) || !(windowMs >= 1)) throw new RangeError('a sampled rate needs at least one sample of at least 1 ms')
  }

  record(value: number, now: number): void {
    let sample = this.currentSample(now)
    if (now - sample.startMs >= this.windowMs) sample = this.advance(now)
    sample.value += value
    sample.lastEventMs = now
  }

  /** The rate per second at `now`. */
  measure(now: number): number {
    this.purgeObsolete(now)
    let total = 0
    for (const s of this.samples) total += s.value
    const oldest = this.oldest(now)
    const windowMs = Math.max(now - oldest.startMs, this.windowMs)
    return total / (windowMs / 1000)
  }

  private currentSample(now: number): Sample {
    if (this.samples.length === 0) this.samples.push(newSample(now))
    return this.samples[this.current]!
  }

  /** Moves to the next slot of the ring; one more slot than samples keeps a sample that overlaps the window's start. */
  private advance(now: number): Sample {
    this.current = (this.current + 1) % (this.numSamples + 1)
    if (this.current >= this.samples.length) {
      const s = newSample(now)
      this.samples.push(s)
      return s
    }
    const s = this.samples[this.current]!
    reset(s, now)
    return s
  }

  private oldest(now: number): Sample {
    if (this.samples.length === 0) this.samples.push(newSample(now))
    let oldest = this.samples[0]!
    for (const s of this.samples) if (s.startMs < oldest.startMs) oldest = s
    return oldest
  }

  /** Samples without an event for the whole span no longer count (they start over at now). */
  private purgeObsolete(now: number): void {
    const expireAge = this.numSamples * this.windowMs
    for (const s of this.samples) if (now - s.lastEventMs >= expireAge) reset(s, now)
  }
}

function newSample(now: number): Sample {
  return {value: 0, startMs: now, lastEventMs: now}
}

function reset(s: Sample, now: number): void {
  s.value = 0
  s.startMs = now
  s.lastEventMs = now
}

/** The partitions of one topic throttled on a broker: all of them, or these indexes. */
export type ThrottledPartitions = 'all' | ReadonlySet<number>

/**
 * Kafka's TopicConfigHandler.parseThrottledPartitions: which partitions of a topic a
 * leader/follower.replication.throttled.replicas value throttles on `brokerId`. "*" is every
 * partition; "p:b" entries count when b is this broker. Entries that are not two integers
 * around a colon are ignored (the config's validator refuses them when they are set; a broker
 * reading an older record must not fail on one). Null when nothing is throttled here.
 */
export function parseThrottledReplicas(value: string | readonly string[] | null | undefined, brokerId: number): ThrottledPartitions | null {
  if (value === null || value === undefined) return null
  const entries = (typeof value === 'string' ? value.split(',') : value).map((e) => e.trim()).filter((e) => e !== '')
  if (entries.length === 0) return null
  if (entries.length === 1 && entries[0] === '*') return 'all'
  const partitions = new Set<number>()
  for (const entry of entries) {
    const m = /^(\d+)\s*:\s*(\d+)$/.exec(entry)
    if (m === null) continue
    if (Number(m[2]) === brokerId) partitions.add(Number(m[1]))
  }
  return partitions.size === 0 ? null : partitions
}

/**
 * A throttled-rate config value as a bound in bytes per second: Infinity for no throttle
 * (absent, Long.MAX_VALUE, or not a non-negative integer).
 */
export function parseThrottledRate(value: string | null | undefined): number {
  if (value === null || value === undefined) return Infinity
  const text = value.trim()
  if (!/^\d+$/.test(text)) return Infinity
  const n = BigInt(text)
  return n >= UNBOUNDED_RATE ? Infinity : Number(n)
}

/**
 * The effective rate bound from the dynamic broker configs: this broker's own value, else the
 * cluster default, else none (Kafka's BrokerConfigHandler.getOrDefault).
 */
export function effectiveThrottledRate(name: string, perBroker: ReadonlyMap<string, string>, clusterDefault: ReadonlyMap<string, string>): number {
  return parseThrottledRate(perBroker.get(name) ?? clusterDefault.get(name))
}

export interface ReplicationQuotaOptions {
  clock?: () => number
  numSamples?: number
  windowMs?: number
  /** Bytes per second; Infinity (the default) never throttles. */
  bound?: number
}

/** One side's replication quota on one broker (Kafka's ReplicationQuotaManager). */
export class ReplicationQuota {
  private readonly clock: () => number
  private readonly rate: SampledRate
  private bound: number
  private readonly throttled = new Map<string, ThrottledPartitions>()

  constructor(opts: ReplicationQuotaOptions = {}) {
    this.clock = opts.clock ?? Date.now
    this.rate = new SampledRate(opts.numSamples, opts.windowMs)
    this.bound = opts.bound ?? Infinity
  }

  /** The bound in bytes per second (Infinity: none). */
  get upperBound(): number {
    return this.bound
  }

  updateBound(bytesPerSecond: number): void {
    this.bound = Number.isNaN(bytesPerSecond) ? Infinity : bytesPerSecond
  }

  /** Replaces what is throttled of a topic; null removes the topic's throttle. */
  markThrottled(topic: string, partitions: ThrottledPartitions | null): void {
    if (partitions === null) this.throttled.delete(topic)
    else this.throttled.set(topic, partitions)
  }

  removeThrottle(topic: string): void {
    this.throttled.delete(topic)
  }

  /** Topics with throttled partitions (for tests and tools). */
  throttledTopics(): string[] {
    return [...this.throttled.keys()]
  }

  isThrottled(topic: string, partition: number): boolean {
    const t = this.throttled.get(topic)
    return t !== undefined && (t === 'all' || t.has(partition))
  }

  /** Counts replicated bytes, whether or not the quota is exceeded. */
  record(bytes: number): void {
    if (bytes > 0) this.rate.record(bytes, this.clock())
  }

  /** The measured rate in bytes per second. */
  measuredRate(): number {
    return this.rate.measure(this.clock())
  }

  isQuotaExceeded(): boolean {
    if (this.bound === Infinity) return false
    return this.rate.measure(this.clock()) > this.bound
  }
}
