// Records the raw Kafka protocol frames that real clients send, and what a real broker answers, as
// hex fixtures for decode tests: test/fixtures/golden/<client>-<api>-v<version>[-<variant>].hex
// (the request), .response.hex (the broker's answer) and .json (who produced them).
//
//   npx tsx scripts/capture-golden.ts [--clients kafkajs,kcat,java,kafka-python] [--out DIR]
//                                     [--upstream HOST:PORT --listen-port N] [--no-cap]
//
// A recording proxy on loopback sits between the clients and a broker. By default the broker is a
// fresh Apache Kafka (the peers install) whose advertised listener is the proxy, so every
// connection a client opens passes through it. With --upstream the broker is one already running
// (a tskafka broker, say); it must advertise the proxy's address (--listen-port) for the same reason.
//
// Clients are driven through the common APIs (admin calls, produce with each codec, group consume,
// offsets, transactions for Java). Their client ids are "golden-<client>.<variant>"; the recorder
// keeps the first exchange per client, API and version (per codec for Produce and Fetch).
//
// The ApiVersions answer a client sees is capped to the versions this project's generated codecs
// know (src/protocol/generated), so clients newer than the schemas pick versions the decode tests
// can read; the .response.hex of ApiVersions is the broker's uncapped answer. --no-cap turns this off.

import {execFileSync} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server, Socket} from 'node:net'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import kafkajs from 'kafkajs'

import {API_DESCRIPTORS, requestHeaderVersion, responseHeaderVersion} from '../src/protocol/generated/index.js'
import {decodeApiVersionsResponse, encodeApiVersionsResponse} from '../src/protocol/generated/api-versions-response.js'
import {Reader, Writer} from '../src/protocol/primitives.js'
import {registerKafkajsCodecs} from '../src/protocol/kafkajs-codecs.js'
import {freePort, type KafkaReference, startKafkaReference} from '../test/helpers/kafka-reference.js'
import {describeRun, kafkaVersion, REPO_ROOT, runJava, runKcat, runPython} from '../test/helpers/peers.js'

const API_VERSIONS_KEY = 18
const FETCH_KEY = 1
const VARIANT_APIS = new Set(['Produce', 'Fetch'])
const CLIENTS = ['kafkajs', 'kcat', 'java', 'kafka-python'] as const
type ClientName = (typeof CLIENTS)[number]
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

interface Exchange {
  clientId: string
  apiKey: number
  apiVersion: number
  correlationId: number
  /** Request frame without its size prefix. */
  request: Buffer
  /** The broker's response frame without its size prefix (before any capping). */
  response: Buffer
  capped: boolean
}

// ---------------------------------------------------------------------------------------------
// The recording proxy

class RecordingProxy {
  readonly exchanges: Exchange[] = []
  private server: Server | undefined
  private sockets = new Set<Socket>()

  constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
    private readonly capVersions: boolean,
  ) {}

  async listen(port: number): Promise<void> {
    this.server = createServer((client) => this.connection(client))
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(port, '127.0.0.1', () => resolve())
    })
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  private connection(client: Socket): void {
    const upstream = new Socket()
    this.sockets.add(client)
    this.sockets.add(upstream)
    const pending = new Map<number, {clientId: string; apiKey: number; apiVersion: number; request: Buffer}>()
    const toUpstream: Buffer[] = []
    let upstreamReady = false

    const closeBoth = () => {
      client.destroy()
      upstream.destroy()
      this.sockets.delete(client)
      this.sockets.delete(upstream)
    }
    client.on('error', closeBoth)
    upstream.on('error', closeBoth)
    client.on('close', closeBoth)
    upstream.on('close', closeBoth)

    upstream.connect(this.upstreamPort, this.upstreamHost, () => {
      upstreamReady = true
      for (const b of toUpstream) upstream.write(b)
      toUpstream.length = 0
    })

    client.on(
      'data',
      frames((frame) => {
        const r = new Reader(frame)
        const apiKey = r.int16()
        const apiVersion = r.int16()
        const correlationId = r.int32()
        // Every request header version from 1 on has client_id as a classic nullable string.
        const clientId = r.nullableString() ?? ''
        pending.set(correlationId, {clientId, apiKey, apiVersion, request: Buffer.from(frame)})
        const sized = withSize(frame)
        if (upstreamReady) upstream.write(sized)
        else toUpstream.push(sized)
      }),
    )

    upstream.on(
      'data',
      frames((frame) => {
        const correlationId = frame.readInt32BE(0)
        const req = pending.get(correlationId)
        let forward = frame
        if (req) {
          pending.delete(correlationId)
          let capped = false
          if (req.apiKey === API_VERSIONS_KEY && this.capVersions) {
            const c = capApiVersions(frame, req.apiVersion)
            if (c) {
              forward = c
              capped = true
            }
          }
          this.exchanges.push({...req, correlationId, response: Buffer.from(frame), capped})
        }
        client.write(withSize(forward))
      }),
    )
  }
}

/** Splits a TCP byte stream into size-prefixed Kafka frames (returned without the prefix). */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0)
  return (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
    while (buf.length >= 4) {
      const size = buf.readInt32BE(0)
      if (buf.length < 4 + size) break
      onFrame(buf.subarray(4, 4 + size))
      buf = buf.subarray(4 + size)
    }
  }
}

function withSize(frame: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(frame.length, 0)
  return Buffer.concat([size, frame])
}

/**
 * An ApiVersions response (header v0: correlation id only) with each API's max version lowered to
 * what the generated codecs support and APIs they do not know removed; null if it cannot be read.
 */
function capApiVersions(frame: Buffer, version: number): Buffer | null {
  try {
    const r = new Reader(frame, 4)
    const res = decodeApiVersionsResponse(r, version)
    if (res.errorCode !== 0) return null
    res.apiKeys = res.apiKeys
      .filter((k) => API_DESCRIPTORS.has(k.apiKey))
      .map((k) => ({...k, maxVersion: Math.min(k.maxVersion, API_DESCRIPTORS.get(k.apiKey)!.maxVersion)}))
      .filter((k) => k.maxVersion >= k.minVersion)
    // transaction.version 2 (KIP-890) makes clients add partitions to a transaction implicitly
    // through Produce v12+, which the cap removes; level 1 keeps them on AddPartitionsToTxn.
    const produceMax = res.apiKeys.find((k) => k.apiKey === 0)?.maxVersion ?? 0
    if (produceMax < 12) {
      for (const f of res.finalizedFeatures) {
        if (f.name === 'transaction.version') f.maxVersionLevel = Math.min(f.maxVersionLevel, 1)
      }
      for (const f of res.supportedFeatures) {
        if (f.name === 'transaction.version') f.maxVersion = Math.min(f.maxVersion, 1)
      }
    }
    const w = new Writer()
    w.int32(frame.readInt32BE(0))
    encodeApiVersionsResponse(w, res, version)
    return Buffer.from(w.finish())
  } catch (err) {
    console.error(`capture-golden: cannot cap ApiVersions v${version}: ${(err as Error).message}`)
    return null
  }
}

// ---------------------------------------------------------------------------------------------
// Clients

async function runKafkajs(bootstrap: string): Promise<void> {
  registerKafkajsCodecs()
  const {Kafka, logLevel, CompressionTypes} = kafkajs
  const codecType: Record<string, number> = {
    none: CompressionTypes.None,
    gzip: CompressionTypes.GZIP,
    snappy: CompressionTypes.Snappy,
    lz4: CompressionTypes.LZ4,
    zstd: CompressionTypes.ZSTD,
  }
  const kafka = (variant: string) =>
    new Kafka({clientId: `golden-kafkajs.${variant}`, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 3}})
  const topic = (codec: string) => `golden-kafkajs-${codec}`
  const admin = kafka('admin').admin()
  await admin.connect()
  await admin.createTopics({topics: CODECS.map((c) => ({topic: topic(c), numPartitions: 1, replicationFactor: 1})), waitForLeaders: true})
  await admin.describeCluster()
  await admin.listTopics()
  await admin.fetchTopicMetadata({topics: [topic('none')]})
  await admin.describeConfigs({resources: [{type: 2, name: topic('none')}], includeSynonyms: false})
  await admin.createPartitions({topicPartitions: [{topic: topic('none'), count: 2}]})

  for (const codec of CODECS) {
    const producer = kafka(codec).producer({idempotent: codec === 'none', maxInFlightRequests: codec === 'none' ? 1 : undefined})
    await producer.connect()
    await producer.send({
      topic: topic(codec),
      compression: codecType[codec],
      acks: -1,
      messages: [0, 1, 2].map((i) => ({partition: 0, key: `key-${i}`, value: `value-${i} ${codec}`, headers: {h: `header-${i}`}})),
    })
    await producer.disconnect()
  }

  for (const codec of CODECS) {
    const consumer = kafka(codec).consumer({groupId: `golden-kafkajs-${codec}`})
    await consumer.connect()
    await consumer.subscribe({topic: topic(codec), fromBeginning: true})
    let seen = 0
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kafkajs read ${seen} of 3 records from ${topic(codec)}`)), 30_000)
      void consumer.run({
        autoCommit: true,
        eachMessage: async () => {
          seen++
          if (seen >= 3) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
    await consumer.disconnect()
  }

  await admin.fetchTopicOffsets(topic('none'))
  await admin.fetchTopicOffsetsByTimestamp(topic('none'), Date.now() - 60_000)
  await admin.listGroups()
  await admin.describeGroups([`golden-kafkajs-none`])
  await admin.fetchOffsets({groupId: 'golden-kafkajs-none', topics: [topic('none')]})
  await admin.deleteTopicRecords({topic: topic('none'), partitions: [{partition: 0, offset: '1'}]})
  await admin.deleteGroups(['golden-kafkajs-gzip'])
  await admin.deleteTopics({topics: CODECS.map(topic)})
  await admin.disconnect()
}

async function runKcatClient(bootstrap: string): Promise<void> {
  const common = (variant: string) => ['-b', bootstrap, '-X', `client.id=golden-kcat.${variant}`]
  const topic = (codec: string) => `golden-kcat-${codec}`
  const check = (what: string, r: Awaited<ReturnType<typeof runKcat>>) => {
    if (r.code !== 0) throw new Error(describeRun(what, r))
  }
  check('kcat -L', await runKcat([...common('metadata'), '-L'], {timeoutMs: 30_000}))
  for (const codec of CODECS) {
    const input = [0, 1, 2].map((i) => `key-${i}:value-${i} ${codec}`).join('\n') + '\n'
    check(
      `kcat -P ${codec}`,
      await runKcat([...common(codec), '-P', '-t', topic(codec), '-p', '0', '-K', ':', '-z', codec, '-H', 'h=header', '-X', 'topic.request.required.acks=-1'], {
        input,
        timeoutMs: 30_000,
      }),
    )
  }
  for (const codec of CODECS) {
    check(`kcat -C ${codec}`, await runKcat([...common(codec), '-C', '-t', topic(codec), '-o', 'beginning', '-e', '-q'], {timeoutMs: 30_000}))
  }
  // A balanced consumer: group coordinator, join/sync, heartbeats, offset commit and leave.
  check(
    'kcat -G',
    await runKcat([...common('group'), '-G', 'golden-kcat-group', topic('none'), '-o', 'beginning', '-e', '-q', '-X', 'enable.auto.commit=true', '-X', 'auto.commit.interval.ms=100'], {
      timeoutMs: 60_000,
    }),
  )
}

async function runJavaClient(bootstrap: string): Promise<void> {
  const r = await runJava('GoldenClient.java', [bootstrap], {timeoutMs: 240_000})
  if (r.code !== 0) console.error(describeRun('java GoldenClient (fixtures kept for the steps that worked)', r))
}

async function runKafkaPythonClient(bootstrap: string): Promise<void> {
  const r = await runPython('golden_client.py', [bootstrap], {timeoutMs: 240_000})
  if (r.code !== 0) console.error(describeRun('kafka-python golden_client.py (fixtures kept for the steps that worked)', r))
}

const RUNNERS: Record<ClientName, (bootstrap: string) => Promise<void>> = {
  kafkajs: runKafkajs,
  kcat: runKcatClient,
  java: runJavaClient,
  'kafka-python': runKafkaPythonClient,
}

function clientLibrary(client: ClientName): string {
  switch (client) {
    case 'kafkajs': {
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'kafkajs', 'package.json'), 'utf8')) as {version: string}
      return `kafkajs ${pkg.version}`
    }
    case 'kcat': {
      const v = execFileSync('kcat', ['-V'], {encoding: 'utf8'})
      const m = /Version (\S+) .*librdkafka (\S+)/.exec(v)
      return m ? `kcat ${m[1]} (librdkafka ${m[2]})` : 'kcat (librdkafka)'
    }
    case 'java':
      return `Apache Kafka Java client ${kafkaVersion()}`
    case 'kafka-python': {
      const v = execFileSync('/usr/bin/python3', ['-c', 'import kafka; print(kafka.__version__)'], {encoding: 'utf8'}).trim()
      return `kafka-python ${v}`
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
}

function hexLines(buf: Buffer): string {
  const hex = buf.toString('hex')
  const lines: string[] = []
  for (let i = 0; i < hex.length; i += 64) lines.push(hex.slice(i, i + 64))
  return lines.join('\n') + '\n'
}

function parseClientId(clientId: string): {client: ClientName; variant: string} | null {
  const m = /^golden-([a-z-]+)\.(.+)$/.exec(clientId)
  if (!m || !(CLIENTS as readonly string[]).includes(m[1])) return null
  return {client: m[1] as ClientName, variant: m[2]}
}

function fixtureBase(ex: Exchange, libraries: Map<ClientName, string>): string | null {
  const id = parseClientId(ex.clientId)
  if (!id || !libraries.has(id.client)) return null
  const apiName = API_DESCRIPTORS.get(ex.apiKey)?.name ?? `api${ex.apiKey}`
  const variant = VARIANT_APIS.has(apiName) ? `-${id.variant}` : ''
  return `${id.client}-${kebab(apiName)}-v${ex.apiVersion}${variant}`
}

function writeFixtures(out: string, exchanges: Exchange[], libraries: Map<ClientName, string>, broker: string): number {
  // The first exchange per name wins, except for Fetch, where the largest response (the one that
  // carried records rather than an empty long poll) does.
  const chosen = new Map<string, Exchange>()
  for (const ex of exchanges) {
    const base = fixtureBase(ex, libraries)
    if (!base) continue
    const prev = chosen.get(base)
    if (!prev || (ex.apiKey === FETCH_KEY && ex.response.length > prev.response.length)) chosen.set(base, ex)
  }
  let written = 0
  for (const [base, ex] of chosen) {
    const {client, variant} = parseClientId(ex.clientId)!
    const api = API_DESCRIPTORS.get(ex.apiKey)
    const apiName = api?.name ?? `api${ex.apiKey}`
    writeFileSync(join(out, `${base}.hex`), hexLines(ex.request))
    writeFileSync(join(out, `${base}.response.hex`), hexLines(ex.response))
    const sidecar = {
      client,
      clientLibrary: libraries.get(client),
      clientId: ex.clientId,
      api: apiName,
      apiKey: ex.apiKey,
      apiVersion: ex.apiVersion,
      variant: VARIANT_APIS.has(apiName) ? variant : null,
      requestHeaderVersion: api ? requestHeaderVersion(ex.apiKey, ex.apiVersion) : null,
      responseHeaderVersion: api ? responseHeaderVersion(ex.apiKey, ex.apiVersion) : null,
      correlationId: ex.correlationId,
      request: `${base}.hex`,
      requestBytes: ex.request.length,
      response: `${base}.response.hex`,
      responseBytes: ex.response.length,
      broker,
      framing: 'each .hex file holds one frame without its 4-byte size prefix: header then body',
      ...(ex.capped ? {note: 'the client was shown this ApiVersions response capped to the generated codecs\u2019 versions'} : {}),
    }
    writeFileSync(join(out, `${base}.json`), JSON.stringify(sidecar, null, 2) + '\n')
    written++
  }
  return written
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv: string[]) {
  const opts = {clients: [...CLIENTS] as ClientName[], out: join(REPO_ROOT, 'test', 'fixtures', 'golden'), upstream: '', listenPort: 0, cap: true}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) fail(`${a} needs a value`)
      return v
    }
    if (a === '--clients') {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean)
      for (const n of names) if (!(CLIENTS as readonly string[]).includes(n)) fail(`unknown client ${n} (known: ${CLIENTS.join(', ')})`)
      opts.clients = names as ClientName[]
    } else if (a === '--out') opts.out = value()
    else if (a === '--upstream') opts.upstream = value()
    else if (a === '--listen-port') opts.listenPort = Number(value())
    else if (a === '--no-cap') opts.cap = false
    else fail(`unknown argument ${a}`)
  }
  if (opts.upstream && !opts.listenPort) fail('--upstream needs --listen-port (the port the upstream broker advertises)')
  return opts
}

function fail(message: string): never {
  console.error(`capture-golden: ${message}`)
  process.exit(1)
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const listenPort = opts.listenPort || (await freePort())
  let reference: KafkaReference | undefined
  let upstreamHost: string
  let upstreamPort: number
  let broker: string
  if (opts.upstream) {
    const [h, p] = opts.upstream.split(':')
    upstreamHost = h
    upstreamPort = Number(p)
    broker = `upstream ${opts.upstream}`
  } else {
    reference = await startKafkaReference({overrides: {'advertised.listeners': `PLAINTEXT://127.0.0.1:${listenPort}`}})
    upstreamHost = reference.host
    upstreamPort = reference.port
    broker = `Apache Kafka ${kafkaVersion()}`
  }
  const proxy = new RecordingProxy(upstreamHost, upstreamPort, opts.cap)
  await proxy.listen(listenPort)
  const bootstrap = `127.0.0.1:${listenPort}`
  const libraries = new Map<ClientName, string>()
  let failed = 0
  try {
    for (const client of opts.clients) {
      libraries.set(client, clientLibrary(client))
      const t0 = Date.now()
      try {
        await RUNNERS[client](bootstrap)
      } catch (err) {
        failed++
        console.error(`capture-golden: ${client}: ${(err as Error).message}`)
      }
      console.log(`capture-golden: ${client} done in ${Date.now() - t0} ms`)
      await sleep(200)
    }
  } finally {
    await proxy.close()
    await reference?.stop()
  }

  mkdirSync(opts.out, {recursive: true})
  // Replace the fixtures of the clients captured now; keep the others'.
  for (const f of readdirSync(opts.out)) {
    if (opts.clients.some((c) => f.startsWith(`${c}-`))) rmSync(join(opts.out, f))
  }
  const written = writeFixtures(opts.out, proxy.exchanges, libraries, broker)
  console.log(`capture-golden: ${proxy.exchanges.length} exchanges seen, ${written} fixtures written to ${opts.out}`)
  if (failed > 0) process.exit(1)
}

await main()
