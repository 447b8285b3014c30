// Reads records from assigned partitions with Fetch, as a consumer without a
// group does (assign + seek): one request per leader at a time, positions kept
// here, OFFSET_OUT_OF_RANGE reset by policy, leadership changes followed via
// Metadata, compressed batches decoded off the main thread, transactions
// filtered for read_committed (aborted data and control batches skipped).

import {ErrorCode, errorMessage, KafkaError} from '../protocol/errors.js'
import type {FetchRequest} from '../protocol/generated/fetch-request.js'
import type {FetchResponse, PartitionData} from '../protocol/generated/fetch-response.js'
import {ControlRecordType, decodeRecordBatchAsync, iterateBatches, TIMESTAMP_TYPE_NAMES} from '../protocol/record-batch.js'
import {Fetch} from './apis.js'
import type {KafkaClient} from './client.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, type PartitionRef, partitionsOf} from './offsets.js'

export interface FetchedRecord {
  topic: string
  partition: number
  offset: bigint
  timestamp: bigint
  timestampType: 'CreateTime' | 'LogAppendTime'
  leaderEpoch: number
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: string; value: Buffer | null}>
}

export interface PartitionPosition extends PartitionRef {
  /** Next offset to fetch. */
  offset: bigint
  /** Stop before this offset (exclusive), if set. */
  end?: bigint
  maxBytes: number
}

export interface FetcherOptions {
  isolationLevel: 0 | 1
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  partitionMaxBytes: number
  /** auto.offset.reset for OFFSET_OUT_OF_RANGE. */
  resetPolicy: 'earliest' | 'latest' | 'none'
}

export const DEFAULT_FETCHER_OPTIONS: FetcherOptions = {
  isolationLevel: 0,
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 52428800,
  partitionMaxBytes: 1048576,
  resetPolicy: 'latest',
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`

export class Fetcher {
  readonly positions = new Map<string, PartitionPosition>()

  constructor(
    private readonly client: KafkaClient,
    positions: PartitionPosition[],
    private readonly options: FetcherOptions,
  ) {
    for (const p of positions) this.positions.set(key(p.topic, p.partition), p)
  }

  /** Partitions that still have something to read (no end, or not reached yet). */
  get active(): PartitionPosition[] {
    return [...this.positions.values()].filter((p) => p.end === undefined || p.offset < p.end)
  }

  get done(): boolean {
    return this.active.length === 0
  }

  /** Adds partitions (newly created topics or partitions). */
  add(positions: PartitionPosition[]): void {
    for (const p of positions) if (!this.positions.has(key(p.topic, p.partition))) this.positions.set(key(p.topic, p.partition), p)
  }

  /**
   * One round: a Fetch to every leader of an active partition (in parallel);
   * resolves with the records in offset order per partition.
   */
  async poll(): Promise<FetchedRecord[]> {
    const active = this.active
    if (active.length === 0) return []
    const byLeader = new Map<number, PartitionPosition[]>()
    for (const p of active) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p])
    const results = await Promise.all([...byLeader].map(([leader, ps]) => this.fetchFrom(leader, ps)))
    return results.flat()
  }

  private async fetchFrom(leader: number, partitions: PartitionPosition[]): Promise<FetchedRecord[]> {
    const conn = await this.client.connectionTo(leader)
    const version = conn.versionFor(Fetch)
    const topics = new Map<string, PartitionPosition[]>()
    for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p])
    const request = {
      clusterId: null,
      replicaId: -1,
      maxWaitMs: this.options.maxWaitMs,
      minBytes: this.options.minBytes,
      maxBytes: this.options.maxBytes,
      isolationLevel: version >= 4 ? this.options.isolationLevel : 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...topics].map(([topic, ps]) => ({
        topic,
        topicId: ps[0]!.topicId,
        partitions: ps.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: version >= 9 ? p.leaderEpoch : -1,
          fetchOffset: p.offset,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: p.maxBytes,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    } as unknown as FetchRequest
    const response: FetchResponse = await conn.request(Fetch, request, version)
    if (response.errorCode !== 0) throw new KafkaError(response.errorCode)
    const out: FetchedRecord[] = []
    let refresh = false
    for (const t of response.responses) {
      const topicName = t.topic || [...topics.values()].flat().find((p) => p.topicId === t.topicId)?.topic || ''
      for (const pd of t.partitions) {
        const pos = this.positions.get(key(topicName, pd.partitionIndex))
        if (!pos) continue
        const code = pd.errorCode
        if (code === 0) {
          out.push(...(await this.records(pos, pd)))
        } else if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.reset(pos)
        } else if (
          code === ErrorCode.NOT_LEADER_OR_FOLLOWER ||
          code === ErrorCode.LEADER_NOT_AVAILABLE ||
          code === ErrorCode.FENCED_LEADER_EPOCH ||
          code === ErrorCode.UNKNOWN_LEADER_EPOCH ||
          code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
          code === ErrorCode.UNKNOWN_TOPIC_ID ||
          code === ErrorCode.KAFKA_STORAGE_ERROR ||
          code === ErrorCode.OFFSET_NOT_AVAILABLE
        ) {
          refresh = true
        } else {
          throw new KafkaError(code, `${errorMessage(code)} (${pos.topic}-${pos.partition})`)
        }
      }
    }
    if (refresh) await this.refreshLeaders()
    return out
  }

  private async reset(pos: PartitionPosition): Promise<void> {
    if (this.options.resetPolicy === 'none') {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `Fetch position ${pos.offset} is out of range for partition ${pos.topic}-${pos.partition}`)
    }
    const ts = this.options.resetPolicy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP
    const answer = await listOffsets(this.client, [pos], () => ts, this.options.isolationLevel)
    pos.offset = answer.get(key(pos.topic, pos.partition))?.offset ?? pos.offset
  }

  private async refreshLeaders(): Promise<void> {
    await new Promise((r) => setTimeout(r, 100))
    const topics = [...new Set([...this.positions.values()].map((p) => p.topic))]
    const refs = await partitionsOf(this.client, topics)
    for (const r of refs) {
      const pos = this.positions.get(key(r.topic, r.partition))
      if (pos) {
        pos.leader = r.leader
        pos.leaderEpoch = r.leaderEpoch
      }
    }
  }

  private async records(pos: PartitionPosition, pd: PartitionData): Promise<FetchedRecord[]> {
    const bytes = pd.records
    if (!bytes || bytes.length === 0) return []
    const out: FetchedRecord[] = []
    const aborted = [...(pd.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1))
    const abortedProducers = new Set<bigint>()
    let sawBatch = false
    for (const entry of iterateBatches(bytes)) {
      sawBatch = true
      const h = entry.header
      if (h.lastOffset < pos.offset) continue
      if (this.options.isolationLevel === 1 && h.isTransactional) {
        while (aborted.length > 0 && aborted[0]!.firstOffset <= h.lastOffset) abortedProducers.add(aborted.shift()!.producerId)
      }
      if (h.isControl) {
        if (this.options.isolationLevel === 1) {
          const batch = await decodeRecordBatchAsync(entry.bytes, 0, {verifyCrc: false})
          const k = batch.records[0]?.key
          if (k && k.length >= 4 && k.readInt16BE(2) === ControlRecordType.ABORT) abortedProducers.delete(h.producerId)
        }
        pos.offset = h.lastOffset + 1n
        continue
      }
      if (this.options.isolationLevel === 1 && h.isTransactional && abortedProducers.has(h.producerId)) {
        pos.offset = h.lastOffset + 1n
        continue
      }
      const batch = await decodeRecordBatchAsync(entry.bytes)
      for (const r of batch.records) {
        if (r.offset < pos.offset) continue
        if (pos.end !== undefined && r.offset >= pos.end) break
        out.push({
          topic: pos.topic,
          partition: pos.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          timestampType: TIMESTAMP_TYPE_NAMES[h.timestampType],
          leaderEpoch: h.partitionLeaderEpoch,
          // Copies: the fetch buffer is released after this round.
          key: r.key === null ? null : Buffer.from(r.key),
          value: r.value === null ? null : Buffer.from(r.value),
          headers: r.headers.map((x) => ({key: x.key, value: x.value === null ? null : Buffer.from(x.value)})),
        })
      }
      // Compaction can leave gaps: continue after the batch, not after its last surviving record.
      pos.offset = h.lastOffset + 1n
    }
    if (!sawBatch) {
      // The next batch is bigger than the partition limit: ask for more, as Kafka's consumer effectively does.
      pos.maxBytes = Math.min(pos.maxBytes * 2, this.options.maxBytes)
    }
    if (pos.end !== undefined && pos.offset > pos.end) pos.offset = pos.end
    return out
  }
}
