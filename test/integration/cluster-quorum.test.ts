// `tskafka cluster` with several brokers, as a user runs it: real `node bin/run.js` processes
// (run `npm run build` first), background broker processes forming a controller quorum, the
// topics command, and Apache Kafka's own kafka-topics.sh and kafka-metadata-quorum.sh against the
// cluster. Failure drills kill the active controller for real (SIGKILL).

import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isBrokerProcess} from '../../src/cluster/processes.js'
import type {ClusterState} from '../../src/cluster/state.js'
import {assertPeers, describeRun, runKafkaTool} from '../helpers/peers.js'

const ROOT = resolve(import.meta.dirname, '../..')
const RUN = join(ROOT, 'bin', 'run.js')
const TOOL_ENV = {KAFKA_HEAP_OPTS: '-Xmx256m', KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData'}

interface CliResult {
  code: number
  stdout: string
  stderr: string
}

let home: string

function cli(args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    const env = {...process.env, TSKAFKA_HOME: home, TSKAFKA_CONFIG: join(home, 'contexts.yaml'), TSKAFKA_BOOTSTRAP_SERVER: ''}
    execFile(process.execPath, [RUN, ...args], {env, timeout: 90_000}, (error, stdout, stderr) => {
      done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
  })
}

async function ok(args: string[]): Promise<string> {
  const r = await cli(args)
  if (r.code !== 0) throw new Error(`tskafka ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = createServer()
    s.once('error', () => done(false))
    s.listen({host: '127.0.0.1', port, exclusive: true}, () => s.close(() => done(true)))
  })
}

/** A base port with `n` free ports from it, and free controller ports 10000 above. */
async function freeRange(n: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 25_000)
    let free = true
    for (let i = 0; i < n && free; i++) free = (await portFree(base + i)) && (await portFree(base + 10_000 + i))
    if (free) return base
  }
}

function readState(dataDir: string): ClusterState {
  return JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')) as ClusterState
}

interface StatusJson {
  state: string
  activeController: number
  brokers: Array<{id: number; pid: number | null; state: string; rack: string | null; controller: string; leaders: number | null}>
}

async function status(dataDir: string): Promise<{code: number; json: StatusJson}> {
  const r = await cli(['cluster', 'status', '--data-dir', dataDir, '--json'])
  if (!r.stdout.trim().startsWith('{')) throw new Error(`cluster status --json exited ${r.code} without JSON:\n${r.stdout}\n${r.stderr}`)
  return {code: r.code, json: JSON.parse(r.stdout) as StatusJson}
}

interface PartitionLine {
  partition: number
  leader: string
  replicas: number[]
  isr: number[]
}

/** The partition lines of kafka-topics.sh --describe (and tskafka topics --describe, which prints the same). */
function partitionLines(text: string): PartitionLine[] {
  const out: PartitionLine[] = []
  for (const m of text.matchAll(/Partition: (\d+)\tLeader: (\S+)\tReplicas: ([\d,]+)\tIsr: ([\d,]*)/g)) {
    out.push({partition: Number(m[1]), leader: m[2]!, replicas: m[3]!.split(',').map(Number), isr: m[4] ? m[4].split(',').map(Number) : []})
  }
  return out
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function killAll(dataDir: string): void {
  try {
    for (const b of readState(dataDir).brokers) if (isBrokerProcess(b.pid, b.configFile)) process.kill(b.pid!, 'SIGKILL')
  } catch {
    // no state
  }
}

beforeAll(() => {
  assertPeers()
  if (!existsSync(join(ROOT, 'dist', 'commands', 'cluster', 'kill.js'))) throw new Error('dist/ is missing the cluster commands: run `npm run build` first')
  home = mkdtempSync(join(tmpdir(), 'tskafka-cluster-quorum-'))
})

afterAll(() => {
  for (const d of ['three', 'racks']) killAll(join(home, d))
  rmSync(home, {recursive: true, force: true})
})

describe('a three-broker local cluster', () => {
  let dataDir: string
  let base: number
  const bootstrap = () => `127.0.0.1:${base}`

  beforeAll(async () => {
    dataDir = join(home, 'three')
    base = await freeRange(3)
  })

  it('starts three brokers, a controller quorum among them, and records itself as the current context', async () => {
    const r = await cli(['cluster', 'start', '--brokers', '3', '--port', String(base), '--data-dir', dataDir])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe(`Local cluster started: 3 brokers, bootstrap 127.0.0.1:${base},127.0.0.1:${base + 1},127.0.0.1:${base + 2}`)
    expect(lines[1]).toMatch(/^BROKER\s+PID\s+PORT\s+STATE\s+RACK\s+CONTROLLER\s+LEADERS\s+UNDER-REPLICATED$/)
    const rows = lines.slice(2, 5)
    for (const [i, row] of rows.entries()) expect(row).toMatch(new RegExp(`^${i + 1}\\s+\\d+\\s+${base + i}\\s+running\\s+-\\s+(active|voter)\\s+0\\s+0$`))
    expect(rows.filter((row) => /\sactive\s/.test(row))).toHaveLength(1)
    expect(lines.at(-1)).toBe('Current context: local-three')

    const state = readState(dataDir)
    expect(state.brokers.map((b) => b.controllerPort)).toEqual([base + 10_000, base + 10_001, base + 10_002])
    const props = readFileSync(state.brokers[1]!.configFile, 'utf8')
    expect(props).toContain(`controller.quorum.voters=1@127.0.0.1:${base + 10_000},2@127.0.0.1:${base + 10_001},3@127.0.0.1:${base + 10_002}\n`)
    expect(props).toContain(`listeners=PLAINTEXT://127.0.0.1:${base + 1},CONTROLLER://127.0.0.1:${base + 10_001}\n`)

    const s = await status(dataDir)
    expect(s.code).toBe(0)
    expect(s.json.state).toBe('running')
    expect(s.json.brokers.map((b) => b.controller).sort()).toEqual(['active', 'voter', 'voter'])
    expect(s.json.brokers.find((b) => b.controller === 'active')!.id).toBe(s.json.activeController)
  })

  it('creates a topic with replicas spread as Kafka spreads them, and tskafka and kafka-topics.sh describe the same leaders, replicas and ISRs', async () => {
    // No --bootstrap-server: the current context is the cluster.
    expect(await ok(['topics', '--create', '--topic', 't', '--partitions', '3', '--replication-factor', '2'])).toBe('Created topic t.\n')
    const ours = partitionLines(await ok(['topics', '--describe', '--topic', 't']))
    expect(ours.map((p) => p.partition)).toEqual([0, 1, 2])
    expect(new Set(ours.map((p) => p.leader)).size).toBe(3)
    for (const p of ours) {
      expect(p.replicas).toHaveLength(2)
      expect(new Set(p.replicas).size).toBe(2)
      expect(String(p.replicas[0])).toBe(p.leader)
      expect(p.isr).toEqual(p.replicas)
    }
    // Round robin from a random start: each broker leads one partition and follows in another.
    const followers = ours.map((p) => p.replicas[1]!).sort()
    expect(followers).toEqual([1, 2, 3])

    const kafkas = await runKafkaTool('kafka-topics', ['--bootstrap-server', bootstrap(), '--describe', '--topic', 't'], {env: TOOL_ENV, timeoutMs: 90_000})
    expect(kafkas.code, describeRun('kafka-topics.sh --describe', kafkas)).toBe(0)
    expect(partitionLines(kafkas.stdout)).toEqual(ours)
  })

  it('answers kafka-metadata-quorum.sh describe --status through a broker and through the controllers', async () => {
    const {json} = await status(dataDir)
    for (const target of [['--bootstrap-server', `127.0.0.1:${base + 2}`], ['--bootstrap-controller', `127.0.0.1:${base + 10_001}`]]) {
      const r = await runKafkaTool('kafka-metadata-quorum', [...target, 'describe', '--status'], {env: TOOL_ENV, timeoutMs: 90_000})
      expect(r.code, describeRun('kafka-metadata-quorum.sh describe --status', r)).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^ClusterId:\\s+${readState(dataDir).clusterId}$`, 'm'))
      expect(r.stdout).toMatch(new RegExp(`^LeaderId:\\s+${json.activeController}$`, 'm'))
      expect(r.stdout).toMatch(/^LeaderEpoch:\s+[1-9]\d*$/m)
      expect(r.stdout).toMatch(/^HighWatermark:\s+[1-9]\d*$/m)
      const voters = /^CurrentVoters:\s+(\[.*\])$/m.exec(r.stdout)
      expect(voters, r.stdout).not.toBeNull()
      expect((JSON.parse(voters![1]!) as Array<{id: number; endpoints: string[]}>).map((v) => [v.id, v.endpoints])).toEqual(
        [0, 1, 2].map((i) => [i + 1, [`CONTROLLER://127.0.0.1:${base + 10_000 + i}`]]),
      )
    }
  })

  it('after the active controller is killed, a new one is elected: topics can be created and status shows it', async () => {
    const before = (await status(dataDir)).json.activeController
    expect((await cli(['cluster', 'kill', '--data-dir', dataDir, '--broker', String(before)])).stdout).toMatch(new RegExp(`^Broker ${before} \\(pid \\d+\\) killed\\n$`))
    // Within seconds: retried until the election is over (no timing assertion).
    await waitFor('a topic to be created after the failover', async () => (await cli(['topics', '--create', '--topic', 'after-kill', '--partitions', '2', '--replication-factor', '2'])).code === 0)
    const after = await waitFor('status to show a new controller', async () => {
      const s = await status(dataDir)
      return s.json.activeController >= 0 && s.json.activeController !== before ? s : null
    })
    expect(after.code).toBe(2)
    expect(after.json.state).toBe('degraded')
    expect(after.json.brokers.find((b) => b.id === before)).toMatchObject({state: 'stopped', pid: null})
    expect(after.json.brokers.find((b) => b.id === after.json.activeController)).toMatchObject({state: 'running', controller: 'active'})
    // Once its session expires, the dead broker leads nothing and is in no ISR.
    await waitFor('the killed broker to be fenced', async () => {
      const parts = partitionLines(await ok(['topics', '--describe', '--topic', 't']))
      return parts.every((p) => p.leader !== String(before) && !p.isr.includes(before))
    })

    const restart = await cli(['cluster', 'restart', '--data-dir', dataDir, '--broker', String(before)])
    expect(restart.code, restart.stderr).toBe(0)
    expect(restart.stdout).toMatch(new RegExp(`^Broker ${before} restarted; ready in \\d+ ms\\n`))
    const whole = await status(dataDir)
    expect(whole.code).toBe(0)
    expect(whole.json.brokers.every((b) => b.state === 'running')).toBe(true)
  })

  it('stops one broker in a controlled way: its leaderships move first', async () => {
    const r = await cli(['cluster', 'stop', '--data-dir', dataDir, '--broker', '2'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Broker 2 \(pid \d+\) stopped\nStart it again with: tskafka cluster restart --broker 2 --data-dir /)
    const parts = partitionLines(await ok(['topics', '--describe', '--topic', 'after-kill']))
    for (const p of parts) {
      expect(p.leader).not.toBe('2')
      // Only a partition whose ISR was broker 2 alone keeps it there (leaderless, as Kafka does).
      if (p.leader !== 'none') expect(p.isr).not.toContain(2)
    }
    const s = await status(dataDir)
    expect(s.code).toBe(2)
    expect(s.json.brokers.find((b) => b.id === 2)).toMatchObject({state: 'stopped', leaders: 0})
  })

  it('stops and starts the whole cluster keeping its id and topics, and destroy removes it and its context', async () => {
    const clusterId = readState(dataDir).clusterId
    const stop = await cli(['cluster', 'stop', '--data-dir', dataDir])
    expect(stop.code).toBe(0)
    expect(stop.stdout).not.toMatch(/killed/)
    expect((await cli(['cluster', 'start', '--data-dir', dataDir])).code).toBe(0)
    expect(readState(dataDir).clusterId).toBe(clusterId)
    expect(await ok(['topics', '--list'])).toBe('after-kill\nt\n')

    const destroy = await cli(['cluster', 'destroy', '--data-dir', dataDir])
    expect(destroy.code).toBe(0)
    expect(destroy.stdout).toBe(`Local cluster in ${dataDir} destroyed\n`)
    expect(existsSync(dataDir)).toBe(false)
    expect(readFileSync(join(home, 'contexts.yaml'), 'utf8')).not.toContain('local-three')
  })
})

describe('a cluster config file', () => {
  it('sets racks and broker configs, and placement keeps replicas of a partition on different racks', async () => {
    const dataDir = join(home, 'racks')
    const base = await freeRange(4)
    const file = join(home, 'cluster.yaml')
    writeFileSync(
      file,
      ['brokers: 4', `port: ${base}`, 'config:', '  num.partitions: 4', 'broker:', '  1: {rack: east}', '  2: {rack: east}', '  3: {rack: west}', '  4: {rack: west}', ''].join('\n'),
    )
    const r = await cli(['cluster', 'start', '--data-dir', dataDir, '--config', file])
    expect(r.code, r.stderr).toBe(0)
    const s = await status(dataDir)
    expect(s.json.brokers.map((b) => [b.id, b.rack, b.controller === 'observer'])).toEqual([
      [1, 'east', false],
      [2, 'east', false],
      [3, 'west', false],
      [4, 'west', true],
    ])
    expect(readFileSync(readState(dataDir).brokers[3]!.configFile, 'utf8')).toContain('process.roles=broker\n')
    const bootstrap = `127.0.0.1:${base + 3}`
    expect((await cli(['topics', '--bootstrap-server', bootstrap, '--create', '--topic', 'racked', '--replication-factor', '2'])).code).toBe(0)
    const parts = partitionLines(await ok(['topics', '--bootstrap-server', bootstrap, '--describe', '--topic', 'racked']))
    expect(parts).toHaveLength(4)
    const rack = (id: number) => (id <= 2 ? 'east' : 'west')
    for (const p of parts) expect(new Set(p.replicas.map(rack)).size).toBe(2)
    expect(new Set(parts.map((p) => p.leader)).size).toBe(4)
    expect((await cli(['cluster', 'destroy', '--data-dir', dataDir])).code).toBe(0)
  })

  it('is refused with one clear line when it is wrong', async () => {
    const file = join(home, 'bad.yaml')
    writeFileSync(file, 'brokers: 2\nbroker:\n  3: {rack: x}\n')
    const r = await cli(['cluster', 'start', '--data-dir', join(home, 'bad'), '--config', file])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`Error: ${file}: broker 3 is described but the cluster has 2 brokers\n`)
  })
})
