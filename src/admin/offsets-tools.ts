// kafka-get-offsets.sh (GetOffsetShell) and kafka-delete-records.sh
// (DeleteRecordsCommand): topic/partition filters, --time specs, the offset
// JSON file, and their output lines.

import {readFileSync} from 'node:fs'

import {CommandError, UsageError} from '../cli/errors.js'
import {DeleteRecords} from '../client/apis.js'
import type {KafkaClient} from '../client/client.js'
import {
  EARLIEST_LOCAL_TIMESTAMP,
  EARLIEST_TIMESTAMP,
  LATEST_TIERED_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  MAX_TIMESTAMP,
  type PartitionRef,
} from '../client/offsets.js'
import {ErrorCode, errorMessage} from '../protocol/errors.js'
import {javaHashMapOrder, topicPartitionHash} from './java-order.js'
import {isInternalTopic, listTopics, topicIncludeFilter} from './topics.js'

/** GetOffsetShell.parseOffsetSpec. */
export function parseTimeSpec(text: string): bigint {
  switch (text) {
    case 'earliest':
      return EARLIEST_TIMESTAMP
    case 'latest':
      return LATEST_TIMESTAMP
    case 'max-timestamp':
      return MAX_TIMESTAMP
    case 'earliest-local':
      return EARLIEST_LOCAL_TIMESTAMP
    case 'latest-tiered':
      return LATEST_TIERED_TIMESTAMP
    case 'earliest-pending-upload':
      return -6n
  }
  if (!/^-?\d+$/.test(text)) {
    throw new UsageError(
      `Malformed time argument ${text}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered / -6 or earliest-pending-upload, or a specified long format timestamp`,
    )
  }
  return BigInt(text)
}

export interface PartitionFilter {
  topic: RegExp
  allows(partition: number): boolean
}

/** --topic (IncludeList) and --partitions (a set; empty means all). */
export function topicAndPartitionsFilter(topic: string | undefined, partitions: string | undefined): PartitionFilter[] {
  let set: Set<number> | null = null
  if (partitions !== undefined && partitions !== '') {
    const ids = partitions.split(',')
    if (!ids.every((p) => /^\s*-?\d+\s*$/.test(p))) throw new UsageError(`--partitions expects a comma separated list of numeric partition ids, but received: ${partitions}`)
    set = new Set(ids.map((p) => Number(p)))
  }
  return [{topic: topicIncludeFilter(topic ?? '.*'), allows: (p) => set === null || set.has(p)}]
}

const RULE = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/

/** --topic-partitions: "topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3" (ranges: lower inclusive, upper exclusive). */
export function topicPartitionsFilter(spec: string): PartitionFilter[] {
  return spec.split(',').map((rule) => {
    const m = RULE.exec(rule)
    if (!m) throw new UsageError(`Invalid rule specification: ${rule}`)
    const g = (i: number) => (m[i] !== undefined && m[i] !== '' ? m[i] : null)
    const topic = topicIncludeFilter(g(1) ?? '.*')
    if (g(2) !== null) {
      const only = Number(g(2))
      return {topic, allows: (p: number) => p === only}
    }
    const lower = g(3) !== null ? Number(g(3)) : 0
    const upper = g(4) !== null ? Number(g(4)) : 2147483647
    return {topic, allows: (p: number) => p >= lower && p < upper}
  })
}

export interface OffsetLine {
  topic: string
  partition: number
  offset: bigint
}

export async function getOffsets(client: KafkaClient, filters: PartitionFilter[], time: bigint, excludeInternal: boolean): Promise<{offsets: OffsetLine[]; skipped: string[]}> {
  const topics = (await listTopics(client)).filter((t) => !(excludeInternal && isInternalTopic(t)) && filters.some((f) => f.topic.test(t.name)))
  const md = topics.length > 0 ? await client.metadata(topics.map((t) => t.name)) : {topics: []}
  const refs: PartitionRef[] = []
  for (const t of md.topics) {
    if (t.errorCode !== 0 || t.name === null) continue
    for (const p of t.partitions) {
      if (filters.some((f) => f.topic.test(t.name!) && f.allows(p.partitionIndex))) {
        refs.push({topic: t.name, topicId: t.topicId, partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch})
      }
    }
  }
  if (refs.length === 0) throw new CommandError('Could not match any topic-partitions with the specified filters')
  const skipped: string[] = []
  const answers = new Map<string, {offset: bigint}>()
  // One partition failing (no leader, unsupported spec) is reported and skipped, as Kafka's tool does.
  await Promise.all(
    refs.map(async (r) => {
      try {
        if (r.leader < 0) throw new Error(errorMessage(ErrorCode.LEADER_NOT_AVAILABLE))
        const a = await listOffsets(client, [r], () => time)
        const v = a.get(`${r.topic}\u0000${r.partition}`)
        if (v) answers.set(`${r.topic}-${r.partition}`, v)
      } catch (error) {
        skipped.push(`Skip getting offsets for topic-partition ${r.topic}-${r.partition} due to error: ${(error as Error).message}`)
      }
    }),
  )
  const offsets = refs
    .map((r) => ({topic: r.topic, partition: r.partition, offset: answers.get(`${r.topic}-${r.partition}`)?.offset ?? -1n}))
    .filter((o) => o.offset !== -1n)
    // Kafka sorts by TopicPartition.toString(): "topic-partition" as text.
    .sort((a, b) => {
      const x = `${a.topic}-${a.partition}`
      const y = `${b.topic}-${b.partition}`
      return x < y ? -1 : x > y ? 1 : 0
    })
  return {offsets, skipped}
}

// ------------------------------------------------------------------ delete-records

export interface DeleteSpec {
  topic: string
  partition: number
  offset: bigint
}

/** DeleteRecordsCommand's JSON: {"partitions":[{"topic":"foo","partition":1,"offset":1}],"version":1}. */
export function parseOffsetJson(text: string): DeleteSpec[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new CommandError('The input string is not a valid JSON')
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new CommandError('The input string is not a valid JSON')
  const o = doc as Record<string, unknown>
  const version = o.version ?? 1
  if (version !== 1) throw new CommandError(`Not supported version field value ${String(version)}`)
  if (!Array.isArray(o.partitions)) throw new CommandError('Missing partitions field')
  const specs = o.partitions.map((p: unknown, i: number) => {
    const e = p as Record<string, unknown>
    if (typeof e?.topic !== 'string') throw new CommandError(`partitions[${i}].topic must be a string`)
    if (!Number.isInteger(e.partition)) throw new CommandError(`partitions[${i}].partition must be an integer`)
    if (!(Number.isInteger(e.offset) || (typeof e.offset === 'string' && /^-?\d+$/.test(e.offset)))) throw new CommandError(`partitions[${i}].offset must be an integer`)
    return {topic: e.topic, partition: e.partition as number, offset: BigInt(e.offset as number | string)}
  })
  const seen = new Set<string>()
  const dups = new Set<string>()
  for (const s of specs) {
    const k = `${s.topic}-${s.partition}`
    if (seen.has(k)) dups.add(k)
    seen.add(k)
  }
  if (dups.size > 0) throw new CommandError(`Offset json file contains duplicate topic partitions: ${[...dups].join(',')}`)
  return specs
}

export function readOffsetJsonFile(path: string): DeleteSpec[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new CommandError(`cannot read --offset-json-file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  return parseOffsetJson(text)
}

export interface DeleteResult {
  topic: string
  partition: number
  lowWatermark?: bigint
  error?: string
}

/**
 * DeleteRecords to each partition's leader. Kafka's tool prints results in the
 * iteration order of an immutable map (randomised per JVM); we use the order of
 * a HashMap of the partitions, which is at least stable.
 */
export async function deleteRecords(client: KafkaClient, specs: DeleteSpec[]): Promise<DeleteResult[]> {
  const topics = [...new Set(specs.map((s) => s.topic))]
  const md = await client.metadata(topics)
  const results = new Map<string, DeleteResult>()
  const byLeader = new Map<number, DeleteSpec[]>()
  for (const s of specs) {
    const t = md.topics.find((x) => x.name === s.topic)
    const p = t?.errorCode === 0 ? t.partitions.find((x) => x.partitionIndex === s.partition) : undefined
    if (!p) {
      results.set(`${s.topic}-${s.partition}`, {topic: s.topic, partition: s.partition, error: errorMessage(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)})
      continue
    }
    if (p.leaderId < 0) {
      results.set(`${s.topic}-${s.partition}`, {topic: s.topic, partition: s.partition, error: errorMessage(ErrorCode.LEADER_NOT_AVAILABLE)})
      continue
    }
    byLeader.set(p.leaderId, [...(byLeader.get(p.leaderId) ?? []), s])
  }
  await Promise.all(
    [...byLeader].map(async ([leader, group]) => {
      const conn = await client.connectionTo(leader)
      const byTopic = new Map<string, DeleteSpec[]>()
      for (const s of group) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s])
      const response = await conn.request(DeleteRecords, {
        topics: [...byTopic].map(([name, ps]) => ({name, partitions: ps.map((p) => ({partitionIndex: p.partition, offset: p.offset}))})),
        timeoutMs: 30_000,
      })
      for (const t of response.topics) {
        for (const p of t.partitions) {
          results.set(
            `${t.name}-${p.partitionIndex}`,
            p.errorCode === 0 ? {topic: t.name, partition: p.partitionIndex, lowWatermark: p.lowWatermark} : {topic: t.name, partition: p.partitionIndex, error: errorMessage(p.errorCode)},
          )
        }
      }
    }),
  )
  const ordered = javaHashMapOrder(
    specs.map((s) => `${s.topic}\u0000${s.partition}`),
    (k) => k,
    undefined,
    (k) => {
      const i = k.lastIndexOf('\u0000')
      return topicPartitionHash(k.slice(0, i), Number(k.slice(i + 1)))
    },
  )
  return ordered.map((k) => {
    const i = k.lastIndexOf('\u0000')
    return results.get(`${k.slice(0, i)}-${k.slice(i + 1)}`)!
  })
}
