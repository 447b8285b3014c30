// The minimal-movement reassignment planner behind `tskafka reassign plan`.
//
// kafka-reassign-partitions.sh --generate recomputes every partition's replicas from scratch
// (AdminUtils.assignReplicasToBrokers) and so moves most of the cluster's data even to add one
// broker (KAFKA-1792). This planner starts from where the replicas are and changes only what the
// request needs:
//   - add brokers: replicas move onto the new brokers, taken from the most loaded brokers, only
//     until replica counts are even (every broker within the floor/ceiling of total/brokers);
//   - drain brokers: every replica on a drained broker moves to the least loaded remaining
//     broker that can take it; no other replica moves unless the counts cannot be evened out
//     otherwise, and then those moves are reported apart (`extra`);
//   - change a topic's replication factor: existing replicas stay; new ones go to the least
//     loaded brokers and racks, removed ones come off the most loaded brokers, never the leader
//     when another replica can go.
// Racks are honoured as Kafka's rack-aware placement does: a partition's replicas sit on as many
// distinct racks as the racks allow, and no move ever lowers that. Preferred leaders (the first
// replica) are then spread evenly across brokers, reordering only partitions that change anyway.
//
// Pure: brokers, the current assignment and partition sizes in; the target assignment, the moves
// and per-broker figures out. All choices are deterministic (ties broken by ids and names).

import {CommandError} from '../../cli/errors.js'

export interface PlanBroker {
  id: number
  rack: string | null
}

export interface PlanPartition {
  topic: string
  partition: number
  /** Current replicas, preferred leader first. */
  replicas: number[]
  /** The current leader (-1 or null: none); the first replica when omitted. */
  leader?: number | null
  /** Bytes of the partition (its leader's replica); what one replica move copies. */
  sizeBytes: number
}

export type PlanRequest =
  | {kind: 'add-brokers'; brokers: number[]}
  | {kind: 'drain-brokers'; brokers: number[]}
  | {kind: 'replication-factor'; topic: string; replicationFactor: number}

export interface PlanInput {
  /** The registered brokers, with their racks. */
  brokers: PlanBroker[]
  /** Every partition of the topics the plan may touch. */
  partitions: PlanPartition[]
  request: PlanRequest
  /** False ignores racks (--disable-rack-aware). Racks count only when every broker has one. */
  rackAware?: boolean
}

/** One replica changing place: `from` null is a new replica, `to` null a dropped one. */
export interface ReplicaMove {
  topic: string
  partition: number
  from: number | null
  to: number | null
  /** Bytes copied to `to` (0 for a dropped replica). */
  sizeBytes: number
  /** A replica that is not on a drained broker, moved only because balance needs it. */
  extra: boolean
}

/** A partition whose replica list changes (its replicas, or only their order). */
export interface PartitionChange {
  topic: string
  partition: number
  before: number[]
  after: number[]
  sizeBytes: number
  /** Some replica of this partition moves as an extra move (see ReplicaMove.extra). */
  extra: boolean
}

export interface BrokerFigures {
  id: number
  rack: string | null
  replicas: number
  /** Partitions whose first (preferred) replica is this broker. */
  preferredLeaders: number
  bytes: number
}

export interface BrokerLoad {
  id: number
  rack: string | null
  before: BrokerFigures
  after: BrokerFigures
  /** The broker is being added (--add-broker) or drained (--drain-broker). */
  role: 'added' | 'drained' | null
}

export interface ReassignmentPlan {
  request: PlanRequest
  /** Whether racks were taken into account. */
  rackAware: boolean
  /** Every input partition with its target replicas (unchanged ones included). */
  target: PlanPartition[]
  /** The partitions that change, in topic and partition order: what the reassignment JSON holds. */
  changes: PartitionChange[]
  /** Replica moves, in topic and partition order. */
  moves: ReplicaMove[]
  brokers: BrokerLoad[]
  /** Replicas placed on brokers that did not hold them. */
  replicasMoved: number
  /** Bytes those replicas copy. */
  bytesToMove: number
  /** How many of the moves are extra moves (drains only). */
  extraMoves: number
  /** Plain sentences worth telling the user (limits met, why extra moves happen...). */
  notes: string[]
}

/** The request cannot be planned: one line saying why (exit 1). */
export class PlanError extends CommandError {
  override name = 'PlanError'
}

// ------------------------------------------------------------------ working state

interface WorkPartition {
  topic: string
  partition: number
  key: string
  original: number[]
  replicas: number[]
  leader: number
  sizeBytes: number
}

/** A replica the planner placed, which it may place elsewhere again without an extra move. */
interface Placement {
  part: WorkPartition
  broker: number
}

class Cluster {
  readonly load = new Map<number, number>()
  readonly bytes = new Map<number, number>()
  readonly topicLoad = new Map<string, Map<number, number>>()
  /** Preferred leaderships (first replicas) per broker. */
  readonly leaders = new Map<number, number>()
  /** Partitions held by each broker. */
  readonly held = new Map<number, Set<WorkPartition>>()
  readonly rackOf: (id: number) => string | null

  constructor(
    readonly parts: WorkPartition[],
    racks: Map<number, string | null>,
    readonly rackAware: boolean,
  ) {
    // Brokers without a known rack (not registered) count as racks of their own.
    this.rackOf = (id) => (rackAware ? (racks.get(id) ?? `\u0000broker-${id}`) : null)
    for (const p of parts) {
      for (const b of p.replicas) this.add(p, b)
      this.lead(p.replicas[0]!, 1)
    }
  }

  leadersOf(b: number): number {
    return this.leaders.get(b) ?? 0
  }

  private lead(b: number | undefined, by: number): void {
    if (b !== undefined) this.leaders.set(b, this.leadersOf(b) + by)
  }

  loadOf(b: number): number {
    return this.load.get(b) ?? 0
  }

  topicLoadOf(topic: string, b: number): number {
    return this.topicLoad.get(topic)?.get(b) ?? 0
  }

  bytesOf(b: number): number {
    return this.bytes.get(b) ?? 0
  }

  private add(p: WorkPartition, b: number): void {
    this.load.set(b, this.loadOf(b) + 1)
    this.bytes.set(b, this.bytesOf(b) + p.sizeBytes)
    let t = this.topicLoad.get(p.topic)
    if (!t) this.topicLoad.set(p.topic, (t = new Map()))
    t.set(b, (t.get(b) ?? 0) + 1)
    let h = this.held.get(b)
    if (!h) this.held.set(b, (h = new Set()))
    h.add(p)
  }

  private remove(p: WorkPartition, b: number): void {
    this.load.set(b, this.loadOf(b) - 1)
    this.bytes.set(b, this.bytesOf(b) - p.sizeBytes)
    const t = this.topicLoad.get(p.topic)!
    t.set(b, t.get(b)! - 1)
    this.held.get(b)!.delete(p)
  }

  /** Moves p's replica on `from` to `to`, keeping its position in the list. */
  move(p: WorkPartition, from: number, to: number): void {
    const i = p.replicas.indexOf(from)
    p.replicas[i] = to
    this.remove(p, from)
    this.add(p, to)
    if (i === 0) {
      this.lead(from, -1)
      this.lead(to, 1)
    }
  }

  append(p: WorkPartition, to: number): void {
    p.replicas.push(to)
    this.add(p, to)
  }

  drop(p: WorkPartition, from: number): void {
    const i = p.replicas.indexOf(from)
    p.replicas.splice(i, 1)
    this.remove(p, from)
    if (i === 0) {
      this.lead(from, -1)
      this.lead(p.replicas[0], 1)
    }
  }

  distinctRacks(replicas: readonly number[]): number {
    if (!this.rackAware) return replicas.length
    return new Set(replicas.map((b) => this.rackOf(b))).size
  }

  /** Racks p's replicas would span with `from` replaced by `to`. */
  racksAfterMove(p: WorkPartition, from: number, to: number): number {
    return this.distinctRacks(p.replicas.map((b) => (b === from ? to : b)))
  }
}

// ------------------------------------------------------------------ entry point

export function planReassignment(input: PlanInput): ReassignmentPlan {
  const registered = new Map<number, string | null>()
  for (const b of input.brokers) registered.set(b.id, b.rack)
  const rackAware = racksApply(input.brokers, input.rackAware !== false)
  const parts: WorkPartition[] = [...input.partitions]
    .filter((p) => p.replicas.length > 0)
    .sort(byTopicPartition)
    .map((p) => ({
      topic: p.topic,
      partition: p.partition,
      key: `${p.topic}-${p.partition}`,
      original: [...p.replicas],
      replicas: [...p.replicas],
      leader: p.leader !== undefined && p.leader !== null && p.leader >= 0 ? p.leader : p.replicas[0]!,
      sizeBytes: Math.max(0, p.sizeBytes),
    }))
  const cluster = new Cluster(parts, registered, rackAware)
  const notes: string[] = []
  const extraMoved = new Set<string>()
  const request = input.request
  let eligible: number[]
  let touched: Set<WorkPartition>
  switch (request.kind) {
    case 'add-brokers': {
      const added = checkedBrokerList(request.brokers, '--add-broker')
      for (const id of added) {
        if (!registered.has(id)) throw new PlanError(`Broker ${id} is not registered in the cluster: start it before adding it to a plan`)
        const holds = cluster.loadOf(id)
        if (holds > 0) throw new PlanError(`Broker ${id} already holds ${holds} replica${holds === 1 ? '' : 's'} of the selected topics: --add-broker takes brokers that hold none`)
      }
      eligible = sortedUnion([...registered.keys()], holders(parts))
      touched = planAddBrokers(cluster, eligible, added, notes)
      break
    }
    case 'drain-brokers': {
      const drained = checkedBrokerList(request.brokers, '--drain-broker')
      for (const id of drained) {
        if (cluster.loadOf(id) === 0) {
          throw new PlanError(
            registered.has(id) ? `Broker ${id} holds no replicas of the selected topics: nothing to drain` : `Broker ${id} is neither registered in the cluster nor holds replicas of the selected topics`,
          )
        }
      }
      const drainedSet = new Set(drained)
      eligible = [...registered.keys()].filter((id) => !drainedSet.has(id)).sort((a, b) => a - b)
      touched = planDrain(cluster, eligible, drainedSet, notes, extraMoved)
      break
    }
    case 'replication-factor': {
      eligible = [...registered.keys()].sort((a, b) => a - b)
      touched = planReplicationFactor(cluster, eligible, request.topic, request.replicationFactor, notes)
      break
    }
  }
  balancePreferredLeaders(cluster, touched, new Set(eligible))
  return summarize(input, cluster, rackAware, notes, extraMoved)
}

/** Racks count when asked and every broker has one; some with and some without is an error, as in Kafka. */
function racksApply(brokers: readonly PlanBroker[], wanted: boolean): boolean {
  if (!wanted) return false
  const withRack = brokers.filter((b) => b.rack !== null && b.rack !== '').length
  if (withRack === 0) return false
  if (withRack < brokers.length) {
    throw new PlanError('Not all brokers have rack information. Add --disable-rack-aware in command line to make replica assignment without rack information.')
  }
  return true
}

function checkedBrokerList(ids: readonly number[], flag: string): number[] {
  if (ids.length === 0) throw new PlanError(`${flag} needs at least one broker id`)
  const seen = new Set<number>()
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0) throw new PlanError(`Invalid broker id ${id} in ${flag}`)
    if (seen.has(id)) throw new PlanError(`Broker ${id} is given twice in ${flag}`)
    seen.add(id)
  }
  return [...seen].sort((a, b) => a - b)
}

function holders(parts: readonly WorkPartition[]): number[] {
  const ids = new Set<number>()
  for (const p of parts) for (const b of p.replicas) ids.add(b)
  return [...ids]
}

function sortedUnion(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y)
}

function byTopicPartition(a: {topic: string; partition: number}, b: {topic: string; partition: number}): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}

/** Replica count bounds for an even spread of `total` replicas over `n` brokers. */
function evenBounds(total: number, n: number): {floor: number; ceil: number} {
  return {floor: Math.floor(total / n), ceil: Math.ceil(total / n)}
}

/** How many racks a partition of `size` replicas should span: as many as the racks allow. */
function idealRacks(cluster: Cluster, size: number, brokers: readonly number[]): number {
  if (!cluster.rackAware) return size
  return Math.min(size, new Set(brokers.map((b) => cluster.rackOf(b))).size)
}

// ------------------------------------------------------------------ --add-broker

function planAddBrokers(cluster: Cluster, eligible: number[], added: number[], notes: string[]): Set<WorkPartition> {
  const addedSet = new Set(added)
  const old = eligible.filter((b) => !addedSet.has(b))
  const total = old.reduce((sum, b) => sum + cluster.loadOf(b), 0)
  const {floor, ceil} = evenBounds(total, eligible.length)
  const idle = old.filter((b) => cluster.loadOf(b) === 0)
  if (idle.length > 0) {
    notes.push(
      `Broker${idle.length === 1 ? '' : 's'} ${idle.join(',')} hold${idle.length === 1 ? 's' : ''} no replicas of these topics either and get${idle.length === 1 ? 's' : ''} none: name ${idle.length === 1 ? 'it' : 'them'} in --add-broker too to share the load.`,
    )
  }
  const touched = new Set<WorkPartition>()
  for (;;) {
    const overloaded = old.some((b) => cluster.loadOf(b) > ceil)
    const receivers = added.filter((b) => cluster.loadOf(b) < floor || (overloaded && cluster.loadOf(b) < ceil))
    if (receivers.length === 0) break
    receivers.sort((a, b) => cluster.loadOf(a) - cluster.loadOf(b) || cluster.bytesOf(a) - cluster.bytesOf(b) || a - b)
    const givers = [...old].sort((a, b) => cluster.loadOf(b) - cluster.loadOf(a) || cluster.bytesOf(b) - cluster.bytesOf(a) || a - b)
    let moved = false
    search: for (const to of receivers) {
      for (const from of givers) {
        if (cluster.loadOf(from) < cluster.loadOf(to) + 2) break
        const p = bestPartitionToMove(cluster, from, to)
        if (p) {
          cluster.move(p, from, to)
          touched.add(p)
          moved = true
          break search
        }
      }
    }
    if (!moved) {
      // Without racks some replica can always move while a giver holds two more than a receiver.
      const short = added.filter((b) => cluster.loadOf(b) < floor)
      const heavy = old.filter((b) => cluster.loadOf(b) > ceil)
      const even = floor === ceil ? `${floor}` : `${floor}-${ceil}`
      const said = [
        ...short.map((b) => `broker ${b} takes only ${cluster.loadOf(b)}`),
        ...heavy.map((b) => `broker ${b} keeps ${cluster.loadOf(b)}`),
      ]
      if (said.length > 0) {
        notes.push(`Rack constraints limit the balance (no partition may lose a rack): ${said.join(', ')} replicas, where an even spread is ${even} per broker.`)
      }
      break
    }
  }
  return touched
}

/** The partition on `from` whose replica is best moved to `to`, or null when none may move. */
function bestPartitionToMove(cluster: Cluster, from: number, to: number): WorkPartition | null {
  let best: WorkPartition | null = null
  let bestScore: number[] = []
  for (const p of cluster.held.get(from) ?? []) {
    if (p.replicas.includes(to)) continue
    const racksBefore = cluster.distinctRacks(p.replicas)
    const racksAfter = cluster.racksAfterMove(p, from, to)
    if (racksAfter < racksBefore) continue
    const score = [
      racksAfter - racksBefore,
      // Evens out the topic too: take from where the topic is thickest, give where it is thinnest.
      cluster.topicLoadOf(p.topic, from) - cluster.topicLoadOf(p.topic, to),
      // A partition led by a broker with many leaderships can hand its leadership on.
      cluster.leadersOf(p.replicas[0]!),
      -p.sizeBytes,
    ]
    if (best === null || compareScores(score, bestScore) > 0 || (compareScores(score, bestScore) === 0 && byTopicPartition(p, best) < 0)) {
      best = p
      bestScore = score
    }
  }
  return best
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}

// ------------------------------------------------------------------ --drain-broker

function planDrain(cluster: Cluster, remaining: number[], drained: Set<number>, notes: string[], extraMoved: Set<string>): Set<WorkPartition> {
  const touched = new Set<WorkPartition>()
  const drainedList = [...drained].sort((a, b) => a - b)
  const remainingSet = new Set(remaining)
  // Each partition must find enough remaining brokers it does not already use.
  for (const p of cluster.parts) {
    const onDrained = p.replicas.filter((b) => drained.has(b))
    if (onDrained.length === 0) continue
    const free = remaining.filter((b) => !p.replicas.includes(b))
    if (free.length < onDrained.length) {
      throw new PlanError(
        `Cannot drain broker${drainedList.length === 1 ? '' : 's'} ${drainedList.join(',')}: partition ${p.key} has ${p.replicas.length} replicas but only ${remaining.length} broker${remaining.length === 1 ? '' : 's'} would remain${remaining.length > 0 ? ` (${remaining.join(',')})` : ''}`,
      )
    }
  }
  const total = remaining.reduce((sum, b) => sum + cluster.loadOf(b), 0) + drainedList.reduce((sum, b) => sum + cluster.loadOf(b), 0)
  const {ceil} = evenBounds(total, remaining.length)
  // The most constrained replicas first: those with the fewest brokers to go to.
  const pending: Array<{part: WorkPartition; from: number}> = []
  for (const p of cluster.parts) for (const b of p.replicas) if (drained.has(b)) pending.push({part: p, from: b})
  const freedom = (p: WorkPartition) => remaining.filter((b) => !p.replicas.includes(b)).length
  pending.sort((a, b) => freedom(a.part) - freedom(b.part) || b.part.sizeBytes - a.part.sizeBytes || byTopicPartition(a.part, b.part) || a.from - b.from)
  const placements: Placement[] = []
  for (const {part, from} of pending) {
    const to = leastLoadedTarget(cluster, part, remaining, (b) => cluster.racksAfterMove(part, from, b))
    cluster.move(part, from, to)
    touched.add(part)
    placements.push({part, broker: to})
  }
  levelByReplacing(cluster, placements, remaining)
  // Constraints (replicas a partition already has, racks) can leave a broker over the even
  // share with nowhere else for the drained replicas to go: only then move other replicas.
  const received = new Map<number, number>()
  for (const pl of placements) received.set(pl.broker, (received.get(pl.broker) ?? 0) + 1)
  const extraFrom = new Map<number, number>()
  for (;;) {
    const over = remaining
      .filter((b) => cluster.loadOf(b) > ceil && (extraFrom.get(b) ?? 0) < (received.get(b) ?? 0))
      .sort((a, b) => cluster.loadOf(b) - cluster.loadOf(a) || a - b)
    let moved = false
    for (const from of over) {
      const targets = remaining.filter((b) => cluster.loadOf(b) <= cluster.loadOf(from) - 2).sort((a, b) => cluster.loadOf(a) - cluster.loadOf(b) || a - b)
      for (const to of targets) {
        const p = bestExtraMove(cluster, from, to, placements, remainingSet)
        if (p) {
          cluster.move(p, from, to)
          touched.add(p)
          extraMoved.add(`${p.key}:${to}`)
          extraFrom.set(from, (extraFrom.get(from) ?? 0) + 1)
          moved = true
          break
        }
      }
      if (moved) break
    }
    if (!moved) break
  }
  if (extraFrom.size > 0) {
    const count = [...extraFrom.values()].reduce((a, b) => a + b, 0)
    const names = [...extraFrom.keys()].sort((a, b) => a - b)
    notes.push(
      `${count} replica${count === 1 ? '' : 's'} not on a drained broker also move${count === 1 ? 's' : ''}, for balance: broker${names.length === 1 ? '' : 's'} ${names.join(',')} must take drained replicas that can go nowhere else (their partitions already use the other brokers, or racks require it) and would otherwise hold even more than the even share of ${ceil} replicas.`,
    )
  }
  return touched
}

/** A non-drained replica on `from` that can move to `to` without hurting its partition's racks. */
function bestExtraMove(cluster: Cluster, from: number, to: number, placements: readonly Placement[], remaining: Set<number>): WorkPartition | null {
  const placedHere = new Set(placements.filter((pl) => pl.broker === from).map((pl) => pl.part))
  let best: WorkPartition | null = null
  let bestScore: number[] = []
  for (const p of cluster.held.get(from) ?? []) {
    // Only a replica that has not moved yet: never undo or redo part of the drain.
    if (p.replicas.includes(to) || placedHere.has(p) || !p.original.includes(from)) continue
    const ideal = idealRacks(cluster, p.replicas.length, [...remaining])
    const before = cluster.distinctRacks(p.replicas)
    const after = cluster.racksAfterMove(p, from, to)
    if (after < Math.min(before, ideal)) continue
    // Prefer partitions the plan leaves alone otherwise, and small ones.
    const score = [after - before, p.replicas.join() === p.original.join() ? 1 : 0, -p.sizeBytes]
    if (best === null || compareScores(score, bestScore) > 0) {
      best = p
      bestScore = score
    }
  }
  return best
}

/**
 * The broker to hold a new replica of `part`: not already a replica, on as many distinct racks as
 * possible (`racksWith` says how many the partition would span), then the least loaded.
 */
function leastLoadedTarget(cluster: Cluster, part: WorkPartition, candidates: readonly number[], racksWith: (b: number) => number, topicFirst = false): number {
  const free = candidates.filter((b) => !part.replicas.includes(b))
  const mostRacks = Math.max(...free.map(racksWith))
  const fit = free.filter((b) => racksWith(b) === mostRacks)
  const global = (a: number, b: number) => cluster.loadOf(a) - cluster.loadOf(b)
  const topic = (a: number, b: number) => cluster.topicLoadOf(part.topic, a) - cluster.topicLoadOf(part.topic, b)
  fit.sort((a, b) => (topicFirst ? topic(a, b) || global(a, b) : global(a, b) || topic(a, b)) || cluster.bytesOf(a) - cluster.bytesOf(b) || a - b)
  return fit[0]!
}

/**
 * Evens out the brokers by placing the planner's own placements elsewhere (a chain of them when
 * needed), which costs no further moves: the chain's first broker ends up with one placement
 * less and its last with one more, every broker in between keeping its count. `gains(a, b)` says
 * whether one replica less on a and one more on b is better; `rank` orders brokers, heaviest last.
 */
function levelByReplacing(
  cluster: Cluster,
  placements: Placement[],
  brokers: readonly number[],
  rank: (b: number) => number[] = (b) => [cluster.loadOf(b)],
  gains: (from: number, to: number) => boolean = (from, to) => cluster.loadOf(from) - cluster.loadOf(to) >= 2,
): void {
  const canGo = (pl: Placement, to: number) =>
    !pl.part.replicas.includes(to) && cluster.racksAfterMove(pl.part, pl.broker, to) >= cluster.distinctRacks(pl.part.replicas)
  const byRank = (a: number, b: number) => compareScores(rank(a), rank(b)) || a - b
  const limit = placements.length * brokers.length + 1
  for (let round = 0; round < limit; round++) {
    const on = new Map<number, Placement[]>()
    for (const pl of placements) {
      const list = on.get(pl.broker)
      if (list) list.push(pl)
      else on.set(pl.broker, [pl])
    }
    let improved = false
    for (const source of [...brokers].sort(byRank).reverse()) {
      if (!on.has(source)) continue
      // Breadth-first over brokers: an edge a -> b is a placement on a that may go to b.
      const via = new Map<number, Placement | null>([[source, null]])
      const queue = [source]
      let sink: number | null = null
      while (queue.length > 0) {
        const at = queue.shift()!
        for (const pl of on.get(at) ?? []) {
          for (const to of brokers) {
            if (via.has(to) || !canGo(pl, to)) continue
            via.set(to, pl)
            queue.push(to)
            if (sink === null || byRank(to, sink) < 0) sink = to
          }
        }
      }
      if (sink === null || !gains(source, sink)) continue
      // Walk back from the sink, moving each placement one hop.
      const path: Placement[] = []
      for (let at = sink; at !== source; ) {
        const pl = via.get(at)!
        path.push(pl)
        at = pl.broker
      }
      let at = sink
      for (const pl of path) {
        const from = pl.broker
        cluster.move(pl.part, from, at)
        pl.broker = at
        at = from
      }
      improved = true
      break
    }
    if (!improved) return
  }
}

// ------------------------------------------------------------------ --replication-factor

function planReplicationFactor(cluster: Cluster, eligible: number[], topic: string, rf: number, notes: string[]): Set<WorkPartition> {
  const parts = cluster.parts.filter((p) => p.topic === topic)
  if (parts.length === 0) throw new PlanError(`Topic '${topic}' does not exist`)
  if (!Number.isInteger(rf) || rf <= 0) throw new PlanError('Replication factor must be larger than 0.')
  if (rf > eligible.length) throw new PlanError(`Replication factor: ${rf} larger than available brokers: ${eligible.length}.`)
  const touched = new Set<WorkPartition>()
  const placements: Placement[] = []
  for (const p of parts) {
    while (p.replicas.length < rf) {
      const to = leastLoadedTarget(cluster, p, eligible, (b) => cluster.distinctRacks([...p.replicas, b]), true)
      cluster.append(p, to)
      placements.push({part: p, broker: to})
      touched.add(p)
    }
    while (p.replicas.length > rf) {
      cluster.drop(p, replicaToDrop(cluster, p))
      touched.add(p)
    }
  }
  // The topic's own spread first: new replicas of one topic on the same few brokers would
  // concentrate its traffic.
  const topicLoad = (b: number) => cluster.topicLoadOf(topic, b)
  levelByReplacing(
    cluster,
    placements,
    eligible,
    (b) => [topicLoad(b), cluster.loadOf(b)],
    (from, to) => topicLoad(from) - topicLoad(to) >= 2 || (topicLoad(from) - topicLoad(to) === 1 && cluster.loadOf(from) - cluster.loadOf(to) >= 2),
  )
  const current = new Set(parts.map((p) => p.original.length))
  if (touched.size === 0) notes.push(`Every partition of ${topic} already has ${rf} replica${rf === 1 ? '' : 's'}: nothing to change.`)
  else if (current.size > 1) notes.push(`Partitions of ${topic} had ${[...current].sort((a, b) => a - b).join(' or ')} replicas; all now have ${rf}.`)
  return touched
}

/** Which replica to drop when lowering the replication factor. */
function replicaToDrop(cluster: Cluster, p: WorkPartition): number {
  const rackCount = new Map<string | null, number>()
  for (const b of p.replicas) rackCount.set(cluster.rackOf(b), (rackCount.get(cluster.rackOf(b)) ?? 0) + 1)
  const candidates = p.replicas.length > 1 && p.replicas.includes(p.leader) ? p.replicas.filter((b) => b !== p.leader) : [...p.replicas]
  candidates.sort(
    (a, b) =>
      // A replica sharing its rack with another goes first: dropping it keeps the rack spread.
      (cluster.rackAware ? rackCount.get(cluster.rackOf(b))! - rackCount.get(cluster.rackOf(a))! : 0) ||
      cluster.topicLoadOf(p.topic, b) - cluster.topicLoadOf(p.topic, a) ||
      cluster.loadOf(b) - cluster.loadOf(a) ||
      cluster.bytesOf(b) - cluster.bytesOf(a) ||
      b - a,
  )
  return candidates[0]!
}

// ------------------------------------------------------------------ preferred leaders

/**
 * Spreads preferred leaders (first replicas) evenly, within each topic first (as Kafka's placement
 * does) and then across all the topics, by reordering the partitions that change anyway;
 * partitions the plan leaves alone keep their order, so the plan touches nothing more.
 */
function balancePreferredLeaders(cluster: Cluster, touched: ReadonlySet<WorkPartition>, eligible: ReadonlySet<number>): void {
  const global = new Map<number, number>()
  const perTopic = new Map<string, Map<number, number>>()
  const bump = (topic: string, b: number, by: number) => {
    global.set(b, (global.get(b) ?? 0) + by)
    let t = perTopic.get(topic)
    if (!t) perTopic.set(topic, (t = new Map()))
    t.set(b, (t.get(b) ?? 0) + by)
  }
  for (const p of cluster.parts) bump(p.topic, p.replicas[0]!, 1)
  const g = (b: number) => global.get(b) ?? 0
  const t = (topic: string, b: number) => perTopic.get(topic)?.get(b) ?? 0
  // The aim is the least weighted sum of squared leader counts: twice those per broker plus those
  // per topic and broker, so brokers come out even first and each topic as even as that allows.
  // Handing p's leadership from a to b lowers the sum when 2 (g(a) - g(b)) + t(a) - t(b) > 3.
  // Each switch lowers it, so this ends; the bound is a safeguard.
  const gains = (topic: string, a: number, b: number) => 2 * (g(a) - g(b)) + t(topic, a) - t(topic, b) > 3
  const order = [...touched].sort(byTopicPartition)
  for (let round = 0; round < 1000; round++) {
    let improved = false
    for (const p of order) {
      const lead = p.replicas[0]!
      let best: number | null = null
      for (const b of p.replicas.slice(1)) {
        if (!eligible.has(b)) continue
        if (best === null) {
          best = b
          continue
        }
        const c = t(p.topic, b) + 2 * g(b) - t(p.topic, best) - 2 * g(best)
        // Among equals, the partition's original preferred leader.
        if (c < 0 || (c === 0 && b === p.original[0])) best = b
      }
      if (best === null) continue
      if (eligible.has(lead) && !gains(p.topic, lead, best)) continue
      p.replicas.splice(p.replicas.indexOf(best), 1)
      p.replicas.unshift(best)
      bump(p.topic, lead, -1)
      bump(p.topic, best, 1)
      improved = true
    }
    if (!improved) break
  }
  // Then chains: a's leadership of p goes to b, b's of q to c..., which evens out the brokers
  // (a loses one, the last gains one) where no single switch can. Each hop must leave its topic
  // no less even, and the whole chain must lower the sum.
  const led = () => {
    const m = new Map<number, WorkPartition[]>()
    for (const p of order) m.set(p.replicas[0]!, [...(m.get(p.replicas[0]!) ?? []), p])
    return m
  }
  const squares = () => {
    let sum = 0
    for (const m of perTopic.values()) for (const v of m.values()) sum += v * v
    for (const v of global.values()) sum += 2 * v * v
    return sum
  }
  const lead = (p: WorkPartition, b: number) => {
    const from = p.replicas[0]!
    p.replicas.splice(p.replicas.indexOf(b), 1)
    p.replicas.unshift(b)
    bump(p.topic, from, -1)
    bump(p.topic, b, 1)
  }
  for (let round = 0; round < 1000; round++) {
    const byLeader = led()
    const sources = [...eligible].sort((a, b) => g(b) - g(a) || a - b)
    let improved = false
    for (const source of sources) {
      const via = new Map<number, WorkPartition | null>([[source, null]])
      const queue = [source]
      let sink: number | null = null
      while (queue.length > 0) {
        const at = queue.shift()!
        for (const p of byLeader.get(at) ?? []) {
          for (const b of p.replicas.slice(1)) {
            if (via.has(b) || !eligible.has(b) || t(p.topic, at) - t(p.topic, b) < 1) continue
            via.set(b, p)
            queue.push(b)
            if (sink === null || g(b) < g(sink)) sink = b
          }
        }
      }
      if (sink === null || g(source) - g(sink) < 2) continue
      const path: Array<{p: WorkPartition; from: number; to: number}> = []
      for (let at = sink; at !== source; ) {
        const p = via.get(at)!
        path.push({p, from: p.replicas[0]!, to: at})
        at = p.replicas[0]!
      }
      const before = squares()
      for (const hop of path) lead(hop.p, hop.to)
      if (squares() >= before) {
        for (const hop of [...path].reverse()) lead(hop.p, hop.from)
        continue
      }
      improved = true
      break
    }
    if (!improved) break
  }
}

// ------------------------------------------------------------------ result

function summarize(input: PlanInput, cluster: Cluster, rackAware: boolean, notes: string[], extraMoved: ReadonlySet<string>): ReassignmentPlan {
  const request = input.request
  const changes: PartitionChange[] = []
  const moves: ReplicaMove[] = []
  for (const p of cluster.parts) {
    if (p.replicas.join() === p.original.join()) continue
    const added = p.replicas.filter((b) => !p.original.includes(b))
    const removed = p.original.filter((b) => !p.replicas.includes(b))
    const extras = added.filter((b) => extraMoved.has(`${p.key}:${b}`))
    changes.push({topic: p.topic, partition: p.partition, before: p.original, after: [...p.replicas], sizeBytes: p.sizeBytes, extra: extras.length > 0})
    // Pair each removed replica with an added one (from -> to); what is left is a new or a dropped replica.
    const pairedFrom = [...removed]
    for (const to of added) {
      const from = pairedFrom.shift() ?? null
      moves.push({topic: p.topic, partition: p.partition, from, to, sizeBytes: p.sizeBytes, extra: extraMoved.has(`${p.key}:${to}`)})
    }
    for (const from of pairedFrom) moves.push({topic: p.topic, partition: p.partition, from, to: null, sizeBytes: 0, extra: false})
  }
  // Pair extra moves with the non-drained replica they take (removed lists put drained ones first otherwise).
  if (request.kind === 'drain-brokers') pairDrainMoves(moves, changes, new Set(request.brokers))
  const role = (id: number): BrokerLoad['role'] =>
    request.kind === 'add-brokers' && request.brokers.includes(id) ? 'added' : request.kind === 'drain-brokers' && request.brokers.includes(id) ? 'drained' : null
  const racks = new Map(input.brokers.map((b) => [b.id, b.rack] as const))
  const ids = sortedUnion([...racks.keys()], holders(cluster.parts))
  const figures = (id: number, lists: (p: WorkPartition) => number[]): BrokerFigures => {
    let replicas = 0
    let leaders = 0
    let bytes = 0
    for (const p of cluster.parts) {
      const list = lists(p)
      if (!list.includes(id)) continue
      replicas++
      bytes += p.sizeBytes
      if (list[0] === id) leaders++
    }
    return {id, rack: racks.get(id) ?? null, replicas, preferredLeaders: leaders, bytes}
  }
  const brokers = ids.map((id) => ({
    id,
    rack: racks.get(id) ?? null,
    before: figures(id, (p) => p.original),
    after: figures(id, (p) => p.replicas),
    role: role(id),
  }))
  const copied = moves.filter((m) => m.to !== null)
  return {
    request,
    rackAware,
    target: cluster.parts.map((p) => ({topic: p.topic, partition: p.partition, replicas: [...p.replicas], leader: p.leader, sizeBytes: p.sizeBytes})),
    changes,
    moves,
    brokers,
    replicasMoved: copied.length,
    bytesToMove: copied.reduce((sum, m) => sum + m.sizeBytes, 0),
    extraMoves: moves.filter((m) => m.extra).length,
    notes,
  }
}

/** In a drain, a partition's drained replicas pair with its ordinary moves and its non-drained removal with the extra one. */
function pairDrainMoves(moves: ReplicaMove[], changes: readonly PartitionChange[], drained: ReadonlySet<number>): void {
  for (const c of changes) {
    if (!c.extra) continue
    const own = moves.filter((m) => m.topic === c.topic && m.partition === c.partition && m.to !== null)
    const removedDrained = c.before.filter((b) => !c.after.includes(b) && drained.has(b))
    const removedOther = c.before.filter((b) => !c.after.includes(b) && !drained.has(b))
    for (const m of own) m.from = (m.extra ? removedOther.shift() : removedDrained.shift()) ?? removedOther.shift() ?? removedDrained.shift() ?? null
  }
}
