// Apache Kafka's own kafka-configs.sh and kafka-log-dirs.sh against the bundled broker, side by
// side with a real Apache Kafka 4.3.1 broker started from the same server.properties: the same
// commands must print the same topic configs (names, values, sources, synonyms), the same
// dynamic broker configs and the same errors. Broker configs are compared on the names both
// define, minus those that differ by nature (ports, paths, the default log dir).

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Broker} from '../../src/broker/broker.js'
import {createLogger} from '../../src/broker/logger.js'
import {API_KEY, type DescribeConfigsResponse} from '../../src/protocol/generated/index.js'
import {freePort, referenceServerProperties, startKafkaReference, type KafkaReference} from '../helpers/kafka-reference.js'
import {assertPeers, describeRun, runKafkaTool, type RunResult} from '../helpers/peers.js'
import {WireClient} from '../helpers/wire-client.js'

const TOPIC = 'cfg-topic'
/** Client JVMs that start fast on a small machine. */
const TOOL_ENV = {KAFKA_HEAP_OPTS: '-Xmx256m', KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData'}

/** Broker configs whose values differ between the two brokers by nature. */
const DIFFERENT_BY_NATURE = new Set(['listeners', 'advertised.listeners', 'controller.quorum.voters', 'log.dirs', 'log.dir'])

interface Target {
  name: string
  bootstrap: string
  port: number
}

async function configs(target: Target, args: string[]): Promise<RunResult> {
  return runKafkaTool('kafka-configs', ['--bootstrap-server', target.bootstrap, ...args], {env: TOOL_ENV, timeoutMs: 90_000})
}

async function configsOk(target: Target, args: string[]): Promise<string> {
  const r = await configs(target, args)
  if (r.code !== 0) throw new Error(describeRun(`kafka-configs ${args.join(' ')} against ${target.name}`, r))
  return r.stdout
}

/** The "Caused by:" line of a failed tool run: the exception Kafka's admin client built from the broker's answer. */
function causedBy(r: RunResult): string {
  expect(r.code).toBe(1)
  return r.stderr.split('\n').find((l) => l.startsWith('Caused by:')) ?? r.stderr
}

/** `name=value sensitive=x synonyms={...}` lines of a describe, by name. */
function describedLines(out: string): Map<string, string> {
  const lines = out.split('\n').filter((l) => l.startsWith('  '))
  return new Map(lines.map((l) => [l.trim().split('=')[0]!, l.trim()]))
}

async function createTopic(port: number): Promise<void> {
  const c = await WireClient.connect(port)
  try {
    const {body} = await c.request<{topics: Array<{errorCode: number; errorMessage: string | null}>}>(API_KEY.CreateTopics, 7, {
      topics: [{name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{name: 'retention.ms', value: '3600000'}]}],
      timeoutMs: 30000,
      validateOnly: false,
    })
    expect(body.topics[0]).toMatchObject({errorCode: 0})
  } finally {
    c.close()
  }
}

describe('kafka-configs.sh and kafka-log-dirs.sh: tskafka and Apache Kafka side by side', () => {
  let reference: KafkaReference
  let broker: Broker
  let dataDir: string
  let ours: Target
  let kafka: Target
  /** Runs the same tool command against both brokers. */
  const both = (args: string[]) => Promise.all([configs(ours, args), configs(kafka, args)])

  beforeAll(async () => {
    assertPeers()
    dataDir = mkdtempSync(join(tmpdir(), 'tskafka-configs-tools-'))
    const port = await freePort()
    let controllerPort = await freePort()
    while (controllerPort === port) controllerPort = await freePort()
    const [ref] = await Promise.all([
      startKafkaReference(),
      (async () => {
        broker = await Broker.start(referenceServerProperties({nodeId: 1, port, controllerPort, logDir: dataDir}), {logger: createLogger({level: 'error', sink: () => {}})})
      })(),
    ])
    reference = ref
    ours = {name: 'tskafka', bootstrap: `127.0.0.1:${broker.port}`, port: broker.port}
    kafka = {name: 'Apache Kafka', bootstrap: reference.bootstrapServers, port: reference.port}
    await Promise.all([createTopic(ours.port), createTopic(kafka.port)])
  }, 180_000)

  afterAll(async () => {
    await Promise.all([broker?.stop(), reference?.stop()])
    if (dataDir) rmSync(dataDir, {recursive: true, force: true})
  })

  it('answers DescribeConfigs for a topic and the broker field for field as Kafka does', async () => {
    const describe = async (port: number, resourceType: number, resourceName: string) => {
      const c = await WireClient.connect(port)
      try {
        const {body} = await c.request<DescribeConfigsResponse>(API_KEY.DescribeConfigs, 4, {
          resources: [{resourceType, resourceName, configurationKeys: null}],
          includeSynonyms: true,
          includeDocumentation: true,
        })
        return new Map(body.results[0]!.configs.map((e) => [e.name, e]))
      } finally {
        c.close()
      }
    }
    const [ourTopic, kafkaTopic, ourBroker, kafkaBroker] = await Promise.all([
      describe(ours.port, 2, TOPIC),
      describe(kafka.port, 2, TOPIC),
      describe(ours.port, 4, '1'),
      describe(kafka.port, 4, '1'),
    ])
    expect(ourTopic.size).toBe(33)
    expect(new Map([...ourTopic].sort())).toEqual(new Map([...kafkaTopic].sort()))
    const differing = [...ourBroker.values()].filter((e) => !DIFFERENT_BY_NATURE.has(e.name) && JSON.stringify(e) !== JSON.stringify(kafkaBroker.get(e.name)))
    expect(differing.map((e) => e.name)).toEqual([])
  }, 60_000)

  it('describes a topic with --all exactly as Kafka does', async () => {
    const [a, b] = await Promise.all([
      configsOk(ours, ['--describe', '--all', '--entity-type', 'topics', '--entity-name', TOPIC]),
      configsOk(kafka, ['--describe', '--all', '--entity-type', 'topics', '--entity-name', TOPIC]),
    ])
    expect(a).toContain(`All configs for topic ${TOPIC} are:`)
    expect(a).toContain('  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000}')
    expect(describedLines(a).size).toBe(33)
    expect(a).toBe(b)
  }, 120_000)

  it('alters topic and broker configs with the same results', async () => {
    const steps: string[][] = [
      ['--alter', '--entity-type', 'topics', '--entity-name', TOPIC, '--add-config', 'segment.ms=1000000,cleanup.policy=[compact,delete],max.message.bytes=2000000'],
      ['--alter', '--entity-type', 'topics', '--entity-name', TOPIC, '--delete-config', 'segment.ms'],
      ['--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=7200000,log.cleaner.threads=2,log.cleanup.policy=[compact,delete]'],
      ['--alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'log.cleaner.threads=3,compression.type=gzip'],
    ]
    for (const args of steps) {
      const [a, b] = await both(args)
      expect(a.code, describeRun('tskafka', a)).toBe(0)
      expect(b.code, describeRun('Apache Kafka', b)).toBe(0)
      expect(a.stdout).toBe(b.stdout)
    }
    const describes: string[][] = [
      ['--describe', '--all', '--entity-type', 'topics', '--entity-name', TOPIC],
      ['--describe', '--entity-type', 'topics', '--entity-name', TOPIC],
      ['--describe', '--entity-type', 'brokers', '--entity-default'],
      ['--describe', '--entity-type', 'brokers', '--entity-name', '1'],
      ['--describe', '--entity-type', 'brokers'],
    ]
    for (const args of describes) {
      const [a, b] = await both(args)
      expect(a.code, describeRun('tskafka', a)).toBe(0)
      expect(a.stdout).toBe(b.stdout)
    }
    const [topicAll] = await both(describes[0]!)
    expect(topicAll.stdout).toContain(
      '  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000, DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000, DEFAULT_CONFIG:log.retention.hours=168}',
    )
    expect(topicAll.stdout).toContain('  segment.ms=604800000 sensitive=false synonyms={}')
  }, 300_000)

  it('describes broker 1 with --all like Kafka for every config both define', async () => {
    const [a, b] = await both(['--describe', '--all', '--entity-type', 'brokers', '--entity-name', '1'])
    expect(a.code, describeRun('tskafka', a)).toBe(0)
    const oursLines = describedLines(a.stdout)
    const kafkaLines = describedLines(b.stdout)
    // Every config tskafka describes is one Kafka describes too (Kafka 4.3.1 has ~180 more: SSL, SASL,
    // quotas, remote storage, share and streams groups, metrics).
    expect(oursLines.size).toBeGreaterThan(150)
    expect(kafkaLines.size).toBeGreaterThan(oursLines.size)
    expect([...oursLines.keys()].filter((n) => !kafkaLines.has(n))).toEqual([])
    const mismatched = [...oursLines]
      .filter(([name, line]) => !DIFFERENT_BY_NATURE.has(name) && kafkaLines.get(name) !== line)
      .map(([name, line]) => `ours:  ${line}\nkafka: ${kafkaLines.get(name)}`)
    expect(mismatched).toEqual([])
    expect(oursLines.get('log.cleaner.threads')).toBe(
      'log.cleaner.threads=3 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=3, DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.threads=2, DEFAULT_CONFIG:log.cleaner.threads=1}',
    )
  }, 120_000)

  it('fails the same way on bad requests', async () => {
    const cases: string[][] = [
      ['--alter', '--entity-type', 'topics', '--entity-name', TOPIC, '--add-config', 'retention.ms=abc'],
      ['--alter', '--entity-type', 'topics', '--entity-name', 'nosuch', '--add-config', 'retention.ms=1'],
      ['--alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'log.dirs=/x'],
      ['--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'listeners=PLAINTEXT://:1'],
      ['--alter', '--entity-type', 'brokers', '--entity-default', '--delete-config', 'min.insync.replicas'],
    ]
    for (const args of cases) {
      const [a, b] = await both(args)
      expect(causedBy(a)).toBe(causedBy(b))
    }
  }, 300_000)

  it('cleans up broker defaults with --delete-config', async () => {
    const args = ['--alter', '--entity-type', 'brokers', '--entity-default', '--delete-config', 'log.retention.ms,log.cleaner.threads,log.cleanup.policy']
    const [a, b] = await both(args)
    expect(a.stdout).toBe(b.stdout)
    expect(a.stdout).toContain('Completed updating default config for brokers in the cluster.')
    expect(broker.config.logRetentionMs).toBe(604800000n)
    const [da, db] = await both(['--describe', '--entity-type', 'brokers', '--entity-default'])
    expect(da.stdout).toBe(db.stdout)
  }, 120_000)

  it('sets broker-logger levels and describes them', async () => {
    const logger = 'org.apache.kafka.controller.QuorumController'
    expect(await configsOk(ours, ['--alter', '--entity-type', 'broker-loggers', '--entity-name', '1', '--add-config', `${logger}=DEBUG`])).toContain(
      'Completed updating config for broker-logger 1.',
    )
    const out = await configsOk(ours, ['--describe', '--entity-type', 'broker-loggers', '--entity-name', '1'])
    expect(out).toContain('Dynamic configs for broker-logger 1 are:')
    expect(out).toContain(`  ${logger}=DEBUG sensitive=false synonyms={}`)
    expect(out).toContain('  root=ERROR sensitive=false synonyms={}')
    expect(broker.logger.levels.effective(logger)).toBe('debug')
  }, 120_000)

  it('kafka-log-dirs.sh --describe reports the same partitions as Kafka', async () => {
    const run = (t: Target, extra: string[] = []) =>
      runKafkaTool('kafka-log-dirs', ['--bootstrap-server', t.bootstrap, '--describe', ...extra], {env: TOOL_ENV, timeoutMs: 90_000})
    for (const extra of [[], ['--topic-list', `${TOPIC},nosuch`]]) {
      const [a, b] = await Promise.all([run(ours, extra), run(kafka, extra)])
      expect(a.code, describeRun('tskafka', a)).toBe(0)
      const parse = (r: RunResult) => JSON.parse(r.stdout.trim().split('\n').pop()!) as {brokers: Array<{broker: number; logDirs: Array<{logDir: string; error: string | null; partitions: Array<{partition: string}>}>}>}
      const ja = parse(a)
      const jb = parse(b)
      expect(ja.brokers[0]!.logDirs[0]!.logDir).toBe(dataDir)
      const normalize = (j: ReturnType<typeof parse>) =>
        j.brokers.map((br) => ({...br, logDirs: br.logDirs.map((d) => ({...d, logDir: 'DIR', partitions: [...d.partitions].sort((x, y) => x.partition.localeCompare(y.partition))}))}))
      expect(normalize(ja)).toEqual(normalize(jb))
      expect(normalize(ja)[0]!.logDirs[0]!.partitions).toEqual([
        {partition: `${TOPIC}-0`, size: 0, offsetLag: 0, isFuture: false},
        {partition: `${TOPIC}-1`, size: 0, offsetLag: 0, isFuture: false},
      ])
    }
  }, 180_000)
})
