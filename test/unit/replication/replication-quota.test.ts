// Replication throttles (src/replication/replication-quota.ts): Kafka's SimpleRate over 11 one-second
// samples, the quota's bound and when it counts as exceeded, and which partitions a
// leader/follower.replication.throttled.replicas value throttles on a broker.

import {describe, expect, it} from 'vitest'

import {
  effectiveThrottledRate,
  parseThrottledRate,
  parseThrottledReplicas,
  ReplicationQuota,
  SampledRate,
} from '../../../src/replication/replication-quota.js'

function manualClock(start = 0): {now: () => number; advance: (ms: number) => void; set: (ms: number) => void} {
  let t = start
  return {now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms)}
}

describe('SampledRate (Kafka SimpleRate over a windowed sum)', () => {
  it('is 0 before anything is recorded', () => {
    expect(new SampledRate().measure(12_345)).toBe(0)
  })

  it('divides by at least one window, so a first burst is not an enormous rate', () => {
    const r = new SampledRate(11, 1000)
    r.record(1000, 0)
    expect(r.measure(0)).toBe(1000)
    expect(r.measure(500)).toBe(1000)
    expect(r.measure(2000)).toBe(500)
    expect(r.measure(4000)).toBe(250)
  })

  it('forgets samples with no event for the whole span (11 windows)', () => {
    const r = new SampledRate(11, 1000)
    r.record(5000, 0)
    expect(r.measure(10_999)).toBeCloseTo(5000 / 10.999, 6)
    expect(r.measure(11_000)).toBe(0)
  })

  it('measures a steady stream at about its rate once the window has filled', () => {
    const r = new SampledRate(11, 1000)
    for (let t = 0; t <= 60_000; t += 100) r.record(200, t) // 2000 per second
    const measured = r.measure(60_050)
    expect(measured).toBeGreaterThan(2000 * 0.9)
    expect(measured).toBeLessThan(2000 * 1.15)
  })

  it('keeps one sample more than the window count, for the one overlapping the window start', () => {
    const r = new SampledRate(2, 1000)
    r.record(100, 0)
    r.record(100, 900)
    r.record(100, 1000)
    r.record(100, 2000)
    // Three slots: all three samples count (the first had an event 1.1 s ago), over the time since it began.
    expect(r.measure(2000)).toBe(200)
    // The next sample recycles the oldest slot, and the one from 1000 has had no event for the
    // whole span (2 windows): 200 over the 1 s since the sample at 2000 began.
    r.record(100, 3000)
    expect(r.measure(3000)).toBe(200)
    expect(r.measure(3500)).toBeCloseTo(200 / 1.5, 9)
  })

  it('refuses a window of nothing', () => {
    expect(() => new SampledRate(0, 1000)).toThrow(RangeError)
    expect(() => new SampledRate(11, 0)).toThrow(RangeError)
  })
})

describe('ReplicationQuota', () => {
  it('is never exceeded without a bound', () => {
    const clock = manualClock()
    const q = new ReplicationQuota({clock: clock.now})
    q.record(1e12)
    expect(q.upperBound).toBe(Infinity)
    expect(q.isQuotaExceeded()).toBe(false)
  })

  it('is exceeded only when the measured rate is above the bound', () => {
    const clock = manualClock(1_000_000)
    const q = new ReplicationQuota({clock: clock.now, bound: 1000})
    q.record(1000)
    expect(q.measuredRate()).toBe(1000)
    expect(q.isQuotaExceeded()).toBe(false) // equal to the bound is acceptable (Kafka's Quota.acceptable)
    q.record(1)
    expect(q.isQuotaExceeded()).toBe(true)
    clock.advance(1500) // 1001 bytes over 1.5 s
    expect(q.isQuotaExceeded()).toBe(false)
  })

  it('takes a new bound at once, and Infinity lifts the throttle', () => {
    const clock = manualClock()
    const q = new ReplicationQuota({clock: clock.now, bound: 1_000_000})
    q.record(600_000)
    expect(q.isQuotaExceeded()).toBe(false)
    q.updateBound(500_000)
    expect(q.upperBound).toBe(500_000)
    expect(q.isQuotaExceeded()).toBe(true)
    q.updateBound(Infinity)
    expect(q.isQuotaExceeded()).toBe(false)
    q.updateBound(Number.NaN)
    expect(q.upperBound).toBe(Infinity)
  })

  it('ignores zero and negative records', () => {
    const clock = manualClock()
    const q = new ReplicationQuota({clock: clock.now, bound: 0})
    q.record(0)
    q.record(-5)
    expect(q.measuredRate()).toBe(0)
    expect(q.isQuotaExceeded()).toBe(false)
    q.record(1)
    expect(q.isQuotaExceeded()).toBe(true)
  })

  it('lets traffic that waits while exceeded settle at the bound', () => {
    // A follower that takes 100 KB whenever the quota is not exceeded, polling every 10 ms.
    const clock = manualClock()
    const q = new ReplicationQuota({clock: clock.now, bound: 1_000_000})
    let moved = 0
    for (let t = 0; t < 10_000; t += 10) {
      clock.set(t)
      if (!q.isQuotaExceeded()) {
        q.record(100_000)
        moved += 100_000
      }
    }
    const rate = moved / 10
    expect(rate).toBeGreaterThan(900_000)
    expect(rate).toBeLessThan(1_200_000)
  })

  it('throttles the partitions marked for a topic, all of them for "*", until removed', () => {
    const q = new ReplicationQuota()
    q.markThrottled('a', new Set([0, 2]))
    q.markThrottled('b', 'all')
    expect(q.isThrottled('a', 0)).toBe(true)
    expect(q.isThrottled('a', 1)).toBe(false)
    expect(q.isThrottled('a', 2)).toBe(true)
    expect(q.isThrottled('b', 7)).toBe(true)
    expect(q.isThrottled('c', 0)).toBe(false)
    expect(q.throttledTopics().sort()).toEqual(['a', 'b'])
    q.markThrottled('a', null)
    q.removeThrottle('b')
    expect(q.isThrottled('a', 0)).toBe(false)
    expect(q.isThrottled('b', 7)).toBe(false)
    expect(q.throttledTopics()).toEqual([])
  })
})

describe('parseThrottledReplicas (Kafka TopicConfigHandler.parseThrottledPartitions)', () => {
  it('"*" throttles every partition', () => {
    expect(parseThrottledReplicas('*', 1)).toBe('all')
    expect(parseThrottledReplicas(' * ', 3)).toBe('all')
    expect(parseThrottledReplicas(['*'], 2)).toBe('all')
  })

  it('keeps the partitions whose entry names this broker', () => {
    expect(parseThrottledReplicas('0:1,1:2,2:1', 1)).toEqual(new Set([0, 2]))
    expect(parseThrottledReplicas('0:1,1:2,2:1', 2)).toEqual(new Set([1]))
    expect(parseThrottledReplicas(['0:1', ' 1:2 ', '2:1'], 2)).toEqual(new Set([1]))
    expect(parseThrottledReplicas('0:1,1:2', 3)).toBeNull()
  })

  it('an empty value or list throttles nothing', () => {
    expect(parseThrottledReplicas('', 1)).toBeNull()
    expect(parseThrottledReplicas([], 1)).toBeNull()
    expect(parseThrottledReplicas(undefined, 1)).toBeNull()
    expect(parseThrottledReplicas(null, 1)).toBeNull()
  })

  it('ignores bad entries and keeps the good ones', () => {
    expect(parseThrottledReplicas('x:1,1,1:2:3,-1:1,0:1,3:y,,4:1', 1)).toEqual(new Set([0, 4]))
    expect(parseThrottledReplicas('*,0:1', 1)).toEqual(new Set([0])) // "*" only counts alone
    expect(parseThrottledReplicas('garbage', 1)).toBeNull()
  })
})

describe('throttled rates from the dynamic broker configs', () => {
  it('parses bytes per second; Long.MAX_VALUE, absent or bad values mean no throttle', () => {
    expect(parseThrottledRate('1000000')).toBe(1_000_000)
    expect(parseThrottledRate(' 0 ')).toBe(0)
    expect(parseThrottledRate('9223372036854775807')).toBe(Infinity)
    expect(parseThrottledRate(undefined)).toBe(Infinity)
    expect(parseThrottledRate('-5')).toBe(Infinity)
    expect(parseThrottledRate('1e6')).toBe(Infinity)
  })

  it("takes this broker's own value first, then the cluster default", () => {
    const name = 'leader.replication.throttled.rate'
    expect(effectiveThrottledRate(name, new Map([[name, '2000000']]), new Map([[name, '1000000']]))).toBe(2_000_000)
    expect(effectiveThrottledRate(name, new Map(), new Map([[name, '1000000']]))).toBe(1_000_000)
    expect(effectiveThrottledRate(name, new Map([['follower.replication.throttled.rate', '5']]), new Map())).toBe(Infinity)
  })
})
