// `tskafka cluster start|status|stop` as a user runs them: real `node bin/run.js`
// processes (run `npm run build` first; `npm test` does), real background
// brokers, a temporary TSKAFKA_HOME and free ports, and kafkajs talking to the
// started broker.

import {execFile, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {localBootstrapServers} from '../../src/cluster/local-cluster.js'
import {isBrokerProcess, processCommandLine} from '../../src/cluster/processes.js'
import {probeApiVersions} from '../../src/cluster/probe.js'
import type {ClusterState} from '../../src/cluster/state.js'

const ROOT = resolve(import.meta.dirname, '../..')
const RUN = join(ROOT, 'bin', 'run.js')

interface CliResult {
  code: number
  stdout: string
  stderr: string
}

let home: string

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [RUN, ...args], {env: {...process.env, TSKAFKA_HOME: home, TSKAFKA_CONFIG: join(home, 'contexts.yaml'), ...env}, timeout: 60_000}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      done({code, stdout, stderr})
    })
  })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.address() as {port: number}).port
  await new Promise<void>((ok) => server.close(() => ok()))
  return port
}

function readState(dataDir: string): ClusterState {
  return JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')) as ClusterState
}

/** Last-resort cleanup so that a failing test never leaves brokers behind. */
function killBrokersOf(dataDir: string): void {
  let state: ClusterState
  try {
    state = readState(dataDir)
  } catch {
    return
  }
  for (const b of state.brokers) {
    if (isBrokerProcess(b.pid, b.configFile)) process.kill(b.pid!, 'SIGKILL')
  }
}

const NO_STACK = /^\s+at /m

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'commands', 'cluster', 'start.js')) || !existsSync(join(ROOT, 'dist', 'commands', 'broker', 'start.js'))) {
    throw new Error('dist/ is missing the cluster or broker commands: run `npm run build` first (npm test does)')
  }
  home = mkdtempSync(join(tmpdir(), 'tskafka-cluster-test-'))
})

afterAll(() => {
  for (const dir of ['local', 'other', 'stale', 'dying', 'corrupt']) killBrokersOf(join(home, dir))
  rmSync(home, {recursive: true, force: true})
})

describe('cluster lifecycle in the default data dir ($TSKAFKA_HOME/local)', () => {
  let port: number
  let dataDir: string

  beforeAll(async () => {
    port = await freePort()
    dataDir = join(home, 'local')
  })

  it('status before any start says there is no cluster and exits 1', async () => {
    const r = await cli(['cluster', 'status'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`No local cluster in ${dataDir}`)
  })

  it('stop before any start says so and exits 0', async () => {
    const r = await cli(['cluster', 'stop'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/nothing to stop/)
  })

  it('start launches a broker that answers ApiVersions and prints the bootstrap address', async () => {
    const r = await cli(['cluster', 'start', '--port', String(port)])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe(`Local cluster started: 1 broker, bootstrap 127.0.0.1:${port}`)
    // The status table, and the cluster recorded as the current connection context.
    expect(lines[1]).toMatch(/^BROKER\s+PID\s+PORT\s+STATE\s+RACK\s+CONTROLLER\s+LEADERS\s+UNDER-REPLICATED$/)
    expect(lines[2]).toMatch(new RegExp(`^1\\s+\\d+\\s+${port}\\s+running\\s+-\\s+active\\s+0\\s+0$`))
    expect(lines.at(-1)).toBe('Current context: local')
    expect(readFileSync(join(home, 'contexts.yaml'), 'utf8')).toContain(`bootstrap-servers: 127.0.0.1:${port}`)
    const answer = await probeApiVersions('127.0.0.1', port)
    expect(answer.errorCode).toBe(0)
    expect(answer.apiVersions.some((v) => v.apiKey === 18)).toBe(true)
  })

  it('writes a state file describing the broker, with a live pid', () => {
    const state = readState(dataDir)
    expect(state.version).toBe(1)
    expect(state.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Number.isNaN(Date.parse(state.createdAt))).toBe(false)
    expect(state.brokers).toHaveLength(1)
    const [b] = state.brokers
    expect(b).toMatchObject({
      id: 1,
      host: '127.0.0.1',
      port,
      dataDir: join(dataDir, 'broker-1'),
      logFile: join(dataDir, 'broker-1', 'broker.log'),
      configFile: join(dataDir, 'broker-1', 'server.properties'),
    })
    expect(isBrokerProcess(b!.pid, b!.configFile)).toBe(true)
    expect(processCommandLine(b!.pid!)).toEqual(expect.arrayContaining(['broker', 'start', '--config', b!.configFile]))
    expect(readFileSync(b!.configFile, 'utf8')).toContain(`listeners=PLAINTEXT://127.0.0.1:${port}\n`)
    expect(existsSync(b!.logFile)).toBe(true)
  })

  it('a second start is a no-op that reports the same bootstrap', async () => {
    const pidBefore = readState(dataDir).brokers[0]!.pid
    const r = await cli(['cluster', 'start'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(`Local cluster already running: 1 broker, bootstrap 127.0.0.1:${port}`)
    expect(readState(dataDir).brokers[0]!.pid).toBe(pidBefore)
  })

  it('start with a different --port while running warns and keeps the running cluster', async () => {
    const r = await cli(['cluster', 'start', '--port', String(port + 1)])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`bootstrap 127.0.0.1:${port}`)
    expect(r.stderr).toMatch(/^Warning: --port \d+ ignored/)
  })

  it('status reports the running broker and exits 0, as text and as JSON', async () => {
    const {pid} = readState(dataDir).brokers[0]!
    const text = await cli(['cluster', 'status'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(new RegExp(`running, bootstrap 127\\.0\\.0\\.1:${port}, controller 1`))
    expect(text.stdout).toMatch(new RegExp(`^1\\s+${pid}\\s+${port}\\s+running\\s+-\\s+active\\s+0\\s+0$`, 'm'))

    const json = await cli(['cluster', 'status', '--json'])
    expect(json.code).toBe(0)
    const status = JSON.parse(json.stdout)
    expect(status).toMatchObject({dataDir, exists: true, state: 'running', bootstrapServers: `127.0.0.1:${port}`})
    expect(status.brokers).toEqual([expect.objectContaining({id: 1, pid, port, state: 'running', controller: 'active', leaders: 0, underReplicated: 0, dataDir: `${dataDir}/broker-1`})])
    expect(status.activeController).toBe(1)
  })

  it('localBootstrapServers() finds the running cluster', () => {
    expect(localBootstrapServers(dataDir)).toBe(`127.0.0.1:${port}`)
    expect(localBootstrapServers(join(home, 'never-started'))).toBeNull()
  })

  it('kafkajs connects to the started broker and sees one broker on that port', async () => {
    const kafka = new Kafka({clientId: 'cluster-test', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    try {
      const cluster = await admin.describeCluster()
      expect(cluster.brokers).toEqual([{nodeId: 1, host: '127.0.0.1', port}])
      expect(cluster.clusterId).toBe(readState(dataDir).clusterId)
    } finally {
      await admin.disconnect()
    }
  })

  it('stop terminates the broker gracefully, clears the pid and keeps the data', async () => {
    const {pid, configFile} = readState(dataDir).brokers[0]!
    const r = await cli(['cluster', 'stop'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Broker 1 (pid ${pid}) stopped`)
    expect(isBrokerProcess(pid, configFile)).toBe(false)
    const state = readState(dataDir)
    expect(state.brokers[0]!.pid).toBeNull()
    expect(existsSync(configFile)).toBe(true)
    expect(localBootstrapServers(dataDir)).toBeNull()
  })

  it('status after stop says stopped and exits 1; stop again is a no-op', async () => {
    const status = await cli(['cluster', 'status'])
    expect(status.code).toBe(1)
    expect(status.stdout).toMatch(/: stopped, bootstrap/)
    const again = await cli(['cluster', 'stop'])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/is not running; nothing to stop/)
  })

  it('start after stop reuses the cluster id and port', async () => {
    const before = readState(dataDir)
    const r = await cli(['cluster', 'start'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(`Local cluster started: 1 broker, bootstrap 127.0.0.1:${port}`)
    expect(readState(dataDir).clusterId).toBe(before.clusterId)
    expect((await cli(['cluster', 'stop'])).code).toBe(0)
  })
})

describe('cluster start failures', () => {
  let blocker: Server | undefined

  afterAll(async () => {
    if (blocker) await new Promise<void>((ok) => blocker!.close(() => ok()))
  })

  it('a port taken by another program is one clear error line and exit 1', async () => {
    // Drain and drop whatever connects (our start probes the port to tell Kafka from other programs).
    blocker = createServer((socket) => socket.destroy())
    await new Promise<void>((ok) => blocker!.listen(0, '127.0.0.1', ok))
    const taken = (blocker.address() as {port: number}).port
    const dataDir = join(home, 'other')
    const r = await cli(['cluster', 'start', '--data-dir', dataDir, '--port', String(taken)])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim()).toBe(`Error: port ${taken} on 127.0.0.1 is already in use by another program; choose another with --port`)
    // Nothing was created for a cluster that never started.
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false)
  })

  it('a broker count out of range is refused with a clear message', async () => {
    for (const [n, message] of [
      ['0', /^Error: --brokers must be a positive integer, got 0\n$/],
      ['99', /^Error: --brokers must be at most 32 for a local cluster, got 99\n$/],
    ] as const) {
      const r = await cli(['cluster', 'start', '--data-dir', join(home, 'other'), '--brokers', n])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(NO_STACK)
    }
  })

  it('a broker that dies during start: exit 1 with the tail of its log', async () => {
    const dataDir = join(home, 'dying')
    const port = await freePort()
    const brokerDir = join(dataDir, 'broker-1')
    expect((await cli(['cluster', 'start', '--data-dir', dataDir, '--port', String(port)])).code).toBe(0)
    expect((await cli(['cluster', 'stop', '--data-dir', dataDir])).code).toBe(0)
    // Give the log directory another node's identity: Kafka (and tskafka) refuse to start on it.
    const metaFile = join(brokerDir, 'data', 'meta.properties')
    writeFileSync(metaFile, readFileSync(metaFile, 'utf8').replace(/^node\.id=1$/m, 'node.id=7'))

    const r = await cli(['cluster', 'start', '--data-dir', dataDir])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^Error: broker 1 exited with code \\d+ during start; last lines of ${brokerDir}/broker\\.log:$`))
    expect(lines.length).toBeGreaterThan(1)
    expect(lines.slice(1).every((l) => l.startsWith('  '))).toBe(true)
    expect(r.stderr).toContain('Stored node id 7')
    expect(readState(dataDir).brokers[0]!.pid).toBeNull()
  })
})

describe('a corrupt state file', () => {
  it('makes status, start and stop fail with one clear line, not a stack trace', async () => {
    const dataDir = join(home, 'corrupt')
    const file = join(dataDir, 'cluster.json')
    mkdirSync(dataDir, {recursive: true})
    writeFileSync(file, 'not json')
    for (const sub of ['status', 'start', 'stop']) {
      const r = await cli(['cluster', sub, '--data-dir', dataDir])
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(new RegExp(`^Error: ${file} is not valid JSON .*; remove it to start afresh\n$`))
    }
  })
})

describe('stale state', () => {
  let impostor: ChildProcess

  afterAll(() => {
    impostor?.kill('SIGKILL')
  })

  it('a recorded pid that now belongs to another program is not taken for the broker', async () => {
    const dataDir = join(home, 'stale')
    const port = await freePort()
    expect((await cli(['cluster', 'start', '--data-dir', dataDir, '--port', String(port)])).code).toBe(0)
    expect((await cli(['cluster', 'stop', '--data-dir', dataDir])).code).toBe(0)

    // Pretend the broker's pid was reused by an unrelated long-running process.
    impostor = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {stdio: 'ignore'})
    const state = readState(dataDir)
    state.brokers[0]!.pid = impostor.pid!
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify(state))

    const status = await cli(['cluster', 'status', '--data-dir', dataDir, '--json'])
    expect(status.code).toBe(1)
    expect(JSON.parse(status.stdout).brokers[0]).toMatchObject({state: 'stopped', pid: null})

    const stop = await cli(['cluster', 'stop', '--data-dir', dataDir])
    expect(stop.code).toBe(0)
    expect(stop.stdout).toMatch(/not running; nothing to stop/)
    expect(impostor.exitCode).toBeNull()
    expect(impostor.signalCode).toBeNull()

    const start = await cli(['cluster', 'start', '--data-dir', dataDir])
    expect(start.code).toBe(0)
    expect(readState(dataDir).brokers[0]!.pid).not.toBe(impostor.pid)
    expect((await cli(['cluster', 'stop', '--data-dir', dataDir])).code).toBe(0)
  })

  it('a broker killed behind our back shows as stopped, and start brings it back', async () => {
    const dataDir = join(home, 'stale')
    expect((await cli(['cluster', 'start', '--data-dir', dataDir])).code).toBe(0)
    const {pid} = readState(dataDir).brokers[0]!
    process.kill(pid!, 'SIGKILL')
    await new Promise((ok) => setTimeout(ok, 100))
    const status = await cli(['cluster', 'status', '--data-dir', dataDir])
    expect(status.code).toBe(1)
    expect(status.stdout).toMatch(/stopped/)
    const start = await cli(['cluster', 'start', '--data-dir', dataDir])
    expect(start.stdout).toMatch(/^Local cluster started/)
    expect((await cli(['cluster', 'stop', '--data-dir', dataDir])).code).toBe(0)
  })
})
