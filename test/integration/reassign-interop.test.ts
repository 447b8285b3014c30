// tskafka reassign and Apache Kafka's kafka-reassign-partitions.sh (4.3.1) on the bundled cluster:
// each tool executes what the other generated, and where their output is deterministic
// (the current assignment of --generate, --execute's rollback JSON, --verify, --list) they print
// the same bytes.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startCluster, type StartedCluster} from '../../src/index.js'
import {fullIsr, sleep, waitForPartitions} from '../chaos/cluster-probe.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {assertPeers, describeRun, runKafkaTool, type RunResult} from '../helpers/peers.js'

/** Client JVMs that start fast on a small machine. */
const TOOL_ENV = {KAFKA_HEAP_OPTS: '-Xmx256m', KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData'}
const TOPIC = 'interop'

interface Assignment {
  version: number
  partitions: Array<{topic: string; partition: number; replicas: number[]; log_dirs: string[]}>
}

describe('tskafka reassign and kafka-reassign-partitions.sh on the bundled cluster', () => {
  let cluster: StartedCluster
  let dir: string
  let topicsFile: string
  const ours = (...args: string[]) => runCli(['reassign', '--bootstrap-server', cluster.bootstrapServers, ...args], {timeoutMs: 90_000})
  const kafkas = (...args: string[]) => runKafkaTool('kafka-reassign-partitions', ['--bootstrap-server', cluster.bootstrapServers, ...args], {env: TOOL_ENV, timeoutMs: 90_000})
  const ok = (what: string, r: RunResult): string => {
    if (r.code !== 0) throw new Error(describeRun(what, r))
    return r.stdout
  }
  const file = (name: string, text: string): string => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }
  /** The proposal of a --generate (its last line). */
  const proposalOf = (stdout: string): Assignment => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Assignment
  /** Polls Kafka's --verify until it reports every partition completed. */
  const kafkaVerifyUntilDone = async (planFile: string): Promise<string> => {
    const deadline = Date.now() + 40_000
    for (;;) {
      const out = ok('kafka --verify', await kafkas('--verify', '--reassignment-json-file', planFile))
      if (!/still in progress/.test(out)) return out
      if (Date.now() > deadline) throw new Error(`still moving after 40 s:\n${out}`)
      await sleep(500)
    }
  }

  beforeAll(async () => {
    assertCliBuilt()
    assertPeers()
    dir = mkdtempSync(join(tmpdir(), 'tskafka-reassign-interop-'))
    cluster = await startCluster({brokers: 3, config: {'auto.create.topics.enable': false, 'offsets.topic.num.partitions': 1}})
    const kafka = new Kafka({clientId: 'reassign-interop', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: TOPIC,
          replicaAssignment: [
            {partition: 0, replicas: [1, 2]},
            {partition: 1, replicas: [2, 3]},
            {partition: 2, replicas: [3, 1]},
          ],
        },
      ],
    })
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: TOPIC, acks: -1, messages: Array.from({length: 300}, (_, i) => ({key: `k${i}`, value: `v${i}`.padEnd(500, '.')}))})
    await producer.disconnect()
    await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, 'interop fully replicated')
    await cluster.addBroker()
    topicsFile = file('topics.json', JSON.stringify({topics: [{topic: TOPIC}], version: 1}))
  }, 120_000)

  afterAll(async () => {
    await cluster?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  }, 120_000)

  it('--generate: the same current assignment (with log dirs) from both tools; --list the same when idle', async () => {
    const [mine, theirs] = [
      ok('tskafka --generate', await ours('--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3,4')),
      ok('kafka --generate', await kafkas('--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3,4')),
    ]
    const head = (s: string) => s.split('\n').slice(0, 3).join('\n')
    expect(head(mine)).toBe(head(theirs))
    expect(head(mine)).toMatch(/"log_dirs":\["[^"]*broker-1[^"]*","[^"]*broker-2[^"]*"\]/)
    // The proposals are random in both tools, but have the same shape.
    for (const p of [proposalOf(mine), proposalOf(theirs)]) {
      expect(p.partitions.map((x) => [x.topic, x.partition, x.replicas.length, x.log_dirs])).toEqual([0, 1, 2].map((i) => [TOPIC, i, 2, ['any', 'any']]))
    }
    const [listMine, listTheirs] = [await ours('--list'), await kafkas('--list')]
    expect(listMine.stdout).toBe(ok('kafka --list', listTheirs))
    expect(listMine.stdout).toBe('No partition reassignments found.\n')
  }, 60_000)

  it("Kafka's --execute and --verify run tskafka's --generate proposal; both tools' --verify print the same", async () => {
    const generated = ok('tskafka --generate', await ours('--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3,4'))
    const plan = file('ours.json', generated.trimEnd().split('\n').at(-1)!)
    const executed = ok('kafka --execute', await kafkas('--execute', '--reassignment-json-file', plan))
    expect(executed).toMatch(/^Successfully started partition reassignments for interop-0,interop-1,interop-2$/m)
    const theirs = await kafkaVerifyUntilDone(plan)
    expect(theirs).toMatch(/^Reassignment of partition interop-0 is completed\.$/m)
    const mine = await ours('--verify', '--reassignment-json-file', plan)
    expect(mine.code).toBe(0)
    expect(mine.stdout).toBe(theirs)
    const view = await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, 'interop fully replicated')
    expect(view.map((p) => p.replicas)).toEqual(proposalOf(generated).partitions.map((p) => p.replicas))
  }, 90_000)

  it("tskafka --execute runs Kafka's --generate proposal, and prints the same rollback JSON as Kafka's --execute", async () => {
    const generated = ok('kafka --generate', await kafkas('--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3'))
    const plan = file('theirs.json', generated.trimEnd().split('\n').at(-1)!)
    const executed = await ours('--execute', '--reassignment-json-file', plan)
    expect(executed.stderr).toBe('')
    expect(executed.code).toBe(0)
    expect(executed.stdout).toMatch(/^Successfully started partition reassignments for interop-0,interop-1,interop-2$/m)
    const waited = await ours('--verify', '--reassignment-json-file', plan, '--wait', '--timeout', '40s')
    expect(waited.code).toBe(0)
    expect(ok('kafka --verify', await kafkas('--verify', '--reassignment-json-file', plan))).toBe(waited.stdout)
    const view = await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, 'interop fully replicated')
    expect(view.map((p) => p.replicas)).toEqual(proposalOf(generated).partitions.map((p) => p.replicas))
    expect(view.every((p) => !p.replicas.includes(4))).toBe(true)

    // A reassignment to where the partitions already are completes at once: both tools print the
    // same rollback JSON (with log dirs) and the same success line for it.
    const noop = file('noop.json', JSON.stringify({version: 1, partitions: view.map((p) => ({topic: TOPIC, partition: p.partition, replicas: p.replicas}))}))
    const kafkaNoop = ok('kafka --execute', await kafkas('--execute', '--reassignment-json-file', noop))
    const ourNoop = await ours('--execute', '--reassignment-json-file', noop)
    expect(ourNoop.stdout).toBe(kafkaNoop)
    expect(ourNoop.stdout.split('\n')[0]).toBe('Current partition replica assignment')

    // That rollback JSON names each replica's log dir: executing it also sends AlterReplicaLogDirs,
    // and both tools print the same for it, then the same --verify with a line per replica.
    const rollback = file('rollback.json', kafkaNoop.split('\n')[2]!)
    expect(kafkaNoop.split('\n')[2]).toMatch(/"log_dirs":\["\//)
    const kafkaDirs = ok('kafka --execute', await kafkas('--execute', '--reassignment-json-file', rollback))
    expect(kafkaDirs).toMatch(/^Successfully started moving log directory to \/\S+ for replica interop-0 with broker \d $/m)
    const ourDirs = await ours('--execute', '--reassignment-json-file', rollback)
    expect(ourDirs.stdout).toBe(kafkaDirs)
    const verifyDirs = await ours('--verify', '--reassignment-json-file', rollback)
    expect(verifyDirs.code).toBe(0)
    expect(verifyDirs.stdout).toMatch(/^Reassignment of replica interop-0-\d completed successfully\.$/m)
    expect(verifyDirs.stdout).toBe(ok('kafka --verify', await kafkas('--verify', '--reassignment-json-file', rollback)))
  }, 90_000)

  it('a throttled move: both tools list it alike and report it in progress alike; Kafka --cancel puts it back', async () => {
    // More than one replica fetch (replica.fetch.max.bytes, 1 MB): the first one is never held back.
    const kafka = new Kafka({clientId: 'reassign-interop', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING})
    const producer = kafka.producer()
    await producer.connect()
    for (let i = 0; i < 15; i++) await producer.send({topic: TOPIC, acks: -1, messages: Array.from({length: 100}, (_, j) => ({partition: 0, key: `big-${i}-${j}`, value: 'x'.repeat(1000)}))})
    await producer.disconnect()
    const view = await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, 'interop fully replicated')
    const p0 = view[0]!
    const target = [4, p0.replicas[1]!]
    const plan = file('slow.json', JSON.stringify({version: 1, partitions: [{topic: TOPIC, partition: 0, replicas: target, log_dirs: ['any', 'any']}]}))
    const executed = ok('kafka --execute', await kafkas('--execute', '--reassignment-json-file', plan, '--throttle', '20000'))
    expect(executed).toMatch(/^The inter-broker throttle limit was set to 20000 B\/s$/m)
    const [listMine, listTheirs] = [await ours('--list'), ok('kafka --list', await kafkas('--list'))]
    expect(listMine.stdout).toBe(listTheirs)
    const removing = p0.replicas.filter((r) => !target.includes(r))
    expect(listMine.stdout).toBe(`Current partition reassignments:\n${TOPIC}-0: replicas: ${[...target, ...removing].join(',')}. adding: 4. removing: ${removing.join(',')}.\n`)
    const [verifyMine, verifyTheirs] = [await ours('--verify', '--reassignment-json-file', plan), ok('kafka --verify', await kafkas('--verify', '--reassignment-json-file', plan))]
    expect(verifyMine.stdout).toBe(verifyTheirs)
    // Kafka's tool exits 0 while the move runs; tskafka says it is still moving.
    expect(verifyMine.code).toBe(3)

    const cancelled = ok('kafka --cancel', await kafkas('--cancel', '--reassignment-json-file', plan))
    expect(cancelled).toMatch(/^Successfully cancelled partition reassignment for: interop-0$/m)
    expect((await ours('--list')).stdout).toBe('No partition reassignments found.\n')
    const back = await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, 'interop back')
    // As in Kafka, the revert keeps the order the replicas had during the move, less the added one.
    expect(back[0]!.replicas).toEqual([...target, ...removing].filter((r) => r !== 4))
  }, 90_000)
})
