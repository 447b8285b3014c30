// `tskafka leader-election` against a 4-broker cluster (startCluster, auto.leader.rebalance.enable
// off so that leadership stays where failures put it), side by side with Apache Kafka's
// kafka-leader-election.sh on the same cluster in the same situations:
//   - nothing to elect: --all-topic-partitions prints nothing; a named partition is "Valid replica
//     already elected"; an unknown topic is an "Error completing leader election" line and exit 1;
//   - the preferred replica stopped: PREFERRED_LEADER_NOT_AVAILABLE, the same line from both tools;
//   - the preferred replica back in the ISR but not leading: both tools print the same lines for a
//     --path-to-json-file of every partition, and leadership moves back;
//   - --all-topic-partitions --output json;
//   - UNCLEAN: a partition whose only in-sync replica is down gets its other replica as leader;
//   - bad input (one error line, non-zero exit).
// Standard output is compared byte for byte.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startCluster, type StartedCluster} from '../../src/index.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {assertPeers, runKafkaTool} from '../helpers/peers.js'
import {fullIsr, waitForPartitions, type PartitionView} from '../chaos/cluster-probe.js'

const TOPIC = 'elect'
const NO_STACK = /^\s+at /m

let cluster: StartedCluster
let dir: string
let bootstrap: string[]

beforeAll(async () => {
  assertCliBuilt()
  assertPeers()
  dir = mkdtempSync(join(tmpdir(), 'tskafka-leader-election-'))
  // Broker 4 is not a quorum voter: it and one voter may be down at once.
  cluster = await startCluster({
    brokers: 4,
    config: {
      'auto.leader.rebalance.enable': false,
      'auto.create.topics.enable': false,
      'broker.session.timeout.ms': 3000,
      'broker.heartbeat.interval.ms': 500,
    },
  })
  bootstrap = ['--bootstrap-server', cluster.bootstrapServers]
  const kafka = new Kafka({clientId: 'leader-election-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({waitForLeaders: true, topics: [{topic: TOPIC, numPartitions: 3, replicationFactor: 3}]})
  } finally {
    await admin.disconnect()
  }
  await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, `${TOPIC} fully replicated`)
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
  if (dir) rmSync(dir, {recursive: true, force: true})
}, 120_000)

const tskafka = (args: string[]) => runCli(['leader-election', ...args, ...bootstrap])
const kafkaTool = (args: string[]) => runKafkaTool('kafka-leader-election.sh', [...args, ...bootstrap], {timeoutMs: 60_000})

const partitions = () => waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, `${TOPIC} fully replicated`)
const atPreferred = (ps: readonly PartitionView[]) => ps.every((p) => p.leader === p.replicas[0])

/** The broker preferred for partition 0: stopping it leaves that partition led by another. */
async function preferredOfPartition0(): Promise<number> {
  return (await partitions()).find((p) => p.partition === 0)!.replicas[0]!
}

/** Stops the preferred leader of partition 0 and starts it again: back in the ISR, not leading. */
async function displacePartition0Leader(): Promise<number> {
  const preferred = await preferredOfPartition0()
  await cluster.stopBroker(preferred)
  await cluster.restartBroker(preferred)
  const ps = await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, `${TOPIC} back to a full ISR`)
  expect(ps.find((p) => p.partition === 0)!.leader).not.toBe(preferred)
  return preferred
}

/** Writes a file for a test (JSON unless given as text) and returns its path. */
function jsonFile(name: string, body: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body))
  return path
}

describe('tskafka leader-election and kafka-leader-election.sh on the same cluster', () => {
  it('with every leader preferred: --all-topic-partitions prints nothing and a named partition needs no election', async () => {
    expect(atPreferred(await partitions())).toBe(true)
    const adminConfig = jsonFile('admin.properties', 'client.id=leader-election-test\nrequest.timeout.ms=20000\n')
    for (const args of [
      ['--election-type', 'preferred', '--all-topic-partitions', '--command-config', adminConfig],
      ['--election-type', 'Preferred', '--topic', TOPIC, '--partition', '1'],
      ['--election-type', 'unclean', '--topic', TOPIC, '--partition', '2'],
    ]) {
      const [ours, theirs] = [await tskafka(args), await kafkaTool(args)]
      expect(ours.stderr).toBe('')
      expect(ours.code).toBe(0)
      expect(theirs.code).toBe(0)
      expect(ours.stdout).toBe(theirs.stdout)
    }
    expect((await tskafka(['--election-type', 'preferred', '--topic', TOPIC, '--partition', '1'])).stdout).toBe(`Valid replica already elected for partitions ${TOPIC}-1\n`)

    // Kafka 4.3 still takes --admin.config but prints a deprecation note (tskafka: on stderr).
    const deprecated = ['--election-type', 'preferred', '--topic', TOPIC, '--partition', '0', '--admin.config', adminConfig]
    const [ours, theirs] = [await tskafka(deprecated), await kafkaTool(deprecated)]
    const note = 'Option --admin.config has been deprecated and will be removed in a future version. Use --command-config instead.'
    expect(ours.code).toBe(0)
    expect(ours.stderr).toBe(`Warning: ${note}\n`)
    expect(ours.stdout).toBe(`Valid replica already elected for partitions ${TOPIC}-0\n`)
    expect(theirs.stdout).toBe(`${note}\n${ours.stdout}`)
  }, 60_000)

  it('an unknown topic: the same error line from both tools, exit 1, and Kafka\'s failure count as the one error line', async () => {
    const args = ['--election-type', 'preferred', '--topic', 'no-such-topic', '--partition', '0']
    const [ours, theirs] = [await tskafka(args), await kafkaTool(args)]
    expect(ours.stdout).toBe(
      'Error completing leader election (PREFERRED) for partition: no-such-topic-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such topic as no-such-topic\n',
    )
    expect(ours.stdout).toBe(theirs.stdout)
    expect(ours.code).toBe(1)
    expect(theirs.code).toBe(1)
    expect(ours.stderr).toBe('Error: 1 replica(s) could not be elected\n')
    expect(theirs.stderr.split('\n')).toContain('1 replica(s) could not be elected')
  }, 60_000)

  it('the preferred replica stopped: both tools report PREFERRED_LEADER_NOT_AVAILABLE the same way', async () => {
    const preferred = await preferredOfPartition0()
    await cluster.stopBroker(preferred)
    await waitForPartitions(() => cluster.brokers, TOPIC, (ps) => ps.every((p) => p.leader >= 0 && p.leader !== preferred), 30_000, `${TOPIC} led without broker ${preferred}`)
    const args = ['--election-type', 'PREFERRED', '--topic', TOPIC, '--partition', '0']
    const [ours, theirs] = [await tskafka(args), await kafkaTool(args)]
    expect(ours.stdout).toMatch(/^Error completing leader election \(PREFERRED\) for partition: elect-0: org\.apache\.kafka\.common\.errors\.PreferredLeaderNotAvailableException: /)
    expect(ours.stdout).toBe(theirs.stdout)
    expect(ours.code).toBe(1)
    expect(theirs.code).toBe(1)
    expect(ours.stderr).toBe('Error: 1 replica(s) could not be elected\n')
    await cluster.restartBroker(preferred)
    await partitions()
  }, 90_000)

  it('a displaced leader: both tools print the same lines for a JSON file of every partition, and leadership moves back', async () => {
    const file = jsonFile('all.json', {partitions: [0, 1, 2].map((partition) => ({topic: TOPIC, partition}))})
    const args = ['--election-type', 'preferred', '--path-to-json-file', file]

    await displacePartition0Leader()
    const theirs = await kafkaTool(args)
    expect(theirs.code).toBe(0)
    expect(atPreferred(await partitions())).toBe(true)

    await displacePartition0Leader()
    const ours = await tskafka(args)
    expect(ours.stderr).toBe('')
    expect(ours.code).toBe(0)
    expect(ours.stdout).toBe(theirs.stdout)
    const lines = ours.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`Successfully completed leader election (PREFERRED) for partitions ${TOPIC}-0`)
    expect(lines[1]).toMatch(new RegExp(`^Valid replica already elected for partitions ${TOPIC}-[12], ${TOPIC}-[12]$`))
    expect(atPreferred(await partitions())).toBe(true)
  }, 120_000)

  it('--all-topic-partitions --output json lists the partitions it elected; leadership moves back', async () => {
    await displacePartition0Leader()
    const r = await tskafka(['--election-type', 'preferred', '--all-topic-partitions', '--output', 'json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({electionType: 'PREFERRED', partitions: [{topic: TOPIC, partition: 0, outcome: 'elected'}]})
    expect(atPreferred(await partitions())).toBe(true)
    const yaml = await tskafka(['--election-type', 'preferred', '--topic', TOPIC, '--partition', '0', '--yaml'])
    expect(yaml.stdout).toBe(`electionType: PREFERRED\npartitions:\n  - topic: ${TOPIC}\n    partition: 0\n    outcome: not-needed\n`)
  }, 90_000)
})

describe('unclean election', () => {
  it('a partition left without a leader, its only in-sync replica down, gets its live replica as leader', async () => {
    const topic = 'unclean'
    const kafka = new Kafka({clientId: 'leader-election-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    try {
      await admin.createTopics({waitForLeaders: true, topics: [{topic, replicaAssignment: [{partition: 0, replicas: [4, 3]}]}]})
    } finally {
      await admin.disconnect()
    }
    const brokers = () => cluster.brokers
    await waitForPartitions(brokers, topic, fullIsr, 30_000, `${topic} fully replicated`)
    await cluster.stopBroker(4)
    await waitForPartitions(brokers, topic, (ps) => ps[0]!.leader === 3 && ps[0]!.isr.join() === '3', 30_000, `${topic} led by 3 alone`)
    await cluster.stopBroker(3)
    await cluster.restartBroker(4)
    await waitForPartitions(brokers, topic, (ps) => ps[0]!.leader === -1, 30_000, `${topic} without a leader`)

    const preferred = await tskafka(['--election-type', 'preferred', '--topic', topic, '--partition', '0'])
    expect(preferred.stdout).toMatch(/^Error completing leader election \(PREFERRED\) for partition: unclean-0: org\.apache\.kafka\.common\.errors\.PreferredLeaderNotAvailableException: /)
    expect(preferred.code).toBe(1)

    const unclean = await tskafka(['--election-type', 'unclean', '--topic', topic, '--partition', '0'])
    expect(unclean.stderr).toBe('')
    expect(unclean.stdout).toBe(`Successfully completed leader election (UNCLEAN) for partitions ${topic}-0\n`)
    expect(unclean.code).toBe(0)
    const after = await waitForPartitions(brokers, topic, (ps) => ps[0]!.leader === 4, 30_000, `${topic} led by 4`)
    expect(after[0]!.isr).toEqual([4])

    await cluster.restartBroker(3)
    await waitForPartitions(brokers, topic, fullIsr, 30_000, `${topic} fully replicated again`)
  }, 120_000)
})

describe('bad input: one error line, non-zero exit, as Kafka words it', () => {
  const cases: Array<[string, string[], () => string, number]> = [
    ['no election type', ['--all-topic-partitions'], () => 'Missing required option(s): election-type', 2],
    ['a bad election type', ['--election-type', 'fast', '--all-topic-partitions'], () => "Cannot parse argument 'fast' of option election-type", 2],
    ['--topic without --partition', ['--election-type', 'preferred', '--topic', TOPIC], () => 'Missing required option(s): partition', 2],
    ['two ways to name partitions', ['--election-type', 'preferred', '--topic', TOPIC, '--partition', '0', '--all-topic-partitions'], () => 'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file', 2],
    ['--partition without --topic', ['--election-type', 'preferred', '--partition', '0', '--path-to-json-file', 'x.json'], () => 'Option partition is only allowed if topic is used', 2],
    ['duplicate partitions in the file', ['--election-type', 'preferred', '--path-to-json-file', 'dup'], () => `Replica election data contains duplicate partitions: [${TOPIC}-0]`, 1],
    ['a file without partitions', ['--election-type', 'preferred', '--path-to-json-file', 'nopartitions'], () => 'Replica election data is missing "partitions" field', 1],
    ['both --admin.config and --command-config', ['--election-type', 'preferred', '--all-topic-partitions', '--admin.config', 'a', '--command-config', 'b'], () => 'Option "[admin.config]" can\'t be used with option "[command-config]"', 2],
    ['a missing file', ['--election-type', 'preferred', '--path-to-json-file', '/nonexistent/election.json'], () => 'Unable to read file /nonexistent/election.json: no such file', 1],
  ]

  it.each(cases)('%s', async (_what, rawArgs, message, code) => {
    const files: Record<string, string> = {
      dup: jsonFile('dup.json', {partitions: [{topic: TOPIC, partition: 0}, {topic: TOPIC, partition: 0}]}),
      nopartitions: jsonFile('nopartitions.json', {version: 1}),
    }
    const args = rawArgs.map((a) => files[a] ?? a)
    const r = await tskafka(args)
    expect(r.stdout).toBe('')
    expect(r.stderr).not.toMatch(NO_STACK)
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`Error: ${message()}`)
    expect(r.code).toBe(code)
  })
})
