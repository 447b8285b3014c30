// The broker over real TCP: raw frames for exact protocol behaviour
// (ApiVersions of every version, Metadata, DescribeCluster, pipelining,
// oversize and undecodable frames, graceful stop) and kafkajs for a real
// client's view.

import {once} from 'node:events'
import {mkdtempSync, rmSync} from 'node:fs'
import {connect, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Broker} from '../../src/broker/broker.js'
import {FrameDecoder, frame} from '../../src/broker/framing.js'
import {WireClient, decodeResponse} from '../helpers/wire-client.js'
import {defineHandler, HandlerRegistry, loadHandlerRegistry} from '../../src/broker/registry.js'
import {ErrorCode} from '../../src/protocol/errors.js'
import {
  API_DESCRIPTORS,
  decodeApiVersionsResponse,
  decodeResponseHeader,
  encodeRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  type ApiVersionsResponse,
  type DescribeClusterResponse,
  type MetadataResponse,
} from '../../src/protocol/generated/index.js'
import {Reader, Writer, ZERO_UUID} from '../../src/protocol/primitives.js'

const API_VERSIONS = 18
const METADATA = 3
const DESCRIBE_CLUSTER = 60
const PRODUCE = 0

const apiVersionsRequest = {clientSoftwareName: 'wire-test', clientSoftwareVersion: '1.0'}
const metadataRequest = (topics: Array<{name: string | null; topicId?: string}> | null) => ({
  topics: topics === null ? null : topics.map((t) => ({topicId: t.topicId ?? ZERO_UUID, name: t.name})),
  allowAutoTopicCreation: true,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
})

// ---------------------------------------------------------------------------

const home = mkdtempSync(join(tmpdir(), 'tskafka-broker-api-'))
let broker: Broker
let logLines: string[] = []

beforeAll(async () => {
  // A registry with the real handlers plus a stand-in Produce handler that,
  // like acks=0, answers nothing: the broker must skip its response slot.
  const registry = new HandlerRegistry((await loadHandlerRegistry()).all().filter((h) => h.name !== 'Produce'))
  registry.register(
    defineHandler('Produce', {
      minVersion: 3,
      maxVersion: 11,
      handle: () => null,
    }),
  )
  broker = await Broker.start(
    {
      listeners: 'PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
      'controller.listener.names': 'CONTROLLER',
      'log.dirs': join(home, 'logs'),
      'socket.request.max.bytes': '65536',
      'broker.rack': 'rack-a',
      'node.id': '7',
      // These tests look at how unknown topics are reported; creation has its own tests.
      'auto.create.topics.enable': 'false',
    },
    {env: {TSKAFKA_HOME: home}, registry, logLevel: 'warn', logSink: (l) => logLines.push(l)},
  )
})

afterAll(async () => {
  await broker?.stop()
  rmSync(home, {recursive: true, force: true})
})

describe('broker start-up', () => {
  it('binds ephemeral ports, advertises them and formats the log dir', () => {
    expect(broker.port).toBeGreaterThan(0)
    expect(broker.nodeId).toBe(7)
    expect(broker.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(broker.bootstrapServers).toBe(`127.0.0.1:${broker.port}`)
    const bound = broker.boundEndpoints
    expect(bound.map((b) => [b.listenerName, b.listenerType])).toEqual([
      ['PLAINTEXT', 'broker'],
      ['CONTROLLER', 'controller'],
    ])
    expect(bound.every((b) => b.port > 0)).toBe(true)
    expect(broker.advertisedEndpoints).toEqual([{listenerName: 'PLAINTEXT', host: '127.0.0.1', port: broker.port, securityProtocol: 'PLAINTEXT'}])
  })

  it('keeps the cluster id across restarts of the same log dir', async () => {
    const dir = join(home, 'restart-logs')
    const props = {listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dir}
    const first = await Broker.start(props, {env: {TSKAFKA_HOME: home}, logLevel: 'off'})
    const id = first.clusterId
    await first.stop()
    const second = await Broker.start(props, {env: {TSKAFKA_HOME: home}, logLevel: 'off'})
    expect(second.clusterId).toBe(id)
    await second.stop()
  })

  it('fails clearly when the port is taken', async () => {
    await expect(
      Broker.start({listeners: `PLAINTEXT://127.0.0.1:${broker.port}`, 'log.dirs': join(home, 'taken')}, {env: {TSKAFKA_HOME: home}, logLevel: 'off'}),
    ).rejects.toThrow(`Socket server failed to bind to 127.0.0.1:${broker.port}: Address already in use.`)
  })
})

describe('ApiVersions', () => {
  it.each([0, 1, 2, 3, 4])('answers v%i with the registered APIs and their ranges', async (version) => {
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<ApiVersionsResponse>(API_VERSIONS, version, apiVersionsRequest)
    c.close()
    expect(body.errorCode).toBe(0)
    const keys = new Map(body.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    expect(keys.get(API_VERSIONS)).toEqual([0, 4])
    expect(keys.get(METADATA)).toEqual([0, 12])
    expect(keys.get(DESCRIBE_CLUSTER)).toEqual([0, 1])
    expect(keys.get(PRODUCE)).toEqual([3, 11])
    for (const k of body.apiKeys) {
      const d = API_DESCRIPTORS.get(k.apiKey)!
      expect(k.minVersion).toBeGreaterThanOrEqual(d.minVersion)
      expect(k.maxVersion).toBeLessThanOrEqual(d.maxVersion)
    }
    if (version >= 3) {
      expect(body.supportedFeatures).toEqual([{name: 'metadata.version', minVersion: 7, maxVersion: 25}])
      expect(body.finalizedFeatures).toEqual([{name: 'metadata.version', minVersionLevel: 25, maxVersionLevel: 25}])
      expect(body.finalizedFeaturesEpoch).toBeGreaterThanOrEqual(0n)
    }
  })

  it('answers an unsupported version with a v0 UNSUPPORTED_VERSION reply naming its own range', async () => {
    const c = await WireClient.connect(broker.port)
    // v5 of a flexible API: header v2, body unknown to the broker.
    const w = new Writer()
    encodeRequestHeader(w, {requestApiKey: API_VERSIONS, requestApiVersion: 5, correlationId: 42, clientId: 'future'}, 2)
    w.raw(Buffer.from([0x01, 0x01, 0x00]))
    c.send(frame(Buffer.from(w.finish())))
    const f = (await c.nextFrame())!
    const r = new Reader(f)
    expect(decodeResponseHeader(r, 0).correlationId).toBe(42)
    const body = decodeApiVersionsResponse(r, 0)
    expect(r.remaining).toBe(0)
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(body.apiKeys).toEqual([{apiKey: API_VERSIONS, minVersion: 0, maxVersion: 4}])
    // The client retries with a version the broker knows, on the same connection.
    const {body: retry} = await c.request<ApiVersionsResponse>(API_VERSIONS, 3, apiVersionsRequest)
    expect(retry.errorCode).toBe(0)
    c.close()
  })

  it('rejects an invalid client software name with INVALID_REQUEST (v3+)', async () => {
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<ApiVersionsResponse>(API_VERSIONS, 3, {clientSoftwareName: '-bad name-', clientSoftwareVersion: '1'})
    expect(body.errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(body.apiKeys).toEqual([])
    c.close()
  })

  it('lists only controller APIs on a controller listener', async () => {
    const controller = broker.boundEndpoints.find((e) => e.listenerType === 'controller')!
    const c = await WireClient.connect(controller.port)
    const {body} = await c.request<ApiVersionsResponse>(API_VERSIONS, 4, apiVersionsRequest)
    const keys = body.apiKeys.map((k) => k.apiKey)
    expect(keys).toContain(API_VERSIONS)
    expect(keys).toContain(DESCRIBE_CLUSTER)
    expect(keys).not.toContain(METADATA)
    // Metadata is not served there: Kafka closes the connection.
    c.send(c.encode(METADATA, 12, metadataRequest(null)))
    expect(await c.nextFrame()).toBeNull()
  })
})

describe('Metadata', () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('v%i describes the broker and reports unknown topics', async (version) => {
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<MetadataResponse>(METADATA, version, metadataRequest([{name: 'no-such-topic'}, {name: 'bad/name'}, {name: 'no-such-topic'}]))
    c.close()
    expect(body.brokers).toEqual([{nodeId: 7, host: '127.0.0.1', port: broker.port, rack: version >= 1 ? 'rack-a' : null}])
    if (version >= 1) expect(body.controllerId).toBe(7)
    if (version >= 2) expect(body.clusterId).toBe(broker.clusterId)
    expect(body.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['no-such-topic', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION],
    ])
  })

  it('lists no topics for an all-topics request (v0 empty list, v1+ null)', async () => {
    const c = await WireClient.connect(broker.port)
    expect((await c.request<MetadataResponse>(METADATA, 0, metadataRequest([]))).body.topics).toEqual([])
    expect((await c.request<MetadataResponse>(METADATA, 12, metadataRequest(null))).body.topics).toEqual([])
    // v1+: an empty list means no topics, and still lists the brokers.
    const none = await c.request<MetadataResponse>(METADATA, 1, metadataRequest([]))
    expect(none.body.topics).toEqual([])
    expect(none.body.brokers.length).toBe(1)
    c.close()
  })

  it('v12 reports an unknown topic id as UNKNOWN_TOPIC_ID', async () => {
    const c = await WireClient.connect(broker.port)
    const id = Buffer.alloc(16, 7).toString('base64url')
    const {body} = await c.request<MetadataResponse>(METADATA, 12, metadataRequest([{name: null, topicId: id}]))
    expect(body.topics).toEqual([
      {errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: id, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648},
    ])
    c.close()
  })

  it('treats a v12 request with any topic id as an id request, as Kafka does', async () => {
    const c = await WireClient.connect(broker.port)
    const id = Buffer.alloc(16, 9).toString('base64url')
    const {body} = await c.request<MetadataResponse>(METADATA, 12, metadataRequest([{name: 'by-name'}, {name: null, topicId: id}]))
    expect(body.topics.map((t) => [t.name, t.topicId, t.errorCode])).toEqual([[null, id, ErrorCode.UNKNOWN_TOPIC_ID]])
    c.close()
  })

  it('answers INVALID_REQUEST per topic when v10-11 use topic ids or null names', async () => {
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<MetadataResponse>(METADATA, 11, metadataRequest([{name: null}, {name: 'a'}]))
    expect(body.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['', ErrorCode.INVALID_REQUEST],
      ['a', ErrorCode.INVALID_REQUEST],
    ])
    // The connection stays usable.
    expect((await c.request<ApiVersionsResponse>(API_VERSIONS, 3, apiVersionsRequest)).body.errorCode).toBe(0)
    c.close()
  })

  it('fills topic authorized operations for looked-up topics when asked (v8+)', async () => {
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<MetadataResponse>(METADATA, 12, {...metadataRequest([{name: 'unknown'}]), includeTopicAuthorizedOperations: true})
    // READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS
    expect(body.topics[0]!.topicAuthorizedOperations).toBe((1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11))
    c.close()
  })

  it('fills authorized operations only when asked (cluster v8-10)', async () => {
    const c = await WireClient.connect(broker.port)
    const asked = {...metadataRequest([]), includeClusterAuthorizedOperations: true}
    const {body} = await c.request<MetadataResponse>(METADATA, 10, asked)
    // CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE
    expect(body.clusterAuthorizedOperations).toBe((1 << 5) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 7) | (1 << 8))
    const {body: v12} = await c.request<MetadataResponse>(METADATA, 12, metadataRequest([]))
    expect(v12.clusterAuthorizedOperations).toBe(-2147483648)
    c.close()
  })
})

describe('DescribeCluster', () => {
  it.each([0, 1])('v%i describes the brokers on this listener', async (version) => {
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<DescribeClusterResponse>(DESCRIBE_CLUSTER, version, {includeClusterAuthorizedOperations: false, endpointType: 1})
    c.close()
    expect(body.errorCode).toBe(0)
    expect(body.clusterId).toBe(broker.clusterId)
    expect(body.controllerId).toBe(7)
    expect(body.brokers).toEqual([{brokerId: 7, host: '127.0.0.1', port: broker.port, rack: 'rack-a'}])
    expect(body.clusterAuthorizedOperations).toBe(-2147483648)
  })

  it('answers MISMATCHED_ENDPOINT_TYPE when a broker listener is asked for controllers', async () => {
    const c = await WireClient.connect(broker.port)
    const {body} = await c.request<DescribeClusterResponse>(DESCRIBE_CLUSTER, 1, {includeClusterAuthorizedOperations: false, endpointType: 2})
    c.close()
    expect(body.errorCode).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE)
    expect(body.errorMessage).toBe('The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER')
    // Like Kafka, an error response carries no cluster details.
    expect([body.clusterId, body.controllerId, body.brokers]).toEqual(['', -1, []])
  })

  it('describes the controllers on a controller listener', async () => {
    const controller = broker.boundEndpoints.find((e) => e.listenerType === 'controller')!
    const c = await WireClient.connect(controller.port)
    const {body} = await c.request<DescribeClusterResponse>(DESCRIBE_CLUSTER, 1, {includeClusterAuthorizedOperations: true, endpointType: 2})
    c.close()
    expect(body.errorCode).toBe(0)
    expect(body.endpointType).toBe(2)
    expect(body.brokers).toEqual([{brokerId: 7, host: '127.0.0.1', port: controller.port, rack: 'rack-a'}])
    expect(body.clusterAuthorizedOperations).toBeGreaterThan(0)
  })
})

describe('SASL on a PLAINTEXT listener', () => {
  it('answers SaslHandshake and SaslAuthenticate with ILLEGAL_SASL_STATE, as Kafka does', async () => {
    const c = await WireClient.connect(broker.port)
    const hs = await c.request<{errorCode: number; mechanisms: string[]}>(17, 1, {mechanism: 'PLAIN'})
    expect(hs.body).toEqual({errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: []})
    const auth = await c.request<{errorCode: number; errorMessage: string | null}>(36, 2, {authBytes: Buffer.from('\0user\0pw')})
    expect(auth.body.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE)
    expect(auth.body.errorMessage).toBe('SaslAuthenticate request received after successful authentication')
    c.close()
  })
})

describe('connections', () => {
  it('answers pipelined requests in request order even when handlers finish out of order', async () => {
    // The first Metadata request waits on a slow auto-creation; everything after it is immediate.
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    broker.state.topicAutoCreator = async () => {
      await gate
    }
    try {
      const c = await WireClient.connect(broker.port)
      const frames: Buffer[] = [c.encode(METADATA, 12, metadataRequest([{name: 'slow-topic'}]), 0)]
      for (let i = 1; i < 60; i++) {
        const kind = i % 3
        if (kind === 0) frames.push(c.encode(API_VERSIONS, 3, apiVersionsRequest, i))
        else if (kind === 1) frames.push(c.encode(METADATA, 9, metadataRequest([{name: 'x'}]), i))
        else frames.push(c.encode(DESCRIBE_CLUSTER, 1, {includeClusterAuthorizedOperations: false, endpointType: 1}, i))
      }
      c.send(Buffer.concat(frames))
      setTimeout(release, 100)
      const order: number[] = []
      for (let i = 0; i < 60; i++) {
        const f = (await c.nextFrame())!
        order.push(f.readInt32BE(0))
      }
      expect(order).toEqual([...Array(60).keys()])
      c.close()
    } finally {
      broker.state.topicAutoCreator = null
    }
  })

  it('skips the response of a request whose handler answers nothing (acks=0)', async () => {
    const c = await WireClient.connect(broker.port)
    const produce = {transactionalId: null, acks: 0, timeoutMs: 1000, topicData: []}
    c.send(Buffer.concat([c.encode(PRODUCE, 9, produce, 1), c.encode(API_VERSIONS, 3, apiVersionsRequest, 2), c.encode(PRODUCE, 3, produce, 3), c.encode(API_VERSIONS, 0, {}, 4)]))
    expect((await c.nextFrame())!.readInt32BE(0)).toBe(2)
    expect((await c.nextFrame())!.readInt32BE(0)).toBe(4)
    c.close()
  })

  it('closes only the connection that sends an oversize frame', async () => {
    const bad = await WireClient.connect(broker.port)
    const good = await WireClient.connect(broker.port)
    const header = Buffer.alloc(4)
    header.writeInt32BE(65537)
    bad.send(header)
    await bad.closed
    expect(logLines.some((l) => l.includes('Invalid receive (size = 65537 larger than 65536)'))).toBe(true)
    const {body} = await good.request<ApiVersionsResponse>(API_VERSIONS, 3, apiVersionsRequest)
    expect(body.errorCode).toBe(0)
    good.close()
  })

  it('closes a connection on a negative frame size', async () => {
    const bad = await WireClient.connect(broker.port)
    bad.send(Buffer.from([0xff, 0xff, 0xff, 0xfe]))
    await bad.closed
    expect(logLines.some((l) => l.includes('Invalid receive (size = -2)'))).toBe(true)
  })

  it('closes a connection whose request body does not decode, with the reason logged', async () => {
    const c = await WireClient.connect(broker.port)
    const w = new Writer()
    encodeRequestHeader(w, {requestApiKey: METADATA, requestApiVersion: 1, correlationId: 9, clientId: 'garbage'}, 1)
    w.int32(1000) // a topic array longer than the frame
    c.send(frame(Buffer.from(w.finish())))
    expect(await c.nextFrame()).toBeNull()
    expect(logLines.some((l) => l.includes('Error reading Metadata(3) version 1 request (correlationId 9)'))).toBe(true)
  })

  it('closes a connection on an unknown api key, an unsupported version or an unserved API', async () => {
    for (const [apiKey, version, reason] of [
      [999, 0, 'Unknown API key 999'],
      [METADATA, 13, 'Unsupported version 13 of Metadata(3) (this broker serves 0-12)'],
      // Delegation tokens are not served (they need SASL, which the broker does not offer yet).
      [41, 1, 'Received request api key DescribeDelegationToken(41) with version 1 which is not enabled'],
    ] as const) {
      const c = await WireClient.connect(broker.port)
      const w = new Writer()
      encodeRequestHeader(w, {requestApiKey: apiKey, requestApiVersion: version, correlationId: 1, clientId: 'x'}, requestHeaderVersion(apiKey, version))
      c.send(frame(Buffer.from(w.finish())))
      expect(await c.nextFrame()).toBeNull()
      expect(logLines.filter((l) => l.includes(reason))).toHaveLength(1)
    }
  })

  it('closes connections idle for connections.max.idle.ms, after serving them', async () => {
    const b = await Broker.start(
      {listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': join(home, 'idle-logs'), 'connections.max.idle.ms': '200'},
      {env: {TSKAFKA_HOME: home}, logLevel: 'off'},
    )
    const c = await WireClient.connect(b.port)
    expect((await c.request<ApiVersionsResponse>(API_VERSIONS, 3, apiVersionsRequest)).body.errorCode).toBe(0)
    // The broker closes the idle connection on its own (the test times out otherwise).
    await c.closed
    expect(c.isClosed).toBe(true)
    while (b.connectionCount > 0) await new Promise((r) => setTimeout(r, 10))
    await b.stop()
  })

  it('finishes in-flight requests on stop, then closes the connection', async () => {
    const b = await Broker.start({listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': join(home, 'stop-logs')}, {env: {TSKAFKA_HOME: home}, logLevel: 'off'})
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    b.state.topicAutoCreator = () => gate
    const c = await WireClient.connect(b.port)
    c.send(c.encode(METADATA, 12, metadataRequest([{name: 'pending'}]), 77))
    await new Promise((r) => setTimeout(r, 50))
    const stopped = b.stop()
    setTimeout(release, 50)
    const f = await c.nextFrame()
    expect(f).not.toBeNull()
    const {correlationId, body} = decodeResponse<MetadataResponse>(f!, METADATA, 12)
    expect(correlationId).toBe(77)
    expect(body.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    await stopped
    await c.closed
    expect(b.connectionCount).toBe(0)
    // Stopped means stopped: nothing listens any more.
    const refused = connect({host: '127.0.0.1', port: b.port})
    const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException]
    expect(err.code).toBe('ECONNREFUSED')
  })
})

describe('kafkajs', () => {
  it('connects an admin client, describes the cluster and lists topics', async () => {
    const kafka = new Kafka({clientId: 'broker-api-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    try {
      const cluster = await admin.describeCluster()
      expect(cluster).toEqual({brokers: [{nodeId: 7, host: '127.0.0.1', port: broker.port}], controller: 7, clusterId: broker.clusterId})
      expect(await admin.listTopics()).toEqual([])
      await expect(admin.fetchTopicMetadata({topics: ['missing']})).rejects.toThrow('This server does not host this topic-partition')
    } finally {
      await admin.disconnect()
    }
  })
})

describe('handler registry', () => {
  it('refuses a handler whose versions exceed the schema', () => {
    const registry = new HandlerRegistry()
    expect(() => registry.register(defineHandler('Metadata', {minVersion: 0, maxVersion: 13, handle: () => null}))).toThrow(
      "handler Metadata: versions 0-13 lie outside the schema's 0-12",
    )
  })

  it('hides a version the schema marks unstable unless unstable.api.versions.enable', () => {
    const registry = new HandlerRegistry([defineHandler('EndTxn', {minVersion: 0, maxVersion: 5, handle: () => null})])
    expect(registry.apiVersions('broker')).toEqual([{apiKey: 26, minVersion: 0, maxVersion: 4}])
    expect(registry.serving(26, 5, 'broker')).toBeUndefined()
    registry.unstableVersionsEnabled = true
    expect(registry.apiVersions('broker')).toEqual([{apiKey: 26, minVersion: 0, maxVersion: 5}])
    expect(registry.serving(26, 5, 'broker')?.name).toBe('EndTxn')
  })

  it('loads every handler file within its schema range', async () => {
    const registry = await loadHandlerRegistry()
    const names = registry.all().map((h) => h.name)
    expect(names).toEqual(expect.arrayContaining(['Metadata', 'ApiVersions', 'DescribeCluster']))
  })
})
