// A follower's fetcher for the partitions one leader broker leads (Kafka's ReplicaFetcherThread
// with AbstractFetcherThread's state machine), run as one async loop on the event loop:
//
// - A partition starts TRUNCATING when its log has a leader epoch: OffsetForLeaderEpoch asks the
//   leader where this replica's latest epoch ends there, and the log is cut back to where the
//   two agree (again for an earlier epoch when the leader's is unknown here). Without an epoch
//   the log is cut to its high watermark.
// - Then FETCHING: Fetch requests as a replica (replicaId / ReplicaState with this broker's epoch,
//   read_uncommitted, long polling per replica.fetch.wait.max.ms and replica.fetch.min.bytes),
//   from this replica's log end offset with the epoch of its last batch (lastFetchedEpoch). The
//   records are appended as the leader wrote them; the high watermark follows the leader's,
//   bounded by this log's end. A diverging epoch in the answer (Fetch v12+) truncates as above.
// - OFFSET_OUT_OF_RANGE: the leader's log end is below ours (an unclean election) — truncate to
//   it — or its log start is above our end (retention, DeleteRecords) — start over there.
// - Errors on a partition delay it by replica.fetch.backoff.ms; a lost connection delays all of
//   them, and the next round reconnects to wherever the metadata says the leader listens.
//
// - Replication throttle (Kafka's shouldFollowerThrottle): while the broker's follower quota is
//   exceeded, partitions it throttles that are not in sync (behind the leader's high watermark at
//   the last answer) are left out of the Fetch; when that leaves nothing to fetch the loop waits
//   replica.fetch.backoff.ms, as Kafka's fetcher does with an empty request. Bytes appended for
//   throttled partitions are recorded against the quota, in sync or not.
//
// Partitions join and leave as leadership changes (replica-fetcher-manager.ts); an answer for a
// partition that left, or was re-added meanwhile, is dropped.

import type {Partition} from '../broker/partition.js'
import type {Logger} from '../broker/logger.js'
import {BrokerConnection} from '../client/connection.js'
import {ErrorCode, errorName} from '../protocol/errors.js'
import type {FetchRequest} from '../protocol/generated/fetch-request.js'
import type {FetchResponse} from '../protocol/generated/fetch-response.js'
import type {PartitionData} from '../protocol/generated/fetch-response.js'
import {ZERO_UUID} from '../protocol/primitives.js'
import {entrySizeAt, LOG_OVERHEAD} from '../protocol/record-batch.js'
import {Fetch, ListOffsets, OffsetForLeaderEpoch} from './apis.js'
import type {ReplicationQuota} from './replication-quota.js'
import {offsetTruncationState, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET} from './truncation.js'

export interface FetcherSettings {
  /** replica.fetch.wait.max.ms */
  maxWaitMs: number
  /** replica.fetch.min.bytes */
  minBytes: number
  /** replica.fetch.response.max.bytes */
  maxBytes: number
  /** replica.fetch.max.bytes */
  partitionMaxBytes: number
  /** replica.fetch.backoff.ms */
  backoffMs: number
  /** replica.socket.timeout.ms */
  socketTimeoutMs: number
}

export interface ReplicaFetcherOptions {
  localBrokerId: number
  sourceBrokerId: number
  fetcherId: number
  /** Where the leader's inter-broker listener is now (undefined while it is unknown). */
  endpoint: () => {host: string; port: number} | undefined
  /** This broker's epoch, sent in ReplicaState (Fetch v15+). */
  brokerEpoch: () => bigint
  settings: FetcherSettings
  logger: Logger
  /** The follower-side replication throttle; default: none. */
  quota?: ReplicationQuota
}

type FetchStateKind = 'truncating' | 'fetching'

/** One partition's place in the fetcher (Kafka's PartitionFetchState). */
interface FetchState {
  partition: Partition
  kind: FetchStateKind
  fetchOffset: number
  /** The offset the partition was added at, used when the leader knows no offset for our epoch. */
  initialOffset: number
  currentLeaderEpoch: number
  /** The epoch of this replica's last batch, null when its log has none. */
  lastFetchedEpoch: number | null
  delayedUntil: number
  /** The leader's high watermark minus our fetch offset at the last answer; null before the first (Kafka's lag). */
  lag: number | null
}

const LATEST_TIMESTAMP = -1n
const EARLIEST_TIMESTAMP = -2n

export class ReplicaFetcher {
  readonly sourceBrokerId: number
  private readonly states = new Map<string, FetchState>()
  private connection: BrokerConnection | null = null
  private connecting: Promise<BrokerConnection> | null = null
  private stopped = false
  private wake: (() => void) | null = null
  private running: Promise<void> | null = null
  private readonly log: Logger

  constructor(private readonly opts: ReplicaFetcherOptions) {
    this.sourceBrokerId = opts.sourceBrokerId
    this.log = opts.logger.child(
      `[ReplicaFetcher replicaId=${opts.localBrokerId}, leaderId=${opts.sourceBrokerId}, fetcherId=${opts.fetcherId}] `,
      'kafka.server.ReplicaFetcherThread',
    )
  }

  get partitionCount(): number {
    return this.states.size
  }

  /** The partitions this fetcher replicates, by name (for tests and tools). */
  partitionNames(): string[] {
    return [...this.states.keys()]
  }

  /** Adds (or restarts) partitions, each at its current leader epoch; the loop starts on first use. */
  addPartitions(partitions: readonly Partition[]): void {
    for (const p of partitions) {
      const log = p.log
      const latest = log.latestEpoch()
      const initialOffset = latest !== null ? log.logEndOffset : log.highWatermark
      this.states.set(p.name, {
        partition: p,
        kind: 'truncating',
        fetchOffset: initialOffset,
        initialOffset,
        currentLeaderEpoch: p.leaderEpoch,
        lastFetchedEpoch: latest,
        delayedUntil: 0,
        lag: null,
      })
      this.log.info(`Added partition ${p.name} with initial offset ${initialOffset} in leader epoch ${p.leaderEpoch}`)
    }
    this.running ??= this.run()
    this.signal()
  }

  /** Stops replicating these partitions (they became leaders, follow another broker, or went away). */
  removePartitions(partitions: readonly Partition[]): void {
    for (const p of partitions) {
      const s = this.states.get(p.name)
      if (s !== undefined && s.partition === p) this.states.delete(p.name)
    }
    this.signal()
  }

  /** Stops the loop and closes the connection; resolves when the loop has ended. */
  async shutdown(): Promise<void> {
    this.stopped = true
    this.connection?.close()
    this.signal()
    await this.running
  }

  private signal(): void {
    const w = this.wake
    this.wake = null
    w?.()
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms))
      const self = this
      function done() {
        clearTimeout(timer)
        if (self.wake === done) self.wake = null
        resolve()
      }
      this.wake = done
    })
  }

  // ---------------------------------------------------------------- the loop

  private async run(): Promise<void> {
    while (!this.stopped) {
      const now = Date.now()
      const ready = [...this.states.values()].filter((s) => s.delayedUntil <= now)
      if (ready.length === 0) {
        const next = Math.min(...[...this.states.values()].map((s) => s.delayedUntil))
        await this.pause(this.states.size === 0 ? 60_000 : next - now)
        continue
      }
      let conn: BrokerConnection
      try {
        conn = await this.connect()
      } catch (e) {
        if (this.stopped) break
        this.log.info(`Could not connect to the leader: ${errorText(e)}; retrying in ${this.opts.settings.backoffMs} ms`)
        this.delayAll(this.opts.settings.backoffMs)
        continue
      }
      try {
        // Leadership may have moved while connecting: a partition that left this fetcher (or was
        // re-added to it) is another fetcher's now, and cutting its log here would undo what that
        // one appended since.
        const truncating = ready.filter((s) => s.kind === 'truncating' && this.current(s))
        if (truncating.length > 0) await this.truncate(conn, truncating)
        const fetchable = ready.filter((s) => s.kind === 'fetching' && this.states.get(s.partition.name) === s && s.delayedUntil <= Date.now())
        const fetching = fetchable.filter((s) => !this.shouldFollowerThrottle(s))
        if (fetching.length > 0) await this.fetch(conn, fetching)
        else if (fetchable.length > 0 && truncating.length === 0) await this.pause(this.opts.settings.backoffMs)
      } catch (e) {
        if (this.stopped) break
        this.log.warn(`Error in a request to the leader: ${errorText(e)}`)
        this.dropConnection()
        this.delayAll(this.opts.settings.backoffMs)
      }
    }
    this.dropConnection()
  }

  private async connect(): Promise<BrokerConnection> {
    if (this.connection !== null && !this.connection.closed) return this.connection
    this.connection = null
    if (this.connecting === null) {
      const endpoint = this.opts.endpoint()
      if (endpoint === undefined) throw new Error(`no endpoint is known for broker ${this.sourceBrokerId}`)
      const s = this.opts.settings
      this.connecting = BrokerConnection.open({
        host: endpoint.host,
        port: endpoint.port,
        clientId: `broker-${this.opts.localBrokerId}-fetcher-${this.opts.fetcherId}`,
        tls: null,
        sasl: null,
        connectTimeoutMs: Math.min(s.socketTimeoutMs, 10_000),
        requestTimeoutMs: s.socketTimeoutMs + s.maxWaitMs,
        softwareName: 'tskafka',
        softwareVersion: '0',
      })
    }
    try {
      this.connection = await this.connecting
    } finally {
      this.connecting = null
    }
    if (this.stopped) this.connection.close()
    return this.connection
  }

  private dropConnection(): void {
    this.connection?.close()
    this.connection = null
  }

  private delayAll(ms: number): void {
    const until = Date.now() + ms
    for (const s of this.states.values()) s.delayedUntil = Math.max(s.delayedUntil, until)
  }

  private delay(s: FetchState): void {
    s.delayedUntil = Date.now() + this.opts.settings.backoffMs
  }

  /** Kafka's shouldFollowerThrottle: a throttled partition out of sync waits while the quota is exceeded. */
  private shouldFollowerThrottle(s: FetchState): boolean {
    const quota = this.opts.quota
    if (quota === undefined) return false
    const inSync = s.lag !== null && s.lag <= 0
    return !inSync && quota.isThrottled(s.partition.topic, s.partition.partition) && quota.isQuotaExceeded()
  }

  /** Whether `s` is still the state of its partition (not removed or re-added meanwhile). */
  private current(s: FetchState): boolean {
    return !this.stopped && this.states.get(s.partition.name) === s
  }

  // ---------------------------------------------------------------- truncation

  /** OffsetForLeaderEpoch for the partitions with an epoch; the others are cut to their high watermark. */
  private async truncate(conn: BrokerConnection, truncating: FetchState[]): Promise<void> {
    const withEpoch: FetchState[] = []
    for (const s of truncating) {
      if (!this.current(s)) continue
      if (s.lastFetchedEpoch === null) {
        const hw = s.partition.log.highWatermark
        this.truncateTo(s, hw, 'no leader epoch')
        s.kind = 'fetching'
        s.fetchOffset = s.partition.log.logEndOffset
      } else withEpoch.push(s)
    }
    if (withEpoch.length === 0) return
    const byTopic = new Map<string, FetchState[]>()
    for (const s of withEpoch) {
      const list = byTopic.get(s.partition.topic)
      if (list) list.push(s)
      else byTopic.set(s.partition.topic, [s])
    }
    const response = await conn.request(OffsetForLeaderEpoch, {
      replicaId: this.opts.localBrokerId,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((s) => ({partition: s.partition.partition, currentLeaderEpoch: s.currentLeaderEpoch, leaderEpoch: s.lastFetchedEpoch!})),
      })),
    })
    const answered = new Set<FetchState>()
    for (const t of response.topics) {
      for (const r of t.partitions) {
        const s = withEpoch.find((x) => x.partition.topic === t.topic && x.partition.partition === r.partition)
        if (s === undefined || !this.current(s)) continue
        answered.add(s)
        if (r.errorCode !== ErrorCode.NONE) {
          this.log.info(`OffsetForLeaderEpoch of ${s.partition.name} failed: ${errorName(r.errorCode)}; retrying`)
          this.delay(s)
          continue
        }
        this.truncateToEpochEnd(s, {leaderEpoch: r.leaderEpoch, endOffset: Number(r.endOffset)}, false)
      }
    }
    // A partition the answer left out is asked about again after a pause, not in a busy loop.
    for (const s of withEpoch) if (!answered.has(s) && this.current(s)) this.delay(s)
  }

  /**
   * Truncates where the leader's log for an epoch ends (Kafka's maybeTruncateToEpochEndOffsets).
   * From a Fetch answer's diverging epoch the partition keeps fetching (the next answer says
   * whether more must go); from OffsetForLeaderEpoch it asks again while not done.
   */
  private truncateToEpochEnd(s: FetchState, leader: {leaderEpoch: number; endOffset: number}, onFetch: boolean): void {
    const log = s.partition.log
    const state = offsetTruncationState(leader, {
      logEndOffset: log.logEndOffset,
      initialFetchOffset: s.fetchOffset,
      endOffsetForEpoch: (epoch) => log.endOffsetForEpoch(epoch),
    })
    if (leader.endOffset === UNDEFINED_EPOCH_OFFSET || leader.leaderEpoch === UNDEFINED_EPOCH) {
      this.log.warn(`Based on replica's leader epoch, leader replied with an unknown offset in ${s.partition.name}. The offset ${state.offset} will be used for truncation.`)
    }
    this.truncateTo(s, state.offset, `leader epoch ${leader.leaderEpoch} ends at ${leader.endOffset}`)
    s.fetchOffset = state.offset
    s.lastFetchedEpoch = log.latestEpoch()
    s.kind = onFetch || state.truncationCompleted ? 'fetching' : 'truncating'
  }

  private truncateTo(s: FetchState, offset: number, why: string): void {
    const p = s.partition
    if (offset < p.log.logEndOffset) this.log.info(`Truncating partition ${p.name} with TruncationState(offset=${offset}) due to ${why}; log end offset was ${p.log.logEndOffset}`)
    // Even at the log end: an epoch this replica started as leader without appending anything
    // must leave its epoch cache, or every fetch would diverge on it again.
    p.truncateTo(offset)
  }

  // ---------------------------------------------------------------- fetching

  private async fetch(conn: BrokerConnection, fetching: FetchState[]): Promise<void> {
    const version = conn.versionFor(Fetch)
    const settings = this.opts.settings
    const byTopic = new Map<string, FetchState[]>()
    for (const s of fetching) {
      const list = byTopic.get(s.partition.topic)
      if (list) list.push(s)
      else byTopic.set(s.partition.topic, [s])
    }
    const request: FetchRequest = {
      clusterId: null,
      replicaId: version < 15 ? this.opts.localBrokerId : -1,
      replicaState: {replicaId: this.opts.localBrokerId, replicaEpoch: this.opts.brokerEpoch()},
      maxWaitMs: settings.maxWaitMs,
      minBytes: settings.minBytes,
      maxBytes: settings.maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        topicId: list[0]!.partition.topicId,
        partitions: list.map((s) => ({
          partition: s.partition.partition,
          currentLeaderEpoch: s.currentLeaderEpoch,
          fetchOffset: BigInt(s.fetchOffset),
          lastFetchedEpoch: s.lastFetchedEpoch ?? -1,
          logStartOffset: BigInt(s.partition.log.logStartOffset),
          partitionMaxBytes: settings.partitionMaxBytes,
          replicaDirectoryId: ZERO_UUID,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    }
    const sent = new Map(fetching.map((s) => [s, s.fetchOffset]))
    const response: FetchResponse = await conn.request(Fetch, request, version)
    if (response.errorCode !== ErrorCode.NONE) {
      this.log.warn(`Fetch from the leader failed: ${errorName(response.errorCode)}`)
      for (const s of fetching) this.delay(s)
      return
    }
    const answered = new Set<FetchState>()
    for (const t of response.responses) {
      for (const data of t.partitions) {
        const s = fetching.find((x) => x.partition.partition === data.partitionIndex && (version >= 13 ? x.partition.topicId === t.topicId : x.partition.topic === t.topic))
        // Only an answer for the partition as it was asked about counts.
        if (s === undefined || !this.current(s) || s.kind !== 'fetching' || sent.get(s) !== s.fetchOffset) continue
        answered.add(s)
        this.processPartition(s, data)
      }
    }
    for (const s of fetching) if (!answered.has(s) && this.current(s) && sent.get(s) === s.fetchOffset) this.delay(s)
  }

  private processPartition(s: FetchState, data: PartitionData): void {
    const p = s.partition
    switch (data.errorCode) {
      case ErrorCode.NONE:
        if (data.divergingEpoch.epoch >= 0) {
          const before = {offset: s.fetchOffset, epoch: s.lastFetchedEpoch}
          this.truncateToEpochEnd(s, {leaderEpoch: data.divergingEpoch.epoch, endOffset: Number(data.divergingEpoch.endOffset)}, true)
          // The same divergence again would be a busy loop: pause before asking again.
          if (s.fetchOffset === before.offset && s.lastFetchedEpoch === before.epoch) this.delay(s)
          return
        }
        try {
          this.append(s, data)
        } catch (e) {
          this.log.error(`Error processing data for partition ${p.name} at offset ${s.fetchOffset}: ${errorText(e)}`)
          this.delay(s)
        }
        return
      case ErrorCode.OFFSET_OUT_OF_RANGE:
        void this.handleOutOfRange(s)
        return
      case ErrorCode.FENCED_LEADER_EPOCH:
      case ErrorCode.UNKNOWN_LEADER_EPOCH:
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      case ErrorCode.UNKNOWN_TOPIC_ID:
      case ErrorCode.INCONSISTENT_TOPIC_ID:
        // Leadership is moving or the metadata has yet to reach one side: the next metadata settles it.
        this.log.debug(`Fetch of ${p.name} answered ${errorName(data.errorCode)}; retrying`)
        this.delay(s)
        return
      default:
        this.log.error(`Error for partition ${p.name} at offset ${s.fetchOffset}: ${errorName(data.errorCode)}`)
        this.delay(s)
    }
  }

  /** Kafka's ReplicaFetcherThread.processPartitionData. */
  private append(s: FetchState, data: PartitionData): void {
    const p = s.partition
    const log = p.log
    const records = data.records === null ? null : wholeEntries(data.records)
    if (records !== null && records.length > 0) {
      const r = p.appendRecordsToFollower(records, s.currentLeaderEpoch)
      if (r.validBytes > 0) {
        s.fetchOffset = r.lastOffset + 1
        const latest = log.latestEpoch()
        if (latest !== null) s.lastFetchedEpoch = latest
      }
      // Throttled traffic counts whether or not the replica is in sync, so the total stays bounded.
      if (this.opts.quota?.isThrottled(p.topic, p.partition)) this.opts.quota.record(records.length)
    }
    s.lag = Math.max(0, Number(data.highWatermark) - s.fetchOffset)
    // The follower's high watermark is the leader's, but never past what it holds.
    log.updateHighWatermark(Math.min(Number(data.highWatermark), log.logEndOffset))
    const leaderStart = Number(data.logStartOffset)
    if (leaderStart > log.logStartOffset && leaderStart <= log.highWatermark) log.maybeIncrementLogStartOffset(leaderStart)
  }

  /** Kafka's fetchOffsetAndTruncate: ask the leader where its log ends and starts. */
  private async handleOutOfRange(s: FetchState): Promise<void> {
    s.delayedUntil = Number.MAX_SAFE_INTEGER
    const p = s.partition
    try {
      const conn = await this.connect()
      const leaderEnd = await this.listOffset(conn, s, LATEST_TIMESTAMP)
      if (!this.current(s)) return
      const replicaEnd = p.log.logEndOffset
      if (leaderEnd < replicaEnd) {
        this.log.warn(`Reset fetch offset for partition ${p.name} from ${replicaEnd} to current leader's latest offset ${leaderEnd}`)
        p.truncateTo(leaderEnd)
        s.fetchOffset = leaderEnd
      } else {
        const leaderStart = await this.listOffset(conn, s, EARLIEST_TIMESTAMP)
        if (!this.current(s)) return
        if (leaderStart > p.log.logEndOffset) {
          this.log.warn(
            `Truncate fully and reset fetch offset for partition ${p.name} from ${p.log.logEndOffset} to the current leader's start offset ${leaderStart} because the local replica's end offset is smaller than the current leader's start offsets.`,
          )
          p.truncateFullyAndStartAt(leaderStart)
        }
        s.fetchOffset = Math.max(leaderStart, p.log.logEndOffset)
      }
      s.lastFetchedEpoch = p.log.latestEpoch()
      s.kind = 'fetching'
      s.delayedUntil = 0
    } catch (e) {
      this.log.info(`Could not fetch the leader's offsets for ${p.name}: ${errorText(e)}`)
      if (this.current(s)) this.delay(s)
    } finally {
      this.signal()
    }
  }

  private async listOffset(conn: BrokerConnection, s: FetchState, timestamp: bigint): Promise<number> {
    const p = s.partition
    const r = await conn.request(ListOffsets, {
      replicaId: this.opts.localBrokerId,
      isolationLevel: 0,
      topics: [{name: p.topic, partitions: [{partitionIndex: p.partition, currentLeaderEpoch: s.currentLeaderEpoch, timestamp, maxNumOffsets: 1}]}],
      timeoutMs: this.opts.settings.socketTimeoutMs,
    })
    const answer = r.topics[0]?.partitions[0]
    if (answer === undefined) throw new Error('ListOffsets answered no partition')
    if (answer.errorCode !== ErrorCode.NONE) throw new Error(`ListOffsets answered ${errorName(answer.errorCode)}`)
    return Number(answer.offset)
  }
}

/**
 * The whole batches at the start of fetched records. A leader's read stops at the size limit,
 * mid-batch (as Kafka's does); the follower appends what is whole and fetches the rest next
 * time, as Kafka's batch iterator ignores a partial last batch. Impossible lengths are left in
 * for the append to report.
 */
export function wholeEntries(records: Buffer): Buffer {
  let at = 0
  for (;;) {
    const size = entrySizeAt(records, at)
    if (size === null || at + size > records.length) break
    if (size <= LOG_OVERHEAD) return records
    at += size
  }
  return at === records.length ? records : records.subarray(0, at)
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
