// console produce / consume behaviour against Apache Kafka 4.3.1: codecs that
// Kafka's own consumer decodes, SIGINT and closed pipes, --include picking up
// new topics, --skip-message-on-error, --sync, --partition, and the end-of-run
// count on stderr.

import {spawn} from 'node:child_process'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {assertCliBuilt, CLI, runCli} from '../compat/helpers/cli.js'
import {type KafkaReference, startKafkaReference} from '../helpers/kafka-reference.js'
import {describeRun, runKafkaTool} from '../helpers/peers.js'

const JVM = {KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData', KAFKA_HEAP_OPTS: '-Xmx256m'}

let kafka: KafkaReference
let B: string

beforeAll(async () => {
  assertCliBuilt()
  kafka = await startKafkaReference()
  B = kafka.bootstrapServers
})
afterAll(async () => {
  await kafka?.stop()
})

async function ok(args: string[], input?: string) {
  const r = await runCli(args, {input})
  expect(r.code, describeRun(`tskafka ${args.join(' ')}`, r)).toBe(0)
  return r
}

describe('console produce', () => {
  it("writes every codec so that Kafka's console consumer reads it", async () => {
    await ok(['topics', 'create', 'codecs', '--bootstrap-server', B])
    const lines: string[] = []
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      const batch = Array.from({length: 50}, (_, i) => `${codec}-${i}-${'x'.repeat(i * 10)}`)
      lines.push(...batch)
      await ok(['console', 'produce', '--topic', 'codecs', '--compression-codec', codec, '--bootstrap-server', B], batch.join('\n') + '\n')
    }
    const r = await runKafkaTool('kafka-console-consumer', ['--bootstrap-server', B, '--topic', 'codecs', '--partition', '0', '--offset', 'earliest', '--max-messages', String(lines.length)], {env: JVM})
    expect(r.stdout.split('\n').filter(Boolean), describeRun('kafka-console-consumer', r)).toEqual(lines)
    const dump = await runKafkaTool('kafka-dump-log', ['--files', `${kafka.logDir}/codecs-0/00000000000000000000.log`], {env: JVM})
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) expect(dump.stdout).toContain(`compresscodec: ${codec}`)
    // And tskafka's own dump-log reads Kafka's segment the same way.
    const ours = await ok(['dump-log', '--files', `${kafka.logDir}/codecs-0/00000000000000000000.log`, '--print-data-log'])
    const theirs = await runKafkaTool('kafka-dump-log', ['--files', `${kafka.logDir}/codecs-0/00000000000000000000.log`, '--print-data-log'], {env: JVM})
    expect(ours.stdout).toBe(theirs.stdout)
  })

  it('--sync and --partition put every record where asked, acknowledged one by one', async () => {
    await ok(['topics', 'create', 'synced', '--partitions', '3', '--bootstrap-server', B])
    await ok(['console', 'produce', '--topic', 'synced', '--sync', '--partition', '2', '--request-required-acks', '1', '--bootstrap-server', B], 'a\nb\nc\n')
    const r = await ok(['get-offsets', '--topic', 'synced', '--bootstrap-server', B])
    expect(r.stdout).toBe('synced:0:0\nsynced:1:0\nsynced:2:3\n')
  })

  it("keys land in the partition Kafka's producer picks", async () => {
    await ok(['topics', 'create', 'keyed', '--partitions', '3', '--bootstrap-server', B])
    const input = ['k1', 'k2', 'k3', 'k4', 'k9'].map((k) => `${k}\tv`).join('\n') + '\n'
    await ok(['console', 'produce', '--topic', 'keyed', '--property', 'parse.key=true', '--bootstrap-server', B], input)
    await runKafkaTool('kafka-console-producer', ['--bootstrap-server', B, '--topic', 'keyed', '--reader-property', 'parse.key=true'], {input, env: JVM})
    const r = await ok(['console', 'consume', '--topic', 'keyed', '--from-beginning', '--max-messages', '10', '--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.value=false', '--bootstrap-server', B])
    const byKey = new Map<string, Set<string>>()
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const [partition, key] = line.split('\t')
      byKey.set(key!, (byKey.get(key!) ?? new Set()).add(partition!))
    }
    expect(Object.fromEntries([...byKey].map(([k, v]) => [k, [...v]]))).toEqual({k1: ['Partition:2'], k2: ['Partition:0'], k3: ['Partition:1'], k4: ['Partition:1'], k9: ['Partition:2']})
  })
})

describe('console consume', () => {
  it('prints the count on SIGINT and exits as Kafka does (130)', async () => {
    await ok(['topics', 'create', 'live', '--bootstrap-server', B])
    await ok(['console', 'produce', '--topic', 'live', '--bootstrap-server', B], 'one\ntwo\n')
    const child = spawn(process.execPath, [CLI, 'console', 'consume', '--topic', 'live', '--from-beginning', '--bootstrap-server', B], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b))
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (b: Buffer) => {
        stdout += b
        if (stdout === 'one\ntwo\n') resolve()
      }),
    )
    child.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    expect(stdout).toBe('one\ntwo\n')
    expect(stderr).toBe('Processed a total of 2 messages\n')
    expect(code).toBe(130)
  })

  it('stops quietly when its output is closed (| head)', async () => {
    await ok(['topics', 'create', 'many', '--bootstrap-server', B])
    await ok(['console', 'produce', '--topic', 'many', '--bootstrap-server', B], Array.from({length: 20000}, (_, i) => `line ${i} ${'x'.repeat(100)}`).join('\n'))
    const child = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" console consume --topic many --from-beginning --timeout-ms 20000 --bootstrap-server ${B} | head -3`], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b))
    child.stderr.on('data', (b: Buffer) => (stderr += b))
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    expect(stdout).toBe([0, 1, 2].map((i) => `line ${i} ${'x'.repeat(100)}\n`).join(''))
    expect(code).toBe(0)
    expect(stderr).toContain('Unable to write to standard out, closing consumer.')
    expect(stderr).toMatch(/Processed a total of \d+ messages/)
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('--include follows a regex, picking up topics created while it runs', async () => {
    await ok(['topics', 'create', 'inc-a', '--bootstrap-server', B])
    await ok(['console', 'produce', '--topic', 'inc-a', '--bootstrap-server', B], 'a1\n')
    const child = spawn(process.execPath, [CLI, 'console', 'consume', '--include', 'inc-.*', '--from-beginning', '--max-messages', '2', '--timeout-ms', '20000', '--bootstrap-server', B], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b))
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    await new Promise((r) => setTimeout(r, 1500))
    await ok(['topics', 'create', 'inc-b', '--bootstrap-server', B])
    await ok(['console', 'produce', '--topic', 'inc-b', '--bootstrap-server', B], 'b1\n')
    expect(await closed).toBe(0)
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['a1', 'b1'])
  })

  it('--skip-message-on-error skips records a deserializer rejects; without it the run stops with one line', async () => {
    await ok(['topics', 'create', 'ints', '--bootstrap-server', B])
    const rec = (hex: string) => JSON.stringify({key: null, value: Buffer.from(hex, 'hex').toString('base64'), valueEncoding: 'base64'})
    await ok(['console', 'produce', '--topic', 'ints', '--input-format', 'json', '--bootstrap-server', B], [rec('00000001'), rec('0002'), rec('00000003')].join('\n'))
    const args = ['console', 'consume', '--topic', 'ints', '--from-beginning', '--max-messages', '3', '--value-deserializer', 'org.apache.kafka.common.serialization.IntegerDeserializer', '--bootstrap-server', B]
    const skipped = await ok([...args, '--skip-message-on-error'])
    expect(skipped.stdout).toBe('1\n3\n')
    expect(skipped.stderr).toMatch(/Error processing message, skipping this message: Size of data received by IntegerDeserializer is not 4/)
    const stopped = await runCli(args)
    expect(stopped.code).toBe(1)
    expect(stopped.stdout).toBe('1\n')
    expect(stopped.stderr.split('\n').filter((l) => l.startsWith('Error: '))).toHaveLength(1)
    expect(stopped.stderr).toContain('Processed a total of 2 messages')
  })

  it('--from-time/--to-time read a time window and exit', async () => {
    await ok(['topics', 'create', 'window', '--partitions', '2', '--bootstrap-server', B])
    const now = Date.now()
    const input = [-180, -90, -30, -5].map((m, i) => JSON.stringify({partition: i % 2, timestamp: now + m * 60_000, key: null, value: `m${m}`})).join('\n')
    await ok(['console', 'produce', '--topic', 'window', '--input-format', 'json', '--bootstrap-server', B], input)
    const r = await ok(['console', 'consume', '--topic', 'window', '--from-time', '-2h', '--to-time', '-10m', '--bootstrap-server', B])
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['m-30', 'm-90'])
    expect(r.stderr).toBe('Processed a total of 2 messages\n')
  })
})
