// What the group coordinator writes to __consumer_offsets is what Kafka writes: after a classic
// group, a consumer-protocol group, offset commits, an offset deletion and a group deletion,
// Apache Kafka's kafka-dump-log --offsets-decoder reads our segments, and Kafka's own record
// deserializer (scripts/peers/java/OffsetsRecords.java decode) reads every record to the same
// values our decoder reads.
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {partitionForGroup} from '../../src/group/partitioner.js'
import {decodeRecord} from '../../src/group/records.js'
import {startBroker} from '../../src/index.js'
import {decodeRecordBatch, iterateBatches} from '../../src/protocol/record-batch.js'
import {assertPeers, describeRun, runJava, runKafkaTool} from '../helpers/peers.js'

const CLASSIC = 'log-classic'
const CONSUMER = 'log-consumer'
const SIMPLE = 'log-simple'

describe('__consumer_offsets as Kafka reads it', () => {
  let dataDir: string

  beforeAll(async () => {
    assertPeers()
    dataDir = mkdtempSync(join(tmpdir(), 'tskafka-group-log-'))
    const broker = await startBroker({dataDir})
    const bs = broker.bootstrapServers
    const kafka = new Kafka({clientId: 'group-log-test', brokers: [bs], logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    try {
      await admin.connect()
      await admin.createTopics({topics: [{topic: 'log-t', numPartitions: 3}], waitForLeaders: true})
      const producer = kafka.producer()
      await producer.connect()
      await producer.send({topic: 'log-t', messages: Array.from({length: 30}, (_, i) => ({partition: i % 3, value: `v${i}`}))})
      await producer.disconnect()
      for (const [group, protocol] of [
        [CLASSIC, 'classic'],
        [CONSUMER, 'consumer'],
      ]) {
        const r = await runKafkaTool(
          'kafka-console-consumer',
          ['--bootstrap-server', bs, '--topic', 'log-t', '--group', group!, '--from-beginning', '--max-messages', '30', '--consumer-property', `group.protocol=${protocol}`],
          {timeoutMs: 90_000},
        )
        if (r.code !== 0) throw new Error(describeRun('kafka-console-consumer', r))
      }
      // A simple group (offsets without membership), one offset deleted, then the whole group deleted.
      await admin.setOffsets({groupId: SIMPLE, topic: 'log-t', partitions: [0, 1, 2].map((partition) => ({partition, offset: '5'}))})
      const del = await runKafkaTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--delete-offsets', '--group', CLASSIC, '--topic', 'log-t:2'], {timeoutMs: 60_000})
      if (del.code !== 0) throw new Error(describeRun('kafka-consumer-groups --delete-offsets', del))
      await admin.deleteGroups([SIMPLE])
    } finally {
      await admin.disconnect()
      await broker.stop()
    }
  }, 240_000)

  afterAll(() => {
    if (dataDir) rmSync(dataDir, {recursive: true, force: true})
  })

  function segmentsOf(group: string): string[] {
    const dir = join(dataDir, `__consumer_offsets-${partitionForGroup(group, 50)}`)
    return readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => join(dir, f))
  }

  function recordsOf(group: string): Array<{key: Buffer; value: Buffer | null}> {
    const out: Array<{key: Buffer; value: Buffer | null}> = []
    for (const file of segmentsOf(group)) {
      for (const entry of iterateBatches(readFileSync(file))) {
        for (const r of decodeRecordBatch(entry.bytes).records) out.push({key: Buffer.from(r.key!), value: r.value === null ? null : Buffer.from(r.value)})
      }
    }
    return out
  }

  it('kafka-dump-log --offsets-decoder reads every record of our segments', async () => {
    for (const group of [CLASSIC, CONSUMER, SIMPLE]) {
      for (const file of segmentsOf(group)) {
        const r = await runKafkaTool('kafka-dump-log', ['--offsets-decoder', '--files', file], {timeoutMs: 60_000})
        expect(r.code, describeRun('kafka-dump-log', r)).toBe(0)
        expect(r.stdout).not.toMatch(/[Ee]xception|Could not|isvalid: false/)
        expect(r.stdout).toContain(group === CONSUMER ? `"groupId":"${group}"` : `"group":"${group}"`)
      }
    }
    const classic = (await runKafkaTool('kafka-dump-log', ['--offsets-decoder', '--files', segmentsOf(CLASSIC)[0]!])).stdout
    expect(classic).toContain(`key: {"type":"2","data":{"group":"${CLASSIC}"}} payload: {"version":"3","data":{"protocolType":"consumer"`)
    expect(classic).toContain(`key: {"type":"1","data":{"group":"${CLASSIC}","topic":"log-t","partition":0}} payload: {"version":"3","data":{"offset":10,`)
    // The deleted offset is a tombstone.
    expect(classic).toContain(`key: {"type":"1","data":{"group":"${CLASSIC}","topic":"log-t","partition":2}} payload: <DELETE>`)
    const consumer = (await runKafkaTool('kafka-dump-log', ['--offsets-decoder', '--files', segmentsOf(CONSUMER)[0]!])).stdout
    for (const type of [1, 3, 5, 6, 7, 8]) expect(consumer).toContain(`key: {"type":"${type}","data":{"group`)
    const simple = (await runKafkaTool('kafka-dump-log', ['--offsets-decoder', '--files', segmentsOf(SIMPLE)[0]!])).stdout
    expect(simple).toContain(`key: {"type":"2","data":{"group":"${SIMPLE}"}} payload: <DELETE>`)
  }, 120_000)

  it("Kafka's record deserializer reads every record as we do", async () => {
    const records = [CLASSIC, CONSUMER, SIMPLE].flatMap((g) => recordsOf(g))
    expect(records.length).toBeGreaterThan(10)
    const input = records.map((r) => `${r.key.toString('hex')} ${r.value === null ? 'null' : r.value.toString('hex')}`).join('\n') + '\n'
    const run = await runJava('OffsetsRecords.java', ['decode'], {input, timeoutMs: 60_000})
    expect(run.code, describeRun('OffsetsRecords decode', run)).toBe(0)
    const kafkaView = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: number; key: Record<string, unknown>; valueVersion: number; value: Record<string, unknown> | null})
    expect(kafkaView).toHaveLength(records.length)
    records.forEach((r, i) => {
      const ours = decodeRecord(r.key, r.value)
      const theirs = kafkaView[i]!
      const {type, value, ...key} = ours as {type: string; value: Record<string, unknown> | null} & Record<string, unknown>
      expect(theirs.key, `record ${i}`).toEqual(key)
      expect(theirs.value === null, `record ${i}`).toBe(value === null)
      if (value === null || theirs.value === null) return
      switch (type) {
        case 'OffsetCommit':
          expect(theirs.value.offset).toBe(Number(value.offset))
          expect(theirs.value.metadata).toBe(value.metadata)
          expect(theirs.value.commitTimestamp).toBe(Number(value.commitTimestamp))
          break
        case 'GroupMetadata': {
          expect(theirs.value.generation).toBe(value.generation)
          expect(theirs.value.protocol).toBe(value.protocol)
          expect(theirs.value.leader).toBe(value.leader)
          const members = theirs.value.members as Array<Record<string, unknown>>
          expect(members.map((m) => m.memberId)).toEqual((value.members as Array<{memberId: string}>).map((m) => m.memberId))
          break
        }
        default:
          // Consumer-group records: the same fields and values (bigints do not occur in them).
          expect(theirs.value).toEqual(JSON.parse(JSON.stringify(value)))
      }
    })
  }, 120_000)
})
