// Frames recorded from real clients (kafkajs, librdkafka via kcat, the Java client, kafka-python)
// talking to a real Apache Kafka broker decode with the generated codec, re-encode to the very same
// bytes, and carry what the client drivers put in them (scripts/capture-golden.ts).
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  API_DESCRIPTORS,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  type FetchResponse,
  type MetadataRequest,
  type ProduceRequest,
} from '../../src/protocol/generated/index.js'
import {Reader, Writer} from '../../src/protocol/primitives.js'
import {decodeRecordBatchAsync, iterateBatches} from '../../src/protocol/record-batch.js'

interface Sidecar {
  client: string
  api: string
  apiKey: number
  apiVersion: number
  variant: string | null
  requestHeaderVersion: number
  responseHeaderVersion: number
  correlationId: number
  clientId: string | null
  request: string
  response: string | null
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'golden')
const sidecars: Sidecar[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Sidecar)

const readHex = (name: string): Buffer => Buffer.from(readFileSync(join(dir, name), 'utf8').replace(/\s+/g, ''), 'hex')

function decodeRequest(s: Sidecar): {body: unknown; bytes: Buffer; bodyStart: number} {
  const bytes = readHex(s.request)
  const r = new Reader(bytes)
  decodeRequestHeader(r, s.requestHeaderVersion)
  const bodyStart = r.pos
  const body = API_DESCRIPTORS.get(s.apiKey)!.decodeRequest(r, s.apiVersion)
  expect(r.remaining).toBe(0)
  return {body, bytes, bodyStart}
}

describe('golden frames from real clients', () => {
  it('cover every client and the hot APIs', () => {
    const clients = new Set(sidecars.map((s) => s.client))
    expect([...clients].sort()).toEqual(['java', 'kafka-python', 'kafkajs', 'kcat'])
    for (const client of clients) {
      const apis = new Set(sidecars.filter((s) => s.client === client).map((s) => s.api))
      for (const api of ['ApiVersions', 'Metadata', 'Produce', 'Fetch']) expect(apis, `${client} ${api}`).toContain(api)
    }
  })

  describe.each(sidecars.map((s) => [`${s.client} ${s.api} v${s.apiVersion}${s.variant ? ` (${s.variant})` : ''}`, s] as const))('%s', (_name, s) => {
    const descriptor = API_DESCRIPTORS.get(s.apiKey)!

    it('uses the header versions the codec derives', () => {
      expect(descriptor.name).toBe(s.api)
      expect(requestHeaderVersion(s.apiKey, s.apiVersion)).toBe(s.requestHeaderVersion)
      expect(responseHeaderVersion(s.apiKey, s.apiVersion)).toBe(s.responseHeaderVersion)
    })

    it('request header and body decode, and re-encode to the same bytes', () => {
      const bytes = readHex(s.request)
      const r = new Reader(bytes)
      const header = decodeRequestHeader(r, s.requestHeaderVersion)
      expect(header.requestApiKey).toBe(s.apiKey)
      expect(header.requestApiVersion).toBe(s.apiVersion)
      expect(header.correlationId).toBe(s.correlationId)
      if (s.requestHeaderVersion >= 1) expect(header.clientId).toBe(s.clientId)
      const body = descriptor.decodeRequest(r, s.apiVersion)
      expect(r.remaining).toBe(0)
      const w = new Writer()
      encodeRequestHeader(w, header, s.requestHeaderVersion)
      descriptor.encodeRequest(w, body, s.apiVersion)
      expect(w.finish().toString('hex')).toBe(bytes.toString('hex'))
    })

    it.runIf(s.response !== null)('response decodes and re-encodes to the same bytes', () => {
      const bytes = readHex(s.response!)
      const r = new Reader(bytes)
      const header = decodeResponseHeader(r, s.responseHeaderVersion)
      expect(header.correlationId).toBe(s.correlationId)
      const body = descriptor.decodeResponse(r, s.apiVersion)
      expect(r.remaining).toBe(0)
      const w = new Writer()
      encodeResponseHeader(w, header, s.responseHeaderVersion)
      descriptor.encodeResponse(w, body, s.apiVersion)
      expect(w.finish().toString('hex')).toBe(bytes.toString('hex'))
    })
  })

  describe('carry what the clients sent', () => {
    const produce = sidecars.filter((s) => s.api === 'Produce' && s.variant !== 'txn')
    it.each(produce.map((s) => [`${s.client} v${s.apiVersion} ${s.variant}`, s] as const))('Produce %s: the records the driver wrote', async (_n, s) => {
      const body = decodeRequest(s).body as ProduceRequest
      const partition = body.topicData[0]!.partitionData[0]!
      expect(body.topicData[0]!.name).toContain(s.variant!)
      const records = []
      for (const entry of iterateBatches(partition.records!)) {
        const batch = await decodeRecordBatchAsync(partition.records!, entry.position)
        const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
        expect(batch.header.attributes & 7).toBe(codecs.indexOf(s.variant!))
        records.push(...batch.records)
      }
      expect(records.length).toBeGreaterThan(0)
      records.forEach((rec, i) => {
        expect(rec.key?.toString()).toBe(`key-${i}`)
        expect(rec.value?.toString()).toBe(`value-${i} ${s.variant}`)
        expect(rec.headers[0]!.key).toBe('h')
      })
    })

    const fetches = sidecars.filter((s) => s.api === 'Fetch' && ['none', 'gzip', 'snappy', 'lz4', 'zstd'].includes(s.variant ?? '') && s.response)
    it.each(fetches.map((s) => [`${s.client} v${s.apiVersion} ${s.variant}`, s] as const))('Fetch %s: the broker returned the records produced', async (_n, s) => {
      const bytes = readHex(s.response!)
      const r = new Reader(bytes)
      decodeResponseHeader(r, s.responseHeaderVersion)
      const body = API_DESCRIPTORS.get(s.apiKey)!.decodeResponse(r, s.apiVersion) as FetchResponse
      const values: string[] = []
      for (const topic of body.responses)
        for (const p of topic.partitions) {
          expect(p.errorCode).toBe(0)
          if (!p.records) continue
          for (const entry of iterateBatches(p.records)) {
            const batch = await decodeRecordBatchAsync(p.records, entry.position)
            for (const rec of batch.records) values.push(rec.value?.toString() ?? '')
          }
        }
      expect(values.length).toBeGreaterThan(0)
      expect(values.every((v) => v.endsWith(s.variant!))).toBe(true)
    })

    it('Metadata requests name topics (or ask for all) as each client does', () => {
      for (const s of sidecars.filter((x) => x.api === 'Metadata')) {
        const body = decodeRequest(s).body as MetadataRequest
        if (body.topics !== null) for (const t of body.topics) expect(typeof t.name === 'string' || t.name === null).toBe(true)
      }
      const java = sidecars.find((x) => x.client === 'java' && x.api === 'Metadata')!
      expect((decodeRequest(java).body as MetadataRequest).topics).not.toBeNull()
    })
  })
})
