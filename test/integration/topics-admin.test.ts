// CreateTopics, DeleteTopics and CreatePartitions against an in-process broker, driven by kafkajs
// (a real client), with Kafka's error codes and messages; and the metadata surviving a restart.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel, type Admin} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../../src/index.js'
import {API_KEY, type CreatePartitionsResponse, type CreateTopicsResponse, type DeleteTopicsResponse} from '../../src/protocol/generated/index.js'
import {ZERO_UUID} from '../../src/protocol/primitives.js'
import {WireClient} from '../helpers/wire-client.js'

/** CreateTopics v7 over the wire, so the test sees Kafka's error code and message as sent. */
async function createTopicRaw(port: number, topic: {name: string; numPartitions?: number; replicationFactor?: number}, validateOnly = false) {
  const c = await WireClient.connect(port)
  try {
    const {body} = await c.request<CreateTopicsResponse>(API_KEY.CreateTopics, 7, {
      topics: [{name: topic.name, numPartitions: topic.numPartitions ?? -1, replicationFactor: topic.replicationFactor ?? -1, assignments: [], configs: []}],
      timeoutMs: 10000,
      validateOnly,
    })
    return body.topics[0]!
  } finally {
    c.close()
  }
}

const kafka = (bootstrap: string) => new Kafka({clientId: 'topics-admin-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 2}})

describe('topic administration', () => {
  let dataDir: string
  let broker: StartedBroker
  let admin: Admin

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tskafka-topics-'))
    broker = await startBroker({dataDir, config: {'num.partitions': 2}})
    admin = kafka(broker.bootstrapServers).admin()
    await admin.connect()
  })

  afterAll(async () => {
    await admin?.disconnect()
    await broker?.stop()
    rmSync(dataDir, {recursive: true, force: true})
  })

  it('creates topics with the requested and the default partition counts', async () => {
    expect(await admin.createTopics({topics: [{topic: 'first', numPartitions: 3}, {topic: 'defaults'}], waitForLeaders: true})).toBe(true)
    const meta = await admin.fetchTopicMetadata({topics: ['first', 'defaults']})
    const byName = new Map(meta.topics.map((t) => [t.name, t]))
    expect(byName.get('first')!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2])
    expect(byName.get('defaults')!.partitions).toHaveLength(2)
    for (const p of byName.get('first')!.partitions) {
      expect(p.leader).toBe(broker.nodeId)
      expect(p.replicas).toEqual([broker.nodeId])
      expect(p.isr).toEqual([broker.nodeId])
    }
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['first', 'defaults']))
  })

  it('refuses an existing topic with TOPIC_ALREADY_EXISTS and Kafka message', async () => {
    const r = await createTopicRaw(broker.port, {name: 'first'})
    expect(r.errorCode).toBe(36)
    expect(r.errorMessage).toBe("Topic 'first' already exists.")
  })

  it.each([
    ['an illegal name', {topic: 'bad name!'}, 'INVALID_TOPIC_EXCEPTION'],
    ['a name colliding through . and _', {topic: 'col.lide'}, 'INVALID_TOPIC_EXCEPTION'],
    ['a replication factor above the broker count', {topic: 'rf', replicationFactor: 3}, 'INVALID_REPLICATION_FACTOR'],
    ['an unknown config', {topic: 'cfg', configEntries: [{name: 'no.such.config', value: '1'}]}, 'INVALID_CONFIG'],
    ['a bad config value', {topic: 'cfg2', configEntries: [{name: 'retention.ms', value: 'soon'}]}, 'INVALID_CONFIG'],
  ])('refuses %s', async (_what, topic, type) => {
    if (topic.topic === 'col.lide') await admin.createTopics({topics: [{topic: 'col_lide'}]})
    const err = await admin.createTopics({topics: [topic]}).catch((e) => e)
    expect(err.errors?.[0]?.type ?? err.type).toBe(type)
    expect(await admin.listTopics()).not.toContain(topic.topic)
  })

  it('gives the replication-factor error Kafka 4 gives', async () => {
    const r = await createTopicRaw(broker.port, {name: 'rf3', replicationFactor: 3})
    expect(r.errorCode).toBe(38)
    expect(r.errorMessage).toBe('Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered or some brokers have all their log directories cordoned.')
  })

  it('gives Kafka messages for bad partition counts, replication factors and names', async () => {
    expect(await createTopicRaw(broker.port, {name: 'p0', numPartitions: 0})).toMatchObject({
      errorCode: 37,
      errorMessage: 'Number of partitions was set to an invalid non-positive value.',
    })
    expect(await createTopicRaw(broker.port, {name: 'r0', replicationFactor: 0})).toMatchObject({
      errorCode: 38,
      errorMessage: 'Replication factor must be larger than 0, or -1 to use the default value.',
    })
    expect(await createTopicRaw(broker.port, {name: '..'})).toMatchObject({errorCode: 17})
  })

  it('validateOnly checks without creating, and reports the effective configs', async () => {
    const r = await createTopicRaw(broker.port, {name: 'dry-run', numPartitions: 4}, true)
    expect(r).toMatchObject({errorCode: 0, numPartitions: 4, replicationFactor: 1})
    expect(r.configs!.find((c) => c.name === 'cleanup.policy')).toMatchObject({value: 'delete', configSource: 5})
    expect(await admin.listTopics()).not.toContain('dry-run')
  })

  it('accepts a manual replica assignment and rejects unknown brokers', async () => {
    await admin.createTopics({topics: [{topic: 'manual', replicaAssignment: [{partition: 0, replicas: [broker.nodeId]}, {partition: 1, replicas: [broker.nodeId]}]}]})
    const meta = await admin.fetchTopicMetadata({topics: ['manual']})
    expect(meta.topics[0]!.partitions).toHaveLength(2)
    const err = await admin.createTopics({topics: [{topic: 'manual2', replicaAssignment: [{partition: 0, replicas: [42]}]}]}).catch((e) => e)
    expect(err.errors[0].type).toBe('INVALID_REPLICA_ASSIGNMENT')
  })

  it('adds partitions and refuses a decrease with INVALID_PARTITIONS', async () => {
    await admin.createPartitions({topicPartitions: [{topic: 'first', count: 5}]})
    expect((await admin.fetchTopicMetadata({topics: ['first']})).topics[0]!.partitions).toHaveLength(5)
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<CreatePartitionsResponse>(API_KEY.CreatePartitions, 3, {
      topics: [{name: 'first', count: 2, assignments: null}, {name: 'nope', count: 2, assignments: null}],
      timeoutMs: 1000,
      validateOnly: false,
    })
    c.close()
    expect(body.results).toEqual([
      {name: 'first', errorCode: 37, errorMessage: 'The topic first currently has 5 partition(s); 2 would not be an increase.'},
      {name: 'nope', errorCode: 3, errorMessage: 'This server does not host this topic-partition.'},
    ])
  })

  it('deletes topics by name and by id, with UNKNOWN_TOPIC_ID for an unknown id', async () => {
    await admin.createTopics({topics: [{topic: 'doomed', numPartitions: 2}, {topic: 'doomed2'}]})
    await admin.deleteTopics({topics: ['doomed']})
    expect(await admin.listTopics()).not.toContain('doomed')
    const id = (await createTopicRaw(broker.port, {name: 'doomed3'})).topicId
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<DeleteTopicsResponse>(API_KEY.DeleteTopics, 6, {
      topics: [
        {name: null, topicId: id},
        {name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ'},
        {name: 'doomed', topicId: ZERO_UUID},
      ],
      topicNames: [],
      timeoutMs: 1000,
    })
    c.close()
    const byKey = new Map(body.responses.map((r) => [r.name ?? r.topicId, r]))
    expect(byKey.get('doomed3')).toMatchObject({topicId: id, errorCode: 0})
    expect(byKey.get('AAAAAAAAAAAAAAAAAAAAAQ')).toMatchObject({errorCode: 100})
    expect(byKey.get('doomed')).toMatchObject({errorCode: 3})
    expect(await admin.listTopics()).not.toContain('doomed3')
  })

  it('DescribeTopicPartitions pages through topics with a cursor and reports unknown names', async () => {
    await admin.createTopics({topics: [{topic: 'page-a', numPartitions: 3}, {topic: 'page-b', numPartitions: 2}]})
    const c = await WireClient.connect(broker.port)
    type Answer = {topics: {name: string; errorCode: number; partitions: {partitionIndex: number; leaderId: number}[]}[]; nextCursor: {topicName: string; partitionIndex: number} | null}
    const ask = async (body: unknown) => (await c.request<Answer>(75, 0, body)).body
    const first = await ask({topics: [{name: 'page-b'}, {name: 'page-a'}], responsePartitionLimit: 4, cursor: null})
    expect(first.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([['page-a', [0, 1, 2]], ['page-b', [0]]])
    expect(first.nextCursor).toEqual({topicName: 'page-b', partitionIndex: 1})
    const rest = await ask({topics: [{name: 'page-b'}, {name: 'page-a'}], responsePartitionLimit: 4, cursor: first.nextCursor})
    expect(rest.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([['page-b', [1]]])
    expect(rest.nextCursor).toBeNull()
    const unknown = await ask({topics: [{name: 'no-such-topic'}], responsePartitionLimit: 2000, cursor: null})
    expect(unknown.topics).toMatchObject([{name: 'no-such-topic', errorCode: 3, partitions: []}])
    c.close()
  })

  it('keeps topics, partitions and configs across a restart', async () => {
    await admin.createTopics({topics: [{topic: 'durable', numPartitions: 4, configEntries: [{name: 'retention.ms', value: '123456'}]}]})
    const before = await admin.fetchTopicMetadata({topics: ['durable']})
    await admin.disconnect()
    await broker.stop()
    broker = await startBroker({dataDir, config: {'num.partitions': 2}})
    admin = kafka(broker.bootstrapServers).admin()
    await admin.connect()
    const after = await admin.fetchTopicMetadata({topics: ['durable']})
    expect(after.topics[0]!.partitions).toHaveLength(4)
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['first', 'defaults', 'durable', 'manual']))
    expect(await admin.listTopics()).not.toContain('doomed')
    const ids = async () => (await admin.fetchTopicMetadata({topics: ['durable']})).topics
    expect((await ids())[0]!.name).toBe(before.topics[0]!.name)
  })
})
