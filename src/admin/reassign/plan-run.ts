// `tskafka reassign plan` against a cluster: read the brokers and racks, the selected topics'
// replicas and leaders, and each partition's size (its leader's replica, from DescribeLogDirs),
// run the planner, and turn its target into Kafka's reassignment JSON (the same serialiser as
// `tskafka reassign --generate`, so kafka-reassign-partitions.sh --execute reads it too).

import {writeFileSync} from 'node:fs'

import {DescribeLogDirs} from '../../client/apis.js'
import type {KafkaClient} from '../../client/client.js'
import {UnsupportedApiError} from '../../client/errors.js'
import {CommandError} from '../../cli/errors.js'
import {ErrorCode, errorMessage, KafkaError} from '../../protocol/errors.js'
import {INTERNAL_TOPICS} from '../topics.js'
import {type PlanPartition, type PlanRequest, planReassignment, type ReassignmentPlan} from './planner.js'
import {clusterBrokers, ongoingReassignments} from './reassign.js'
import {formatReassignmentJson} from './reassignment-json.js'

export interface PlanRunOptions {
  request: PlanRequest
  /** --topics; every non-internal topic when omitted (the topic of --topic for a replication factor change). */
  topics?: string[]
  rackAware: boolean
  /** --output-file: where the proposed reassignment JSON goes. */
  outputFile?: string
}

export interface PlanRunResult {
  plan: ReassignmentPlan
  /** The topics planned over. */
  topics: string[]
  /** Kafka's reassignment JSON of the changing partitions as they are now (to roll back). */
  currentJson: string
  /** Kafka's reassignment JSON of the plan; null when nothing changes. */
  proposedJson: string | null
  /** Where the proposed JSON was written, if anywhere. */
  outputFile: string | null
  /** --output-file when nothing was written to it (the plan changes nothing). */
  outputFileSkipped?: string
}

export async function runPlan(client: KafkaClient, opts: PlanRunOptions): Promise<PlanRunResult> {
  const brokers = await clusterBrokers(client)
  const topics = await selectedTopics(client, opts)
  const partitions = await readPartitions(client, topics)
  await refuseMovingPartitions(client, partitions)
  const sizes = await partitionSizes(client, partitions)
  for (const p of partitions) p.sizeBytes = sizes.get(`${p.topic}-${p.partition}`) ?? 0
  const plan = planReassignment({brokers, partitions, request: opts.request, rackAware: opts.rackAware})
  const currentJson = formatReassignmentJson(plan.changes.map((c) => ({topic: c.topic, partition: c.partition, replicas: c.before})))
  const proposedJson = plan.changes.length > 0 ? formatReassignmentJson(plan.changes.map((c) => ({topic: c.topic, partition: c.partition, replicas: c.after}))) : null
  let outputFile: string | null = null
  if (opts.outputFile !== undefined && proposedJson !== null) {
    try {
      writeFileSync(opts.outputFile, `${proposedJson}\n`)
    } catch (error) {
      throw new CommandError(`Cannot write ${opts.outputFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
    outputFile = opts.outputFile
  }
  const skipped = opts.outputFile !== undefined && outputFile === null ? {outputFileSkipped: opts.outputFile} : {}
  return {plan, topics, currentJson, proposedJson, outputFile, ...skipped}
}

/** The topics to plan over: --topics (each must exist), the --topic of an RF change, or every non-internal topic. */
async function selectedTopics(client: KafkaClient, opts: PlanRunOptions): Promise<string[]> {
  const md = await client.metadata(null)
  const existing = new Map(md.topics.filter((t) => t.errorCode === 0 && t.name !== null).map((t) => [t.name!, t.isInternal]))
  const named = opts.request.kind === 'replication-factor' ? [opts.request.topic] : opts.topics
  if (named !== undefined) {
    for (const t of named) if (!existing.has(t)) throw new CommandError(`Topic '${t}' does not exist`)
    return [...new Set(named)].sort()
  }
  const all = [...existing].filter(([name, internal]) => !internal && !INTERNAL_TOPICS.has(name)).map(([name]) => name)
  if (all.length === 0) throw new CommandError('The cluster has no topics to plan for (internal topics are left out; name them with --topics)')
  return all.sort()
}

async function readPartitions(client: KafkaClient, topics: readonly string[]): Promise<PlanPartition[]> {
  const md = await client.metadata([...topics])
  const out: PlanPartition[] = []
  for (const t of md.topics) {
    const name = t.name ?? ''
    if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new CommandError(`Topic '${name}' does not exist`)
    if (t.errorCode !== 0) throw new KafkaError(t.errorCode, `${errorMessage(t.errorCode)} (topic ${name})`)
    for (const p of t.partitions) out.push({topic: name, partition: p.partitionIndex, replicas: [...p.replicaNodes], leader: p.leaderId, sizeBytes: 0})
  }
  return out
}

/** A partition in the middle of a reassignment lists old and new replicas together: planning over it would mislead. */
async function refuseMovingPartitions(client: KafkaClient, partitions: readonly PlanPartition[]): Promise<void> {
  let ongoing
  try {
    ongoing = await ongoingReassignments(client, partitions)
  } catch (error) {
    if (error instanceof UnsupportedApiError) return
    throw error
  }
  if (ongoing.length === 0) return
  const names = ongoing.map((r) => `${r.topic}-${r.partition}`).sort()
  throw new CommandError(
    `${names.length === 1 ? 'Partition' : 'Partitions'} ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''} ${names.length === 1 ? 'is' : 'are'} being reassigned: wait until that ends (tskafka reassign --verify) or cancel it, then plan again`,
  )
}

/**
 * Each partition's size: its leader's replica, as the leader's DescribeLogDirs reports it (a
 * replica that is catching up is smaller). The largest replica stands in when the leader does not
 * answer; 0 when no broker does.
 */
async function partitionSizes(client: KafkaClient, partitions: readonly PlanPartition[]): Promise<Map<string, number>> {
  const byBroker = new Map<number, Map<string, Set<number>>>()
  for (const p of partitions) {
    for (const b of p.replicas) {
      let topics = byBroker.get(b)
      if (!topics) byBroker.set(b, (topics = new Map()))
      let parts = topics.get(p.topic)
      if (!parts) topics.set(p.topic, (parts = new Set()))
      parts.add(p.partition)
    }
  }
  const replicaSize = new Map<string, number>()
  await Promise.all(
    [...byBroker].map(async ([broker, topics]) => {
      let response
      try {
        const conn = await client.connectionTo(broker)
        response = await conn.request(DescribeLogDirs, {topics: [...topics].map(([topic, parts]) => ({topic, partitions: [...parts]}))})
      } catch {
        return // a broker that is down: its replicas' sizes stay unknown
      }
      for (const dir of response.results) {
        if (dir.errorCode !== 0) continue
        for (const t of dir.topics) {
          for (const p of t.partitions) {
            if (p.isFutureKey) continue
            replicaSize.set(`${t.name}-${p.partitionIndex}@${broker}`, Number(p.partitionSize))
          }
        }
      }
    }),
  )
  const sizes = new Map<string, number>()
  for (const p of partitions) {
    const key = `${p.topic}-${p.partition}`
    const leader = p.leader !== undefined && p.leader !== null && p.leader >= 0 ? replicaSize.get(`${key}@${p.leader}`) : undefined
    sizes.set(key, leader ?? Math.max(0, ...p.replicas.map((b) => replicaSize.get(`${key}@${b}`) ?? 0)))
  }
  return sizes
}
