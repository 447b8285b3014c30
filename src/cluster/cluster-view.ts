// What a running cluster says about itself, asked over the wire as any client would: Metadata
// (the live, unfenced brokers with their racks, and every partition's leader, replicas and ISR)
// and DescribeQuorum (the active controller and the voters). `cluster status` shows it;
// `cluster start` waits on it until every broker is registered and unfenced and a controller
// leads.

import {Metadata} from '../client/apis.js'
import {BrokerConnection} from '../client/connection.js'
import {ErrorCode} from '../protocol/errors.js'
import {DescribeQuorum} from '../controller/raft/node-apis.js'

export interface ClusterView {
  /** The broker that answered. */
  via: number
  /** The active controller (the quorum leader), -1 when none is known. */
  activeController: number
  /** Controller quorum voters (empty when the broker could not tell). */
  voters: number[]
  /** Live (registered, unfenced) brokers and their racks. */
  alive: Map<number, string | null>
  /** Partitions each broker leads. */
  leaders: Map<number, number>
  /** Partitions each broker leads whose ISR is smaller than their replica set. */
  underReplicated: Map<number, number>
  /** Partitions without a leader. */
  offline: number
}

/** Asks one broker; rejects when it does not answer. */
export async function viewCluster(host: string, port: number, timeoutMs = 2000): Promise<ClusterView> {
  const conn = await BrokerConnection.open({
    host,
    port,
    clientId: 'tskafka-cluster',
    tls: null,
    sasl: null,
    connectTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
  })
  try {
    const md = await conn.request(Metadata, {topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false})
    const view: ClusterView = {
      via: -1,
      activeController: md.controllerId,
      voters: [],
      alive: new Map(md.brokers.map((b) => [b.nodeId, b.rack])),
      leaders: new Map(),
      underReplicated: new Map(),
      offline: 0,
    }
    for (const t of md.topics) {
      for (const p of t.partitions) {
        if (p.leaderId < 0) {
          view.offline++
          continue
        }
        view.leaders.set(p.leaderId, (view.leaders.get(p.leaderId) ?? 0) + 1)
        if (p.isrNodes.length < p.replicaNodes.length) view.underReplicated.set(p.leaderId, (view.underReplicated.get(p.leaderId) ?? 0) + 1)
      }
    }
    if (conn.supports(DescribeQuorum)) {
      try {
        const q = await conn.request(DescribeQuorum, {topics: [{topicName: '__cluster_metadata', partitions: [{partitionIndex: 0}]}]})
        const p = q.topics[0]?.partitions[0]
        if (q.errorCode === ErrorCode.NONE && p && p.errorCode === ErrorCode.NONE) {
          view.activeController = p.leaderId
          view.voters = p.currentVoters.map((v) => v.replicaId).sort((a, b) => a - b)
        }
      } catch {
        // Older brokers or a quorum in election: Metadata's controller id stands.
      }
    }
    return view
  } finally {
    conn.close()
  }
}
