// The programmatic API of the tskafka package.
//
//   import {startBroker} from 'tskafka'
//   const kafka = await startBroker()            // in-process, ephemeral port, temp data dir
//   new Kafka({brokers: [kafka.bootstrapServers]})
//   await kafka.stop()                           // graceful; removes the temp data dir
//
//   import {startCluster} from 'tskafka'
//   const cluster = await startCluster({brokers: 3})   // three broker processes, a controller quorum
//   await cluster.killBroker(2)                  // SIGKILL, for failover tests
//   await cluster.restartBroker(2)
//   await cluster.stop()
//
// plus the local-cluster lifecycle the `tskafka cluster` commands use.

import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {Broker} from './broker/broker.js'
import {createLogger, type LogLevel, type LogSink} from './broker/logger.js'
import type {BrokerSettings, ClusterConfigFile} from './cluster/cluster-config.js'
import {viewCluster} from './cluster/cluster-view.js'
import {
  addLocalBroker,
  bootstrapServersOf,
  killLocalBroker,
  localClusterStatus,
  restartLocalBroker,
  startLocalCluster,
  stopLocalCluster,
} from './cluster/local-cluster.js'
import {developmentDefaults} from './cluster/server-properties.js'

export {
  addLocalBroker,
  bootstrapServersOf,
  destroyLocalCluster,
  killLocalBroker,
  localBootstrapServers,
  localClusterStatus,
  restartLocalBroker,
  startLocalCluster,
  stopLocalCluster,
  type BrokerRunState,
  type BrokerStatus,
  type ClusterRunState,
  type AddBrokerOptions,
  type ClusterStatus,
  type NewBrokerSettings,
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

export interface StartClusterApiOptions {
  /** Number of brokers, each its own process (default 3). The first three form the controller quorum. */
  brokers?: number
  /** Broker configs for every broker, by their Kafka names. */
  config?: ConfigInput
  /** Broker configs per broker id, winning over `config`. */
  brokerConfig?: Record<number, ConfigInput>
  /** broker.rack per broker, in id order (['a', 'b', 'c']). */
  racks?: ReadonlyArray<string | null>
  /** The cluster's directory. Kept on stop. Default: a new temporary directory, removed on stop. */
  dataDir?: string
  /** How long to wait for the cluster to be ready (default 30 s). */
  readyTimeoutMs?: number
}

export interface ClusterBroker {
  readonly id: number
  readonly host: string
  readonly port: number
  /** The broker process, null while it is stopped or killed. */
  readonly pid: number | null
}

export interface AddClusterBrokerOptions {
  /** Its broker.rack. */
  rack?: string
  /** Its broker configs, by their Kafka names, over the cluster's `config`. */
  config?: ConfigInput
}

export interface StartedCluster {
  /** host:port of every broker (those added since included), comma-separated, for bootstrap.servers. */
  readonly bootstrapServers: string
  readonly clusterId: string
  readonly dataDir: string
  /** The brokers as they are now (pids change on restarts). */
  readonly brokers: ReadonlyArray<ClusterBroker>
  /** The active controller's id, as the cluster reports it (-1 while there is none). */
  activeController(): Promise<number>
  /** SIGKILL: no controlled shutdown; the controller fences it after broker.session.timeout.ms. */
  killBroker(id: number): Promise<void>
  /** A controlled shutdown of one broker (its leaderships move first). */
  stopBroker(id: number): Promise<void>
  /** Starts a stopped or killed broker again (a running one is stopped first), and waits until it is back. */
  restartBroker(id: number): Promise<void>
  /**
   * Adds a broker (the next id, a broker-only node, not a quorum voter) and waits until it is
   * registered and unfenced. The cluster must have three or more brokers: a smaller one would
   * need a new controller quorum.
   */
  addBroker(options?: AddClusterBrokerOptions): Promise<ClusterBroker>
  /** Stops every broker (controlled, one at a time) and removes the data dir unless you passed one. Idempotent. */
  stop(): Promise<void>
}

/**
 * Starts a cluster of broker processes on 127.0.0.1 and free ports, with a controller quorum,
 * ready for clients when the promise resolves: every broker registered and unfenced and a
 * controller elected. The processes are tied to this one: they are killed if it exits.
 */
export async function startCluster(options: StartClusterApiOptions = {}): Promise<StartedCluster> {
  const n = options.brokers ?? 3
  if (!Number.isInteger(n) || n < 1) throw new Error(`brokers must be a positive integer, got ${n}`)
  const ownDir = options.dataDir === undefined
  const dataDir = ownDir ? mkdtempSync(join(tmpdir(), 'tskafka-cluster-')) : resolve(options.dataDir!)
  if (!ownDir) mkdirSync(dataDir, {recursive: true})
  const taken = new Set<number>()
  const broker = new Map<number, BrokerSettings>()
  for (let id = 1; id <= n; id++) {
    const settings: BrokerSettings = {port: await freeLoopbackPort(taken), config: stringConfig(options.brokerConfig?.[id])}
    if (id <= 3 && n > 1) settings.controllerPort = await freeLoopbackPort(taken)
    const rack = options.racks?.[id - 1]
    if (rack) settings.rack = rack
    broker.set(id, settings)
  }
  const clusterConfig: ClusterConfigFile = {brokers: n, config: stringConfig(options.config), broker}
  let started
  try {
    started = await startLocalCluster({dataDir, brokers: n, clusterConfig, detached: false, readyTimeoutMs: options.readyTimeoutMs})
  } catch (error) {
    await stopLocalCluster({dataDir, timeoutMs: 2000}).catch(() => {})
    if (ownDir) rmSync(dataDir, {recursive: true, force: true})
    throw error
  }
  const status = started.status
  let brokers: ClusterBroker[] = status.brokers.map((b) => ({id: b.id, host: b.host, port: b.port, pid: b.pid}))
  const refresh = async () => {
    brokers = (await localClusterStatus(dataDir)).brokers.map((b) => ({id: b.id, host: b.host, port: b.port, pid: b.pid}))
  }
  let stopping: Promise<void> | undefined
  return {
    get bootstrapServers() {
      return bootstrapServersOf(brokers)
    },
    clusterId: status.clusterId!,
    dataDir,
    get brokers() {
      return brokers
    },
    async activeController() {
      for (const b of brokers) {
        if (b.pid === null) continue
        try {
          return (await viewCluster(b.host, b.port, 2000)).activeController
        } catch {
          // ask the next
        }
      }
      return -1
    },
    async killBroker(id) {
      await killLocalBroker({dataDir, brokerId: id})
      await refresh()
    },
    async stopBroker(id) {
      await stopLocalCluster({dataDir, brokerId: id})
      await refresh()
    },
    async restartBroker(id) {
      await restartLocalBroker({dataDir, brokerId: id, detached: false, readyTimeoutMs: options.readyTimeoutMs})
      await refresh()
    },
    async addBroker(add = {}) {
      const taken = new Set(brokers.map((b) => b.port))
      const config = {...stringConfig(options.config), ...stringConfig(add.config)}
      const result = await addLocalBroker({dataDir, port: await freeLoopbackPort(taken), rack: add.rack, config, detached: false, readyTimeoutMs: options.readyTimeoutMs})
      await refresh()
      return brokers.find((b) => b.id === result.broker.id)!
    },
    stop() {
      stopping ??= stopLocalCluster({dataDir}).then(() => {
        if (ownDir) rmSync(dataDir, {recursive: true, force: true})
      })
      return stopping
    },
  }
}

function stringConfig(input: ConfigInput | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(input ?? {}).map(([k, v]) => [k, String(v)]))
}

function freeLoopbackPort(taken: Set<number>): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({host: '127.0.0.1', port: 0, exclusive: true}, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => {
        if (taken.has(port)) freeLoopbackPort(taken).then(resolvePort, reject)
        else {
          taken.add(port)
          resolvePort(port)
        }
      })
    })
  })
}
