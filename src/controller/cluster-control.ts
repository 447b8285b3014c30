// Broker membership, after Kafka's ClusterControlManager and BrokerHeartbeatManager: the broker
// registrations replayed from RegisterBrokerRecord / BrokerRegistrationChangeRecord /
// FenceBrokerRecord / UnfenceBrokerRecord / UnregisterBrokerRecord (on every node), and, on the
// active controller only, each broker's heartbeat session and the decisions a registration or
// heartbeat leads to:
//
// - BrokerRegistration: a new incarnation gets a new broker epoch (the offset of its record) and
//   starts fenced; another incarnation still holding a live session is refused
//   (DUPLICATE_BROKER_REGISTRATION); a wrong cluster id is INCONSISTENT_CLUSTER_ID.
// - BrokerHeartbeat: a fenced broker that has replayed the metadata up to its own registration is
//   unfenced; a broker asking to shut down is moved into controlled shutdown while it still leads
//   partitions, then fenced and told to go; a stale epoch is STALE_BROKER_EPOCH.
// - A broker whose session (broker.session.timeout.ms) expires is fenced.
//
// Partition leadership changes that go with fencing are the controller's (controller.ts).

import type {BrokerEndpoint, BrokerInfo} from '../broker/broker-state.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {BrokerHeartbeatRequest} from '../protocol/generated/broker-heartbeat-request.js'
import type {BrokerRegistrationRequest} from '../protocol/generated/broker-registration-request.js'
import type {MetadataRecord, RegisterBrokerRecord} from './metadata-records.js'

/** Kafka's SecurityProtocol ids. */
export const SECURITY_PROTOCOL_IDS: Readonly<Record<string, number>> = {PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3}
const SECURITY_PROTOCOL_NAMES = Object.fromEntries(Object.entries(SECURITY_PROTOCOL_IDS).map(([k, v]) => [v, k])) as Record<number, string>

export interface BrokerRegistration {
  id: number
  epoch: bigint
  incarnationId: string
  rack: string | null
  endPoints: RegisterBrokerRecord['endPoints']
  fenced: boolean
  inControlledShutdown: boolean
  /** Offset of the RegisterBrokerRecord: the broker is caught up once it has replayed it. */
  registerOffset: number
}

interface Session {
  lastContactMs: number
  metadataOffset: number
  /** False for the sessions a new active controller grants to what the log says is registered. */
  heard: boolean
}

export type BrokerControlState = 'FENCED' | 'UNFENCED' | 'CONTROLLED_SHUTDOWN' | 'SHUTDOWN_NOW'

export interface HeartbeatDecision {
  current: BrokerControlState
  next: BrokerControlState
  isCaughtUp: boolean
}

export class ClusterControl {
  readonly registrations = new Map<number, BrokerRegistration>()
  private sessions: Map<number, Session> | null = null

  // ------------------------------------------------------------------ replay (every node)

  /** Applies a membership record; returns the registration it touched, or null for other records. */
  replay(record: MetadataRecord, offset: number): BrokerRegistration | null {
    switch (record.type) {
      case 'RegisterBrokerRecord': {
        const reg: BrokerRegistration = {
          id: record.brokerId,
          epoch: record.brokerEpoch,
          incarnationId: record.incarnationId,
          rack: record.rack,
          endPoints: record.endPoints,
          fenced: record.fenced,
          inControlledShutdown: record.inControlledShutdown ?? false,
          registerOffset: offset,
        }
        this.registrations.set(reg.id, reg)
        return reg
      }
      case 'FenceBrokerRecord':
      case 'UnfenceBrokerRecord': {
        const reg = this.registrations.get(record.id)
        if (!reg || reg.epoch !== record.epoch) return null
        reg.fenced = record.type === 'FenceBrokerRecord'
        if (reg.fenced) reg.inControlledShutdown = false
        return reg
      }
      case 'BrokerRegistrationChangeRecord': {
        const reg = this.registrations.get(record.brokerId)
        if (!reg || reg.epoch !== record.brokerEpoch) return null
        if (record.fenced === 1) {
          reg.fenced = true
          reg.inControlledShutdown = false
        } else if (record.fenced === -1) reg.fenced = false
        if (record.inControlledShutdown === 1) reg.inControlledShutdown = true
        return reg
      }
      case 'UnregisterBrokerRecord': {
        const reg = this.registrations.get(record.brokerId)
        if (!reg || reg.epoch !== record.brokerEpoch) return null
        this.registrations.delete(record.brokerId)
        this.sessions?.delete(record.brokerId)
        return {...reg, fenced: true}
      }
      default:
        return null
    }
  }

  /** Whether a broker is registered, unfenced and not shutting down: it may lead partitions. */
  isActive(brokerId: number): boolean {
    const r = this.registrations.get(brokerId)
    return r !== undefined && !r.fenced && !r.inControlledShutdown
  }

  // ------------------------------------------------------------------ the active controller's sessions

  /** On becoming the active controller: every registered broker gets a fresh session. */
  activate(now: number): void {
    this.sessions = new Map()
    for (const id of this.registrations.keys()) this.sessions.set(id, {lastContactMs: now, metadataOffset: -1, heard: false})
  }

  deactivate(): void {
    this.sessions = null
  }

  /**
   * Whether a registered incarnation is known to be alive: it has talked to this controller
   * within the session timeout (a new controller has heard from nobody yet; a broker that
   * restarted with the controller must not wait for its own old session to expire).
   */
  private hasValidSession(brokerId: number, now: number, sessionTimeoutMs: number): boolean {
    const s = this.sessions?.get(brokerId)
    const reg = this.registrations.get(brokerId)
    return s !== undefined && s.heard && reg !== undefined && !reg.fenced && now - s.lastContactMs < sessionTimeoutMs
  }

  /**
   * Decides a BrokerRegistration. Returns the record to write (and the broker epoch it carries);
   * `nextOffset` is where it will land, the new epoch of a new incarnation.
   */
  planRegistration(
    request: BrokerRegistrationRequest,
    clusterId: string,
    nextOffset: number,
    now: number,
    sessionTimeoutMs: number,
  ): {record: RegisterBrokerRecord; newIncarnation: boolean} {
    if (request.clusterId !== clusterId) {
      throw new KafkaError(ErrorCode.INCONSISTENT_CLUSTER_ID, `Expected cluster ID ${clusterId}, but got cluster ID ${request.clusterId}`)
    }
    const existing = this.registrations.get(request.brokerId)
    if (existing && existing.incarnationId !== request.incarnationId && this.hasValidSession(request.brokerId, now, sessionTimeoutMs)) {
      throw new KafkaError(ErrorCode.DUPLICATE_BROKER_REGISTRATION, 'Another broker is registered with that broker id.')
    }
    const newIncarnation = !existing || existing.incarnationId !== request.incarnationId
    const record: RegisterBrokerRecord = {
      type: 'RegisterBrokerRecord',
      brokerId: request.brokerId,
      brokerEpoch: newIncarnation ? BigInt(nextOffset) : existing!.epoch,
      incarnationId: request.incarnationId,
      rack: request.rack,
      endPoints: request.listeners.map((l) => ({name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol})),
      fenced: newIncarnation ? true : existing!.fenced,
      inControlledShutdown: newIncarnation ? false : existing!.inControlledShutdown,
    }
    this.sessions?.set(request.brokerId, {lastContactMs: now, metadataOffset: -1, heard: true})
    return {record, newIncarnation}
  }

  /** Kafka's BrokerHeartbeatManager.calculateNextBrokerState, and the session touch. */
  decideHeartbeat(request: BrokerHeartbeatRequest, now: number, hasLeaderships: () => boolean): HeartbeatDecision {
    const reg = this.registrations.get(request.brokerId)
    if (!reg) throw new KafkaError(ErrorCode.STALE_BROKER_EPOCH, `No broker registration found for broker id ${request.brokerId}`)
    if (reg.epoch !== request.brokerEpoch) {
      throw new KafkaError(ErrorCode.STALE_BROKER_EPOCH, `Expected broker epoch ${reg.epoch}, but got broker epoch ${request.brokerEpoch}`)
    }
    const offset = Number(request.currentMetadataOffset)
    this.sessions?.set(request.brokerId, {lastContactMs: now, metadataOffset: offset, heard: true})
    const isCaughtUp = offset >= reg.registerOffset
    const current: BrokerControlState = reg.fenced ? 'FENCED' : reg.inControlledShutdown ? 'CONTROLLED_SHUTDOWN' : 'UNFENCED'
    let next: BrokerControlState = current
    switch (current) {
      case 'FENCED':
        if (request.wantShutDown) next = 'SHUTDOWN_NOW'
        else if (!request.wantFence && isCaughtUp) next = 'UNFENCED'
        break
      case 'UNFENCED':
        if (request.wantFence) next = request.wantShutDown ? 'SHUTDOWN_NOW' : 'FENCED'
        else if (request.wantShutDown) next = hasLeaderships() ? 'CONTROLLED_SHUTDOWN' : 'SHUTDOWN_NOW'
        break
      case 'CONTROLLED_SHUTDOWN':
        if (!hasLeaderships()) next = 'SHUTDOWN_NOW'
        break
      default:
        break
    }
    return {current, next, isCaughtUp}
  }

  /** Unfenced brokers whose session expired (the active controller fences them). */
  expiredBrokers(now: number, sessionTimeoutMs: number): number[] {
    if (!this.sessions) return []
    const out: number[] = []
    for (const reg of this.registrations.values()) {
      if (reg.fenced) continue
      const s = this.sessions.get(reg.id)
      if (!s) this.sessions.set(reg.id, {lastContactMs: now, metadataOffset: -1, heard: false})
      else if (now - s.lastContactMs >= sessionTimeoutMs) out.push(reg.id)
    }
    return out
  }
}

/** A registration as BrokerState keeps it for Metadata and DescribeCluster. */
export function brokerInfoOf(reg: BrokerRegistration): BrokerInfo {
  const endpoints = new Map<string, BrokerEndpoint>()
  for (const e of reg.endPoints) {
    endpoints.set(e.name, {listenerName: e.name, host: e.host, port: e.port, securityProtocol: SECURITY_PROTOCOL_NAMES[e.securityProtocol] ?? 'PLAINTEXT'})
  }
  return {nodeId: reg.id, rack: reg.rack, endpoints, fenced: reg.fenced}
}
