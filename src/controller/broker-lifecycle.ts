// The broker side of membership, after Kafka's BrokerLifecycleManager: register with the active
// controller (a new incarnation id per process start), then heartbeat. While fenced it
// heartbeats quickly, reporting how far it has replayed the metadata log, until the controller
// unfences it; after that every broker.heartbeat.interval.ms. A stale epoch (the controller lost
// the registration) means registering again. On shutdown it asks to shut down and keeps
// heartbeating until the controller has moved its partition leadership away and says go
// (controlled shutdown), or a timeout passes.

import {randomBytes} from 'node:crypto'

import type {BrokerEndpoint, BrokerState} from '../broker/broker-state.js'
import type {Logger} from '../broker/logger.js'
import type {BrokerConfig} from '../config/broker-config.js'
import {ErrorCode, errorName} from '../protocol/errors.js'
import {SECURITY_PROTOCOL_IDS} from './cluster-control.js'
import type {Controller} from './controller.js'

/** Heartbeat period while fenced or shutting down. */
const FAST_HEARTBEAT_MS = 25
const REGISTRATION_BACKOFF_MS = 100

export interface BrokerLifecycleOptions {
  controller: Controller
  state: BrokerState
  config: BrokerConfig
  logger: Logger
  /** The broker's advertised endpoints (its RegisterBrokerRecord listeners). */
  endpoints: readonly BrokerEndpoint[]
}

export class BrokerLifecycleManager {
  readonly incarnationId: string
  private brokerEpoch = -1n
  private fenced = true
  private stopped = false
  private wantShutDown = false
  private shutdownGranted = false
  private wake: (() => void) | null = null
  private readonly log: Logger
  private running: Promise<void> | null = null

  constructor(private readonly opts: BrokerLifecycleOptions) {
    this.incarnationId = randomUuid()
    this.log = opts.logger.child(`[BrokerLifecycleManager id=${opts.state.nodeId}] `, 'kafka.server.BrokerLifecycleManager')
  }

  get epoch(): bigint {
    return this.brokerEpoch
  }

  get isFenced(): boolean {
    return this.fenced
  }

  start(): void {
    this.running ??= this.run()
  }

  /** Resolves once this broker is registered, unfenced, and its own image shows it so. */
  async waitUntilUnfenced(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    const self = this.opts.state.nodeId
    for (;;) {
      const reg = this.opts.controller.cluster.registrations.get(self)
      if (!this.fenced && reg !== undefined && reg.epoch === this.brokerEpoch && !reg.fenced) return
      if (this.stopped) throw new Error('the broker is shutting down')
      if (Date.now() >= deadline) {
        const leader = this.opts.controller.activeControllerId
        throw new Error(
          this.brokerEpoch < 0n
            ? `Timed out after ${timeoutMs} ms registering with the controller quorum (active controller: ${leader < 0 ? 'none' : leader})`
            : `Timed out after ${timeoutMs} ms waiting to be unfenced by the controller (broker epoch ${this.brokerEpoch})`,
        )
      }
      await sleep(5)
    }
  }

  /**
   * Controlled shutdown: asks the controller to move this broker's leaderships away and waits
   * until it agrees (or timeoutMs passes). Heartbeats then stop.
   */
  async controlledShutdown(timeoutMs: number): Promise<boolean> {
    if (this.brokerEpoch < 0n || this.stopped) {
      this.stop()
      return false
    }
    this.wantShutDown = true
    this.wake?.()
    const deadline = Date.now() + timeoutMs
    while (!this.shutdownGranted && Date.now() < deadline && !this.stopped) await sleep(10)
    const granted = this.shutdownGranted
    if (!granted) this.log.warn(`The controller did not grant the controlled shutdown within ${timeoutMs} ms; shutting down anyway`)
    this.stop()
    return granted
  }

  stop(): void {
    this.stopped = true
    this.wake?.()
  }

  private async run(): Promise<void> {
    const {controller, state, config} = this.opts
    while (!this.stopped) {
      if (this.brokerEpoch < 0n) {
        const r = await controller.registerBroker({
          brokerId: state.nodeId,
          clusterId: state.clusterId,
          incarnationId: this.incarnationId,
          listeners: this.opts.endpoints.map((e) => ({name: e.listenerName, host: e.host, port: e.port, securityProtocol: SECURITY_PROTOCOL_IDS[e.securityProtocol] ?? 0})),
          features: state.supportedFeatures().map((f) => ({name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion})),
          rack: config.rack,
          isMigratingZkBroker: false,
          logDirs: [],
          previousBrokerEpoch: -1n,
        })
        if (this.stopped) return
        if (r.errorCode !== ErrorCode.NONE) {
          this.log.info(`Unable to register with the controller: ${errorName(r.errorCode)}; retrying`)
          await this.pause(REGISTRATION_BACKOFF_MS)
          continue
        }
        this.brokerEpoch = r.brokerEpoch
        this.log.info(`Registered with the controller; broker epoch ${r.brokerEpoch}`)
      }
      const hb = await controller.brokerHeartbeat({
        brokerId: state.nodeId,
        brokerEpoch: this.brokerEpoch,
        currentMetadataOffset: BigInt(controller.lastAppliedOffset),
        wantFence: false,
        wantShutDown: this.wantShutDown,
        offlineLogDirs: [],
      })
      if (this.stopped && !this.wantShutDown) return
      if (hb.errorCode === ErrorCode.STALE_BROKER_EPOCH || hb.errorCode === ErrorCode.BROKER_ID_NOT_REGISTERED) {
        this.log.info(`The controller no longer knows broker epoch ${this.brokerEpoch} (${errorName(hb.errorCode)}); registering again`)
        this.brokerEpoch = -1n
        this.fenced = true
        continue
      }
      if (hb.errorCode === ErrorCode.NONE) {
        if (this.fenced && !hb.isFenced) this.log.info('The controller has unfenced this broker')
        this.fenced = hb.isFenced
        if (hb.shouldShutDown) {
          this.shutdownGranted = true
          return
        }
      }
      const fast = this.fenced || this.wantShutDown || hb.errorCode !== ErrorCode.NONE
      await this.pause(fast ? FAST_HEARTBEAT_MS : config.get('broker.heartbeat.interval.ms'))
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = () => {
        this.wake = null
        done()
      }
    })
  }
}

function randomUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA') return id
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
