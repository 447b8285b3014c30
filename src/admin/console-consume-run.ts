// The console consumer's main loop without a consumer group: the topic's (or
// the --include regex's) partitions are assigned directly and read with Fetch,
// as Kafka's console consumer does with its throw-away group and auto-commit
// off, minus the group join (which costs seconds). New topics and partitions
// are picked up while it runs.

import {CommandError} from '../cli/errors.js'
import type {KafkaClient} from '../client/client.js'
import {DEFAULT_FETCHER_OPTIONS, type FetchedRecord, Fetcher, type PartitionPosition} from '../client/fetcher.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, type PartitionRef, partitionsOf} from '../client/offsets.js'
import {type ConsumerPlan, formatRecord, type FormatterConfig, jsonLine} from './console-consumer.js'
import {INTERNAL_TOPICS} from './topics.js'

export interface ConsumeIo {
  /** Writes a chunk of output; returns false once the output is gone (EPIPE). */
  write(chunk: Buffer): boolean
  err(line: string): void
  /** True once the user asked to stop (SIGINT). */
  stopped(): boolean
  /** Records handed out so far, kept current so an error can still report them. */
  progress: {count: number}
}

export interface ConsumeResult {
  count: number
  reason: 'max-messages' | 'timeout' | 'end' | 'stopped' | 'output-closed'
}

const REFRESH_MS = 3000

async function matchingTopics(client: KafkaClient, plan: ConsumerPlan): Promise<string[]> {
  if (plan.topic !== undefined) return [plan.topic]
  const md = await client.metadata(null)
  return md.topics
    .filter((t) => t.errorCode === 0 && t.name !== null && !t.isInternal && !INTERNAL_TOPICS.has(t.name) && plan.include!.test(t.name))
    .map((t) => t.name!)
    .sort()
}

async function positionsFor(client: KafkaClient, plan: ConsumerPlan, refs: PartitionRef[], partitionMaxBytes: number): Promise<PartitionPosition[]> {
  if (refs.length === 0) return []
  const start = plan.start
  const startTs = start.kind === 'earliest' ? EARLIEST_TIMESTAMP : start.kind === 'latest' ? LATEST_TIMESTAMP : start.kind === 'time' ? start.timestamp : null
  const starts = startTs === null ? null : await listOffsets(client, refs, () => startTs, plan.isolationLevel)
  const needLatest = start.kind === 'time' || plan.toTime !== undefined
  const latest = needLatest ? await listOffsets(client, refs, () => LATEST_TIMESTAMP, plan.isolationLevel) : null
  const ends = plan.toTime !== undefined ? await listOffsets(client, refs, () => plan.toTime! + 1n, plan.isolationLevel) : null
  return refs.map((r) => {
    const k = `${r.topic}\u0000${r.partition}`
    let offset: bigint
    if (start.kind === 'offset') offset = start.offset
    else {
      offset = starts!.get(k)?.offset ?? -1n
      // No record at or after --from-time: start at the end.
      if (offset < 0n) offset = latest?.get(k)?.offset ?? 0n
    }
    let end: bigint | undefined
    if (ends) {
      const e = ends.get(k)?.offset ?? -1n
      end = e >= 0n ? e : latest!.get(k)!.offset
    }
    return {...r, offset, end, maxBytes: partitionMaxBytes}
  })
}

export async function runGroupless(client: KafkaClient, plan: ConsumerPlan, formatter: FormatterConfig, props: ReadonlyMap<string, string>, io: ConsumeIo): Promise<ConsumeResult> {
  const intProp = (k: string, d: number) => (props.has(k) && /^\d+$/.test(props.get(k)!.trim()) ? Number(props.get(k)) : d)
  const fetchOptions = {
    ...DEFAULT_FETCHER_OPTIONS,
    isolationLevel: plan.isolationLevel,
    resetPolicy: plan.resetPolicy,
    maxWaitMs: Math.max(1, Math.min(intProp('fetch.max.wait.ms', 500), Number.isFinite(plan.timeoutMs) ? Math.max(plan.timeoutMs, 1) : 500)),
    minBytes: intProp('fetch.min.bytes', 1),
    maxBytes: intProp('fetch.max.bytes', 52428800),
    partitionMaxBytes: intProp('max.partition.fetch.bytes', 1048576),
  }
  const topics = await matchingTopics(client, plan)
  let refs = topics.length > 0 ? await partitionsOf(client, topics, {allowAutoTopicCreation: plan.topic !== undefined && props.get('allow.auto.create.topics') !== 'false'}) : []
  if (plan.partition !== undefined) {
    const count = refs.length
    refs = refs.filter((r) => r.partition === plan.partition)
    if (refs.length === 0) throw new CommandError(`Partition ${plan.partition} of topic ${plan.topic} does not exist (the topic has ${count} partition${count === 1 ? '' : 's'})`)
  }
  if (plan.maxMessages === 0) return {count: 0, reason: 'max-messages'}
  const fetcher = new Fetcher(client, await positionsFor(client, plan, refs, fetchOptions.partitionMaxBytes), fetchOptions)
  let count = 0
  let lastActivity = Date.now()
  let lastRefresh = Date.now()
  const bounded = plan.toTime !== undefined
  for (;;) {
    if (io.stopped()) return {count, reason: 'stopped'}
    if (bounded && fetcher.done) return {count, reason: 'end'}
    if (!bounded && plan.partition === undefined && Date.now() - lastRefresh > REFRESH_MS) {
      lastRefresh = Date.now()
      const now = await matchingTopics(client, plan)
      const known = new Set([...fetcher.positions.values()].map((p) => `${p.topic}\u0000${p.partition}`))
      const fresh = (now.length > 0 ? await partitionsOf(client, now).catch(() => []) : []).filter((r) => !known.has(`${r.topic}\u0000${r.partition}`))
      // Partitions that appear later are read from their beginning, as a subscription's reset to 'earliest' would;
      // with 'latest' Kafka starts them at their end.
      if (fresh.length > 0) fetcher.add(await positionsFor(client, {...plan, start: plan.resetPolicy === 'earliest' ? {kind: 'earliest'} : {kind: 'latest'}}, fresh, fetchOptions.partitionMaxBytes))
    }
    let records: FetchedRecord[]
    if (fetcher.active.length === 0) {
      await new Promise((r) => setTimeout(r, Math.min(fetchOptions.maxWaitMs, 200)))
      records = []
    } else {
      records = await fetcher.poll()
    }
    if (io.stopped()) return {count, reason: 'stopped'}
    if (records.length === 0) {
      if (Date.now() - lastActivity > plan.timeoutMs) return {count, reason: 'timeout'}
      continue
    }
    lastActivity = Date.now()
    const chunks: Buffer[] = []
    let reachedMax = false
    for (const r of records) {
      if (plan.maxMessages >= 0 && count >= plan.maxMessages) {
        reachedMax = true
        break
      }
      count++
      io.progress.count = count
      try {
        chunks.push(plan.json ? jsonLine(r) : formatRecord(r, formatter))
      } catch (error) {
        if (!plan.skipMessageOnError) {
          if (chunks.length > 0) io.write(Buffer.concat(chunks))
          throw new CommandError(`Error processing message at ${r.topic}-${r.partition} offset ${r.offset}: ${(error as Error).message} (--skip-message-on-error skips such records)`)
        }
        io.err(`Error processing message, skipping this message: ${(error as Error).message} (${r.topic}-${r.partition} offset ${r.offset})`)
      }
    }
    if (chunks.length > 0 && !io.write(Buffer.concat(chunks))) return {count, reason: 'output-closed'}
    if (reachedMax || (plan.maxMessages >= 0 && count >= plan.maxMessages)) return {count, reason: 'max-messages'}
  }
}
