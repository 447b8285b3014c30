// The programmatic API of the tskafka package.
//
//   import {startBroker} from 'tskafka'
//   const kafka = await startBroker()            // in-process, ephemeral port, temp data dir
//   new Kafka({brokers: [kafka.bootstrapServers]})
//   await kafka.stop()                           // graceful; removes the temp data dir
//
// plus the local-cluster lifecycle the `tskafka cluster` commands use.

import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {Broker} from './broker/broker.js'
import {createLogger, type LogLevel, type LogSink} from './broker/logger.js'
import {developmentDefaults} from './cluster/server-properties.js'

export {
  bootstrapServersOf,
  localBootstrapServers,
  localClusterStatus,
  startLocalCluster,
  stopLocalCluster,
  type BrokerRunState,
  type BrokerStatus,
  type ClusterRunState,
  type ClusterStatus,
  type StartClusterOptions,
  type StartClusterResult,
  type StopClusterOptions,
  type StopClusterResult,
} from './cluster/local-cluster.js'
export {defaultLocalClusterDir, tskafkaHome} from './paths.js'
export type {LogLevel, LogSink} from './broker/logger.js'

export type ConfigInput = Record<string, string | number | boolean>

export interface StartBrokerOptions {
  /**
   * Broker configs by their Kafka names, e.g. `{'num.partitions': 3,
   * 'auto.create.topics.enable': false}`. They win over everything below,
   * `listeners` and `log.dirs` included.
   */
  config?: ConfigInput
  /**
   * The broker's log directory. Kept on stop. Default: a new temporary
   * directory, removed on stop.
   */
  dataDir?: string
  /** node.id (default 1). */
  nodeId?: number
  /** Broker log level (default 'warn'). */
  logLevel?: LogLevel
  /** Where broker log lines go (default stderr). */
  logSink?: LogSink
}

export interface StartedBroker {
  /** host:port to give clients as bootstrap.servers / brokers. */
  readonly bootstrapServers: string
  readonly host: string
  /** The port the client listener is bound to. */
  readonly port: number
  readonly clusterId: string
  readonly nodeId: number
  /** The broker's log directory. */
  readonly dataDir: string
  /** Stops the broker gracefully and removes its data dir unless you passed one. Idempotent. */
  stop(): Promise<void>
}

const stderrSink: LogSink = (line) => {
  process.stderr.write(line + '\n')
}

/**
 * Starts a broker in this process on 127.0.0.1 and an ephemeral port, ready
 * for clients when the promise resolves. Several can run side by side; each
 * is its own single-node cluster with its own cluster id.
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<StartedBroker> {
  const ownDir = options.dataDir === undefined
  const dataDir = ownDir ? mkdtempSync(join(tmpdir(), 'tskafka-broker-')) : resolve(options.dataDir!)
  if (!ownDir) mkdirSync(dataDir, {recursive: true})

  const props = new Map<string, string>([
    ['process.roles', 'broker,controller'],
    ['node.id', String(options.nodeId ?? 1)],
    ['listeners', 'PLAINTEXT://127.0.0.1:0'],
    ['log.dirs', dataDir],
    ...developmentDefaults(1),
  ])
  for (const [key, value] of Object.entries(options.config ?? {})) props.set(key, String(value))

  let broker: Broker
  try {
    broker = await Broker.start(props, {logger: createLogger({level: options.logLevel ?? 'warn', sink: options.logSink ?? stderrSink})})
  } catch (error) {
    if (ownDir) rmSync(dataDir, {recursive: true, force: true})
    throw error
  }

  const [host] = splitHostPort(broker.bootstrapServers)
  let stopping: Promise<void> | undefined
  return {
    bootstrapServers: broker.bootstrapServers,
    host,
    port: broker.port,
    clusterId: broker.clusterId,
    nodeId: broker.nodeId,
    dataDir,
    stop() {
      stopping ??= broker.stop().finally(() => {
        if (ownDir) rmSync(dataDir, {recursive: true, force: true})
      })
      return stopping
    },
  }
}

function splitHostPort(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':')
  return [hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1'), Number(hostPort.slice(i + 1))]
}
