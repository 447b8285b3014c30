// The local cluster: N brokers on loopback, each a detached background process
// (`tskafka broker start --config <its server.properties>`) with its own
// directory under the cluster's data dir:
//
//   <dataDir>/cluster.json               state (see state.ts)
//   <dataDir>/broker-<id>/server.properties
//   <dataDir>/broker-<id>/broker.log      the broker's stdout + stderr
//   <dataDir>/broker-<id>/data/           its log.dirs
//
// Ports are consecutive from the base port (broker 1 on --port, broker 2 on
// --port + 1...). Start, stop and status are idempotent and tolerate stale
// state: a pid is only trusted when /proc says it is still our broker.

import {spawn, type ChildProcess} from 'node:child_process'
import {closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'

import {ConfigError} from '../config/config-def.js'
import {ensureFormatted, readMetaProperties} from '../config/meta-properties.js'
import {cliEntryPoint, defaultLocalClusterDir} from '../paths.js'
import {withClusterLock} from './lock.js'
import {isBrokerProcess, signalProcess, sleep, waitForBrokerExit} from './processes.js'
import {isBrokerResponding, probeApiVersions} from './probe.js'
import {brokerLogDir, LOCAL_HOST, localBrokerConfig, renderProperties} from './server-properties.js'
import {
  type BrokerRecord,
  ClusterError,
  type ClusterState,
  newClusterId,
  readClusterState,
  STATE_VERSION,
  writeClusterState,
} from './state.js'

export const DEFAULT_BASE_PORT = 9092
/**
 * The code below handles any number of brokers, but brokers do not replicate
 * or share a controller yet, so N > 1 would be N unrelated one-node clusters.
 */
export const MAX_LOCAL_BROKERS = 1
export const DEFAULT_READY_TIMEOUT_MS = 30_000
export const DEFAULT_STOP_TIMEOUT_MS = 10_000
const LOG_TAIL_LINES = 20

export type BrokerRunState = 'running' | 'stopped' | 'not responding'
/** running: every broker answers; stopped: none is alive (or no cluster exists); degraded: anything in between. */
export type ClusterRunState = 'running' | 'stopped' | 'degraded'

export interface BrokerStatus {
  id: number
  host: string
  port: number
  /** The live pid, null when the broker is stopped (a stale pid is not reported). */
  pid: number | null
  state: BrokerRunState
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
  brokers: BrokerStatus[]
}

export interface StartClusterOptions {
  dataDir?: string
  /** Base port; undefined keeps the existing cluster's (or 9092 for a new one). */
  port?: number
  /** Number of brokers; undefined keeps the existing cluster's (or 1 for a new one). */
  brokers?: number
  readyTimeoutMs?: number
}

export interface StartClusterResult {
  /** True when every broker was already running and nothing was started. */
  alreadyRunning: boolean
  /** Ids of the brokers this call started. */
  startedBrokerIds: number[]
  /** Milliseconds from the first spawn until every broker answered ApiVersions (0 when nothing was started). */
  readyMs: number
  /** Requested settings that were not applied (e.g. --port while already running). */
  warnings: string[]
  status: ClusterStatus
}

export interface StopClusterOptions {
  dataDir?: string
  /** How long to wait for a graceful exit after SIGTERM before SIGKILL. */
  timeoutMs?: number
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
  if (!state) return {dataDir, exists: false, clusterId: null, state: 'stopped', bootstrapServers: '', brokers: []}
  const brokers = await Promise.all(state.brokers.map((b) => brokerStatus(b)))
  return {
    dataDir,
    exists: true,
    clusterId: state.clusterId,
    state: overallState(brokers),
    bootstrapServers: bootstrapServersOf(state.brokers),
    brokers,
  }
}

async function brokerStatus(b: BrokerRecord): Promise<BrokerStatus> {
  const alive = isBrokerProcess(b.pid, b.configFile)
  const state: BrokerRunState = !alive ? 'stopped' : (await isBrokerResponding(b.host, b.port, 1000)) ? 'running' : 'not responding'
  return {
    id: b.id,
    host: b.host,
    port: b.port,
    pid: alive ? b.pid : null,
    state,
    dataDir: b.dataDir,
    logFile: b.logFile,
    configFile: b.configFile,
    startedAt: alive ? b.startedAt : null,
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
    if (opts.brokers > MAX_LOCAL_BROKERS) {
      throw new ClusterError(
        `a local cluster of ${opts.brokers} brokers is not supported yet: brokers cannot replicate to each other until replication lands; use --brokers 1`,
      )
    }
  }
  if (opts.port !== undefined) {
    const n = opts.brokers ?? 1
    if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port + n - 1 > 65_535) {
      throw new ClusterError(`--port must be between 1 and ${65_536 - n}, got ${opts.port}`)
    }
  }
}

export async function startLocalCluster(opts: StartClusterOptions = {}): Promise<StartClusterResult> {
  validateStartOptions(opts)
  const dataDir = opts.dataDir ?? defaultLocalClusterDir()
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS
  mkdirSync(dataDir, {recursive: true})
  return withClusterLock(dataDir, async () => {
    const warnings: string[] = []
    let state = readClusterState(dataDir)
    let statuses = state ? await Promise.all(state.brokers.map((b) => brokerStatus(b))) : []
    const anyAlive = statuses.some((s) => s.state !== 'stopped')

    if (!state) {
      state = newClusterLayout(dataDir, opts.port ?? DEFAULT_BASE_PORT, opts.brokers ?? 1)
    } else if (anyAlive) {
      // Never re-lay out a cluster under live brokers: report what runs instead.
      if (opts.port !== undefined && opts.port !== state.brokers[0]?.port) {
        warnings.push(`--port ${opts.port} ignored: the cluster is running on port ${state.brokers[0]?.port}; stop it first to change ports`)
      }
      if (opts.brokers !== undefined && opts.brokers !== state.brokers.length) {
        warnings.push(`--brokers ${opts.brokers} ignored: the cluster is running with ${state.brokers.length}; stop it first to resize it`)
      }
    } else {
      state = relayOut(state, dataDir, opts.port, opts.brokers)
    }
    statuses = statuses.length === state.brokers.length ? statuses : await Promise.all(state.brokers.map((b) => brokerStatus(b)))

    const toStart = state.brokers.filter((_, i) => statuses[i]!.state === 'stopped')
    const unresponsive = state.brokers.filter((_, i) => statuses[i]!.state === 'not responding')
    if (toStart.length === 0 && unresponsive.length === 0) {
      return {alreadyRunning: true, startedBrokerIds: [], readyMs: 0, warnings, status: await localClusterStatus(dataDir)}
    }

    for (const b of toStart) await assertPortFree(b.host, b.port)

    const began = performance.now()
    const launched: Array<{broker: BrokerRecord; child: ChildProcess; logOffset: number}> = []
    try {
      for (const broker of toStart) {
        writeBrokerFiles(state, broker)
        const {child, logOffset} = spawnBroker(broker)
        broker.pid = child.pid ?? null
        broker.startedAt = new Date().toISOString()
        launched.push({broker, child, logOffset})
      }
      // Record the pids before waiting, so that `cluster stop` can find brokers even if this process dies now.
      writeClusterState(dataDir, state)
      await Promise.all([
        ...launched.map(({broker, child, logOffset}) => waitUntilReady(broker, readyTimeoutMs, child, logOffset)),
        ...unresponsive.map((broker) => waitUntilReady(broker, readyTimeoutMs)),
      ])
    } catch (error) {
      await Promise.all(launched.map(({broker}) => terminate(broker, 2000)))
      for (const {broker} of launched) {
        broker.pid = null
        broker.startedAt = null
      }
      writeClusterState(dataDir, state)
      throw error
    } finally {
      // Let this process exit while the brokers live on.
      for (const {child} of launched) {
        child.removeAllListeners()
        child.on('error', ignoreError)
        child.unref()
      }
    }
    const readyMs = Math.round(performance.now() - began)
    return {alreadyRunning: false, startedBrokerIds: launched.map((l) => l.broker.id), readyMs, warnings, status: await localClusterStatus(dataDir)}
  })
}

export async function stopLocalCluster(opts: StopClusterOptions = {}): Promise<StopClusterResult> {
  const dataDir = opts.dataDir ?? defaultLocalClusterDir()
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS
  if (!readClusterState(dataDir)) return {dataDir, exists: false, wasRunning: false, brokers: []}
  return withClusterLock(dataDir, async () => {
    const state = readClusterState(dataDir)
    if (!state) return {dataDir, exists: false, wasRunning: false, brokers: []}
    const brokers = await Promise.all(
      state.brokers.map(async (b) => {
        const pid = b.pid
        const outcome: BrokerStopOutcome = isBrokerProcess(pid, b.configFile) ? await terminate(b, timeoutMs) : 'was not running'
        b.pid = null
        b.startedAt = null
        return {id: b.id, pid: outcome === 'was not running' ? null : pid, outcome}
      }),
    )
    writeClusterState(dataDir, state)
    return {dataDir, exists: true, wasRunning: brokers.some((b) => b.outcome !== 'was not running'), brokers}
  })
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
  }
}

/** Applies a new base port and/or broker count to a stopped cluster. */
function relayOut(state: ClusterState, dataDir: string, basePort: number | undefined, count: number | undefined): ClusterState {
  const n = count ?? state.brokers.length
  if (n < state.brokers.length) {
    throw new ClusterError(
      `this cluster has ${state.brokers.length} brokers; shrinking it would lose their data. Remove ${dataDir} to start afresh`,
    )
  }
  const base = basePort ?? state.brokers[0]?.port ?? DEFAULT_BASE_PORT
  const brokers = Array.from({length: n}, (_, i) => {
    const existing = state.brokers[i]
    return existing ? {...existing, port: base + i} : brokerRecord(dataDir, i + 1, base + i)
  })
  return {...state, brokers}
}

function writeBrokerFiles(state: ClusterState, broker: BrokerRecord): void {
  mkdirSync(broker.dataDir, {recursive: true})
  formatStorage(state, broker)
  writeFileSync(
    broker.configFile,
    renderProperties(
      localBrokerConfig(state, broker),
      `Written by \`tskafka cluster start\` for broker ${broker.id} of local cluster ${state.clusterId}.\nRewritten on every start: edits here are lost.`,
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
  const logDir = brokerLogDir(broker)
  try {
    if (readMetaProperties(logDir) !== null) return
  } catch {
    return
  }
  try {
    ensureFormatted([logDir], broker.id, state.clusterId)
  } catch (error) {
    if (error instanceof ConfigError) throw new ClusterError(`cannot format the log directory of broker ${broker.id}: ${error.message}`)
    throw error
  }
}

function spawnBroker(broker: BrokerRecord): {child: ChildProcess; logOffset: number} {
  const logFd = openSync(broker.logFile, 'a')
  try {
    const logOffset = fstatSync(logFd).size
    const child = spawn(process.execPath, [cliEntryPoint(), 'broker', 'start', '--config', broker.configFile], {
      cwd: broker.dataDir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: process.env,
    })
    // A failed spawn is also reported as an 'error' event; it must not crash this process.
    child.on('error', ignoreError)
    if (child.pid === undefined) throw new ClusterError(`could not start broker ${broker.id}: spawning ${process.execPath} failed`)
    return {child, logOffset}
  } finally {
    closeSync(logFd)
  }
}

/**
 * Polls ApiVersions until the broker answers. Fails fast when the process we
 * spawned exits, and shows the tail of what it wrote to its log.
 */
async function waitUntilReady(broker: BrokerRecord, timeoutMs: number, child?: ChildProcess, logOffset = 0): Promise<void> {
  const exited: {code?: number | null; signal?: NodeJS.Signals | null} = {}
  child?.once('exit', (code, signal) => {
    exited.code = code
    exited.signal = signal
  })
  const deadline = Date.now() + timeoutMs
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

function ignoreError(): void {}

async function assertPortFree(host: string, port: number): Promise<void> {
  const error = await tryBind(host, port)
  if (!error) return
  if (error.code === 'EADDRINUSE') {
    const kafka = await isBrokerResponding(host, port, 500)
    throw new ClusterError(
      kafka
        ? `port ${port} on ${host} is already used by another Kafka broker (not this local cluster); choose another with --port`
        : `port ${port} on ${host} is already in use by another program; choose another with --port`,
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
