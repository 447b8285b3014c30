// The follower side of replication on one broker (Kafka's ReplicaFetcherManager): one fetcher per
// (leader broker, fetcher id), num.replica.fetchers per leader, a partition going to the fetcher
// its name hashes to. Partitions are added when this broker becomes their follower and removed
// when it leads them, follows another broker, or stops hosting them; a fetcher left with nothing
// to fetch is shut down. All fetchers share the broker's follower replication quota.

import type {BrokerState} from '../broker/broker-state.js'
import type {Logger} from '../broker/logger.js'
import type {Partition} from '../broker/partition.js'
import type {BrokerConfig} from '../config/broker-config.js'
import {ReplicaFetcher, type FetcherSettings} from './replica-fetcher.js'
import type {ReplicationQuota} from './replication-quota.js'

export interface ReplicaFetcherManagerOptions {
  config: BrokerConfig
  state: BrokerState
  logger: Logger
  /** This broker's epoch, sent with fetches (ISR eligibility). */
  brokerEpoch: () => bigint
  /** The follower-side replication throttle (follower.replication.throttled.rate); default: none. */
  quota?: ReplicationQuota
}

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<string, ReplicaFetcher>()
  /** Which fetcher holds each partition, by partition name. */
  private readonly assigned = new Map<string, ReplicaFetcher>()
  private readonly settings: FetcherSettings
  private readonly numFetchers: number
  private readonly listenerName: string
  private stopped = false

  constructor(private readonly opts: ReplicaFetcherManagerOptions) {
    const c = opts.config
    this.settings = {
      maxWaitMs: c.get('replica.fetch.wait.max.ms'),
      minBytes: c.get('replica.fetch.min.bytes'),
      maxBytes: c.get('replica.fetch.response.max.bytes'),
      partitionMaxBytes: c.get('replica.fetch.max.bytes'),
      backoffMs: c.get('replica.fetch.backoff.ms'),
      socketTimeoutMs: c.get('replica.socket.timeout.ms'),
    }
    this.numFetchers = Math.max(1, c.get('num.replica.fetchers'))
    this.listenerName = c.interBrokerListenerName
  }

  /** Starts (or restarts, at the partition's current leader epoch) fetching each partition from its leader. */
  addPartitions(partitions: readonly Partition[]): void {
    if (this.stopped) return
    this.removePartitions(partitions)
    const byFetcher = new Map<ReplicaFetcher, Partition[]>()
    for (const p of partitions) {
      if (p.leaderId < 0 || p.isLeader) continue
      const fetcher = this.fetcherFor(p.leaderId, fetcherId(p.name, this.numFetchers))
      this.assigned.set(p.name, fetcher)
      const list = byFetcher.get(fetcher)
      if (list) list.push(p)
      else byFetcher.set(fetcher, [p])
    }
    for (const [fetcher, list] of byFetcher) fetcher.addPartitions(list)
  }

  /** Stops fetching these partitions. */
  removePartitions(partitions: readonly Partition[]): void {
    const touched = new Set<ReplicaFetcher>()
    for (const p of partitions) {
      const fetcher = this.assigned.get(p.name)
      if (fetcher === undefined) continue
      this.assigned.delete(p.name)
      fetcher.removePartitions([p])
      touched.add(fetcher)
    }
    for (const f of touched) if (f.partitionCount === 0) this.closeFetcher(f)
  }

  /** The leader a partition is fetched from, -1 when it is not fetched (for tests and tools). */
  fetchingFrom(partitionName: string): number {
    return this.assigned.get(partitionName)?.sourceBrokerId ?? -1
  }

  get fetcherCount(): number {
    return this.fetchers.size
  }

  async shutdown(): Promise<void> {
    this.stopped = true
    const all = [...this.fetchers.values()]
    this.fetchers.clear()
    this.assigned.clear()
    await Promise.all(all.map((f) => f.shutdown()))
  }

  private fetcherFor(brokerId: number, id: number): ReplicaFetcher {
    const key = `${brokerId}/${id}`
    let f = this.fetchers.get(key)
    if (f === undefined) {
      f = new ReplicaFetcher({
        localBrokerId: this.opts.state.nodeId,
        sourceBrokerId: brokerId,
        fetcherId: id,
        endpoint: () => {
          const ep = this.opts.state.broker(brokerId)?.endpoints.get(this.listenerName)
          return ep === undefined ? undefined : {host: ep.host, port: ep.port}
        },
        brokerEpoch: this.opts.brokerEpoch,
        settings: this.settings,
        logger: this.opts.logger,
        quota: this.opts.quota,
      })
      this.fetchers.set(key, f)
    }
    return f
  }

  private closeFetcher(f: ReplicaFetcher): void {
    for (const [key, x] of this.fetchers) if (x === f) this.fetchers.delete(key)
    void f.shutdown()
  }
}

/** Kafka's getFetcherId: the partition's hash, modulo the fetcher count. */
function fetcherId(name: string, count: number): number {
  let h = 0
  for (let i = 0; i < name.length; i++) h = (Math.imul(31, h) + name.charCodeAt(i)) | 0
  return Math.abs(h) % count
}
