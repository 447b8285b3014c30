import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {BROKER_CONFIG_DEFS} from '../../src/config/broker-config-defs.js'
import {loadBrokerConfig, unusedConfigsWarning} from '../../src/config/broker-config.js'
import {ConfigError, javaDoubleToString} from '../../src/config/config-def.js'
import {ensureFormatted, isKafkaUuid, randomKafkaUuid, readMetaProperties} from '../../src/config/meta-properties.js'
import {TopicConfig, validateTopicOverrides} from '../../src/config/topic-config.js'

const home = mkdtempSync(join(tmpdir(), 'tskafka-config-test-'))
const env = {TSKAFKA_HOME: home}
const load = (props: Record<string, string>, overrides: Record<string, string> = {}) => loadBrokerConfig(props, overrides, {env})

afterAll(() => rmSync(home, {recursive: true, force: true}))

function errorOf(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('loadBrokerConfig', () => {
  it('gives Kafka defaults with typed values', () => {
    const cfg = load({})
    expect(cfg.get('num.partitions')).toBe(1)
    expect(cfg.get('log.segment.bytes')).toBe(1073741824)
    expect(cfg.get('log.retention.bytes')).toBe(-1n)
    expect(cfg.get('log.flush.interval.messages')).toBe(9223372036854775807n)
    expect(cfg.get('message.max.bytes')).toBe(1048588)
    expect(cfg.get('socket.request.max.bytes')).toBe(104857600)
    expect(cfg.get('offsets.topic.replication.factor')).toBe(3)
    expect(cfg.get('auto.create.topics.enable')).toBe(true)
    expect(cfg.get('log.cleanup.policy')).toEqual(['delete'])
    expect(cfg.get('broker.rack')).toBeNull()
    expect(cfg.get('listeners')).toEqual(['PLAINTEXT://:9092'])
    expect(cfg.valueString('log.flush.interval.messages')).toBe('9223372036854775807')
    expect(cfg.valueString('log.cleaner.io.max.bytes.per.second')).toBe('1.7976931348623157E308')
    expect(cfg.valueString('log.cleaner.min.cleanable.ratio')).toBe('0.5')
  })

  it('puts the default log dir under the tskafka home, never /tmp', () => {
    const cfg = load({})
    expect(cfg.logDirs).toEqual([join(home, 'kafka-logs')])
    expect(cfg.defaultString('log.dir')).toBe(join(home, 'kafka-logs'))
    expect(cfg.logDirs[0]!.startsWith('/tmp/kafka-logs')).toBe(false)
  })

  it('prefers log.dirs over log.dir', () => {
    const cfg = load({'log.dir': '/a', 'log.dirs': '/b, /c'})
    expect(cfg.logDirs).toEqual(['/b', '/c'])
    expect(load({'log.dir': '/a'}).logDirs).toEqual(['/a'])
  })

  it('applies overrides on top of file properties', () => {
    const cfg = load({'num.partitions': '3'}, {'num.partitions': '7'})
    expect(cfg.get('num.partitions')).toBe(7)
    expect(cfg.source('num.partitions')).toBe('STATIC_BROKER_CONFIG')
    expect(cfg.source('num.io.threads')).toBe('DEFAULT_CONFIG')
  })

  it('treats node.id and broker.id as synonyms', () => {
    expect(load({'broker.id': '4'}).nodeId).toBe(4)
    expect(load({'node.id': '5'}).get('broker.id')).toBe(5)
    expect(load({}).nodeId).toBe(1)
    expect(errorOf(() => load({'node.id': '1', 'broker.id': '2'}))).toBe('You must set `node.id` to the same value as `broker.id`.')
  })

  it('rejects bad values with Kafka\'s one-line messages', () => {
    expect(errorOf(() => load({'num.partitions': 'abc'}))).toBe('Invalid value abc for configuration num.partitions: Not a number of type INT')
    expect(errorOf(() => load({'num.partitions': '0'}))).toBe('Invalid value 0 for configuration num.partitions: Value must be at least 1')
    expect(errorOf(() => load({'num.partitions': '99999999999'}))).toBe(
      'Invalid value 99999999999 for configuration num.partitions: Not a number of type INT',
    )
    expect(errorOf(() => load({'log.retention.bytes': '1.5'}))).toBe('Invalid value 1.5 for configuration log.retention.bytes: Not a number of type LONG')
    expect(errorOf(() => load({'auto.create.topics.enable': 'yes'}))).toBe(
      'Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false',
    )
    expect(errorOf(() => load({'compression.type': 'brotli'}))).toBe(
      'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer',
    )
    expect(errorOf(() => load({'log.cleanup.policy': 'delete,forever'}))).toBe(
      'Invalid value forever for configuration log.cleanup.policy: String must be one of: compact, delete',
    )
    expect(errorOf(() => load({'offsets.topic.replication.factor': '40000'}))).toBe(
      'Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT',
    )
    expect(errorOf(() => load({'log.cleaner.min.cleanable.ratio': '2'}))).toBe(
      'Invalid value 2.0 for configuration log.cleaner.min.cleanable.ratio: Value must be no more than 1',
    )
    expect(errorOf(() => load({'compression.gzip.level': '0'}))).toBe(
      'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1',
    )
  })

  it('trims values and accepts Java number forms', () => {
    const cfg = load({'num.partitions': ' +4 ', 'log.cleaner.io.buffer.load.factor': '0.75d', 'delete.topic.enable': 'FALSE'})
    expect(cfg.get('num.partitions')).toBe(4)
    expect(cfg.get('log.cleaner.io.buffer.load.factor')).toBe(0.75)
    expect(cfg.get('delete.topic.enable')).toBe(false)
  })

  it('derives retention, roll and flush times like KafkaConfig', () => {
    expect(load({}).logRetentionMs).toBe(604800000n)
    expect(load({'log.retention.hours': '1'}).logRetentionMs).toBe(3600000n)
    expect(load({'log.retention.minutes': '2', 'log.retention.hours': '1'}).logRetentionMs).toBe(120000n)
    expect(load({'log.retention.ms': '5', 'log.retention.minutes': '2'}).logRetentionMs).toBe(5n)
    expect(load({'log.retention.ms': '-7'}).logRetentionMs).toBe(-1n)
    expect(errorOf(() => load({'log.retention.ms': '0'}))).toBe('log.retention.ms must be unlimited (-1) or, greater than or equal to 1')
    expect(load({'log.roll.hours': '2'}).logRollMs).toBe(7200000n)
    expect(load({'log.roll.ms': '100', 'log.roll.hours': '2'}).logRollMs).toBe(100n)
    expect(load({}).logFlushIntervalMs).toBe(9223372036854775807n)
  })

  it('reports synonyms and sources the way Kafka 4 DescribeConfigs does', () => {
    const cfg = load({'log.retention.hours': '24', 'log.retention.ms': '5000', 'node.id': '2'})
    expect(cfg.synonyms('log.retention.ms')).toEqual([
      {name: 'log.retention.ms', value: '5000', source: 'STATIC_BROKER_CONFIG'},
      {name: 'log.retention.hours', value: '24', source: 'STATIC_BROKER_CONFIG'},
      {name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG'},
    ])
    expect(cfg.synonyms('log.retention.hours')).toEqual([
      {name: 'log.retention.hours', value: '24', source: 'STATIC_BROKER_CONFIG'},
      {name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG'},
    ])
    // Unset and without a default: no synonyms (Kafka drops entries before the config's own name).
    expect(load({'log.retention.hours': '24'}).synonyms('log.retention.ms')).toEqual([])
    expect(load({}).synonyms('num.partitions')).toEqual([{name: 'num.partitions', value: '1', source: 'DEFAULT_CONFIG'}])
    expect(cfg.synonyms('broker.id')).toEqual([
      {name: 'broker.id', value: '2', source: 'STATIC_BROKER_CONFIG'},
      {name: 'broker.id', value: '-1', source: 'DEFAULT_CONFIG'},
    ])
    expect(cfg.source('log.retention.ms')).toBe('STATIC_BROKER_CONFIG')
    expect(load({}).source('log.retention.ms')).toBe('DEFAULT_CONFIG')
    expect(cfg.isDynamic('log.retention.ms')).toBe(true)
    expect(cfg.isDynamic('log.retention.hours')).toBe(false)
  })

  it('knows dynamic update modes, importance and docs as Kafka defines them', () => {
    expect(BROKER_CONFIG_DEFS['log.retention.ms'].dynamic).toBe('cluster-wide')
    expect(BROKER_CONFIG_DEFS['log.retention.hours'].dynamic).toBe('read-only')
    expect(BROKER_CONFIG_DEFS['listeners'].dynamic).toBe('per-broker')
    expect(BROKER_CONFIG_DEFS['num.io.threads'].dynamic).toBe('cluster-wide')
    expect(BROKER_CONFIG_DEFS['node.id'].dynamic).toBe('read-only')
    expect(BROKER_CONFIG_DEFS['num.partitions'].importance).toBe('medium')
    expect(BROKER_CONFIG_DEFS['num.partitions'].doc).toMatch(/^The default number of log partitions per topic. This configuration affects the following paths/)
    expect(BROKER_CONFIG_DEFS['num.partitions'].validator!.describe()).toBe('[1,...]')
    expect(BROKER_CONFIG_DEFS['compression.type'].validator!.describe()).toBe('[uncompressed, zstd, lz4, snappy, gzip, producer]')
  })

  it('warns about unknown keys in Kafka\'s words', () => {
    const cfg = load({'num.partitions': '1', 'no.such.config': 'x', 'another.one': 'y'})
    expect(cfg.unknownKeys).toEqual(['no.such.config', 'another.one'])
    expect(unusedConfigsWarning(cfg)).toBe("These configurations '[no.such.config, another.one]' were supplied but are not used yet.")
    expect(unusedConfigsWarning(load({}))).toBeNull()
  })

  it('parses listeners, advertised listeners and the security protocol map', () => {
    const cfg = load({
      listeners: 'PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
      'advertised.listeners': 'PLAINTEXT://localhost:9092',
      'controller.listener.names': 'CONTROLLER',
    })
    expect(cfg.listeners).toEqual([
      {listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 0},
      {listenerName: 'CONTROLLER', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 0},
    ])
    expect(cfg.advertisedBrokerListeners).toEqual([{listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'localhost', port: 9092}])
    expect(cfg.brokerListeners.map((l) => l.listenerName)).toEqual(['PLAINTEXT'])
    const named = load({listeners: 'CLIENT://[::1]:9093', 'listener.security.protocol.map': 'CLIENT:PLAINTEXT', 'inter.broker.listener.name': 'CLIENT'})
    expect(named.listeners).toEqual([{listenerName: 'CLIENT', securityProtocol: 'PLAINTEXT', host: '::1', port: 9093}])
  })

  it('rejects bad listener setups with clear errors', () => {
    expect(errorOf(() => load({listeners: 'garbage'}))).toBe("Error creating broker listeners from '[garbage]': Unable to parse garbage to a broker endpoint")
    expect(errorOf(() => load({listeners: 'FOO://:9092'}))).toBe("Error creating broker listeners from '[FOO://:9092]': No security protocol defined for listener FOO")
    expect(errorOf(() => load({listeners: 'SSL://:9093', 'inter.broker.listener.name': 'SSL'}))).toBe(
      'Listener SSL uses security protocol SSL, which tskafka does not support yet (only PLAINTEXT listeners are supported)',
    )
    expect(errorOf(() => load({listeners: 'PLAINTEXT://:9092', 'listener.security.protocol.map': 'PLAINTEXT:BOGUS'}))).toBe(
      'Invalid security protocol `BOGUS` defined in listener.security.protocol.map',
    )
    expect(errorOf(() => load({listeners: 'PLAINTEXT://:9092,PLAINTEXT://:9093'}))).toContain('Each listener must have a different name')
    expect(errorOf(() => load({listeners: 'PLAINTEXT://:9092,CONTROLLER://:9092', 'controller.listener.names': 'CONTROLLER'}))).toContain(
      'Each listener must have a different port',
    )
    expect(errorOf(() => load({'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092'}))).toContain('nonroutable meta-address 0.0.0.0')
    expect(errorOf(() => load({listeners: 'CLIENT://:9092', 'listener.security.protocol.map': 'CLIENT:PLAINTEXT'}))).toContain(
      'inter.broker.listener.name must be a listener name defined in advertised.listeners',
    )
  })

  it('allows ephemeral ports to repeat', () => {
    const cfg = load({listeners: 'PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0', 'controller.listener.names': 'CONTROLLER'})
    expect(cfg.listeners.length).toBe(2)
  })
})

describe('Java value rendering', () => {
  it('prints doubles like Double.toString', () => {
    expect(javaDoubleToString(0.5)).toBe('0.5')
    expect(javaDoubleToString(1)).toBe('1.0')
    expect(javaDoubleToString(0.9)).toBe('0.9')
    expect(javaDoubleToString(1e7)).toBe('1.0E7')
    expect(javaDoubleToString(Number.MAX_VALUE)).toBe('1.7976931348623157E308')
  })
})

describe('topic configs', () => {
  it('fall back to broker synonyms converted to the topic unit', () => {
    const broker = load({'log.retention.hours': '24', 'message.max.bytes': '2000000', 'log.cleanup.policy': 'compact'})
    const topic = new TopicConfig(new Map(), broker)
    expect(topic.get('retention.ms')).toBe(86400000n)
    expect(topic.get('max.message.bytes')).toBe(2000000)
    expect(topic.get('cleanup.policy')).toEqual(['compact'])
    expect(topic.get('segment.ms')).toBe(604800000n)
    // Kafka reports retention.ms as DEFAULT_CONFIG here: only log.retention.ms itself counts as its synonym.
    expect(topic.source('retention.ms')).toBe('DEFAULT_CONFIG')
    expect(topic.source('max.message.bytes')).toBe('STATIC_BROKER_CONFIG')
    expect(topic.source('segment.bytes')).toBe('DEFAULT_CONFIG')
    expect(topic.source('remote.storage.enable')).toBe('DEFAULT_CONFIG')
  })

  it('let overrides win and list them first among the synonyms', () => {
    const broker = load({'log.retention.ms': '86400000'})
    const topic = new TopicConfig(new Map([['retention.ms', '1000']]), broker)
    expect(topic.get('retention.ms')).toBe(1000n)
    expect(topic.synonyms('retention.ms')).toEqual([
      {name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG'},
      {name: 'log.retention.ms', value: '86400000', source: 'STATIC_BROKER_CONFIG'},
      {name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG'},
    ])
  })

  it('describe like Kafka 4.3 for a topic without overrides', () => {
    const topic = new TopicConfig(new Map(), load({}))
    expect(topic.synonyms('retention.ms')).toEqual([])
    expect(topic.synonyms('max.message.bytes')).toEqual([{name: 'message.max.bytes', value: '1048588', source: 'DEFAULT_CONFIG'}])
    expect(topic.synonyms('cleanup.policy')).toEqual([{name: 'log.cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG'}])
    expect(topic.synonyms('local.retention.ms')).toEqual([{name: 'log.local.retention.ms', value: '-2', source: 'DEFAULT_CONFIG'}])
    expect(topic.valueString('retention.ms')).toBe('604800000')
    expect(topic.valueString('flush.ms')).toBe('9223372036854775807')
  })

  it('validate names and values like Kafka', () => {
    expect(() => validateTopicOverrides(new Map([['no.such', '1']]))).toThrow('Unknown topic config name: no.such')
    expect(() => validateTopicOverrides(new Map([['retention.ms', '-5']]))).toThrow(
      'Invalid value -5 for configuration retention.ms: Value must be at least -1',
    )
    expect(() => validateTopicOverrides(new Map([['segment.bytes', '100']]))).toThrow(
      'Invalid value 100 for configuration segment.bytes: Value must be at least 1048576',
    )
    expect(() => validateTopicOverrides(new Map([['leader.replication.throttled.replicas', '0:1,1:2']]))).not.toThrow()
    expect(() => validateTopicOverrides(new Map([['leader.replication.throttled.replicas', 'x']]))).toThrow("must be the literal '*'")
    expect(() => new TopicConfig(new Map([['min.compaction.lag.ms', '10'], ['max.compaction.lag.ms', '5']]), load({}))).toThrow(
      'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)',
    )
  })
})

describe('meta.properties', () => {
  it('makes ids in Kafka\'s Uuid text form', () => {
    for (let i = 0; i < 100; i++) {
      const id = randomKafkaUuid()
      expect(isKafkaUuid(id)).toBe(true)
      expect(id.startsWith('-')).toBe(false)
    }
  })

  it('formats empty dirs once and keeps the identity afterwards', () => {
    const dirs = [join(home, 'fmt-a'), join(home, 'fmt-b')]
    const first = ensureFormatted(dirs, 3)
    expect(first.newCluster).toBe(true)
    expect(first.newlyFormatted).toEqual(dirs)
    const text = readFileSync(join(dirs[0]!, 'meta.properties'), 'utf8')
    expect(text).toMatch(/^#\n#\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\ncluster\.id=[\w-]{22}\ndirectory\.id=[\w-]{22}\nnode\.id=3\nversion=1\n$/)
    expect(readMetaProperties(dirs[1]!)).toMatchObject({version: 1, clusterId: first.clusterId, nodeId: 3})
    const second = ensureFormatted(dirs, 3)
    expect(second).toMatchObject({clusterId: first.clusterId, newCluster: false, newlyFormatted: []})
    expect(second.directoryIds).toEqual(first.directoryIds)
  })

  it('refuses a node id that does not match the stored one', () => {
    const dir = join(home, 'fmt-node')
    ensureFormatted([dir], 1)
    expect(() => ensureFormatted([dir], 2)).toThrow("Stored node id 1 doesn't match previous node id 2")
  })

  it('refuses directories from different clusters', () => {
    const a = join(home, 'fmt-x')
    const b = join(home, 'fmt-y')
    ensureFormatted([a], 1)
    ensureFormatted([b], 1)
    expect(() => ensureFormatted([a, b], 1)).toThrow('Invalid cluster.id in:')
  })

  it('reads a hand-written meta.properties', () => {
    const dir = join(home, 'fmt-hand')
    ensureFormatted([dir], 1)
    writeFileSync(join(dir, 'meta.properties'), 'version=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\nnode.id=1\n')
    expect(readMetaProperties(dir)).toEqual({version: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', nodeId: 1, directoryId: null})
    const again = ensureFormatted([dir], 1)
    expect(again.clusterId).toBe('MkU3OEVBNTcwNTJENDM2Qg')
    expect(readMetaProperties(dir)!.directoryId).not.toBeNull()
  })
})
