// kafka-topics.sh's options as oclif flags, shared by `tskafka topics` (Kafka's
// --create/--list/... spelling) and its subcommands (`tskafka topics create`).

import {Flags} from '@oclif/core'

import type {TopicsOptions} from '../admin/topics-command.js'
import {connectionFlags, outputFlags} from './base-command.js'

export const topicOptionFlags = {
  topic: Flags.string({description: 'the topic to create, alter, describe or delete; a regular expression except with --create'}),
  'topic-id': Flags.string({description: 'the topic id to describe'}),
  partitions: Flags.integer({description: 'the number of partitions for the topic being created or altered [default: the broker\'s num.partitions]'}),
  'replication-factor': Flags.integer({description: 'the replication factor of each partition of the topic being created [default: the broker\'s default.replication.factor]'}),
  'replica-assignment': Flags.string({description: 'manual partition-to-broker assignments: broker1:broker2,broker1:broker2,... (one list per partition)'}),
  config: Flags.string({description: 'a topic config override for the topic being created, name=value (repeatable)', multiple: true, multipleNonGreedy: true}),
  'delete-config': Flags.string({description: 'no longer supported since Kafka 4.0 (use tskafka configs --alter --delete-config)', multiple: true, multipleNonGreedy: true, hidden: true}),
  'if-exists': Flags.boolean({description: 'when altering, deleting or describing: act only if the topic exists'}),
  'if-not-exists': Flags.boolean({description: 'when creating: do not fail if the topic already exists'}),
  'exclude-internal': Flags.boolean({description: 'leave internal topics (__consumer_offsets...) out of --list and --describe'}),
  'under-replicated-partitions': Flags.boolean({description: 'with --describe: only partitions whose ISR is smaller than their replicas'}),
  'under-min-isr-partitions': Flags.boolean({description: 'with --describe: only partitions whose ISR is smaller than min.insync.replicas'}),
  'at-min-isr-partitions': Flags.boolean({description: 'with --describe: only partitions whose ISR equals min.insync.replicas'}),
  'unavailable-partitions': Flags.boolean({description: 'with --describe: only partitions without an available leader'}),
  'topics-with-overrides': Flags.boolean({description: 'with --describe: only topics with config overrides'}),
  'partition-size-limit-per-response': Flags.integer({description: 'with --describe: the most partitions per DescribeTopicPartitions response'}),
  ...connectionFlags,
  ...outputFlags,
}

export const topicActionFlags = {
  create: Flags.boolean({description: 'create a new topic', helpGroup: 'ACTION'}),
  alter: Flags.boolean({description: 'alter the number of partitions and replica assignment', helpGroup: 'ACTION'}),
  list: Flags.boolean({description: 'list all topics', helpGroup: 'ACTION'}),
  describe: Flags.boolean({description: 'describe the given topics', helpGroup: 'ACTION'}),
  delete: Flags.boolean({description: 'delete a topic', helpGroup: 'ACTION'}),
}

export type TopicFlagValues = {
  topic?: string
  'topic-id'?: string
  partitions?: number
  'replication-factor'?: number
  'replica-assignment'?: string
  config?: string[]
  'delete-config'?: string[]
  'if-exists': boolean
  'if-not-exists': boolean
  'exclude-internal': boolean
  'under-replicated-partitions': boolean
  'under-min-isr-partitions': boolean
  'at-min-isr-partitions': boolean
  'unavailable-partitions': boolean
  'topics-with-overrides': boolean
  'partition-size-limit-per-response'?: number
}

export function topicsOptionsFrom(flags: TopicFlagValues, topicArg?: string): TopicsOptions {
  return {
    topic: flags.topic ?? topicArg,
    topicId: flags['topic-id'],
    partitions: flags.partitions,
    replicationFactor: flags['replication-factor'],
    replicaAssignment: flags['replica-assignment'],
    config: flags.config ?? [],
    deleteConfig: flags['delete-config'],
    ifExists: flags['if-exists'],
    ifNotExists: flags['if-not-exists'],
    excludeInternal: flags['exclude-internal'],
    underReplicated: flags['under-replicated-partitions'],
    underMinIsr: flags['under-min-isr-partitions'],
    atMinIsr: flags['at-min-isr-partitions'],
    unavailable: flags['unavailable-partitions'],
    topicsWithOverrides: flags['topics-with-overrides'],
    partitionSizeLimit: flags['partition-size-limit-per-response'],
  }
}
