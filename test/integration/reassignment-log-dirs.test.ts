// Apache Kafka's kafka-reassign-partitions.sh with explicit log directories against a bundled
// 3-broker cluster. The rollback JSON Kafka's tool prints names each replica's real log dir, so
// running a rollback sends AlterReplicaLogDirs: a replica that is moving onto a broker answers
// REPLICA_NOT_AVAILABLE until it arrives there (the tool retries) and is then created in the
// named dir; a dir that is not one of the broker's log.dirs is refused.

import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startCluster, type StartedCluster} from '../../src/index.js'
import {waitForPartitions} from '../chaos/cluster-probe.js'
import {assertPeers, describeRun, runKafkaTool, runKcat} from '../helpers/peers.js'

let cluster: StartedCluster
let bootstrap: string
const work = join(tmpdir(), `tskafka-logdirs-${process.pid}`)

beforeAll(async () => {
  assertPeers()
  cluster = await startCluster({brokers: 3, config: {'auto.create.topics.enable': false, 'auto.leader.rebalance.enable': false, 'offsets.topic.num.partitions': 1}})
  bootstrap = cluster.bootstrapServers
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
})

const logDirOf = (id: number) => join(cluster.dataDir, `broker-${id}`, 'data')
const brokers = () => cluster.brokers

function writeJson(name: string, value: unknown): string {
  const path = `${work}-${name}.json`
  writeFileSync(path, JSON.stringify(value))
  return path
}

async function reassign(args: string[]) {
  const r = await runKafkaTool('kafka-reassign-partitions.sh', ['--bootstrap-server', bootstrap, ...args], {timeoutMs: 90_000})
  return r
}

async function verifyUntilDone(file: string): Promise<string> {
  for (let i = 0; i < 30; i++) {
    const r = await reassign(['--verify', '--reassignment-json-file', file])
    expect(r.code, describeRun('verify', r)).toBe(0)
    if (!r.stdout.includes('still in progress')) return r.stdout
  }
  throw new Error('the reassignment did not complete')
}

describe("kafka-reassign-partitions.sh with log dirs", () => {
  it('moves a replica into a named log dir, then runs the rollback file it printed', async () => {
    const created = await runKafkaTool('kafka-topics.sh', ['--bootstrap-server', bootstrap, '--create', '--topic', 'dirs', '--replica-assignment', '1'])
    expect(created.code, describeRun('create', created)).toBe(0)
    const produced = await runKcat(['-b', bootstrap, '-P', '-t', 'dirs', '-p', '0'], {input: Array.from({length: 500}, (_, i) => `record-${i}`).join('\n') + '\n'})
    expect(produced.code, describeRun('kcat', produced)).toBe(0)

    const move = writeJson('move', {version: 1, partitions: [{topic: 'dirs', partition: 0, replicas: [2], log_dirs: [logDirOf(2)]}]})
    const executed = await reassign(['--execute', '--reassignment-json-file', move])
    expect(executed.code, describeRun('execute', executed)).toBe(0)
    expect(executed.stdout).toContain('Successfully started partition reassignment for dirs-0')
    expect(executed.stdout).toContain(`Successfully started moving log directory to ${logDirOf(2)} for replica dirs-0 with broker 2`)
    // The rollback file names the replica's current dir on broker 1.
    const rollback = JSON.parse(executed.stdout.split('\n').find((l) => l.startsWith('{"version"'))!)
    expect(rollback).toEqual({version: 1, partitions: [{topic: 'dirs', partition: 0, replicas: [1], log_dirs: [logDirOf(1)]}]})

    const verified = await verifyUntilDone(move)
    expect(verified).toContain('Reassignment of partition dirs-0 is completed.')
    expect(verified).toContain(`Reassignment of replica dirs-0-2 completed successfully.`)
    await waitForPartitions(brokers, 'dirs', (ps) => ps[0]?.replicas.join() === '2' && ps[0].leader === 2, 30_000, 'dirs-0 on broker 2')

    const back = writeJson('rollback', rollback)
    const rolledBack = await reassign(['--execute', '--reassignment-json-file', back])
    expect(rolledBack.code, describeRun('rollback', rolledBack)).toBe(0)
    expect(rolledBack.stdout).toContain(`Successfully started moving log directory to ${logDirOf(1)} for replica dirs-0 with broker 1`)
    expect(await verifyUntilDone(back)).toContain('Reassignment of partition dirs-0 is completed.')
    await waitForPartitions(brokers, 'dirs', (ps) => ps[0]?.replicas.join() === '1' && ps[0].leader === 1, 30_000, 'dirs-0 back on broker 1')

    const consumed = await runKcat(['-b', bootstrap, '-C', '-t', 'dirs', '-p', '0', '-o', 'beginning', '-e', '-q'])
    expect(consumed.stdout.trim().split('\n')).toEqual(Array.from({length: 500}, (_, i) => `record-${i}`))
  }, 180_000)

  it('refuses a log dir the broker does not have', async () => {
    const bad = writeJson('bad', {version: 1, partitions: [{topic: 'dirs', partition: 0, replicas: [1], log_dirs: ['/nonexistent/kafka-logs']}]})
    const r = await reassign(['--execute', '--reassignment-json-file', bad, '--additional'])
    expect(r.code).not.toBe(0)
    expect(r.stdout + r.stderr).toMatch(/LogDirNotFoundException|log directory is not found/)
  }, 60_000)
})
