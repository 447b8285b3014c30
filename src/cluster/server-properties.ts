// The server.properties that `cluster start` writes for each local broker: the
// settings of Kafka's own single-node quickstart config (config/server.properties),
// bound to loopback, with replication factors capped at the cluster size.

import {join} from 'node:path'

import type {BrokerRecord, ClusterState} from './state.js'

export type PropertyEntries = ReadonlyArray<readonly [key: string, value: string]>

export const LOCAL_HOST = '127.0.0.1'

/** The broker's log.dirs: a `data` directory inside its own directory. */
export function brokerLogDir(broker: Pick<BrokerRecord, 'dataDir'>): string {
  return join(broker.dataDir, 'data')
}

export function localBrokerConfig(state: ClusterState, broker: BrokerRecord): PropertyEntries {
  const listener = `PLAINTEXT://${broker.host}:${broker.port}`
  return [
    ['process.roles', 'broker,controller'],
    ['node.id', String(broker.id)],
    ['listeners', listener],
    ['advertised.listeners', listener],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', brokerLogDir(broker)],
    ...developmentDefaults(state.brokers.length),
  ]
}

/**
 * Settings for a development cluster of `size` brokers, as Kafka's shipped
 * config/server.properties has them: internal topics replicated at most
 * `size` times (the broker defaults of 3 cannot be met by fewer brokers) and
 * no initial rebalance delay.
 */
export function developmentDefaults(size: number): PropertyEntries {
  const replication = String(Math.min(3, size))
  const minIsr = String(Math.min(2, size))
  return [
    ['num.partitions', '1'],
    ['offsets.topic.replication.factor', replication],
    ['transaction.state.log.replication.factor', replication],
    ['transaction.state.log.min.isr', minIsr],
    ['share.coordinator.state.topic.replication.factor', replication],
    ['share.coordinator.state.topic.min.isr', minIsr],
    ['group.initial.rebalance.delay.ms', '0'],
  ]
}

/** Renders entries in java.util.Properties syntax, escaping what that format requires. */
export function renderProperties(entries: PropertyEntries, headerComment?: string): string {
  const lines: string[] = []
  if (headerComment) for (const line of headerComment.split('\n')) lines.push(`# ${line}`)
  for (const [key, value] of entries) lines.push(`${escapeKey(key)}=${escapeValue(value)}`)
  return lines.join('\n') + '\n'
}

function escapeCommon(s: string): string {
  return s.replace(/[\\\n\r\t\f]/g, (c) => ({'\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f'})[c]!)
}

function escapeKey(key: string): string {
  return escapeCommon(key).replace(/[ =:#!]/g, (c) => `\\${c}`)
}

function escapeValue(value: string): string {
  // Only leading whitespace is significant in a value; escape it so it survives parsing.
  return escapeCommon(value).replace(/^ /, '\\ ')
}
