// tskafka reassign and tskafka leader-election against a real 3-node Apache Kafka 4.3.1 KRaft
// cluster (test/helpers/kafka-reference-cluster.ts, two log dirs per node), side by side with
// Kafka's own tools on it:
//   - leader-election --all-topic-partitions after a reassignment that reorders replicas of two
//     topics (KRaft keeps each leader, which is then no longer the preferred one): the same stdout
//     as kafka-leader-election.sh for the same six displaced partitions, and leadership moves back;
//   - --generate: the same "Current partition replica assignment" (with the nodes' real log dirs)
//     as kafka-reassign-partitions.sh --generate; both proposals valid over --broker-list;
//   - --execute --throttle of a move that completes: kafka-configs.sh shows the broker rates and
//     the topic's throttled replicas set, --verify exits 0 with the "Clearing ... throttles"
//     lines, kafka-configs.sh shows them gone, and Kafka's --verify prints the same;
//   - --execute --throttle of a move held back by a tiny throttle (replica.fetch.max.bytes is small,
//     so each throttled fetch copies little): --list and --verify print what Kafka's tool prints,
//     --verify exits 3 (Kafka's tool: 0), kafka-configs.sh shows the throttles, --cancel puts the
//     replicas back and the throttles are gone; Kafka's --cancel of the same move prints the same;
//   - `reassign plan --topic T --replication-factor 3` and `plan --drain-broker 3` over an RF-2
//     topic, executed by `tskafka reassign --execute` (the second with --additional): replicas end
//     as planned on real Kafka;
//   - a replica moved between a node's log dirs with --replica-alter-log-dirs-throttle: the rate
//     shown by kafka-configs.sh, --verify as Kafka's, the rate removed;
//   - a broker-only node 4 joins: `reassign plan --add-broker 4` executed as planned;
//   - every record written before the moves is read back afterwards (kcat);
//   - node 3 stopped: leader-election's error lines for the partitions it prefers, as Kafka's.

import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {describeTopic, fullIsr, type PartitionView, waitForPartitions} from '../chaos/cluster-probe.js'
import {type KafkaReferenceCluster, startKafkaReferenceCluster} from '../helpers/kafka-reference-cluster.js'
import {assertPeers, describeRun, runKafkaTool, runKcat, type RunResult} from '../helpers/peers.js'
import {assertCliBuilt, runCli} from './helpers/cli.js'

/** Client JVMs that start fast on a small machine. */
const TOOL_ENV = {KAFKA_HEAP_OPTS: '-Xmx256m', KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData'}

interface Assignment {
  version: number
  partitions: Array<{topic: string; partition: number; replicas: number[]; log_dirs: string[]}>
}

/** Each topic's replica assignment at creation. */
const TOPICS: Record<string, number[][]> = {
  elect: [
    [1, 2, 3],
    [2, 3, 1],
    [3, 1, 2],
  ],
  gen: [
    [1, 2],
    [2, 3],
    [3, 1],
  ],
  fast: [[1, 2]],
  dirs: [[1, 2]],
  slow: [[1, 2]],
  'rf-up': [[1], [2], [3]],
  'drain-me': [
    [1, 2],
    [2, 3],
    [3, 1],
    [1, 3],
    [2, 1],
    [3, 2],
  ],
}

let kafkaCluster: KafkaReferenceCluster
let dir: string
let bootstrap: string
/** topic -> partition -> the values written, in order. */
const written = new Map<string, Map<number, string[]>>()

const brokers = () => kafkaCluster.brokers
/** `tskafka <command words> --bootstrap-server <node 1> ...args`; command is e.g. 'reassign' or 'reassign plan'. */
const ours = (command: string, ...args: string[]) => runCli([...command.split(' '), '--bootstrap-server', bootstrap, ...args], {timeoutMs: 90_000})
const kafkaTool = (tool: string, ...args: string[]) => runKafkaTool(tool, ['--bootstrap-server', bootstrap, ...args], {env: TOOL_ENV, timeoutMs: 90_000})
const kafkaReassign = (...args: string[]) => kafkaTool('kafka-reassign-partitions', ...args)
const ok = (what: string, r: RunResult): string => {
  if (r.code !== 0) throw new Error(describeRun(what, r))
  return r.stdout
}
const file = (name: string, body: unknown): string => {
  const path = join(dir, name)
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body))
  return path
}
const readAssignment = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Assignment
const view = async (topic: string): Promise<PartitionView[]> => (await describeTopic(brokers(), topic))!

/** The dynamic throttle configs kafka-configs.sh describes: every broker's, and the topic's when named. */
async function throttleConfigs(topic?: string): Promise<{brokers: string[]; topic: string[]}> {
  const [b, t] = await Promise.all([
    kafkaTool('kafka-configs', '--describe', '--entity-type', 'brokers'),
    topic === undefined ? undefined : kafkaTool('kafka-configs', '--describe', '--entity-type', 'topics', '--entity-name', topic),
  ])
  // "Dynamic configs for broker 1 are:" then "  name=value sensitive=false synonyms={...}".
  const throttles = (out: string) => {
    const found: string[] = []
    let entity = ''
    for (const line of out.split('\n')) {
      const head = /^(?:Dynamic|Default) configs for (?:broker|topic) ?(\S*) (?:are|in the cluster are):$/.exec(line)
      if (head) entity = head[1] === 'the' || head[1] === '' ? 'default' : head[1]!
      const entry = /^ {2}([a-z.]*throttled[a-z.]*|replica\.alter\.log\.dirs\.io\.max\.bytes\.per\.second)=(\S*) sensitive=/.exec(line)
      if (entry) found.push(`${entity} ${entry[1]}=${entry[2]}`)
    }
    return found.sort()
  }
  return {brokers: throttles(ok('kafka-configs.sh --describe brokers', b)), topic: t === undefined ? [] : throttles(ok(`kafka-configs.sh --describe topic ${topic}`, t))}
}

beforeAll(async () => {
  assertCliBuilt()
  assertPeers()
  dir = mkdtempSync(join(tmpdir(), 'tskafka-reassign-kafka-'))
  kafkaCluster = await startKafkaReferenceCluster({
    nodes: 3,
    // Two log dirs per node: a replica can move between a node's dirs.
    logDirsPerNode: 2,
    overrides: {
      'auto.create.topics.enable': false,
      // Leadership stays where a reassignment leaves it until an election moves it.
      'auto.leader.rebalance.enable': false,
      // Each throttled follower fetch copies at most this much, so a move at a few KB/s stays
      // in progress for minutes instead of finishing with its first 1 MB fetch.
      'replica.fetch.max.bytes': 16384,
    },
  })
  bootstrap = kafkaCluster.bootstrapServers.split(',')[0]!
  const kafka = new Kafka({clientId: 'reassign-kafka-cluster', brokers: kafkaCluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.entries(TOPICS).map(([topic, assignment]) => ({topic, replicaAssignment: assignment.map((replicas, partition) => ({partition, replicas}))})),
    })
  } finally {
    await admin.disconnect()
  }
  const producer = kafka.producer()
  await producer.connect()
  try {
    await Promise.all(
      Object.entries(TOPICS).map(async ([topic, assignment]) => {
        // slow: ~400 KB in batches under 16 KB (a batch bigger than a fetch is still sent whole).
        const [batches, perBatch, size] = topic === 'slow' ? [40, 10, 1000] : [1, 20, 100]
        const byPartition = new Map<number, string[]>()
        for (let partition = 0; partition < assignment.length; partition++) {
          const values: string[] = []
          for (let b = 0; b < batches; b++) {
            const messages = Array.from({length: perBatch}, (_, i) => ({partition, key: `k${b}-${i}`, value: `${topic}-${partition}-${b}-${i}-`.padEnd(size, 'x')}))
            await producer.send({topic, acks: -1, messages})
            values.push(...messages.map((m) => m.value))
          }
          byPartition.set(partition, values)
        }
        written.set(topic, byPartition)
      }),
    )
  } finally {
    await producer.disconnect()
  }
  for (const topic of Object.keys(TOPICS)) await waitForPartitions(brokers, topic, fullIsr, 30_000, `${topic} fully replicated`)
}, 120_000)

afterAll(async () => {
  await kafkaCluster?.stop()
  if (dir) rmSync(dir, {recursive: true, force: true})
}, 60_000)

describe('tskafka reassign and leader-election on a 3-node Apache Kafka 4.3.1 cluster', () => {
  it('leader-election --all-topic-partitions after a reorder displaced six leaders of two topics: the same stdout as kafka-leader-election.sh', async () => {
    const reorder = async (name: string, assignments: Record<string, number[][]>) => {
      const plan = file(name, {
        version: 1,
        partitions: Object.entries(assignments).flatMap(([topic, assignment]) => assignment.map((replicas, partition) => ({topic, partition, replicas}))),
      })
      const executed = await ours('reassign', '--execute', '--reassignment-json-file', plan)
      expect(executed.stderr).toBe('')
      expect(executed.code).toBe(0)
      // A reorder adds and removes nothing: Kafka completes it at once and keeps each leader.
      const views: PartitionView[][] = []
      for (const [topic, assignment] of Object.entries(assignments)) {
        views.push(await waitForPartitions(brokers, topic, (ps) => ps.every((p, i) => p.replicas.join() === assignment[i]!.join()), 15_000, `${topic} reordered`))
      }
      return views.map((ps) => ps.map((p) => p.leader))
    }
    /** Once node 1's metadata shows every partition of both topics led by its preferred replica. */
    const preferredLeaders = async () => {
      const views: PartitionView[][] = []
      for (const topic of ['elect', 'gen']) views.push(await waitForPartitions(brokers, topic, (ps) => ps.every((p) => p.leader === p.replicas[0]), 15_000, `${topic} led by preferred replicas`))
      return views.map((ps) => ps.map((p) => p.leader))
    }
    const reordered = {
      elect: [
        [2, 1, 3],
        [3, 2, 1],
        [1, 3, 2],
      ],
      gen: [
        [2, 1],
        [3, 2],
        [1, 3],
      ],
    }
    expect(await reorder('reorder.json', reordered)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ])

    const args = ['--election-type', 'preferred', '--all-topic-partitions']
    const mine = await ours('leader-election', ...args)
    expect(mine.stderr).toBe('')
    expect(mine.code).toBe(0)
    const elected = /^Successfully completed leader election \(PREFERRED\) for partitions (.*)\n$/.exec(mine.stdout)
    expect(elected, mine.stdout).not.toBeNull()
    expect(elected![1]!.split(', ').sort()).toEqual(['elect-0', 'elect-1', 'elect-2', 'gen-0', 'gen-1', 'gen-2'])
    expect(await preferredLeaders()).toEqual([
      [2, 3, 1],
      [2, 3, 1],
    ])

    // Back to the first order: the same six partitions are led by a replica that is not preferred.
    expect(await reorder('reorder-back.json', {elect: TOPICS.elect!, gen: TOPICS.gen!})).toEqual([
      [2, 3, 1],
      [2, 3, 1],
    ])
    const theirs = await kafkaTool('kafka-leader-election', ...args)
    expect(theirs.code, describeRun('kafka-leader-election.sh', theirs)).toBe(0)
    // The same partitions in the same (JVM HashSet) order.
    expect(mine.stdout).toBe(theirs.stdout)
    expect(await preferredLeaders()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ])

    // Nothing left to elect: nothing printed (as Kafka's tool prints nothing then).
    const idle = await ours('leader-election', ...args)
    expect(idle.code).toBe(0)
    expect(idle.stdout).toBe('')
  }, 90_000)

  it('--generate: the same current assignment (the nodes\' log dirs) as kafka-reassign-partitions.sh, and a valid proposal from each', async () => {
    const topicsFile = file('topics.json', {topics: [{topic: 'gen'}], version: 1})
    const args = ['--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3']
    const [mine, theirs] = await Promise.all([ours('reassign', ...args), kafkaReassign(...args)])
    expect(mine.stderr).toBe('')
    expect(mine.code).toBe(0)
    const [mineLines, theirLines] = [mine.stdout.trimEnd().split('\n'), ok('kafka --generate', theirs).trimEnd().split('\n')]
    expect(mineLines.slice(0, 3)).toEqual(theirLines.slice(0, 3))
    expect(mineLines[0]).toBe('Current partition replica assignment')
    const current = JSON.parse(mineLines[1]!) as Assignment
    expect(current.partitions.map((p) => [p.partition, p.replicas])).toEqual(TOPICS.gen!.map((r, i) => [i, r]))
    // Each replica's real log dir on its node.
    for (const p of current.partitions) for (const [i, b] of p.replicas.entries()) expect(brokers()[b - 1]!.logDirs).toContain(p.log_dirs[i])
    // The proposals are random in both tools: the same shape, two distinct listed brokers per partition.
    expect(mineLines[3]).toBe(theirLines[3])
    for (const proposal of [JSON.parse(mineLines[4]!) as Assignment, JSON.parse(theirLines[4]!) as Assignment]) {
      expect(proposal.version).toBe(1)
      expect(proposal.partitions.map((p) => [p.topic, p.partition, p.log_dirs])).toEqual([0, 1, 2].map((i) => ['gen', i, ['any', 'any']]))
      for (const p of proposal.partitions) {
        expect(new Set(p.replicas).size).toBe(2)
        for (const b of p.replicas) expect([1, 2, 3]).toContain(b)
      }
    }
  }, 60_000)

  it('--execute --throttle of a move that completes: Kafka shows the throttles, --verify exits 0 clearing them, as Kafka\'s --verify prints', async () => {
    const plan = file('fast.json', {version: 1, partitions: [{topic: 'fast', partition: 0, replicas: [3, 2], log_dirs: ['any', 'any']}]})
    const executed = await ours('reassign', '--execute', '--reassignment-json-file', plan, '--throttle', '10000000')
    expect(executed.stderr).toBe('')
    expect(executed.code).toBe(0)
    const lines = executed.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('Current partition replica assignment')
    expect(lines[1]).toBe('')
    const rollback = JSON.parse(lines[2]!) as Assignment
    expect(rollback.partitions.map((p) => [p.topic, p.partition, p.replicas])).toEqual([['fast', 0, [1, 2]]])
    expect(brokers()[0]!.logDirs).toContain(rollback.partitions[0]!.log_dirs[0])
    expect(brokers()[1]!.logDirs).toContain(rollback.partitions[0]!.log_dirs[1])
    expect(lines.slice(3)).toEqual([
      '',
      "Save this to use as the --reassignment-json-file option during rollback",
      'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.',
      'The inter-broker throttle limit was set to 10000000 B/s',
      'Successfully started partition reassignment for fast-0',
    ])
    await waitForPartitions(brokers, 'fast', (ps) => ps[0]!.replicas.join() === '3,2' && fullIsr(ps), 30_000, 'fast moved to 3,2')
    // The move is over but nothing has verified it yet: Kafka's kafka-configs.sh shows what --execute set.
    const set = await throttleConfigs('fast')
    const rates = [1, 2, 3].flatMap((b) => [`${b} follower.replication.throttled.rate=10000000`, `${b} leader.replication.throttled.rate=10000000`])
    expect(set.brokers).toEqual(rates)
    expect(set.topic).toEqual(['fast follower.replication.throttled.replicas=0:3', 'fast leader.replication.throttled.replicas=0:1,0:2'])

    const verified = await ours('reassign', '--verify', '--reassignment-json-file', plan)
    expect(verified.stderr).toBe('')
    expect(verified.code).toBe(0)
    expect(verified.stdout).toBe('Status of partition reassignment:\nReassignment of partition fast-0 is completed.\n\nClearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic fast\n')
    const [after, theirs] = await Promise.all([throttleConfigs('fast'), kafkaReassign('--verify', '--reassignment-json-file', plan)])
    expect(after).toEqual({brokers: [], topic: []})
    expect(ok('kafka --verify', theirs)).toBe(verified.stdout)
  }, 60_000)

  it('--execute --throttle of a held-back move: --list and --verify as Kafka prints them, exit 3; --cancel puts it back and removes the throttles', async () => {
    const plan = file('slow.json', {version: 1, partitions: [{topic: 'slow', partition: 0, replicas: [3, 2], log_dirs: ['any', 'any']}]})
    const executed = await ours('reassign', '--execute', '--reassignment-json-file', plan, '--throttle', '2000')
    expect(executed.stderr).toBe('')
    expect(executed.code).toBe(0)
    expect(executed.stdout).toMatch(/^The inter-broker throttle limit was set to 2000 B\/s\nSuccessfully started partition reassignment for slow-0\n$/m)

    const [listMine, listTheirs, verifyMine, verifyTheirs] = await Promise.all([
      ours('reassign', '--list'),
      kafkaReassign('--list'),
      ours('reassign', '--verify', '--reassignment-json-file', plan),
      kafkaReassign('--verify', '--reassignment-json-file', plan),
    ])
    expect(listMine.code).toBe(0)
    expect(listMine.stdout).toBe('Current partition reassignments:\nslow-0: replicas: 3,2,1. adding: 3. removing: 1.\n')
    expect(listMine.stdout).toBe(ok('kafka --list', listTheirs))
    expect(verifyMine.stdout).toBe('Status of partition reassignment:\nReassignment of partition slow-0 is still in progress.\n\n')
    expect(verifyMine.stdout).toBe(ok('kafka --verify', verifyTheirs))
    // Kafka's tool exits 0 while the move runs; tskafka says it is still moving.
    expect(verifyMine.code).toBe(3)
    expect(verifyMine.stderr).toBe('')

    const set = await throttleConfigs('slow')
    expect(set.brokers).toEqual([1, 2, 3].flatMap((b) => [`${b} follower.replication.throttled.rate=2000`, `${b} leader.replication.throttled.rate=2000`]))
    expect(set.topic).toEqual(['slow follower.replication.throttled.replicas=0:3', 'slow leader.replication.throttled.replicas=0:1,0:2'])
    // Still held back after all those JVM starts: broker 3 has not caught up.
    const moving = await view('slow')
    expect(moving[0]!.replicas).toEqual([3, 2, 1])
    expect(moving[0]!.isr).not.toContain(3)

    const cancelled = await ours('reassign', '--cancel', '--reassignment-json-file', plan)
    expect(cancelled.stderr).toBe('')
    expect(cancelled.code).toBe(0)
    // Kafka's tool prints its "None of the specified partition moves are active." without a line end.
    expect(cancelled.stdout).toBe(
      'Successfully cancelled partition reassignment for: slow-0\nNone of the specified partition moves are active.Clearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic slow\n',
    )
    const [after, listAfter] = await Promise.all([throttleConfigs('slow'), ours('reassign', '--list')])
    expect(after).toEqual({brokers: [], topic: []})
    expect(listAfter.stdout).toBe('No partition reassignments found.\n')
    // As in Kafka, the revert keeps the order the replicas had during the move, less the added one.
    const back = await waitForPartitions(brokers, 'slow', fullIsr, 15_000, 'slow back on 2,1')
    expect(back[0]!.replicas).toEqual([2, 1])

    // The same held-back move started and cancelled by Kafka's tool: the same cancel output.
    ok('kafka --execute', await kafkaReassign('--execute', '--reassignment-json-file', plan, '--throttle', '2000'))
    expect((await ours('reassign', '--list')).stdout).toBe(listMine.stdout)
    expect(ok('kafka --cancel', await kafkaReassign('--cancel', '--reassignment-json-file', plan))).toBe(cancelled.stdout)
    const backAgain = await waitForPartitions(brokers, 'slow', fullIsr, 15_000, 'slow back on 2,1 again')
    expect(backAgain[0]!.replicas).toEqual([2, 1])
  }, 90_000)

  it('reassign plan --replication-factor 3 and --drain-broker 3, executed by tskafka reassign --execute: replicas move as planned', async () => {
    const rfFile = join(dir, 'rf.json')
    const planned = await ours('reassign plan', '--topic', 'rf-up', '--replication-factor', '3', '--output-file', rfFile)
    expect(planned.stderr).toBe('')
    expect(planned.code).toBe(0)
    expect(planned.stdout.split('\n')[0]).toBe('Plan: replication factor 3 for topic rf-up')
    // The bytes to copy come from the leaders' DescribeLogDirs sizes on Kafka: 20 records of 100
    // bytes per partition (more with batch headers), copied twice for each of 3 partitions.
    const bytes = Number(/^Total: 6 replicas to copy, \S+ KB \((\d+) bytes\); 3 partitions change\.$/m.exec(planned.stdout)?.[1])
    expect(bytes).toBeGreaterThan(6 * 20 * 100)
    expect(bytes).toBeLessThan(6 * 20 * 300)
    const rf = readAssignment(rfFile)
    // The leaders stay first; every partition gains both other brokers.
    expect(rf.partitions.map((p) => [p.partition, p.replicas[0], [...p.replicas].sort()])).toEqual([
      [0, 1, [1, 2, 3]],
      [1, 2, [1, 2, 3]],
      [2, 3, [1, 2, 3]],
    ])

    const drainFile = join(dir, 'drain.json')
    // The drain is planned while the RF change may still be copying: the plans are over different topics.
    const [rfExecuted, drainPlanned] = await Promise.all([
      ours('reassign', '--execute', '--reassignment-json-file', rfFile),
      ours('reassign plan', '--drain-broker', '3', '--topics', 'drain-me', '--output-file', drainFile),
    ])
    expect(rfExecuted.code, rfExecuted.stderr).toBe(0)
    expect(rfExecuted.stdout).toContain('Successfully started partition reassignments for rf-up-0,rf-up-1,rf-up-2')
    expect(drainPlanned.code, drainPlanned.stderr).toBe(0)
    expect(drainPlanned.stdout).not.toContain('Extra moves')
    const drain = readAssignment(drainFile)
    expect(drain.partitions.map((p) => p.partition)).toEqual([1, 2, 3, 5])
    for (const p of drain.partitions) {
      expect(p.replicas).not.toContain(3)
      for (const b of TOPICS['drain-me']![p.partition]!.filter((x) => x !== 3)) expect(p.replicas).toContain(b)
    }
    // The RF change may still be copying: a second reassignment goes in with --additional, as in Kafka.
    const drainExecuted = await ours('reassign', '--execute', '--additional', '--reassignment-json-file', drainFile)
    expect(drainExecuted.code, drainExecuted.stderr).toBe(0)
    expect(drainExecuted.stdout).toContain('Successfully started partition reassignments for drain-me-1,drain-me-2,drain-me-3,drain-me-5')

    for (const [name, plan] of [['rf', rfFile], ['drain', drainFile]] as const) {
      const waited = await ours('reassign', '--verify', '--wait', '--timeout', '30s', '--reassignment-json-file', plan)
      expect(waited.code, `${name}: ${waited.stdout}${waited.stderr}`).toBe(0)
      expect(waited.stdout).not.toMatch(/still in progress|failed/)
    }
    // Node 1's metadata may trail the controller by a moment.
    const rfAfter = await waitForPartitions(brokers, 'rf-up', (ps) => ps.every((p) => p.replicas.length === 3 && p.isr.length === 3), 15_000, 'rf-up at RF 3')
    expect(rfAfter.map((p) => p.replicas)).toEqual(rf.partitions.map((p) => p.replicas))
    expect(rfAfter.map((p) => p.leader)).toEqual([1, 2, 3])
    expect(rfAfter.every((p) => p.isr.length === 3)).toBe(true)
    const planned2 = new Map(drain.partitions.map((p) => [p.partition, p.replicas]))
    const drainAfter = await waitForPartitions(brokers, 'drain-me', (ps) => ps.every((p) => !p.replicas.includes(3) && p.isr.length === 2), 15_000, 'drain-me off node 3')
    expect(drainAfter.map((p) => p.replicas)).toEqual(TOPICS['drain-me']!.map((r, i) => planned2.get(i) ?? r))
    expect(drainAfter.every((p) => !p.replicas.includes(3) && p.isr.length === 2)).toBe(true)
  }, 90_000)

  it('--execute of a move between a node\'s log dirs with --replica-alter-log-dirs-throttle: --verify as Kafka\'s, the throttle set then removed', async () => {
    const topicsFile = file('dirs-topics.json', {topics: [{topic: 'dirs'}], version: 1})
    const generated = await ours('reassign', '--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3')
    expect(generated.code, generated.stderr).toBe(0)
    const current = (JSON.parse(generated.stdout.split('\n')[1]!) as Assignment).partitions[0]!
    const [from] = current.log_dirs
    const to = brokers()[0]!.logDirs.find((d) => d !== from)!
    const plan = file('dirs.json', {version: 1, partitions: [{topic: 'dirs', partition: 0, replicas: [1, 2], log_dirs: [to, 'any']}]})
    const executed = await ours('reassign', '--execute', '--reassignment-json-file', plan, '--replica-alter-log-dirs-throttle', '100000000')
    expect(executed.stderr).toBe('')
    expect(executed.code).toBe(0)
    expect(executed.stdout.split('\n').slice(4)).toEqual([
      "Save this to use as the --reassignment-json-file option during rollback",
      'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.',
      'The replica-alter-dir throttle limit was set to 100000000 B/s',
      'Successfully started partition reassignment for dirs-0',
      `Successfully started moving log directory to ${to} for replica dirs-0 with broker 1 `,
      '',
    ])
    // Only the broker whose dirs change gets the rate; no topic throttles.
    expect((await throttleConfigs()).brokers).toEqual(['1 replica.alter.log.dirs.io.max.bytes.per.second=100000000'])

    const waited = await ours('reassign', '--verify', '--wait', '--timeout', '30s', '--reassignment-json-file', plan)
    expect(waited.stderr).toBe('')
    expect(waited.code).toBe(0)
    expect(waited.stdout).toBe(
      'Status of partition reassignment:\nReassignment of partition dirs-0 is completed.\nReassignment of replica dirs-0-1 completed successfully.\nClearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic dirs\n',
    )
    const [after, theirs] = await Promise.all([throttleConfigs(), kafkaReassign('--verify', '--reassignment-json-file', plan)])
    expect(after.brokers).toEqual([])
    expect(ok('kafka --verify', theirs)).toBe(waited.stdout)
    const moved = await ours('reassign', '--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3')
    expect((JSON.parse(moved.stdout.split('\n')[1]!) as Assignment).partitions[0]!.log_dirs).toEqual([to, current.log_dirs[1]])
  }, 60_000)

  it('a broker-only node 4 joins: reassign plan --add-broker 4 moves one replica per changed partition onto it, executed as planned', async () => {
    const before = new Map<string, number[]>()
    for (const topic of Object.keys(TOPICS)) for (const p of await view(topic)) before.set(`${topic}-${p.partition}`, p.replicas)
    const added = await kafkaCluster.addBroker()
    expect(added.id).toBe(4)
    const growFile = join(dir, 'grow.json')
    const planned = await ours('reassign plan', '--add-broker', '4', '--output-file', growFile)
    expect(planned.stderr).toBe('')
    expect(planned.code).toBe(0)
    expect(planned.stdout.split('\n')[0]).toBe(`Plan: add broker 4 (${Object.keys(TOPICS).length} topics)`)
    const share = Number(/^4 \(new\)\s+0 -> (\d+)\s/m.exec(planned.stdout)?.[1])
    expect(share).toBeGreaterThan(0)
    const grow = readAssignment(growFile)
    expect(grow.partitions).toHaveLength(share)
    for (const p of grow.partitions) {
      const was = before.get(`${p.topic}-${p.partition}`)!
      expect(p.replicas.filter((b) => !was.includes(b))).toEqual([4])
      expect(was.filter((b) => !p.replicas.includes(b))).toHaveLength(1)
    }
    const executed = await ours('reassign', '--execute', '--reassignment-json-file', growFile)
    expect(executed.code, executed.stderr).toBe(0)
    const waited = await ours('reassign', '--verify', '--wait', '--timeout', '30s', '--reassignment-json-file', growFile)
    expect(waited.code, waited.stdout + waited.stderr).toBe(0)
    expect(waited.stdout).toMatch(/^Clearing broker-level throttles on brokers 1,2,3,4$/m)
    const target = new Map(grow.partitions.map((p) => [`${p.topic}-${p.partition}`, p.replicas]))
    let onNew = 0
    for (const topic of new Set(grow.partitions.map((p) => p.topic))) {
      const ps = await waitForPartitions(brokers, topic, (v) => v.every((p) => p.replicas.join() === (target.get(`${topic}-${p.partition}`) ?? before.get(`${topic}-${p.partition}`))!.join() && p.isr.length === p.replicas.length), 15_000, `${topic} as planned`)
      onNew += ps.filter((p) => p.replicas.includes(4)).length
    }
    expect(onNew).toBe(share)
  }, 60_000)

  it('every record written before the moves is read back from the moved partitions (kcat)', async () => {
    const reads = await Promise.all(
      [...written.keys()].map((topic) =>
        runKcat(['-b', kafkaCluster.bootstrapServers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %s\\n'], {timeoutMs: 30_000}),
      ),
    )
    for (const [i, [topic, partitions]] of [...written].entries()) {
      const read = reads[i]!
      expect(read.code, describeRun(`kcat ${topic}`, read)).toBe(0)
      const got = new Map<number, string[]>()
      for (const line of read.stdout.split('\n').filter((l) => l !== '')) {
        const [p, value] = line.split(' ') as [string, string]
        got.set(Number(p), [...(got.get(Number(p)) ?? []), value])
      }
      for (const [partition, values] of partitions) expect(got.get(partition), `${topic}-${partition}`).toEqual(values)
    }
  }, 60_000)

  it('node 3 stopped: leader-election reports the partitions it prefers as kafka-leader-election.sh does, exit 1', async () => {
    const args = ['--election-type', 'preferred', '--all-topic-partitions']
    // First every leader where it is preferred (a cancelled move leaves its partition led by the second replica).
    expect((await ours('leader-election', ...args)).code).toBe(0)
    await kafkaCluster.stopNode(3)
    for (const topic of Object.keys(TOPICS)) {
      await waitForPartitions(brokers, topic, (ps) => ps.every((p) => p.leader !== 3 && p.leader >= 0), 15_000, `${topic} led without node 3`)
    }
    const [mine, theirs] = [await ours('leader-election', ...args), await kafkaTool('kafka-leader-election', ...args)]
    const lines = mine.stdout.trimEnd().split('\n')
    expect(lines.length).toBeGreaterThan(1)
    for (const line of lines) {
      expect(line).toMatch(/^Error completing leader election \(PREFERRED\) for partition: [a-z-]+-\d: org\.apache\.kafka\.common\.errors\.PreferredLeaderNotAvailableException: /)
    }
    expect(mine.stdout).toBe(theirs.stdout)
    expect(mine.code).toBe(1)
    expect(theirs.code).toBe(1)
    expect(mine.stderr).toBe(`Error: ${lines.length} replica(s) could not be elected\n`)
    expect(theirs.stderr.split('\n')).toContain(`${lines.length} replica(s) could not be elected`)

    // A file naming a partition node 3 prefers, one already led by its preferred replica and one of
    // an unknown topic: the three kinds of line, as Kafka's tool prints them from Kafka's answers.
    const named = file('elect.json', {partitions: [{topic: 'elect', partition: 2}, {topic: 'elect', partition: 0}, {topic: 'no-such-topic', partition: 0}]})
    const fileArgs = ['--election-type', 'preferred', '--path-to-json-file', named]
    const [mineNamed, theirsNamed] = await Promise.all([ours('leader-election', ...fileArgs), kafkaTool('kafka-leader-election', ...fileArgs)])
    expect(mineNamed.stdout).toMatch(/^Valid replica already elected for partitions elect-0$/m)
    expect(mineNamed.stdout).toMatch(/^Error completing leader election \(PREFERRED\) for partition: elect-2: org\.apache\.kafka\.common\.errors\.PreferredLeaderNotAvailableException: /m)
    expect(mineNamed.stdout).toMatch(/^Error completing leader election \(PREFERRED\) for partition: no-such-topic-0: org\.apache\.kafka\.common\.errors\.UnknownTopicOrPartitionException: /m)
    expect(mineNamed.stdout).toBe(theirsNamed.stdout)
    expect(mineNamed.code).toBe(1)
    expect(theirsNamed.code).toBe(1)
    expect(mineNamed.stderr).toBe('Error: 2 replica(s) could not be elected\n')
  }, 60_000)
})
