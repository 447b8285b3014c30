// The server-side assignors of KIP-848 consumer groups, as named by Kafka (group.consumer.assignors,
// default "uniform,range"):
//
// uniform: every subscribed partition goes to one member subscribed to its topic, balanced so
//   that member partition counts differ as little as the subscriptions allow, and sticky: a
//   member keeps what it had in the previous target assignment unless balance requires a move.
// range: per topic, the subscribed members in member-id order take contiguous ranges of
//   partitions, the first (partitions % members) one partition more, so that members subscribed
//   to co-partitioned topics get the same partition numbers of each.

import type {Assignment} from './consumer-group.js'

export interface AssignmentMember {
  memberId: string
  /** Topic ids the member subscribes to that exist. */
  topicIds: ReadonlySet<string>
}

export interface AssignmentInput {
  members: readonly AssignmentMember[]
  /** Partition counts of the subscribed topics, by topic id. */
  partitionCounts: ReadonlyMap<string, number>
  /** The previous target assignment, by member id (for stickiness). */
  previous: ReadonlyMap<string, Assignment>
}

export interface ServerAssignor {
  readonly name: string
  assign(input: AssignmentInput): Map<string, Assignment>
}

function emptyResult(members: readonly AssignmentMember[]): Map<string, Assignment> {
  return new Map(members.map((m) => [m.memberId, new Map<string, Set<number>>()]))
}

function add(a: Assignment, topicId: string, partition: number): void {
  let set = a.get(topicId)
  if (!set) a.set(topicId, (set = new Set()))
  set.add(partition)
}

function count(a: Assignment): number {
  let n = 0
  for (const s of a.values()) n += s.size
  return n
}

const byId = (x: {memberId: string}, y: {memberId: string}) => (x.memberId < y.memberId ? -1 : x.memberId > y.memberId ? 1 : 0)

export const uniformAssignor: ServerAssignor = {
  name: 'uniform',
  assign({members, partitionCounts, previous}) {
    const result = emptyResult(members)
    const sorted = [...members].sort(byId)
    const taken = new Set<string>()
    const key = (t: string, p: number) => `${t}:${p}`
    // Homogeneous subscriptions have an exact quota: floor(P/M), and P%M members one more.
    const homogeneous = sorted.every((m) => m.topicIds.size === sorted[0]!.topicIds.size && [...m.topicIds].every((t) => sorted[0]!.topicIds.has(t)))
    let total = 0
    if (homogeneous && sorted.length > 0) for (const t of sorted[0]!.topicIds) total += partitionCounts.get(t) ?? 0
    const minQuota = homogeneous && sorted.length > 0 ? Math.floor(total / sorted.length) : Infinity
    let extraSlots = homogeneous && sorted.length > 0 ? total % sorted.length : 0

    // 1. Stickiness: keep previous partitions that still exist and are still subscribed, up to the quota.
    for (const m of sorted) {
      const prev = previous.get(m.memberId)
      if (!prev) continue
      const mine = result.get(m.memberId)!
      const kept: Array<[string, number]> = []
      for (const [t, ps] of prev) {
        if (!m.topicIds.has(t)) continue
        const n = partitionCounts.get(t) ?? 0
        for (const p of [...ps].sort((a, b) => a - b)) if (p < n && !taken.has(key(t, p))) kept.push([t, p])
      }
      let limit = kept.length
      if (homogeneous) {
        limit = Math.min(kept.length, minQuota)
        if (kept.length > minQuota && extraSlots > 0) {
          limit = minQuota + 1
          extraSlots--
        }
      }
      for (const [t, p] of kept.slice(0, limit)) {
        add(mine, t, p)
        taken.add(key(t, p))
      }
    }

    // 2. Every unassigned partition to the eligible member with the fewest partitions.
    const topicIds = [...partitionCounts.keys()].sort()
    for (const t of topicIds) {
      const eligible = sorted.filter((m) => m.topicIds.has(t))
      if (eligible.length === 0) continue
      const n = partitionCounts.get(t)!
      for (let p = 0; p < n; p++) {
        if (taken.has(key(t, p))) continue
        let best = eligible[0]!
        let bestCount = count(result.get(best.memberId)!)
        for (const m of eligible) {
          const c = count(result.get(m.memberId)!)
          if (c < bestCount) {
            best = m
            bestCount = c
          }
        }
        add(result.get(best.memberId)!, t, p)
        taken.add(key(t, p))
      }
    }

    // 3. Balance: move a partition from a fuller member to an eligible emptier one while counts
    //    differ by two or more (each move lowers the sum of squared counts, so this ends).
    for (let moved = true; moved; ) {
      moved = false
      const byCount = [...sorted].sort((a, b) => count(result.get(b.memberId)!) - count(result.get(a.memberId)!) || byId(a, b))
      outer: for (const donor of byCount) {
        const donorAssignment = result.get(donor.memberId)!
        const donorCount = count(donorAssignment)
        for (const receiver of [...byCount].reverse()) {
          const receiverAssignment = result.get(receiver.memberId)!
          if (donorCount - count(receiverAssignment) < 2) break
          for (const [t, ps] of donorAssignment) {
            if (!receiver.topicIds.has(t) || ps.size === 0) continue
            const p = Math.max(...ps)
            ps.delete(p)
            if (ps.size === 0) donorAssignment.delete(t)
            add(receiverAssignment, t, p)
            moved = true
            break outer
          }
        }
      }
    }
    return result
  },
}

export const rangeAssignor: ServerAssignor = {
  name: 'range',
  assign({members, partitionCounts}) {
    const result = emptyResult(members)
    const sorted = [...members].sort(byId)
    for (const t of [...partitionCounts.keys()].sort()) {
      const subscribers = sorted.filter((m) => m.topicIds.has(t))
      if (subscribers.length === 0) continue
      const n = partitionCounts.get(t)!
      const per = Math.floor(n / subscribers.length)
      const extra = n % subscribers.length
      let next = 0
      subscribers.forEach((m, i) => {
        const size = per + (i < extra ? 1 : 0)
        for (let p = next; p < next + size; p++) add(result.get(m.memberId)!, t, p)
        next += size
      })
    }
    return result
  },
}

export const SERVER_ASSIGNORS: ReadonlyMap<string, ServerAssignor> = new Map([
  [uniformAssignor.name, uniformAssignor],
  [rangeAssignor.name, rangeAssignor],
])

/** The first of group.consumer.assignors, Kafka's default. */
export const DEFAULT_SERVER_ASSIGNOR = uniformAssignor.name
