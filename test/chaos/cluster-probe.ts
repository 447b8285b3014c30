// What the replication tests ask a running cluster: a topic's partitions (leader, replicas, ISR)
// as a live broker's Metadata answer reports them, and waiting for a condition on them. Each
// question goes to the brokers in turn until one answers, so it works while brokers die.

import {Metadata} from '../../src/client/apis.js'
import {BrokerConnection} from '../../src/client/connection.js'
import {ZERO_UUID} from '../../src/protocol/primitives.js'

export interface PartitionView {
  partition: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
}

export interface BrokerAddress {
  id: number
  host: string
  port: number
}

/** The topic's partitions from the first broker that answers Metadata for it; null when none does. */
export async function describeTopic(brokers: readonly BrokerAddress[], topic: string): Promise<PartitionView[] | null> {
  for (const b of brokers) {
    let conn: BrokerConnection | null = null
    try {
      conn = await BrokerConnection.open({host: b.host, port: b.port, clientId: 'replication-test', tls: null, sasl: null, connectTimeoutMs: 2000, requestTimeoutMs: 5000})
      const r = await conn.request(Metadata, {
        topics: [{topicId: ZERO_UUID, name: topic}],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      })
      const t = r.topics.find((x) => x.name === topic)
      if (t === undefined || t.errorCode !== 0) continue
      return t.partitions
        .map((p) => ({partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes}))
        .sort((a, b) => a.partition - b.partition)
    } catch {
      // the next broker
    } finally {
      conn?.close()
    }
  }
  return null
}

/** Polls until `check` holds for the topic's partitions; throws with the last view after timeoutMs. */
export async function waitForPartitions(
  brokers: () => readonly BrokerAddress[],
  topic: string,
  check: (partitions: PartitionView[]) => boolean,
  timeoutMs: number,
  what: string,
): Promise<PartitionView[]> {
  const deadline = Date.now() + timeoutMs
  let last: PartitionView[] | null = null
  for (;;) {
    last = await describeTopic(brokers(), topic)
    if (last !== null && check(last)) return last
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`)
    await sleep(200)
  }
}

/** Every partition has a leader and a full ISR. */
export function fullIsr(partitions: readonly PartitionView[]): boolean {
  return partitions.length > 0 && partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
