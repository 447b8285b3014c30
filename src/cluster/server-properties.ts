// The server.properties that `cluster start` writes for each local broker: the
// settings of Kafka's own quickstart config (config/server.properties), bound to
// loopback, with replication factors capped at the cluster size. A lone broker is
// a combined broker+controller that is its own quorum; in a larger cluster the
// first three brokers are combined nodes and controller quorum voters (each with
// a CONTROLLER listener), the others brokers only. Then the cluster config
// file's settings (every broker's, then this broker's) win.

import {join} from 'node:path'

import type {BrokerRecord, ClusterState} from './state.js'

export type PropertyEntries = ReadonlyArray<readonly [key: string, value: string]>

export const LOCAL_HOST = '127.0.0.1'

/** The broker's log.dirs: a `data` directory inside its own directory. */
export function brokerLogDir(broker: Pick<BrokerRecord, 'dataDir'>): string {
  return join(broker.dataDir, 'data')
}

/** How many of a local cluster's brokers are controller quorum voters. */
export const MAX_LOCAL_VOTERS = 3

/**
 * The election timeout of local clusters: Kafka's default (1 s, doubled at random) would
 * dominate the start of a cluster on one machine, where peers answer in a millisecond.
 */
export const LOCAL_ELECTION_TIMEOUT_MS = 100

export function localBrokerConfig(state: ClusterState, broker: BrokerRecord): PropertyEntries {
  const listener = `PLAINTEXT://${broker.host}:${broker.port}`
  const voters = state.brokers.filter((b) => b.controllerPort != null)
  const entries: Array<readonly [string, string]> = []
  if (voters.length === 0) {
    entries.push(['process.roles', 'broker,controller'], ['node.id', String(broker.id)], ['listeners', listener])
  } else {
    const isVoter = broker.controllerPort != null
    entries.push(
      ['process.roles', isVoter ? 'broker,controller' : 'broker'],
      ['node.id', String(broker.id)],
      ['listeners', isVoter ? `${listener},CONTROLLER://${broker.host}:${broker.controllerPort}` : listener],
      ['controller.listener.names', 'CONTROLLER'],
      ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
      ['controller.quorum.voters', voters.map((v) => `${v.id}@${v.host}:${v.controllerPort}`).join(',')],
      ['controller.quorum.election.timeout.ms', String(LOCAL_ELECTION_TIMEOUT_MS)],
    )
  }
  entries.push(['advertised.listeners', listener], ['inter.broker.listener.name', 'PLAINTEXT'], ['log.dirs', brokerLogDir(broker)])
  if (broker.rack) entries.push(['broker.rack', broker.rack])
  entries.push(...developmentDefaults(state.brokers.length))
  // The cluster config file's settings win; a key given twice keeps its last value, in place.
  for (const [key, value] of Object.entries(broker.overrides ?? {})) {
    const i = entries.findIndex(([k]) => k === key)
    if (i >= 0) entries[i] = [key, value]
    else entries.push([key, value])
  }
  return entries
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
