// Replication throttles on a 3-broker cluster of broker processes (startCluster), set with Apache
// Kafka's own kafka-configs.sh:
//   - a follower that was down catches up on ~6 MB no faster than
//     leader/follower.replication.throttled.rate allow once the topic names its replicas in
//     leader/follower.replication.throttled.replicas ("*"), whether the rate is set for the
//     broker itself or as the cluster default;
//   - with the throttle configs deleted, the next lag catches up, and the follower's segment is
//     byte-identical to the leader's;
//   - Kafka's kafka-reassign-partitions.sh --execute --throttle moves a ~5 MB partition onto a
//     broker that had no replica at about the throttle, and --verify removes the throttle configs
//     it set once the move is done.
// Only a lower bound on the throttled time is asserted (load only slows things down); the
// measured rate is logged for the record.

import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Produce} from '../../src/client/apis.js'
import {BrokerConnection} from '../../src/client/connection.js'
import {startCluster, type StartedCluster} from '../../src/index.js'
import {encodeRecordBatch} from '../../src/protocol/record-batch.js'
import {sleep, waitForPartitions, type PartitionView} from '../chaos/cluster-probe.js'
import {assertPeers, describeRun, runKafkaTool, type RunResult} from '../helpers/peers.js'

/** Client JVMs that start fast on a small machine. */
const TOOL_ENV = {KAFKA_HEAP_OPTS: '-Xmx256m', KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData'}
const RATE = 1_000_000
const LEADER = 1
const FOLLOWER = 3
const TOPIC = 'throttled'

let cluster: StartedCluster

beforeAll(async () => {
  assertPeers()
  cluster = await startCluster({
    brokers: 3,
    config: {
      'broker.session.timeout.ms': 3000,
      'broker.heartbeat.interval.ms': 500,
      'auto.create.topics.enable': false,
      'auto.leader.rebalance.enable': false,
      'offsets.topic.num.partitions': 1,
    },
  })
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
}, 120_000)

const brokers = () => cluster.brokers
const broker = (id: number) => cluster.brokers.find((b) => b.id === id)!
const bootstrapOf = (id: number) => `${broker(id).host}:${broker(id).port}`

async function kafkaTool(tool: string, args: string[]): Promise<string> {
  const r: RunResult = await runKafkaTool(tool, ['--bootstrap-server', bootstrapOf(LEADER), ...args], {env: TOOL_ENV, timeoutMs: 90_000})
  if (r.code !== 0) throw new Error(describeRun(`${tool} ${args.join(' ')}`, r))
  return r.stdout
}

const kafkaConfigs = (args: string[]) => kafkaTool('kafka-configs', args)

async function createTopic(topic: string, replicas: number[]): Promise<void> {
  const admin = new Kafka({clientId: 'throttle-test', brokers: [bootstrapOf(LEADER)], logLevel: logLevel.NOTHING}).admin()
  await admin.connect()
  try {
    await admin.createTopics({waitForLeaders: true, topics: [{topic, replicaAssignment: [{partition: 0, replicas}]}]})
  } finally {
    await admin.disconnect()
  }
}

/** Appends `bytes` of incompressible records to partition 0 with acks=1, in 100 KB batches. */
async function produce(topic: string, bytes: number): Promise<number> {
  const conn = await BrokerConnection.open({host: broker(LEADER).host, port: broker(LEADER).port, clientId: 'throttle-test', tls: null, sasl: null, connectTimeoutMs: 5000, requestTimeoutMs: 30_000})
  let sent = 0
  try {
    while (sent < bytes) {
      const records = encodeRecordBatch({records: Array.from({length: 10}, () => ({key: null, value: randomBytes(10_000), timestamp: BigInt(Date.now())}))})
      const r = await conn.request(Produce, {transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{name: topic, partitionData: [{index: 0, records}]}]}, 9)
      const code = r.responses[0]!.partitionResponses[0]!.errorCode
      if (code !== 0) throw new Error(`produce answered error ${code}`)
      sent += records.length
    }
  } finally {
    conn.close()
  }
  return sent
}

/** The bytes of a replica's segment files (none while it has no directory). */
function segmentBytes(id: number, topicPartition: string): Buffer {
  const dir = join(cluster.dataDir, `broker-${id}`, 'data', topicPartition)
  if (!existsSync(dir)) return Buffer.alloc(0)
  const files = readdirSync(dir).filter((f) => f.endsWith('.log')).sort()
  return Buffer.concat(files.map((f) => readFileSync(join(dir, f))))
}

function segmentSize(id: number, topicPartition: string): number {
  const dir = join(cluster.dataDir, `broker-${id}`, 'data', topicPartition)
  if (!existsSync(dir)) return 0
  return readdirSync(dir).filter((f) => f.endsWith('.log')).reduce((n, f) => n + statSync(join(dir, f)).size, 0)
}

const isr = (members: number[]) => (ps: PartitionView[]) => ps.length > 0 && ps[0]!.leader === LEADER && [...ps[0]!.isr].sort().join() === [...members].sort().join()

/** Stops the follower, appends `bytes` to the leader alone, and returns how many bytes it missed. */
async function lagFollower(bytes: number): Promise<number> {
  await cluster.stopBroker(FOLLOWER)
  await waitForPartitions(brokers, TOPIC, isr([LEADER]), 30_000, `${TOPIC} ISR without broker ${FOLLOWER}`)
  return produce(TOPIC, bytes)
}

/**
 * Restarts the follower and waits until it is back in the ISR; returns the time from the
 * restart's end, and the sustained rate its segment grew at (after the first fetch's burst).
 */
async function catchUp(timeoutMs: number): Promise<{seconds: number; sustainedRate: number}> {
  await cluster.restartBroker(FOLLOWER)
  const start = Date.now()
  const samples: Array<{t: number; size: number}> = []
  let done = false
  const sampler = (async () => {
    while (!done) {
      samples.push({t: Date.now(), size: segmentSize(FOLLOWER, `${TOPIC}-0`)})
      await sleep(100)
    }
  })()
  try {
    await waitForPartitions(brokers, TOPIC, isr([LEADER, FOLLOWER]), timeoutMs, `broker ${FOLLOWER} back in the ISR of ${TOPIC}`)
  } finally {
    done = true
    await sampler
  }
  const seconds = (Date.now() - start) / 1000
  // From the first sample past the first fetch's burst to the last growth.
  const first = samples.find((s) => s.size > samples[0]!.size + 1_100_000)
  // The last sample where the segment grew.
  let last = samples.at(-1)!
  for (let i = samples.length - 1; i > 0; i--) {
    if (samples[i]!.size > samples[i - 1]!.size) {
      last = samples[i]!
      break
    }
  }
  const sustainedRate = first !== undefined && last.t > first.t ? (last.size - first.size) / ((last.t - first.t) / 1000) : NaN
  return {seconds, sustainedRate}
}

describe('replication throttles (kafka-configs.sh)', () => {
  it('a lagging follower catches up no faster than the throttle; without it, at once and byte-identical', async () => {
    await createTopic(TOPIC, [LEADER, FOLLOWER])
    await waitForPartitions(brokers, TOPIC, isr([LEADER, FOLLOWER]), 30_000, `${TOPIC} fully replicated`)

    const missed = await lagFollower(6_000_000)
    // The rate per broker on the leader, as the cluster default for the follower (down now:
    // a per-broker change goes to the broker itself).
    const rates = `leader.replication.throttled.rate=${RATE},follower.replication.throttled.rate=${RATE}`
    await kafkaConfigs(['--entity-type', 'brokers', '--entity-name', String(LEADER), '--alter', '--add-config', rates])
    await kafkaConfigs(['--entity-type', 'brokers', '--entity-default', '--alter', '--add-config', rates])
    await kafkaConfigs(['--entity-type', 'topics', '--entity-name', TOPIC, '--alter', '--add-config', 'leader.replication.throttled.replicas=*,follower.replication.throttled.replicas=*'])
    const described = await kafkaConfigs(['--entity-type', 'topics', '--entity-name', TOPIC, '--describe'])
    expect(described).toContain('leader.replication.throttled.replicas=*')
    expect(described).toContain('follower.replication.throttled.replicas=*')

    const throttled = await catchUp(90_000)
    const expectedSeconds = missed / RATE
    console.log(
      `throttled catch-up: ${(missed / 1e6).toFixed(2)} MB in ${throttled.seconds.toFixed(2)} s = ${(missed / throttled.seconds / 1e6).toFixed(2)} MB/s overall, ` +
        `${(throttled.sustainedRate / 1e6).toFixed(2)} MB/s sustained, throttle ${(RATE / 1e6).toFixed(2)} MB/s`,
    )
    expect(throttled.seconds).toBeGreaterThanOrEqual(0.5 * expectedSeconds)
    expect(segmentBytes(FOLLOWER, `${TOPIC}-0`).equals(segmentBytes(LEADER, `${TOPIC}-0`))).toBe(true)

    await kafkaConfigs(['--entity-type', 'topics', '--entity-name', TOPIC, '--alter', '--delete-config', 'leader.replication.throttled.replicas,follower.replication.throttled.replicas'])
    const names = 'leader.replication.throttled.rate,follower.replication.throttled.rate'
    await kafkaConfigs(['--entity-type', 'brokers', '--entity-name', String(LEADER), '--alter', '--delete-config', names])
    await kafkaConfigs(['--entity-type', 'brokers', '--entity-default', '--alter', '--delete-config', names])

    const missedAgain = await lagFollower(6_000_000)
    const free = await catchUp(60_000)
    console.log(`unthrottled catch-up: ${(missedAgain / 1e6).toFixed(2)} MB in ${free.seconds.toFixed(2)} s = ${(missedAgain / free.seconds / 1e6).toFixed(2)} MB/s`)
    const leaderLog = segmentBytes(LEADER, `${TOPIC}-0`)
    expect(leaderLog.length).toBe(missed + missedAgain)
    expect(segmentBytes(FOLLOWER, `${TOPIC}-0`).equals(leaderLog)).toBe(true)
  }, 240_000)

  it('kafka-reassign-partitions.sh --throttle moves a partition at about the throttle; --verify removes the throttles', async () => {
    const topic = 'moving'
    const target = 2
    await createTopic(topic, [LEADER])
    const bytes = await produce(topic, 5_000_000)
    const original = segmentBytes(LEADER, `${topic}-0`)
    expect(segmentSize(target, `${topic}-0`)).toBe(0)

    const dir = mkdtempSync(join(tmpdir(), 'throttle-reassign-'))
    try {
      const file = join(dir, 'reassignment.json')
      writeFileSync(file, JSON.stringify({version: 1, partitions: [{topic, partition: 0, replicas: [target], log_dirs: ['any']}]}))
      // The new replica's segment, sampled from before the tool starts until the move is done.
      const samples: Array<{t: number; size: number}> = []
      let done = false
      const sampler = (async () => {
        while (!done) {
          samples.push({t: Date.now(), size: segmentSize(target, `${topic}-0`)})
          await sleep(100)
        }
      })()
      try {
        const executed = await kafkaTool('kafka-reassign-partitions', ['--reassignment-json-file', file, '--execute', '--throttle', String(RATE)])
        expect(executed).toContain(`The inter-broker throttle limit was set to ${RATE} B/s`)
        expect(executed).toContain(`Successfully started partition reassignment for ${topic}-0`)
        await waitForPartitions(brokers, topic, (ps) => ps.length > 0 && ps[0]!.replicas.join() === String(target) && ps[0]!.leader === target, 90_000, `${topic} moved to broker ${target}`)
      } finally {
        done = true
        await sampler
      }
      // From the first bytes on the new replica to the last.
      const first = samples.find((x) => x.size > 0)
      let last = samples.at(-1)!
      for (let i = samples.length - 1; i > 0; i--) {
        if (samples[i]!.size > samples[i - 1]!.size) {
          last = samples[i]!
          break
        }
      }
      expect(first).toBeDefined()
      const seconds = Math.max(0.1, (last.t - first!.t) / 1000)
      console.log(`throttled reassignment: ${(bytes / 1e6).toFixed(2)} MB moved in ${seconds.toFixed(2)} s = ${(bytes / seconds / 1e6).toFixed(2)} MB/s, throttle ${(RATE / 1e6).toFixed(2)} MB/s`)
      // The first fetch may take one replica.fetch.max.bytes at once (the rate's first window).
      expect(seconds).toBeGreaterThanOrEqual(0.5 * ((bytes - 1_048_576) / RATE))
      expect(segmentBytes(target, `${topic}-0`).equals(original)).toBe(true)

      const verified = await kafkaTool('kafka-reassign-partitions', ['--reassignment-json-file', file, '--verify'])
      expect(verified).toContain(`Reassignment of partition ${topic}-0 is completed.`)
      expect(verified).toContain('Clearing broker-level throttles on brokers')
      expect(verified).toContain(`Clearing topic-level throttles on topic ${topic}`)
      const topicConfigs = await kafkaConfigs(['--entity-type', 'topics', '--entity-name', topic, '--describe'])
      expect(topicConfigs).not.toContain('replication.throttled.replicas')
      for (const id of [LEADER, target]) {
        const brokerConfigs = await kafkaConfigs(['--entity-type', 'brokers', '--entity-name', String(id), '--describe'])
        expect(brokerConfigs).not.toContain('replication.throttled.rate')
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }, 240_000)
})
