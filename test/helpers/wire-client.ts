// A raw wire client for broker tests: encodes requests with the generated codecs and reads the
// response frames, so a test sees exactly what the broker answers (error codes and messages that
// client libraries hide).

import {once} from 'node:events'
import {connect, type Socket} from 'node:net'

import {FrameDecoder, frame} from '../../src/broker/framing.js'
import {API_DESCRIPTORS, decodeResponseHeader, encodeRequestHeader, requestHeaderVersion, responseHeaderVersion} from '../../src/protocol/generated/index.js'
import {Reader, Writer} from '../../src/protocol/primitives.js'

export class WireClient {
  private readonly decoder = new FrameDecoder(1 << 30)
  private readonly frames: Buffer[] = []
  private waiters: Array<(f: Buffer | null) => void> = []
  private correlation = 0
  isClosed = false
  readonly closed: Promise<void>

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) {
        const w = this.waiters.shift()
        if (w) w(f)
        else this.frames.push(f)
      }
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true
        for (const w of this.waiters.splice(0)) w(null)
        resolve()
      }),
    )
  }

  static async connect(port: number): Promise<WireClient> {
    const socket = connect({host: '127.0.0.1', port})
    await once(socket, 'connect')
    return new WireClient(socket)
  }

  /** Encodes a request frame (size prefix included). */
  encode(apiKey: number, version: number, body: unknown, correlationId = this.correlation++, clientId: string | null = 'wire-test'): Buffer {
    const w = new Writer()
    encodeRequestHeader(w, {requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId}, requestHeaderVersion(apiKey, version))
    API_DESCRIPTORS.get(apiKey)!.encodeRequest(w, body, version)
    return frame(Buffer.from(w.finish()))
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** The next response frame, or null when the connection closed first. */
  nextFrame(): Promise<Buffer | null> {
    const f = this.frames.shift()
    if (f) return Promise.resolve(f)
    if (this.isClosed) return Promise.resolve(null)
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  async request<T>(apiKey: number, version: number, body: unknown): Promise<{correlationId: number; body: T; remaining: number}> {
    const correlationId = this.correlation++
    this.send(this.encode(apiKey, version, body, correlationId))
    const f = await this.nextFrame()
    if (f === null) throw new Error(`connection closed before the response to api ${apiKey} v${version}`)
    return decodeResponse<T>(f, apiKey, version)
  }

  close(): void {
    this.socket.destroy()
  }
}

/** Decodes a response frame; `remaining` is what the decoder left unread (0 for a well-formed frame). */
export function decodeResponse<T>(f: Buffer, apiKey: number, version: number): {correlationId: number; body: T; remaining: number} {
  const r = new Reader(f)
  const header = decodeResponseHeader(r, responseHeaderVersion(apiKey, version))
  const body = API_DESCRIPTORS.get(apiKey)!.decodeResponse(r, version) as T
  return {correlationId: header.correlationId, body, remaining: r.remaining}
}
