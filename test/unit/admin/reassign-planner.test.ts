// The minimal-movement planner (`tskafka reassign plan`), checked as properties over many random
// clusters from a seeded generator: add-broker moves replicas only onto the new brokers and
// exactly as many as an even spread needs; drain moves nothing that is not on a drained broker
// unless it says so; a replication-factor change keeps the existing replicas; racks and the
// distinctness of replicas hold everywhere. Each family also sums the replicas Kafka's
// --generate (a full recomputation with assignReplicas) would move for the same change, and logs
// the saving. Then what the plan prints.

import {describe, expect, it} from 'vitest'

import {planData, renderPlanTable, renderPlanText} from '../../../src/admin/reassign/plan-render.js'
import type {PlanRunResult} from '../../../src/admin/reassign/plan-run.js'
import {type PlanBroker, PlanError, type PlanInput, type PlanPartition, planReassignment, type ReassignmentPlan} from '../../../src/admin/reassign/planner.js'
import {formatReassignmentJson, parseReassignmentJson} from '../../../src/admin/reassign/reassignment-json.js'
import {assignReplicas} from '../../../src/controller/replica-placement.js'

/** mulberry32: small and deterministic. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1))

interface RandomCluster {
  brokers: PlanBroker[]
  partitions: PlanPartition[]
}

interface ClusterShape {
  brokers: number
  /** Number of racks (0: none), brokers spread over them round-robin. */
  racks: number
  /** Some partitions get hand-made (uneven) replica lists, as real clusters accumulate. */
  messy: boolean
}

function randomShape(r: () => number, minBrokers = 3): ClusterShape {
  const brokers = int(r, minBrokers, 9)
  const racks = r() < 0.5 ? 0 : int(r, 2, Math.min(4, brokers))
  return {brokers, racks, messy: r() < 0.3}
}

/** Brokers 1..n, topics placed as Kafka places them (sometimes hand-made), random sizes. */
function randomCluster(r: () => number, shape: ClusterShape): RandomCluster {
  const brokers: PlanBroker[] = []
  for (let id = 1; id <= shape.brokers; id++) brokers.push({id, rack: shape.racks > 0 ? `rack-${(id - 1) % shape.racks}` : null})
  const partitions: PlanPartition[] = []
  const topics = int(r, 1, 5)
  for (let t = 0; t < topics; t++) {
    const topic = `topic-${t}`
    const count = int(r, 1, 16)
    const rf = int(r, 1, Math.min(3, shape.brokers))
    const placed = assignReplicas(brokers, count, rf, {random: r})
    for (const [partition, replicas] of placed) {
      let list = replicas
      if (shape.messy && r() < 0.3) list = shuffled(r, brokers.map((b) => b.id)).slice(0, rf)
      partitions.push({topic, partition, replicas: list, sizeBytes: int(r, 0, 2_000_000_000)})
    }
  }
  return {brokers, partitions}
}

function shuffled<T>(r: () => number, items: T[]): T[] {
  const a = [...items]
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1))
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}

const key = (p: {topic: string; partition: number}) => `${p.topic}-${p.partition}`

function rackCount(replicas: readonly number[], brokers: readonly PlanBroker[]): number {
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack]))
  return new Set(replicas.map((b) => rackOf.get(b) ?? `#${b}`)).size
}

function racksOf(brokers: readonly PlanBroker[]): number {
  return new Set(brokers.map((b) => b.rack)).size
}

function loads(parts: ReadonlyArray<{replicas: number[]}>): Map<number, number> {
  const m = new Map<number, number>()
  for (const p of parts) for (const b of p.replicas) m.set(b, (m.get(b) ?? 0) + 1)
  return m
}

function leaderCounts(parts: ReadonlyArray<{replicas: number[]}>): Map<number, number> {
  const m = new Map<number, number>()
  for (const p of parts) m.set(p.replicas[0]!, (m.get(p.replicas[0]!) ?? 0) + 1)
  return m
}

/** Replicas Kafka's --generate would place on brokers that do not hold them: every topic recomputed over `brokers`. */
function kafkaGenerateMoves(partitions: readonly PlanPartition[], brokers: readonly PlanBroker[], r: () => number, rf?: (topic: string, current: number) => number): number {
  const byTopic = new Map<string, PlanPartition[]>()
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p])
  let moved = 0
  for (const [topic, parts] of byTopic) {
    const current = parts[0]!.replicas.length
    const proposed = assignReplicas(brokers, parts.length, rf ? rf(topic, current) : current, {random: r})
    for (const p of parts) moved += proposed.get(p.partition)!.filter((b) => !p.replicas.includes(b)).length
  }
  return moved
}

/** What every plan must satisfy whatever the request. */
function checkCommon(input: PlanInput, plan: ReassignmentPlan): void {
  const before = new Map(input.partitions.map((p) => [key(p), p]))
  expect(plan.target).toHaveLength(input.partitions.length)
  const changed = new Set(plan.changes.map(key))
  for (const t of plan.target) {
    const b = before.get(key(t))!
    expect(new Set(t.replicas).size, `${key(t)} ${t.replicas}`).toBe(t.replicas.length)
    if (!changed.has(key(t))) expect(t.replicas).toEqual(b.replicas)
    else expect(t.replicas).not.toEqual(b.replicas)
  }
  // Moves and figures agree with the target.
  const added = plan.target.reduce((n, t) => n + t.replicas.filter((x) => !before.get(key(t))!.replicas.includes(x)).length, 0)
  expect(plan.replicasMoved).toBe(added)
  const bytes = plan.target.reduce((n, t) => n + t.replicas.filter((x) => !before.get(key(t))!.replicas.includes(x)).length * t.sizeBytes, 0)
  expect(plan.bytesToMove).toBe(bytes)
  const after = loads(plan.target)
  for (const b of plan.brokers) expect(b.after.replicas).toBe(after.get(b.id) ?? 0)
  // Deterministic.
  expect(planReassignment(input).target).toEqual(plan.target)
}

function spread(values: Iterable<number>): number {
  const v = [...values]
  return Math.max(...v) - Math.min(...v)
}

const CASES = 300

describe('--add-broker', () => {
  it('moves replicas only onto the new brokers, exactly as many as an even spread needs (no racks)', () => {
    let ours = 0
    let kafka = 0
    for (let seed = 1; seed <= CASES; seed++) {
      const r = rng(seed)
      const shape = randomShape(r)
      const newCount = int(r, 1, 2)
      const {brokers, partitions} = randomCluster(r, {...shape, racks: 0})
      const added = Array.from({length: newCount}, (_, i) => shape.brokers + 1 + i)
      const all = [...brokers, ...added.map((id) => ({id, rack: null}))]
      const input: PlanInput = {brokers: all, partitions, request: {kind: 'add-brokers', brokers: added}}
      const plan = planReassignment(input)
      checkCommon(input, plan)
      for (const m of plan.moves) {
        expect(added).toContain(m.to)
        expect(added).not.toContain(m.from)
      }
      const before = loads(partitions)
      const total = partitions.reduce((n, p) => n + p.replicas.length, 0)
      const floor = Math.floor(total / all.length)
      const ceil = Math.ceil(total / all.length)
      const excess = brokers.reduce((n, b) => n + Math.max(0, (before.get(b.id) ?? 0) - ceil), 0)
      expect(plan.replicasMoved, `seed ${seed}`).toBe(Math.min(newCount * ceil, Math.max(newCount * floor, excess)))
      const after = loads(plan.target)
      for (const id of added) expect(after.get(id) ?? 0).toBeGreaterThanOrEqual(floor)
      for (const id of added) expect(after.get(id) ?? 0).toBeLessThanOrEqual(ceil)
      // Old brokers only lose, and none stays above the even share while a new broker has room.
      for (const b of brokers) {
        expect(after.get(b.id) ?? 0).toBeLessThanOrEqual(before.get(b.id) ?? 0)
        if ((before.get(b.id) ?? 0) > ceil && added.some((id) => (after.get(id) ?? 0) < ceil)) expect(after.get(b.id) ?? 0).toBeLessThanOrEqual(ceil)
      }
      // New brokers lead partitions too, as far as the moved partitions allow, and the leader
      // spread is no worse than the old brokers' was. (Leaders are balanced per broker and per
      // topic together, so a broker may sit one off its even share.)
      const leaders = leaderCounts(plan.target)
      const leadersBefore = leaderCounts(partitions)
      const fair = partitions.length / all.length
      for (const id of added) {
        const received = plan.moves.filter((m) => m.to === id).length
        expect(leaders.get(id) ?? 0, `seed ${seed} broker ${id}`).toBeGreaterThanOrEqual(Math.min(Math.floor(fair), received) - 1)
        expect(leaders.get(id) ?? 0, `seed ${seed} broker ${id}`).toBeLessThanOrEqual(Math.ceil(fair) + 1)
      }
      expect(spread(all.map((b) => leaders.get(b.id) ?? 0)), `seed ${seed}`).toBeLessThanOrEqual(Math.max(2, spread(brokers.map((b) => leadersBefore.get(b.id) ?? 0))))
      ours += plan.replicasMoved
      kafka += kafkaGenerateMoves(partitions, all, rng(seed * 7919))
    }
    console.log(`add-broker, ${CASES} random clusters without racks: the plan moves ${ours} replicas, Kafka's --generate ${kafka} (${((100 * ours) / kafka).toFixed(1)}%)`)
    expect(ours).toBeLessThan(kafka)
  })

  it('keeps every partition on as many racks as before, and takes an even share where racks allow it', () => {
    let ours = 0
    let kafka = 0
    for (let seed = 1; seed <= CASES; seed++) {
      const r = rng(1000 + seed)
      const racks = int(r, 2, 3)
      const perRack = int(r, 1, 3)
      // Balanced racks, one new broker per rack: an even spread is always possible.
      const {brokers, partitions} = randomCluster(r, {brokers: racks * perRack, racks, messy: false})
      const added = Array.from({length: racks}, (_, i) => racks * perRack + 1 + i)
      const all = [...brokers, ...added.map((id) => ({id, rack: `rack-${(id - 1) % racks}`}))]
      const input: PlanInput = {brokers: all, partitions, request: {kind: 'add-brokers', brokers: added}}
      const plan = planReassignment(input)
      checkCommon(input, plan)
      expect(plan.rackAware).toBe(true)
      const before = new Map(partitions.map((p) => [key(p), p]))
      for (const t of plan.target) expect(rackCount(t.replicas, all)).toBeGreaterThanOrEqual(rackCount(before.get(key(t))!.replicas, all))
      for (const m of plan.moves) expect(added).toContain(m.to)
      const total = partitions.reduce((n, p) => n + p.replicas.length, 0)
      const after = loads(plan.target)
      for (const id of added) expect(after.get(id) ?? 0, `seed ${seed}`).toBeLessThanOrEqual(Math.ceil(total / all.length))
      // Within a rack the new broker takes its rack's share.
      for (const id of added) {
        const rack = all.find((b) => b.id === id)!.rack
        const rackTotal = all.filter((b) => b.rack === rack).reduce((n, b) => n + (after.get(b.id) ?? 0), 0)
        expect(after.get(id) ?? 0, `seed ${seed} broker ${id}`).toBeGreaterThanOrEqual(Math.min(Math.floor(total / all.length), Math.floor(rackTotal / (perRack + 1))))
      }
      ours += plan.replicasMoved
      kafka += kafkaGenerateMoves(partitions, all, rng(seed * 31))
    }
    console.log(`add-broker, ${CASES} random rack-aware clusters: the plan moves ${ours} replicas, Kafka's --generate ${kafka} (${((100 * ours) / kafka).toFixed(1)}%)`)
    expect(ours).toBeLessThan(kafka)
  })

  it('on uneven racks never breaks a partition rack spread, even when that leaves the new broker short', () => {
    // Racks a: 1, b: 2, c: 3; RF 3 puts one replica per rack; broker 4 joins rack a and can only take from broker 1.
    const brokers: PlanBroker[] = [
      {id: 1, rack: 'a'},
      {id: 2, rack: 'b'},
      {id: 3, rack: 'c'},
      {id: 4, rack: 'a'},
    ]
    const partitions: PlanPartition[] = Array.from({length: 8}, (_, i) => ({topic: 't', partition: i, replicas: [1 + (i % 3), 1 + ((i + 1) % 3), 1 + ((i + 2) % 3)], sizeBytes: 100}))
    const plan = planReassignment({brokers, partitions, request: {kind: 'add-brokers', brokers: [4]}})
    for (const m of plan.moves) expect(m.from).toBe(1)
    for (const t of plan.target) expect(rackCount(t.replicas, brokers)).toBe(3)
    expect(plan.replicasMoved).toBe(4)
    expect(plan.notes).toEqual(['Rack constraints limit the balance (no partition may lose a rack): broker 4 takes only 4, broker 2 keeps 8, broker 3 keeps 8 replicas, where an even spread is 6 per broker.'])
  })

  it('a worked example: 3 brokers with 6 partitions at RF 2 grow to 4', () => {
    const brokers: PlanBroker[] = [1, 2, 3, 4].map((id) => ({id, rack: null}))
    const partitions: PlanPartition[] = [
      [1, 2],
      [2, 3],
      [3, 1],
      [1, 3],
      [2, 1],
      [3, 2],
    ].map((replicas, partition) => ({topic: 'orders', partition, replicas, sizeBytes: 1000 * (partition + 1)}))
    const plan = planReassignment({brokers, partitions, request: {kind: 'add-brokers', brokers: [4]}})
    // 12 replicas over 4 brokers: 3 each, so broker 4 takes one from each of brokers 1, 2, 3.
    expect(plan.replicasMoved).toBe(3)
    expect(plan.brokers.map((b) => [b.id, b.before.replicas, b.after.replicas])).toEqual([
      [1, 4, 3],
      [2, 4, 3],
      [3, 4, 3],
      [4, 0, 3],
    ])
    expect(plan.brokers.map((b) => b.after.preferredLeaders).sort()).toEqual([1, 1, 2, 2])
    expect(new Set(plan.moves.map((m) => m.from))).toEqual(new Set([1, 2, 3]))
    // The smallest partitions move (fewest bytes) when everything else is equal.
    expect(plan.bytesToMove).toBeLessThanOrEqual(1000 + 2000 + 3000 + 3000)
    // Kafka's --generate for the same brokers: from every start index it moves at least 5 replicas.
    const kafkaMin = Math.min(...[0, 1, 2, 3].map((startIndex) => {
      const proposed = assignReplicas(brokers, 6, 2, {startIndex, random: () => 0})
      return partitions.reduce((n, p) => n + proposed.get(p.partition)!.filter((b) => !p.replicas.includes(b)).length, 0)
    }))
    expect(kafkaMin).toBeGreaterThan(plan.replicasMoved)
  })
})

describe('--drain-broker', () => {
  it('moves every replica off the drained brokers and nothing else unless it says so', () => {
    let ours = 0
    let kafka = 0
    let extra = 0
    for (let seed = 1; seed <= CASES; seed++) {
      const r = rng(2000 + seed)
      const shape = randomShape(r, 4)
      const {brokers, partitions} = randomCluster(r, shape)
      const held = loads(partitions)
      const candidates = brokers.filter((b) => (held.get(b.id) ?? 0) > 0).map((b) => b.id)
      const drained = shuffled(r, candidates).slice(0, shape.brokers >= 6 && r() < 0.3 ? 2 : 1)
      const remaining = brokers.filter((b) => !drained.includes(b.id))
      const input: PlanInput = {brokers, partitions, request: {kind: 'drain-brokers', brokers: drained}}
      const maxRf = Math.max(...partitions.map((p) => p.replicas.length))
      if (maxRf > remaining.length) {
        expect(() => planReassignment(input)).toThrow(PlanError)
        continue
      }
      const plan = planReassignment(input)
      checkCommon(input, plan)
      const after = loads(plan.target)
      for (const id of drained) expect(after.get(id) ?? 0).toBe(0)
      for (const m of plan.moves) {
        expect(m.to).not.toBeNull()
        expect(drained).not.toContain(m.to)
        // A replica leaving a broker that is not drained is always an extra move, and said so.
        expect(m.extra, `seed ${seed} ${JSON.stringify(m)}`).toBe(!drained.includes(m.from!))
      }
      expect(plan.extraMoves).toBe(plan.moves.filter((m) => m.extra).length)
      if (plan.extraMoves > 0) expect(plan.notes.join(' ')).toMatch(/not on a drained broker also move/)
      expect(plan.changes.filter((c) => c.extra).length).toBeGreaterThan(plan.extraMoves > 0 ? 0 : -1)
      const drainedReplicas = partitions.reduce((n, p) => n + p.replicas.filter((b) => drained.includes(b)).length, 0)
      expect(plan.replicasMoved).toBe(drainedReplicas + plan.extraMoves)
      // Racks: as many as before, or as many as the remaining racks allow.
      const before = new Map(partitions.map((p) => [key(p), p]))
      if (shape.racks > 0) {
        for (const t of plan.target) {
          const ideal = Math.min(t.replicas.length, racksOf(remaining))
          expect(rackCount(t.replicas, brokers), `seed ${seed} ${key(t)}`).toBeGreaterThanOrEqual(Math.min(ideal, rackCount(before.get(key(t))!.replicas, brokers)))
        }
      }
      // The drained replicas are spread: no receiving broker ends above the even share when it could be avoided.
      const total = partitions.reduce((n, p) => n + p.replicas.length, 0)
      const ceil = Math.ceil(total / remaining.length)
      if (shape.racks === 0 && !shape.messy) {
        for (const b of remaining) expect(after.get(b.id) ?? 0, `seed ${seed} broker ${b.id}`).toBeLessThanOrEqual(Math.max(ceil, held.get(b.id) ?? 0))
      }
      ours += plan.replicasMoved
      extra += plan.extraMoves
      kafka += kafkaGenerateMoves(partitions, remaining, rng(seed * 17))
    }
    console.log(`drain-broker, ${CASES} random clusters: the plan moves ${ours} replicas (${extra} extra, for balance), Kafka's --generate ${kafka} (${((100 * ours) / kafka).toFixed(1)}%)`)
    expect(ours).toBeLessThan(kafka)
  })

  it('reports the extra moves balance needs when the drained replicas have only one place to go', () => {
    // Partitions on {3,4} can only go to 1 or 2 when 4 drains; broker 3 would end up light.
    const brokers: PlanBroker[] = [1, 2, 3, 4].map((id) => ({id, rack: null}))
    const partitions: PlanPartition[] = []
    for (let i = 0; i < 6; i++) partitions.push({topic: 'a', partition: i, replicas: i % 2 === 0 ? [1, 2] : [2, 1], sizeBytes: 10})
    for (let i = 0; i < 6; i++) partitions.push({topic: 'b', partition: i, replicas: i % 2 === 0 ? [3, 4] : [4, 3], sizeBytes: 10})
    const plan = planReassignment({brokers, partitions, request: {kind: 'drain-brokers', brokers: [4]}})
    const after = loads(plan.target)
    expect(after.get(4) ?? 0).toBe(0)
    expect(spread([1, 2, 3].map((b) => after.get(b) ?? 0))).toBeLessThanOrEqual(1)
    expect(plan.extraMoves).toBeGreaterThan(0)
    for (const m of plan.moves.filter((x) => x.extra)) {
      expect([1, 2]).toContain(m.from)
      expect(m.to).toBe(3)
    }
    expect(plan.notes.join(' ')).toMatch(/^\d+ replicas? not on a drained broker also moves?/)
  })

  it('moves no other replica when the drained replicas can be spread evenly', () => {
    const brokers: PlanBroker[] = [1, 2, 3, 4].map((id) => ({id, rack: null}))
    const placed = assignReplicas(brokers, 12, 3, {startIndex: 0, random: () => 0})
    const partitions: PlanPartition[] = [...placed].map(([partition, replicas]) => ({topic: 't', partition, replicas, sizeBytes: 5}))
    const plan = planReassignment({brokers, partitions, request: {kind: 'drain-brokers', brokers: [2]}})
    expect(plan.extraMoves).toBe(0)
    expect(plan.replicasMoved).toBe(9)
    for (const m of plan.moves) expect(m.from).toBe(2)
    // 36 replicas over 3 brokers: 12 each, i.e. all of them.
    expect(plan.brokers.filter((b) => b.id !== 2).map((b) => b.after.replicas)).toEqual([12, 12, 12])
  })

  it('refuses when the remaining brokers cannot hold RF distinct replicas', () => {
    const brokers: PlanBroker[] = [1, 2, 3].map((id) => ({id, rack: null}))
    const partitions: PlanPartition[] = [{topic: 'orders', partition: 0, replicas: [1, 2, 3], sizeBytes: 1}]
    expect(() => planReassignment({brokers, partitions, request: {kind: 'drain-brokers', brokers: [3]}})).toThrow(
      'Cannot drain broker 3: partition orders-0 has 3 replicas but only 2 brokers would remain (1,2)',
    )
  })

  it('drains a broker that is no longer registered (a dead broker being decommissioned)', () => {
    const brokers: PlanBroker[] = [1, 2, 3].map((id) => ({id, rack: null}))
    const partitions: PlanPartition[] = [
      {topic: 't', partition: 0, replicas: [4, 1], sizeBytes: 1},
      {topic: 't', partition: 1, replicas: [2, 4], sizeBytes: 1},
    ]
    const plan = planReassignment({brokers, partitions, request: {kind: 'drain-brokers', brokers: [4]}})
    expect(plan.target.every((t) => !t.replicas.includes(4))).toBe(true)
    expect(plan.target.map((t) => t.replicas.length)).toEqual([2, 2])
    expect(plan.target.flatMap((t) => t.replicas)).toContain(3)
  })
})

describe('--topic --replication-factor', () => {
  it('raising keeps every existing replica and puts the new ones on the least loaded brokers and racks', () => {
    let ours = 0
    let kafka = 0
    for (let seed = 1; seed <= CASES; seed++) {
      const r = rng(3000 + seed)
      const shape = randomShape(r)
      const {brokers, partitions} = randomCluster(r, {...shape, messy: false})
      const topic = partitions[int(r, 0, partitions.length - 1)]!.topic
      const current = partitions.find((p) => p.topic === topic)!.replicas.length
      if (current >= brokers.length) continue
      const rf = int(r, current + 1, Math.min(brokers.length, current + 2))
      const input: PlanInput = {brokers, partitions, request: {kind: 'replication-factor', topic, replicationFactor: rf}}
      const plan = planReassignment(input)
      checkCommon(input, plan)
      const before = new Map(partitions.map((p) => [key(p), p]))
      for (const t of plan.target) {
        const b = before.get(key(t))!
        if (t.topic !== topic) {
          expect(t.replicas).toEqual(b.replicas)
          continue
        }
        expect(t.replicas).toHaveLength(rf)
        for (const x of b.replicas) expect(t.replicas).toContain(x)
        if (shape.racks > 0) {
          const added = rf - b.replicas.length
          expect(rackCount(t.replicas, brokers), `seed ${seed} ${key(t)}`).toBeGreaterThanOrEqual(Math.min(racksOf(brokers), rackCount(b.replicas, brokers) + added))
        }
      }
      for (const m of plan.moves) expect(m.from).toBeNull()
      // The topic's replicas spread evenly when racks do not get in the way (Kafka placed the existing ones evenly).
      if (shape.racks === 0) {
        const topicLoads = loads(plan.target.filter((t) => t.topic === topic))
        expect(spread(brokers.map((b) => topicLoads.get(b.id) ?? 0)), `seed ${seed}`).toBeLessThanOrEqual(1)
        const leaders = leaderCounts(plan.target.filter((t) => t.topic === topic))
        expect(spread(brokers.map((b) => leaders.get(b.id) ?? 0)), `seed ${seed}`).toBeLessThanOrEqual(2)
      }
      ours += plan.replicasMoved
      kafka += kafkaGenerateMoves(
        partitions.filter((p) => p.topic === topic),
        brokers,
        rng(seed),
        () => rf,
      )
    }
    console.log(`replication factor up, ${CASES} random clusters: the plan copies ${ours} replicas, a full recomputation at the new RF ${kafka}`)
    expect(ours).toBeLessThan(kafka)
  })

  it('lowering drops replicas from the most loaded brokers, never the current leader, keeping racks spread', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const r = rng(4000 + seed)
      const shape = randomShape(r)
      const {brokers, partitions} = randomCluster(r, shape)
      const withLeaders = partitions.map((p) => ({...p, leader: p.replicas[int(r, 0, p.replicas.length - 1)]!}))
      const topic = withLeaders[0]!.topic
      const current = Math.max(...withLeaders.filter((p) => p.topic === topic).map((p) => p.replicas.length))
      if (current < 2) continue
      const rf = int(r, 1, current - 1)
      const input: PlanInput = {brokers, partitions: withLeaders, request: {kind: 'replication-factor', topic, replicationFactor: rf}}
      const plan = planReassignment(input)
      checkCommon(input, plan)
      expect(plan.replicasMoved).toBe(0)
      expect(plan.bytesToMove).toBe(0)
      const before = new Map(withLeaders.map((p) => [key(p), p]))
      for (const t of plan.target.filter((x) => x.topic === topic)) {
        const b = before.get(key(t))!
        expect(t.replicas).toHaveLength(rf)
        for (const x of t.replicas) expect(b.replicas).toContain(x)
        expect(t.replicas, `seed ${seed}`).toContain(b.leader)
        if (shape.racks > 0) expect(rackCount(t.replicas, brokers)).toBeGreaterThanOrEqual(Math.min(rf, rackCount(b.replicas, brokers)))
      }
    }
  })

  it('lowering from 3 to 2 takes the replica off the most loaded broker', () => {
    const brokers: PlanBroker[] = [1, 2, 3].map((id) => ({id, rack: null}))
    const partitions: PlanPartition[] = [
      {topic: 't', partition: 0, replicas: [1, 2, 3], leader: 1, sizeBytes: 1},
      {topic: 'u', partition: 0, replicas: [3], sizeBytes: 1},
      {topic: 'u', partition: 1, replicas: [3], sizeBytes: 1},
    ]
    const plan = planReassignment({brokers, partitions, request: {kind: 'replication-factor', topic: 't', replicationFactor: 2}})
    expect(plan.target[0]!.replicas).toEqual([1, 2])
    expect(plan.moves).toEqual([{topic: 't', partition: 0, from: 3, to: null, sizeBytes: 0, extra: false}])
  })

  it('raising 1 to 3 on 3 brokers places every broker in every partition, leaders kept', () => {
    const brokers: PlanBroker[] = [1, 2, 3].map((id) => ({id, rack: null}))
    const partitions: PlanPartition[] = [0, 1, 2].map((partition) => ({topic: 't', partition, replicas: [partition + 1], sizeBytes: 100}))
    const plan = planReassignment({brokers, partitions, request: {kind: 'replication-factor', topic: 't', replicationFactor: 3}})
    expect(plan.target.map((t) => t.replicas[0])).toEqual([1, 2, 3])
    for (const t of plan.target) expect([...t.replicas].sort()).toEqual([1, 2, 3])
    expect(plan.replicasMoved).toBe(6)
    expect(plan.bytesToMove).toBe(600)
  })

  it('an unchanged replication factor plans nothing and says so', () => {
    const brokers: PlanBroker[] = [1, 2].map((id) => ({id, rack: null}))
    const plan = planReassignment({brokers, partitions: [{topic: 't', partition: 0, replicas: [1, 2], sizeBytes: 1}], request: {kind: 'replication-factor', topic: 't', replicationFactor: 2}})
    expect(plan.changes).toEqual([])
    expect(plan.notes).toEqual(['Every partition of t already has 2 replicas: nothing to change.'])
  })
})

describe('errors, one line each', () => {
  const brokers: PlanBroker[] = [1, 2, 3].map((id) => ({id, rack: null}))
  const partitions: PlanPartition[] = [{topic: 't', partition: 0, replicas: [1, 2], sizeBytes: 1}]
  const cases: Array<[string, PlanInput['request'], string]> = [
    ['unknown topic', {kind: 'replication-factor', topic: 'nope', replicationFactor: 2}, "Topic 'nope' does not exist"],
    ['RF above the brokers', {kind: 'replication-factor', topic: 't', replicationFactor: 4}, 'Replication factor: 4 larger than available brokers: 3.'],
    ['RF zero', {kind: 'replication-factor', topic: 't', replicationFactor: 0}, 'Replication factor must be larger than 0.'],
    ['add an unregistered broker', {kind: 'add-brokers', brokers: [9]}, 'Broker 9 is not registered in the cluster: start it before adding it to a plan'],
    ['add a broker already holding replicas', {kind: 'add-brokers', brokers: [2]}, 'Broker 2 already holds 1 replica of the selected topics: --add-broker takes brokers that hold none'],
    ['drain a broker holding nothing', {kind: 'drain-brokers', brokers: [3]}, 'Broker 3 holds no replicas of the selected topics: nothing to drain'],
    ['drain an unknown broker', {kind: 'drain-brokers', brokers: [9]}, 'Broker 9 is neither registered in the cluster nor holds replicas of the selected topics'],
    ['a broker twice', {kind: 'drain-brokers', brokers: [1, 1]}, 'Broker 1 is given twice in --drain-broker'],
    ['drain everything', {kind: 'drain-brokers', brokers: [1, 2]}, 'Cannot drain brokers 1,2: partition t-0 has 2 replicas but only 1 broker would remain (3)'],
  ]
  for (const [what, request, message] of cases) {
    it(what, () => {
      expect(() => planReassignment({brokers, partitions, request})).toThrow(new PlanError(message))
    })
  }

  it('brokers with and without racks, unless racks are disabled', () => {
    const mixed: PlanBroker[] = [
      {id: 1, rack: 'a'},
      {id: 2, rack: null},
      {id: 3, rack: 'b'},
    ]
    const request = {kind: 'replication-factor', topic: 't', replicationFactor: 3} as const
    expect(() => planReassignment({brokers: mixed, partitions, request})).toThrow(/^Not all brokers have rack information\. Add --disable-rack-aware/)
    expect(planReassignment({brokers: mixed, partitions, request, rackAware: false}).target[0]!.replicas).toHaveLength(3)
  })
})

describe('what the plan prints', () => {
  const brokers: PlanBroker[] = [1, 2, 3, 4].map((id) => ({id, rack: null}))

  function result(input: PlanInput, outputFile: string | null = null): PlanRunResult {
    const plan = planReassignment(input)
    const json = (after: boolean) => formatReassignmentJson(plan.changes.map((c) => ({topic: c.topic, partition: c.partition, replicas: after ? c.after : c.before})))
    return {plan, topics: [...new Set(input.partitions.map((p) => p.topic))].sort(), currentJson: json(false), proposedJson: plan.changes.length > 0 ? json(true) : null, outputFile}
  }

  it('a before/after line per broker, the moves, the totals and Kafka’s two JSON blocks', async () => {
    const partitions: PlanPartition[] = [
      [1, 2],
      [2, 3],
      [3, 1],
      [1, 3],
      [2, 1],
      [3, 2],
    ].map((replicas, partition) => ({topic: 'orders', partition, replicas, sizeBytes: 1024 * (partition + 1)}))
    const r = result({brokers, partitions, request: {kind: 'add-brokers', brokers: [4]}})
    const text = await renderPlanText(r)
    const lines = text.split('\n')
    expect(lines[0]).toBe('Plan: add broker 4 (topic orders)')
    expect(lines[2]).toMatch(/^Broker\s+Replicas\s+Preferred leaders\s+Size$/)
    expect(text).toMatch(/^4 \(new\)\s+0 -> 3\s+0 -> 1\s+0 B -> [\d.]+ KB$/m)
    expect(text).toContain('Partition moves (3):')
    for (const c of r.plan.changes) expect(text).toMatch(new RegExp(`^orders\\s+${c.partition}\\s+${c.before.join(',')} -> ${c.after.join(',')}\\s+\\d -> 4\\s`, 'm'))
    expect(text).toMatch(new RegExp(`^Total: 3 replicas to copy, [\\d.]+ KB \\(${r.plan.bytesToMove} bytes\\); 3 partitions change\\.$`, 'm'))
    expect(text).toContain(`\nCurrent partition replica assignment\n${r.currentJson}\n\nProposed partition reassignment configuration\n${r.proposedJson}`)
    expect(text).not.toContain('Extra moves')
    // Kafka's format, readable back by the same parser --execute uses.
    expect(parseReassignmentJson(r.proposedJson!).map((e) => e.replicas)).toEqual(r.plan.changes.map((c) => c.after))

    const saved = await renderPlanText({...r, outputFile: '/tmp/grow.json'})
    expect(saved).toContain('Proposed partition reassignment configuration written to /tmp/grow.json\nRun it with: tskafka reassign --execute --reassignment-json-file /tmp/grow.json')
    expect(saved).not.toContain(r.proposedJson!)
    const table = await renderPlanTable(r)
    expect(table).toMatch(/│ 4 \(new\)\s+│ 0 -> 3\s+│/)
    const data = planData(r) as {reassignment: {version: number; partitions: unknown[]}; replicasMoved: number}
    expect(data.reassignment.version).toBe(1)
    expect(data.reassignment.partitions).toHaveLength(3)
    expect(data.replicasMoved).toBe(3)
  })

  it('extra moves of a drain under their own heading, and a note saying why', async () => {
    const partitions: PlanPartition[] = []
    for (let i = 0; i < 6; i++) partitions.push({topic: 'a', partition: i, replicas: i % 2 === 0 ? [1, 2] : [2, 1], sizeBytes: 10})
    for (let i = 0; i < 6; i++) partitions.push({topic: 'b', partition: i, replicas: i % 2 === 0 ? [3, 4] : [4, 3], sizeBytes: 10})
    const r = result({brokers, partitions, request: {kind: 'drain-brokers', brokers: [4]}})
    const text = await renderPlanText(r)
    expect(text.split('\n')[0]).toBe('Plan: drain broker 4 (topics a, b)')
    expect(text).toMatch(/^4 \(drained\)\s+6 -> 0\s+3 -> 0\s/m)
    const extraAt = text.indexOf(`Extra moves required for balance: replicas NOT on a drained broker (${r.plan.extraMoves}):`)
    expect(extraAt).toBeGreaterThan(text.indexOf('Partition moves ('))
    for (const c of r.plan.changes.filter((x) => x.extra)) expect(text.slice(extraAt)).toMatch(new RegExp(`^a\\s+${c.partition}\\s`, 'm'))
    expect(text).toMatch(/^Note: \d+ replicas? not on a drained broker also moves?, for balance: broker/m)
    expect(text).toMatch(new RegExp(`; ${r.plan.extraMoves} of them extra moves for balance;`))
  })

  it('nothing to move: no JSON, and the reason', async () => {
    const r = result({brokers, partitions: [{topic: 't', partition: 0, replicas: [1, 2], sizeBytes: 1}], request: {kind: 'replication-factor', topic: 't', replicationFactor: 2}})
    const text = await renderPlanText(r)
    expect(text).toContain('Nothing to move: the plan leaves every replica where it is.')
    expect(text).toContain('Note: Every partition of t already has 2 replicas: nothing to change.')
    expect(text).not.toContain('Proposed partition reassignment configuration')
    expect(await renderPlanText({...r, outputFileSkipped: 'rf.json'})).toContain('\nNo reassignment file written to rf.json.')
  })
})

describe('--add-broker with an idle broker it was not told about', () => {
  it('moves onto the named broker only and says the idle one could share the load', () => {
    const brokers: PlanBroker[] = [1, 2, 3, 4, 5].map((id) => ({id, rack: null}))
    const partitions: PlanPartition[] = Array.from({length: 6}, (_, i) => ({topic: 't', partition: i, replicas: [1 + (i % 3), 1 + ((i + 1) % 3)], sizeBytes: 1}))
    const plan = planReassignment({brokers, partitions, request: {kind: 'add-brokers', brokers: [5]}})
    for (const m of plan.moves) expect(m.to).toBe(5)
    // 12 replicas over 5 brokers: brokers 1-3 hold 4, above the ceiling of 3, so 5 takes one from each.
    expect(plan.replicasMoved).toBe(3)
    expect(plan.notes).toEqual(['Broker 4 holds no replicas of these topics either and gets none: name it in --add-broker too to share the load.'])
  })
})
