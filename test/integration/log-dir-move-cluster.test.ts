// Moving a follower replica between the log dirs of one broker of a cluster (broker processes,
// startCluster; broker 4 is added with log.dirs=a,b), with Apache Kafka's
// kafka-reassign-partitions.sh while an idempotent acks=all producer writes to the partition:
// broker 4 is SIGKILLed mid-move and restarted (the move resumes from its future log after an
// unclean shutdown), the move completes, broker 4 then leads and serves every acknowledged record
// from the new dir; a second move is cut short by reassigning the replica away from broker 4,
// which leaves neither its log nor its future log behind.

import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel, type Producer} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {readMetaProperties} from '../../src/config/meta-properties.js'
import {startCluster, type StartedCluster} from '../../src/index.js'
import {waitForPartitions} from '../chaos/cluster-probe.js'
import {assertPeers, describeRun, runKafkaTool, runKcat} from '../helpers/peers.js'

const work = mkdtempSync(join(tmpdir(), 'tskafka-logdirmove-cluster-'))
let cluster: StartedCluster
let dirA: string
let dirB: string

beforeAll(async () => {
  assertPeers()
  cluster = await startCluster({
    brokers: 3,
    config: {'auto.create.topics.enable': false, 'auto.leader.rebalance.enable': false, 'offsets.topic.num.partitions': 1, 'broker.session.timeout.ms': 3000, 'broker.heartbeat.interval.ms': 500},
  })
  dirA = join(cluster.dataDir, 'broker-4', 'a')
  dirB = join(cluster.dataDir, 'broker-4', 'b')
  // The new broker's two log dirs are formatted by the cluster with its cluster id.
  await cluster.addBroker({config: {'log.dirs': `${dirA},${dirB}`}})
  for (const dir of [dirA, dirB]) expect(readMetaProperties(dir)?.clusterId).toBe(cluster.clusterId)
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
  rmSync(work, {recursive: true, force: true})
}, 120_000)

const bootstrap = () => cluster.bootstrapServers
const brokers = () => cluster.brokers
const entriesOf = (dir: string, topic: string) => readdirSync(dir).filter((n) => n === `${topic}-0` || n.startsWith(`${topic}-0.`))

async function tool(name: string, args: string[]) {
  const r = await runKafkaTool(name, ['--bootstrap-server', bootstrap(), ...args], {timeoutMs: 90_000})
  expect(r.code, describeRun(name, r)).toBe(0)
  return r.stdout
}

function plan(name: string, replicas: number[], logDirs: string[]): string {
  const path = join(work, `${name}.json`)
  writeFileSync(path, JSON.stringify({version: 1, partitions: [{topic: 'cl', partition: 0, replicas, log_dirs: logDirs}]}))
  return path
}

async function verifyUntilDone(file: string): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const out = await tool('kafka-reassign-partitions.sh', ['--verify', '--reassignment-json-file', file])
    if (!out.includes('still in progress')) return out
  }
  throw new Error('the reassignment did not complete')
}

function runningProducer(producer: Producer) {
  const acked: string[] = []
  const errors: string[] = []
  let stop = false
  const done = (async () => {
    for (let n = 0; !stop; n++) {
      const values = Array.from({length: 10}, (_, j) => `live-${n}-${j}`)
      try {
        await producer.send({topic: 'cl', acks: -1, messages: values.map((value) => ({value}))})
        acked.push(...values)
      } catch (e) {
        errors.push((e as Error).message)
      }
      await new Promise((r) => setTimeout(r, 30))
    }
  })()
  return {acked, errors, stop: async () => ((stop = true), await done)}
}

function futureBytes(dir: string): number {
  const name = entriesOf(dir, 'cl').find((n) => n.endsWith('-future'))
  if (name === undefined) return 0
  return readdirSync(join(dir, name)).filter((n) => n.endsWith('.log')).reduce((sum, n) => sum + statSync(join(dir, name, n)).size, 0)
}

describe('moving a follower replica between log dirs in a cluster', () => {
  it('survives a SIGKILL mid-move, completes, serves every record as leader, and a reassignment away drops the future log', async () => {
    await tool('kafka-topics.sh', ['--create', '--topic', 'cl', '--replica-assignment', '1:4', '--config', 'segment.bytes=1048576'])
    await waitForPartitions(brokers, 'cl', (ps) => ps[0]?.isr.length === 2, 30_000, 'cl-0 in sync on 1 and 4')
    const kafka = new Kafka({clientId: 'log-dir-move-cluster', brokers: bootstrap().split(','), logLevel: logLevel.NOTHING, retry: {retries: 20, initialRetryTime: 200}})
    const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false})
    await producer.connect()
    const prefilled: string[] = []
    for (let i = 0; i < 3072; i += 128) {
      const values = Array.from({length: 128}, (_, j) => `pre-${i + j}-`.padEnd(1024, 'y'))
      await producer.send({topic: 'cl', acks: -1, messages: values.map((value) => ({value}))})
      prefilled.push(...values)
    }
    const from = entriesOf(dirA, 'cl').length > 0 ? dirA : dirB
    const to = from === dirA ? dirB : dirA
    expect(entriesOf(from, 'cl')).toEqual(['cl-0'])

    const live = runningProducer(producer)
    const move = plan('move', [1, 4], ['any', to])
    const executed = await tool('kafka-reassign-partitions.sh', ['--execute', '--reassignment-json-file', move, '--replica-alter-log-dirs-throttle', '400000'])
    expect(executed).toContain(`Successfully started moving log directory to ${to} for replica cl-0 with broker 4`)
    for (let i = 0; i < 300 && futureBytes(to) < 500_000; i++) await new Promise((r) => setTimeout(r, 50))
    expect(futureBytes(to)).toBeGreaterThanOrEqual(500_000)

    // An unclean stop mid-move: the current log stays authoritative, the copy picks up again.
    await cluster.killBroker(4)
    expect(entriesOf(from, 'cl')).toEqual(['cl-0'])
    await cluster.restartBroker(4)
    const brokerLog = () => readFileSync(join(cluster.dataDir, 'broker-4', 'broker.log'), 'utf8')
    for (let i = 0; i < 100 && !brokerLog().includes('Resuming the move of cl-0'); i++) await new Promise((r) => setTimeout(r, 100))
    expect(brokerLog()).toMatch(new RegExp(`Resuming the move of cl-0 to ${to} from offset [1-9]`))
    const verified = await verifyUntilDone(move)
    expect(verified).toContain('Reassignment of replica cl-0-4 completed successfully.')
    await waitForPartitions(brokers, 'cl', (ps) => ps[0]?.isr.length === 2, 30_000, 'cl-0 back in sync')
    expect(entriesOf(from, 'cl')).toEqual([])
    expect(entriesOf(to, 'cl')).toEqual(['cl-0'])

    // Broker 4 leads from its new dir.
    const lead4 = plan('lead4', [4, 1], [to, 'any'])
    await tool('kafka-reassign-partitions.sh', ['--execute', '--reassignment-json-file', lead4])
    await verifyUntilDone(lead4)
    await tool('kafka-leader-election.sh', ['--election-type', 'preferred', '--topic', 'cl', '--partition', '0'])
    await waitForPartitions(brokers, 'cl', (ps) => ps[0]?.leader === 4, 30_000, 'broker 4 leading cl-0')
    await new Promise((r) => setTimeout(r, 500))
    await live.stop()
    await producer.disconnect()
    expect(live.errors).toEqual([])
    const consumed = await runKcat(['-b', bootstrap(), '-C', '-t', 'cl', '-p', '0', '-o', 'beginning', '-e', '-q'], {timeoutMs: 60_000})
    expect(consumed.code, describeRun('kcat', consumed)).toBe(0)
    expect(consumed.stdout.split('\n').filter((l) => l !== '')).toEqual([...prefilled, ...live.acked])

    // A slow move back on broker 4, cut short by moving the replica off broker 4.
    const back = plan('back', [4, 1], [from, 'any'])
    await tool('kafka-reassign-partitions.sh', ['--execute', '--reassignment-json-file', back, '--replica-alter-log-dirs-throttle', '50000'])
    for (let i = 0; i < 100 && futureBytes(from) === 0; i++) await new Promise((r) => setTimeout(r, 50))
    expect(entriesOf(from, 'cl').some((n) => n.endsWith('-future'))).toBe(true)
    const away = plan('away', [1, 2], ['any', 'any'])
    await tool('kafka-reassign-partitions.sh', ['--execute', '--reassignment-json-file', away])
    await verifyUntilDone(away)
    await waitForPartitions(brokers, 'cl', (ps) => ps[0]?.replicas.join() === '1,2', 30_000, 'cl-0 on 1 and 2')
    for (let i = 0; i < 100 && entriesOf(from, 'cl').length + entriesOf(to, 'cl').length > 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect([...entriesOf(from, 'cl'), ...entriesOf(to, 'cl')]).toEqual([])
    const after = await runKcat(['-b', bootstrap(), '-C', '-t', 'cl', '-p', '0', '-o', 'beginning', '-e', '-q'], {timeoutMs: 60_000})
    expect(after.stdout.split('\n').filter((l) => l !== '')).toEqual([...prefilled, ...live.acked])
  }, 240_000)
})
