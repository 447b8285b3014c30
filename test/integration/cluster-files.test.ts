// The files the local cluster writes and reads: server.properties (read back
// by the broker's own config loader), cluster.json, the lock file; and the
// process-identity check that tells our brokers from reused pids.

import {spawn} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LOCK_FILE_NAME, withClusterLock} from '../../src/cluster/lock.js'
import {localClusterStatus} from '../../src/cluster/local-cluster.js'
import {commandLineIsBroker, isBrokerProcess, processCommandLine} from '../../src/cluster/processes.js'
import {brokerLogDir, localBrokerConfig, renderProperties} from '../../src/cluster/server-properties.js'
import {ClusterError, newClusterId, readClusterState, writeClusterState, type ClusterState} from '../../src/cluster/state.js'
import {loadBrokerConfig} from '../../src/config/broker-config.js'
import {parseProperties} from '../../src/config/properties.js'

let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskafka-cluster-files-'))
})

afterAll(() => {
  rmSync(dir, {recursive: true, force: true})
})

function sampleState(dataDir: string, brokers = 1, quorum = false): ClusterState {
  return {
    version: 1,
    clusterId: newClusterId(),
    createdAt: new Date().toISOString(),
    brokers: Array.from({length: brokers}, (_, i) => ({
      id: i + 1,
      host: '127.0.0.1',
      port: 9092 + i,
      pid: null,
      dataDir: join(dataDir, `broker-${i + 1}`),
      logFile: join(dataDir, `broker-${i + 1}`, 'broker.log'),
      configFile: join(dataDir, `broker-${i + 1}`, 'server.properties'),
      startedAt: null,
      controllerPort: quorum && i < 3 ? 19092 + i : null,
      rack: null,
      overrides: {},
    })),
  }
}

describe('server.properties', () => {
  it('renders values that java.util.Properties parsing reads back unchanged', () => {
    const entries = [
      ['plain', 'value'],
      ['path.with.backslashes', 'C:\\kafka\\data'],
      ['leading.space', '  two spaces'],
      ['separators', 'a=b:c#d!e'],
      ['control', 'line1\nline2\ttab'],
      ['unicode', 'données ✓'],
      ['key with=odd:chars', 'x'],
    ] as const
    const parsed = parseProperties(renderProperties(entries, 'a header\nover two lines'))
    expect([...parsed.entries()]).toEqual(entries.map(([k, v]) => [k, v]))
  })

  it('holds only configs the broker knows, and the broker reads its listener, node id and log dir', () => {
    for (const size of [1, 3]) {
      const state = sampleState(join(dir, `props-${size}`), size)
      for (const broker of state.brokers) {
        const props = parseProperties(renderProperties(localBrokerConfig(state, broker)))
        const cfg = loadBrokerConfig(props)
        expect(cfg.unknownKeys).toEqual([])
        expect(cfg.nodeId).toBe(broker.id)
        expect(cfg.logDirs).toEqual([brokerLogDir(broker)])
        expect(cfg.listeners).toEqual([{listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: broker.port}])
        expect(cfg.get('offsets.topic.replication.factor')).toBe(Math.min(3, size))
      }
    }
  })

  it('in a quorum cluster, the first three brokers are controller voters with a CONTROLLER listener, the others brokers only', () => {
    const state = sampleState(join(dir, 'props-quorum'), 5, true)
    state.brokers[1]!.rack = 'rack-b'
    state.brokers[4]!.overrides = {'num.partitions': '6', 'node.id': '5'}
    for (const broker of state.brokers) {
      const props = parseProperties(renderProperties(localBrokerConfig(state, broker)))
      const cfg = loadBrokerConfig(props)
      expect(cfg.unknownKeys).toEqual([])
      expect(cfg.nodeId).toBe(broker.id)
      expect(cfg.get('controller.quorum.voters')).toEqual(['1@127.0.0.1:19092', '2@127.0.0.1:19093', '3@127.0.0.1:19094'])
      const voter = broker.id <= 3
      expect(cfg.processRoles).toEqual(voter ? ['broker', 'controller'] : ['broker'])
      expect(cfg.controllerListenerNames).toEqual(['CONTROLLER'])
      expect(cfg.listeners.map((l) => `${l.listenerName}://${l.host}:${l.port}`)).toEqual(
        voter ? [`PLAINTEXT://127.0.0.1:${broker.port}`, `CONTROLLER://127.0.0.1:${broker.controllerPort}`] : [`PLAINTEXT://127.0.0.1:${broker.port}`],
      )
      expect(cfg.advertisedBrokerListeners.map((l) => l.port)).toEqual([broker.port])
      expect(cfg.rack).toBe(broker.id === 2 ? 'rack-b' : null)
      expect(cfg.get('num.partitions')).toBe(broker.id === 5 ? 6 : 1)
      expect(cfg.get('offsets.topic.replication.factor')).toBe(3)
    }
  })
})

describe('cluster.json', () => {
  it('round-trips and leaves no temporary files behind', () => {
    const dataDir = join(dir, 'state')
    const state = sampleState(dataDir, 2)
    state.brokers[0]!.pid = 4242
    state.brokers[0]!.startedAt = new Date().toISOString()
    writeClusterState(dataDir, state)
    writeClusterState(dataDir, state)
    expect(readClusterState(dataDir)).toEqual(state)
    expect(readdirSync(dataDir)).toEqual(['cluster.json'])
  })

  it('is absent (null) in a fresh directory', () => {
    expect(readClusterState(join(dir, 'nothing-here'))).toBeNull()
  })

  it('refuses a corrupt or foreign file with one clear message', async () => {
    const dataDir = join(dir, 'corrupt')
    writeClusterState(dataDir, sampleState(dataDir))
    writeFileSync(join(dataDir, 'cluster.json'), '{"version": 1, "clusterId": ')
    expect(() => readClusterState(dataDir)).toThrow(ClusterError)
    expect(() => readClusterState(dataDir)).toThrow(/cluster\.json is not valid JSON .*; remove it to start afresh$/)
    await expect(localClusterStatus(dataDir)).rejects.toThrow(ClusterError)

    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({version: 1, clusterId: 'x', createdAt: 'now', brokers: [{id: 'one'}]}))
    expect(() => readClusterState(dataDir)).toThrow(/brokers\[0\]\.id is not an integer/)

    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({...sampleState(dataDir), version: 99}))
    expect(() => readClusterState(dataDir)).toThrow(/version 99, newer than this tskafka understands/)
  })
})

describe('broker process identity', () => {
  const config = '/data/local/broker-1/server.properties'

  it('matches only `broker start` with that broker\'s config file', () => {
    expect(commandLineIsBroker(['/usr/bin/node', '/opt/tskafka/bin/run.js', 'broker', 'start', '--config', config], config)).toBe(true)
    expect(commandLineIsBroker(['node', 'run.js', 'broker', 'start', `--config=${config}`], config)).toBe(true)
    expect(commandLineIsBroker(['node', 'run.js', 'broker', 'start', '--config', '/other/server.properties'], config)).toBe(false)
    expect(commandLineIsBroker(['node', 'run.js', 'cluster', 'start', '--config', config], config)).toBe(false)
    expect(commandLineIsBroker(['vim', config], config)).toBe(false)
  })

  it('reads live command lines, and reports a process that is gone as not ours', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)', 'broker', 'start', '--config', config], {stdio: 'ignore'})
    await new Promise((ok) => child.once('spawn', ok))
    expect(processCommandLine(child.pid!)).toEqual([process.execPath, '-e', 'setTimeout(() => {}, 30_000)', 'broker', 'start', '--config', config])
    expect(isBrokerProcess(child.pid, config)).toBe(true)
    expect(isBrokerProcess(child.pid, '/elsewhere/server.properties')).toBe(false)
    child.kill('SIGKILL')
    await new Promise((ok) => child.once('exit', ok))
    expect(isBrokerProcess(child.pid, config)).toBe(false)
    expect(isBrokerProcess(null, config)).toBe(false)
  })
})

describe('cluster lock', () => {
  it('serialises commands on the same data dir', async () => {
    const dataDir = join(dir, 'lock')
    const events: string[] = []
    const hold = (name: string) =>
      withClusterLock(dataDir, async () => {
        events.push(`${name} in`)
        await new Promise((ok) => setTimeout(ok, 50))
        events.push(`${name} out`)
      })
    await Promise.all([hold('a'), hold('b')])
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out'])
    expect(readdirSync(dataDir)).not.toContain(LOCK_FILE_NAME)
  })

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = join(dir, 'stale-lock')
    const dead = spawn(process.execPath, ['-e', '0'], {stdio: 'ignore'})
    await new Promise((ok) => dead.once('exit', ok))
    writeClusterState(dataDir, sampleState(dataDir))
    writeFileSync(join(dataDir, LOCK_FILE_NAME), `${dead.pid}\n`)
    await expect(withClusterLock(dataDir, async () => 'ran', 1000)).resolves.toBe('ran')
  })

  it('gives up with a clear message while a live process holds it', async () => {
    const dataDir = join(dir, 'held-lock')
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], {stdio: 'ignore'})
    await new Promise((ok) => holder.once('spawn', ok))
    try {
      writeClusterState(dataDir, sampleState(dataDir))
      writeFileSync(join(dataDir, LOCK_FILE_NAME), `${holder.pid}\n`)
      await expect(withClusterLock(dataDir, async () => 'ran', 200)).rejects.toThrow(
        new RegExp(`^another tskafka cluster command \\(pid ${holder.pid}\\) holds .*cluster\\.lock; wait for it to finish$`),
      )
    } finally {
      holder.kill('SIGKILL')
    }
  })
})
