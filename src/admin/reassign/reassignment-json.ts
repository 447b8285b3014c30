// Kafka's partition reassignment JSON and topics-to-move JSON, read and written
// as kafka-reassign-partitions.sh does: the same field rules, the same checks
// before anything is sent, the same messages, and the same compact output
// ({"version":1,"partitions":[{"topic","partition","replicas","log_dirs"}]},
// partitions sorted by topic then partition). Pure: text in, data or text out.

import {CommandError} from '../../cli/errors.js'
import {javaHashMapOrder} from '../java-order.js'

/** The log dir Kafka writes when a replica may live in any of its broker's dirs. */
export const ANY_LOG_DIR = 'any'
/** The only reassignment JSON version Kafka knows (and the default without one). */
export const EARLIEST_VERSION = 1
export const EARLIEST_TOPICS_JSON_VERSION = 1

export interface TopicPartition {
  topic: string
  partition: number
}

/** One entry of a reassignment file: target replicas (preferred leader first) and a log dir per replica. */
export interface PartitionReassignment extends TopicPartition {
  replicas: number[]
  /** One per replica, 'any' where the file gives none. */
  logDirs: string[]
}

/** A bad reassignment or topics-to-move file: one line, exit 1. */
export class ReassignmentJsonError extends CommandError {
  override name = 'ReassignmentJsonError'
}

/** Kafka's TopicPartition.toString: topic-partition. */
export function tpName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`
}

/** ReassignPartitionsCommand.compareTopicPartitions: topic (UTF-16 order, as String.compareTo), then partition. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1
  return a.partition - b.partition
}

// ------------------------------------------------------------- JSON decoding
// Kafka decodes with Jackson and its DecodeJson helpers; these keep their texts.

type Json = null | boolean | number | string | Json[] | {[k: string]: Json}

/** What Jackson's JsonNode.toString prints for a node in an error message. */
function nodeText(v: Json): string {
  return JSON.stringify(v)
}

function isObject(v: Json): v is {[k: string]: Json} {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function asObject(v: Json): {[k: string]: Json} {
  if (!isObject(v)) throw new ReassignmentJsonError(`Expected JSON object, received ${nodeText(v)}`)
  return v
}

function asArray(v: Json): Json[] {
  if (!Array.isArray(v)) throw new ReassignmentJsonError(`Expected JSON array, received ${nodeText(v)}`)
  return v
}

function field(obj: {[k: string]: Json}, name: string): Json {
  if (!Object.prototype.hasOwnProperty.call(obj, name)) throw new ReassignmentJsonError(`No such field exists: \`${name}\``)
  return obj[name]!
}

/** DecodeJson.DecodeInteger: a JSON integer within Java's int range. */
function toInt(v: Json): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v
  throw new ReassignmentJsonError(`Expected \`Integer\` value, received ${nodeText(v)}`)
}

function toStr(v: Json): string {
  if (typeof v === 'string') return v
  throw new ReassignmentJsonError(`Expected \`String\` value, received ${nodeText(v)}`)
}

function toList<T>(v: Json, each: (e: Json) => T): T[] {
  if (!Array.isArray(v)) throw new ReassignmentJsonError(`Expected \`JSON array\` value, received ${nodeText(v)}`)
  return v.map(each)
}

function versionOf(obj: {[k: string]: Json}, fallback: number): number {
  return Object.prototype.hasOwnProperty.call(obj, 'version') ? toInt(obj.version!) : fallback
}

function parseJsonText(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json
  } catch {
    return undefined
  }
}

/**
 * parseTopicsData: the topics of a --topics-to-move-json-file
 * ({"topics":[{"topic":"foo"}],"version":1}), in file order, duplicates kept
 * (validateGenerateArgs reports them).
 */
export function parseTopicsToMoveJson(text: string): string[] {
  const parsed = text.trim() === '' ? undefined : parseJsonText(text)
  if (parsed === undefined) throw new ReassignmentJsonError('The input string is not a valid JSON')
  const obj = asObject(parsed)
  const version = versionOf(obj, EARLIEST_TOPICS_JSON_VERSION)
  if (version !== 1) throw new ReassignmentJsonError(`Not supported version field value ${version}`)
  if (!Object.prototype.hasOwnProperty.call(obj, 'topics')) return []
  return asArray(obj.topics!).map((entry) => toStr(field(asObject(entry), 'topic')))
}

/**
 * parsePartitionReassignmentData: every entry of a --reassignment-json-file
 * in file order, without removing duplicates (so they can be reported).
 */
export function parseReassignmentJson(text: string): PartitionReassignment[] {
  if (text === '') throw new ReassignmentJsonError('The input string shouldn\'t be empty')
  let parsed: Json
  try {
    parsed = JSON.parse(text) as Json
  } catch (error) {
    throw new ReassignmentJsonError(`The input string is not a valid JSON: ${(error as Error).message}`)
  }
  const obj = asObject(parsed)
  const version = versionOf(obj, EARLIEST_VERSION)
  if (version !== 1) throw new ReassignmentJsonError(`Not supported version field value ${version}`)
  if (!Object.prototype.hasOwnProperty.call(obj, 'partitions')) return []
  const out: PartitionReassignment[] = []
  for (const entry of asArray(obj.partitions!)) {
    const fields = asObject(entry)
    const topic = toStr(field(fields, 'topic'))
    const partition = toInt(field(fields, 'partition'))
    const replicas = toList(field(fields, 'replicas'), toInt)
    const logDirs = Object.prototype.hasOwnProperty.call(fields, 'log_dirs') ? toList(fields.log_dirs!, toStr) : replicas.map(() => ANY_LOG_DIR)
    if (replicas.length !== logDirs.length) {
      throw new ReassignmentJsonError(
        `Size of replicas list ${javaList(replicas)} is different from size of log dirs list ${javaList(logDirs)} for partition ${tpName({topic, partition})}`,
      )
    }
    out.push({topic, partition, replicas, logDirs})
  }
  return out
}

/** java.util.List#toString. */
function javaList(items: readonly unknown[]): string {
  return `[${items.join(', ')}]`
}

/** Elements that occur more than once, each once, in java.util.HashSet order (ToolsUtils.duplicates printed). */
function duplicateInts(items: readonly number[]): number[] {
  const seen = new Set<number>()
  const dups = new Set<number>()
  for (const i of items) (seen.has(i) ? dups : seen).add(i)
  return javaIntSetOrder([...dups])
}

/** java.util.HashSet<Integer> iteration order: buckets by the int's own hash. */
export function javaIntSetOrder(items: readonly number[]): number[] {
  return javaHashMapOrder(items, String, undefined, (k) => Number(k) | 0)
}

/** java.util.HashSet<String> iteration order. */
export function javaStringSetOrder(items: readonly string[]): string[] {
  return javaHashMapOrder(items, (s) => s)
}

/**
 * parseExecuteAssignmentArgs' checks, in Kafka's order: a non-empty list, no
 * empty replica list, no partition twice, no replica twice in a partition.
 * tskafka adds: partition ids and broker ids are not negative.
 */
export function validateReassignmentForExecute(entries: readonly PartitionReassignment[]): void {
  if (entries.length === 0) throw new ReassignmentJsonError('Partition reassignment list cannot be empty')
  if (entries.some((e) => e.replicas.length === 0)) throw new ReassignmentJsonError('Partition replica list cannot be empty')
  const seen = new Set<string>()
  const dupParts: string[] = []
  for (const e of entries) {
    const key = tpName(e)
    if (seen.has(key) && !dupParts.includes(key)) dupParts.push(key)
    seen.add(key)
  }
  if (dupParts.length > 0) {
    throw new ReassignmentJsonError(`Partition reassignment contains duplicate topic partitions: ${dupParts.join(',')}`)
  }
  const dupReplicas = entries
    .map((e) => ({tp: tpName(e), dups: duplicateInts(e.replicas)}))
    .filter((d) => d.dups.length > 0)
    .map((d) => `${d.tp} contains multiple entries for ${d.dups.join(',')}`)
  if (dupReplicas.length > 0) throw new ReassignmentJsonError(`Partition replica lists may not contain duplicate entries: ${dupReplicas.join('. ')}`)
  for (const e of entries) {
    if (e.partition < 0) throw new ReassignmentJsonError(`Invalid partition ${e.partition} for topic ${e.topic}: partition ids are not negative`)
    const bad = e.replicas.find((r) => r < 0)
    if (bad !== undefined) throw new ReassignmentJsonError(`Invalid broker id ${bad} in the replicas of partition ${tpName(e)}: broker ids are not negative`)
  }
}

/** parseGenerateAssignmentArgs: the --broker-list ids and the topics, refusing duplicates of either. */
export function validateGenerateArgs(brokerList: string, topics: readonly string[]): {brokers: number[]; topics: string[]} {
  const brokers = brokerList.split(',').map((s) => {
    // Integer.parseInt: an optional sign and decimal digits, nothing else (not even spaces).
    if (!/^[+-]?\d+$/.test(s) || Number(s) > 2147483647 || Number(s) < -2147483648) {
      throw new ReassignmentJsonError(`Invalid --broker-list "${brokerList}": For input string: "${s}" (expected broker ids like "1,2,3")`)
    }
    return Number(s)
  })
  const dupBrokers = duplicateInts(brokers)
  if (dupBrokers.length > 0) throw new ReassignmentJsonError(`Broker list contains duplicate entries: ${javaList(dupBrokers)}`)
  const seen = new Set<string>()
  const dupTopics = new Set<string>()
  for (const t of topics) (seen.has(t) ? dupTopics : seen).add(t)
  if (dupTopics.size > 0) throw new ReassignmentJsonError(`List of topics to reassign contains duplicate entries: ${javaList(javaStringSetOrder([...dupTopics]))}`)
  return {brokers, topics: [...topics]}
}

// ------------------------------------------------------------- JSON encoding

export interface ReplicaAssignment extends TopicPartition {
  replicas: readonly number[]
  /** One per replica; omitted or 'any' entries are written as "any". */
  logDirs?: readonly string[]
}

/**
 * formatAsReassignmentJson: Kafka's compact JSON, partitions sorted by topic
 * then partition, a log dir for every replica. Both tools read it back.
 */
export function formatReassignmentJson(assignments: Iterable<ReplicaAssignment>): string {
  const partitions = [...assignments].sort(compareTopicPartitions).map((a) => ({
    topic: a.topic,
    partition: a.partition,
    replicas: [...a.replicas],
    log_dirs: a.replicas.map((_, i) => a.logDirs?.[i] ?? ANY_LOG_DIR),
  }))
  return JSON.stringify({version: 1, partitions})
}

/** A topics-to-move file as Kafka documents it: {"topics":[{"topic":"foo"}],"version":1}. */
export function formatTopicsToMoveJson(topics: readonly string[]): string {
  return JSON.stringify({topics: topics.map((topic) => ({topic})), version: 1})
}
