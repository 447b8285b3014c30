// Connections from this node to the other nodes' controller listeners, by node id, each opened on
// first use (ApiVersions negotiated, as Kafka's NetworkClient does) and dropped when it fails, so
// the next request reconnects. Requests travel in lanes with a connection each: a long-polling
// metadata Fetch must not hold up a vote, nor a forwarded admin request (responses on one
// connection come back in request order).

import type {Api} from '../../client/apis.js'
import {BrokerConnection} from '../../client/connection.js'

export type Lane = 'fetch' | 'raft' | 'rpc'

export interface NodeAddress {
  host: string
  port: number
}

export interface NodeChannelOptions {
  clientId: string
  requestTimeoutMs: number
  connectTimeoutMs: number
}

export class NodeChannel {
  private readonly addresses = new Map<number, NodeAddress>()
  private readonly connections = new Map<string, Promise<BrokerConnection>>()
  private closed = false

  constructor(private readonly options: NodeChannelOptions) {}

  /** Where a node's controller listener is; a changed address drops its connections. */
  setAddress(nodeId: number, address: NodeAddress): void {
    const old = this.addresses.get(nodeId)
    if (old && old.host === address.host && old.port === address.port) return
    this.addresses.set(nodeId, address)
    if (old) this.disconnect(nodeId)
  }

  address(nodeId: number): NodeAddress | undefined {
    return this.addresses.get(nodeId)
  }

  knows(nodeId: number): boolean {
    return this.addresses.has(nodeId)
  }

  /** Sends one request and resolves with the response; rejects on connection failure or timeout. */
  async request<Req, Res>(nodeId: number, lane: Lane, api: Api<Req, Res>, body: Req, version?: number): Promise<Res> {
    const conn = await this.connection(nodeId, lane)
    try {
      const v = version ?? conn.versionFor(api as Api<unknown, unknown>)
      return await conn.request(api, body, v)
    } catch (e) {
      if (conn.closed) this.connections.delete(key(nodeId, lane))
      throw e
    }
  }

  /** Drops the connections to a node (after a failure, or when it moved). */
  disconnect(nodeId: number): void {
    for (const lane of ['fetch', 'raft', 'rpc'] as const) {
      const k = key(nodeId, lane)
      const pending = this.connections.get(k)
      this.connections.delete(k)
      pending?.then((c) => c.close()).catch(() => {})
    }
  }

  close(): void {
    this.closed = true
    for (const nodeId of this.addresses.keys()) this.disconnect(nodeId)
  }

  private connection(nodeId: number, lane: Lane): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new Error('the node channel is closed'))
    const k = key(nodeId, lane)
    const existing = this.connections.get(k)
    if (existing) {
      return existing.then((c) => {
        if (!c.closed) return c
        if (this.connections.get(k) === existing) this.connections.delete(k)
        return this.connection(nodeId, lane)
      })
    }
    const address = this.addresses.get(nodeId)
    if (!address) return Promise.reject(new Error(`no address is known for node ${nodeId}`))
    const opening = BrokerConnection.open({
      host: address.host,
      port: address.port,
      clientId: this.options.clientId,
      tls: null,
      sasl: null,
      connectTimeoutMs: this.options.connectTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
      softwareName: 'tskafka',
      softwareVersion: '0',
    })
    this.connections.set(k, opening)
    opening.catch(() => {
      if (this.connections.get(k) === opening) this.connections.delete(k)
    })
    return opening
  }
}

function key(nodeId: number, lane: Lane): string {
  return `${nodeId}/${lane}`
}
