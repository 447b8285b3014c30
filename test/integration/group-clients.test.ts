// Consumer groups against the bundled broker with real clients: three members share a
// 6-partition topic, every partition owned exactly once and every record consumed and committed,
// for each assignor each client has: the Java consumer (classic protocol with range, roundrobin,
// sticky and cooperative-sticky; the consumer protocol of KIP-848 with the server-side uniform
// and range assignors), confluent-kafka (range, roundrobin, cooperative-sticky) and kafkajs
// (roundrobin). Then the group loses a member, by leaving or by dying, and the others take its
// partitions within the session timeout.
import {Kafka, logLevel, type Admin} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../../src/index.js'
import {assertPeers} from '../helpers/peers.js'
import {consumedOffsets, ownedExactlyOnce, startMember, waitFor, type Member, type MemberKind} from './group-members.js'

const PARTITIONS = 6
const RECORDS_PER_PARTITION = 5

describe('consumer groups with real clients', () => {
  let broker: StartedBroker
  let admin: Admin
  let kafka: Kafka
  let topicCounter = 0

  beforeAll(async () => {
    assertPeers()
    broker = await startBroker({
      config: {
        'group.initial.rebalance.delay.ms': 0,
        // Consumer-protocol members time out like the classic ones in these tests.
        'group.consumer.session.timeout.ms': 6000,
        'group.consumer.min.session.timeout.ms': 6000,
        'group.consumer.heartbeat.interval.ms': 500,
      },
    })
    kafka = new Kafka({clientId: 'group-clients-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING})
    admin = kafka.admin()
    await admin.connect()
  })

  afterAll(async () => {
    await admin?.disconnect()
    await broker?.stop()
  })

  async function newTopic(): Promise<string> {
    const topic = `group-clients-${++topicCounter}`
    await admin.createTopics({topics: [{topic, numPartitions: PARTITIONS}], waitForLeaders: true})
    const producer = kafka.producer()
    await producer.connect()
    const messages = []
    for (let p = 0; p < PARTITIONS; p++) for (let i = 0; i < RECORDS_PER_PARTITION; i++) messages.push({partition: p, value: `${p}-${i}`})
    await producer.send({topic, messages})
    await producer.disconnect()
    return topic
  }

  async function committed(group: string, topic: string): Promise<number[]> {
    const [t] = await admin.fetchOffsets({groupId: group, topics: [topic]})
    return t!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset))
  }

  async function shareTopic(kind: MemberKind, assignor: string): Promise<void> {
    const topic = await newTopic()
    const group = `${kind}-${assignor}-${topicCounter}`
    const members: Member[] = []
    try {
      for (let i = 0; i < 3; i++) members.push(startMember(kind, {bootstrap: broker.bootstrapServers, topic, group, assignor}))
      await waitFor(
        'three members owning every partition once, everything consumed',
        () =>
          members.every((m) => m.state().assigned.length > 0) &&
          ownedExactlyOnce(members, PARTITIONS) &&
          [...consumedOffsets(members).values()].reduce((n, s) => n + s.size, 0) === PARTITIONS * RECORDS_PER_PARTITION,
        90_000,
        members,
      )
      // Balanced: 2 partitions each.
      for (const m of members) expect(m.state().assigned).toHaveLength(2)
      for (const [, offsets] of consumedOffsets(members)) expect([...offsets].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4])
    } finally {
      await Promise.allSettled(members.map((m) => m.stop()))
    }
    expect(await committed(group, topic)).toEqual(Array(PARTITIONS).fill(RECORDS_PER_PARTITION))
  }

  const cases: Array<[MemberKind, string]> = [
    ['java-classic', 'range'],
    ['java-classic', 'roundrobin'],
    ['java-classic', 'sticky'],
    ['java-classic', 'cooperative-sticky'],
    ['java-consumer', 'uniform'],
    ['java-consumer', 'range'],
    ['confluent', 'range'],
    ['confluent', 'roundrobin'],
    ['confluent', 'cooperative-sticky'],
    ['kafkajs', 'roundrobin'],
  ]
  for (const [kind, assignor] of cases) {
    it(`three ${kind} members share six partitions (${assignor})`, () => shareTopic(kind, assignor), 180_000)
  }

  async function loseMember(kind: MemberKind, assignor: string, how: 'leave' | 'die'): Promise<void> {
    const topic = await newTopic()
    const group = `${kind}-${assignor}-${how}-${topicCounter}`
    const members: Member[] = []
    try {
      for (let i = 0; i < 3; i++) members.push(startMember(kind, {bootstrap: broker.bootstrapServers, topic, group, assignor}))
      await waitFor('three members sharing the topic', () => members.every((m) => m.state().assigned.length > 0) && ownedExactlyOnce(members, PARTITIONS), 90_000, members)
      const gone = members.shift()!
      if (how === 'leave') await gone.stop()
      else await gone.kill()
      // Leaving rebalances at once; a dead member is noticed when its session (6 s) expires.
      await waitFor(`the other two owning every partition after one member ${how === 'leave' ? 'left' : 'died'}`, () => ownedExactlyOnce(members, PARTITIONS), 60_000, members)
      for (const m of members) expect(m.state().assigned).toHaveLength(3)
    } finally {
      await Promise.allSettled(members.map((m) => m.stop()))
    }
  }

  it('a Java member leaving hands its partitions over (classic, cooperative-sticky)', () => loseMember('java-classic', 'cooperative-sticky', 'leave'), 180_000)
  it('a dying Java member loses its partitions when its session expires (classic, range)', () => loseMember('java-classic', 'range', 'die'), 180_000)
  it('a dying Java member loses its partitions when its session expires (consumer protocol)', () => loseMember('java-consumer', 'uniform', 'die'), 180_000)
  it('a confluent-kafka member leaving hands its partitions over', () => loseMember('confluent', 'cooperative-sticky', 'leave'), 180_000)
  it('a dying confluent-kafka member loses its partitions when its session expires', () => loseMember('confluent', 'roundrobin', 'die'), 180_000)
  it('a kafkajs member leaving hands its partitions over', () => loseMember('kafkajs', 'roundrobin', 'leave'), 180_000)
})
