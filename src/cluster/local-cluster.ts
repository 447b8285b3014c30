// The local cluster: N brokers on loopback, each a background process
// (`tskafka broker start --config <its server.properties>`) with its own
// directory under the cluster's data dir:
//
//   <dataDir>/cluster.json               state (see state.ts)
//   <dataDir>/broker-<id>/server.properties
//   <dataDir>/broker-<id>/broker.log      the broker's stdout + stderr
//   <dataDir>/broker-<id>/data/           its log.dirs
//
// Client ports are consecutive from the base port (broker 1 on --port, broker 2
// on --port + 1...). In a cluster of several brokers the first three are
// combined broker+controller nodes, the controller quorum's voters, each with a
// CONTROLLER listener on --port + 10000 + i (or a free port when that is taken),
// recorded in the state file; the rest are brokers only. A cluster config file
// sets racks, ports and broker configs.
//
// Start waits until every broker is registered and unfenced and a controller
// leads. A running cluster of three or more brokers grows (start with a larger
// --brokers, or addLocalBroker) by broker-only nodes, started alone, so the
// quorum never changes under live brokers. Stop is a controlled shutdown (leadership moves away first), one
// broker at a time with the active controller last, so every step keeps a
// quorum. Start, stop and status are idempotent and tolerate stale state: a pid
// is only trusted when /proc says it is still our broker.

import {spawn, type ChildProcess} from 'node:child_process'
import {closeSync, fstatSync, mkdirSync, openSync, readSync, rmdirSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'

import {ConfigError} from '../config/config-def.js'
import {ensureFormatted, readMetaProperties} from '../config/meta-properties.js'
import {defaultLocalClusterDir, packageRoot} from '../paths.js'
import type {ClusterConfigFile} from './cluster-config.js'
import type {ClusterView} from './cluster-view.js'
import {withClusterLock} from './lock.js'
import {isBrokerProcess, signalProcess, sleep, waitForBrokerExit} from './processes.js'
import {isBrokerResponding, probeApiVersions} from './probe.js'
import {brokerLogDir, LOCAL_HOST, localBrokerConfig, MAX_LOCAL_VOTERS, renderProperties} from './server-properties.js'
import {
  type BrokerRecord,
  ClusterError,
  type ClusterState,
  newClusterId,
  readClusterState,
  STATE_VERSION,
  stateFilePath,
  writeClusterState,
} from './state.js'

export const DEFAULT_BASE_PORT = 9092
/** How many brokers a local cluster may have (ports and processes on one machine). */
export const MAX_LOCAL_BROKERS = 32
/** Controller listeners sit this far above the client ports. */
export const CONTROLLER_PORT_OFFSET = 10_000
export const DEFAULT_READY_TIMEOUT_MS = 30_000
export const DEFAULT_STOP_TIMEOUT_MS = 10_000
const LOG_TAIL_LINES = 20

/**
 * Asks a broker about the cluster (Metadata, DescribeQuorum). The client it needs is loaded on
 * first use: localBootstrapServers(), which every command may call, stays cheap.
 */
async function viewCluster(host: string, port: number, timeoutMs: number): Promise<ClusterView> {
  const view = await import('./cluster-view.js')
  return view.viewCluster(host, port, timeoutMs)
}

export type BrokerRunState = 'running' | 'stopped' | 'not responding' | 'fenced'
/** running: every broker answers; stopped: none is alive (or no cluster exists); degraded: anything in between. */
export type ClusterRunState = 'running' | 'stopped' | 'degraded'
/** A broker's part in the controller quorum. */
export type ControllerRole = 'active' | 'voter' | 'observer'

export interface BrokerStatus {
  id: number
  host: string
  port: number
  /** The live pid, null when the broker is stopped (a stale pid is not reported). */
  pid: number | null
  state: BrokerRunState
  rack: string | null
  /** 'active' for the active controller, 'voter' for the other quorum voters, 'observer' for brokers only. */
  controller: ControllerRole
  /** Partitions it leads, and those of them whose ISR is short (null when the cluster could not be asked). */
  leaders: number | null
  underReplicated: number | null
  dataDir: string
  logFile: string
  configFile: string
  startedAt: string | null
}

export interface ClusterStatus {
  dataDir: string
  /** False when the data dir holds no cluster.json (never started there). */
  exists: boolean
  clusterId: string | null
  state: ClusterRunState
  /** host:port of every broker, comma-separated, whatever their state. */
  bootstrapServers: string
  /** The active controller's id, -1 when none is known. */
  activeController: number
  /** Partitions without a leader (null when the cluster could not be asked). */
  offlinePartitions: number | null
  brokers: BrokerStatus[]
}

export interface StartClusterOptions {
  dataDir?: string
  /** Base port; undefined keeps the existing cluster's (or 9092 for a new one). */
  port?: number
  /** Number of brokers; undefined keeps the existing cluster's (or 1 for a new one). */
  brokers?: number
  /** Racks, ports and broker configs (cluster.yaml, parsed); the flags above win. */
  clusterConfig?: ClusterConfigFile
  /** Start only these brokers (restart); default every stopped one. */
  only?: readonly number[]
  readyTimeoutMs?: number
  /**
   * Whether the brokers outlive this process (the CLI: true, the default). False ties them to
   * it (startCluster): they are killed when it exits.
   */
  detached?: boolean
}

export interface StartClusterResult {
  /** True when every broker was already running and nothing was started. */
  alreadyRunning: boolean
  /** Ids of the brokers this call started. */
  startedBrokerIds: number[]
  /** Ids of the brokers this call added to a running cluster (grown with --brokers). */
  addedBrokerIds: number[]
  /** Milliseconds from the first spawn until the cluster was ready (0 when nothing was started). */
  readyMs: number
  /** Requested settings that were not applied (e.g. --port while already running). */
  warnings: string[]
  status: ClusterStatus
}

export interface StopClusterOptions {
  dataDir?: string
  /** How long to wait for a graceful exit after SIGTERM before SIGKILL. */
  timeoutMs?: number
  /** Stop only this broker. */
  brokerId?: number
}

export type BrokerStopOutcome = 'stopped' | 'killed' | 'was not running'

export interface StopClusterResult {
  dataDir: string
  exists: boolean
  /** True when at least one broker process was running. */
  wasRunning: boolean
  brokers: Array<{id: number; pid: number | null; outcome: BrokerStopOutcome}>
}

/** Error carrying the tail of a broker's log, to show under the one-line message. */
export class BrokerStartError extends ClusterError {
  constructor(
    message: string,
    readonly logFile: string,
    readonly logTail: string[],
  ) {
    super(message)
  }
}

export function bootstrapServersOf(brokers: ReadonlyArray<Pick<BrokerRecord, 'host' | 'port'>>): string {
  return brokers.map((b) => `${b.host}:${b.port}`).join(',')
}

/**
 * The bootstrap servers of the local cluster when at least one of its brokers
 * is running (by pid; no network round trip), else null. Later commands use it
 * as their default --bootstrap-server.
 */
export function localBootstrapServers(dataDir: string = defaultLocalClusterDir()): string | null {
  let state: ClusterState | null
  try {
    state = readClusterState(dataDir)
  } catch {
    return null
  }
  if (!state) return null
  const live = state.brokers.filter((b) => isBrokerProcess(b.pid, b.configFile))
  return live.length > 0 ? bootstrapServersOf(live) : null
}

export async function localClusterStatus(dataDir: string = defaultLocalClusterDir()): Promise<ClusterStatus> {
  const state = readClusterState(dataDir)
  if (!state) return {dataDir, exists: false, clusterId: null, state: 'stopped', bootstrapServers: '', activeController: -1, offlinePartitions: null, brokers: []}
  return statusOf(dataDir, state)
}

async function statusOf(dataDir: string, state: ClusterState): Promise<ClusterStatus> {
  const alive = state.brokers.map((b) => isBrokerProcess(b.pid, b.configFile))
  const answering = await Promise.all(state.brokers.map((b, i) => (alive[i] ? isBrokerResponding(b.host, b.port, 1000) : Promise.resolve(false))))
  let view: ClusterView | null = null
  for (const [i, b] of state.brokers.entries()) {
    if (!answering[i]) continue
    try {
      view = await viewCluster(b.host, b.port, 2000)
      break
    } catch {
      // try the next one
    }
  }
  const voters = new Set(view && view.voters.length > 0 ? view.voters : state.brokers.filter((b) => b.controllerPort != null).map((b) => b.id))
  if (voters.size === 0 && state.brokers.length === 1) voters.add(state.brokers[0]!.id)
  const brokers = state.brokers.map((b, i): BrokerStatus => {
    let run: BrokerRunState = !alive[i] ? 'stopped' : answering[i] ? 'running' : 'not responding'
    if (run === 'running' && view && !view.alive.has(b.id)) run = 'fenced'
    return {
      id: b.id,
      host: b.host,
      port: b.port,
      pid: alive[i] ? b.pid : null,
      state: run,
      rack: view?.alive.get(b.id) ?? b.rack ?? null,
      controller: view && view.activeController === b.id ? 'active' : voters.has(b.id) ? 'voter' : 'observer',
      leaders: view ? (view.leaders.get(b.id) ?? 0) : null,
      underReplicated: view ? (view.underReplicated.get(b.id) ?? 0) : null,
      dataDir: b.dataDir,
      logFile: b.logFile,
      configFile: b.configFile,
      startedAt: alive[i] ? b.startedAt : null,
    }
  })
  return {
    dataDir,
    exists: true,
    clusterId: state.clusterId,
    state: overallState(brokers),
    bootstrapServers: bootstrapServersOf(state.brokers),
    activeController: view?.activeController ?? -1,
    offlinePartitions: view?.offline ?? null,
    brokers,
  }
}

function overallState(brokers: BrokerStatus[]): ClusterRunState {
  if (brokers.length > 0 && brokers.every((b) => b.state === 'running')) return 'running'
  if (brokers.every((b) => b.state === 'stopped')) return 'stopped'
  return 'degraded'
}

export function validateStartOptions(opts: Pick<StartClusterOptions, 'port' | 'brokers'>): void {
  if (opts.brokers !== undefined) {
    if (!Number.isInteger(opts.brokers) || opts.brokers < 1) throw new ClusterError(`--brokers must be a positive integer, got ${opts.brokers}`)
    if (opts.brokers > MAX_LOCAL_BROKERS) throw new ClusterError(`--brokers must be at most ${MAX_LOCAL_BROKERS} for a local cluster, got ${opts.brokers}`)
  }
  if (opts.port !== undefined) {
    const n = opts.brokers ?? 1
    if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port + n - 1 > 65_535) {
      throw new ClusterError(`--port must be between 1 and ${65_536 - n}, got ${opts.port}`)
    }
  }
}

export async function startLocalCluster(opts: StartClusterOptions = {}): Promise<StartClusterResult> {
  const file = opts.clusterConfig
  const brokersWanted = opts.brokers ?? file?.brokers
  const portWanted = opts.port ?? file?.port
  validateStartOptions({port: portWanted, brokers: brokersWanted})
  const dataDir = opts.dataDir ?? defaultLocalClusterDir()
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS
  mkdirSync(dataDir, {recursive: true})
  return withClusterLock(dataDir, async () => {
    const warnings: string[] = []
    let state = readClusterState(dataDir)
    const anyAlive = state ? state.brokers.some((b) => isBrokerProcess(b.pid, b.configFile)) : false
    let added: BrokerRecord[] = []

    if (!state) {
      state = newClusterLayout(dataDir, portWanted ?? DEFAULT_BASE_PORT, brokersWanted ?? 1)
      applyClusterConfig(state, file)
      await assignControllerPorts(state)
    } else if (anyAlive) {
      // Never re-lay out a cluster under live brokers: it may only grow by broker-only nodes.
      if (portWanted !== undefined && portWanted !== state.brokers[0]?.port) {
        warnings.push(`--port ${portWanted} ignored: the cluster is running on port ${state.brokers[0]?.port}; stop it first to change ports`)
      }
      const count = state.brokers.length
      if (brokersWanted !== undefined && brokersWanted > count) {
        const settings = Array.from({length: brokersWanted - count}, (_, i): NewBrokerSettings => {
          const own = file?.broker.get(count + i + 1)
          return {port: own?.port, rack: own?.rack, config: file ? {...file.config, ...own?.config} : undefined}
        })
        added = growLayout(state, dataDir, settings)
        if (file !== undefined) warnings.push(`--config applied to the new ${added.length === 1 ? 'broker' : 'brokers'} only: the running brokers keep their configuration until the cluster is stopped`)
      } else {
        if (brokersWanted !== undefined && brokersWanted < count) {
          warnings.push(
            `--brokers ${brokersWanted} ignored: the cluster is running with ${count} brokers and a local cluster cannot shrink (its brokers hold replicas); move replicas away with tskafka reassign, or remove it with tskafka cluster destroy`,
          )
        }
        if (file !== undefined) warnings.push('--config ignored: the cluster is running; stop it first to change its configuration')
      }
    } else {
      state = relayOut(state, dataDir, portWanted, brokersWanted)
      applyClusterConfig(state, file)
      await assignControllerPorts(state)
    }

    const alive = state.brokers.map((b) => isBrokerProcess(b.pid, b.configFile))
    const wanted = (b: BrokerRecord) => opts.only === undefined || opts.only.includes(b.id)
    const toStart = state.brokers.filter((b, i) => !alive[i] && wanted(b))
    if (opts.only) for (const id of opts.only) if (!state.brokers.some((b) => b.id === id)) throw new ClusterError(`there is no broker ${id} in this cluster (brokers ${state.brokers.map((b) => b.id).join(', ')})`)
    if (toStart.length === 0 && (await clusterReady(state, 1000))) {
      return {alreadyRunning: true, startedBrokerIds: [], addedBrokerIds: [], readyMs: 0, warnings, status: await statusOf(dataDir, state)}
    }
    const readyMs = await launchBrokers(dataDir, state, toStart, added, opts.detached ?? true, readyTimeoutMs)
    return {
      alreadyRunning: false,
      startedBrokerIds: toStart.map((b) => b.id),
      addedBrokerIds: added.map((b) => b.id),
      readyMs,
      warnings,
      status: await statusOf(dataDir, state),
    }
  })
}

/** Settings of a broker a running cluster grows by; unset ones follow the cluster's. */
export interface NewBrokerSettings {
  /** Its client port; default the one after the highest port of the cluster's brokers. */
  port?: number
  rack?: string | null
  /** Its broker configs; default the configs every current broker shares. */
  config?: Record<string, string>
}

export interface AddBrokerOptions extends NewBrokerSettings {
  dataDir?: string
  readyTimeoutMs?: number
  /** As for startLocalCluster: false ties the new broker to this process. */
  detached?: boolean
}

/**
 * Adds one broker-only node to a running cluster of three or more brokers and starts only it,
 * waiting until it is registered and unfenced. The controller quorum stays as it is.
 */
export async function addLocalBroker(opts: AddBrokerOptions = {}): Promise<StartClusterResult & {broker: BrokerStatus}> {
  const dataDir = opts.dataDir ?? defaultLocalClusterDir()
  if (!readClusterState(dataDir)) throw new ClusterError(`no local cluster in ${dataDir}`)
  return withClusterLock(dataDir, async () => {
    const state = readClusterState(dataDir)!
    if (!state.brokers.some((b) => isBrokerProcess(b.pid, b.configFile))) {
      throw new ClusterError(`the local cluster in ${dataDir} is not running; start it with --brokers ${state.brokers.length + 1} instead of adding a broker`)
    }
    const added = growLayout(state, dataDir, [{port: opts.port, rack: opts.rack, config: opts.config}])
    const readyMs = await launchBrokers(dataDir, state, added, added, opts.detached ?? true, opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS)
    const status = await statusOf(dataDir, state)
    const id = added[0]!.id
    return {alreadyRunning: false, startedBrokerIds: [id], addedBrokerIds: [id], readyMs, warnings: [], status, broker: status.brokers.find((b) => b.id === id)!}
  })
}

/**
 * Spawns `toStart` and waits until each answers and the whole cluster is ready; returns the
 * milliseconds that took. On failure the launched brokers are stopped again and the brokers
 * this call added to the layout (`added`) are dropped from it, so the cluster is as it was.
 */
async function launchBrokers(
  dataDir: string,
  state: ClusterState,
  toStart: readonly BrokerRecord[],
  added: readonly BrokerRecord[],
  detached: boolean,
  readyTimeoutMs: number,
): Promise<number> {
  for (const b of toStart) {
    // A broker added to a running cluster cannot take another --port: only the cluster config can move it.
    await assertPortFree(b.host, b.port, 'port', added.includes(b) ? `set another for it in the cluster config (broker.${b.id}.port, with --config)` : undefined)
    if (b.controllerPort != null) await assertPortFree(b.host, b.controllerPort, 'controller port')
  }

  const began = performance.now()
  const launched: Array<{broker: BrokerRecord; child: ChildProcess; logOffset: number}> = []
  try {
    for (const broker of toStart) {
      writeBrokerFiles(state, broker)
      const {child, logOffset} = spawnBroker(broker, detached)
      broker.pid = child.pid ?? null
      broker.startedAt = new Date().toISOString()
      launched.push({broker, child, logOffset})
    }
    // Record the pids before waiting, so that `cluster stop` can find brokers even if this process dies now.
    writeClusterState(dataDir, state)
    const deadline = Date.now() + readyTimeoutMs
    await Promise.all(launched.map(({broker, child, logOffset}) => waitUntilAnswering(broker, deadline, readyTimeoutMs, child, logOffset)))
    await waitUntilClusterReady(state, deadline, readyTimeoutMs, launched)
  } catch (error) {
    await Promise.all(launched.map(({broker}) => terminate(broker, 2000)))
    for (const {broker} of launched) {
      broker.pid = null
      broker.startedAt = null
    }
    if (added.length > 0) state.brokers = state.brokers.filter((b) => !added.includes(b))
    writeClusterState(dataDir, state)
    throw error
  } finally {
    for (const {child} of launched) {
      child.removeAllListeners()
      child.on('error', ignoreError)
      // The CLI exits while the brokers live on; a program's own cluster keeps them tied to it.
      if (detached) child.unref()
    }
  }
  return Math.round(performance.now() - began)
}

/**
 * Appends broker-only nodes to a running cluster's layout (ids after the highest, ports after
 * the last broker's) and returns them. Only a cluster that already has its full controller
 * quorum can grow this way: the new brokers are not voters, so the quorum stays as it is. A
 * lone broker is its own quorum, and a cluster of two would gain a voter: both need a restart.
 */
function growLayout(state: ClusterState, dataDir: string, settings: readonly NewBrokerSettings[]): BrokerRecord[] {
  const count = state.brokers.length
  const target = count + settings.length
  validateStartOptions({brokers: target})
  if (count < MAX_LOCAL_VOTERS) {
    const why = count === 1 ? 'a lone broker is its own controller quorum' : `its ${count} brokers are all controller quorum voters and a cluster of ${MAX_LOCAL_VOTERS} or more has ${MAX_LOCAL_VOTERS}`
    throw new ClusterError(
      `cannot grow the running cluster from ${count} to ${target} brokers: ${why}, so this changes the quorum; stop it first (tskafka cluster stop), then start it with --brokers ${target}`,
    )
  }
  const taken = new Map<number, number>()
  for (const b of state.brokers) for (const p of [b.port, b.controllerPort]) if (p != null) taken.set(p, b.id)
  const shared = sharedOverrides(state.brokers)
  const added: BrokerRecord[] = []
  let nextId = Math.max(...state.brokers.map((b) => b.id)) + 1
  let nextPort = Math.max(...state.brokers.map((b) => b.port)) + 1
  for (const s of settings) {
    const port = s.port ?? nextPort
    if (port < 1 || port > 65_535) throw new ClusterError(`broker ${nextId} would listen on port ${port}, outside 1-65535; give it a port in the cluster config (broker.${nextId}.port)`)
    const other = taken.get(port)
    if (other !== undefined) throw new ClusterError(`brokers ${other} and ${nextId} would both listen on port ${port}`)
    const b = brokerRecord(dataDir, nextId, port)
    b.rack = s.rack ?? null
    b.overrides = s.config ?? {...shared}
    taken.set(port, b.id)
    added.push(b)
    nextId++
    nextPort = Math.max(nextPort, port) + 1
  }
  state.brokers.push(...added)
  return added
}

/** The broker configs every broker has with the same value: what a new broker inherits. */
function sharedOverrides(brokers: readonly BrokerRecord[]): Record<string, string> {
  const [first, ...rest] = brokers
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(first?.overrides ?? {})) if (rest.every((b) => b.overrides?.[key] === value)) out[key] = value
  return out
}

export async function stopLocalCluster(opts: StopClusterOptions = {}): Promise<StopClusterResult> {
  const dataDir = opts.dataDir ?? defaultLocalClusterDir()
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS
  if (!readClusterState(dataDir)) return {dataDir, exists: false, wasRunning: false, brokers: []}
  return withClusterLock(dataDir, async () => {
    const state = readClusterState(dataDir)
    if (!state) return {dataDir, exists: false, wasRunning: false, brokers: []}
    const targets = opts.brokerId === undefined ? state.brokers : state.brokers.filter((b) => b.id === opts.brokerId)
    if (opts.brokerId !== undefined && targets.length === 0) {
      throw new ClusterError(`there is no broker ${opts.brokerId} in this cluster (brokers ${state.brokers.map((b) => b.id).join(', ')})`)
    }
    const outcomes = new Map<number, {id: number; pid: number | null; outcome: BrokerStopOutcome}>()
    for (const b of await stopOrder(state, targets)) {
      const pid = b.pid
      const outcome: BrokerStopOutcome = isBrokerProcess(pid, b.configFile) ? await terminate(b, timeoutMs) : 'was not running'
      b.pid = null
      b.startedAt = null
      outcomes.set(b.id, {id: b.id, pid: outcome === 'was not running' ? null : pid, outcome})
      writeClusterState(dataDir, state)
    }
    const brokers = targets.map((b) => outcomes.get(b.id)!)
    return {dataDir, exists: true, wasRunning: brokers.some((b) => b.outcome !== 'was not running'), brokers}
  })
}

/**
 * The order that keeps a quorum for each controlled shutdown: brokers that are not voters
 * first, then the voters, the active controller last.
 */
async function stopOrder(state: ClusterState, targets: BrokerRecord[]): Promise<BrokerRecord[]> {
  if (targets.length <= 1) return targets
  let active = -1
  for (const b of state.brokers) {
    if (!isBrokerProcess(b.pid, b.configFile)) continue
    try {
      active = (await viewCluster(b.host, b.port, 1000)).activeController
      break
    } catch {
      // ask the next
    }
  }
  const rank = (b: BrokerRecord) => (b.id === active ? 2 : b.controllerPort != null ? 1 : 0)
  return [...targets].sort((a, b) => rank(a) - rank(b) || a.id - b.id)
}

/** SIGKILL, for failure drills: no controlled shutdown, no flush. */
export async function killLocalBroker(opts: {dataDir?: string; brokerId: number}): Promise<{id: number; pid: number | null; killed: boolean}> {
  const dataDir = opts.dataDir ?? defaultLocalClusterDir()
  const state = readClusterState(dataDir)
  if (!state) throw new ClusterError(`no local cluster in ${dataDir}`)
  return withClusterLock(dataDir, async () => {
    const current = readClusterState(dataDir)!
    const b = current.brokers.find((x) => x.id === opts.brokerId)
    if (!b) throw new ClusterError(`there is no broker ${opts.brokerId} in this cluster (brokers ${current.brokers.map((x) => x.id).join(', ')})`)
    const pid = b.pid
    if (!isBrokerProcess(pid, b.configFile)) return {id: b.id, pid: null, killed: false}
    signalProcess(pid!, 'SIGKILL')
    await waitForBrokerExit(pid!, b.configFile, 5000)
    b.pid = null
    b.startedAt = null
    writeClusterState(dataDir, current)
    return {id: b.id, pid, killed: true}
  })
}

/** Stops one broker (controlled) and starts it again, waiting until the cluster is whole. */
export async function restartLocalBroker(opts: {dataDir?: string; brokerId: number; timeoutMs?: number; readyTimeoutMs?: number; detached?: boolean}): Promise<StartClusterResult> {
  const dataDir = opts.dataDir ?? defaultLocalClusterDir()
  if (!readClusterState(dataDir)) throw new ClusterError(`no local cluster in ${dataDir}`)
  await stopLocalCluster({dataDir, brokerId: opts.brokerId, timeoutMs: opts.timeoutMs})
  return startLocalCluster({dataDir, only: [opts.brokerId], readyTimeoutMs: opts.readyTimeoutMs, detached: opts.detached})
}

/** Stops every broker and removes the cluster's data dir. */
export async function destroyLocalCluster(opts: {dataDir?: string; timeoutMs?: number} = {}): Promise<{dataDir: string; existed: boolean; stopped: StopClusterResult}> {
  const dataDir = opts.dataDir ?? defaultLocalClusterDir()
  const existed = readClusterState(dataDir) !== null
  const stopped = await stopLocalCluster({dataDir, timeoutMs: opts.timeoutMs ?? 5000})
  if (existed) {
    // Only what a cluster consists of: never a directory that merely happens to be given.
    const state = readClusterState(dataDir)
    for (const b of state?.brokers ?? []) rmSync(b.dataDir, {recursive: true, force: true})
    rmSync(stateFilePath(dataDir), {force: true})
    try {
      rmdirSync(dataDir)
    } catch {
      // not empty: something else lives there too
    }
  }
  return {dataDir, existed, stopped}
}

/** SIGTERM, wait up to timeoutMs for a graceful exit, then SIGKILL. */
async function terminate(broker: BrokerRecord, timeoutMs: number): Promise<'stopped' | 'killed'> {
  const pid = broker.pid
  if (pid == null || !isBrokerProcess(pid, broker.configFile)) return 'stopped'
  signalProcess(pid, 'SIGTERM')
  if (await waitForBrokerExit(pid, broker.configFile, timeoutMs)) return 'stopped'
  signalProcess(pid, 'SIGKILL')
  await waitForBrokerExit(pid, broker.configFile, 5000)
  return 'killed'
}

function newClusterLayout(dataDir: string, basePort: number, count: number): ClusterState {
  const brokers = Array.from({length: count}, (_, i) => brokerRecord(dataDir, i + 1, basePort + i))
  // A data dir whose cluster.json was deleted but whose brokers' data was kept
  // keeps its identity: the log directories say which cluster they belong to.
  const existingId = brokers.map((b) => existingClusterId(b)).find((id) => id !== null)
  return {version: STATE_VERSION, clusterId: existingId ?? newClusterId(), createdAt: new Date().toISOString(), brokers}
}

function existingClusterId(broker: BrokerRecord): string | null {
  try {
    return readMetaProperties(brokerLogDir(broker))?.clusterId ?? null
  } catch {
    return null
  }
}

function brokerRecord(dataDir: string, id: number, port: number): BrokerRecord {
  const dir = join(dataDir, `broker-${id}`)
  return {
    id,
    host: LOCAL_HOST,
    port,
    pid: null,
    dataDir: dir,
    logFile: join(dir, 'broker.log'),
    configFile: join(dir, 'server.properties'),
    startedAt: null,
    controllerPort: null,
    rack: null,
    overrides: {},
  }
}

/** Applies a new base port and/or broker count to a stopped cluster. */
function relayOut(state: ClusterState, dataDir: string, basePort: number | undefined, count: number | undefined): ClusterState {
  const n = count ?? state.brokers.length
  if (n < state.brokers.length) {
    throw new ClusterError(
      `this cluster has ${state.brokers.length} brokers; shrinking it would lose their data. Remove ${dataDir} to start afresh (tskafka cluster destroy)`,
    )
  }
  const base = basePort ?? state.brokers[0]?.port ?? DEFAULT_BASE_PORT
  const brokers = Array.from({length: n}, (_, i) => {
    const existing = state.brokers[i]
    return existing ? {...existing, port: basePort === undefined ? existing.port : base + i} : brokerRecord(dataDir, i + 1, base + i)
  })
  return {...state, brokers}
}

/** Racks, ports and configs from the cluster config file, onto the brokers of a stopped cluster. */
function applyClusterConfig(state: ClusterState, file: ClusterConfigFile | undefined): void {
  if (!file) return
  for (const b of state.brokers) {
    const own = file.broker.get(b.id)
    if (own?.port !== undefined) b.port = own.port
    if (own?.rack !== undefined) b.rack = own.rack
    if (own?.controllerPort !== undefined) b.controllerPort = own.controllerPort
    b.overrides = {...file.config, ...own?.config}
  }
  const ports = new Map<number, number>()
  for (const b of state.brokers) {
    for (const p of [b.port, b.controllerPort]) {
      if (p == null) continue
      const other = ports.get(p)
      if (other !== undefined) throw new ClusterError(`brokers ${other} and ${b.id} would both listen on port ${p}`)
      ports.set(p, b.id)
    }
  }
}

/**
 * A cluster of several brokers: the first three are the controller quorum's voters, each with
 * a CONTROLLER listener at its client port + 10000 (or a free port when that one is taken).
 * A lone broker is its own quorum and needs none.
 */
async function assignControllerPorts(state: ClusterState): Promise<void> {
  if (state.brokers.length === 1) {
    state.brokers[0]!.controllerPort = null
    return
  }
  const taken = new Set(state.brokers.map((b) => b.port))
  state.brokers.forEach((b, i) => {
    if (i >= MAX_LOCAL_VOTERS) b.controllerPort = null
  })
  for (const b of state.brokers.slice(0, MAX_LOCAL_VOTERS)) {
    let port = b.controllerPort ?? (b.port + CONTROLLER_PORT_OFFSET <= 65_535 ? b.port + CONTROLLER_PORT_OFFSET : 0)
    if (port === 0 || taken.has(port) || (await tryBind(b.host, port)) !== null) port = await freePort(b.host, taken)
    b.controllerPort = port
    taken.add(port)
  }
}

function writeBrokerFiles(state: ClusterState, broker: BrokerRecord): void {
  mkdirSync(broker.dataDir, {recursive: true})
  formatStorage(state, broker)
  writeFileSync(
    broker.configFile,
    renderProperties(
      localBrokerConfig(state, broker),
      `Written by \`tskafka cluster start\` for broker ${broker.id} of local cluster ${state.clusterId}.\nRewritten on every start: edits here are lost (use tskafka cluster start --config cluster.yaml).`,
    ),
  )
}

/**
 * What `kafka-storage.sh format -t <cluster id>` does, on first start only, so
 * that every broker of the cluster carries the cluster id of cluster.json. A
 * log directory that is already formatted (or is broken) is left for the broker
 * to accept or refuse, so its own error message reaches the user.
 */
function formatStorage(state: ClusterState, broker: BrokerRecord): void {
  // Every dir of the broker's log.dirs (its own data dir, or what the cluster config sets).
  const entries = localBrokerConfig(state, broker)
  const configured = entries.find(([k]) => k === 'log.dirs')?.[1] ?? entries.find(([k]) => k === 'log.dir')?.[1] ?? brokerLogDir(broker)
  const unformatted = configured
    .split(',')
    .map((d) => d.trim())
    .filter((d) => {
      if (d === '') return false
      try {
        return readMetaProperties(d) === null
      } catch {
        return false
      }
    })
  if (unformatted.length === 0) return
  try {
    ensureFormatted(unformatted, broker.id, state.clusterId)
  } catch (error) {
    if (error instanceof ConfigError) throw new ClusterError(`cannot format the log directory of broker ${broker.id}: ${error.message}`)
    throw error
  }
}

/** The lean broker entry point (see broker-main.ts), from the built package even when the sources run. */
function brokerEntryPoint(): string {
  return join(packageRoot(), 'dist', 'src', 'cluster', 'broker-main.js')
}

const tiedChildren = new Set<ChildProcess>()
let exitHookInstalled = false

function spawnBroker(broker: BrokerRecord, detached: boolean): {child: ChildProcess; logOffset: number} {
  const logFd = openSync(broker.logFile, 'a')
  try {
    const logOffset = fstatSync(logFd).size
    const child = spawn(process.execPath, [brokerEntryPoint(), 'broker', 'start', '--config', broker.configFile], {
      cwd: broker.dataDir,
      detached,
      stdio: ['ignore', logFd, logFd],
      env: process.env,
    })
    // A failed spawn is also reported as an 'error' event; it must not crash this process.
    child.on('error', ignoreError)
    if (child.pid === undefined) throw new ClusterError(`could not start broker ${broker.id}: spawning ${process.execPath} failed`)
    if (!detached) {
      tiedChildren.add(child)
      child.once('exit', () => tiedChildren.delete(child))
      if (!exitHookInstalled) {
        exitHookInstalled = true
        process.once('exit', () => {
          for (const c of tiedChildren) c.kill('SIGKILL')
        })
      }
    }
    return {child, logOffset}
  } finally {
    closeSync(logFd)
  }
}

/**
 * Polls ApiVersions until the broker answers (a broker opens its client listener once the
 * controller has unfenced it). Fails fast when the process we spawned exits, and shows the
 * tail of what it wrote to its log.
 */
async function waitUntilAnswering(broker: BrokerRecord, deadline: number, timeoutMs: number, child?: ChildProcess, logOffset = 0): Promise<void> {
  const exited: {code?: number | null; signal?: NodeJS.Signals | null} = {}
  child?.once('exit', (code, signal) => {
    exited.code = code
    exited.signal = signal
  })
  for (;;) {
    if (exited.code !== undefined) {
      const {code, signal} = exited
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
      throw new BrokerStartError(`broker ${broker.id} ${how} during start; last lines of ${broker.logFile}:`, broker.logFile, readLogTail(broker.logFile, logOffset))
    }
    if (!child && !isBrokerProcess(broker.pid, broker.configFile)) {
      throw new BrokerStartError(`broker ${broker.id} (pid ${broker.pid}) exited; last lines of ${broker.logFile}:`, broker.logFile, readLogTail(broker.logFile, 0))
    }
    try {
      const answer = await probeApiVersions(broker.host, broker.port, 1000)
      if (answer.errorCode === 0) return
    } catch {
      // not listening yet
    }
    if (Date.now() >= deadline) {
      throw new BrokerStartError(
        `broker ${broker.id} did not answer on ${broker.host}:${broker.port} within ${Math.round(timeoutMs / 1000)}s; last lines of ${broker.logFile}:`,
        broker.logFile,
        readLogTail(broker.logFile, logOffset),
      )
    }
    await sleep(10)
  }
}

/**
 * Whether every running broker answers, sees all the running brokers alive (registered and
 * unfenced), and a controller leads. False when none runs.
 */
async function clusterReady(state: ClusterState, timeoutMs: number): Promise<boolean> {
  const running = state.brokers.filter((b) => isBrokerProcess(b.pid, b.configFile))
  if (running.length === 0) return false
  const views = await Promise.all(running.map((b) => viewCluster(b.host, b.port, timeoutMs).catch(() => null)))
  return views.every((v) => v !== null && v.activeController >= 0 && running.every((b) => v.alive.has(b.id)))
}

async function waitUntilClusterReady(
  state: ClusterState,
  deadline: number,
  timeoutMs: number,
  launched: ReadonlyArray<{broker: BrokerRecord; child: ChildProcess; logOffset: number}>,
): Promise<void> {
  for (;;) {
    for (const {broker, child, logOffset} of launched) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const how = child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${child.exitCode}`
        throw new BrokerStartError(`broker ${broker.id} ${how} during start; last lines of ${broker.logFile}:`, broker.logFile, readLogTail(broker.logFile, logOffset))
      }
    }
    if (await clusterReady(state, 1000)) return
    if (Date.now() >= deadline) {
      const first = launched[0]?.broker ?? state.brokers[0]!
      throw new BrokerStartError(
        `the cluster did not become ready within ${Math.round(timeoutMs / 1000)}s (every broker registered and unfenced, a controller elected); last lines of ${first.logFile}:`,
        first.logFile,
        readLogTail(first.logFile, 0),
      )
    }
    await sleep(20)
  }
}

function ignoreError(): void {}

async function assertPortFree(host: string, port: number, what = 'port', portHint?: string): Promise<void> {
  const error = await tryBind(host, port)
  if (!error) return
  if (error.code === 'EADDRINUSE') {
    const kafka = await isBrokerResponding(host, port, 500)
    const hint = what === 'port' ? (portHint ?? 'choose another with --port') : 'set another in the cluster config (controller-port)'
    throw new ClusterError(
      kafka
        ? `${what} ${port} on ${host} is already used by another Kafka broker (not this local cluster); ${hint}`
        : `${what} ${port} on ${host} is already in use by another program; ${hint}`,
    )
  }
  throw new ClusterError(`cannot listen on ${host}:${port}: ${error.message}`)
}

function tryBind(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error))
    server.listen({host, port, exclusive: true}, () => server.close(() => resolve(null)))
  })
}

/** A port that was free a moment ago and is not in `taken`. */
async function freePort(host: string, taken: ReadonlySet<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen({host, port: 0, exclusive: true}, () => {
        const address = server.address()
        const p = typeof address === 'object' && address ? address.port : 0
        server.close(() => resolve(p))
      })
    })
    if (!taken.has(port)) return port
  }
}

/** The last lines a broker wrote to its log since `fromOffset` (at most the final 64 KiB). */
export function readLogTail(logFile: string, fromOffset = 0, lines = LOG_TAIL_LINES): string[] {
  let fd: number
  try {
    fd = openSync(logFile, 'r')
  } catch {
    return []
  }
  try {
    const size = fstatSync(fd).size
    const start = Math.max(fromOffset, size - 65_536)
    const buf = Buffer.alloc(Math.max(0, size - start))
    readSync(fd, buf, 0, buf.length, start)
    const all = buf.toString('utf8').split(/\r?\n/)
    if (all.at(-1) === '') all.pop()
    return all.slice(-lines)
  } finally {
    closeSync(fd)
  }
}
