// Committed offsets and groups survive a broker restart: the coordinator reloads __consumer_offsets
// and consumers resume where they committed, with no record lost and none repeated (every record
// was committed before the restart). Covered for a kafkajs group (classic protocol) and the Java
// consumer with the consumer protocol (KIP-848). Offsets with a retention time (OffsetCommit
// v2-4) expire, and a simple group left without offsets goes with them.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel, type Admin, type Consumer} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../../src/index.js'
import {API_KEY, type OffsetCommitResponse, type OffsetFetchResponse} from '../../src/protocol/generated/index.js'
import {assertPeers} from '../helpers/peers.js'
import {WireClient} from '../helpers/wire-client.js'
import {startMember, waitFor} from './group-members.js'

const TOPIC = 'restart-t'
const PARTITIONS = 3
const TOTAL = 90

const client = (bs: string) => new Kafka({clientId: 'group-restart-test', brokers: [bs], logLevel: logLevel.NOTHING})

/** A kafkajs member that commits each record before taking the next, and stops after `limit` records. */
async function consumeWithKafkajs(bs: string, group: string, limit: number, seen: Array<{partition: number; offset: number}>): Promise<void> {
  const consumer: Consumer = client(bs).consumer({groupId: group, sessionTimeout: 6000, heartbeatInterval: 500})
  await consumer.connect()
  await consumer.subscribe({topic: TOPIC, fromBeginning: true})
  let started = 0
  let count = 0
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({partition, message}) => {
      if (started >= limit) return
      started++
      seen.push({partition, offset: Number(message.offset)})
      await consumer.commitOffsets([{topic: TOPIC, partition, offset: String(Number(message.offset) + 1)}])
      count++
    },
  })
  await waitFor(`${limit} records`, () => count >= limit, 60_000)
  await consumer.disconnect()
}

describe('groups across a broker restart', () => {
  let dataDir: string
  let broker: StartedBroker
  let admin: Admin

  beforeAll(async () => {
    assertPeers()
    dataDir = mkdtempSync(join(tmpdir(), 'tskafka-group-restart-'))
    broker = await startBroker({dataDir, config: {'offsets.retention.check.interval.ms': 200}})
    admin = client(broker.bootstrapServers).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}], waitForLeaders: true})
    const producer = client(broker.bootstrapServers).producer()
    await producer.connect()
    await producer.send({topic: TOPIC, messages: Array.from({length: TOTAL}, (_, i) => ({partition: i % PARTITIONS, value: `r${i}`}))})
    await producer.disconnect()
  }, 60_000)

  afterAll(async () => {
    await admin?.disconnect()
    await broker?.stop()
    if (dataDir) rmSync(dataDir, {recursive: true, force: true})
  })

  async function restart(): Promise<void> {
    await admin.disconnect()
    await broker.stop()
    broker = await startBroker({dataDir, config: {'offsets.retention.check.interval.ms': 200}})
    admin = client(broker.bootstrapServers).admin()
    await admin.connect()
  }

  async function committed(group: string): Promise<number[]> {
    const [t] = await admin.fetchOffsets({groupId: group, topics: [TOPIC]})
    // -1: nothing committed for the partition yet (the consumer starts it from the beginning).
    return t!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Math.max(0, Number(p.offset)))
  }

  /** The Java consumer (consumer protocol) in the group until it has read at least `atLeast` records; what it read. */
  async function javaConsume(group: string, atLeast: number): Promise<string[]> {
    const m = startMember('java-consumer', {bootstrap: broker.bootstrapServers, topic: TOPIC, group, assignor: 'uniform'})
    try {
      await waitFor(`the Java consumer reading ${atLeast} records`, () => m.state().records >= atLeast, 90_000, [m])
    } finally {
      await m.stop()
    }
    return Object.entries(m.state().consumed).flatMap(([p, offsets]) => offsets.map((o) => `${p}:${o}`))
  }

  it('committed offsets and groups come back, and consumption resumes there without loss', async () => {
    const before: Array<{partition: number; offset: number}> = []
    await consumeWithKafkajs(broker.bootstrapServers, 'restart-kafkajs', 40, before)
    const kafkajsCommitted = await committed('restart-kafkajs')
    expect(kafkajsCommitted.reduce((a, b) => a + b, 0)).toBe(40)
    // It commits everything it read (synchronously, after each poll) before it leaves.
    const javaBefore = await javaConsume('restart-java', 1)
    const javaCommitted = await committed('restart-java')
    expect(javaCommitted.reduce((a, b) => a + b, 0)).toBe(javaBefore.length)

    await restart()

    expect(await committed('restart-kafkajs')).toEqual(kafkajsCommitted)
    expect(await committed('restart-java')).toEqual(javaCommitted)
    const listed = (await admin.listGroups()).groups.map((g) => g.groupId)
    expect(listed).toEqual(expect.arrayContaining(['restart-kafkajs', 'restart-java']))
    const [described] = (await admin.describeGroups(['restart-kafkajs'])).groups
    expect(described).toMatchObject({groupId: 'restart-kafkajs', state: 'Empty', protocolType: 'consumer'})

    // kafkajs resumes at its committed offsets: together the two runs read every record once.
    const after: Array<{partition: number; offset: number}> = []
    await consumeWithKafkajs(broker.bootstrapServers, 'restart-kafkajs', TOTAL - 40, after)
    for (let p = 0; p < PARTITIONS; p++) {
      if (kafkajsCommitted[p] === TOTAL / PARTITIONS) continue
      expect(Math.min(...after.filter((r) => r.partition === p).map((r) => r.offset))).toBe(kafkajsCommitted[p])
    }
    const all = [...before, ...after].map((r) => `${r.partition}:${r.offset}`)
    expect(new Set(all).size).toBe(TOTAL)
    expect(all).toHaveLength(TOTAL)
    expect(await committed('restart-kafkajs')).toEqual([30, 30, 30])

    // The Java consumer (consumer protocol) reads exactly the records it had not committed.
    const javaAfter = await javaConsume('restart-java', TOTAL - javaBefore.length)
    expect(javaAfter).toHaveLength(TOTAL - javaBefore.length)
    expect(new Set([...javaBefore, ...javaAfter]).size).toBe(TOTAL)
    expect(await committed('restart-java')).toEqual([30, 30, 30])
  }, 240_000)

  it('offsets committed with a retention time expire, and their simple group with them', async () => {
    const c = await WireClient.connect(broker.port)
    try {
      const commit = await c.request<OffsetCommitResponse>(API_KEY.OffsetCommit, 2, {
        groupId: 'restart-expiring',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        retentionTimeMs: 300n,
        topics: [{name: TOPIC, partitions: [{partitionIndex: 0, committedOffset: 7n, committedMetadata: 'm'}]}],
      })
      expect(commit.body.topics[0]!.partitions[0]!.errorCode).toBe(0)
      const fetchOffset = async () => {
        const r = await c.request<OffsetFetchResponse>(API_KEY.OffsetFetch, 5, {groupId: 'restart-expiring', topics: [{name: TOPIC, partitionIndexes: [0]}]})
        return r.body.topics[0]!.partitions[0]!.committedOffset
      }
      expect(await fetchOffset()).toBe(7n)
      let offset = 7n
      const deadline = Date.now() + 30_000
      while (offset !== -1n && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100))
        offset = await fetchOffset()
      }
      expect(offset).toBe(-1n)
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId)
      expect(groups).not.toContain('restart-expiring')
    } finally {
      c.close()
    }
  }, 60_000)
})
