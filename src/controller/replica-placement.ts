// Replica placement for new topics and partitions, as Kafka's AdminUtils.assignReplicasToBrokers:
// leaders round-robin over the brokers from a random start, followers at a shift that changes
// every full round, so leadership and replicas spread evenly. When every broker has a rack, the
// broker list alternates racks and no two replicas of a partition share a rack until every rack
// has one. Pure: the random source is a parameter, so tests fix it.

import {ErrorCode, KafkaError} from '../protocol/errors.js'

export interface PlacementBroker {
  id: number
  rack: string | null
}

export interface PlacementOptions {
  /** Index into the broker list of the first leader; random when omitted (Kafka's fixedStartIndex). */
  startIndex?: number
  /** The first partition id to assign (CreatePartitions starts at the current count). */
  startPartitionId?: number
  /** Ignore racks even when every broker has one (--disable-rack-aware). */
  rackAware?: boolean
  random?: () => number
}

/** Replica lists by partition id, leader (preferred replica) first. */
export type Assignment = Map<number, number[]>

export function assignReplicas(
  brokers: readonly PlacementBroker[],
  numPartitions: number,
  replicationFactor: number,
  opts: PlacementOptions = {},
): Assignment {
  if (numPartitions <= 0) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.')
  if (replicationFactor <= 0) throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.')
  if (replicationFactor > brokers.length) {
    throw new KafkaError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`,
    )
  }
  const sorted = [...brokers].sort((a, b) => a.id - b.id)
  const withRack = sorted.filter((b) => b.rack !== null).length
  const rackAware = opts.rackAware !== false && withRack > 0
  if (rackAware && withRack < sorted.length) {
    throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Not all brokers have rack information for replica rack aware assignment.')
  }
  const random = opts.random ?? Math.random
  const pick = (n: number): number => (opts.startIndex !== undefined && opts.startIndex >= 0 ? opts.startIndex : Math.floor(random() * n))
  return rackAware
    ? assignRackAware(sorted, numPartitions, replicationFactor, pick, opts.startPartitionId ?? 0)
    : assignRackUnaware(
        sorted.map((b) => b.id),
        numPartitions,
        replicationFactor,
        pick,
        opts.startPartitionId ?? 0,
      )
}

function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, index: number, nBrokers: number): number {
  const shift = 1 + ((secondReplicaShift + index) % (nBrokers - 1))
  return (firstReplicaIndex + shift) % nBrokers
}

function assignRackUnaware(ids: number[], numPartitions: number, rf: number, pick: (n: number) => number, startPartitionId: number): Assignment {
  const result: Assignment = new Map()
  const n = ids.length
  const startIndex = pick(n)
  let nextReplicaShift = pick(n)
  let partition = Math.max(0, startPartitionId)
  for (let i = 0; i < numPartitions; i++, partition++) {
    if (partition > 0 && partition % n === 0) nextReplicaShift++
    const first = (partition + startIndex) % n
    const replicas = [ids[first]!]
    for (let j = 0; j < rf - 1; j++) replicas.push(ids[replicaIndex(first, nextReplicaShift, j, n)]!)
    result.set(partition, replicas)
  }
  return result
}

/** Brokers ordered rack by rack in turn (racks sorted by name, brokers by id within a rack). */
export function rackAlternatedBrokers(brokers: readonly PlacementBroker[]): number[] {
  const byRack = new Map<string, number[]>()
  for (const b of [...brokers].sort((x, y) => x.id - y.id)) {
    const list = byRack.get(b.rack!) ?? []
    list.push(b.id)
    byRack.set(b.rack!, list)
  }
  const racks = [...byRack.keys()].sort()
  const cursors = new Map(racks.map((r) => [r, 0]))
  const result: number[] = []
  for (let rackIndex = 0; result.length < brokers.length; rackIndex = (rackIndex + 1) % racks.length) {
    const rack = racks[rackIndex]!
    const at = cursors.get(rack)!
    const list = byRack.get(rack)!
    if (at < list.length) {
      result.push(list[at]!)
      cursors.set(rack, at + 1)
    }
  }
  return result
}

function assignRackAware(brokers: PlacementBroker[], numPartitions: number, rf: number, pick: (n: number) => number, startPartitionId: number): Assignment {
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack!]))
  const numRacks = new Set(rackOf.values()).size
  const arranged = rackAlternatedBrokers(brokers)
  const n = arranged.length
  const result: Assignment = new Map()
  const startIndex = pick(n)
  let nextReplicaShift = pick(n)
  let partition = Math.max(0, startPartitionId)
  for (let i = 0; i < numPartitions; i++, partition++) {
    if (partition > 0 && partition % n === 0) nextReplicaShift++
    const first = (partition + startIndex) % n
    const leader = arranged[first]!
    const replicas = [leader]
    const racksWithReplicas = new Set([rackOf.get(leader)!])
    const brokersWithReplicas = new Set([leader])
    let k = 0
    for (let j = 0; j < rf - 1; j++) {
      for (;;) {
        const broker = arranged[replicaIndex(first, nextReplicaShift * numRacks, k, n)]!
        const rack = rackOf.get(broker)!
        k++
        if ((!racksWithReplicas.has(rack) || racksWithReplicas.size === numRacks) && (!brokersWithReplicas.has(broker) || brokersWithReplicas.size === n)) {
          replicas.push(broker)
          racksWithReplicas.add(rack)
          brokersWithReplicas.add(broker)
          break
        }
      }
    }
    result.set(partition, replicas)
  }
  return result
}

/**
 * Checks a manual assignment (--replica-assignment, CreateTopics assignments) as Kafka's
 * controller does: every partition listed once from 0, the same replica count everywhere,
 * no duplicate broker in a partition, and only known brokers.
 */
export function validateManualAssignment(assignment: ReadonlyMap<number, readonly number[]>, knownBrokers: ReadonlySet<number>): void {
  const ids = [...assignment.keys()].sort((a, b) => a - b)
  ids.forEach((id, i) => {
    if (id !== i) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be consecutive and start from 0.')
  })
  let rf = -1
  for (const [partition, replicas] of assignment) {
    if (replicas.length === 0) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes an empty replica list.`)
    if (new Set(replicas).size !== replicas.length) {
      throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${replicas.find((r, i) => replicas.indexOf(r) !== i)} more than once.`)
    }
    if (rf === -1) rf = replicas.length
    else if (rf !== replicas.length) {
      throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${rf} replica(s).`)
    }
    for (const r of replicas) {
      if (!knownBrokers.has(r)) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${r}, but no such broker is registered.`)
      }
    }
    void partition
  }
}
