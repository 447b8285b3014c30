// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs over the wire against an in-process
// broker: every answer, error code and message as Apache Kafka 4.3.1 gives it (the expected texts
// were taken from a real 4.3.1 broker), dynamic broker configs taking effect in the broker's
// config and in the topics' log configs, and surviving a restart.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Broker} from '../../src/broker/broker.js'
import {createLogger} from '../../src/broker/logger.js'
import {
  API_KEY,
  type AlterConfigsResponse,
  type DescribeConfigsResponse,
  type IncrementalAlterConfigsResponse,
} from '../../src/protocol/generated/index.js'
import type {DescribeConfigsResourceResult} from '../../src/protocol/generated/describe-configs-response.js'
import {WireClient} from '../helpers/wire-client.js'

const TOPIC = 2
const BROKER = 4
const BROKER_LOGGER = 8
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3]
const INVALID_REQUEST_DEFAULT =
  'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.'

function props(dataDir: string): Record<string, string> {
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    listeners: 'PLAINTEXT://127.0.0.1:0',
    'log.dirs': dataDir,
    'num.io.threads': '2',
    'offsets.topic.replication.factor': '1',
  }
}

describe('config APIs over the wire', () => {
  let dataDir: string
  let broker: Broker
  let c: WireClient

  const start = async () => {
    broker = await Broker.start(props(dataDir), {logger: createLogger({level: 'warn', sink: () => {}})})
    c = await WireClient.connect(broker.port)
  }
  const stop = async () => {
    c?.close()
    await broker?.stop()
  }

  const describeConfigs = async (resources: Array<{type: number; name: string; keys?: string[] | null}>, opts: {synonyms?: boolean; docs?: boolean; version?: number} = {}) =>
    (
      await c.request<DescribeConfigsResponse>(API_KEY.DescribeConfigs, opts.version ?? 4, {
        resources: resources.map((r) => ({resourceType: r.type, resourceName: r.name, configurationKeys: r.keys ?? null})),
        includeSynonyms: opts.synonyms ?? true,
        includeDocumentation: opts.docs ?? false,
      })
    ).body.results
  const entries = async (type: number, name: string, opts: {synonyms?: boolean; docs?: boolean; version?: number} = {}) => {
    const [r] = await describeConfigs([{type, name}], opts)
    expect(r!.errorCode).toBe(0)
    return new Map(r!.configs.map((e) => [e.name, e]))
  }
  const entry = async (type: number, name: string, config: string): Promise<DescribeConfigsResourceResult> => (await entries(type, name)).get(config)!

  type Op = [name: string, value: string | null, op?: number]
  const incremental = async (resources: Array<{type: number; name: string; ops: Op[]}>, validateOnly = false, version = 1) =>
    (
      await c.request<IncrementalAlterConfigsResponse>(API_KEY.IncrementalAlterConfigs, version, {
        resources: resources.map((r) => ({
          resourceType: r.type,
          resourceName: r.name,
          configs: r.ops.map(([name, value, op]) => ({name, value, configOperation: op ?? SET})),
        })),
        validateOnly,
      })
    ).body.responses.map((r) => [r.errorCode, r.errorMessage] as const)
  const alterOne = async (type: number, name: string, ops: Op[], validateOnly = false) => (await incremental([{type, name, ops}], validateOnly))[0]
  const legacy = async (resources: Array<{type: number; name: string; configs: Array<[string, string | null]>}>, validateOnly = false) =>
    (
      await c.request<AlterConfigsResponse>(API_KEY.AlterConfigs, 2, {
        resources: resources.map((r) => ({resourceType: r.type, resourceName: r.name, configs: r.configs.map(([n, value]) => ({name: n, value}))})),
        validateOnly,
      })
    ).body.responses.map((r) => [r.errorCode, r.errorMessage] as const)

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tskafka-configs-'))
    await start()
    const created = await c.request<{topics: Array<{errorCode: number}>}>(API_KEY.CreateTopics, 7, {
      topics: [{name: 't1', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{name: 'retention.ms', value: '3600000'}]}],
      timeoutMs: 10000,
      validateOnly: false,
    })
    expect(created.body.topics[0]!.errorCode).toBe(0)
  })

  afterAll(async () => {
    await stop()
    rmSync(dataDir, {recursive: true, force: true})
  })

  describe('DescribeConfigs', () => {
    it('describes every topic config with value, source, synonyms, type and documentation', async () => {
      const all = await entries(TOPIC, 't1', {docs: true})
      expect(all.size).toBe(33)
      expect(all.get('retention.ms')).toEqual({
        name: 'retention.ms',
        value: '3600000',
        readOnly: false,
        isDefault: false,
        configSource: 1,
        isSensitive: false,
        synonyms: [{name: 'retention.ms', value: '3600000', source: 1}],
        configType: 5,
        documentation: expect.stringContaining('This configuration controls the maximum time we will retain a log'),
      })
      expect(all.get('cleanup.policy')).toMatchObject({value: 'delete', configSource: 5, configType: 7, synonyms: [{name: 'log.cleanup.policy', value: 'delete', source: 5}]})
      // Kafka 4 clusters pin min.insync.replicas at the cluster level (ELR).
      expect(all.get('min.insync.replicas')).toMatchObject({
        value: '1',
        configSource: 3,
        synonyms: [
          {name: 'min.insync.replicas', value: '1', source: 3},
          {name: 'min.insync.replicas', value: '1', source: 5},
        ],
      })
      // No synonyms for configs whose broker config is unset and has no default of its own name.
      expect(all.get('segment.ms')).toMatchObject({value: '604800000', configSource: 5, synonyms: []})
      expect(all.get('min.cleanable.dirty.ratio')).toMatchObject({value: '0.5', configType: 6})
    })

    it('filters by key, and v1 carries no config type or documentation', async () => {
      const [r] = await describeConfigs([{type: TOPIC, name: 't1', keys: ['retention.ms', 'nope', 'cleanup.policy']}], {synonyms: false, version: 1})
      expect(r!.configs.map((e) => [e.name, e.value, e.configSource, e.synonyms])).toEqual([
        ['cleanup.policy', 'delete', 5, []],
        ['retention.ms', '3600000', 1, []],
      ])
      const [empty] = await describeConfigs([{type: TOPIC, name: 't1', keys: []}])
      expect(empty!.configs).toHaveLength(33)
    })

    it('answers unknown and illegal topics as Kafka does', async () => {
      const results = await describeConfigs([
        {type: TOPIC, name: 'nosuch'},
        {type: TOPIC, name: 'bad name!'},
        {type: TOPIC, name: ''},
        {type: TOPIC, name: '..'},
        {type: TOPIC, name: 'y'.repeat(250)},
      ])
      expect(results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
        [3, ''],
        [17, "Topic name is invalid: 'bad name!' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
        [17, 'Topic name is invalid: the empty string is not allowed'],
        [17, "Topic name is invalid: '..' is not allowed"],
        [17, `Topic name is invalid: the length of '${'y'.repeat(250)}' is longer than the max allowed length 249`],
      ])
    })

    it('describes this broker: read-only unless dynamic, static and default sources', async () => {
      const all = await entries(BROKER, '1', {docs: true})
      expect(all.get('log.dirs')).toMatchObject({value: dataDir, readOnly: true, configSource: 4, configType: 7, synonyms: [{name: 'log.dirs', value: dataDir, source: 4}]})
      expect(all.get('num.io.threads')).toMatchObject({
        value: '2',
        readOnly: false,
        configSource: 4,
        configType: 3,
        synonyms: [
          {name: 'num.io.threads', value: '2', source: 4},
          {name: 'num.io.threads', value: '8', source: 5},
        ],
      })
      expect(all.get('log.retention.ms')).toMatchObject({value: null, readOnly: false, configSource: 5, synonyms: []})
      expect(all.get('log.retention.hours')).toMatchObject({value: '168', readOnly: true, synonyms: [{name: 'log.retention.hours', value: '168', source: 5}]})
      expect(all.get('advertised.listeners')).toMatchObject({readOnly: true, configType: 7})
      expect(all.get('listeners')).toMatchObject({readOnly: false, configType: 7})
      expect(all.get('node.id')).toMatchObject({value: '1', synonyms: [{name: 'node.id', value: '1', source: 4}]})
      expect(all.get('broker.id')!.synonyms).toEqual([
        {name: 'broker.id', value: '1', source: 4},
        {name: 'broker.id', value: '-1', source: 5},
      ])
      expect(all.get('log.cleaner.threads')!.documentation).toBe('The number of background threads to use for log cleaning')
      // Internal configs are not described.
      expect(all.has('unstable.api.versions.enable')).toBe(false)
    })

    it('describes the cluster default and refuses other broker ids', async () => {
      const [dflt, other, text, negative] = await describeConfigs([
        {type: BROKER, name: ''},
        {type: BROKER, name: '2'},
        {type: BROKER, name: 'abc'},
        {type: BROKER, name: '-1'},
      ])
      expect(dflt!.configs).toEqual([
        {name: 'min.insync.replicas', value: '1', readOnly: false, isDefault: false, configSource: 3, isSensitive: false, synonyms: [{name: 'min.insync.replicas', value: '1', source: 3}], configType: 3, documentation: null},
      ])
      expect([other, text, negative].map((r) => [r!.errorCode, r!.errorMessage])).toEqual([
        [42, 'Unexpected broker id, expected 1 or empty string, but received 2'],
        [42, 'Broker id must be an integer, but it is: abc'],
        [42, 'Unexpected broker id, expected 1 or empty string, but received -1'],
      ])
    })

    it('fails the whole request on an unknown resource type, as Kafka does', async () => {
      const results = await describeConfigs([
        {type: TOPIC, name: 't1'},
        {type: 99, name: 'x'},
      ])
      expect(results.map((r) => [r.resourceType, r.errorCode, r.errorMessage, r.configs.length])).toEqual([
        [TOPIC, 42, INVALID_REQUEST_DEFAULT, 0],
        [99, 42, INVALID_REQUEST_DEFAULT, 0],
      ])
    })

    it('says plainly that GROUP and CLIENT_METRICS configs are not supported', async () => {
      const results = await describeConfigs([
        {type: 32, name: 'g'},
        {type: 16, name: 'sub'},
        {type: 16, name: ''},
      ])
      expect(results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
        [42, 'Config resources of type GROUP are not supported by this broker'],
        [42, 'Config resources of type CLIENT_METRICS are not supported by this broker'],
        [42, 'Client metrics subscription name must not be empty'],
      ])
    })
  })

  describe('IncrementalAlterConfigs on topics', () => {
    it('sets, appends, subtracts and deletes topic overrides', async () => {
      expect(await alterOne(TOPIC, 't1', [['segment.ms', '1000000'], ['cleanup.policy', 'compact', APPEND]])).toEqual([0, null])
      expect(await entry(TOPIC, 't1', 'cleanup.policy')).toMatchObject({value: 'delete,compact', configSource: 1})
      expect(await alterOne(TOPIC, 't1', [['cleanup.policy', 'delete', SUBTRACT]])).toEqual([0, null])
      expect(await entry(TOPIC, 't1', 'cleanup.policy')).toMatchObject({value: 'compact', configSource: 1})
      expect(await alterOne(TOPIC, 't1', [['cleanup.policy', null, DELETE], ['segment.ms', null, DELETE], ['flush.ms', null, DELETE]])).toEqual([0, null])
      const after = await entries(TOPIC, 't1')
      expect(after.get('cleanup.policy')).toMatchObject({value: 'delete', configSource: 5})
      expect(after.get('segment.ms')).toMatchObject({value: '604800000', configSource: 5})
      expect(broker.logManager.getLog('t1', 0)!.logConfig.segmentMs).toBe(604800000)
    })

    it('changes the log config of the topic partitions', async () => {
      expect(await alterOne(TOPIC, 't1', [['segment.bytes', '2000000']])).toEqual([0, null])
      expect(broker.logManager.getLog('t1', 1)!.logConfig.segmentBytes).toBe(2000000)
      expect(await alterOne(TOPIC, 't1', [['segment.bytes', null, DELETE]])).toEqual([0, null])
      expect(broker.logManager.getLog('t1', 1)!.logConfig.segmentBytes).toBe(1073741824)
    })

    it('validateOnly checks without changing anything', async () => {
      expect(await alterOne(TOPIC, 't1', [['retention.ms', '1000']], true)).toEqual([0, null])
      expect(await alterOne(TOPIC, 't1', [['retention.ms', 'abc']], true)).toEqual([40, 'Invalid value abc for configuration retention.ms: Not a number of type LONG'])
      expect((await entry(TOPIC, 't1', 'retention.ms')).value).toBe('3600000')
    })

    it.each([
      ['an unknown config', [['no.such', '1']], [40, 'Unknown topic config name: no.such']],
      ['a value of the wrong type', [['retention.ms', 'abc']], [40, 'Invalid value abc for configuration retention.ms: Not a number of type LONG']],
      ['a value out of range', [['min.insync.replicas', '0']], [40, 'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1']],
      ['retention.ms below -1', [['retention.ms', '-5']], [40, 'Invalid value -5 for configuration retention.ms: Value must be at least -1']],
      ['a bad list item', [['cleanup.policy', 'compact,bogus']], [40, 'Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete']],
      ['conflicting compaction lags', [['min.compaction.lag.ms', '100'], ['max.compaction.lag.ms', '10']], [40, 'conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (10)']],
      ['APPEND to a non-list', [['retention.ms', '5', APPEND]], [40, "Can't APPEND to key retention.ms because its type is not LIST."]],
      ['SUBTRACT from a non-list', [['retention.ms', '5', SUBTRACT]], [40, "Can't SUBTRACT to key retention.ms because its type is not LIST."]],
      ['null values', [['segment.ms', null, SET], ['flush.ms', null, APPEND]], [42, 'Null value not supported for : segment.ms, flush.ms']],
      ['a duplicate key', [['segment.ms', '1000'], ['segment.ms', '2000']], [42, 'Error due to duplicate config keys']],
      ['tiered storage', [['remote.storage.enable', 'true']], [40, 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.']],
      ['an unknown operation', [['segment.ms', '1000', 7]], [-1, null]],
    ] as Array<[string, Op[], [number, string | null]]>)('refuses %s with Kafka’s error', async (_what, ops, expected) => {
      expect(await alterOne(TOPIC, 't1', ops)).toEqual(expected)
      expect((await entry(TOPIC, 't1', 'retention.ms')).value).toBe('3600000')
    })

    it('refuses unknown, illegal and default topics, and duplicate resources', async () => {
      expect(
        await incremental([
          {type: TOPIC, name: 'nosuch', ops: [['segment.ms', '1000']]},
          {type: TOPIC, name: 'bad name!', ops: [['segment.ms', '1000']]},
          {type: TOPIC, name: '', ops: [['segment.ms', '1000']]},
        ]),
      ).toEqual([
        [3, "The topic 'nosuch' does not exist."],
        [17, "Topic name is invalid: 'bad name!' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
        [42, 'Default topic resources are not allowed.'],
      ])
      expect(
        await incremental([
          {type: TOPIC, name: 't1', ops: [['segment.ms', '1000']]},
          {type: TOPIC, name: 't1', ops: [['segment.ms', '2000']]},
        ]),
      ).toEqual([
        [42, 'Each resource must appear at most once.'],
        [42, 'Each resource must appear at most once.'],
      ])
      expect(await incremental([{type: 99, name: 'x', ops: [['a', 'b']]}])).toEqual([[42, 'Unknown resource type 99']])
    })

    it('serves v0 like v1', async () => {
      expect(await incremental([{type: TOPIC, name: 't1', ops: [['segment.jitter.ms', '10']]}], false, 0)).toEqual([[0, null]])
      expect(await alterOne(TOPIC, 't1', [['segment.jitter.ms', null, DELETE]])).toEqual([0, null])
    })
  })

  describe('IncrementalAlterConfigs on brokers', () => {
    it('a cluster-wide default changes the broker config and every topic without an override', async () => {
      const c2 = await c.request<{topics: Array<{errorCode: number}>}>(API_KEY.CreateTopics, 7, {
        topics: [{name: 't2', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}],
        timeoutMs: 10000,
        validateOnly: false,
      })
      expect(c2.body.topics[0]!.errorCode).toBe(0)
      expect(await alterOne(BROKER, '', [['log.retention.ms', '7200000'], ['message.max.bytes', '2000000']])).toEqual([0, null])
      expect(broker.config.logRetentionMs).toBe(7200000n)
      expect(broker.config.get('message.max.bytes')).toBe(2000000)
      const t2 = await entries(TOPIC, 't2')
      expect(t2.get('retention.ms')).toMatchObject({
        value: '7200000',
        configSource: 3,
        synonyms: [
          {name: 'log.retention.ms', value: '7200000', source: 3},
          {name: 'log.retention.hours', value: '168', source: 5},
        ],
      })
      expect(t2.get('max.message.bytes')).toMatchObject({value: '2000000', configSource: 3})
      expect(broker.logManager.getLog('t2', 0)!.logConfig.retentionMs).toBe(7200000)
      expect(broker.logManager.getLog('t2', 0)!.logConfig.maxMessageBytes).toBe(2000000)
      // t1 keeps its own retention.ms but follows the default max.message.bytes.
      const t1 = await entries(TOPIC, 't1')
      expect(t1.get('retention.ms')!.synonyms.map((s) => [s.name, s.source])).toEqual([
        ['retention.ms', 1],
        ['log.retention.ms', 3],
        ['log.retention.hours', 5],
      ])
      expect(broker.logManager.getLog('t1', 0)!.logConfig.retentionMs).toBe(3600000)
      expect(broker.logManager.getLog('t1', 0)!.logConfig.maxMessageBytes).toBe(2000000)

      const dflt = await entries(BROKER, '')
      expect([...dflt.keys()].sort()).toEqual(['log.retention.ms', 'message.max.bytes', 'min.insync.replicas'])
      expect(dflt.get('log.retention.ms')!.synonyms).toEqual([{name: 'log.retention.ms', value: '7200000', source: 3}])

      expect(await alterOne(BROKER, '', [['log.retention.ms', null, DELETE], ['message.max.bytes', null, DELETE]])).toEqual([0, null])
      expect(broker.config.logRetentionMs).toBe(604800000n)
      expect(broker.logManager.getLog('t2', 0)!.logConfig.retentionMs).toBe(604800000)
      expect(await entry(TOPIC, 't2', 'retention.ms')).toMatchObject({value: '604800000', configSource: 5, synonyms: []})
    })

    it('a per-broker value wins over the cluster default; synonyms list every layer', async () => {
      expect(await alterOne(BROKER, '', [['log.cleaner.threads', '2']])).toEqual([0, null])
      expect(await alterOne(BROKER, '1', [['log.cleaner.threads', '3'], ['log.cleanup.policy', 'compact', APPEND]])).toEqual([0, null])
      expect(broker.config.get('log.cleaner.threads')).toBe(3)
      const threads = await entry(BROKER, '1', 'log.cleaner.threads')
      expect(threads).toMatchObject({value: '3', configSource: 2, readOnly: false})
      expect(threads.synonyms).toEqual([
        {name: 'log.cleaner.threads', value: '3', source: 2},
        {name: 'log.cleaner.threads', value: '2', source: 3},
        {name: 'log.cleaner.threads', value: '1', source: 5},
      ])
      expect(await entry(BROKER, '1', 'log.cleanup.policy')).toMatchObject({value: 'delete,compact', configSource: 2})
      // The default resource shows only its own layer.
      expect((await entries(BROKER, '')).get('log.cleaner.threads')!.synonyms).toEqual([{name: 'log.cleaner.threads', value: '2', source: 3}])
      expect(await alterOne(BROKER, '1', [['log.cleaner.threads', null, DELETE], ['log.cleanup.policy', null, DELETE]])).toEqual([0, null])
      expect(await alterOne(BROKER, '', [['log.cleaner.threads', null, DELETE]])).toEqual([0, null])
      expect(broker.config.get('log.cleaner.threads')).toBe(1)
    })

    it('keeps custom and password configs, described as sensitive', async () => {
      expect(await alterOne(BROKER, '1', [['foo.bar', 'baz'], ['listener.name.plaintext.ssl.key.password', 'pw']])).toEqual([0, null])
      const all = await entries(BROKER, '1')
      expect(all.get('foo.bar')).toMatchObject({value: null, isSensitive: true, readOnly: true, configSource: 2, configType: 0, synonyms: [{name: 'foo.bar', value: null, source: 2}]})
      expect(all.get('listener.name.plaintext.ssl.key.password')).toMatchObject({value: null, isSensitive: true, configSource: 2})
      expect(await alterOne(BROKER, '1', [['foo.bar', null, DELETE], ['listener.name.plaintext.ssl.key.password', null, DELETE]])).toEqual([0, null])
      expect((await entries(BROKER, '1')).has('foo.bar')).toBe(false)
    })

    it.each([
      ['read-only configs', '1', [['log.dirs', '/tmp/x'], ['broker.id', '5']], [42, 'Cannot update these configs dynamically: [broker.id, log.dirs]']],
      ['a read-only config at the default', '', [['auto.create.topics.enable', 'false']], [42, 'Cannot update these configs dynamically: [auto.create.topics.enable]']],
      ['advertised.listeners', '1', [['advertised.listeners', 'PLAINTEXT://127.0.0.1:1']], [42, 'Cannot update these configs dynamically: [advertised.listeners]']],
      ['a synonym that is read-only', '', [['log.retention.minutes', '60']], [42, 'Cannot update these configs dynamically: [log.retention.minutes]']],
      ['a per-broker config at the default', '', [['listeners', 'PLAINTEXT://:1234']], [42, 'Cannot update these configs at default cluster level, broker id must be specified: [listeners]']],
      ['a listener password at the default', '', [['listener.name.plaintext.ssl.key.password', 'x']], [42, 'Cannot update these configs at default cluster level, broker id must be specified: [listener.name.plaintext.ssl.key.password]']],
      ['a security config without listener prefix', '1', [['ssl.keystore.location', '/x']], [42, 'These security configs can be dynamically updated only per-listener using the listener prefix: [ssl.keystore.location]']],
      ['a value of the wrong type', '1', [['num.io.threads', 'abc']], [42, 'Invalid value abc for configuration num.io.threads: Not a number of type INT']],
      ['a value out of range', '1', [['num.io.threads', '0']], [42, 'Invalid value 0 for configuration num.io.threads: Value must be at least 1']],
      ['a bad enum value', '', [['compression.type', 'brotli']], [42, 'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer']],
      ['a too small segment size', '', [['log.segment.bytes', '100']], [42, 'Invalid value 100 for configuration log.segment.bytes: Value must be at least 1048576']],
      ['retention.ms 0', '', [['log.retention.ms', '0']], [42, 'requirement failed: log.retention.ms must be unlimited (-1) or, greater than or equal to 1']],
      ['more than double the threads', '1', [['num.io.threads', '100']], [42, 'Invalid value org.apache.kafka.common.config.ConfigException: Dynamic thread count update validation failed for num.io.threads=100, value should not be greater than double the current value 2 for configuration Invalid dynamic configuration']],
      ['more than double the cleaner threads', '1', [['log.cleaner.threads', '100']], [42, 'Invalid value org.apache.kafka.common.config.ConfigException: Log cleaner threads cannot be increased to more than double the current value 1 for configuration Invalid dynamic configuration']],
      ['unparseable listeners', '1', [['listeners', 'garbage']], [42, "Error creating broker listeners from '[garbage]': Unable to parse garbage to a broker endpoint"]],
      ['APPEND to a non-list', '1', [['log.cleaner.threads', '2', APPEND]], [40, 'Config value append is not allowed for config key: log.cleaner.threads']],
      ['SUBTRACT from a non-list', '1', [['log.cleaner.threads', '2', SUBTRACT]], [40, 'Config value subtract is not allowed for config key: log.cleaner.threads']],
      ['APPEND to an unknown config', '1', [['foo.baz', 'x', APPEND]], [40, 'Unknown config name: foo.baz']],
      ['an unknown operation', '1', [['log.cleaner.threads', '2', 7]], [42, 'Unknown operations type 7']],
      ['removing the cluster min.insync.replicas (ELR)', '', [['min.insync.replicas', null, DELETE]], [40, 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.']],
      ['a per-broker min.insync.replicas (ELR)', '1', [['min.insync.replicas', '1']], [40, 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.']],
      ['another broker id', '2', [['log.cleaner.threads', '2']], [42, 'Unexpected broker id, expected 1, but received 2']],
      ['a negative broker id', '-1', [['log.cleaner.threads', '2']], [42, 'Unexpected broker id, expected 1, but received -1']],
      ['a non-numeric broker id', 'abc', [['log.cleaner.threads', '2']], [42, 'Node id must be an integer, but it is: abc']],
    ] as Array<[string, string, Op[], [number, string]]>)('refuses %s with Kafka’s error', async (_what, name, ops, expected) => {
      expect(await alterOne(BROKER, name, ops)).toEqual(expected)
      expect(await alterOne(BROKER, name, ops, true)).toEqual(expected)
      expect(broker.config.dynamicBrokerConfigs.size).toBe(0)
      expect([...broker.config.dynamicDefaultConfigs.keys()]).toEqual(['min.insync.replicas'])
    })

    it('validateOnly checks a broker change without applying it; the cluster min.insync.replicas may change', async () => {
      expect(await alterOne(BROKER, '', [['log.segment.bytes', '2000000']], true)).toEqual([0, null])
      expect(broker.config.get('log.segment.bytes')).toBe(1073741824)
      expect(await alterOne(BROKER, '', [['min.insync.replicas', '1']])).toEqual([0, null])
    })
  })

  describe('AlterConfigs (legacy)', () => {
    it('replaces the whole override set of a topic', async () => {
      expect(await alterOne(TOPIC, 't1', [['segment.ms', '1000000']])).toEqual([0, null])
      expect(await legacy([{type: TOPIC, name: 't1', configs: [['segment.ms', '3000000'], ['retention.ms', '3600000']]}])).toEqual([[0, null]])
      expect(await legacy([{type: TOPIC, name: 't1', configs: [['retention.ms', '3600000']]}])).toEqual([[0, null]])
      const t1 = await entries(TOPIC, 't1')
      expect(t1.get('segment.ms')!.configSource).toBe(5)
      expect(t1.get('retention.ms')).toMatchObject({value: '3600000', configSource: 1})
    })

    it('replaces a broker resource and keeps validation', async () => {
      expect(await legacy([{type: BROKER, name: '1', configs: [['log.cleaner.threads', '2']]}])).toEqual([[0, null]])
      expect(broker.config.get('log.cleaner.threads')).toBe(2)
      expect(await legacy([{type: BROKER, name: '1', configs: []}])).toEqual([[0, null]])
      expect(broker.config.dynamicBrokerConfigs.size).toBe(0)
      expect(
        await legacy([
          {type: BROKER, name: '1', configs: [['log.dirs', '3']]},
          {type: BROKER, name: '', configs: [['log.retention.ms', '7200000']]},
          {type: BROKER, name: '2', configs: [['log.cleaner.threads', '2']]},
          {type: BROKER_LOGGER, name: '1', configs: [['root', 'INFO']]},
        ]),
      ).toEqual([
        [42, 'Cannot update these configs dynamically: [log.dirs]'],
        [40, 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.'],
        [42, 'Unexpected broker id, expected 1, but received 2'],
        [42, 'Unknown resource type 8'],
      ])
    })

    it('refuses nulls, duplicates, unknown names and topics', async () => {
      expect(
        await legacy([
          {type: TOPIC, name: 't1', configs: [['segment.ms', null]]},
          {type: TOPIC, name: 't2', configs: [['no.such', '1']]},
          {type: TOPIC, name: 'nosuch', configs: [['segment.ms', '1000']]},
          {type: TOPIC, name: '', configs: [['retention.ms', '1']]},
        ]),
      ).toEqual([
        [42, 'Null value not supported for : segment.ms'],
        [40, 'Unknown topic config name: no.such'],
        [3, "The topic 'nosuch' does not exist."],
        [42, 'Default topic resources are not allowed.'],
      ])
      expect(await legacy([{type: TOPIC, name: 't1', configs: [['segment.ms', '1'], ['segment.ms', '2']]}])).toEqual([[42, 'Error due to duplicate config keys']])
    })
  })

  describe('BROKER_LOGGER', () => {
    it('lists the loggers with their levels and changes them at run time', async () => {
      const loggers = await entries(BROKER_LOGGER, '1')
      expect(loggers.get('root')).toEqual({
        name: 'root',
        value: 'WARN',
        readOnly: false,
        isDefault: false,
        configSource: 6,
        isSensitive: false,
        synonyms: [],
        configType: 0,
        documentation: '',
      })
      expect(loggers.get('kafka.server.KafkaRaftServer')!.value).toBe('WARN')
      const controllerLog = 'org.apache.kafka.controller.QuorumController'
      expect(await alterOne(BROKER_LOGGER, '1', [[controllerLog, 'DEBUG']])).toEqual([0, null])
      expect((await entry(BROKER_LOGGER, '1', controllerLog)).value).toBe('DEBUG')
      expect(broker.logger.levels.effective(controllerLog)).toBe('debug')
      expect(await alterOne(BROKER_LOGGER, '1', [[controllerLog, null, DELETE]])).toEqual([0, null])
      expect((await entry(BROKER_LOGGER, '1', controllerLog)).value).toBe('WARN')
      expect(await alterOne(BROKER_LOGGER, '1', [['root', 'ERROR']], true)).toEqual([0, null])
      expect((await entry(BROKER_LOGGER, '1', 'root')).value).toBe('WARN')
    })

    it.each([
      ['a level log4j does not have', '1', [['root', 'LOUD']], [40, 'Cannot set the log level of root to LOUD as it is not a supported log level. Valid log levels are DEBUG, ERROR, FATAL, INFO, TRACE, WARN']],
      ['a logger that does not exist', '1', [['my.new.logger', 'WARN']], [40, 'Logger my.new.logger does not exist!']],
      ['APPEND', '1', [['root', 'DEBUG', APPEND]], [42, 'APPEND operation is not allowed for the BROKER_LOGGER resource']],
      ['removing root', '1', [['root', null, DELETE]], [42, 'Removing the log level of the root logger is not allowed']],
      ['another broker', '2', [['root', 'INFO']], [42, 'Unexpected node id. Expected 1, but received 2']],
      ['no broker id', '', [['root', 'INFO']], [42, 'Node id must be an integer, but it is: ']],
    ] as Array<[string, string, Op[], [number, string]]>)('refuses %s', async (_what, name, ops, expected) => {
      expect(await alterOne(BROKER_LOGGER, name, ops)).toEqual(expected)
    })

    it('refuses describing loggers of no broker or another broker', async () => {
      const results = await describeConfigs([
        {type: BROKER_LOGGER, name: ''},
        {type: BROKER_LOGGER, name: '2'},
        {type: BROKER_LOGGER, name: 'x'},
      ])
      expect(results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
        [42, 'Broker id must not be empty'],
        [42, 'Unexpected broker id, expected 1 but received 2'],
        [42, 'Broker id must be an integer, but it is: x'],
      ])
    })
  })

  it('dynamic configs survive a restart', async () => {
    expect(await alterOne(BROKER, '', [['log.retention.ms', '5400000']])).toEqual([0, null])
    expect(await alterOne(BROKER, '1', [['log.cleaner.threads', '2']])).toEqual([0, null])
    await stop()
    await start()
    expect(broker.config.logRetentionMs).toBe(5400000n)
    expect(broker.config.get('log.cleaner.threads')).toBe(2)
    expect(broker.logManager.getLog('t2', 0)!.logConfig.retentionMs).toBe(5400000)
    expect(await entry(TOPIC, 't2', 'retention.ms')).toMatchObject({value: '5400000', configSource: 3})
    expect(await entry(TOPIC, 't1', 'retention.ms')).toMatchObject({value: '3600000', configSource: 1})
  })
})
