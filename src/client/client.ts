// The CLI's own Kafka client: one bootstrap connection, cluster metadata, and a
// connection per broker opened on demand, so requests go to the partition
// leader or the controller as Kafka's AdminClient sends them. Small on purpose:
// it speaks the generated codecs directly, keeps the broker's own error
// messages, and connects with one round trip (ApiVersions) before the first
// request.

import type {ConnectionOptions as TlsConnectionOptions} from 'node:tls'

import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {MetadataResponse} from '../protocol/generated/metadata-response.js'
import {type Api, Metadata} from './apis.js'
import {BrokerConnection, type ConnectOptions, formatAddress} from './connection.js'
import {ConnectionError} from './errors.js'
import type {SaslCredentials} from './sasl.js'

export interface ClientOptions {
  /** host:port strings, tried in order until one answers. */
  bootstrapServers: string[]
  clientId: string
  tls: TlsConnectionOptions | null
  sasl: SaslCredentials | null
  connectTimeoutMs: number
  requestTimeoutMs: number
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

export interface BrokerNode {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

/** "host:port" or "[v6]:port" into its parts. Throws ConnectionError naming the bad entry. */
export function parseHostPort(entry: string): {host: string; port: number} {
  const text = entry.trim()
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\s]+):(\d+)$/.exec(text)
  const port = m ? Number(m[2]) : NaN
  if (!m || !(port > 0 && port < 65536)) {
    throw new ConnectionError(`invalid bootstrap server '${text}': expected host:port`, text)
  }
  return {host: m[1]!, port}
}

export class KafkaClient {
  readonly brokers = new Map<number, BrokerNode>()
  controllerId = -1
  clusterId: string | null = null
  private readonly byNode = new Map<number, Promise<BrokerConnection>>()
  private readonly extra: BrokerConnection[] = []

  private constructor(
    readonly options: ClientOptions,
    /** The connection to the first bootstrap server that answered. */
    readonly bootstrap: BrokerConnection,
  ) {}

  /** Connects to the first bootstrap server that answers ApiVersions (and authenticates). */
  static async connect(options: ClientOptions): Promise<KafkaClient> {
    if (options.bootstrapServers.length === 0) throw new ConnectionError('no bootstrap servers given', '')
    const targets = options.bootstrapServers.map(parseHostPort)
    const failures: ConnectionError[] = []
    for (const target of targets) {
      try {
        const conn = await BrokerConnection.open(connectOptions(options, target.host, target.port))
        return new KafkaClient(options, conn)
      } catch (error) {
        if (!(error instanceof ConnectionError)) throw error
        failures.push(error)
      }
    }
    if (failures.length === 1) throw failures[0]!
    throw new ConnectionError(failures.map((f) => f.message).join('; '), failures.map((f) => f.address).join(','), failures[0]!.code)
  }

  /**
   * Metadata for `topics` (null: every topic), remembering brokers and the
   * controller for routing. Never asks the broker to auto-create topics.
   */
  async metadata(topics: string[] | null, opts: {allowAutoTopicCreation?: boolean; topicIds?: string[]} = {}): Promise<MetadataResponse> {
    const conn = this.bootstrap
    const version = conn.versionFor(Metadata)
    let requestTopics: Array<{name: string | null; topicId?: string}> | null
    if (opts.topicIds) requestTopics = opts.topicIds.map((topicId) => ({name: null, topicId}))
    else requestTopics = topics === null ? (version >= 1 ? null : []) : topics.map((name) => ({name}))
    const response = await conn.request(
      Metadata,
      {topics: requestTopics as never, allowAutoTopicCreation: opts.allowAutoTopicCreation ?? false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false},
      version,
    )
    this.brokers.clear()
    for (const b of response.brokers) this.brokers.set(b.nodeId, {nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack})
    this.controllerId = response.controllerId
    this.clusterId = response.clusterId
    return response
  }

  /** A ready connection to broker `nodeId` (opened once, then reused). */
  async connectionTo(nodeId: number): Promise<BrokerConnection> {
    let pending = this.byNode.get(nodeId)
    if (!pending) {
      if (this.brokers.size === 0) await this.metadata([])
      const node = this.brokers.get(nodeId)
      if (!node) throw new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${nodeId} is not in the cluster metadata`)
      if (formatAddress(node.host, node.port) === this.bootstrap.address) {
        pending = Promise.resolve(this.bootstrap)
      } else {
        pending = BrokerConnection.open(connectOptions(this.options, node.host, node.port)).then((conn) => {
          this.extra.push(conn)
          return conn
        })
      }
      this.byNode.set(nodeId, pending)
      pending.catch(() => this.byNode.delete(nodeId))
    }
    return pending
  }

  /**
   * The connection admin requests go to. KRaft brokers forward
   * controller-bound requests themselves, so any broker will do, as with
   * Kafka's AdminClient (which picks the least loaded node).
   */
  admin(): BrokerConnection {
    return this.bootstrap
  }

  /** Sends to any broker (the bootstrap connection). */
  request<Req, Res>(api: Api<Req, Res>, body: Req, version?: number): Promise<Res> {
    return this.bootstrap.request(api, body, version)
  }

  close(): void {
    this.bootstrap.close()
    for (const c of this.extra) c.close()
  }
}

function connectOptions(options: ClientOptions, host: string, port: number): ConnectOptions {
  return {
    host,
    port,
    clientId: options.clientId,
    tls: options.tls,
    sasl: options.sasl,
    connectTimeoutMs: options.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  }
}
