// `tskafka reassign --verify --wait` on a terminal: while a throttled move copies a partition onto
// another broker, it redraws one progress line with the bytes copied so far, then prints Kafka's
// status lines and clears the throttles. Off a terminal it prints only Kafka's lines. The
// terminal is a real pseudo-terminal (util-linux `script`).

import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startCluster, type StartedCluster} from '../../src/index.js'
import {assertCliBuilt, CLI, runCli} from '../compat/helpers/cli.js'
import {describeRun, run, runKcat} from '../helpers/peers.js'

let cluster: StartedCluster
const file = join(tmpdir(), `tskafka-progress-${process.pid}.json`)

beforeAll(async () => {
  assertCliBuilt()
  // Small follower fetches: a first fetch (which a throttle lets through whole) carries 64 KB, not the log.
  cluster = await startCluster({brokers: 3, config: {'auto.create.topics.enable': false, 'offsets.topic.num.partitions': 1, 'replica.fetch.max.bytes': 65536}})
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
})

const PROGRESS = /^Reassigning: (\d+)\/1 partitions done, ([\d.]+) (B|KB|MB) of ([\d.]+) (KB|MB) copied \((\d+)%\), (\d+)s$/

describe('reassign --verify --wait on a terminal', () => {
  it('shows the bytes copied while a move runs, then the status lines', async () => {
    const bootstrap = cluster.bootstrapServers
    const created = await runCli(['topics', '--create', '--topic', 'slow', '--replica-assignment', '1', '--bootstrap-server', bootstrap])
    expect(created.code, describeRun('create', created)).toBe(0)
    // ~1 MB in 1000-byte records.
    const lines = Array.from({length: 1000}, (_, i) => `${String(i).padStart(6, '0')}${'x'.repeat(994)}`).join('\n') + '\n'
    const produced = await runKcat(['-b', bootstrap, '-P', '-t', 'slow', '-p', '0'], {input: lines})
    expect(produced.code, describeRun('kcat', produced)).toBe(0)
    writeFileSync(file, JSON.stringify({version: 1, partitions: [{topic: 'slow', partition: 0, replicas: [2], log_dirs: ['any']}]}))

    // 10 KB/s holds the copy of ~1 MB back (past the rate window's first burst) until the terminal
    // run is waiting; then --additional raises the throttle and the move finishes.
    const executed = await runCli(['reassign', '--execute', '--reassignment-json-file', file, '--throttle', '10000', '--bootstrap-server', bootstrap])
    expect(executed.code, describeRun('execute', executed)).toBe(0)
    const moving = await runCli(['reassign', '--verify', '--reassignment-json-file', file, '--preserve-throttles', '--bootstrap-server', bootstrap])
    expect(moving.code, describeRun('verify while moving', moving)).toBe(3)

    const command = [process.execPath, CLI, 'reassign', '--verify', '--reassignment-json-file', file, '--wait', '--timeout', '60s', '--bootstrap-server', bootstrap].join(' ')
    const terminal = run('script', ['-qfec', command, '/dev/null'], {
      timeoutMs: 90_000,
      // A terminal outside CI (CI=true, as .ci/run sets it, turns progress lines off).
      env: {TSKAFKA_CONFIG: join(tmpdir(), 'tskafka-no-contexts.yaml'), TSKAFKA_HOME: '/nonexistent/tskafka-home-for-tests', NO_COLOR: '1', CI: ''},
    })
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const faster = await runCli(['reassign', '--execute', '--additional', '--reassignment-json-file', file, '--throttle', '1000000000', '--bootstrap-server', bootstrap])
    expect(faster.code, describeRun('execute --additional', faster)).toBe(0)
    const tty = await terminal
    expect(tty.code, describeRun('verify --wait under script', tty)).toBe(0)
    // eslint-disable-next-line no-control-regex
    const screen = tty.stdout.replace(/\x1b\[K/g, '').split(/\r\n|\r|\n/).map((l) => l.trimEnd())
    const progress = screen.map((l) => PROGRESS.exec(l)).filter((m): m is RegExpExecArray => m !== null)
    expect(progress.length, tty.stdout).toBeGreaterThan(0)
    const percents = progress.map((m) => Number(m[6]))
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(percents[0]!).toBeLessThan(100)
    expect(screen).toContain('Reassignment of partition slow-0 is completed.')
    expect(screen.some((l) => l.startsWith('Clearing broker-level throttles on brokers '))).toBe(true)

    // Off a terminal (and on one in CI): Kafka's lines only.
    const plain = await runCli(['reassign', '--verify', '--reassignment-json-file', file, '--wait', '--bootstrap-server', bootstrap])
    expect(plain.code, describeRun('verify --wait', plain)).toBe(0)
    expect(plain.stdout + plain.stderr).not.toContain('Reassigning:')
    expect(plain.stdout).toContain('Reassignment of partition slow-0 is completed.')
  }, 150_000)
})
