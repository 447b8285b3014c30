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
// And on in-process brokers, where the quotas themselves can be looked at:
//   - the configs reach every broker: a broker's own rate over the cluster default, the
//     "partition:broker" lists per side, all gone again when deleted;
//   - a follower in the ISR is never held back (acks=all goes on under a 1 B/s throttle), though
//     its bytes count against the quota;
//   - either side alone holds back a follower out of the ISR, until the throttle is lifted.
// Only a lower bound on the throttled time is asserted (load only slows things down); the
// measured rate is logged for the record.

import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {IncrementalAlterConfigs, Produce} from '../../src/client/apis.js'
import {BrokerConnection} from '../../src/client/connection.js'
import {ConfigResourceType} from '../../src/controller/metadata-records.js'
import {startCluster, type StartedCluster} from '../../src/index.js'
import {encodeRecordBatch} from '../../src/protocol/record-batch.js'
import {sleep, waitForPartitions, type PartitionView} from '../chaos/cluster-probe.js'
import {assertPeers, describeRun, runKafkaTool, type RunResult} from '../helpers/peers.js'
import {InProcessCluster, waitFor} from './replication-helpers.js'

/** Client JVMs that start fast on a small machine. */
const TOOL_ENV = {KAFKA_HEAP_OPTS: '-Xmx256m', KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData'}
const RATE = 1_000_000
const LEADER = 1
const FOLLOWER = 3
const TOPIC = 'throttled'

let cluster: StartedCluster

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

interface SizeSample {
  t: number
  size: number
}

/** Samples a replica's segment size every 100 ms until `until` settles. */
async function sampleSegment<T>(id: number, topicPartition: string, until: () => Promise<T>): Promise<{result: T; samples: SizeSample[]}> {
  const samples: SizeSample[] = []
  let done = false
  const sampler = (async () => {
    while (!done) {
      samples.push({t: Date.now(), size: segmentSize(id, topicPartition)})
      await sleep(100)
    }
  })()
  try {
    const result = await until()
    done = true
    await sampler
    // The last growth may have come after the last look.
    samples.push({t: Date.now(), size: segmentSize(id, topicPartition)})
    return {result, samples}
  } finally {
    done = true
    await sampler
  }
}

/**
 * How long a replica's segment took to grow: from the last look before it grew to the last look
 * at which it had grown (a stalled sampler can only make that longer), and the rate after the
 * first fetch's burst (which the rate's first window lets through, as in Kafka).
 */
function growth(samples: readonly SizeSample[]): {moveSeconds: number; sustainedRate: number} {
  const firstGrowth = samples.findIndex((s, i) => i > 0 && s.size > samples[i - 1]!.size)
  let lastGrowth = -1
  for (let i = samples.length - 1; i > 0; i--) {
    if (samples[i]!.size > samples[i - 1]!.size) {
      lastGrowth = i
      break
    }
  }
  if (firstGrowth < 0) return {moveSeconds: 0, sustainedRate: NaN}
  const start = samples[firstGrowth - 1]!
  const last = samples[lastGrowth]!
  const afterBurst = samples.find((s) => s.size > start.size + 1_100_000)
  const sustainedRate = afterBurst !== undefined && last.t > afterBurst.t ? (last.size - afterBurst.size) / ((last.t - afterBurst.t) / 1000) : NaN
  return {moveSeconds: (last.t - start.t) / 1000, sustainedRate}
}

/** Restarts the follower and waits until it is back in the ISR, watching its segment grow. */
async function catchUp(timeoutMs: number): Promise<{moveSeconds: number; sustainedRate: number}> {
  const {samples} = await sampleSegment(FOLLOWER, `${TOPIC}-0`, async () => {
    await cluster.restartBroker(FOLLOWER)
    await waitForPartitions(brokers, TOPIC, isr([LEADER, FOLLOWER]), timeoutMs, `broker ${FOLLOWER} back in the ISR of ${TOPIC}`)
  })
  return growth(samples)
}

describe('replication throttles on broker processes (kafka-configs.sh, kafka-reassign-partitions.sh)', () => {
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
    console.log(
      `throttled catch-up: ${(missed / 1e6).toFixed(2)} MB in ${throttled.moveSeconds.toFixed(2)} s = ${(missed / throttled.moveSeconds / 1e6).toFixed(2)} MB/s overall, ` +
        `${(throttled.sustainedRate / 1e6).toFixed(2)} MB/s after the first fetch, throttle ${(RATE / 1e6).toFixed(2)} MB/s`,
    )
    // The first fetch (up to replica.fetch.max.bytes) may pass at once; the rest waits for the rate.
    expect(throttled.moveSeconds).toBeGreaterThanOrEqual(0.5 * ((missed - 1_048_576) / RATE))
    expect(segmentBytes(FOLLOWER, `${TOPIC}-0`).equals(segmentBytes(LEADER, `${TOPIC}-0`))).toBe(true)

    await kafkaConfigs(['--entity-type', 'topics', '--entity-name', TOPIC, '--alter', '--delete-config', 'leader.replication.throttled.replicas,follower.replication.throttled.replicas'])
    const names = 'leader.replication.throttled.rate,follower.replication.throttled.rate'
    await kafkaConfigs(['--entity-type', 'brokers', '--entity-name', String(LEADER), '--alter', '--delete-config', names])
    await kafkaConfigs(['--entity-type', 'brokers', '--entity-default', '--alter', '--delete-config', names])

    const missedAgain = await lagFollower(6_000_000)
    const free = await catchUp(60_000)
    console.log(`unthrottled catch-up: ${(missedAgain / 1e6).toFixed(2)} MB in ${free.moveSeconds.toFixed(2)} s (as sampled every 100 ms)`)
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
      const {samples} = await sampleSegment(target, `${topic}-0`, async () => {
        const executed = await kafkaTool('kafka-reassign-partitions', ['--reassignment-json-file', file, '--execute', '--throttle', String(RATE)])
        expect(executed).toContain(`The inter-broker throttle limit was set to ${RATE} B/s`)
        expect(executed).toContain(`Successfully started partition reassignment for ${topic}-0`)
        await waitForPartitions(brokers, topic, (ps) => ps.length > 0 && ps[0]!.replicas.join() === String(target) && ps[0]!.leader === target, 90_000, `${topic} moved to broker ${target}`)
      })
      const moved = growth(samples)
      console.log(
        `throttled reassignment: ${(bytes / 1e6).toFixed(2)} MB moved in ${moved.moveSeconds.toFixed(2)} s = ${(bytes / moved.moveSeconds / 1e6).toFixed(2)} MB/s overall, ` +
          `${(moved.sustainedRate / 1e6).toFixed(2)} MB/s after the first fetch, throttle ${(RATE / 1e6).toFixed(2)} MB/s`,
      )
      expect(moved.moveSeconds).toBeGreaterThanOrEqual(0.5 * ((bytes - 1_048_576) / RATE))
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

describe('replication throttles on in-process brokers (the quotas as each broker holds them)', () => {
  // Broker 1 is the controller; the topics live on brokers 2 (leader) and 3 (follower).
  let local: InProcessCluster
  const L = 2
  const F = 3

  beforeAll(async () => {
    local = await InProcessCluster.start({
      brokers: 3,
      voters: [1],
      config: {'replica.lag.time.max.ms': '2000', 'auto.leader.rebalance.enable': 'false', 'auto.create.topics.enable': 'false', 'offsets.topic.num.partitions': '1'},
    })
  }, 60_000)

  afterAll(async () => {
    await local?.close()
  }, 60_000)

  async function connectTo(id: number): Promise<BrokerConnection> {
    return BrokerConnection.open({host: '127.0.0.1', port: local.broker(id).port, clientId: 'throttle-test', tls: null, sasl: null, connectTimeoutMs: 5000, requestTimeoutMs: 30_000})
  }

  /** IncrementalAlterConfigs SET (a value) or DELETE (null), sent to `via`. */
  async function alter(via: number, resourceType: number, resourceName: string, configs: Record<string, string | null>): Promise<void> {
    const conn = await connectTo(via)
    try {
      const r = await conn.request(IncrementalAlterConfigs, {
        validateOnly: false,
        resources: [{resourceType, resourceName, configs: Object.entries(configs).map(([name, value]) => ({name, configOperation: value === null ? 1 : 0, value}))}],
      })
      expect(r.responses.map((x) => [x.errorCode, x.errorMessage])).toEqual([[0, null]])
    } finally {
      conn.close()
    }
  }

  async function create(topic: string, assignments: number[][]): Promise<void> {
    const admin = new Kafka({clientId: 'throttle-test', brokers: local.bootstrapServers.split(','), logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    try {
      await admin.createTopics({waitForLeaders: true, topics: [{topic, replicaAssignment: assignments.map((replicas, partition) => ({partition, replicas}))}]})
    } finally {
      await admin.disconnect()
    }
    await waitFor(() => local.running().every((b) => b.state.topic(topic)), `${topic} on every broker`)
  }

  /** Appends `bytes` of 100 KB batches to partition 0 on the leader; every answer must be NONE. */
  async function append(topic: string, bytes: number, acks: number): Promise<void> {
    const conn = await connectTo(L)
    try {
      for (let sent = 0; sent < bytes; ) {
        const records = encodeRecordBatch({records: Array.from({length: 10}, () => ({key: null, value: randomBytes(10_000), timestamp: BigInt(Date.now())}))})
        const r = await conn.request(Produce, {transactionalId: null, acks, timeoutMs: 10_000, topicData: [{name: topic, partitionData: [{index: 0, records}]}]}, 9)
        expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0)
        sent += records.length
      }
    } finally {
      conn.close()
    }
  }

  const partitionOn = (id: number, topic: string) => local.broker(id).replicaManager.getPartition(topic, 0)!
  const quotas = (id: number) => ({leader: local.broker(id).replicaManager.leaderQuota, follower: local.broker(id).replicaManager.followerQuota})
  const RATES = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'] as const
  const LISTS = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'] as const
  const BROKER = ConfigResourceType.BROKER
  const TOPIC_RESOURCE = ConfigResourceType.TOPIC

  it('rates and throttled-replica lists reach every broker, per broker over the cluster default, and go when deleted', async () => {
    await create('lists', [
      [L, F],
      [F, L],
    ])
    await alter(1, BROKER, '', {[RATES[0]]: '5000000', [RATES[1]]: '6000000'})
    await alter(L, BROKER, String(L), {[RATES[0]]: '1000000'})
    await alter(1, TOPIC_RESOURCE, 'lists', {[LISTS[0]]: `0:${L},1:${F}`, [LISTS[1]]: '*'})
    await waitFor(() => quotas(L).leader.upperBound === 1_000_000 && quotas(F).leader.upperBound === 5_000_000 && quotas(1).follower.upperBound === 6_000_000, 'the rates on every broker')
    expect(quotas(L).follower.upperBound).toBe(6_000_000)
    expect(quotas(1).leader.upperBound).toBe(5_000_000)
    await waitFor(() => quotas(L).leader.isThrottled('lists', 0), 'the lists on every broker')
    await waitFor(() => quotas(F).leader.isThrottled('lists', 1), 'the lists on every broker')
    expect(quotas(L).leader.isThrottled('lists', 1)).toBe(false)
    expect(quotas(F).leader.isThrottled('lists', 0)).toBe(false)
    expect(quotas(1).leader.throttledTopics()).toEqual([])
    for (const id of [1, L, F]) for (const p of [0, 1, 7]) expect(quotas(id).follower.isThrottled('lists', p)).toBe(true)

    await alter(L, BROKER, String(L), {[RATES[0]]: null})
    await waitFor(() => quotas(L).leader.upperBound === 5_000_000, "broker 2's own rate gone: the default applies")
    await alter(1, BROKER, '', {[RATES[0]]: null, [RATES[1]]: null})
    await alter(1, TOPIC_RESOURCE, 'lists', {[LISTS[0]]: null})
    await waitFor(() => [1, L, F].every((id) => quotas(id).leader.upperBound === Infinity && quotas(id).follower.upperBound === Infinity), 'no rates anywhere')
    await waitFor(() => !quotas(L).leader.isThrottled('lists', 0), 'the leader list gone')
    expect(quotas(L).follower.isThrottled('lists', 0)).toBe(true)

    const admin = new Kafka({clientId: 'throttle-test', brokers: local.bootstrapServers.split(','), logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    try {
      await admin.deleteTopics({topics: ['lists']})
    } finally {
      await admin.disconnect()
    }
    await waitFor(() => [1, L, F].every((id) => !quotas(id).follower.throttledTopics().includes('lists')), 'the deleted topic unthrottled')
  }, 60_000)

  it('a follower in the ISR is never held back (acks=all goes on under 1 B/s), and its bytes are counted', async () => {
    await create('in-sync', [[L, F]])
    await alter(1, BROKER, '', {[RATES[0]]: '1', [RATES[1]]: '1'})
    await alter(1, TOPIC_RESOURCE, 'in-sync', {[LISTS[0]]: '*', [LISTS[1]]: '*'})
    await waitFor(() => quotas(L).leader.upperBound === 1 && quotas(F).follower.isThrottled('in-sync', 0), 'the throttle everywhere')
    await waitFor(() => partitionOn(L, 'in-sync').isr.length === 2, 'a full ISR')
    await append('in-sync', 2_000_000, -1)
    expect(partitionOn(L, 'in-sync').isr).toEqual([L, F])
    expect(partitionOn(F, 'in-sync').log.logEndOffset).toBe(partitionOn(L, 'in-sync').log.logEndOffset)
    expect(quotas(L).leader.measuredRate()).toBeGreaterThan(1)
    expect(quotas(F).follower.measuredRate()).toBeGreaterThan(1)
    await alter(1, BROKER, '', {[RATES[0]]: null, [RATES[1]]: null})
  }, 60_000)

  for (const side of ['leader', 'follower'] as const) {
    it(`the ${side} side alone holds back a follower out of the ISR until the throttle is lifted`, async () => {
      const topic = `${side}-only`
      await create(topic, [[L, F]])
      await alter(1, TOPIC_RESOURCE, topic, {[LISTS[0]]: '*', [LISTS[1]]: '*'})
      await local.stopBroker(F)
      await waitFor(() => partitionOn(L, topic).isr.length === 1, `${topic}: broker ${F} out of the ISR`)
      await append(topic, 4_000_000, 1)
      const rate = side === 'leader' ? RATES[0] : RATES[1]
      // 1 B/s: after at most one fetch (replica.fetch.max.bytes) the quota stays exceeded for the window (11 s).
      await alter(1, BROKER, '', {[rate]: '1'})
      await waitFor(() => quotas(side === 'leader' ? L : 1)[side].upperBound === 1, 'the rate applied')
      await local.startBroker(F)
      await waitFor(() => local.broker(F).replicaManager.getPartition(topic, 0), `${topic} on broker ${F}`)
      await sleep(2500)
      const leaderEnd = partitionOn(L, topic).log.logEndOffset
      expect(partitionOn(F, topic).log.logEndOffset).toBeLessThan(leaderEnd)
      expect(partitionOn(L, topic).isr).toEqual([L])
      await alter(1, BROKER, '', {[rate]: null})
      await waitFor(() => partitionOn(L, topic).isr.length === 2, `${topic}: broker ${F} back in the ISR`)
      expect(partitionOn(F, topic).log.logEndOffset).toBe(leaderEnd)
    }, 60_000)
  }
})
