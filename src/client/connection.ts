// One connection to one broker: TCP or TLS, size-prefixed frames, correlation
// ids with any number of requests in flight (pipelining), ApiVersions
// negotiation on connect and SASL (PLAIN, SCRAM) authentication, as Kafka's
// NetworkClient does. Everything above it (routing, metadata) lives in client.ts.

import {connect as netConnect, type Socket} from 'node:net'
import {connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions} from 'node:tls'

import {errorMessage, ErrorCode, KafkaError} from '../protocol/errors.js'
import {decodeResponseHeader} from '../protocol/generated/response-header.js'
import {encodeRequestHeader} from '../protocol/generated/request-header.js'
import {Reader, Writer} from '../protocol/primitives.js'
import {type Api, ApiVersions, requestHeaderVersionOf, responseHeaderVersionOf, SaslAuthenticate, SaslHandshake} from './apis.js'
import {AuthenticationError, ConnectionError, RequestTimeoutError, socketReason, UnsupportedApiError} from './errors.js'
import {type SaslCredentials, saslExchange} from './sasl.js'

export interface ConnectOptions {
  host: string
  port: number
  clientId: string
  /** TLS options when the listener is SSL or SASL_SSL; null for plaintext. */
  tls: TlsConnectionOptions | null
  sasl: SaslCredentials | null
  connectTimeoutMs: number
  requestTimeoutMs: number
  /** Name of the client software sent in ApiVersions v3+. */
  softwareName?: string
  softwareVersion?: string
}

export interface VersionRange {
  min: number
  max: number
}

interface Pending {
  api: Api<unknown, unknown>
  version: number
  resolve(value: unknown): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

/** Rewrites a hostname the way users type it into the form socket errors show: [v6]:port. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

export class BrokerConnection {
  readonly address: string
  /** Version ranges the broker announced in ApiVersions, by api key. */
  apiVersions = new Map<number, VersionRange>()
  private readonly pending = new Map<number, Pending>()
  private nextCorrelationId = 1
  private chunks: Buffer[] = []
  private buffered = 0
  private frameSize = -1
  private closedError: Error | null = null

  private constructor(
    private readonly socket: Socket,
    readonly options: ConnectOptions,
  ) {
    this.address = formatAddress(options.host, options.port)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(new ConnectionError(`lost the connection to ${this.address}: ${socketReason(error)}`, this.address, error.code)))
    socket.on('close', () => this.fail(new ConnectionError(`the broker at ${this.address} closed the connection`, this.address)))
  }

  /** Connects, negotiates API versions and authenticates; the connection is ready for requests when this resolves. */
  static async open(options: ConnectOptions): Promise<BrokerConnection> {
    const socket = await openSocket(options)
    const conn = new BrokerConnection(socket, options)
    try {
      await conn.negotiateVersions()
      if (options.sasl) await conn.authenticate(options.sasl)
    } catch (error) {
      conn.close()
      throw error
    }
    return conn
  }

  get closed(): boolean {
    return this.closedError !== null
  }

  /** True when the broker serves some version of `api` that we speak. */
  supports(api: Api<unknown, unknown>): boolean {
    const range = this.apiVersions.get(api.key)
    return range !== undefined && range.max >= api.minVersion && range.min <= api.maxVersion
  }

  /** The highest version both sides speak, capped by `cap`. Throws UnsupportedApiError when there is none. */
  versionFor(api: Api<unknown, unknown>, cap = api.maxVersion): number {
    const range = this.apiVersions.get(api.key)
    const max = Math.min(cap, api.maxVersion, range?.max ?? -1)
    const min = Math.max(api.minVersion, range?.min ?? Infinity)
    if (range === undefined || max < min) throw new UnsupportedApiError(api.name, this.address)
    return max
  }

  /** Sends a request at `version` (default: the highest both sides speak) and resolves with the decoded response. */
  request<Req, Res>(api: Api<Req, Res>, body: Req, version = this.versionFor(api as Api<unknown, unknown>)): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (this.closedError) {
        reject(this.closedError)
        return
      }
      const correlationId = this.nextCorrelationId++
      let frame: Buffer
      try {
        frame = encodeFrame(api, body, version, correlationId, this.options.clientId)
      } catch (error) {
        reject(error as Error)
        return
      }
      const timer = setTimeout(() => {
        this.pending.delete(correlationId)
        reject(new RequestTimeoutError(`${api.name} request to ${this.address} got no answer within ${this.options.requestTimeoutMs} ms`))
      }, this.options.requestTimeoutMs)
      timer.unref()
      this.pending.set(correlationId, {api: api as Api<unknown, unknown>, version, resolve: resolve as (v: unknown) => void, reject, timer})
      this.socket.write(frame)
    })
  }

  /** Sends a request the broker does not answer (Produce with acks=0); resolves once it is written. */
  send<Req>(api: Api<Req, unknown>, body: Req, version: number): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError)
    const frame = encodeFrame(api, body, version, this.nextCorrelationId++, this.options.clientId)
    return new Promise((resolve, reject) => this.socket.write(frame, (error) => (error ? reject(error) : resolve())))
  }

  close(): void {
    if (!this.closedError) this.fail(new ConnectionError(`the connection to ${this.address} is closed`, this.address))
    this.socket.destroy()
  }

  private async negotiateVersions(): Promise<void> {
    const body = {clientSoftwareName: this.options.softwareName ?? 'tskafka', clientSoftwareVersion: this.options.softwareVersion ?? '0'}
    let response = await this.request(ApiVersions, body, 3)
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      // An older broker answers v0-style with its own range; ask again at v0.
      response = await this.request(ApiVersions, body, 0)
    }
    if (response.errorCode !== 0) throw new KafkaError(response.errorCode)
    for (const k of response.apiKeys) this.apiVersions.set(k.apiKey, {min: k.minVersion, max: k.maxVersion})
  }

  private async authenticate(creds: SaslCredentials): Promise<void> {
    const mech = `SASL/${creds.mechanism}`
    const handshake = await this.request(SaslHandshake, {mechanism: creds.mechanism}, this.versionFor(SaslHandshake, 1))
    if (handshake.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM) {
      throw new AuthenticationError(
        `the broker at ${this.address} does not enable ${creds.mechanism} (it offers ${handshake.mechanisms.join(', ') || 'none'}); set sasl.mechanism to one of those`,
      )
    }
    if (handshake.errorCode === ErrorCode.ILLEGAL_SASL_STATE) {
      throw new AuthenticationError(`the listener at ${this.address} does not use SASL; check security.protocol (PLAINTEXT or SSL for this listener)`)
    }
    if (handshake.errorCode !== 0) throw new AuthenticationError(`${mech} handshake with ${this.address} failed: ${errorMessage(handshake.errorCode)}`)

    const version = this.versionFor(SaslAuthenticate)
    const exchange = saslExchange(creds)
    let outgoing: Buffer | null = exchange.first()
    while (outgoing !== null) {
      const response = await this.request(SaslAuthenticate, {authBytes: outgoing}, version)
      if (response.errorCode !== 0) {
        const why = response.errorMessage ?? errorMessage(response.errorCode)
        throw new AuthenticationError(`authentication as '${creds.username}' with ${mech} failed at ${this.address}: ${why}`)
      }
      outgoing = exchange.next(response.authBytes)
    }
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) return
        this.coalesce()
        this.frameSize = this.chunks[0]!.readInt32BE(0)
        if (this.frameSize < 0) {
          this.fail(new ConnectionError(`the broker at ${this.address} sent a malformed frame`, this.address))
          this.socket.destroy()
          return
        }
      }
      if (this.buffered < 4 + this.frameSize) return
      this.coalesce()
      const all = this.chunks[0]!
      const frame = all.subarray(4, 4 + this.frameSize)
      const rest = all.subarray(4 + this.frameSize)
      this.chunks = rest.length > 0 ? [rest] : []
      this.buffered = rest.length
      this.frameSize = -1
      this.onFrame(frame)
    }
  }

  private coalesce(): void {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)]
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1
    const pending = this.pending.get(correlationId)
    if (!pending) return // an answer to a request that timed out
    this.pending.delete(correlationId)
    clearTimeout(pending.timer)
    try {
      const r = new Reader(frame)
      decodeResponseHeader(r, responseHeaderVersionOf(pending.api, pending.version))
      pending.resolve(pending.api.decodeResponse(r, pending.version))
    } catch (error) {
      pending.reject(new ConnectionError(`cannot decode the ${pending.api.name} v${pending.version} answer from ${this.address}: ${(error as Error).message}`, this.address))
    }
  }

  private fail(error: Error): void {
    if (this.closedError) return
    this.closedError = error
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(error)
    }
    this.pending.clear()
  }
}

function encodeFrame<Req>(api: Api<Req, unknown>, body: Req, version: number, correlationId: number, clientId: string): Buffer {
  const w = new Writer(256)
  const size = w.reserveInt32()
  encodeRequestHeader(w, {requestApiKey: api.key, requestApiVersion: version, correlationId, clientId}, requestHeaderVersionOf(api as Api<unknown, unknown>, version))
  api.encodeRequest(w, body, version)
  w.patchInt32(size, w.pos - 4)
  return w.finish()
}

function openSocket(options: ConnectOptions): Promise<Socket> {
  const address = formatAddress(options.host, options.port)
  return new Promise((resolve, reject) => {
    let settled = false
    const socket: Socket = options.tls
      ? tlsConnect({host: options.host, port: options.port, servername: isIp(options.host) ? undefined : options.host, ...options.tls})
      : netConnect({host: options.host, port: options.port})
    const done = (error: Error | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.removeListener('error', onError)
      if (error) {
        socket.destroy()
        reject(error)
      } else {
        socket.setNoDelay(true)
        resolve(socket)
      }
    }
    const onError = (error: NodeJS.ErrnoException) => {
      const what = options.tls && error.code !== 'ECONNREFUSED' && !error.code?.startsWith('E') ? `TLS handshake with ${address} failed` : `cannot connect to ${address}`
      done(new ConnectionError(`${what}: ${socketReason(error)}`, address, error.code))
    }
    const timer = setTimeout(
      () => done(new ConnectionError(`cannot connect to ${address}: no answer within ${options.connectTimeoutMs} ms`, address, 'ETIMEDOUT')),
      options.connectTimeoutMs,
    )
    socket.once('error', onError)
    socket.once(options.tls ? 'secureConnect' : 'connect', () => done(null))
  })
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}
