// Replication throttle accuracy (npm run bench:throttle): on a three-broker tskafka cluster
// (startCluster: broker processes from the built CLI), a topic with replicas [1, 3] led by broker 1;
// broker 3 is stopped, --seconds worth of data at the throttle rate is written to the leader with acks=1, the leader and follower
// replication throttles are set (leader.replication.throttled.rate and
// follower.replication.throttled.rate as the cluster default, "*" throttled replicas on the
// topic), and broker 3 is started again. The table shows how long it took to rejoin the ISR, the
// rate that makes overall and sustained (the follower's segment growth after the first fetch's
// burst, which Kafka's rate window allows), and each as a ratio of the throttle.
//
// As in Kafka, a fetcher whose throttled partitions are all held back waits
// replica.fetch.backoff.ms (1 s) and a leader holding one back answers after
// replica.fetch.wait.max.ms (500 ms), so short moves land below the rate; the longer the move,
// the closer to it.
//
//   npm run build && npx tsx scripts/bench-throttle.ts [--seconds 8] [--rates 1,2,4] [--data-dir DIR]
//
// --data-dir keeps the cluster's directory (brokers' logs in broker-<id>/broker.log).

import {randomBytes} from 'node:crypto'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {CreateTopics, IncrementalAlterConfigs, Metadata, Produce} from '../src/client/apis.js'
import {BrokerConnection} from '../src/client/connection.js'
import {ConfigResourceType} from '../src/controller/metadata-records.js'
import {startCluster, type StartedCluster} from '../src/index.js'
import {ZERO_UUID} from '../src/protocol/primitives.js'
import {encodeRecordBatch} from '../src/protocol/record-batch.js'

const args = process.argv.slice(2)
function opt(name: string): string | undefined {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const SECONDS = Number(opt('seconds') ?? 8)
const RATES_MB = (opt('rates') ?? '1,2,4').split(',').map(Number)
const DATA_DIR = opt('data-dir')
const LEADER = 1
const FOLLOWER = 3
const SET = 0
const DELETE = 1

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function open(cluster: StartedCluster, id: number): Promise<BrokerConnection> {
  const b = cluster.brokers.find((x) => x.id === id)!
  return BrokerConnection.open({host: b.host, port: b.port, clientId: 'bench-throttle', tls: null, sasl: null, connectTimeoutMs: 5000, requestTimeoutMs: 30_000})
}

async function isr(conn: BrokerConnection, topic: string): Promise<number[]> {
  const r = await conn.request(Metadata, {topics: [{topicId: ZERO_UUID, name: topic}], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false})
  return r.topics[0]?.partitions[0]?.isrNodes ?? []
}

async function waitForIsr(conn: BrokerConnection, topic: string, size: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while ((await isr(conn, topic)).length !== size) {
    if (Date.now() > deadline) throw new Error(`${topic}: the ISR did not reach ${size} replicas in ${timeoutMs} ms`)
    await sleep(100)
  }
}

async function alterConfigs(conn: BrokerConnection, resourceType: number, resourceName: string, configs: Record<string, string | null>): Promise<void> {
  const r = await conn.request(IncrementalAlterConfigs, {
    validateOnly: false,
    resources: [{resourceType, resourceName, configs: Object.entries(configs).map(([name, value]) => ({name, configOperation: value === null ? DELETE : SET, value}))}],
  })
  for (const x of r.responses) if (x.errorCode !== 0) throw new Error(`IncrementalAlterConfigs ${resourceName}: error ${x.errorCode} ${x.errorMessage ?? ''}`)
}

function segmentSize(cluster: StartedCluster, id: number, dirName: string): number {
  const dir = join(cluster.dataDir, `broker-${id}`, 'data', dirName)
  if (!existsSync(dir)) return 0
  return readdirSync(dir).filter((f) => f.endsWith('.log')).reduce((n, f) => n + statSync(join(dir, f)).size, 0)
}

interface Result {
  rateMB: number
  bytes: number
  seconds: number
  overall: number
  sustained: number
}

async function runCase(cluster: StartedCluster, rateMB: number): Promise<Result> {
  const rate = Math.round(rateMB * 1_000_000)
  const topic = `throttle-${rateMB}`
  const leader = await open(cluster, LEADER)
  try {
    const created = await leader.request(CreateTopics, {
      topics: [{name: topic, numPartitions: -1, replicationFactor: -1, assignments: [{partitionIndex: 0, brokerIds: [LEADER, FOLLOWER]}], configs: []}],
      timeoutMs: 30_000,
      validateOnly: false,
    })
    if (created.topics[0]!.errorCode !== 0) throw new Error(`create ${topic}: error ${created.topics[0]!.errorCode}`)
    await waitForIsr(leader, topic, 2, 30_000)
    await cluster.stopBroker(FOLLOWER)
    await waitForIsr(leader, topic, 1, 30_000)
    let bytes = 0
    while (bytes < SECONDS * rate) {
      const records = encodeRecordBatch({records: Array.from({length: 10}, () => ({key: null, value: randomBytes(10_000), timestamp: BigInt(Date.now())}))})
      const r = await leader.request(Produce, {transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{name: topic, partitionData: [{index: 0, records}]}]}, 9)
      if (r.responses[0]!.partitionResponses[0]!.errorCode !== 0) throw new Error(`produce: error ${r.responses[0]!.partitionResponses[0]!.errorCode}`)
      bytes += records.length
    }
    const rates = {'leader.replication.throttled.rate': String(rate), 'follower.replication.throttled.rate': String(rate)}
    await alterConfigs(leader, ConfigResourceType.BROKER, '', rates)
    await alterConfigs(leader, ConfigResourceType.TOPIC, topic, {'leader.replication.throttled.replicas': '*', 'follower.replication.throttled.replicas': '*'})

    await cluster.restartBroker(FOLLOWER)
    const start = Date.now()
    const samples: Array<{t: number; size: number}> = []
    let done = false
    const sampler = (async () => {
      while (!done) {
        samples.push({t: Date.now(), size: segmentSize(cluster, FOLLOWER, `${topic}-0`)})
        await sleep(50)
      }
    })()
    try {
      await waitForIsr(leader, topic, 2, 20 * (bytes / rate) * 1000 + 30_000)
    } finally {
      done = true
      await sampler
    }
    const seconds = (Date.now() - start) / 1000
    // The last growth may have come after the last look.
    samples.push({t: Date.now(), size: segmentSize(cluster, FOLLOWER, `${topic}-0`)})
    const first = samples.find((s) => s.size > samples[0]!.size + 1_100_000)
    // The last sample where the segment grew.
    let last = samples.at(-1)!
    for (let i = samples.length - 1; i > 0; i--) {
      if (samples[i]!.size > samples[i - 1]!.size) {
        last = samples[i]!
        break
      }
    }
    const sustained = first !== undefined && last.t > first.t ? (last.size - first.size) / ((last.t - first.t) / 1000) : NaN

    await alterConfigs(leader, ConfigResourceType.BROKER, '', {'leader.replication.throttled.rate': null, 'follower.replication.throttled.rate': null})
    await alterConfigs(leader, ConfigResourceType.TOPIC, topic, {'leader.replication.throttled.replicas': null, 'follower.replication.throttled.replicas': null})
    return {rateMB, bytes, seconds, overall: bytes / seconds, sustained}
  } finally {
    leader.close()
  }
}

const cluster = await startCluster({
  brokers: 3,
  dataDir: DATA_DIR,
  config: {
    'broker.session.timeout.ms': 3000,
    'broker.heartbeat.interval.ms': 500,
    'auto.create.topics.enable': false,
    'auto.leader.rebalance.enable': false,
    'offsets.topic.num.partitions': 1,
  },
})
const results: Result[] = []
try {
  for (const rateMB of RATES_MB) {
    const r = await runCase(cluster, rateMB)
    results.push(r)
    process.stderr.write(`${rateMB} MB/s done: ${r.seconds.toFixed(2)} s\n`)
  }
} finally {
  await cluster.stop()
}
const f = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(2))
console.log(`catch-up of ${SECONDS} s worth of data at the throttle by a follower that was down, leader and follower throttled (3 brokers, 1 partition)`)
console.log('throttle MB/s   MB moved   seconds   overall MB/s   ratio   sustained MB/s   ratio')
for (const r of results) {
  console.log(
    [
      f(r.rateMB).padStart(12),
      f(r.bytes / 1e6).padStart(10),
      f(r.seconds).padStart(9),
      f(r.overall / 1e6).padStart(14),
      f(r.overall / 1e6 / r.rateMB).padStart(7),
      f(r.sustained / 1e6).padStart(16),
      f(r.sustained / 1e6 / r.rateMB).padStart(7),
    ].join(' '),
  )
}
