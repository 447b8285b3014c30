// Renderings of a topic description: Kafka's exact text (TopicCommand's
// TopicDescription/PartitionDescription printDescription), a table, and data
// for --json / --yaml.

import {javaHashMapOrder} from './java-order.js'
import {type DescribeSelection, type PartitionDescription, replicationFactorOf, type TopicDescription} from './topics.js'
import {ZERO_UUID} from '../protocol/primitives.js'

/** The non-default configs as Kafka prints them: `k=v` joined by ',' in java.util.HashMap order. */
export function overriddenConfigsText(topic: TopicDescription): string {
  return javaHashMapOrder(topic.configs, (c) => c.name)
    .filter((c) => !c.isDefault)
    .map((c) => `${c.name}=${c.value}`)
    .join(',')
}

export function topicSummaryLine(topic: TopicDescription): string {
  let line = `Topic: ${topic.name}`
  if (topic.topicId !== ZERO_UUID) line += `\tTopicId: ${topic.topicId}`
  line += `\tPartitionCount: ${topic.partitions.length}`
  line += `\tReplicationFactor: ${topic.partitions.length > 0 ? replicationFactorOf(topic.partitions[0]!) : 0}`
  line += `\tConfigs: ${overriddenConfigsText(topic)}`
  return line
}

const ids = (list: readonly number[]) => list.join(',')

export function partitionLine(topic: string, p: PartitionDescription): string {
  let line = `\tTopic: ${topic}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\tReplicas: ${ids(p.replicas)}\tIsr: ${ids(p.isr)}`
  if (p.addingReplicas !== undefined && p.removingReplicas !== undefined) {
    line += `\tAdding Replicas: ${ids(p.addingReplicas)}\tRemoving Replicas: ${ids(p.removingReplicas)}`
  }
  line += `\tElr: ${p.elr === null ? 'N/A' : ids(p.elr)}`
  line += `\tLastKnownElr: ${p.lastKnownElr === null ? 'N/A' : ids(p.lastKnownElr)}`
  return line
}

/** Kafka's text, one line per topic summary and per partition. */
export function renderDescribeText(selection: DescribeSelection[]): string[] {
  const lines: string[] = []
  for (const s of selection) {
    if (s.showSummary) lines.push(topicSummaryLine(s.topic))
    for (const p of s.partitions) lines.push(partitionLine(s.topic.name, p))
  }
  return lines
}

export function describeData(selection: DescribeSelection[]): unknown[] {
  return selection.map(({topic, partitions}) => ({
    name: topic.name,
    topicId: topic.topicId,
    internal: topic.isInternal,
    partitionCount: topic.partitions.length,
    replicationFactor: topic.partitions.length > 0 ? replicationFactorOf(topic.partitions[0]!) : 0,
    configs: Object.fromEntries(
      [...topic.configs]
        .filter((c) => !c.isDefault)
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((c) => [c.name, c.value]),
    ),
    partitions: partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      elr: p.elr,
      lastKnownElr: p.lastKnownElr,
      offlineReplicas: p.offlineReplicas,
      ...(p.addingReplicas ? {addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas} : {}),
    })),
  }))
}

export interface TableData {
  head: string[]
  rows: Array<Array<string | number>>
}

export function describeTables(selection: DescribeSelection[]): {topics: TableData; partitions: TableData} {
  const topics: TableData = {head: ['Topic', 'TopicId', 'Partitions', 'RF', 'Configs'], rows: []}
  const partitions: TableData = {head: ['Topic', 'Partition', 'Leader', 'Replicas', 'Isr', 'Elr', 'LastKnownElr'], rows: []}
  for (const {topic, showSummary, partitions: parts} of selection) {
    if (showSummary) {
      topics.rows.push([
        topic.name,
        topic.topicId,
        topic.partitions.length,
        topic.partitions.length > 0 ? replicationFactorOf(topic.partitions[0]!) : 0,
        javaHashMapOrder(topic.configs, (c) => c.name)
          .filter((c) => !c.isDefault)
          .map((c) => `${c.name}=${c.value}`)
          .join('\n'),
      ])
    }
    for (const p of parts) {
      partitions.rows.push([topic.name, p.partition, p.leader ?? 'none', ids(p.replicas), ids(p.isr), p.elr === null ? 'N/A' : ids(p.elr), p.lastKnownElr === null ? 'N/A' : ids(p.lastKnownElr)])
    }
  }
  return {topics, partitions}
}
