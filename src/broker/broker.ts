// The broker process: formats its log directories on first start, loads the
// API handlers, binds one TCP listener per configured listener (port 0 picks
// a free port, which is then advertised), joins the controller quorum (a lone
// node is a quorum of one), registers with the active controller and, once
// unfenced, serves clients until stop() shuts it down gracefully: controlled
// shutdown (leadership moves away), resign from the quorum, stop accepting,
// answer what is in flight, close the sockets. Controller-listener
// connections are served from the start (peers vote and fetch before this
// broker is ready); client connections wait until it is unfenced.

import {createServer, type Server, type Socket} from 'node:net'
import {hostname} from 'node:os'

import {BrokerConfig, loadBrokerConfig, unusedConfigsWarning, type Endpoint} from '../config/broker-config.js'
import {ConfigError} from '../config/config-def.js'
import {ensureFormatted} from '../config/meta-properties.js'
import {BrokerLifecycleManager} from '../controller/broker-lifecycle.js'
import {Controller} from '../controller/controller.js'
import {ControllerProducerIdAllocator} from '../controller/producer-id-blocks.js'
import {MetadataLog} from '../controller/metadata-log.js'
import {ConfigResourceType} from '../controller/metadata-records.js'
import {GroupCoordinator} from '../group/coordinator.js'
import {replicaManagerCoordinatorLog} from '../group/coordinator-log.js'
import {GROUP_METADATA_TOPIC_NAME} from '../group/partitioner.js'
import {logConfigFromTopicConfig} from '../storage/log-config.js'
import {LogManager} from '../storage/log-manager.js'
import {PartitionControl} from '../replication/partition-control.js'
import {ANONYMOUS} from './authorizer.js'
import {BrokerState, type BrokerEndpoint} from './broker-state.js'
import {Connection} from './connection.js'
import {createLogger, type Logger, type LogLevel, type LogSink} from './logger.js'
import {loadHandlerRegistry, type HandlerRegistry} from './registry.js'
import {ReplicaManager} from './replica-manager.js'
import type {BrokerServices, ConnectionInfo, ListenerType} from './request-context.js'

export interface BrokerOptions {
  /** Log level for the default stdout logger (default info). */
  logLevel?: LogLevel
  /** Where log lines go (default stdout). */
  logSink?: LogSink
  /** A ready logger; wins over logLevel/logSink. */
  logger?: Logger
  /** Environment used to resolve the tskafka home for default paths (default process.env). */
  env?: NodeJS.ProcessEnv
  /** The API handlers to serve (default: every file in src/broker/handlers). For embedding and tests. */
  registry?: HandlerRegistry
}

/** A listener as bound: the configured endpoint with its real port. */
export interface BoundEndpoint {
  listenerName: string
  listenerType: ListenerType
  securityProtocol: string
  /** The host the listener was configured with ('' = all interfaces). */
  host: string
  port: number
}

/** How long stop() waits for in-flight requests before cutting connections. */
const STOP_GRACE_MS = 5000
/** How long stop() waits for the controller to move this broker's leaderships away. */
const CONTROLLED_SHUTDOWN_TIMEOUT_MS = 5000

export class BrokerStartError extends Error {
  override name = 'BrokerStartError'
}

interface ListenerRuntime {
  endpoint: BoundEndpoint
  server: Server
}

export class Broker {
  readonly config: BrokerConfig
  readonly state: BrokerState
  readonly registry: HandlerRegistry
  readonly logger: Logger
  readonly controller: Controller
  readonly logManager: LogManager
  readonly replicaManager: ReplicaManager
  readonly groupCoordinator: GroupCoordinator
  readonly lifecycle: BrokerLifecycleManager | null
  /** Replication's controller side: AlterPartition, ElectLeaders, leader balancing. */
  readonly partitionControl: PartitionControl
  private readonly listeners: ListenerRuntime[]
  private readonly connections = new Set<Connection>()
  private readonly services: BrokerServices
  private stopping: Promise<void> | null = null
  private connectionCounter = 0
  /** Resolves when the broker has stopped. */
  readonly stopped: Promise<void>
  private resolveStopped!: () => void

  private constructor(parts: {
    config: BrokerConfig
    state: BrokerState
    registry: HandlerRegistry
    logger: Logger
    controller: Controller
    logManager: LogManager
    replicaManager: ReplicaManager
    groupCoordinator: GroupCoordinator
    lifecycle: BrokerLifecycleManager | null
    partitionControl: PartitionControl
    listeners: ListenerRuntime[]
  }) {
    this.config = parts.config
    this.state = parts.state
    this.registry = parts.registry
    this.logger = parts.logger
    this.controller = parts.controller
    this.logManager = parts.logManager
    this.replicaManager = parts.replicaManager
    this.groupCoordinator = parts.groupCoordinator
    this.lifecycle = parts.lifecycle
    this.partitionControl = parts.partitionControl
    this.listeners = parts.listeners
    const {config, state, registry, logger, controller, logManager, replicaManager, groupCoordinator, partitionControl} = parts
    this.services = {config, state, registry, logger, controller, logManager, replicaManager, groupCoordinator, partitionControl}
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve))
  }

  /**
   * Starts a broker. `config` is a loaded BrokerConfig or raw properties
   * (validated here). Throws ConfigError for bad configuration and
   * BrokerStartError when a listener cannot bind.
   */
  static async start(config: BrokerConfig | ReadonlyMap<string, string> | Record<string, string>, options: BrokerOptions = {}): Promise<Broker> {
    const cfg = config instanceof BrokerConfig ? config : loadBrokerConfig(config, new Map(), {env: options.env})
    const logger = options.logger ?? createLogger({level: options.logLevel ?? 'info', sink: options.logSink})
    const nodeId = cfg.nodeId
    const serverLog = logger.child(`[KafkaRaftServer nodeId=${nodeId}] `, 'kafka.server.KafkaRaftServer')

    const unused = unusedConfigsWarning(cfg)
    if (unused) logger.child('', 'kafka.server.KafkaConfig').warn(unused)

    const metadataDir = cfg.get('metadata.log.dir')
    const dirs = metadataDir !== null && !cfg.logDirs.includes(metadataDir) ? [...cfg.logDirs, metadataDir] : cfg.logDirs
    const formatted = ensureFormatted(dirs, nodeId)
    if (formatted.newlyFormatted.length > 0) {
      const what = formatted.newCluster ? `new cluster.id ${formatted.clusterId}` : `cluster.id ${formatted.clusterId}`
      serverLog.info(`Formatted log directories [${formatted.newlyFormatted.join(', ')}] with ${what}`)
    }

    const registry = options.registry ?? (await loadHandlerRegistry())
    registry.unstableVersionsEnabled = cfg.get('unstable.api.versions.enable')
    const controllerNames = new Set(cfg.controllerListenerNames)
    const socketLog = logger.child(`[SocketServer listenerType=BROKER, nodeId=${nodeId}] `, 'kafka.network.SocketServer')

    const runtimes: ListenerRuntime[] = []
    let broker: Broker | undefined
    let ready = false
    // Connections that arrive before they can be served wait here (their data stays buffered):
    // controller-listener ones until the broker object exists, client ones until it is unfenced.
    const early: Array<[Socket, BoundEndpoint]> = []
    const onConnection = (listener: BoundEndpoint) => (socket: Socket) => {
      if (broker && (ready || listener.listenerType === 'controller')) broker.accept(socket, listener)
      else early.push([socket, listener])
    }
    try {
      for (const ep of cfg.listeners) {
        const listenerType: ListenerType = controllerNames.has(ep.listenerName) ? 'controller' : 'broker'
        const bound: BoundEndpoint = {listenerName: ep.listenerName, listenerType, securityProtocol: ep.securityProtocol, host: ep.host, port: ep.port}
        const server = createServer({allowHalfOpen: true, noDelay: true}, onConnection(bound))
        server.maxConnections = cfg.get('max.connections')
        server.on('error', (e) => socketLog.error(`Listener ${ep.listenerName} failed: ${e.message}`))
        bound.port = await listen(server, ep, cfg.get('socket.listen.backlog.size'))
        runtimes.push({endpoint: bound, server})
      }
    } catch (e) {
      await Promise.all(runtimes.map((r) => closeServer(r.server)))
      throw e
    }

    const ownEndpoints = advertisedEndpoints(cfg.advertisedBrokerListeners, runtimes)
    const state = new BrokerState({
      clusterId: formatted.clusterId,
      nodeId,
      rack: cfg.rack,
      // Fenced until the controller unfences this broker's registration.
      fenced: true,
      endpoints: ownEndpoints,
      controllerEndpoints: advertisedEndpoints(
        cfg.listeners.filter((l) => controllerNames.has(l.listenerName)),
        runtimes,
      ),
    })
    // Metadata first (the log configs of topics come from it), then the partition logs.
    let controller: Controller
    let logManager: LogManager
    let replicaManager: ReplicaManager
    let groupCoordinator: GroupCoordinator
    let partitionControl: PartitionControl
    // Set once the broker registers: its epoch goes with fetches and ISR changes.
    let lifecycleRef: BrokerLifecycleManager | null = null
    let producerIds: ControllerProducerIdAllocator
    try {
      controller = Controller.open({config: cfg, state, metadataLog: MetadataLog.open(metadataDir ?? cfg.logDirs[0]!), logger})
      logManager = new LogManager({
        logDirs: cfg.logDirs,
        configFor: (topic) => logConfigFromTopicConfig(controller.topicConfig(topic)),
        retentionCheckMs: Number(cfg.get('log.retention.check.interval.ms')),
        flushCheckMs: Number(cfg.get('log.flush.scheduler.interval.ms')),
        flushRecoveryOffsetCheckpointMs: Number(cfg.get('log.flush.offset.checkpoint.interval.ms')),
        flushStartOffsetCheckpointMs: Number(cfg.get('log.flush.start.offset.checkpoint.interval.ms')),
        highWatermarkCheckpointMs: Number(cfg.get('replica.high.watermark.checkpoint.interval.ms')),
      })
      logManager.startup()
      const control = new PartitionControl({controller, state, config: cfg, logger})
      partitionControl = control
      // Producer ids come in blocks from the active controller, unique across the cluster.
      producerIds = new ControllerProducerIdAllocator(controller, nodeId, () => lifecycleRef?.epoch ?? -1n, cfg.logDirs[0]!, logger.child(`[ProducerIdManager id=${nodeId}] `, 'kafka.coordinator.transaction.RPCProducerIdManager'))
      replicaManager = new ReplicaManager({
        config: cfg,
        state,
        logManager,
        logger,
        topicConfigFor: (topic) => controller.topicConfig(topic),
        producerIds,
        brokerQuotaConfig: (name) => controller.configs.get(ConfigResourceType.BROKER, String(nodeId)).get(name) ?? controller.configs.get(ConfigResourceType.BROKER, '').get(name),
        replication: {
          brokerEpoch: () => lifecycleRef?.epoch ?? -1n,
          isReplicaIsrEligible: (id, fetchEpoch) => {
            const reg = controller.cluster.registrations.get(id)
            return reg !== undefined && !reg.fenced && !reg.inControlledShutdown && fetchEpoch !== null && (fetchEpoch === -1n || fetchEpoch === reg.epoch)
          },
          alterPartition: (request) => control.alterPartition(request, 3),
        },
      })
      controller.addListener(replicaManager)
      // After the replica manager: a partition must exist here before the coordinator loads it.
      groupCoordinator = new GroupCoordinator({
        config: cfg,
        state,
        logger,
        log: replicaManagerCoordinatorLog(replicaManager, cfg.get('offsets.commit.timeout.ms')),
        // A failed creation (no live broker yet, a lost quorum) must not end the process: the
        // coordinator answers COORDINATOR_NOT_AVAILABLE and the next FindCoordinator tries again.
        createOffsetsTopic: () =>
          controller
            .ensureInternalTopic(GROUP_METADATA_TOPIC_NAME, cfg.get('offsets.topic.num.partitions'), cfg.get('offsets.topic.replication.factor'), {
              'cleanup.policy': 'compact',
              'compression.type': 'producer',
              'segment.bytes': String(cfg.get('offsets.topic.segment.bytes')),
            })
            .catch((e: unknown) => serverLog.warn(`Could not create ${GROUP_METADATA_TOPIC_NAME}: ${e instanceof Error ? e.message : String(e)}`)),
      })
      controller.addListener(groupCoordinator)
    } catch (e) {
      await Promise.all(runtimes.map((r) => closeServer(r.server)))
      throw e
    }
    state.topicAutoCreator = (name) => controller.autoCreateTopic(name)
    const lifecycle = cfg.processRoles.includes('broker')
      ? new BrokerLifecycleManager({controller, state, config: cfg, logger, endpoints: [...ownEndpoints.values()]})
      : null
    lifecycleRef = lifecycle
    broker = new Broker({config: cfg, state, registry, logger, controller, logManager, replicaManager, groupCoordinator, lifecycle, partitionControl, listeners: runtimes})
    controller.publishInitial()
    replicaManager.startup()
    partitionControl.start()
    const acceptEarly = (all: boolean) => {
      const waiting = early.splice(0)
      for (const [socket, listener] of waiting) {
        if (all || listener.listenerType === 'controller') broker!.accept(socket, listener)
        else early.push([socket, listener])
      }
    }
    acceptEarly(false)
    try {
      controller.start()
      if (lifecycle) {
        lifecycle.start()
        await lifecycle.waitUntilUnfenced(cfg.get('initial.broker.registration.timeout.ms'))
        // The first block of producer ids, so the first InitProducerId finds one at hand.
        await producerIds!.prefetch()
      }
    } catch (e) {
      for (const [socket] of early.splice(0)) socket.destroy()
      await broker.stop()
      throw new BrokerStartError(e instanceof Error ? e.message : String(e))
    }
    ready = true
    acceptEarly(true)
    for (const r of runtimes) {
      const adv = state.broker(nodeId)?.endpoints.get(r.endpoint.listenerName)
      const advText = adv ? ` (advertised as ${adv.listenerName}://${formatHostPort(adv.host, adv.port)})` : ''
      socketLog.info(
        `Listening on ${r.endpoint.listenerName}://${formatHostPort(r.endpoint.host, r.endpoint.port)} for ${r.endpoint.listenerType} requests${advText}`,
      )
    }
    serverLog.info(`Kafka Server started (cluster.id ${state.clusterId})`)
    return broker
  }

  get clusterId(): string {
    return this.state.clusterId
  }

  get nodeId(): number {
    return this.state.nodeId
  }

  /** Every listener with its bound port. */
  get boundEndpoints(): BoundEndpoint[] {
    return this.listeners.map((l) => ({...l.endpoint}))
  }

  /** The bound port of the first client (non-controller) listener. */
  get port(): number {
    const l = this.listeners.find((r) => r.endpoint.listenerType === 'broker') ?? this.listeners[0]!
    return l.endpoint.port
  }

  /** This broker's advertised client endpoints, as Metadata reports them. */
  get advertisedEndpoints(): BrokerEndpoint[] {
    return [...(this.state.broker(this.nodeId)?.endpoints.values() ?? [])]
  }

  /** host:port of the first advertised endpoint, for a client's bootstrap.servers. */
  get bootstrapServers(): string {
    const ep = this.advertisedEndpoints[0]!
    return formatHostPort(ep.host, ep.port)
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.connections.size
  }

  /** Graceful stop: stop accepting, answer in-flight requests, close every socket. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop()
    return this.stopping
  }

  private async doStop(): Promise<void> {
    const serverLog = this.logger.child(`[KafkaRaftServer nodeId=${this.nodeId}] `, 'kafka.server.KafkaRaftServer')
    serverLog.info('shutting down')
    if (this.lifecycle) {
      // Leadership can move only to another live broker: alone, there is nothing to hand over.
      const others = this.state.aliveBrokers().some((b) => b.nodeId !== this.nodeId)
      if (others) await this.lifecycle.controlledShutdown(CONTROLLED_SHUTDOWN_TIMEOUT_MS)
      else this.lifecycle.stop()
    }
    this.partitionControl.shutdown()
    await this.controller.shutdown()
    // Peers' quorum traffic needs no graceful end: they reconnect to whoever leads next.
    for (const c of this.connections) if (c.info.listenerType === 'controller') c.destroy()
    const serversClosed = Promise.all(this.listeners.map((l) => closeServer(l.server)))
    for (const c of this.connections) c.drain()
    // Parked JoinGroup/SyncGroup requests answer NOT_COORDINATOR; group timers stop.
    this.groupCoordinator.shutdown()
    // Long polls answer now with what they have; nothing waits from here on.
    this.replicaManager.shutdown()
    const allClosed = Promise.all([...this.connections].map((c) => c.closed))
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      allClosed.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), STOP_GRACE_MS)
      }),
    ])
    clearTimeout(timer)
    if (timedOut) for (const c of this.connections) c.destroy()
    await Promise.all([serversClosed, Promise.all([...this.connections].map((c) => c.closed))])
    // Only now is no request left that could append: flush and mark the clean shutdown.
    this.logManager.shutdown(this.state.brokerEpoch)
    this.controller.close()
    serverLog.info('shut down completed')
    this.resolveStopped()
  }

  private accept(socket: Socket, listener: BoundEndpoint): void {
    if (this.stopping) {
      socket.destroy()
      return
    }
    const remoteAddress = socket.remoteAddress ?? 'unknown'
    const remotePort = socket.remotePort ?? 0
    const info: ConnectionInfo = {
      connectionId: `${socket.localAddress}:${socket.localPort}-${remoteAddress}:${remotePort}-${this.connectionCounter++}`,
      listenerName: listener.listenerName,
      listenerType: listener.listenerType,
      securityProtocol: listener.securityProtocol,
      remoteAddress,
      remotePort,
      principal: ANONYMOUS,
      clientSoftwareName: null,
      clientSoftwareVersion: null,
    }
    const log = this.logger.child(
      `[SocketServer listenerType=${listener.listenerType === 'controller' ? 'CONTROLLER' : 'BROKER'}, nodeId=${this.nodeId}] `,
      'kafka.network.Processor',
    )
    const connection = new Connection(socket, info, this.services, log, {
      maxFrameSize: this.config.get('socket.request.max.bytes'),
      maxInFlight: this.config.get('queued.max.requests'),
      idleTimeoutMs: Number(this.config.get('connections.max.idle.ms')),
    })
    this.connections.add(connection)
    void connection.closed.then(() => this.connections.delete(connection))
  }
}

function listen(server: Server, ep: Endpoint, backlog: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const where = formatHostPort(ep.host || '0.0.0.0', ep.port)
      const why = e.code === 'EADDRINUSE' ? 'Address already in use.' : e.code === 'EACCES' ? 'Permission denied.' : e.message
      reject(new BrokerStartError(`Socket server failed to bind to ${where}: ${why}`))
    }
    server.once('error', onError)
    server.listen({host: ep.host === '' ? undefined : ep.host, port: ep.port, backlog}, () => {
      server.off('error', onError)
      const addr = server.address()
      if (addr === null || typeof addr === 'string') reject(new BrokerStartError(`listener ${ep.listenerName} has no TCP address`))
      else resolve(addr.port)
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
  })
}

/**
 * Advertised endpoints with Kafka's corrections: port 0 becomes the bound
 * port of the listener with the same name, and a wildcard host becomes this
 * machine's host name.
 */
function advertisedEndpoints(endpoints: Endpoint[], runtimes: ListenerRuntime[]): Map<string, BrokerEndpoint> {
  const out = new Map<string, BrokerEndpoint>()
  for (const ep of endpoints) {
    const bound = runtimes.find((r) => r.endpoint.listenerName === ep.listenerName)
    const port = ep.port === 0 && bound ? bound.endpoint.port : ep.port
    const host = ep.host === '' || ep.host === '0.0.0.0' || ep.host === '::' ? hostname() : ep.host
    out.set(ep.listenerName, {listenerName: ep.listenerName, host, port, securityProtocol: ep.securityProtocol})
  }
  return out
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

export {ConfigError}
