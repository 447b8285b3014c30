// Readiness probe: a broker is "up" when it answers a real ApiVersions request
// over TCP, which is exactly what every Kafka client sends first. An open port
// alone is not enough (the socket may be bound before request handling is).

import {connect, type Socket} from 'node:net'

import {decodeApiVersionsResponse, type ApiVersion} from '../protocol/generated/api-versions-response.js'
import {encodeApiVersionsRequest} from '../protocol/generated/api-versions-request.js'
import {encodeRequestHeader} from '../protocol/generated/request-header.js'
import {decodeResponseHeader} from '../protocol/generated/response-header.js'
import {Reader, Writer} from '../protocol/primitives.js'

// Only the three codec files the probe needs are imported (not generated/index),
// so `cluster status` stays quick to load.
const API_VERSIONS_KEY = 18
/** v0: every broker since 0.10 accepts it, so the probe never needs negotiation. */
const PROBE_VERSION = 0
/** Request header v1 (non-flexible); ApiVersions answers always use response header v0. */
const PROBE_REQUEST_HEADER_VERSION = 1
const PROBE_RESPONSE_HEADER_VERSION = 0
const PROBE_CLIENT_ID = 'tskafka-probe'

export type ApiVersionRange = Pick<ApiVersion, 'apiKey' | 'minVersion' | 'maxVersion'>

export interface ProbeResult {
  errorCode: number
  apiVersions: ApiVersionRange[]
}

export class ProbeError extends Error {
  override name = 'ProbeError'
  constructor(
    message: string,
    /** The socket error code (ECONNREFUSED, ETIMEDOUT...) when there was one. */
    readonly code?: string,
  ) {
    super(message)
  }
}

/** A size-prefixed ApiVersions request frame. */
export function encodeApiVersionsProbe(correlationId: number, clientId = PROBE_CLIENT_ID): Buffer {
  const w = new Writer(64)
  const size = w.reserveInt32()
  encodeRequestHeader(w, {requestApiKey: API_VERSIONS_KEY, requestApiVersion: PROBE_VERSION, correlationId, clientId}, PROBE_REQUEST_HEADER_VERSION)
  encodeApiVersionsRequest(w, {clientSoftwareName: 'tskafka', clientSoftwareVersion: '0'}, PROBE_VERSION)
  w.patchInt32(size, w.pos - 4)
  return Buffer.from(w.finish())
}

/** Decodes an ApiVersions response frame (without its 4-byte size), checking the correlation id. */
export function decodeApiVersionsProbeAnswer(frame: Buffer, correlationId: number): ProbeResult {
  const r = new Reader(frame)
  const header = decodeResponseHeader(r, PROBE_RESPONSE_HEADER_VERSION)
  if (header.correlationId !== correlationId) {
    throw new ProbeError(`ApiVersions answer has correlation id ${header.correlationId}, expected ${correlationId}`)
  }
  const body = decodeApiVersionsResponse(r, PROBE_VERSION)
  return {
    errorCode: body.errorCode,
    apiVersions: body.apiKeys.map(({apiKey, minVersion, maxVersion}) => ({apiKey, minVersion, maxVersion})),
  }
}

/**
 * Sends one ApiVersions v0 request to host:port and resolves with the decoded
 * answer; rejects with a ProbeError on connection failure, timeout, a closed
 * connection or a malformed answer.
 */
export function probeApiVersions(host: string, port: number, timeoutMs = 1000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const correlationId = (Math.random() * 0x7fffffff) | 0
    let socket: Socket | undefined
    let chunks: Buffer[] = []
    let received = 0
    let settled = false
    const finish = (err: ProbeError | null, result?: ProbeResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket?.destroy()
      if (err) reject(err)
      else resolve(result!)
    }
    const timer = setTimeout(() => finish(new ProbeError(`no ApiVersions answer from ${host}:${port} within ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs)
    socket = connect({host, port})
    socket.setNoDelay(true)
    socket.on('connect', () => socket!.write(encodeApiVersionsProbe(correlationId)))
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      received += chunk.length
      if (received < 4) return
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      chunks = [all]
      const size = all.readInt32BE(0)
      if (size < 0 || size > 1 << 20) {
        finish(new ProbeError(`${host}:${port} answered with an implausible frame size ${size}; is it a Kafka broker?`))
        return
      }
      if (received < 4 + size) return
      try {
        finish(null, decodeApiVersionsProbeAnswer(all.subarray(4, 4 + size), correlationId))
      } catch (error) {
        finish(error instanceof ProbeError ? error : new ProbeError(`malformed ApiVersions answer from ${host}:${port}: ${(error as Error).message}`))
      }
    })
    socket.on('error', (error: NodeJS.ErrnoException) => finish(new ProbeError(`${host}:${port}: ${error.message}`, error.code)))
    socket.on('close', () => finish(new ProbeError(`${host}:${port} closed the connection before answering ApiVersions`, 'ECONNRESET')))
  })
}

/** True when host:port answers ApiVersions with error code 0. Never throws. */
export async function isBrokerResponding(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  try {
    return (await probeApiVersions(host, port, timeoutMs)).errorCode === 0
  } catch {
    return false
  }
}
