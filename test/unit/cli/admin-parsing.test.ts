import {describe, expect, it} from 'vitest'

import {parseAddConfig, parseEntity} from '../../../src/admin/configs.js'
import {topicPartitionsFilter} from '../../../src/admin/offsets-tools.js'
import {checkTopicsArgs, type TopicsOptions} from '../../../src/admin/topics-command.js'
import {parseReplicaAssignment, parseTopicConfigs, topicIncludeFilter} from '../../../src/admin/topics.js'

const opts = (o: Partial<TopicsOptions>): TopicsOptions => ({
  config: [],
  ifExists: false,
  ifNotExists: false,
  excludeInternal: false,
  underReplicated: false,
  underMinIsr: false,
  atMinIsr: false,
  unavailable: false,
  topicsWithOverrides: false,
  ...o,
})

describe('kafka-topics.sh rules', () => {
  it("--topic is Kafka's IncludeList: commas are alternatives, the whole name must match", () => {
    const f = topicIncludeFilter(' "orders,pay.*" ')
    expect(['orders', 'payments', 'orders2', 'xorders'].filter((t) => f.test(t))).toEqual(['orders', 'payments'])
  })

  it('parses replica assignments with Kafka\'s checks', () => {
    expect(parseReplicaAssignment('1:2, 2:3')).toEqual([
      [1, 2],
      [2, 3],
    ])
    expect(() => parseReplicaAssignment('1:1')).toThrow('Partition replica lists may not contain duplicate entries: 1')
    expect(() => parseReplicaAssignment('1:2,3')).toThrow('Partition 1 has different replication factor: [3]')
  })

  it('parses --config k=v and checks known values', () => {
    expect(Object.fromEntries(parseTopicConfigs(['retention.ms = 5', 'x=y']))).toEqual({'retention.ms': '5', x: 'y'})
    expect(() => parseTopicConfigs(['retention.ms=abc'])).toThrow('Invalid value abc for configuration retention.ms: Not a number of type LONG')
    expect(() => parseTopicConfigs(['a=b=c'])).toThrow(/format "key=val"/)
  })

  it('allows each option only with the actions Kafka allows it with', () => {
    expect(() => checkTopicsArgs('list', opts({}))).not.toThrow()
    expect(() => checkTopicsArgs('create', opts({}))).toThrow('Missing required argument "--topic"')
    expect(() => checkTopicsArgs('describe', opts({partitions: 2}))).toThrow(`Option "--partitions" can't be used with option "--describe"`)
    expect(() => checkTopicsArgs('alter', opts({topic: 't', partitions: 2, replicationFactor: 1}))).toThrow(/replication-factor/)
    expect(() => checkTopicsArgs('delete', opts({topic: 't', ifNotExists: true}))).toThrow(/if-not-exists/)
    expect(() => checkTopicsArgs('describe', opts({underMinIsr: true, topicsWithOverrides: true}))).toThrow(/topics-with-overrides/)
  })
})

describe('kafka-configs.sh parsing', () => {
  it('splits --add-config on commas outside brackets', () => {
    expect(Object.fromEntries(parseAddConfig('a=1,b=[x,y,z],c=,d = 4'))).toEqual({a: '1', b: 'x,y,z', c: '', d: '4'})
    expect(() => parseAddConfig('a')).toThrow(/format "key=val"/)
    expect(() => parseAddConfig('a b=1')).toThrow('Invalid character found for config key: a b')
  })

  it('finds the entity from --topic, --broker, --broker-defaults or --entity-*', () => {
    expect(parseEntity({topic: 't'}, 'describe')).toEqual({type: 'topics', name: 't'})
    expect(parseEntity({brokerDefaults: true}, 'alter')).toEqual({type: 'brokers', name: ''})
    expect(parseEntity({entityType: ['brokers'], entityDefault: true}, 'describe')).toEqual({type: 'brokers', name: ''})
    expect(parseEntity({entityType: ['topics']}, 'describe')).toEqual({type: 'topics', name: undefined})
    expect(() => parseEntity({entityType: ['topics']}, 'alter')).toThrow('An entity name must be specified with --alter of topics')
  })
})

describe('kafka-get-offsets.sh --topic-partitions', () => {
  it('matches topics and partition ranges (upper bound exclusive)', () => {
    const [a, b, c] = topicPartitionsFilter('t1:1,t2:0-3,t.*:5-')
    expect([0, 1, 2].filter((p) => a!.allows(p))).toEqual([1])
    expect([0, 2, 3].filter((p) => b!.allows(p))).toEqual([0, 2])
    expect(c!.topic.test('tx') && c!.allows(7) && !c!.allows(4)).toBe(true)
    expect(() => topicPartitionsFilter('t:x-')).toThrow('Invalid rule specification: t:x-')
  })
})
