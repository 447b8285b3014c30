// `tskafka broker start` as a user runs it: real `node bin/run.js` processes
// (run `npm run build` first; `npm test` does) with a temporary TSKAFKA_HOME.
// Bad config means one error line and exit 1; a good config serves clients
// until SIGTERM/SIGINT, then exits 0.

import {execFile, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const RUN = join(ROOT, 'bin', 'run.js')
const NO_STACK = /^\s+at /m

let home: string
const children = new Set<ChildProcess>()

interface CliResult {
  code: number
  stdout: string
  stderr: string
}

function cli(args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [RUN, ...args], {env: {...process.env, TSKAFKA_HOME: home}, timeout: 60_000}, (error, stdout, stderr) => {
      done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
  })
}

interface RunningBroker {
  child: ChildProcess
  output: () => string
  port: number
  exit: Promise<number | null>
}

/** Starts `broker start ...` and waits for its "Kafka Server started" line. */
async function startBroker(args: string[]): Promise<RunningBroker> {
  const child = spawn(process.execPath, [RUN, 'broker', 'start', ...args], {env: {...process.env, TSKAFKA_HOME: home}, stdio: ['ignore', 'pipe', 'pipe']})
  children.add(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exit = new Promise<number | null>((done) =>
    child.on('exit', (code) => {
      children.delete(child)
      done(code)
    }),
  )
  const deadline = Date.now() + 30_000
  while (!out.includes('Kafka Server started')) {
    if (child.exitCode !== null) throw new Error(`broker exited with ${child.exitCode}:\n${out}`)
    if (Date.now() > deadline) throw new Error(`broker did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 25))
  }
  const port = Number(/Listening on PLAINTEXT:\/\/[^ ]+:(\d+)/.exec(out)![1])
  return {child, output: () => out, port, exit}
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'commands', 'broker', 'start.js'))) {
    throw new Error('dist/ is missing the broker start command: run `npm run build` first (npm test does)')
  }
  home = mkdtempSync(join(tmpdir(), 'tskafka-broker-cli-'))
})

afterEach(() => {
  for (const c of children) c.kill('SIGKILL')
})

afterAll(() => {
  rmSync(home, {recursive: true, force: true})
})

describe('tskafka broker start: bad input', () => {
  it('reports a bad value in one line and exits 1', async () => {
    const file = join(home, 'bad.properties')
    writeFileSync(file, 'num.partitions=abc\n')
    const r = await cli(['broker', 'start', '--config', file])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('Error: Invalid value abc for configuration num.partitions: Not a number of type INT\n')
    expect(r.stdout).toBe('')
  })

  it('reports a missing config file in one line and exits 1', async () => {
    const r = await cli(['broker', 'start', join(home, 'missing.properties')])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`Error: Config file ${join(home, 'missing.properties')} does not exist\n`)
  })

  it('reports a bad override, an unsupported listener and a malformed --override the same way', async () => {
    for (const [args, message] of [
      [['--override', 'log.retention.ms=0'], 'log.retention.ms must be unlimited (-1) or, greater than or equal to 1'],
      [['--override', 'listeners=SSL://127.0.0.1:0', '--override', 'inter.broker.listener.name=SSL'], 'Listener SSL uses security protocol SSL'],
      [['--override', 'justakey'], 'Invalid override "justakey": expected key=value'],
      [['--log-level', 'loud'], 'invalid --log-level loud'],
    ] as const) {
      const r = await cli(['broker', 'start', ...args])
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain(message)
      expect(r.stderr).not.toMatch(NO_STACK)
    }
  })

  it('reports a port in use in one line', async () => {
    const b = await startBroker(['--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${join(home, 'busy-a')}`])
    const r = await cli(['broker', 'start', '--override', `listeners=PLAINTEXT://127.0.0.1:${b.port}`, '--override', `log.dirs=${join(home, 'busy-b')}`])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`Error: Socket server failed to bind to 127.0.0.1:${b.port}: Address already in use.`)
    expect(r.stderr).not.toMatch(NO_STACK)
    b.child.kill('SIGTERM')
    expect(await b.exit).toBe(0)
  })

  it('documents itself in --help with examples', async () => {
    const r = await cli(['broker', 'start', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('--override')
    expect(r.stdout).toContain('EXAMPLES')
    expect(r.stdout).toContain('broker start server.properties --override')
  })
})

describe('tskafka broker start: serving', () => {
  it('takes the config as a positional argument with overrides, warns about unknown keys, serves kafkajs and stops on SIGTERM', async () => {
    const file = join(home, 'server.properties')
    const dataDir = join(home, 'data-1')
    writeFileSync(file, ['# a Kafka-style config', 'node.id=3', 'num.partitions=2', 'no.such.setting=1', `log.dirs=${join(home, 'ignored')}`, ''].join('\n'))
    const b = await startBroker([file, '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${dataDir}`])
    expect(b.output()).toContain("WARN These configurations '[no.such.setting]' were supplied but are not used yet.")
    expect(b.output()).toMatch(/INFO \[KafkaRaftServer nodeId=3\] Formatted log directories \[.*data-1\] with new cluster.id [\w-]{22}/)
    const meta = readFileSync(join(dataDir, 'meta.properties'), 'utf8')
    expect(meta).toContain('node.id=3')
    const clusterId = /cluster\.id=([\w-]{22})/.exec(meta)![1]

    const admin = new Kafka({clientId: 'cli-test', brokers: [`127.0.0.1:${b.port}`], logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    const cluster = await admin.describeCluster()
    await admin.disconnect()
    expect(cluster).toEqual({brokers: [{nodeId: 3, host: '127.0.0.1', port: b.port}], controller: 3, clusterId})

    b.child.kill('SIGTERM')
    expect(await b.exit).toBe(0)
    expect(b.output()).toContain('shut down completed')
  })

  it('stops gracefully on SIGINT and keeps the cluster id on restart', async () => {
    const dataDir = join(home, 'data-2')
    const args = ['--config', join(home, 'empty.properties'), '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${dataDir}`]
    writeFileSync(join(home, 'empty.properties'), '')
    const first = await startBroker(args)
    const id = /cluster.id ([\w-]{22})/.exec(first.output())![1]
    first.child.kill('SIGINT')
    expect(await first.exit).toBe(0)
    const second = await startBroker(args)
    expect(second.output()).not.toContain('Formatted log directories')
    expect(second.output()).toContain(`Kafka Server started (cluster.id ${id})`)
    second.child.kill('SIGINT')
    expect(await second.exit).toBe(0)
  })

  it('uses the tskafka home for data when no log dir is configured', async () => {
    const b = await startBroker(['--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--log-level', 'info'])
    expect(existsSync(join(home, 'kafka-logs', 'meta.properties'))).toBe(true)
    b.child.kill('SIGTERM')
    expect(await b.exit).toBe(0)
  })
})
