// What a handler knows about the request it serves: the header, the listener
// and peer it came from, the authenticated principal, the broker it runs in,
// and the one authorization check to use.

import type {BrokerConfig} from '../config/broker-config.js'
import type {Controller} from '../controller/controller.js'
import type {GroupCoordinator} from '../group/coordinator.js'
import type {PartitionControl} from '../replication/partition-control.js'
import type {LogManager} from '../storage/log-manager.js'
import type {AclOperationName, AuthorizationSubject, KafkaPrincipal, Resource} from './authorizer.js'
import type {BrokerState} from './broker-state.js'
import type {Logger} from './logger.js'
import type {HandlerRegistry} from './registry.js'
import type {ReplicaManager} from './replica-manager.js'

export type ListenerType = 'broker' | 'controller'

/** Per-connection facts that outlive one request. */
export interface ConnectionInfo {
  readonly connectionId: string
  readonly listenerName: string
  readonly listenerType: ListenerType
  readonly securityProtocol: string
  readonly remoteAddress: string
  readonly remotePort: number
  readonly principal: KafkaPrincipal
  /** Set from ApiVersions v3+ (KIP-511). */
  clientSoftwareName: string | null
  clientSoftwareVersion: string | null
}

/** The services of the broker a handler may use. */
export interface BrokerServices {
  readonly config: BrokerConfig
  readonly state: BrokerState
  readonly registry: HandlerRegistry
  readonly logger: Logger
  /** Decides and commits metadata changes (topics, partitions, dynamic configs). */
  readonly controller: Controller
  readonly logManager: LogManager
  /** The partitions this broker hosts: appends, reads, offsets (the data path). */
  readonly replicaManager: ReplicaManager
  /** Consumer groups and committed offsets (__consumer_offsets). */
  readonly groupCoordinator: GroupCoordinator
  /** Replication's controller side: AlterPartition, ElectLeaders (planned on or forwarded to the active controller). */
  readonly partitionControl: PartitionControl
}

export interface RequestContext extends AuthorizationSubject {
  readonly apiKey: number
  readonly apiVersion: number
  readonly correlationId: number
  readonly clientId: string | null
  readonly listenerName: string
  readonly listenerType: ListenerType
  readonly securityProtocol: string
  readonly remoteAddress: string
  readonly remotePort: number
  readonly principal: KafkaPrincipal
  readonly connection: ConnectionInfo
  readonly broker: BrokerServices
  /** Date.now() when the request was read. */
  readonly receivedAtMs: number
  /** The single authorization check (see authorizer.ts). */
  authorize(operation: AclOperationName, resource: Resource): boolean
}
