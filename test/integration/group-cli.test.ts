// `tskafka consumer-groups` next to kafka-consumer-groups.sh, against the bundled broker and a real
// Apache Kafka 4.x broker in the same test: the same scenario on both (a group with lag, a live
// consumer-protocol group, a live classic group), and for each command the same text from both
// tools on both brokers (member ids, ports and the coordinator address normalised). Also Kafka's
// warnings on stderr, the reset plan round trip through --export/--from-file, and one-line errors.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../../src/index.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {startKafkaReference, type KafkaReference} from '../helpers/kafka-reference.js'
import {assertPeers, describeRun, runKafkaTool, type RunResult} from '../helpers/peers.js'
import {startMember, waitFor, type Member} from './group-members.js'

interface Target {
  name: string
  bootstrap: string
  members: Member[]
}

/** Member ids, ports and JVM log lines differ between runs and brokers; nothing else may. */
function normalize(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^SLF4J|^\[\d{4}-\d\d-\d\d .*\] (WARN|INFO)|^\tat /.test(l))
    .join('\n')
    .replace(/java-classic-range-[0-9a-f-]{36}/g, '<classic-member>')
    .replace(/(?<=\s)[A-Za-z0-9_-]{22}(?=\s)/g, '<consumer-member>')
    .replace(/127\.0\.0\.1:\d+ {2}\(\d+\)/g, '<coordinator>')
}

async function prepare(target: Target): Promise<void> {
  const kafka = new Kafka({clientId: 'group-cli-test', brokers: [target.bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({topics: [{topic: 'cli-t', numPartitions: 3}, {topic: 'cli-u', numPartitions: 2}], waitForLeaders: true})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'cli-t', messages: Array.from({length: 30}, (_, i) => ({partition: i % 3, value: `t${i}`}))})
    await producer.send({topic: 'cli-u', messages: Array.from({length: 8}, (_, i) => ({partition: i % 2, value: `u${i}`}))})
    await producer.disconnect()
    // A group with lag on two topics and nobody consuming.
    await admin.setOffsets({groupId: 'cli-lagging', topic: 'cli-t', partitions: [{partition: 0, offset: '10'}, {partition: 1, offset: '4'}, {partition: 2, offset: '0'}]})
    await admin.setOffsets({groupId: 'cli-lagging', topic: 'cli-u', partitions: [{partition: 1, offset: '1'}]})
  } finally {
    await admin.disconnect()
  }
  // The live members must outlast the whole file (afterAll stops them), however slow the machine is.
  const maxRunMs = 20 * 60_000
  target.members.push(startMember('java-consumer', {bootstrap: target.bootstrap, topic: 'cli-t', group: 'cli-live-consumer', assignor: 'uniform', maxRunMs}))
  target.members.push(startMember('java-classic', {bootstrap: target.bootstrap, topic: 'cli-t', group: 'cli-live-classic', assignor: 'range', maxRunMs}))
  await waitFor(`live members on ${target.name}`, () => target.members.every((m) => m.state().records >= 30), 90_000, target.members)
}

describe('tskafka consumer-groups and kafka-consumer-groups.sh, on tskafka and on Apache Kafka', () => {
  let broker: StartedBroker
  let reference: KafkaReference
  const targets: Target[] = []
  let dir: string

  beforeAll(async () => {
    assertPeers()
    assertCliBuilt()
    dir = mkdtempSync(join(tmpdir(), 'tskafka-group-cli-'))
    ;[broker, reference] = await Promise.all([
      startBroker({config: {'group.consumer.heartbeat.interval.ms': 500}}),
      startKafkaReference(),
    ])
    targets.push({name: 'tskafka', bootstrap: broker.bootstrapServers, members: []}, {name: 'Apache Kafka', bootstrap: reference.bootstrapServers, members: []})
    for (const t of targets) await prepare(t)
  }, 240_000)

  afterAll(async () => {
    await Promise.allSettled(targets.flatMap((t) => t.members.map((m) => m.stop())))
    await Promise.allSettled([broker?.stop(), reference?.stop()])
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  async function both(target: Target, args: string[]): Promise<{kafka: RunResult; tskafka: RunResult}> {
    const [kafka, tskafka] = await Promise.all([
      runKafkaTool('kafka-consumer-groups', ['--bootstrap-server', target.bootstrap, ...args], {timeoutMs: 60_000}),
      runCli(['consumer-groups', '--bootstrap-server', target.bootstrap, ...args]),
    ])
    return {kafka, tskafka}
  }

  /**
   * The same stdout from both tools on both brokers; returns it. Where the order of lines follows
   * the order a broker keeps offsets in (plans over --all-topics), brokers are compared as sets.
   */
  async function sameEverywhere(args: string[], brokerOrder = false): Promise<string> {
    const outputs: string[] = []
    for (const t of targets) {
      const {kafka, tskafka} = await both(t, args)
      expect(kafka.code, describeRun(`kafka-consumer-groups ${args.join(' ')} on ${t.name}`, kafka)).toBe(0)
      expect(tskafka.code, describeRun(`tskafka consumer-groups ${args.join(' ')} on ${t.name}`, tskafka)).toBe(0)
      expect(normalize(tskafka.stdout), `${args.join(' ')} on ${t.name}`).toBe(normalize(kafka.stdout))
      outputs.push(normalize(tskafka.stdout))
    }
    const comparable = (s: string) => (brokerOrder ? s.split('\n').sort().join('\n') : s)
    expect(comparable(outputs[0]!), `${args.join(' ')}: tskafka vs Apache Kafka`).toBe(comparable(outputs[1]!))
    return outputs[0]!
  }

  it('--describe: the same columns and lag values', async () => {
    const lagging = await sameEverywhere(['--describe', '--group', 'cli-lagging'])
    const lines = lagging.trim().split('\n')
    expect(lines[0]).toMatch(/^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID$/)
    const rows = lines.slice(1).map((l) => l.trim().split(/\s+/))
    expect(rows.map((r) => [r[1], r[2], r[3], r[4], r[5]]).sort()).toEqual(
      [
        ['cli-t', '0', '10', '10', '0'],
        ['cli-t', '1', '4', '10', '6'],
        ['cli-t', '2', '0', '10', '10'],
        ['cli-u', '1', '1', '4', '3'],
      ].sort(),
    )
    const live = await sameEverywhere(['--describe', '--group', 'cli-live-consumer'])
    expect(live).toContain('<consumer-member> /127.0.0.1')
    await sameEverywhere(['--describe', '--group', 'cli-live-classic'])
    await sameEverywhere(['--describe', '--all-groups'])
  }, 180_000)

  it('--describe --members [--verbose] and --state [--verbose]', async () => {
    for (const group of ['cli-live-consumer', 'cli-live-classic', 'cli-lagging']) {
      await sameEverywhere(['--describe', '--group', group, '--members'])
      await sameEverywhere(['--describe', '--group', group, '--state'])
    }
    for (const group of ['cli-live-consumer', 'cli-live-classic']) {
      await sameEverywhere(['--describe', '--group', group, '--members', '--verbose'])
      await sameEverywhere(['--describe', '--group', group, '--state', '--verbose'])
    }
  }, 180_000)

  it('--list with --state and --type', async () => {
    for (const args of [['--list', '--state'], ['--list', '--state', 'Empty'], ['--list', '--type']]) {
      // Other tests' groups may exist only on one broker: compare the lines of our groups.
      const ours = (s: string) => s.split('\n').filter((l) => /^(GROUP|cli-)/.test(l)).join('\n')
      const outputs: string[] = []
      for (const t of targets) {
        const {kafka, tskafka} = await both(t, args)
        expect(tskafka.code).toBe(0)
        expect(ours(tskafka.stdout).split('\n').sort()).toEqual(ours(kafka.stdout).split('\n').sort())
        outputs.push(ours(tskafka.stdout).split('\n').sort().join('\n'))
      }
      expect(outputs[0]).toBe(outputs[1])
    }
  }, 120_000)

  it("Kafka's warnings go to stderr", async () => {
    const r = await runCli(['consumer-groups', '--bootstrap-server', broker.bootstrapServers, '--describe', '--group', 'cli-lagging'])
    expect(r.stderr.trim()).toBe("Consumer group 'cli-lagging' has no active members.")
    const dry = await runCli(['consumer-groups', '--bootstrap-server', broker.bootstrapServers, '--reset-offsets', '--group', 'cli-lagging', '--all-topics', '--to-latest'])
    expect(dry.stderr).toMatch(/^WARN: No action will be performed as the --execute option is missing\./)
  }, 60_000)

  it('--reset-offsets: dry run, --export and --from-file --execute, the same plans as Kafka', async () => {
    for (const spec of [['--to-earliest'], ['--to-latest'], ['--shift-by', '-3'], ['--to-offset', '5'], ['--to-current'], ['--to-datetime', '2020-01-01T00:00:00.000'], ['--by-duration', 'P1D']]) {
      await sameEverywhere(['--reset-offsets', '--group', 'cli-lagging', '--topic', 'cli-t', '--topic', 'cli-u:1', ...spec, '--dry-run'])
      await sameEverywhere(['--reset-offsets', '--group', 'cli-lagging', '--all-topics', ...spec, '--export'], true)
    }
    for (const t of targets) {
      const plan = await runCli(['consumer-groups', '--bootstrap-server', t.bootstrap, '--reset-offsets', '--group', 'cli-lagging', '--all-topics', '--shift-by', '2', '--export'])
      expect(plan.code, describeRun('export', plan)).toBe(0)
      const file = join(dir, `plan-${t.name.replace(/\W/g, '')}.csv`)
      writeFileSync(file, plan.stdout)
      const applied = await runCli(['consumer-groups', '--bootstrap-server', t.bootstrap, '--reset-offsets', '--group', 'cli-lagging', '--from-file', file, '--execute'])
      expect(applied.code, describeRun('from-file', applied)).toBe(0)
    }
    const after = await sameEverywhere(['--describe', '--group', 'cli-lagging'])
    expect(after).toMatch(/cli-t\s+1\s+6\s+10\s+4\s/)
    expect(after).toMatch(/cli-u\s+1\s+3\s+4\s+1\s/)
  }, 240_000)

  it('refuses to reset an active group and to delete a non-empty one, with one error line', async () => {
    for (const t of targets) {
      const reset = await runCli(['consumer-groups', '--bootstrap-server', t.bootstrap, '--reset-offsets', '--group', 'cli-live-classic', '--all-topics', '--to-earliest', '--execute'])
      expect(reset.code).toBe(1)
      expect(reset.stderr).toContain("Error: Assignments can only be reset if the group 'cli-live-classic' is inactive, but the current state is Stable.")
      const del = await runCli(['consumer-groups', '--bootstrap-server', t.bootstrap, '--delete', '--group', 'cli-live-consumer'])
      expect(del.code).toBe(1)
      expect(del.stdout).toContain("* Group 'cli-live-consumer' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.")
      const usage = await runCli(['consumer-groups', '--bootstrap-server', t.bootstrap, '--describe'])
      expect(usage.code).toBe(2)
      expect(usage.stderr.trim().split('\n')).toHaveLength(1)
      expect(usage.stderr).toMatch(/^Error: Option \[describe\] takes one of these options: \[all-groups\], \[group\]/)
    }
  }, 120_000)

  it('--delete-offsets and --delete, as Kafka prints them', async () => {
    for (const t of targets) {
      const delOffsets = await runCli(['consumer-groups', '--bootstrap-server', t.bootstrap, '--delete-offsets', '--group', 'cli-lagging', '--topic', 'cli-u'])
      expect(delOffsets.code, describeRun('delete-offsets', delOffsets)).toBe(0)
      expect(delOffsets.stdout).toMatch(/^Request succeeded for deleting offsets from group cli-lagging\.\n\nTOPIC\s+PARTITION\s+STATUS\s*\ncli-u\s+0\s+Successful\s*\ncli-u\s+1\s+Successful/)
      const del = await runCli(['consumer-groups', '--bootstrap-server', t.bootstrap, '--delete', '--group', 'cli-lagging', '--json'])
      expect(del.code, describeRun('delete', del)).toBe(0)
      expect(JSON.parse(del.stdout)).toEqual([{group: 'cli-lagging', deleted: true, error: null}])
      const gone = await runCli(['consumer-groups', '--bootstrap-server', t.bootstrap, '--describe', '--group', 'cli-lagging'])
      expect(gone.code).toBe(1)
    }
  }, 120_000)
})
