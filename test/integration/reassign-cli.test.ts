// `tskafka reassign` on a 3-broker cluster grown to 4 (issue 7's acceptance): --generate onto
// brokers 1-4, --execute, --verify (exit 3 while moving, 0 when done) and --verify --wait move
// replicas onto the new broker while a kafkajs consumer group keeps reading and a producer keeps
// writing; every record is intact afterwards and the consumer saw every offset. Then a throttled
// slow move is listed, verified as moving, and cancelled back to where it was, throttles removed.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type Consumer, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startCluster, type StartedCluster} from '../../src/index.js'
import {describeTopic, fullIsr, sleep, waitForPartitions} from '../chaos/cluster-probe.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'

const NO_STACK = /^\s+at /m
const TOPIC = 'orders'
const PARTITIONS = 4
const FIRST_BATCH = 1200
const VALUE_PAD = 'x'.repeat(1500)

function valueOf(i: number): string {
  return `value-${i}-${VALUE_PAD}`
}

/** Each partition's end offset (high watermark). */
async function readEnds(kafka: Kafka): Promise<Map<number, number>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    return new Map((await admin.fetchTopicOffsets(TOPIC)).map((o) => [o.partition, Number(o.high)]))
  } finally {
    await admin.disconnect()
  }
}

describe('tskafka reassign on a 3-broker cluster grown to 4', () => {
  let cluster: StartedCluster
  let kafka: Kafka
  let dir: string
  let consumer: Consumer
  /** What the long-running consumer group got: partition -> offset -> key. */
  const seen = new Map<number, Map<string, string>>()
  const produced = new Map<string, string>()
  const reassign = (...args: string[]) => runCli(['reassign', '--bootstrap-server', cluster.bootstrapServers, ...args], {timeoutMs: 90_000})

  beforeAll(async () => {
    assertCliBuilt()
    dir = mkdtempSync(join(tmpdir(), 'tskafka-reassign-cli-'))
    cluster = await startCluster({brokers: 3, config: {'auto.create.topics.enable': false, 'offsets.topic.num.partitions': 1}})
    kafka = new Kafka({clientId: 'reassign-cli-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({waitForLeaders: true, topics: [{topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 2}]})
    await admin.disconnect()
    await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, 'orders fully replicated')
    const producer = kafka.producer()
    await producer.connect()
    for (let start = 0; start < FIRST_BATCH; start += 200) {
      const messages = Array.from({length: 200}, (_, j) => ({key: `key-${start + j}`, value: valueOf(start + j)}))
      await producer.send({topic: TOPIC, acks: -1, messages})
      for (const m of messages) produced.set(m.key, m.value)
    }
    await producer.disconnect()

    consumer = kafka.consumer({groupId: 'reassign-watcher', maxWaitTimeInMs: 200})
    await consumer.connect()
    await consumer.subscribe({topic: TOPIC, fromBeginning: true})
    void consumer.run({
      eachMessage: async ({partition, message}) => {
        const offsets = seen.get(partition) ?? new Map<string, string>()
        offsets.set(message.offset, message.key!.toString())
        seen.set(partition, offsets)
      },
    })
    await cluster.addBroker()
  }, 120_000)

  afterAll(async () => {
    await consumer?.disconnect().catch(() => {})
    await cluster?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  }, 120_000)

  it('--generate, --execute and --verify --wait move replicas onto broker 4, records intact and the consumer uninterrupted', async () => {
    const topicsFile = join(dir, 'topics.json')
    writeFileSync(topicsFile, JSON.stringify({topics: [{topic: TOPIC}], version: 1}))
    const generated = await reassign('--generate', '--topics-to-move-json-file', topicsFile, '--broker-list', '1,2,3,4')
    expect(generated.stderr).toBe('')
    expect(generated.code).toBe(0)
    const lines = generated.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('Current partition replica assignment')
    expect(lines[2]).toBe('')
    expect(lines[3]).toBe('Proposed partition reassignment configuration')
    const current = JSON.parse(lines[1]!) as {version: number; partitions: Array<{topic: string; partition: number; replicas: number[]; log_dirs: string[]}>}
    const proposal = JSON.parse(lines[4]!) as typeof current
    expect(current.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3])
    // The current assignment names each replica's log dir, as Kafka 4.3's tool prints it.
    for (const p of current.partitions) for (const [i, d] of p.log_dirs.entries()) expect(d).toContain(`broker-${p.replicas[i]}`)
    expect(proposal.version).toBe(1)
    expect(proposal.partitions.every((p) => p.replicas.length === 2 && p.log_dirs.every((d) => d === 'any'))).toBe(true)
    // Kafka's placement over four brokers leads one partition on each: broker 4 gets replicas.
    expect(proposal.partitions.filter((p) => p.replicas.includes(4)).length).toBeGreaterThan(0)

    const planFile = join(dir, 'plan.json')
    writeFileSync(planFile, lines[4]!)
    // A producer keeps writing while replicas move.
    // At-least-once (not idempotent): a retry across a leader change may write a record twice,
    // never lose an acknowledged one. Each send goes to one partition: when a send spans several
    // leaders and one answers NOT_LEADER_OR_FOLLOWER, kafkajs 2.2's retry skips every broker that
    // already answered, so a partition whose new leader is such a broker is never sent, and send()
    // resolves without it (records no broker acknowledged, missing from the log).
    const producer = kafka.producer()
    await producer.connect()
    let next = FIRST_BATCH
    let producing = true
    const writer = (async () => {
      while (producing) {
        const partition = (next / 20) % PARTITIONS
        const messages = Array.from({length: 20}, (_, j) => ({partition, key: `key-${next + j}`, value: valueOf(next + j)}))
        await producer.send({topic: TOPIC, acks: -1, messages})
        for (const m of messages) produced.set(m.key, m.value)
        next += messages.length
        await sleep(50)
      }
    })()

    const executed = await reassign('--execute', '--reassignment-json-file', planFile, '--throttle', '3000000')
    expect(executed.stderr).toBe('')
    expect(executed.code).toBe(0)
    const out = executed.stdout.split('\n')
    expect(out[0]).toBe('Current partition replica assignment')
    expect(JSON.parse(out[2]!)).toEqual(current)
    expect(out[4]).toBe('Save this to use as the --reassignment-json-file option during rollback')
    expect(out[5]).toBe('Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.')
    expect(out[6]).toBe('The inter-broker throttle limit was set to 3000000 B/s')
    expect(out[7]).toBe(`Successfully started partition reassignments for ${TOPIC}-0,${TOPIC}-1,${TOPIC}-2,${TOPIC}-3`)

    // Straight after --execute the moves are usually running: exit 3 and Kafka's in-progress line.
    const early = await reassign('--verify', '--reassignment-json-file', planFile)
    expect([0, 3]).toContain(early.code)
    if (early.code === 3) {
      expect(early.stdout).toMatch(/^Reassignment of partition orders-\d is still in progress\.$/m)
      expect(early.stdout).not.toMatch(/Clearing/)
    }

    const waited = await reassign('--verify', '--reassignment-json-file', planFile, '--wait', '--timeout', '60s')
    producing = false
    await writer
    await producer.disconnect()
    expect(waited.stderr).toBe('')
    expect(waited.code).toBe(0)
    expect(waited.stdout).toBe(
      [
        'Status of partition reassignment:',
        ...[0, 1, 2, 3].map((p) => `Reassignment of partition ${TOPIC}-${p} is completed.`),
        '',
        'Clearing broker-level throttles on brokers 1,2,3,4',
        `Clearing topic-level throttles on topic ${TOPIC}`,
        '',
      ].join('\n'),
    )

    const after = await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, 'orders fully replicated after the move')
    expect(after.map((p) => p.replicas)).toEqual(proposal.partitions.map((p) => p.replicas))
    expect(after.some((p) => p.replicas.includes(4))).toBe(true)
    const done = await reassign('--verify', '--reassignment-json-file', planFile)
    expect(done.code).toBe(0)

    // Every record, read again from the beginning by a new group, is the one written.
    const reader = kafka.consumer({groupId: 'reassign-reader', maxWaitTimeInMs: 200})
    await reader.connect()
    await reader.subscribe({topic: TOPIC, fromBeginning: true})
    const reread = new Map<string, string>()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const missing = [...produced.keys()].filter((k) => !reread.has(k))
        void readEnds(kafka).then((ends) => describeTopic(cluster.brokers, TOPIC).then((view) => {
          const seenMissing = missing.map((k) => [...seen].filter(([, m]) => [...m.values()].includes(k)).map(([p, m]) => `${p}@${[...m].find(([, v]) => v === k)![0]}`))
          reject(new Error(`read ${reread.size} of ${produced.size} records; missing ${missing.join(',')} seen by the watcher at ${JSON.stringify(seenMissing)}; ends ${JSON.stringify([...ends])}; ${JSON.stringify(view)}`))
        }))
      }, 15_000)
      void reader.run({
        eachMessage: async ({message}) => {
          reread.set(message.key!.toString(), message.value!.toString())
          if (reread.size === produced.size) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
    await reader.disconnect()
    expect(reread).toEqual(produced)

    // The group that read throughout the move got every record, and every offset of each partition
    // (a producer retry during a leader change may write a record twice: offsets, not records, are counted).
    const seenKeys = () => new Set([...seen.values()].flatMap((m) => [...m.values()]))
    const deadline = Date.now() + 30_000
    while (seenKeys().size < produced.size && Date.now() < deadline) await sleep(200)
    expect(seenKeys()).toEqual(new Set(produced.keys()))
    const ends = await readEnds(kafka)
    for (const [partition, offsets] of seen) {
      const sorted = [...offsets.keys()].map(Number).sort((a, b) => a - b)
      expect(sorted).toEqual(Array.from({length: ends.get(partition)!}, (_, i) => i))
    }
  }, 150_000)

  it('a throttled slow move is listed, verified as moving (exit 3), and --cancel puts it back and removes the throttles', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({waitForLeaders: true, topics: [{topic: 'slow', replicaAssignment: [{partition: 0, replicas: [1]}]}]})
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    for (let i = 0; i < 10; i++) await producer.send({topic: 'slow', acks: -1, messages: Array.from({length: 100}, (_, j) => ({key: `s-${i}-${j}`, value: VALUE_PAD}))})
    await producer.disconnect()

    const planFile = join(dir, 'slow.json')
    writeFileSync(planFile, JSON.stringify({version: 1, partitions: [{topic: 'slow', partition: 0, replicas: [4], log_dirs: ['any']}]}))
    const executed = await reassign('--execute', '--reassignment-json-file', planFile, '--throttle', '20000')
    expect(executed.code).toBe(0)
    expect(executed.stdout).toMatch(/^Successfully started partition reassignment for slow-0$/m)

    const listed = await reassign('--list')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toBe('Current partition reassignments:\nslow-0: replicas: 4,1. adding: 4. removing: 1.\n')
    const listedJson = await reassign('--list', '--output', 'json')
    expect(JSON.parse(listedJson.stdout)).toEqual({reassignments: [{topic: 'slow', partition: 0, replicas: [4, 1], addingReplicas: [4], removingReplicas: [1]}]})

    // Another reassignment is refused while this one runs, with Kafka's message.
    const refused = await reassign('--execute', '--reassignment-json-file', planFile)
    expect(refused.code).toBe(1)
    expect(refused.stderr).not.toMatch(NO_STACK)
    expect(refused.stderr.trim()).toBe(
      'Error: Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.',
    )

    const moving = await reassign('--verify', '--reassignment-json-file', planFile, '--output', 'json')
    expect(moving.code).toBe(3)
    expect(JSON.parse(moving.stdout)).toMatchObject({outcome: 'in-progress', partitions: [{topic: 'slow', partition: 0, status: 'in-progress', targetReplicas: [4]}], throttlesCleared: null})
    const timedOut = await reassign('--verify', '--reassignment-json-file', planFile, '--wait', '--timeout', '1500ms')
    expect(timedOut.code).toBe(3)
    expect(timedOut.stdout).toMatch(/^Reassignment of partition slow-0 is still in progress\.$/m)
    expect(timedOut.stderr.trim()).toBe('Error: Timed out after 1500ms with partitions still moving')

    const cancelled = await reassign('--cancel', '--reassignment-json-file', planFile)
    expect(cancelled.stderr).toBe('')
    expect(cancelled.code).toBe(0)
    expect(cancelled.stdout).toBe(
      [
        'Successfully cancelled partition reassignment for: slow-0',
        'None of the specified partition moves are active.Clearing broker-level throttles on brokers 1,2,3,4',
        'Clearing topic-level throttles on topic slow',
        '',
      ].join('\n'),
    )
    expect((await reassign('--list')).stdout).toBe('No partition reassignments found.\n')
    const view = await describeTopic(cluster.brokers, 'slow')
    expect(view![0]!.replicas).toEqual([1])
    const configs = await runCli(['configs', '--bootstrap-server', cluster.bootstrapServers, '--describe', '--topic', 'slow'])
    expect(configs.stdout).not.toMatch(/throttled/)
    const brokerConfigs = await runCli(['configs', '--bootstrap-server', cluster.bootstrapServers, '--describe', '--broker', '4'])
    expect(brokerConfigs.stdout).not.toMatch(/throttled/)
    // The file no longer matches the cluster: --verify says so and exits 1.
    const after = await reassign('--verify', '--reassignment-json-file', planFile, '--preserve-throttles')
    expect(after.code).toBe(1)
    expect(after.stdout).toMatch(/^There is no active reassignment of partition slow-0, but replica set is 1 rather than 4\.$/m)
    expect(after.stderr.trim()).toBe('Error: Reassignment failed: partition slow-0 ended on other replicas than the file names')
  }, 90_000)

  it('refuses bad files with one line each', async () => {
    const cases: Array<[string, string]> = [
      ['{"version":1,"partitions":[{"topic":"nope","partition":0,"replicas":[1]}]}', 'Error: Topic nope not found.'],
      ['{"version":1,"partitions":[{"topic":"orders","partition":9,"replicas":[1]}]}', 'Error: Unable to find partition: orders-9'],
      ['{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[1,9]}]}', 'Error: Unknown broker id 9'],
      ['{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[1,1]}]}', 'Error: Partition replica lists may not contain duplicate entries: orders-0 contains multiple entries for 1'],
      ['{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[]}]}', 'Error: Partition replica list cannot be empty'],
      ['{"version":3,"partitions":[]}', 'Error: Not supported version field value 3'],
    ]
    for (const [i, [json, message]] of cases.entries()) {
      const file = join(dir, `bad-${i}.json`)
      writeFileSync(file, json)
      const r = await reassign('--execute', '--reassignment-json-file', file)
      expect(r.code, json).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim()).toBe(message)
    }
    // --disallow-replication-factor-change: the partition that would change is refused with Kafka's block.
    const shrink = join(dir, 'shrink.json')
    const view = await describeTopic(cluster.brokers, TOPIC)
    writeFileSync(shrink, JSON.stringify({version: 1, partitions: [{topic: TOPIC, partition: 0, replicas: [view![0]!.replicas[0]]}]}))
    const refused = await reassign('--execute', '--reassignment-json-file', shrink, '--disallow-replication-factor-change')
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(/^Save this to use as the --reassignment-json-file option during rollback$/m)
    expect(refused.stderr).toBe(`Error: Error reassigning partition(s):\n${TOPIC}-0: The replication factor is changed from 2 to 1\n`)
    expect((await describeTopic(cluster.brokers, TOPIC))![0]!.replicas).toEqual(view![0]!.replicas)

    const mixed = await reassign('--generate', '--execute')
    expect(mixed.code).toBe(2)
    expect(mixed.stderr.trim()).toBe('Error: Command must include exactly one action: --generate, --execute, --verify, --cancel, --list (see: tskafka reassign --help)')
  }, 60_000)
})
