// The controller's side of replication (Kafka's ReplicationControlManager for AlterPartition and
// ElectLeaders, and the QuorumController's periodic leader balancing and unclean elections).
// Every decision is planned on the active controller's queue against its image and committed as
// PartitionChangeRecords before it is answered; a node that is not the active controller
// forwards the request to the one that is, over its controller listener, as Kafka's brokers do.
//
// - AlterPartition (from partition leaders): broker epoch (STALE_BROKER_EPOCH), then per
//   partition the leader and partition epochs (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION,
//   NOT_CONTROLLER when the leader is ahead), the new ISR's validity (INVALID_REQUEST) and
//   eligibility (INELIGIBLE_REPLICA: fenced, shutting down, unknown or restarted brokers).
// - ElectLeaders: PREFERRED or UNCLEAN elections for the named partitions (all partitions when
//   none are named; those needing no election are then left out of the answer).
// - auto.leader.rebalance.enable: every leader.imbalance.check.interval.seconds, partitions not
//   led by their preferred replica get a preferred election (Kafka's KRaft controller uses no
//   imbalance percentage: any imbalanced partition qualifies).
// - unclean.leader.election.enable: every unclean.leader.election.interval.ms, leaderless
//   partitions of topics that allow it get an unclean election.

import type {BrokerState, PartitionState, TopicState} from '../broker/broker-state.js'
import type {Logger} from '../broker/logger.js'
import type {BrokerConfig} from '../config/broker-config.js'
import {describePartitionChange, NotControllerError, partitionChangeRecord, partitionView, type Controller} from '../controller/controller.js'
import {
  buildPartitionChange,
  decideAlterPartition,
  ElectionType,
  electLeadersFor,
  hasPreferredLeader,
  NO_LEADER,
  validateAlterPartition,
  type PartitionChange,
  type PartitionEpochView,
} from '../controller/leader-election.js'
import type {MetadataRecord, PartitionChangeRecord} from '../controller/metadata-records.js'
import {NodeChannel} from '../controller/raft/node-channel.js'
import {isReassigning, planReassignment} from '../controller/reassignment.js'
import {ErrorCode, KafkaError, errorName} from '../protocol/errors.js'
import type {AlterPartitionReassignmentsRequest} from '../protocol/generated/alter-partition-reassignments-request.js'
import type {AlterPartitionReassignmentsResponse} from '../protocol/generated/alter-partition-reassignments-response.js'
import type {ListPartitionReassignmentsRequest} from '../protocol/generated/list-partition-reassignments-request.js'
import type {ListPartitionReassignmentsResponse} from '../protocol/generated/list-partition-reassignments-response.js'
import type {AlterPartitionRequest} from '../protocol/generated/alter-partition-request.js'
import type {AlterPartitionResponse, PartitionData as AlterPartitionResult} from '../protocol/generated/alter-partition-response.js'
import type {ElectLeadersRequest} from '../protocol/generated/elect-leaders-request.js'
import type {ElectLeadersResponse, ReplicaElectionResult} from '../protocol/generated/elect-leaders-response.js'
import {ZERO_UUID} from '../protocol/primitives.js'
import {AlterPartition, AlterPartitionReassignments, ElectLeaders, ListPartitionReassignments} from './apis.js'

/** Kafka's maxElectionsPerImbalance. */
const MAX_ELECTIONS_PER_IMBALANCE = 1000
/** How long a request keeps trying to reach an active controller. */
const SUBMIT_TIMEOUT_MS = 30_000
const RETRY_BACKOFF_MS = 100

export interface PartitionControlOptions {
  controller: Controller
  state: BrokerState
  config: BrokerConfig
  logger: Logger
}

export interface SubmitOptions {
  /** The request came over the controller listener: never forward it again. */
  forwarded?: boolean
}

export class PartitionControl {
  private readonly controller: Controller
  private readonly state: BrokerState
  private readonly config: BrokerConfig
  private readonly log: Logger
  private readonly channel: NodeChannel
  private balanceTimer: NodeJS.Timeout | null = null
  private uncleanTimer: NodeJS.Timeout | null = null
  private closed = false

  constructor(opts: PartitionControlOptions) {
    this.controller = opts.controller
    this.state = opts.state
    this.config = opts.config
    this.log = opts.logger.child(`[QuorumController id=${opts.state.nodeId}] `, 'org.apache.kafka.controller.ReplicationControlManager')
    this.channel = new NodeChannel({clientId: `replication-forwarder-${opts.state.nodeId}`, requestTimeoutMs: 15_000, connectTimeoutMs: 5000})
  }

  /** Starts the periodic leader balancing and unclean elections (they act only while this node is the active controller). */
  start(): void {
    if (this.config.get('auto.leader.rebalance.enable')) {
      const ms = Math.max(1, Number(this.config.get('leader.imbalance.check.interval.seconds')) * 1000)
      this.balanceTimer = setInterval(() => void this.balanceLeaders().catch(() => {}), ms)
      this.balanceTimer.unref()
    }
    const uncleanMs = Math.max(1, Number(this.config.get('unclean.leader.election.interval.ms')))
    this.uncleanTimer = setInterval(() => void this.electUncleanLeaders().catch(() => {}), uncleanMs)
    this.uncleanTimer.unref()
  }

  shutdown(): void {
    this.closed = true
    if (this.balanceTimer) clearInterval(this.balanceTimer)
    if (this.uncleanTimer) clearInterval(this.uncleanTimer)
    this.balanceTimer = this.uncleanTimer = null
    this.channel.close()
  }

  // ---------------------------------------------------------------- AlterPartition

  /** AlterPartition, decided by the active controller (planned here or forwarded to it). */
  async alterPartition(request: AlterPartitionRequest, version: number, opts: SubmitOptions = {}): Promise<AlterPartitionResponse> {
    try {
      return await this.submit(
        'AlterPartition',
        () => this.planAlterPartition(request, version),
        async (leader) => {
          const r = await this.channel.request(leader, 'rpc', AlterPartition, request, version)
          if (r.errorCode === ErrorCode.NOT_CONTROLLER) throw new NotControllerError()
          return r
        },
        opts,
      )
    } catch (e) {
      return {throttleTimeMs: 0, errorCode: e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR, topics: []}
    }
  }

  /** Kafka's ReplicationControlManager.alterPartition, on the active controller's image. */
  private planAlterPartition(request: AlterPartitionRequest, version: number): {records: MetadataRecord[]; result: AlterPartitionResponse} {
    const reg = this.controller.cluster.registrations.get(request.brokerId)
    if (reg === undefined) throw new KafkaError(ErrorCode.STALE_BROKER_EPOCH, `No broker registration found for broker id ${request.brokerId}`)
    if (reg.epoch !== request.brokerEpoch) throw new KafkaError(ErrorCode.STALE_BROKER_EPOCH, `Expected broker epoch ${reg.epoch}, but got broker epoch ${request.brokerEpoch}`)
    const records: MetadataRecord[] = []
    const response: AlterPartitionResponse = {throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics: []}
    for (const t of request.topics) {
      const topic = version > 1 ? this.state.topicById(t.topicId) : this.state.topic(t.topicName)
      const results: AlterPartitionResult[] = []
      response.topics.push({topicName: t.topicName, topicId: t.topicId, partitions: results})
      if (topic === undefined || (version > 1 && t.topicId === ZERO_UUID)) {
        const code = version > 1 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        this.log.info(`Rejecting AlterPartition request for unknown topic ID ${t.topicId} or name ${t.topicName}.`)
        for (const p of t.partitions) results.push(failedAlter(p.partitionIndex, code))
        continue
      }
      const unclean = this.controller.topicConfig(topic.name).get('unclean.leader.election.enable') === true
      for (const p of t.partitions) {
        const current = topic.partitions[p.partitionIndex]
        if (current === undefined) {
          this.log.info(`Rejecting AlterPartition request for unknown partition ${topic.name}-${p.partitionIndex}.`)
          results.push(failedAlter(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
          continue
        }
        const data = {
          brokerId: request.brokerId,
          version,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          newIsr: version < 3 ? p.newIsr.map((brokerId) => ({brokerId, brokerEpoch: -1n})) : p.newIsrWithEpochs,
          leaderRecoveryState: p.leaderRecoveryState,
        }
        const view = epochView(current)
        const check = validateAlterPartition(view, data, (id) => this.controller.cluster.registrations.get(id))
        if (check.errorCode !== ErrorCode.NONE) {
          this.log.info(`Rejecting AlterPartition request from node ${request.brokerId} for ${topic.name}-${p.partitionIndex} because ${check.reason}.`)
          results.push(failedAlter(p.partitionIndex, check.errorCode))
          continue
        }
        const decision = decideAlterPartition(view, data, (id) => this.controller.cluster.isActive(id), unclean)
        if (decision.change !== null) records.push(this.changeRecord(topic, current, decision.change, `AlterPartition from node ${request.brokerId}`))
        if (decision.errorCode !== ErrorCode.NONE) {
          results.push(failedAlter(p.partitionIndex, decision.errorCode))
          continue
        }
        results.push({
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.NONE,
          leaderId: decision.leader,
          leaderEpoch: decision.leaderEpoch,
          isr: decision.isr,
          leaderRecoveryState: p.leaderRecoveryState,
          partitionEpoch: decision.partitionEpoch,
        })
      }
    }
    return {records, result: response}
  }

  // ---------------------------------------------------------------- ElectLeaders

  /** ElectLeaders, decided by the active controller (planned here or forwarded to it). */
  async electLeaders(request: ElectLeadersRequest, version: number, opts: SubmitOptions = {}): Promise<ElectLeadersResponse> {
    if (request.electionType !== ElectionType.PREFERRED && request.electionType !== ElectionType.UNCLEAN) {
      return electLeadersError(request, ErrorCode.INVALID_REQUEST, `Unknown election type ${request.electionType}`)
    }
    try {
      return await this.submit(
        'ElectLeaders',
        () => this.planElectLeaders(request),
        async (leader) => {
          const r = await this.channel.request(leader, 'rpc', ElectLeaders, request, Math.max(1, version))
          if (r.errorCode === ErrorCode.NOT_CONTROLLER) throw new NotControllerError()
          return r
        },
        opts,
      )
    } catch (e) {
      const err = e instanceof KafkaError ? e : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, String(e))
      return electLeadersError(request, err.code, err.code === ErrorCode.UNKNOWN_SERVER_ERROR ? null : err.message)
    }
  }

  /** Kafka's ReplicationControlManager.electLeaders. */
  private planElectLeaders(request: ElectLeadersRequest): {records: MetadataRecord[]; result: ElectLeadersResponse} {
    const records: MetadataRecord[] = []
    const results: ReplicaElectionResult[] = []
    const elect = (topicName: string, partitionId: number): {errorCode: number; errorMessage: string | null} => {
      const topic = this.state.topic(topicName)
      if (topic === undefined) return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${topicName}`}
      const p = topic.partitions[partitionId]
      if (p === undefined) return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${topicName}-${partitionId}`}
      const outcome = electLeadersFor(epochView(p), request.electionType, (id) => this.controller.cluster.isActive(id))
      if (outcome.change !== null) {
        const why = request.electionType === ElectionType.PREFERRED ? 'preferred leader election' : 'unclean leader election'
        records.push(this.changeRecord(topic, p, outcome.change, why))
      }
      return {errorCode: outcome.errorCode, errorMessage: outcome.errorMessage}
    }
    if (request.topicPartitions === null) {
      // Every partition; those that need no election are left out.
      for (const topic of this.state.topics()) {
        const partitionResult = []
        for (const p of topic.partitions) {
          const r = elect(topic.name, p.partitionIndex)
          if (r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED) partitionResult.push({partitionId: p.partitionIndex, ...r})
        }
        results.push({topic: topic.name, partitionResult})
      }
    } else {
      for (const t of request.topicPartitions) {
        results.push({topic: t.topic, partitionResult: t.partitions.map((partitionId) => ({partitionId, ...elect(t.topic, partitionId)}))})
      }
    }
    return {records, result: {throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: results}}
  }

  // ---------------------------------------------------------------- reassignments

  /** AlterPartitionReassignments, decided by the active controller (planned here or forwarded to it). */
  async alterPartitionReassignments(request: AlterPartitionReassignmentsRequest, version: number, opts: SubmitOptions = {}): Promise<AlterPartitionReassignmentsResponse> {
    try {
      return await this.submit(
        'AlterPartitionReassignments',
        () => this.planAlterPartitionReassignments(request),
        async (leader) => {
          const r = await this.channel.request(leader, 'rpc', AlterPartitionReassignments, request, version)
          if (r.errorCode === ErrorCode.NOT_CONTROLLER) throw new NotControllerError()
          return r
        },
        opts,
      )
    } catch (e) {
      const err = e instanceof KafkaError ? e : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, String(e))
      return alterReassignmentsError(request, err.code, err.message)
    }
  }

  /** Kafka's ReplicationControlManager.alterPartitionReassignments: each partition on its own, the records committed at once. */
  private planAlterPartitionReassignments(request: AlterPartitionReassignmentsRequest): {records: MetadataRecord[]; result: AlterPartitionReassignmentsResponse} {
    const records: MetadataRecord[] = []
    const responses: AlterPartitionReassignmentsResponse['responses'] = []
    let succeeded = 0
    let total = 0
    for (const t of request.topics) {
      const partitions: AlterPartitionReassignmentsResponse['responses'][number]['partitions'] = []
      responses.push({name: t.name, partitions})
      for (const target of t.partitions) {
        total++
        try {
          const topic = this.state.topic(t.name)
          if (topic === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${t.name}.`)
          const p = topic.partitions[target.partitionIndex]
          if (p === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${t.name}:${target.partitionIndex}.`)
          const change = planReassignment(partitionView(p), target.replicas, {
            partitionName: `${t.name}:${target.partitionIndex}`,
            isRegistered: (id) => this.controller.cluster.registrations.has(id),
            isAcceptableLeader: (id) => this.controller.cluster.isActive(id),
            uncleanLeaderElection: this.controller.topicConfig(t.name).get('unclean.leader.election.enable') === true,
          })
          if (change !== null) {
            const why = target.replicas === null ? 'reassignment cancelled' : `reassignment to [${target.replicas.join(', ')}]`
            records.push(this.changeRecord(topic, p, change, why))
          }
          partitions.push({partitionIndex: target.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null})
          succeeded++
        } catch (e) {
          const err = e instanceof KafkaError ? e : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, e instanceof Error ? e.message : String(e))
          this.log.info(`Unable to alter partition reassignment for ${t.name}:${target.partitionIndex} because of an ${errorName(err.code)} error: ${err.message}`)
          partitions.push({partitionIndex: target.partitionIndex, errorCode: err.code, errorMessage: err.message})
        }
      }
    }
    this.log.info(`Successfully altered ${succeeded} out of ${total} partition reassignment(s).`)
    return {records, result: {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses}}
  }

  /**
   * ListPartitionReassignments, answered by the active controller (forwarded to it) so that a
   * list right after an alter sees it: every reassigning partition, or those of the named ones.
   */
  async listPartitionReassignments(request: ListPartitionReassignmentsRequest, version: number, opts: SubmitOptions = {}): Promise<ListPartitionReassignmentsResponse> {
    try {
      return await this.submit(
        'ListPartitionReassignments',
        () => ({records: [], result: this.ongoingReassignments(request.topics)}),
        async (leader) => {
          const r = await this.channel.request(leader, 'rpc', ListPartitionReassignments, request, version)
          if (r.errorCode === ErrorCode.NOT_CONTROLLER) throw new NotControllerError()
          return r
        },
        opts,
      )
    } catch (e) {
      const err = e instanceof KafkaError ? e : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, String(e))
      return {throttleTimeMs: 0, errorCode: err.code, errorMessage: err.message, topics: []}
    }
  }

  private ongoingReassignments(topics: ListPartitionReassignmentsRequest['topics']): ListPartitionReassignmentsResponse {
    const result: ListPartitionReassignmentsResponse = {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: []}
    const wanted = topics === null ? this.state.topics().map((t) => ({name: t.name, partitionIndexes: null as number[] | null})) : topics
    for (const w of wanted) {
      const topic = this.state.topic(w.name)
      if (topic === undefined) continue
      const indexes = w.partitionIndexes ?? topic.partitions.map((p) => p.partitionIndex)
      const partitions = []
      for (const i of indexes) {
        const p = topic.partitions[i]
        if (p === undefined || !isReassigning(p)) continue
        partitions.push({partitionIndex: i, replicas: [...p.replicas], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas]})
      }
      if (partitions.length > 0) result.topics.push({name: topic.name, partitions})
    }
    return result
  }

  // ---------------------------------------------------------------- periodic elections

  /** auto.leader.rebalance.enable: preferred elections for imbalanced partitions, on the active controller only. */
  async balanceLeaders(): Promise<number> {
    if (!this.controller.isActive || this.closed) return 0
    return this.controller.planOnActive('balance partition leaders', () => {
      const records: MetadataRecord[] = []
      for (const topic of this.state.topics()) {
        for (const p of topic.partitions) {
          if (records.length >= MAX_ELECTIONS_PER_IMBALANCE) break
          if (hasPreferredLeader(epochView(p))) continue
          const change = buildPartitionChange(epochView(p), p.isr, 'PREFERRED', (id) => this.controller.cluster.isActive(id))
          if (change !== null) records.push(this.changeRecord(topic, p, change, 'auto leader rebalance'))
        }
      }
      return {records, result: records.length}
    })
  }

  /** unclean.leader.election.enable: unclean elections for leaderless partitions of the topics that allow them. */
  async electUncleanLeaders(): Promise<number> {
    if (!this.controller.isActive || this.closed) return 0
    return this.controller.planOnActive('unclean leader elections', () => {
      const records: MetadataRecord[] = []
      for (const topic of this.state.topics()) {
        if (this.controller.topicConfig(topic.name).get('unclean.leader.election.enable') !== true) continue
        for (const p of topic.partitions) {
          if (p.leaderId !== NO_LEADER || records.length >= MAX_ELECTIONS_PER_IMBALANCE) continue
          const change = buildPartitionChange(epochView(p), p.isr, 'UNCLEAN', (id) => this.controller.cluster.isActive(id))
          if (change !== null) records.push(this.changeRecord(topic, p, change, 'unclean leader election for an offline partition'))
        }
      }
      return {records, result: records.length}
    })
  }

  // ---------------------------------------------------------------- helpers

  private changeRecord(t: TopicState, p: PartitionState, change: PartitionChange, why: string): PartitionChangeRecord {
    const record = partitionChangeRecord(t, p, change)
    const text = `${t.name}-${p.partitionIndex}: ${describePartitionChange(p, change)} (${why})`
    if (change.unclean) this.log.warn(`Unclean leader election: ${text}`)
    else this.log.info(text)
    return record
  }

  /**
   * Runs a decision on the active controller: planned here when this node leads the quorum,
   * otherwise forwarded. A forwarded request is never forwarded again (NOT_CONTROLLER); this
   * node's own requests retry while leadership moves.
   */
  private async submit<T>(what: string, plan: () => {records: MetadataRecord[]; result: T}, forward: (leader: number) => Promise<T>, opts: SubmitOptions): Promise<T> {
    const deadline = Date.now() + SUBMIT_TIMEOUT_MS
    let lastError: unknown = new NotControllerError('No active controller is known.')
    for (;;) {
      if (this.closed) throw new NotControllerError('The broker is shutting down.')
      const leader = this.controller.activeControllerId
      if (leader === this.state.nodeId) {
        try {
          return await this.controller.planOnActive(what, plan)
        } catch (e) {
          if (!(e instanceof NotControllerError) || opts.forwarded) throw e
          lastError = e
        }
      } else if (opts.forwarded) {
        throw new NotControllerError()
      } else if (leader >= 0) {
        const address = this.controller.controllerAddress(leader)
        if (address !== undefined) {
          this.channel.setAddress(leader, address)
          try {
            return await forward(leader)
          } catch (e) {
            if (e instanceof KafkaError && e.code !== ErrorCode.NOT_CONTROLLER) throw e
            lastError = e
            if (!(e instanceof KafkaError)) {
              this.log.info(`Forwarding ${what} to the active controller ${leader} failed: ${e instanceof Error ? e.message : String(e)}; retrying`)
              this.channel.disconnect(leader)
            }
          }
        }
      }
      if (Date.now() >= deadline) {
        throw lastError instanceof KafkaError ? lastError : new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `${what}: ${String(lastError)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS))
    }
  }
}

const epochView = partitionView

/** Kafka's error response: the error on every partition named. */
export function alterReassignmentsError(request: AlterPartitionReassignmentsRequest, errorCode: number, message: string | null): AlterPartitionReassignmentsResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage: message,
    responses: request.topics.map((t) => ({name: t.name, partitions: t.partitions.map((p) => ({partitionIndex: p.partitionIndex, errorCode, errorMessage: message}))})),
  }
}

function failedAlter(partitionIndex: number, errorCode: number): AlterPartitionResult {
  return {partitionIndex, errorCode, leaderId: -1, leaderEpoch: -1, isr: [], leaderRecoveryState: 0, partitionEpoch: -1}
}

/** Kafka's ElectLeadersRequest.getErrorResponse: the error at the top and on every named partition. */
export function electLeadersError(request: ElectLeadersRequest, errorCode: number, message: string | null): ElectLeadersResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    replicaElectionResults: (request.topicPartitions ?? []).map((t) => ({
      topic: t.topic,
      partitionResult: t.partitions.map((partitionId) => ({partitionId, errorCode, errorMessage: message})),
    })),
  }
}

