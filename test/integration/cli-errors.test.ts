// Bad input: every invalid flag combination and every broker error gives one
// clear "Error: ..." line on stderr and a non-zero exit code (2 for usage
// errors, 1 for the rest), never a stack trace. Broker errors are provoked on
// Apache Kafka 4.3.1 (the reference), authentication failures on a Kafka with
// a SASL listener.

import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {SASL_PASSWORD, SASL_USER, type SaslKafka, startSaslKafka} from '../compat/helpers/sasl-kafka.js'
import {freePort} from '../helpers/kafka-reference.js'
import {describeRun, type RunResult} from '../helpers/peers.js'

const dir = mkdtempSync(join(tmpdir(), 'tskafka-cli-errors-'))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function expectOneLineError(r: RunResult, code: number, message: RegExp): void {
  const what = describeRun('tskafka', r)
  expect(r.timedOut, what).toBe(false)
  expect(r.code, what).toBe(code)
  const lines = r.stderr.split('\n').filter((l) => l !== '')
  expect(lines, what).toHaveLength(1)
  expect(lines[0], what).toMatch(/^Error: /)
  expect(lines[0], what).toMatch(new RegExp(message.source, 'i'))
  expect(r.stderr, what).not.toMatch(/\bat .+:\d+:\d+\)?$/m)
}

// No broker is reachable at this address: usage errors must be found before connecting.
const NOWHERE = ['--bootstrap-server', '127.0.0.1:9']

const USAGE_ERRORS: Array<[string[], RegExp]> = [
  [['topics', ...NOWHERE], /exactly one action: --list, --describe, --create, --alter or --delete/],
  [['topics', '--list', '--create', ...NOWHERE], /exactly one action/],
  [['topics', '--create', ...NOWHERE], /Missing required argument "--topic"/],
  [['topics', '--alter', '--topic', 't', ...NOWHERE], /Missing required argument "--partitions"/],
  [['topics', '--alter', '--topic', 't', '--partitions', '2', '--config', 'a=b', ...NOWHERE], /"--config" can't be used with option "--alter".*kafka-configs/],
  [['topics', '--list', '--partitions', '3', ...NOWHERE], /"--partitions" can't be used with option "--list"/],
  [['topics', '--describe', '--replication-factor', '3', ...NOWHERE], /"--replication-factor" can't be used with option "--describe"/],
  [['topics', '--create', '--topic', 't', '--replica-assignment', '1', '--partitions', '2', ...NOWHERE], /"--replica-assignment" can't be used with option "--partitions"/],
  [['topics', '--describe', '--if-not-exists', ...NOWHERE], /"--if-not-exists" can't be used with option "--describe"/],
  [['topics', '--create', '--topic', 't', '--exclude-internal', ...NOWHERE], /"--exclude-internal" can't be used with option "--create"/],
  [['topics', '--describe', '--under-replicated-partitions', '--topics-with-overrides', ...NOWHERE], /can't be used with option "--topics-with-overrides"/],
  [['topics', '--describe', '--if-exists', ...NOWHERE], /--topic or --topic-id is required to describe a topic/],
  [['topics', '--create', '--topic', 't', '--config', 'novalue', ...NOWHERE], /all configs to be added must be in the format "key=val"/],
  [['topics', '--list', '--zookeeper', 'localhost:2181'], /--zookeeper is not supported: .*removed .*ZooKeeper.*--bootstrap-server/],
  [['configs', '--describe', '--topic', 't', '--zookeeper=localhost:2181'], /--zookeeper is not supported/],
  [['topics', '--list', '--bogus', ...NOWHERE], /Nonexistent flag: --bogus/],
  [['topics', '--create', '--topic', 't', '--partitions', 'abc', ...NOWHERE], /Parsing --partitions: Expected an integer but received: abc/],
  [['topics', '--describe', '--output', 'xml', ...NOWHERE], /Expected --output=xml to be one of/],
  [['topics', '--describe', '--topic', '(unclosed', ...NOWHERE], /is an invalid regex/],
  [['topics', 'create', 'a', '--topic', 'b', ...NOWHERE], /two topics given/i],
  [['console', 'consume', ...NOWHERE], /Exactly one of --include\/--topic is required/],
  [['console', 'consume', '--topic', 't', '--include', 'x', ...NOWHERE], /Exactly one of --include\/--topic is required/],
  [['console', 'consume', '--topic', 't', '--offset', '5', ...NOWHERE], /The partition is required when offset is specified/],
  [['console', 'consume', '--include', 't.*', '--partition', '0', ...NOWHERE], /The topic is required when partition is specified/],
  [['console', 'consume', '--topic', 't', '--partition', '0', '--offset', '5', '--from-beginning', ...NOWHERE], /from-beginning and offset cannot be specified together/],
  [['console', 'consume', '--topic', 't', '--partition', '0', '--offset', 'abc', ...NOWHERE], /The provided offset value 'abc' is incorrect/],
  [['console', 'consume', '--topic', 't', '--group', 'g', '--partition', '0', ...NOWHERE], /group and partition cannot be specified together/],
  [['console', 'consume', '--topic', 't', '--group', 'g', '--consumer-property', 'group.id=h', ...NOWHERE], /group ids provided in different places .* do not match/],
  [['console', 'consume', '--topic', 't', '--from-beginning', '--consumer-property', 'auto.offset.reset=latest', ...NOWHERE], /Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest'/],
  [['console', 'consume', '--topic', 't', '--from-time', 'yesterday', ...NOWHERE], /invalid --from-time 'yesterday'/i],
  [['console', 'consume', '--topic', 't', '--from-time', '-1h', '--from-beginning', ...NOWHERE], /--from-time cannot be used with --offset or --from-beginning/],
  [['console', 'consume', '--topic', 't', '--from-time', 'now', '--to-time', '-1h', ...NOWHERE], /--to-time is before --from-time/],
  [['console', 'consume', '--topic', 't', '--isolation-level', 'bogus', ...NOWHERE], /isolation.level: String must be one of: read_committed, read_uncommitted/],
  [['console', 'consume', '--topic', 't', '--property', 'key.deserializer=com.example.Custom', ...NOWHERE], /key.deserializer com.example.Custom is not supported/],
  [['console', 'consume', '--topic', 't', '--formatter', 'kafka.tools.LoggingMessageFormatter', ...NOWHERE], /--formatter .* is not supported/],
  [['console', 'consume', '--topic', 't', '--property', 'novalue', ...NOWHERE], /invalid --property 'novalue': expected key=value/],
  [['console', 'produce', ...NOWHERE], /Missing required argument "--topic"/],
  [['console', 'produce', '--topic', 't', '--line-reader', 'com.example.Reader', ...NOWHERE], /--line-reader .* is not supported/],
  [['console', 'produce', '--topic', 't', '--input-format', 'avro', ...NOWHERE], /Expected --input-format=avro to be one of/],
  [['configs', ...NOWHERE], /exactly one action: --describe, --alter/],
  [['configs', '--describe', ...NOWHERE], /At least one entity type must be specified/],
  [['configs', '--describe', '--alter', '--topic', 't', ...NOWHERE], /exactly one action/],
  [['configs', '--alter', '--topic', 't', ...NOWHERE], /At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter/],
  [['configs', '--describe', '--topic', 't', '--add-config', 'a=b', ...NOWHERE], /"--describe" can't be used with option "--add-config"/],
  [['configs', '--alter', '--topic', 't', '--add-config', 'novalue', ...NOWHERE], /Invalid entity config: all configs to be added must be in the format "key=val"/],
  [['configs', '--describe', '--entity-type', 'users', ...NOWHERE], /entity type users is not supported by tskafka yet/],
  [['configs', '--describe', '--entity-type', 'things', ...NOWHERE], /Invalid entity type things/],
  [['configs', '--describe', '--broker', 'abc', ...NOWHERE], /must be a valid integer broker id, but it is: abc/],
  [['configs', '--describe', '--topic', 't', '--entity-type', 'topics', ...NOWHERE], /--entity-\{type,name,default\} should not be used in conjunction with specific entity flags/],
  [['configs', '--alter', '--entity-type', 'brokers', '--add-config', 'a=b', ...NOWHERE], /An entity-name or default entity must be specified with --alter of users, clients, brokers or ips/],
  [['get-offsets', '--topic-partitions', 'a', '--topic', 'b', ...NOWHERE], /--topic-partitions cannot be used with --topic or --partitions/],
  [['get-offsets', '--time', 'bogus', ...NOWHERE], /Malformed time argument bogus/],
  [['get-offsets', '--partitions', 'x,y', ...NOWHERE], /--partitions expects a comma separated list of numeric partition ids/],
  [['delete-records', ...NOWHERE], /Missing required flag offset-json-file/],
  [['dump-log'], /Missing required flag files/],
  [['dump-log', '--files', 'x.log', '--offsets-decoder'], /--offsets-decoder is not supported/],
  [['context', 'use'], /Missing 1 required arg/],
  [['context', 'add', 'bad name!', '--bootstrap-server', 'x:1'], /invalid context name 'bad name!'/],
]

const RUNTIME_ERRORS: Array<[string, () => string[], RegExp]> = [
  ['no broker configured anywhere', () => ['topics', '--list'], /No broker to connect to: pass --bootstrap-server .*TSKAFKA_BOOTSTRAP_SERVER.*context add.*cluster start/],
  ['a malformed bootstrap address', () => ['topics', '--list', '--bootstrap-server', 'localhost'], /Invalid bootstrap server 'localhost': expected host:port/],
  ['a missing --command-config file', () => ['topics', '--list', '--bootstrap-server', '127.0.0.1:9', '--command-config', join(dir, 'missing.properties')], /Cannot read --command-config file .*missing.properties: no such file/],
  ['an unknown security.protocol', () => ['topics', '--list', '--bootstrap-server', '127.0.0.1:9', '--command-config', file('bad-protocol.properties', 'security.protocol=BOGUS\n')], /Invalid value BOGUS for configuration security.protocol/],
  ['GSSAPI (Kafka\'s default SASL mechanism)', () => ['topics', '--list', '--bootstrap-server', '127.0.0.1:9', '--command-config', file('gssapi.properties', 'security.protocol=SASL_PLAINTEXT\n')], /sasl.mechanism GSSAPI is not supported; use one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/],
  ['a bad sasl.jaas.config', () => ['topics', '--list', '--bootstrap-server', '127.0.0.1:9', '--command-config', file('jaas.properties', 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=PlainLoginModule username="a";\n')], /invalid sasl.jaas.config: expected a control flag/],
  ['an unknown context', () => ['topics', '--list', '--context', 'nope'], /No context named 'nope'/],
  ['a missing dump-log file', () => ['dump-log', '--files', join(dir, '00000000000000000000.log')], /Cannot read .*00000000000000000000.log: no such file/],
  ['an offset JSON file that is not JSON', () => ['delete-records', '--bootstrap-server', '127.0.0.1:9', '--offset-json-file', file('bad.json', '{not json')], /The input string is not a valid JSON/],
  ['duplicate partitions in the offset JSON file', () => ['delete-records', '--bootstrap-server', '127.0.0.1:9', '--offset-json-file', file('dup.json', '{"partitions":[{"topic":"t","partition":0,"offset":1},{"topic":"t","partition":0,"offset":2}],"version":1}')], /duplicate topic partitions: t-0/],
]

describe('usage errors: exit 2, one line, before any connection', () => {
  beforeAll(() => assertCliBuilt())
  for (const [args, message] of USAGE_ERRORS) {
    it(`tskafka ${args.filter((a) => !NOWHERE.includes(a)).join(' ')}`, async () => {
      expectOneLineError(await runCli(args), 2, message)
    })
  }
})

describe('errors without a broker: exit 1, one line', () => {
  for (const [what, args, message] of RUNTIME_ERRORS) {
    it(what, async () => {
      expectOneLineError(await runCli(args()), 1, message)
    })
  }

  it('an unreachable broker names the address and what to try', async () => {
    const port = await freePort()
    for (const cmd of [['topics', '--list'], ['console', 'consume', '--topic', 't'], ['configs', '--describe', '--topic', 't'], ['get-offsets']]) {
      const r = await runCli([...cmd, '--bootstrap-server', `127.0.0.1:${port}`])
      expectOneLineError(r, 1, new RegExp(`Cannot connect to 127\\.0\\.0\\.1:${port}: connection refused\\. Is a broker running there\\? Check --bootstrap-server`))
    }
  })

  it('an unreachable address from $TSKAFKA_BOOTSTRAP_SERVER says to check that variable', async () => {
    const port = await freePort()
    const r = await runCli(['topics', '--list'], {env: {TSKAFKA_BOOTSTRAP_SERVER: `127.0.0.1:${port}`}})
    expectOneLineError(r, 1, /Cannot connect to .*connection refused\. .*Check \$TSKAFKA_BOOTSTRAP_SERVER/)
  })
})

describe('authentication (Kafka with a SASL_PLAINTEXT listener)', () => {
  let kafka: SaslKafka
  const props = (mechanism: string, password: string) =>
    file(
      `${mechanism}-${password}.properties`,
      [
        'security.protocol=SASL_PLAINTEXT',
        `sasl.mechanism=${mechanism}`,
        `sasl.jaas.config=org.apache.kafka.common.security.${mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule'} required username="${SASL_USER}" password="${password}";`,
        '',
      ].join('\n'),
    )

  beforeAll(async () => {
    kafka = await startSaslKafka()
  }, 120_000)
  afterAll(async () => {
    await kafka?.stop()
  })

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    it(`${mechanism} with the right password works`, async () => {
      const create = await runCli(['topics', 'create', `auth-${mechanism.toLowerCase()}`, '--bootstrap-server', kafka.sasl, '--command-config', props(mechanism, SASL_PASSWORD)])
      expect(create.code, describeRun('create', create)).toBe(0)
      const produce = await runCli(['console', 'produce', '--topic', `auth-${mechanism.toLowerCase()}`, '--bootstrap-server', kafka.sasl, '--producer.config', props(mechanism, SASL_PASSWORD)], {input: 'secret\n'})
      expect(produce.code, describeRun('produce', produce)).toBe(0)
      const consume = await runCli(['console', 'consume', '--topic', `auth-${mechanism.toLowerCase()}`, '--from-beginning', '--max-messages', '1', '--bootstrap-server', kafka.sasl, '--consumer.config', props(mechanism, SASL_PASSWORD)])
      expect(consume.stdout, describeRun('consume', consume)).toBe('secret\n')
    })

    it(`${mechanism} with a wrong password fails in one line`, async () => {
      const r = await runCli(['topics', '--list', '--bootstrap-server', kafka.sasl, '--command-config', props(mechanism, 'wrong')])
      expectOneLineError(r, 1, new RegExp(`Authentication as '${SASL_USER}' with SASL/${mechanism} failed at 127\\.0\\.0\\.1:\\d+: .*(Invalid username or password|Authentication failed)`))
    })
  }

  it('a SASL client on the PLAINTEXT listener is told to check security.protocol', async () => {
    const r = await runCli(['topics', '--list', '--bootstrap-server', kafka.plaintext, '--command-config', props('PLAIN', SASL_PASSWORD)])
    expect(r.code, describeRun('list', r)).toBe(1)
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(r.stderr).toMatch(/^Error: .*(security\.protocol|closed the connection)/)
  })

  it('TLS: security.protocol=SSL with a PEM trust store connects; without it the certificate is refused in one line', async () => {
    const trusted = file('ssl.properties', `security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=${kafka.caFile}\n`)
    const ok = await runCli(['topics', 'create', 'over-tls', '--bootstrap-server', kafka.ssl, '--command-config', trusted])
    expect(ok.code, describeRun('create over TLS', ok)).toBe(0)
    const produce = await runCli(['console', 'produce', '--topic', 'over-tls', '--bootstrap-server', kafka.ssl, '--producer-property', 'security.protocol=SSL', '--producer-property', 'ssl.truststore.type=PEM', '--producer-property', `ssl.truststore.location=${kafka.caFile}`], {input: 'tls\n'})
    expect(produce.code, describeRun('produce over TLS', produce)).toBe(0)
    const consume = await runCli(['console', 'consume', '--topic', 'over-tls', '--from-beginning', '--max-messages', '1', '--bootstrap-server', kafka.ssl, '--consumer.config', trusted])
    expect(consume.stdout, describeRun('consume over TLS', consume)).toBe('tls\n')
    const untrusted = await runCli(['topics', '--list', '--bootstrap-server', kafka.ssl, '--command-config', file('ssl-untrusted.properties', 'security.protocol=SSL\n')])
    expectOneLineError(untrusted, 1, /TLS handshake with 127\.0\.0\.1:\d+ failed: .*(self.signed|certificate)/)
  })

  it('a plaintext client on the SASL listener fails in one line', async () => {
    const r = await runCli(['topics', '--list', '--bootstrap-server', kafka.sasl])
    expect(r.code, describeRun('list', r)).toBe(1)
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(r.stderr).toMatch(/^Error: /)
  })
})
