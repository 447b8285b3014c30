// What kafka-topics.sh does, as functions over the CLI's client: list,
// describe, create, alter (partition count) and delete, with Kafka's rules for
// topic regexes, internal topics, existence checks and its messages.

import type {KafkaClient} from '../client/client.js'
import {
  CreatePartitions,
  CreateTopics,
  DeleteTopics,
  DescribeCluster,
  DescribeConfigs,
  DescribeTopicPartitions,
  ListPartitionReassignments,
} from '../client/apis.js'
import {CommandError, UsageError} from '../cli/errors.js'
import {ConfigError} from '../config/config-def.js'
import {isTopicConfigName, validateTopicOverrides} from '../config/topic-config.js'
import {ErrorCode, errorMessage, KafkaError} from '../protocol/errors.js'
import type {CreatePartitionsRequest} from '../protocol/generated/create-partitions-request.js'
import type {CreateTopicsRequest} from '../protocol/generated/create-topics-request.js'
import type {DeleteTopicsRequest} from '../protocol/generated/delete-topics-request.js'
import type {DescribeTopicPartitionsResponse} from '../protocol/generated/describe-topic-partitions-response.js'
import {ZERO_UUID} from '../protocol/primitives.js'
import {type ConfigEntry, describeConfigEntries, RESOURCE_TOPIC} from './configs.js'
import {javaHashMapOrder} from './java-order.js'

/** Kafka's internal topics (org.apache.kafka.common.internals.Topic). */
export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state'])
export const DEFAULT_TIMEOUT_MS = 30_000
const MAX_SHORT = 32767

export interface TopicListing {
  name: string
  topicId: string
  isInternal: boolean
}

/**
 * Kafka's IncludeList filter: commas mean alternation, spaces and surrounding
 * quotes are dropped, and the whole name must match.
 */
export function topicIncludeFilter(raw: string): RegExp {
  const regex = raw.trim().replace(/,/g, '|').replace(/ /g, '').replace(/^["']+/, '').replace(/["']+$/, '')
  try {
    return new RegExp(`^(?:${regex})$`, 'u')
  } catch {
    throw new UsageError(`${regex} is an invalid regex.`)
  }
}

export function isInternalTopic(listing: TopicListing): boolean {
  return listing.isInternal || INTERNAL_TOPICS.has(listing.name)
}

/** Every topic, sorted by name, as Admin.listTopics(listInternal=true) sees it. */
export async function listTopics(client: KafkaClient): Promise<TopicListing[]> {
  const md = await client.metadata(null)
  return md.topics
    .filter((t) => t.errorCode === 0 && t.name !== null)
    .map((t) => ({name: t.name!, topicId: t.topicId, isInternal: t.isInternal}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** TopicCommand.getTopics: sorted names matching the optional include regex. */
export async function selectTopics(client: KafkaClient, include: string | undefined, excludeInternal: boolean): Promise<TopicListing[]> {
  const all = await listTopics(client)
  const visible = all.filter((t) => !(excludeInternal && isInternalTopic(t)))
  if (include === undefined) return visible
  const filter = topicIncludeFilter(include)
  return visible.filter((t) => filter.test(t.name))
}

export function ensureTopicsFound(found: readonly unknown[], requested: string | undefined, requireExists: boolean): void {
  if (requested !== undefined && requested !== '' && requireExists && found.length === 0) {
    throw new CommandError(`Topic '${requested}' does not exist as expected`)
  }
}

// ------------------------------------------------------------------ describe

export interface PartitionDescription {
  partition: number
  /** null when the partition has no leader. */
  leader: number | null
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  /** Eligible leader replicas; null when the broker did not report them (Metadata API). */
  elr: number[] | null
  lastKnownElr: number[] | null
  offlineReplicas: number[]
  /** Replicas being added/removed by a reassignment, when one is in progress. */
  addingReplicas?: number[]
  removingReplicas?: number[]
}

export interface TopicDescription {
  name: string
  topicId: string
  isInternal: boolean
  partitions: PartitionDescription[]
  configs: ConfigEntry[]
}

export interface DescribeFilters {
  underReplicated?: boolean
  underMinIsr?: boolean
  atMinIsr?: boolean
  unavailable?: boolean
  withOverrides?: boolean
}

export interface DescribeResult {
  topics: TopicDescription[]
  liveBrokers: Set<number>
}

/** Partition data for topics by name: DescribeTopicPartitions when the broker has it (Kafka 3.8+), else Metadata. */
async function describePartitionsByName(client: KafkaClient, names: string[], partitionLimit: number): Promise<Map<string, Omit<TopicDescription, 'configs'>>> {
  const out = new Map<string, Omit<TopicDescription, 'configs'>>()
  const conn = client.admin()
  if (conn.supports(DescribeTopicPartitions)) {
    let cursor: {topicName: string; partitionIndex: number} | null = null
    for (;;) {
      const response: DescribeTopicPartitionsResponse = await conn.request(DescribeTopicPartitions, {topics: names.map((name) => ({name})), responsePartitionLimit: partitionLimit, cursor})
      for (const t of response.topics) {
        if (t.errorCode !== 0) throw new KafkaError(t.errorCode, `${errorMessage(t.errorCode)} (topic ${t.name})`)
        const name = t.name!
        const existing: Omit<TopicDescription, 'configs'> = out.get(name) ?? {name, topicId: t.topicId, isInternal: t.isInternal, partitions: []}
        for (const p of t.partitions) {
          existing.partitions.push({
            partition: p.partitionIndex,
            leader: p.leaderId >= 0 ? p.leaderId : null,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            elr: p.eligibleLeaderReplicas,
            lastKnownElr: p.lastKnownElr,
            offlineReplicas: p.offlineReplicas,
          })
        }
        out.set(name, existing)
      }
      if (response.nextCursor === null) break
      cursor = response.nextCursor
      // Ask again only for the topics from the cursor on, as Kafka's admin client does.
      names = names.filter((n) => n >= cursor!.topicName)
    }
    return out
  }
  const md = await client.metadata(names)
  for (const t of md.topics) {
    if (t.errorCode !== 0) throw new KafkaError(t.errorCode, `${errorMessage(t.errorCode)} (topic ${t.name})`)
    out.set(t.name!, {name: t.name!, topicId: t.topicId, isInternal: t.isInternal, partitions: t.partitions.map(metadataPartition)})
  }
  return out
}

function metadataPartition(p: {partitionIndex: number; leaderId: number; leaderEpoch: number; replicaNodes: number[]; isrNodes: number[]; offlineReplicas: number[]}): PartitionDescription {
  return {
    partition: p.partitionIndex,
    leader: p.leaderId >= 0 ? p.leaderId : null,
    leaderEpoch: p.leaderEpoch,
    replicas: p.replicaNodes,
    isr: p.isrNodes,
    elr: null,
    lastKnownElr: null,
    offlineReplicas: p.offlineReplicas,
  }
}

async function liveBrokers(client: KafkaClient): Promise<Set<number>> {
  const conn = client.admin()
  if (conn.supports(DescribeCluster)) {
    const response = await conn.request(DescribeCluster, {includeClusterAuthorizedOperations: false, endpointType: 1})
    if (response.errorCode !== 0) throw new KafkaError(response.errorCode, response.errorMessage ?? undefined)
    return new Set(response.brokers.map((b) => b.brokerId))
  }
  await client.metadata([])
  return new Set(client.brokers.keys())
}

async function reassignments(client: KafkaClient, topics: TopicDescription[]): Promise<Map<string, {adding: number[]; removing: number[]; replicas: number[]}>> {
  const out = new Map<string, {adding: number[]; removing: number[]; replicas: number[]}>()
  const conn = client.admin()
  if (!conn.supports(ListPartitionReassignments) || topics.length === 0) return out
  const response = await conn.request(ListPartitionReassignments, {
    timeoutMs: DEFAULT_TIMEOUT_MS,
    topics: topics.map((t) => ({name: t.name, partitionIndexes: t.partitions.map((p) => p.partition)})),
  })
  // Kafka's tool ignores an authorization failure here; so do we.
  if (response.errorCode !== 0) return out
  for (const t of response.topics) {
    for (const p of t.partitions) out.set(`${t.name}\u0000${p.partitionIndex}`, {adding: p.addingReplicas, removing: p.removingReplicas, replicas: p.replicas})
  }
  return out
}

/**
 * TopicCommand's describe: selects topics (by regex or id), fetches partitions,
 * configs, live brokers and reassignments, and returns topics in the order
 * Kafka's tool prints them (a HashMap of the descriptions).
 */
export async function describeTopics(
  client: KafkaClient,
  opts: {topic?: string; topicId?: string; excludeInternal: boolean; ifExists: boolean; partitionLimit?: number},
): Promise<DescribeResult> {
  let described: Array<Omit<TopicDescription, 'configs'>>
  const useTopicId = opts.topicId !== undefined && opts.topicId !== ZERO_UUID
  if (useTopicId) {
    const all = (await listTopics(client)).filter((t) => !(opts.excludeInternal && isInternalTopic(t)))
    const match = all.filter((t) => t.topicId === opts.topicId)
    if (!opts.ifExists && match.length === 0) throw new CommandError(`TopicId '${opts.topicId}' does not exist as expected`)
    if (match.length === 0) return {topics: [], liveBrokers: new Set()}
    // Kafka's admin client describes topics by id through Metadata.
    const md = await client.metadata(null, {topicIds: [opts.topicId!]})
    described = md.topics
      .filter((t) => t.errorCode === 0)
      .map((t) => ({name: t.name!, topicId: t.topicId, isInternal: t.isInternal, partitions: t.partitions.map(metadataPartition)}))
  } else {
    const selected = await selectTopics(client, opts.topic, opts.excludeInternal)
    ensureTopicsFound(selected, opts.topic, !opts.ifExists)
    if (selected.length === 0) return {topics: [], liveBrokers: new Set()}
    const byName = await describePartitionsByName(
      client,
      selected.map((t) => t.name),
      opts.partitionLimit ?? 2000,
    )
    // Kafka's admin client keeps the futures in a HashMap<>() and copies them into a
    // HashMap<>(n) of descriptions: the printed order is that second map's.
    const futuresOrder = javaHashMapOrder(selected.map((t) => t.name), (n) => n)
    described = javaHashMapOrder(
      futuresOrder.flatMap((n) => byName.get(n) ?? []),
      (t) => t.name,
      selected.length,
    )
  }
  const configs = await describeConfigEntries(
    client,
    described.map((t) => ({resourceType: RESOURCE_TOPIC, resourceName: t.name})),
    {includeSynonyms: false, includeDocumentation: false},
  )
  const live = await liveBrokers(client)
  const topics: TopicDescription[] = described.map((t) => ({
    ...t,
    partitions: [...t.partitions].sort((a, b) => a.partition - b.partition),
    configs: configs.get(`${RESOURCE_TOPIC}\u0000${t.name}`) ?? [],
  }))
  const moving = await reassignments(client, topics)
  for (const t of topics) {
    for (const p of t.partitions) {
      const r = moving.get(`${t.name}\u0000${p.partition}`)
      if (r) {
        p.addingReplicas = r.adding
        p.removingReplicas = r.removing
      }
    }
  }
  return {topics, liveBrokers: live}
}

export function minIsrOf(topic: TopicDescription): number {
  const entry = topic.configs.find((c) => c.name === 'min.insync.replicas')
  return entry?.value ? Number.parseInt(entry.value, 10) : 1
}

/** The replication factor Kafka reports: the first partition's, minus replicas a reassignment is adding. */
export function replicationFactorOf(p: PartitionDescription): number {
  const changing = new Set([...(p.addingReplicas ?? []), ...(p.removingReplicas ?? [])])
  const inProgress = p.replicas.some((r) => changing.has(r))
  return inProgress ? p.replicas.length - (p.addingReplicas?.length ?? 0) : p.replicas.length
}

export function isUnderReplicated(p: PartitionDescription): boolean {
  return replicationFactorOf(p) - p.isr.length > 0
}

export function isUnderMinIsr(p: PartitionDescription, minIsr: number): boolean {
  return p.leader === null || p.isr.length < minIsr
}

export function isAtMinIsr(p: PartitionDescription, minIsr: number): boolean {
  return p.isr.length === minIsr
}

export function isUnavailable(p: PartitionDescription, live: Set<number>): boolean {
  return p.leader === null || !live.has(p.leader)
}

/** Which parts of the description Kafka's tool prints under these filters. */
export interface DescribeSelection {
  topic: TopicDescription
  /** Print the topic's summary line. */
  showSummary: boolean
  partitions: PartitionDescription[]
}

export function selectForPrinting(result: DescribeResult, filters: DescribeFilters): DescribeSelection[] {
  const reportOpts = Boolean(filters.underReplicated || filters.underMinIsr || filters.atMinIsr || filters.unavailable)
  const describeConfigs = !reportOpts
  const describePartitions = !filters.withOverrides
  return result.topics.map((topic) => {
    const minIsr = minIsrOf(topic)
    const hasOverride = topic.configs.some((c) => !c.isDefault)
    const showSummary = describeConfigs && (!filters.withOverrides || hasOverride) && topic.partitions.length > 0
    const partitions = !describePartitions
      ? []
      : topic.partitions.filter(
          (p) =>
            describeConfigs ||
            (filters.underReplicated && isUnderReplicated(p)) ||
            (filters.unavailable && isUnavailable(p, result.liveBrokers)) ||
            (filters.underMinIsr && isUnderMinIsr(p, minIsr)) ||
            (filters.atMinIsr && isAtMinIsr(p, minIsr)),
        )
    return {topic, showSummary, partitions}
  })
}

// ------------------------------------------------------------------ create

export interface CreateTopicInput {
  name: string
  partitions?: number
  replicationFactor?: number
  /** Partition index -> broker ids. */
  replicaAssignment?: number[][]
  configs: Map<string, string>
}

/** TopicCommand.parseReplicaAssignment: "1:2,2:3" into [[1,2],[2,3]], with Kafka's checks. */
export function parseReplicaAssignment(text: string): number[][] {
  const out: number[][] = []
  const partitions = text.split(',')
  for (let i = 0; i < partitions.length; i++) {
    const brokers = partitions[i]!.split(':').map((s) => {
      const t = s.trim()
      if (!/^-?\d+$/.test(t)) throw new UsageError(`invalid --replica-assignment '${text}': '${t}' is not a broker id`)
      return Number(t)
    })
    const seen = new Set<number>()
    const dups = new Set<number>()
    for (const b of brokers) (seen.has(b) ? dups : seen).add(b)
    if (dups.size > 0) throw new CommandError(`Partition replica lists may not contain duplicate entries: ${[...dups].join(',')}`)
    out.push(brokers)
    if (brokers.length !== out[0]!.length) throw new CommandError(`Partition ${i} has different replication factor: [${brokers.join(', ')}]`)
  }
  return out
}

/** TopicCommand.parseTopicConfigsToBeAdded: "k=v" entries (spaces around '=' allowed), values checked for known configs. */
export function parseTopicConfigs(entries: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const entry of entries) {
    const parts = entry.split(/\s*=\s*/)
    if (parts.length !== 2) throw new UsageError('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".')
    out.set(parts[0]!.trim(), parts[1]!.trim())
  }
  // Kafka's LogConfig.validate checks values of known configs client-side; unknown names are the broker's to reject.
  const known = new Map([...out].filter(([k]) => isTopicConfigName(k)))
  try {
    validateTopicOverrides(known)
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message)
    throw error
  }
  return out
}

export function hasCollisionChars(topic: string): boolean {
  return topic.includes('.') || topic.includes('_')
}

export function validateCreateInput(input: CreateTopicInput): void {
  if (input.replicationFactor !== undefined && (input.replicationFactor > MAX_SHORT || input.replicationFactor < 1)) {
    throw new CommandError(`The replication factor must be between 1 and ${MAX_SHORT} inclusive`)
  }
  if (input.partitions !== undefined && input.partitions < 1) throw new CommandError('The partitions must be greater than 0')
}

/** Creates one topic; resolves true when created, false when it existed and ifNotExists was set. */
export async function createTopic(client: KafkaClient, input: CreateTopicInput, ifNotExists: boolean): Promise<{created: boolean; topicId: string | null}> {
  validateCreateInput(input)
  const conn = client.admin()
  const version = conn.versionFor(CreateTopics)
  const request: CreateTopicsRequest = {
    topics: [
      {
        name: input.name,
        numPartitions: input.replicaAssignment ? -1 : (input.partitions ?? -1),
        replicationFactor: input.replicaAssignment ? -1 : (input.replicationFactor ?? -1),
        assignments: (input.replicaAssignment ?? []).map((brokerIds, partitionIndex) => ({partitionIndex, brokerIds})),
        configs: [...input.configs].map(([name, value]) => ({name, value})),
      },
    ],
    timeoutMs: DEFAULT_TIMEOUT_MS,
    validateOnly: false,
  }
  if (version < 4 && (input.partitions === undefined || input.replicationFactor === undefined) && !input.replicaAssignment) {
    throw new CommandError('this broker needs --partitions and --replication-factor (it predates broker-side defaults, KIP-464)')
  }
  const response = await conn.request(CreateTopics, request, version)
  const result = response.topics.find((t) => t.name === input.name) ?? response.topics[0]
  if (!result) throw new CommandError(`the broker returned no result for topic ${input.name}`)
  if (result.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && ifNotExists) return {created: false, topicId: null}
  if (result.errorCode !== 0) throw new KafkaError(result.errorCode, result.errorMessage ?? undefined)
  return {created: true, topicId: version >= 7 ? result.topicId : null}
}

// ------------------------------------------------------------------ alter

/** Raises the partition count of each topic (TopicCommand.alterTopic). */
export async function alterPartitions(
  client: KafkaClient,
  topics: TopicListing[],
  count: number,
  replicaAssignment: number[][] | undefined,
): Promise<void> {
  if (topics.length === 0) return
  let assignments: Map<string, number[][] | null> = new Map(topics.map((t) => [t.name, null]))
  if (replicaAssignment) {
    const current = await describePartitionsByName(client, topics.map((t) => t.name), 2000)
    assignments = new Map(topics.map((t) => [t.name, replicaAssignment.slice(current.get(t.name)?.partitions.length ?? 0)]))
  }
  const request: CreatePartitionsRequest = {
    topics: topics.map((t) => ({name: t.name, count, assignments: assignments.get(t.name)?.map((brokerIds) => ({brokerIds})) ?? null})),
    timeoutMs: DEFAULT_TIMEOUT_MS,
    validateOnly: false,
  }
  const response = await client.admin().request(CreatePartitions, request)
  const failed = response.results.find((r) => r.errorCode !== 0)
  if (failed) throw new KafkaError(failed.errorCode, failed.errorMessage ?? undefined)
}

// ------------------------------------------------------------------ delete

export async function deleteTopics(client: KafkaClient, topics: TopicListing[]): Promise<void> {
  if (topics.length === 0) return
  const conn = client.admin()
  const version = conn.versionFor(DeleteTopics)
  const request = (
    version >= 6
      ? {topics: topics.map((t) => ({name: t.name, topicId: ZERO_UUID})), timeoutMs: DEFAULT_TIMEOUT_MS}
      : {topicNames: topics.map((t) => t.name), timeoutMs: DEFAULT_TIMEOUT_MS}
  ) as unknown as DeleteTopicsRequest
  const response = await conn.request(DeleteTopics, request, version)
  const failed = response.responses.find((r) => r.errorCode !== 0)
  if (failed) throw new KafkaError(failed.errorCode, failed.errorMessage ?? undefined)
}
