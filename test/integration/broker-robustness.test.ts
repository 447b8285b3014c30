// The broker must survive hostile input: thousands of random and mutated
// frames (random sizes and bytes, valid headers with garbage bodies, huge
// declared lengths, negative sizes, truncated frames, unknown api keys,
// bit-flipped valid requests) over many connections, and still answer
// ApiVersions afterwards. The PRNG is seeded so a failure replays exactly.

import {once} from 'node:events'
import {mkdtempSync, rmSync} from 'node:fs'
import {connect, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Broker} from '../../src/broker/broker.js'
import {frame} from '../../src/broker/framing.js'
import {API_DESCRIPTORS, decodeApiVersionsResponse, decodeResponseHeader, encodeRequestHeader, requestHeaderVersion} from '../../src/protocol/generated/index.js'
import {Reader, Writer, ZERO_UUID} from '../../src/protocol/primitives.js'

/** mulberry32: small, fast, good enough to drive a fuzzer reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = 20241025
const FRAMES = 3000
const MAX_FRAME = 1 << 20

const rand = prng(SEED)
const int = (n: number) => Math.floor(rand() * n)
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
const randomBytes = (n: number) => {
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = int(256)
  return b
}

const KNOWN_KEYS = [...API_DESCRIPTORS.keys()]
const SERVED_KEYS = [3, 18, 60]

function header(apiKey: number, version: number, clientId: string | null = 'fuzz'): Buffer {
  const w = new Writer()
  encodeRequestHeader(w, {requestApiKey: apiKey, requestApiVersion: version, correlationId: int(1 << 30), clientId}, requestHeaderVersion(apiKey, version))
  return Buffer.from(w.finish())
}

function validRequest(): Buffer {
  const kind = int(3)
  const w = new Writer()
  if (kind === 0) {
    const v = int(5)
    w.raw(header(18, v))
    API_DESCRIPTORS.get(18)!.encodeRequest(w, {clientSoftwareName: 'fuzz', clientSoftwareVersion: '1'}, v)
  } else if (kind === 1) {
    const v = int(13)
    w.raw(header(3, v))
    API_DESCRIPTORS.get(3)!.encodeRequest(
      w,
      {topics: [{topicId: ZERO_UUID, name: 't'}], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false},
      v,
    )
  } else {
    const v = int(2)
    w.raw(header(60, v))
    API_DESCRIPTORS.get(60)!.encodeRequest(w, {includeClusterAuthorizedOperations: true, endpointType: v >= 1 ? 1 + int(2) : 1}, v)
  }
  return Buffer.from(w.finish())
}

/** One hostile (or occasionally valid) frame, size prefix included. */
function fuzzFrame(): Buffer {
  switch (int(9)) {
    case 0: // random bytes of a random size
      return frame(randomBytes(int(300)))
    case 1: {
      // a valid header for a known api and version (half the time one the broker serves), then garbage
      const key = rand() < 0.5 ? pick(SERVED_KEYS) : pick(KNOWN_KEYS)
      const d = API_DESCRIPTORS.get(key)!
      const v = d.minVersion + int(d.maxVersion - d.minVersion + 1)
      return frame(Buffer.concat([header(key, v, rand() < 0.2 ? null : 'x'.repeat(int(40))), randomBytes(int(200))]))
    }
    case 2: {
      // a huge declared length (the broker must not try to buffer it)
      const b = Buffer.alloc(4 + int(20))
      b.writeInt32BE(MAX_FRAME + 1 + int(0x7fffffff - MAX_FRAME - 1))
      return b
    }
    case 3: {
      // a negative size
      const b = Buffer.alloc(4)
      b.writeInt32BE(-1 - int(0x7fffffff))
      return b
    }
    case 4: {
      // a truncated frame: declared longer than what follows
      const body = validRequest()
      const b = frame(body)
      return b.subarray(0, 4 + int(body.length))
    }
    case 5: {
      // an unknown api key
      const w = new Writer()
      w.int16(pick([-1, -32768, 32767, 1000 + int(20000), 100 + int(800)]))
      w.int16(int(20))
      w.int32(int(1000))
      w.nullableString('fuzz')
      w.raw(randomBytes(int(50)))
      return frame(Buffer.from(w.finish()))
    }
    case 6: {
      // a valid request with a few bytes flipped
      const body = Buffer.from(validRequest())
      for (let i = 0, n = 1 + int(4); i < n; i++) body[int(body.length)] ^= 1 << int(8)
      return frame(body)
    }
    case 7: {
      // a tiny frame: shorter than any request header
      return frame(randomBytes(int(8)))
    }
    default:
      // valid traffic mixed in
      return frame(validRequest())
  }
}

const home = mkdtempSync(join(tmpdir(), 'tskafka-broker-fuzz-'))
let broker: Broker
const warnings: string[] = []

beforeAll(async () => {
  broker = await Broker.start(
    {listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': join(home, 'logs'), 'socket.request.max.bytes': String(MAX_FRAME)},
    {env: {TSKAFKA_HOME: home}, logLevel: 'warn', logSink: (l) => warnings.push(l)},
  )
})

afterAll(async () => {
  await broker?.stop()
  rmSync(home, {recursive: true, force: true})
})

/**
 * Sends the frames on one connection, half-closes, and collects what comes
 * back until the broker closes it. Returns the number of response frames.
 */
async function blast(frames: Buffer[]): Promise<number> {
  const socket: Socket = connect({host: '127.0.0.1', port: broker.port})
  socket.on('error', () => {})
  const received: Buffer[] = []
  socket.on('data', (chunk: Buffer) => received.push(chunk))
  await once(socket, 'connect')
  socket.end(Buffer.concat(frames))
  await once(socket, 'close')
  const all = Buffer.concat(received)
  let count = 0
  for (let off = 0; off + 4 <= all.length; off += 4 + all.readInt32BE(off)) count++
  return count
}

async function apiVersionsAnswers(): Promise<number> {
  const socket = connect({host: '127.0.0.1', port: broker.port})
  await once(socket, 'connect')
  const w = new Writer()
  encodeRequestHeader(w, {requestApiKey: 18, requestApiVersion: 3, correlationId: 1234, clientId: 'after-fuzz'}, 2)
  API_DESCRIPTORS.get(18)!.encodeRequest(w, {clientSoftwareName: 'after-fuzz', clientSoftwareVersion: '1'}, 3)
  socket.write(frame(Buffer.from(w.finish())))
  const chunks: Buffer[] = []
  for await (const chunk of socket) {
    chunks.push(chunk as Buffer)
    const all = Buffer.concat(chunks)
    if (all.length >= 4 && all.length >= 4 + all.readInt32BE(0)) {
      socket.destroy()
      const r = new Reader(all, 4, 4 + all.readInt32BE(0))
      expect(decodeResponseHeader(r, 0).correlationId).toBe(1234)
      return decodeApiVersionsResponse(r, 3).errorCode
    }
  }
  throw new Error('connection closed without an ApiVersions response')
}

describe('robustness', () => {
  it(`survives ${FRAMES} random and mutated frames, then still answers ApiVersions`, async () => {
    // Each connection: a few valid pipelined requests, then one fuzz frame.
    // A hostile frame ends its connection, so this reaches every code path
    // thousands of times and checks the requests before it were answered.
    const batches: Array<{frames: Buffer[]; valid: number}> = []
    for (let sent = 0; sent < FRAMES; ) {
      const valid = int(4)
      const frames = [...Array.from({length: valid}, () => frame(validRequest())), fuzzFrame()]
      batches.push({frames, valid})
      sent += frames.length
    }
    // A few connections at a time, so the fuzz also exercises concurrency.
    const parallel = 8
    for (let i = 0; i < batches.length; i += parallel) {
      const slice = batches.slice(i, i + parallel)
      const answered = await Promise.all(slice.map((b) => blast(b.frames)))
      answered.forEach((n, j) => expect(n).toBeGreaterThanOrEqual(slice[j]!.valid))
    }
    expect(await apiVersionsAnswers()).toBe(0)
    if (process.env.FUZZ_REPORT) {
      const reasons = new Map<string, number>()
      for (const l of warnings) {
        const k = l.replace(/^.*? from [\d.]+:\d+: /, '').split(' ').slice(0, 3).join(' ')
        reasons.set(k, (reasons.get(k) ?? 0) + 1)
      }
      console.log(`${batches.length} connections`, reasons)
    }
    // Each refusal was logged with a reason, and nothing crashed in a handler.
    expect(warnings.some((l) => l.includes('Closing connection'))).toBe(true)
    expect(warnings.filter((l) => l.includes('Unexpected error'))).toEqual([])
    expect(warnings.filter((l) => l.includes('Error when handling request'))).toEqual([])
  })

  it('drops a peer that declares a frame and never sends it, without affecting others', async () => {
    const stalled = connect({host: '127.0.0.1', port: broker.port})
    stalled.on('error', () => {})
    await once(stalled, 'connect')
    const b = Buffer.alloc(4)
    b.writeInt32BE(1000)
    stalled.write(Buffer.concat([b, Buffer.alloc(10)]))
    expect(await apiVersionsAnswers()).toBe(0)
    stalled.destroy()
  })
})
