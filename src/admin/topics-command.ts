// kafka-topics.sh's option rules and actions, shared by `tskafka topics --create ...`
// and `tskafka topics create ...`. The rules follow TopicCommandOptions.checkArgs;
// violations are usage errors (exit 2).

import type {KafkaClient} from '../client/client.js'
import {UsageError} from '../cli/errors.js'
import {formatData, type OutputMode, renderTable} from '../cli/output.js'
import {
  alterPartitions,
  createTopic,
  deleteTopics,
  describeTopics,
  ensureTopicsFound,
  hasCollisionChars,
  parseReplicaAssignment,
  parseTopicConfigs,
  selectForPrinting,
  selectTopics,
  topicIncludeFilter,
} from './topics.js'
import {describeData, describeTables, renderDescribeText} from './topics-render.js'

export const TOPIC_ACTIONS = ['create', 'alter', 'list', 'describe', 'delete'] as const
export type TopicAction = (typeof TOPIC_ACTIONS)[number]

export interface TopicsOptions {
  topic?: string
  topicId?: string
  partitions?: number
  replicationFactor?: number
  replicaAssignment?: string
  config: string[]
  deleteConfig?: string[]
  ifExists: boolean
  ifNotExists: boolean
  excludeInternal: boolean
  underReplicated: boolean
  underMinIsr: boolean
  atMinIsr: boolean
  unavailable: boolean
  topicsWithOverrides: boolean
  partitionSizeLimit?: number
}

const FLAG_NAMES: Record<string, string> = {
  config: '--config',
  partitions: '--partitions',
  replicationFactor: '--replication-factor',
  replicaAssignment: '--replica-assignment',
  underReplicated: '--under-replicated-partitions',
  underMinIsr: '--under-min-isr-partitions',
  atMinIsr: '--at-min-isr-partitions',
  unavailable: '--unavailable-partitions',
  topicsWithOverrides: '--topics-with-overrides',
  ifExists: '--if-exists',
  ifNotExists: '--if-not-exists',
  excludeInternal: '--exclude-internal',
}

function given(opts: TopicsOptions, key: keyof TopicsOptions): boolean {
  const v = opts[key]
  if (Array.isArray(v)) return v.length > 0
  return v !== undefined && v !== false
}

/** TopicCommandOptions.checkArgs for one action. */
export function checkTopicsArgs(action: TopicAction, opts: TopicsOptions): void {
  const conflict = (used: keyof TopicsOptions, other: string, extra = '') => {
    throw new UsageError(`Option "${FLAG_NAMES[used]}" can't be used with option "${other}"${extra}`)
  }
  const onlyWith = (key: keyof TopicsOptions, allowed: TopicAction[]) => {
    if (given(opts, key) && !allowed.includes(action)) conflict(key, `--${action}`)
  }
  if (action === 'describe' && opts.ifExists && opts.topic === undefined && opts.topicId === undefined) {
    throw new UsageError('--topic or --topic-id is required to describe a topic')
  }
  if (action !== 'list' && action !== 'describe' && opts.topic === undefined) {
    throw new UsageError('Missing required argument "--topic"')
  }
  if (action === 'alter') {
    if (given(opts, 'config')) conflict('config', '--alter', ' (To alter topic configurations, the kafka-configs tool can be used.)')
    if (opts.partitions === undefined) throw new UsageError('Missing required argument "--partitions"')
  }
  onlyWith('config', ['alter', 'create'])
  onlyWith('partitions', ['alter', 'create'])
  onlyWith('replicationFactor', ['create'])
  onlyWith('replicaAssignment', ['alter', 'create'])
  if (action === 'create' && given(opts, 'replicaAssignment')) {
    if (given(opts, 'partitions')) conflict('replicaAssignment', '--partitions')
    if (given(opts, 'replicationFactor')) conflict('replicaAssignment', '--replication-factor')
  }
  for (const report of ['underReplicated', 'underMinIsr', 'atMinIsr', 'unavailable'] as const) {
    onlyWith(report, ['describe'])
    if (given(opts, report) && opts.topicsWithOverrides) conflict(report, '--topics-with-overrides')
  }
  onlyWith('topicsWithOverrides', ['describe'])
  onlyWith('ifExists', ['alter', 'delete', 'describe'])
  onlyWith('ifNotExists', ['create'])
  onlyWith('excludeInternal', ['list', 'describe'])
}

/** The checks that need no broker (configs, assignment, regex), so bad input fails before connecting. */
export function preflightTopicsArgs(action: TopicAction, opts: TopicsOptions): void {
  if (action === 'create') parseTopicConfigs(opts.config)
  if (opts.replicaAssignment) parseReplicaAssignment(opts.replicaAssignment)
  if (action !== 'create' && opts.topic !== undefined) topicIncludeFilter(opts.topic)
}

export interface TopicsIo {
  out(text: string): void
  err(text: string): void
}

/** Runs one kafka-topics action and prints its result in `mode`. */
export async function runTopicsAction(client: KafkaClient, action: TopicAction, opts: TopicsOptions, mode: OutputMode, io: TopicsIo): Promise<void> {
  if (opts.deleteConfig && opts.deleteConfig.length > 0) {
    io.err('delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.')
  }
  const data = mode === 'json' || mode === 'yaml' ? mode : null
  switch (action) {
    case 'create': {
      const name = opts.topic!
      const configs = parseTopicConfigs(opts.config)
      const replicaAssignment = opts.replicaAssignment ? parseReplicaAssignment(opts.replicaAssignment) : undefined
      if (hasCollisionChars(name) && !data) {
        io.out("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.")
      }
      const result = await createTopic(client, {name, partitions: opts.partitions, replicationFactor: opts.replicationFactor, replicaAssignment, configs}, opts.ifNotExists)
      if (data) io.out(formatData(data, {topic: name, created: result.created, topicId: result.topicId}))
      else if (result.created) io.out(`Created topic ${name}.`)
      return
    }
    case 'list': {
      const topics = await selectTopics(client, opts.topic, opts.excludeInternal)
      if (data) io.out(formatData(data, topics.map((t) => t.name)))
      else if (mode === 'table') io.out(await renderTable(['Topic', 'TopicId', 'Internal'], topics.map((t) => [t.name, t.topicId, String(t.isInternal)])))
      // Kafka prints the names joined by newlines with println: an empty list is one empty line.
      else io.out(`${topics.map((t) => t.name).join('\n')}\n`)
      return
    }
    case 'describe': {
      const result = await describeTopics(client, {
        topic: opts.topic,
        topicId: opts.topicId,
        excludeInternal: opts.excludeInternal,
        ifExists: opts.ifExists,
        partitionLimit: opts.partitionSizeLimit,
      })
      const selection = selectForPrinting(result, {
        underReplicated: opts.underReplicated,
        underMinIsr: opts.underMinIsr,
        atMinIsr: opts.atMinIsr,
        unavailable: opts.unavailable,
        withOverrides: opts.topicsWithOverrides,
      })
      if (data) io.out(formatData(data, describeData(selection)))
      else if (mode === 'table') {
        const tables = describeTables(selection)
        if (tables.topics.rows.length > 0) io.out(await renderTable(tables.topics.head, tables.topics.rows))
        if (tables.partitions.rows.length > 0) io.out(await renderTable(tables.partitions.head, tables.partitions.rows))
      } else {
        const lines = renderDescribeText(selection)
        if (lines.length > 0) io.out(lines.join('\n'))
      }
      return
    }
    case 'alter': {
      const topics = await selectTopics(client, opts.topic, opts.excludeInternal)
      ensureTopicsFound(topics, opts.topic, !opts.ifExists)
      const replicaAssignment = opts.replicaAssignment ? parseReplicaAssignment(opts.replicaAssignment) : undefined
      await alterPartitions(client, topics, opts.partitions!, replicaAssignment)
      if (data) io.out(formatData(data, {altered: topics.map((t) => t.name), partitions: opts.partitions}))
      return
    }
    case 'delete': {
      const topics = await selectTopics(client, opts.topic, opts.excludeInternal)
      ensureTopicsFound(topics, opts.topic, !opts.ifExists)
      await deleteTopics(client, topics)
      if (data) io.out(formatData(data, {deleted: topics.map((t) => t.name)}))
      return
    }
  }
}
