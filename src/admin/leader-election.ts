// `tskafka leader-election`, kafka-leader-election.sh's logic: its flag checks and
// messages, its --path-to-json-file format ({"partitions":[{"topic":"t","partition":0}]}),
// one ElectLeaders request, and its three kinds of output line. Kafka prints
// partitions in java.util.HashSet order; we reproduce that order so that both
// tools print the same bytes. Parsing and rendering are pure; electLeaders() is
// the one request.

import {readFileSync} from 'node:fs'

import type {KafkaClient} from '../client/client.js'
import {ElectLeaders} from '../client/apis.js'
import {RequestTimeoutError} from '../client/errors.js'
import {CommandError, UsageError} from '../cli/errors.js'
import {ErrorCode, errorMessage, errorName} from '../protocol/errors.js'
import type {ElectLeadersResponse} from '../protocol/generated/elect-leaders-response.js'
import {javaHashMapOrder, javaStringHash, topicPartitionHash} from './java-order.js'

export type ElectionType = 'PREFERRED' | 'UNCLEAN'

/** ElectionType.value, as the request carries it. */
const ELECTION_TYPE_VALUE: Record<ElectionType, number> = {PREFERRED: 0, UNCLEAN: 1}

/** What Kafka 4.3's tool prints (to stdout) for --admin.config; tskafka writes it to stderr. */
export const ADMIN_CONFIG_DEPRECATION = 'Option --admin.config has been deprecated and will be removed in a future version. Use --command-config instead.'

/** What ElectLeaders times out after: the tool's default.api.timeout.ms. */
export const ELECTION_TIMEOUT_MS = 30_000

export interface TopicPartition {
  topic: string
  partition: number
}

/** The flags as given (strings where Kafka converts them itself, so its messages can be kept). */
export interface LeaderElectionFlags {
  'election-type'?: string
  topic?: string
  partition?: string
  'all-topic-partitions'?: boolean
  'path-to-json-file'?: string
}

/** What to elect: `partitions` null means every partition (--all-topic-partitions). */
export interface ElectionRequest {
  electionType: ElectionType
  partitions: TopicPartition[] | null
  /** Where the partitions come from, when from a file. */
  jsonFile?: string
}

/** A bad --path-to-json-file: one line, exit 1. */
export class ElectionJsonError extends CommandError {
  override name = 'ElectionJsonError'
}

/** Kafka's TopicPartition.toString. */
export function tpName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`
}

/** ElectionTypeConverter (joptsimple's EnumConverter): the enum's names, in any case. */
export function parseElectionType(value: string): ElectionType {
  const upper = value.toUpperCase()
  if (upper === 'PREFERRED' || upper === 'UNCLEAN') return upper
  throw new UsageError(`Cannot parse argument '${value}' of option election-type`)
}

/** joptsimple's Integer conversion (Integer.valueOf): an optional sign, decimal digits, within int range. */
export function parsePartitionFlag(value: string): number {
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw new UsageError(`Cannot parse argument '${value}' of option partition`)
  return n
}

/**
 * LeaderElectionCommandOptions.validate, then the conversions, in Kafka's order. The bootstrap
 * server is not required here: tskafka also finds it in contexts and the local cluster.
 */
export function validateLeaderElectionFlags(flags: LeaderElectionFlags): {electionType: ElectionType; topic?: string; partition?: number; all: boolean; jsonFile?: string} {
  const electionType = flags['election-type'] === undefined ? undefined : parseElectionType(flags['election-type'])
  const partition = flags.partition === undefined ? undefined : parsePartitionFlag(flags.partition)
  if (electionType === undefined) throw new UsageError('Missing required option(s): election-type')
  const exclusive = [flags.topic !== undefined, Boolean(flags['all-topic-partitions']), flags['path-to-json-file'] !== undefined]
  if (exclusive.filter(Boolean).length !== 1) {
    throw new UsageError('One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file')
  }
  if (flags.topic !== undefined && partition === undefined) throw new UsageError('Missing required option(s): partition')
  if (flags.topic === undefined && partition !== undefined) throw new UsageError('Option partition is only allowed if topic is used')
  return {electionType, topic: flags.topic, partition, all: Boolean(flags['all-topic-partitions']), jsonFile: flags['path-to-json-file']}
}

/** The flags checked, and the JSON file read and parsed: what to ask for. */
export function electionRequestFromFlags(flags: LeaderElectionFlags, readFile: (path: string) => string = readElectionFile): ElectionRequest {
  const v = validateLeaderElectionFlags(flags)
  if (v.jsonFile !== undefined) return {electionType: v.electionType, partitions: parseElectionJson(readFile(v.jsonFile)), jsonFile: v.jsonFile}
  if (v.topic !== undefined) return {electionType: v.electionType, partitions: [{topic: v.topic, partition: v.partition!}]}
  return {electionType: v.electionType, partitions: null}
}

export function readElectionFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new ElectionJsonError(`Unable to read file ${path}: ${why}`)
  }
}

// ------------------------------------------------------------- JSON decoding
// Kafka reads the file with Jackson and its DecodeJson helpers; these keep their texts.

type Json = null | boolean | number | string | Json[] | {[k: string]: Json}

function isObject(v: Json): v is {[k: string]: Json} {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function asObject(v: Json): {[k: string]: Json} {
  if (!isObject(v)) throw new ElectionJsonError(`Expected JSON object, received ${JSON.stringify(v)}`)
  return v
}

function field(obj: {[k: string]: Json}, name: string): Json {
  if (!Object.prototype.hasOwnProperty.call(obj, name)) throw new ElectionJsonError(`No such field exists: \`${name}\``)
  return obj[name]!
}

/**
 * parseReplicaElectionData: the partitions of a --path-to-json-file, duplicates refused, in the
 * order of the HashSet Kafka builds from them (the order its request lists them in).
 */
export function parseElectionJson(text: string): TopicPartition[] {
  let parsed: Json
  try {
    // Kafka's Json.parseFull gives nothing for text that is not JSON; an empty file is no data either.
    if (text.trim() === '') throw new Error('empty')
    parsed = JSON.parse(text) as Json
  } catch {
    throw new ElectionJsonError('Replica election data is empty')
  }
  const root = asObject(parsed)
  if (!Object.prototype.hasOwnProperty.call(root, 'partitions')) throw new ElectionJsonError('Replica election data is missing "partitions" field')
  const list = root.partitions!
  if (!Array.isArray(list)) throw new ElectionJsonError(`Expected JSON array, received ${JSON.stringify(list)}`)
  const partitions = list.map((entry): TopicPartition => {
    const obj = asObject(entry)
    const topic = field(obj, 'topic')
    if (typeof topic !== 'string') throw new ElectionJsonError(`Expected \`String\` value, received ${JSON.stringify(topic)}`)
    const partition = field(obj, 'partition')
    if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < -2147483648 || partition > 2147483647) {
      throw new ElectionJsonError(`Expected \`Integer\` value, received ${JSON.stringify(partition)}`)
    }
    return {topic, partition}
  })
  const counts = new Map<string, number>()
  for (const tp of partitions) counts.set(tpKey(tp), (counts.get(tpKey(tp)) ?? 0) + 1)
  const duplicates = partitions.filter((tp) => counts.get(tpKey(tp))! > 1)
  if (duplicates.length > 0) {
    throw new ElectionJsonError(`Replica election data contains duplicate partitions: [${hashSetOrder(duplicates).map(tpName).join(', ')}]`)
  }
  // new HashSet<>(partitions): sized for the collection, at least 16 buckets.
  return hashSetOrder(partitions, Math.max(Math.floor(partitions.length / 0.75) + 1, 16))
}

function tpKey(tp: TopicPartition): string {
  return `${tp.partition}\u0000${tp.topic}`
}

/** java.util.HashSet<TopicPartition> iteration order after adding `items` in order (duplicates once). */
export function hashSetOrder(items: readonly TopicPartition[], initialCapacity?: number): TopicPartition[] {
  const hashes = new Map(items.map((tp) => [tpKey(tp), topicPartitionHash(tp.topic, tp.partition)]))
  return javaHashMapOrder(items, tpKey, initialCapacity, (key) => hashes.get(key) ?? javaStringHash(key))
}

/** ElectLeadersRequest.Builder: partitions grouped by topic, topics and partitions in set order. */
export function requestTopicPartitions(partitions: readonly TopicPartition[]): Array<{topic: string; partitions: number[]}> {
  const byTopic = new Map<string, number[]>()
  for (const tp of partitions) {
    const list = byTopic.get(tp.topic) ?? []
    list.push(tp.partition)
    byTopic.set(tp.topic, list)
  }
  return [...byTopic].map(([topic, list]) => ({topic, partitions: list}))
}

// ------------------------------------------------------------- the election

export type ElectionOutcome = 'elected' | 'not-needed' | 'failed'

export interface PartitionElection extends TopicPartition {
  outcome: ElectionOutcome
  /** The error's Kafka name, for failed partitions. */
  error?: string
  /** The broker's message, or Kafka's default one for the code. */
  message?: string
  /** What Kafka's tool prints for the error: the client exception's toString. */
  exception?: string
}

/** The per-partition results in the response's order (the order Kafka's client fills its map in). */
export function electionResults(response: ElectLeadersResponse): PartitionElection[] {
  const out: PartitionElection[] = []
  for (const t of response.replicaElectionResults) {
    for (const p of t.partitionResult) {
      const tp = {topic: t.topic, partition: p.partitionId}
      if (p.errorCode === ErrorCode.NONE) out.push({...tp, outcome: 'elected'})
      else if (p.errorCode === ErrorCode.ELECTION_NOT_NEEDED) out.push({...tp, outcome: 'not-needed'})
      else {
        const message = p.errorMessage ?? errorMessage(p.errorCode)
        out.push({...tp, outcome: 'failed', error: errorName(p.errorCode), message, exception: javaExceptionText(p.errorCode, message)})
      }
    }
  }
  return out
}

/** Sends one ElectLeaders (to any broker: it forwards to the active controller) and sorts out the answers. */
export async function electLeaders(client: KafkaClient, request: ElectionRequest, timeoutMs = ELECTION_TIMEOUT_MS): Promise<PartitionElection[]> {
  const conn = client.admin()
  const version = conn.versionFor(ElectLeaders)
  if (version === 0 && request.electionType !== 'PREFERRED') {
    throw new CommandError(`${conn.address} supports only ElectLeaders v0, which elects preferred leaders only: it cannot run an UNCLEAN election`)
  }
  let response: ElectLeadersResponse
  try {
    response = await conn.request(
      ElectLeaders,
      {
        electionType: ELECTION_TYPE_VALUE[request.electionType],
        topicPartitions: request.partitions === null ? null : requestTopicPartitions(request.partitions),
        timeoutMs,
      },
      version,
    )
  } catch (error) {
    if (error instanceof RequestTimeoutError) throw new CommandError('Timeout waiting for election results')
    throw error
  }
  // As Kafka's admin client: a top-level error fails the whole call (v0 has none).
  if (response.errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED) throw new CommandError('Not authorized to perform leader election')
  if (response.errorCode === ErrorCode.REQUEST_TIMED_OUT) throw new CommandError('Timeout waiting for election results')
  if (response.errorCode !== ErrorCode.NONE) throw new CommandError(javaExceptionText(response.errorCode, errorMessage(response.errorCode)))
  return electionResults(response)
}

/** Kafka's exception classes whose names do not follow from the error name. */
const IRREGULAR_EXCEPTIONS: Partial<Record<string, string>> = {
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
  REQUEST_TIMED_OUT: 'TimeoutException',
  INVALID_TOPIC_EXCEPTION: 'InvalidTopicException',
  NETWORK_EXCEPTION: 'NetworkException',
  KAFKA_STORAGE_ERROR: 'KafkaStorageException',
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'NotEnoughReplicasAfterAppendException',
  POLICY_VIOLATION: 'PolicyViolationException',
}

/** Throwable.toString of the exception Kafka's client makes of an error: "org.apache.kafka.common.errors.X: message". */
export function javaExceptionText(code: number, message: string): string {
  const name = errorName(code)
  const cls =
    IRREGULAR_EXCEPTIONS[name] ??
    (name.endsWith('_AUTHORIZATION_FAILED') ? camel(name.replace(/_FAILED$/, '')) : camel(name)) + 'Exception'
  return `org.apache.kafka.common.errors.${cls}: ${message}`
}

function camel(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
}

// ------------------------------------------------------------- output

export interface ElectionReport {
  /** Kafka's stdout lines. */
  lines: string[]
  /** The one error line when some partitions failed ("N replica(s) could not be elected"), else null. */
  failure: string | null
}

/**
 * LeaderElectionCommand.electLeaders' printing: elected partitions, then those that needed no
 * election, then one line per failure; each group in the order of the HashSet (HashMap for
 * failures) Kafka collects it in, after a HashMap of all results filled in response order.
 */
export function renderElection(electionType: ElectionType, results: readonly PartitionElection[]): ElectionReport {
  const all = hashSetOrder(results).map((tp) => results.find((r) => r.topic === tp.topic && r.partition === tp.partition)!)
  const group = (outcome: ElectionOutcome) => hashSetOrder(all.filter((r) => r.outcome === outcome)).map((tp) => all.find((r) => r.topic === tp.topic && r.partition === tp.partition)!)
  const elected = group('elected')
  const notNeeded = group('not-needed')
  const failed = group('failed')
  const lines: string[] = []
  if (elected.length > 0) lines.push(`Successfully completed leader election (${electionType}) for partitions ${elected.map(tpName).join(', ')}`)
  if (notNeeded.length > 0) lines.push(`Valid replica already elected for partitions ${notNeeded.map(tpName).join(', ')}`)
  for (const f of failed) lines.push(`Error completing leader election (${electionType}) for partition: ${tpName(f)}: ${f.exception}`)
  return {lines, failure: failed.length > 0 ? `${failed.length} replica(s) could not be elected` : null}
}

/** The --output json|yaml form: every partition answered, sorted, with its outcome. */
export function electionData(electionType: ElectionType, results: readonly PartitionElection[]): object {
  const sorted = [...results].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
  return {
    electionType,
    partitions: sorted.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      outcome: r.outcome,
      ...(r.outcome === 'failed' ? {error: r.error, message: r.message} : {}),
    })),
  }
}
