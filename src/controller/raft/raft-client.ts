// The Raft client of the metadata log, after Kafka's KafkaRaftClient and QuorumState (KIP-595):
//
// - Voters (controller.quorum.voters, with the controller role) elect a leader: a voter whose
//   election timer runs out becomes a candidate for the next epoch, votes for itself and asks the
//   others (Vote); a voter grants one vote per epoch, to a candidate whose log is at least as up
//   to date as its own. With a majority the candidate leads: it writes a LeaderChange control
//   record to open its epoch and announces itself (BeginQuorumEpoch). Epochs, votes and leaders
//   are kept in the quorum-state file so a restart never votes twice in one epoch.
// - Followers (the other voters) and observers (broker-only nodes) fetch the leader's log with
//   Fetch requests on __cluster_metadata (long-polled); the leader answers with its batches, or
//   with the epoch where the fetcher's log diverged, which the fetcher truncates to.
// - The leader's high watermark is the largest offset a majority of voters has (their fetch
//   offsets), once a record of its own epoch is among them. Records below it are committed and
//   handed to the listener (the controller) in order, exactly once, on every node.
// - A follower that hears nothing from its leader for controller.quorum.fetch.timeout.ms starts
//   an election; a leader that hears from no majority for that long (times 1.5) resigns; a leader
//   shutting down resigns at once (EndQuorumEpoch) so the others need not wait.
// - A quorum of one voter (a lone combined broker) elects itself at start, with no network.
//
// Everything runs on the event loop: handlers call in, a timer polls the deadlines.

import {ErrorCode} from '../../protocol/errors.js'
import type {BeginQuorumEpochRequest as BeginQuorumEpochRequestT} from '../../protocol/generated/begin-quorum-epoch-request.js'
import type {BeginQuorumEpochResponse as BeginQuorumEpochResponseT} from '../../protocol/generated/begin-quorum-epoch-response.js'
import type {DescribeQuorumRequest} from '../../protocol/generated/describe-quorum-request.js'
import type {DescribeQuorumResponse, ReplicaState as DescribeReplicaState} from '../../protocol/generated/describe-quorum-response.js'
import type {EndQuorumEpochRequest} from '../../protocol/generated/end-quorum-epoch-request.js'
import type {EndQuorumEpochResponse} from '../../protocol/generated/end-quorum-epoch-response.js'
import type {FetchRequest} from '../../protocol/generated/fetch-request.js'
import type {FetchResponse, PartitionData as FetchPartitionData} from '../../protocol/generated/fetch-response.js'
import type {VoteRequest} from '../../protocol/generated/vote-request.js'
import type {VoteResponse} from '../../protocol/generated/vote-response.js'
import {ZERO_UUID} from '../../protocol/primitives.js'
import type {Logger} from '../../broker/logger.js'
import {METADATA_TOPIC_ID, METADATA_TOPIC_NAME, type MetadataBatch, type MetadataLog} from '../metadata-log.js'
import {BeginQuorumEpoch, EndQuorumEpoch, Fetch, Vote} from './node-apis.js'
import {NodeChannel} from './node-channel.js'
import type {QuorumStateStore} from './quorum-state-store.js'

/** Kafka's KafkaRaftClient.MAX_FETCH_WAIT_MS. */
export const MAX_FETCH_WAIT_MS = 500
const MAX_FETCH_BYTES = 8 * 1024 * 1024
/** How long the leader lists an observer that stopped fetching (Kafka's OBSERVER_SESSION_TIMEOUT_MS). */
const OBSERVER_SESSION_TIMEOUT_MS = 300_000
const POLL_INTERVAL_MS = 20

export interface RaftEndpoint {
  name: string
  host: string
  port: number
}

export interface RaftListener {
  /** Committed batches, in log order, each exactly once (control batches included). */
  handleCommit(batches: MetadataBatch[], highWatermark: number): void
  /** The leader or epoch changed; leaderId -1 while unknown. */
  handleLeaderChange(leaderId: number, epoch: number): void
}

export interface RaftConfig {
  nodeId: number
  clusterId: string
  /** The voters' controller-listener addresses by id (controller.quorum.voters); empty = this node alone. */
  voters: ReadonlyMap<number, {host: string; port: number}>
  /** controller.quorum.bootstrap.servers, to find the leader when the voters are not listed. */
  bootstrapServers: ReadonlyArray<{host: string; port: number}>
  /** Whether this node has the controller role (a voter if listed). */
  isController: boolean
  /** The controller listener name, for endpoints in responses. */
  controllerListenerName: string
  electionTimeoutMs: number
  electionBackoffMaxMs: number
  fetchTimeoutMs: number
  requestTimeoutMs: number
  retryBackoffMs: number
}

interface ReplicaProgress {
  endOffset: number
  /** The high watermark in the last answer to this replica. */
  lastSentHighWatermark: number
  lastFetchTimestamp: number
  lastCaughtUpTimestamp: number
  lastFetchLeaderEndOffset: number
}

type State =
  | {kind: 'unattached'; epoch: number; votedId: number; electionDeadline: number}
  | {kind: 'candidate'; epoch: number; granted: Set<number>; rejected: Set<number>; asked: Map<number, number>; electionDeadline: number}
  | {
      kind: 'leader'
      epoch: number
      epochStartOffset: number
      voters: Map<number, ReplicaProgress>
      observers: Map<number, ReplicaProgress>
      /** Voters that acknowledged BeginQuorumEpoch (or fetched); the others are told again. */
      informed: Set<number>
      lastBeginSent: Map<number, number>
      checkQuorumSince: number
    }
  | {kind: 'follower'; epoch: number; leaderId: number; fetchDeadline: number}
  | {kind: 'resigned'; epoch: number; electionDeadline: number}

interface ParkedFetch {
  wake: () => void
}

export type RaftRole = State['kind']

export class RaftClient {
  private state: State
  private readonly voterIds: ReadonlySet<number>
  private readonly log: Logger
  private readonly channel: NodeChannel
  private appliedOffset: number
  private highWatermark: number
  private timer: NodeJS.Timeout | null = null
  private fetchInFlight = false
  private fetchBackoffUntil = 0
  private readonly parked = new Set<ParkedFetch>()
  private closed = false
  private lastNotified: {leaderId: number; epoch: number} | null = null
  private bootstrapCursor = 0
  /** Elections lost in a row, for the candidate's exponential backoff. */
  private failedElections = 0

  constructor(
    private readonly config: RaftConfig,
    private readonly metadataLog: MetadataLog,
    private readonly store: QuorumStateStore,
    private readonly listener: RaftListener,
    logger: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.log = logger.child(`[RaftManager id=${config.nodeId}] `, 'org.apache.kafka.raft.KafkaRaftClient')
    const voters = config.voters.size > 0 ? new Set(config.voters.keys()) : new Set([config.nodeId])
    this.voterIds = voters
    this.channel = new NodeChannel({clientId: `raft-client-${config.nodeId}`, requestTimeoutMs: config.requestTimeoutMs, connectTimeoutMs: config.requestTimeoutMs})
    for (const [id, a] of config.voters) if (id !== config.nodeId) this.channel.setAddress(id, a)
    config.bootstrapServers.forEach((a, i) => this.channel.setAddress(-2 - i, a))
    this.highWatermark = metadataLog.highWatermark
    this.appliedOffset = metadataLog.startOffset
    this.state = this.initialState()
  }

  // ------------------------------------------------------------------ queries

  get nodeId(): number {
    return this.config.nodeId
  }

  get isVoter(): boolean {
    return this.config.isController && this.voterIds.has(this.config.nodeId)
  }

  get voters(): ReadonlySet<number> {
    return this.voterIds
  }

  get epoch(): number {
    return this.state.epoch
  }

  get role(): RaftRole {
    return this.state.kind
  }

  get isLeader(): boolean {
    return this.state.kind === 'leader'
  }

  /** The current leader, -1 when unknown. */
  get leaderId(): number {
    if (this.state.kind === 'leader') return this.config.nodeId
    if (this.state.kind === 'follower') return this.state.leaderId
    return -1
  }

  /** The controller-listener address of a voter (or a leader learned from a response). */
  nodeAddress(nodeId: number): {host: string; port: number} | undefined {
    return this.config.voters.get(nodeId) ?? this.channel.address(nodeId)
  }

  /** The offset up to which committed records were handed to the listener. */
  get committedOffset(): number {
    return this.appliedOffset
  }

  get logEndOffset(): number {
    return this.metadataLog.endOffset
  }

  /** The offset of the leader's LeaderChange record, -1 when not leader. */
  get epochStartOffset(): number {
    return this.state.kind === 'leader' ? this.state.epochStartOffset : -1
  }

  // ------------------------------------------------------------------ lifecycle

  /** Hands the locally known committed prefix (up to the checkpointed high watermark) to the listener. */
  replayLocal(): void {
    this.deliverCommitted()
  }

  /** Starts elections and fetching; a lone voter becomes leader before this returns. */
  start(): void {
    this.log.info(
      `Starting as ${this.isVoter ? 'voter' : 'observer'} in epoch ${this.state.epoch} (${this.state.kind}) with voters [${[...this.voterIds].join(', ')}], log end offset ${this.metadataLog.endOffset}, high watermark ${this.highWatermark}`,
    )
    this.notifyLeader()
    if (this.isOnlyVoter()) {
      this.becomeCandidate()
      return
    }
    this.timer = setInterval(() => this.guard('timer', () => this.poll()), POLL_INTERVAL_MS)
    this.timer.unref()
    this.poll()
  }

  /**
   * Stops: a leader first resigns (EndQuorumEpoch to the other voters, waiting at most
   * `timeoutMs` for their answers), so a new leader is elected without waiting for timeouts.
   */
  async shutdown(timeoutMs = 1000): Promise<void> {
    if (this.closed) return
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (this.state.kind === 'leader' && this.voterIds.size > 1) {
      const leader = this.state
      const successors = [...leader.voters.entries()]
        .filter(([id]) => id !== this.config.nodeId)
        .sort((a, b) => b[1].endOffset - a[1].endOffset)
        .map(([id]) => id)
      this.transition({kind: 'resigned', epoch: leader.epoch, electionDeadline: Number.MAX_SAFE_INTEGER})
      const request = {
        clusterId: this.config.clusterId,
        topics: [
          {
            topicName: METADATA_TOPIC_NAME,
            partitions: [
              {
                partitionIndex: 0,
                leaderId: this.config.nodeId,
                leaderEpoch: leader.epoch,
                preferredSuccessors: successors,
                preferredCandidates: successors.map((id) => ({candidateId: id, candidateDirectoryId: ZERO_UUID})),
              },
            ],
          },
        ],
        leaderEndpoints: [],
      }
      this.log.info(`Resigning leadership of epoch ${leader.epoch}; preferred successors [${successors.join(', ')}]`)
      const sends = successors.map((id) =>
        this.channel.request(id, 'raft', EndQuorumEpoch, request).catch((e: unknown) => {
          this.log.debug(`EndQuorumEpoch to ${id} failed: ${e instanceof Error ? e.message : String(e)}`)
          return null
        }),
      )
      await Promise.race([Promise.all(sends), new Promise((r) => setTimeout(r, timeoutMs).unref())])
    }
    this.closed = true
    for (const p of [...this.parked]) p.wake()
    this.channel.close()
  }

  // ------------------------------------------------------------------ leader appends

  /**
   * Appends a batch of records in the leader's epoch and returns the offset after it. Throws
   * when this node does not lead. Commit follows when a majority has it (the listener hears).
   */
  appendAsLeader(records: Parameters<MetadataLog['appendAsLeader']>[0]): {baseOffset: number; lastOffset: number} {
    if (this.state.kind !== 'leader') throw new NotLeaderError(this.leaderId, this.state.epoch)
    const r = this.metadataLog.appendAsLeader(records, this.state.epoch)
    this.onLeaderAppend()
    return r
  }

  private onLeaderAppend(): void {
    const leader = this.state
    if (leader.kind !== 'leader') return
    const self = leader.voters.get(this.config.nodeId)
    if (self) self.endOffset = this.metadataLog.endOffset
    this.maybeAdvanceLeaderHighWatermark()
    this.wakeParked()
  }

  // ------------------------------------------------------------------ request handlers

  handleVote(request: VoteRequest, apiVersion: number): VoteResponse {
    const fail = (errorCode: number): VoteResponse => ({errorCode, topics: [], nodeEndpoints: []})
    if (!this.validClusterId(request.clusterId)) return fail(ErrorCode.INCONSISTENT_CLUSTER_ID)
    const p = singlePartition(request.topics)
    if (!p) return fail(ErrorCode.INVALID_REQUEST)
    const respond = (errorCode: number, voteGranted: boolean): VoteResponse => ({
      errorCode: ErrorCode.NONE,
      topics: [{topicName: METADATA_TOPIC_NAME, partitions: [{partitionIndex: 0, errorCode, leaderId: this.leaderId, leaderEpoch: this.state.epoch, voteGranted}]}],
      nodeEndpoints: apiVersion >= 1 ? this.leaderNodeEndpoints() : [],
    })
    if (p.lastOffset < 0n || p.lastOffsetEpoch < 0 || p.lastOffsetEpoch >= p.candidateEpoch) return respond(ErrorCode.INVALID_REQUEST, false)
    if (p.candidateEpoch < this.state.epoch) return respond(ErrorCode.FENCED_LEADER_EPOCH, false)
    if (!this.voterIds.has(p.candidateId) || !this.isVoter) {
      // Kafka answers a request that only voters may send, or send to, as INCONSISTENT_VOTER_SET.
      return respond(ErrorCode.INCONSISTENT_VOTER_SET, false)
    }
    if (p.candidateEpoch > this.state.epoch) {
      // A newer epoch, but this vote may well be refused: keep a running election timer, so a
      // candidate with a stale log cannot hold off the elections of the up-to-date voters.
      const s0 = this.state
      const running = s0.kind === 'unattached' || s0.kind === 'candidate' || s0.kind === 'resigned' ? s0.electionDeadline : this.now() + this.randomElectionTimeout()
      this.transition({kind: 'unattached', epoch: p.candidateEpoch, votedId: -1, electionDeadline: running})
    }
    if (apiVersion >= 1 && request.voterId >= 0 && request.voterId !== this.config.nodeId) return respond(ErrorCode.INVALID_VOTER_KEY, false)
    const candidateUpToDate = compareOffsetAndEpoch(Number(p.lastOffset), p.lastOffsetEpoch, this.metadataLog.endOffset, this.metadataLog.lastFetchedEpoch) >= 0
    const s = this.state
    let granted = false
    if (s.kind === 'unattached') granted = s.votedId === -1 ? candidateUpToDate : s.votedId === p.candidateId
    else if (s.kind === 'candidate') granted = p.candidateId === this.config.nodeId
    if (granted && s.kind === 'unattached' && s.votedId === -1) {
      this.transition({kind: 'unattached', epoch: s.epoch, votedId: p.candidateId, electionDeadline: this.now() + this.randomElectionTimeout()})
    }
    this.log.info(`Vote request from ${p.candidateId} with epoch ${p.candidateEpoch} is ${granted ? 'granted' : 'rejected'}`)
    return respond(ErrorCode.NONE, granted)
  }

  handleBeginQuorumEpoch(request: BeginQuorumEpochRequestT): BeginQuorumEpochResponseT {
    const fail = (errorCode: number): BeginQuorumEpochResponseT => ({errorCode, topics: [], nodeEndpoints: []})
    if (!this.validClusterId(request.clusterId)) return fail(ErrorCode.INCONSISTENT_CLUSTER_ID)
    const p = singlePartition(request.topics)
    if (!p) return fail(ErrorCode.INVALID_REQUEST)
    const respond = (errorCode: number): BeginQuorumEpochResponseT => ({
      errorCode: ErrorCode.NONE,
      topics: [{topicName: METADATA_TOPIC_NAME, partitions: [{partitionIndex: 0, errorCode, leaderId: this.leaderId, leaderEpoch: this.state.epoch}]}],
      nodeEndpoints: this.leaderNodeEndpoints(),
    })
    if (p.leaderEpoch < this.state.epoch) return respond(ErrorCode.FENCED_LEADER_EPOCH)
    for (const ep of request.leaderEndpoints) if (ep.name === this.config.controllerListenerName) this.channel.setAddress(p.leaderId, ep)
    this.maybeTransition(p.leaderId, p.leaderEpoch)
    return respond(ErrorCode.NONE)
  }

  handleEndQuorumEpoch(request: EndQuorumEpochRequest, apiVersion: number): EndQuorumEpochResponse {
    const fail = (errorCode: number): EndQuorumEpochResponse => ({errorCode, topics: [], nodeEndpoints: []})
    if (!this.validClusterId(request.clusterId)) return fail(ErrorCode.INCONSISTENT_CLUSTER_ID)
    const p = singlePartition(request.topics)
    if (!p) return fail(ErrorCode.INVALID_REQUEST)
    const respond = (errorCode: number): EndQuorumEpochResponse => ({
      errorCode: ErrorCode.NONE,
      topics: [{topicName: METADATA_TOPIC_NAME, partitions: [{partitionIndex: 0, errorCode, leaderId: this.leaderId, leaderEpoch: this.state.epoch}]}],
      nodeEndpoints: [],
    })
    if (p.leaderEpoch < this.state.epoch) return respond(ErrorCode.FENCED_LEADER_EPOCH)
    this.maybeTransition(p.leaderId, p.leaderEpoch)
    const s = this.state
    if (s.kind === 'follower' && s.leaderId === p.leaderId && this.isVoter) {
      // The resigning leader ranks its successors: the first starts its election at once.
      const successors = apiVersion >= 1 ? p.preferredCandidates.map((c) => c.candidateId) : p.preferredSuccessors
      const position = successors.indexOf(this.config.nodeId)
      const backoff = position <= 0 ? 0 : Math.min(this.config.electionBackoffMaxMs, this.config.retryBackoffMs * 2 ** (position - 1)) + Math.floor(this.random() * this.config.retryBackoffMs)
      s.fetchDeadline = Math.min(s.fetchDeadline, this.now() + (position < 0 ? this.randomElectionTimeout() : backoff))
    }
    return respond(ErrorCode.NONE)
  }

  /** A Fetch of __cluster_metadata on the controller listener; long-polls when nothing is new. */
  async handleFetch(request: FetchRequest, apiVersion: number): Promise<FetchResponse> {
    const topLevel = (errorCode: number): FetchResponse => ({throttleTimeMs: 0, errorCode, sessionId: 0, responses: [], nodeEndpoints: []})
    if (!this.validClusterId(request.clusterId)) return topLevel(ErrorCode.INCONSISTENT_CLUSTER_ID)
    const topic = request.topics.length === 1 ? request.topics[0]! : null
    const partition = topic && topic.partitions.length === 1 ? topic.partitions[0]! : null
    const topicMatches = topic !== null && (apiVersion >= 13 ? topic.topicId === METADATA_TOPIC_ID : topic.topic === METADATA_TOPIC_NAME)
    if (!topic || !partition || !topicMatches || partition.partition !== 0) return topLevel(ErrorCode.INVALID_REQUEST)
    const replicaId = apiVersion >= 15 ? request.replicaState.replicaId : request.replicaId
    const fetchOffset = Number(partition.fetchOffset)
    if (request.maxWaitMs < 0 || fetchOffset < 0 || partition.lastFetchedEpoch < 0 || partition.lastFetchedEpoch > partition.currentLeaderEpoch) {
      return this.fetchResponse(apiVersion, ErrorCode.INVALID_REQUEST, Buffer.alloc(0), null)
    }
    let response = this.tryCompleteFetch(apiVersion, replicaId, fetchOffset, partition.lastFetchedEpoch, partition.currentLeaderEpoch, partition.partitionMaxBytes)
    const p = response.responses[0]!.partitions[0]!
    // Answer at once with news: records, an error, a divergence, or a high watermark the fetcher
    // has not been told yet (it learns of a commit now instead of after the long poll).
    if (p.errorCode !== ErrorCode.NONE || (p.records?.length ?? 0) > 0 || request.maxWaitMs === 0 || p.divergingEpoch.epoch >= 0 || this.closed) return response
    if (this.takeHighWatermarkNews(replicaId, p.highWatermark)) return response
    // Park until the log grows, the high watermark moves, leadership changes, or maxWaitMs passes.
    await new Promise<void>((resolve) => {
      const entry: ParkedFetch = {
        wake: () => {
          if (!this.parked.delete(entry)) return
          clearTimeout(timer)
          resolve()
        },
      }
      const timer = setTimeout(entry.wake, Math.min(request.maxWaitMs, MAX_FETCH_WAIT_MS))
      this.parked.add(entry)
    })
    response = this.tryCompleteFetch(apiVersion, replicaId, fetchOffset, partition.lastFetchedEpoch, partition.currentLeaderEpoch, partition.partitionMaxBytes)
    this.takeHighWatermarkNews(replicaId, response.responses[0]!.partitions[0]!.highWatermark)
    return response
  }

  /** Records the high watermark sent to a replica; true when it is newer than the last one sent. */
  private takeHighWatermarkNews(replicaId: number, hw: bigint): boolean {
    const s = this.state
    if (s.kind !== 'leader') return false
    const r = s.voters.get(replicaId) ?? s.observers.get(replicaId)
    if (!r) return false
    const news = Number(hw) > r.lastSentHighWatermark
    r.lastSentHighWatermark = Math.max(r.lastSentHighWatermark, Number(hw))
    return news
  }

  /** DescribeQuorum: answered by the leader only (NOT_LEADER_OR_FOLLOWER elsewhere). */
  handleDescribeQuorum(request: DescribeQuorumRequest, apiVersion: number): DescribeQuorumResponse {
    const t = request.topics.length === 1 ? request.topics[0]! : null
    const valid = t !== null && t.topicName === METADATA_TOPIC_NAME && t.partitions.length === 1 && t.partitions[0]!.partitionIndex === 0
    const partitionError = (errorCode: number) => ({
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: request.topics.map((topic) => ({
        topicName: topic.topicName,
        partitions: topic.partitions.map((pp) => ({
          partitionIndex: pp.partitionIndex,
          errorCode,
          errorMessage: null,
          leaderId: -1,
          leaderEpoch: -1,
          highWatermark: -1n,
          currentVoters: [],
          observers: [],
        })),
      })),
      nodes: [],
    })
    if (!valid) return partitionError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    const s = this.state
    if (s.kind !== 'leader') {
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topics: [
          {
            topicName: METADATA_TOPIC_NAME,
            partitions: [
              {partitionIndex: 0, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null, leaderId: -1, leaderEpoch: -1, highWatermark: -1n, currentVoters: [], observers: []},
            ],
          },
        ],
        nodes: [],
      }
    }
    const now = this.now()
    const toState = (id: number, r: ReplicaProgress): DescribeReplicaState => ({
      replicaId: id,
      replicaDirectoryId: ZERO_UUID,
      logEndOffset: BigInt(r.endOffset),
      lastFetchTimestamp: BigInt(id === this.config.nodeId ? now : r.lastFetchTimestamp),
      lastCaughtUpTimestamp: BigInt(id === this.config.nodeId ? now : r.lastCaughtUpTimestamp),
    })
    for (const [id, r] of s.observers) if (now - r.lastFetchTimestamp > OBSERVER_SESSION_TIMEOUT_MS) s.observers.delete(id)
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: [
        {
          topicName: METADATA_TOPIC_NAME,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              leaderId: this.config.nodeId,
              leaderEpoch: s.epoch,
              highWatermark: BigInt(this.highWatermarkOrUnknown()),
              currentVoters: [...s.voters].sort((a, b) => a[0] - b[0]).map(([id, r]) => toState(id, r)),
              observers: [...s.observers].sort((a, b) => a[0] - b[0]).map(([id, r]) => toState(id, r)),
            },
          ],
        },
      ],
      nodes:
        apiVersion >= 2
          ? [...this.voterIds].sort((a, b) => a - b).flatMap((id) => {
              const a = this.nodeAddress(id)
              return a ? [{nodeId: id, listeners: [{name: this.config.controllerListenerName, host: a.host, port: a.port}]}] : []
            })
          : [],
    }
  }

  // ------------------------------------------------------------------ polling

  /** Runs a response handler; a failure is logged, never an unhandled rejection that ends the process. */
  private guard(what: string, fn: () => void): void {
    try {
      fn()
    } catch (e) {
      this.log.error(`Failed to handle a ${what} response: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  private poll(): void {
    if (this.closed) return
    const now = this.now()
    const s = this.state
    switch (s.kind) {
      case 'unattached':
        if (this.isVoter && now >= s.electionDeadline) this.becomeCandidate()
        else if (!this.isVoter) this.maybeSendFetch(now)
        break
      case 'candidate':
        if (now >= s.electionDeadline) this.becomeCandidate()
        else this.maybeSendVotes(s, now)
        break
      case 'leader':
        this.maybeSendBeginQuorumEpoch(s, now)
        this.checkQuorum(s, now)
        break
      case 'follower':
        if (now >= s.fetchDeadline) {
          if (this.isVoter) {
            this.log.info(`No fetch answer from leader ${s.leaderId} within ${this.config.fetchTimeoutMs} ms; starting an election`)
            this.becomeCandidate()
          } else {
            this.transition({kind: 'unattached', epoch: s.epoch, votedId: -1, electionDeadline: Number.MAX_SAFE_INTEGER})
          }
        } else this.maybeSendFetch(now)
        break
      case 'resigned':
        if (this.isVoter && now >= s.electionDeadline) this.becomeCandidate()
        break
    }
  }

  private maybeSendVotes(s: Extract<State, {kind: 'candidate'}>, now: number): void {
    for (const id of this.voterIds) {
      if (id === this.config.nodeId || s.granted.has(id) || s.rejected.has(id)) continue
      // Retried while unanswered: a voter that is still starting refuses connections for a while.
      const last = s.asked.get(id)
      if (last !== undefined && now - last < Math.max(this.config.retryBackoffMs, 50)) continue
      s.asked.set(id, now)
      const request: VoteRequest = {
        clusterId: this.config.clusterId,
        voterId: id,
        topics: [
          {
            topicName: METADATA_TOPIC_NAME,
            partitions: [
              {
                partitionIndex: 0,
                candidateEpoch: s.epoch,
                candidateId: this.config.nodeId,
                candidateDirectoryId: ZERO_UUID,
                voterDirectoryId: ZERO_UUID,
                lastOffsetEpoch: this.metadataLog.lastFetchedEpoch,
                lastOffset: BigInt(this.metadataLog.endOffset),
              },
            ],
          },
        ],
      }
      this.channel.request(id, 'raft', Vote, request).then(
        (response) => {
          s.asked.set(id, Number.MAX_SAFE_INTEGER)
          this.guard('Vote', () => this.onVoteResponse(id, s.epoch, response))
        },
        () => {},
      )
    }
  }

  private onVoteResponse(voterId: number, requestEpoch: number, response: VoteResponse): void {
    if (this.closed || response.errorCode !== ErrorCode.NONE) return
    const p = singlePartition(response.topics)
    if (!p) return
    if (this.handleCommonResponse(p.errorCode, p.leaderId, p.leaderEpoch)) return
    const s = this.state
    if (s.kind !== 'candidate' || s.epoch !== requestEpoch || p.errorCode !== ErrorCode.NONE) return
    if (p.voteGranted) {
      s.granted.add(voterId)
      this.log.info(`Voter ${voterId} granted its vote for epoch ${s.epoch}`)
      if (this.hasMajority(s.granted)) this.becomeLeader(s)
    } else {
      s.rejected.add(voterId)
      if (this.hasMajority(s.rejected)) {
        // Lost: back off (exponentially, randomly) before the next candidacy (Kafka's
        // binaryExponentialElectionBackoffMs).
        this.failedElections++
        const cap = Math.min(this.config.electionBackoffMaxMs, this.config.retryBackoffMs * 2 ** Math.min(this.failedElections, 20))
        s.electionDeadline = this.now() + this.config.electionTimeoutMs + Math.floor(this.random() * cap)
      }
    }
  }

  private maybeSendBeginQuorumEpoch(s: Extract<State, {kind: 'leader'}>, now: number): void {
    for (const id of this.voterIds) {
      if (id === this.config.nodeId || s.informed.has(id)) continue
      const last = s.lastBeginSent.get(id)
      if (last !== undefined && now - last < Math.max(this.config.retryBackoffMs, 50) * 5) continue
      s.lastBeginSent.set(id, now)
      const a = this.config.voters.get(this.config.nodeId)
      const request: BeginQuorumEpochRequestT = {
        clusterId: this.config.clusterId,
        voterId: id,
        topics: [{topicName: METADATA_TOPIC_NAME, partitions: [{partitionIndex: 0, voterDirectoryId: ZERO_UUID, leaderId: this.config.nodeId, leaderEpoch: s.epoch}]}],
        leaderEndpoints: a ? [{name: this.config.controllerListenerName, host: a.host, port: a.port}] : [],
      }
      this.channel.request(id, 'raft', BeginQuorumEpoch, request).then(
        (response) =>
          this.guard('BeginQuorumEpoch', () => {
            if (this.closed || response.errorCode !== ErrorCode.NONE) return
            const p = singlePartition(response.topics)
            if (!p || this.handleCommonResponse(p.errorCode, p.leaderId, p.leaderEpoch)) return
            const cur = this.state
            if (cur.kind === 'leader' && cur.epoch === s.epoch && p.errorCode === ErrorCode.NONE) cur.informed.add(id)
          }),
        () => {},
      )
    }
  }

  /** Kafka's check-quorum: a leader that no majority has fetched from for 1.5 fetch timeouts resigns. */
  private checkQuorum(s: Extract<State, {kind: 'leader'}>, now: number): void {
    if (this.voterIds.size <= 1) return
    const window = Math.floor(this.config.fetchTimeoutMs * 1.5)
    const recent = new Set<number>([this.config.nodeId])
    for (const [id, r] of s.voters) if (now - r.lastFetchTimestamp < window) recent.add(id)
    if (this.hasMajority(recent)) {
      s.checkQuorumSince = now
      return
    }
    if (now - s.checkQuorumSince >= window) {
      this.log.info(`Did not receive fetch requests from a majority of the voters within ${window} ms; resigning leadership of epoch ${s.epoch}`)
      this.transition({kind: 'resigned', epoch: s.epoch, electionDeadline: now + this.randomElectionTimeout()})
    }
  }

  private maybeSendFetch(now: number): void {
    if (this.fetchInFlight || now < this.fetchBackoffUntil) return
    const s = this.state
    let target: number
    if (s.kind === 'follower') target = s.leaderId
    else {
      // No leader known: ask a voter (or bootstrap server), round robin; its answer names the leader.
      const candidates = [...this.voterIds].filter((id) => id !== this.config.nodeId && this.channel.knows(id))
      for (let i = 0; i < this.config.bootstrapServers.length; i++) candidates.push(-2 - i)
      if (candidates.length === 0) return
      target = candidates[this.bootstrapCursor++ % candidates.length]!
    }
    if (!this.channel.knows(target)) {
      this.fetchBackoffUntil = now + this.config.retryBackoffMs
      return
    }
    const epoch = s.epoch
    const request: FetchRequest = {
      clusterId: this.config.clusterId,
      // v15+ names the fetching replica in replicaState only.
      replicaId: -1,
      replicaState: {replicaId: this.config.nodeId, replicaEpoch: -1n},
      maxWaitMs: MAX_FETCH_WAIT_MS,
      minBytes: 0,
      maxBytes: MAX_FETCH_BYTES,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: METADATA_TOPIC_NAME,
          topicId: METADATA_TOPIC_ID,
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: epoch,
              fetchOffset: BigInt(this.metadataLog.endOffset),
              lastFetchedEpoch: this.metadataLog.lastFetchedEpoch,
              logStartOffset: -1n,
              partitionMaxBytes: MAX_FETCH_BYTES,
              replicaDirectoryId: ZERO_UUID,
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    }
    this.fetchInFlight = true
    this.channel.request(target, 'fetch', Fetch, request).then(
      (response) => {
        this.fetchInFlight = false
        let ok = false
        try {
          ok = this.handleFetchResponse(target, epoch, response)
        } catch (e) {
          // A log this node cannot append to or truncate as told: keep the node up, retry later.
          this.log.error(`Failed to handle the Fetch response from node ${target}: ${e instanceof Error ? e.message : String(e)}`)
        }
        if (!ok) this.fetchBackoffUntil = this.now() + Math.max(this.config.retryBackoffMs, 50)
        if (!this.closed) this.poll()
      },
      (e: unknown) => {
        this.fetchInFlight = false
        this.fetchBackoffUntil = this.now() + Math.max(this.config.retryBackoffMs, 50)
        this.channel.disconnect(target)
        this.log.debug(`Fetch from node ${target} failed: ${e instanceof Error ? e.message : String(e)}`)
      },
    )
  }

  /** Returns false when the fetch should be retried only after a backoff. */
  private handleFetchResponse(source: number, requestEpoch: number, response: FetchResponse): boolean {
    if (this.closed) return false
    if (response.errorCode !== ErrorCode.NONE) {
      if (response.errorCode === ErrorCode.INCONSISTENT_CLUSTER_ID) this.log.error(`Node ${source} belongs to another cluster (INCONSISTENT_CLUSTER_ID)`)
      return false
    }
    const p = response.responses[0]?.partitions[0]
    if (!p) return false
    for (const ep of response.nodeEndpoints) if (ep.nodeId === p.currentLeader.leaderId) this.channel.setAddress(ep.nodeId, {host: ep.host, port: ep.port})
    if (this.handleCommonResponse(p.errorCode, p.currentLeader.leaderId, p.currentLeader.leaderEpoch)) {
      // Retry at once only when the answer named a leader to fetch from.
      return p.errorCode === ErrorCode.NONE || (this.state.kind === 'follower' && p.currentLeader.leaderId >= 0)
    }
    const s = this.state
    if (s.kind !== 'follower' || s.epoch !== requestEpoch || source !== s.leaderId) return true
    if (p.errorCode !== ErrorCode.NONE) return false
    if (p.divergingEpoch.epoch >= 0) {
      const end = this.metadataLog.truncateToEndOffset(p.divergingEpoch.epoch, Number(p.divergingEpoch.endOffset))
      this.log.info(`Truncated to offset ${end} from Fetch response from leader ${s.leaderId}`)
    } else {
      if (p.records !== null && p.records.length > 0) this.metadataLog.appendAsFollower(p.records, s.epoch, this.isVoter)
      if (p.highWatermark >= 0n) this.updateFollowerHighWatermark(Number(p.highWatermark))
    }
    s.fetchDeadline = this.now() + this.config.fetchTimeoutMs
    return true
  }

  /**
   * Kafka's maybeHandleCommonResponse: a response naming a newer epoch (or this epoch's leader)
   * moves this node along. Returns true when the response needs no further handling.
   */
  private handleCommonResponse(errorCode: number, leaderId: number, epoch: number): boolean {
    if (epoch < this.state.epoch || errorCode === ErrorCode.UNKNOWN_LEADER_EPOCH) return true
    if (epoch > this.state.epoch || errorCode === ErrorCode.FENCED_LEADER_EPOCH || errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER) {
      this.maybeTransition(leaderId, epoch)
      return true
    }
    if (epoch === this.state.epoch && leaderId >= 0 && this.leaderId < 0 && this.state.kind !== 'candidate') {
      this.becomeFollower(epoch, leaderId)
      return errorCode !== ErrorCode.NONE
    }
    return false
  }

  private maybeTransition(leaderId: number, epoch: number): void {
    if (epoch > this.state.epoch) {
      if (leaderId >= 0) this.becomeFollower(epoch, leaderId)
      else this.transitionToUnattached(epoch)
    } else if (epoch === this.state.epoch && leaderId >= 0 && this.leaderId < 0 && leaderId !== this.config.nodeId) {
      this.becomeFollower(epoch, leaderId)
    }
  }

  // ------------------------------------------------------------------ leader: fetch answers and the high watermark

  private tryCompleteFetch(apiVersion: number, replicaId: number, fetchOffset: number, lastFetchedEpoch: number, requestEpoch: number, maxBytes: number): FetchResponse {
    const s = this.state
    if (requestEpoch < s.epoch) return this.fetchResponse(apiVersion, ErrorCode.FENCED_LEADER_EPOCH, null, null)
    if (requestEpoch > s.epoch) return this.fetchResponse(apiVersion, ErrorCode.UNKNOWN_LEADER_EPOCH, null, null)
    if (s.kind !== 'leader' || this.closed) return this.fetchResponse(apiVersion, ErrorCode.NOT_LEADER_OR_FOLLOWER, null, null)
    const validation = this.metadataLog.validateOffsetAndEpoch(fetchOffset, lastFetchedEpoch)
    if (validation.kind === 'diverging') {
      return this.fetchResponse(apiVersion, ErrorCode.NONE, Buffer.alloc(0), {epoch: validation.epoch, endOffset: validation.endOffset})
    }
    if (fetchOffset > this.metadataLog.endOffset) return this.fetchResponse(apiVersion, ErrorCode.OFFSET_OUT_OF_RANGE, null, null)
    const records = this.metadataLog.readRaw(fetchOffset, Math.max(1, Math.min(maxBytes, MAX_FETCH_BYTES)))
    if (replicaId >= 0) this.updateReplicaState(s, replicaId, fetchOffset)
    return this.fetchResponse(apiVersion, ErrorCode.NONE, records, null)
  }

  private fetchResponse(apiVersion: number, errorCode: number, records: Buffer | null, diverging: {epoch: number; endOffset: number} | null): FetchResponse {
    const partition: FetchPartitionData = {
      partitionIndex: 0,
      errorCode,
      highWatermark: BigInt(this.state.kind === 'leader' ? this.highWatermarkOrUnknown() : -1),
      lastStableOffset: -1n,
      logStartOffset: BigInt(this.metadataLog.startOffset),
      divergingEpoch: diverging ? {epoch: diverging.epoch, endOffset: BigInt(diverging.endOffset)} : {epoch: -1, endOffset: -1n},
      currentLeader: {leaderId: this.leaderId, leaderEpoch: this.state.epoch},
      snapshotId: {endOffset: -1n, epoch: -1},
      abortedTransactions: null,
      preferredReadReplica: -1,
      records,
    }
    const nodeEndpoints =
      apiVersion >= 16
        ? this.leaderNodeEndpoints().map((e) => ({...e, rack: null}))
        : []
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [{topic: METADATA_TOPIC_NAME, topicId: METADATA_TOPIC_ID, partitions: [partition]}], nodeEndpoints}
  }

  private leaderNodeEndpoints(): Array<{nodeId: number; host: string; port: number}> {
    const id = this.leaderId
    const a = id >= 0 ? this.nodeAddress(id) : undefined
    return a ? [{nodeId: id, host: a.host, port: a.port}] : []
  }

  private updateReplicaState(s: Extract<State, {kind: 'leader'}>, replicaId: number, fetchOffset: number): void {
    const now = this.now()
    const isVoter = this.voterIds.has(replicaId)
    let r = (isVoter ? s.voters : s.observers).get(replicaId)
    if (!r) {
      r = {endOffset: -1, lastSentHighWatermark: -1, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1, lastFetchLeaderEndOffset: -1}
      ;(isVoter ? s.voters : s.observers).set(replicaId, r)
    }
    const leaderEnd = this.metadataLog.endOffset
    if (fetchOffset >= leaderEnd) r.lastCaughtUpTimestamp = Math.max(r.lastCaughtUpTimestamp, now)
    else if (r.lastFetchLeaderEndOffset > 0 && fetchOffset >= r.lastFetchLeaderEndOffset) r.lastCaughtUpTimestamp = Math.max(r.lastCaughtUpTimestamp, r.lastFetchTimestamp)
    r.lastFetchTimestamp = now
    r.lastFetchLeaderEndOffset = leaderEnd
    r.endOffset = fetchOffset
    if (isVoter) {
      s.informed.add(replicaId)
      this.maybeAdvanceLeaderHighWatermark()
    }
  }

  private maybeAdvanceLeaderHighWatermark(): void {
    const s = this.state
    if (s.kind !== 'leader') return
    const offsets = [...this.voterIds].map((id) => s.voters.get(id)?.endOffset ?? -1).sort((a, b) => b - a)
    const candidate = offsets[Math.floor(this.voterIds.size / 2)]!
    if (candidate > s.epochStartOffset && candidate > this.highWatermark) {
      this.setHighWatermark(candidate)
      this.wakeParked()
    }
  }

  private highWatermarkOrUnknown(): number {
    const s = this.state
    if (s.kind === 'leader' && this.highWatermark <= s.epochStartOffset) return -1
    return this.highWatermark
  }

  private updateFollowerHighWatermark(leaderHw: number): void {
    const hw = Math.min(leaderHw, this.metadataLog.endOffset)
    if (hw > this.highWatermark) this.setHighWatermark(hw)
  }

  private setHighWatermark(hw: number): void {
    this.highWatermark = hw
    this.metadataLog.updateHighWatermark(hw)
    this.deliverCommitted()
  }

  private deliverCommitted(): void {
    const hw = Math.min(this.highWatermark, this.metadataLog.endOffset)
    if (this.appliedOffset >= hw) return
    const batches = this.metadataLog.readBatches(this.appliedOffset, hw)
    this.appliedOffset = hw
    if (batches.length > 0) this.listener.handleCommit(batches, hw)
  }

  private wakeParked(): void {
    for (const p of [...this.parked]) p.wake()
  }

  // ------------------------------------------------------------------ transitions

  private initialState(): State {
    const stored = this.store.read()
    const now = this.now()
    const logEpoch = this.metadataLog.lastFetchedEpoch
    if (!stored && this.metadataLog.endOffset === 0 && this.config.nodeId === Math.min(...this.voterIds)) {
      // A brand-new quorum: its lowest voter stands at once instead of waiting out a timeout
      // (only liveness depends on timeouts; the others still elect if it never comes up).
      return {kind: 'unattached', epoch: 0, votedId: -1, electionDeadline: now}
    }
    if (!stored || stored.epoch < logEpoch) {
      return {kind: 'unattached', epoch: Math.max(stored?.epoch ?? 0, logEpoch), votedId: -1, electionDeadline: now + this.randomElectionTimeout()}
    }
    if (stored.leaderId === this.config.nodeId) {
      // Was the leader: that epoch is over; resign and let a new election start.
      return {kind: 'resigned', epoch: stored.epoch, electionDeadline: now + this.randomElectionTimeout()}
    }
    if (stored.leaderId >= 0 && this.nodeAddress(stored.leaderId)) {
      return {kind: 'follower', epoch: stored.epoch, leaderId: stored.leaderId, fetchDeadline: now + this.config.fetchTimeoutMs}
    }
    return {kind: 'unattached', epoch: stored.epoch, votedId: stored.votedId, electionDeadline: now + this.randomElectionTimeout()}
  }

  private isOnlyVoter(): boolean {
    return this.voterIds.size === 1 && this.voterIds.has(this.config.nodeId) && this.config.isController
  }

  private hasMajority(ids: ReadonlySet<number>): boolean {
    let n = 0
    for (const id of ids) if (this.voterIds.has(id)) n++
    return n > this.voterIds.size / 2
  }

  private becomeCandidate(): void {
    const epoch = this.state.epoch + 1
    const s: State = {kind: 'candidate', epoch, granted: new Set([this.config.nodeId]), rejected: new Set(), asked: new Map(), electionDeadline: this.now() + this.randomElectionTimeout()}
    this.transition(s)
    this.log.info(`Became candidate for epoch ${epoch}`)
    if (this.hasMajority(s.granted)) this.becomeLeader(s)
    else this.maybeSendVotes(s, this.now())
  }

  private becomeLeader(c: Extract<State, {kind: 'candidate'}>): void {
    const now = this.now()
    const voters = new Map<number, ReplicaProgress>()
    for (const id of this.voterIds) voters.set(id, {endOffset: -1, lastSentHighWatermark: -1, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1, lastFetchLeaderEndOffset: -1})
    const s: State = {
      kind: 'leader',
      epoch: c.epoch,
      epochStartOffset: this.metadataLog.endOffset,
      voters,
      observers: new Map(),
      informed: new Set([this.config.nodeId]),
      lastBeginSent: new Map(),
      checkQuorumSince: now,
    }
    this.transition(s)
    this.failedElections = 0
    this.log.info(`Became leader for epoch ${c.epoch} with votes from [${[...c.granted].sort((a, b) => a - b).join(', ')}]; epoch starts at offset ${s.epochStartOffset}`)
    const voterList = [...this.voterIds].sort((a, b) => a - b).map((voterId) => ({voterId, voterDirectoryId: ZERO_UUID}))
    const granting = [...c.granted].sort((a, b) => a - b).map((voterId) => ({voterId, voterDirectoryId: ZERO_UUID}))
    this.metadataLog.appendLeaderChange(c.epoch, {version: 0, leaderId: this.config.nodeId, voters: voterList, grantingVoters: granting})
    this.onLeaderAppend()
    this.maybeSendBeginQuorumEpoch(s, now)
  }

  private becomeFollower(epoch: number, leaderId: number): void {
    if (leaderId === this.config.nodeId) return
    this.transition({kind: 'follower', epoch, leaderId, fetchDeadline: this.now() + this.config.fetchTimeoutMs})
    this.log.info(`Following leader ${leaderId} in epoch ${epoch}`)
    this.fetchBackoffUntil = 0
  }

  private transitionToUnattached(epoch: number): void {
    this.transition({kind: 'unattached', epoch, votedId: -1, electionDeadline: this.now() + this.randomElectionTimeout()})
  }

  private transition(next: State): void {
    const wasLeader = this.state.kind === 'leader'
    this.state = next
    const votedId = next.kind === 'unattached' ? next.votedId : next.kind === 'candidate' || next.kind === 'leader' ? this.config.nodeId : -1
    try {
      this.store.write({epoch: next.epoch, leaderId: this.leaderId, votedId, voters: [...this.voterIds].sort((a, b) => a - b)})
    } catch (e) {
      this.log.error(`Could not write ${this.store.path}: ${(e as Error).message}`)
    }
    if (wasLeader) this.wakeParked()
    this.notifyLeader()
  }

  private notifyLeader(): void {
    const leaderId = this.leaderId
    const epoch = this.state.epoch
    if (this.lastNotified && this.lastNotified.leaderId === leaderId && this.lastNotified.epoch === epoch) return
    this.lastNotified = {leaderId, epoch}
    this.listener.handleLeaderChange(leaderId, epoch)
  }

  private randomElectionTimeout(): number {
    return this.config.electionTimeoutMs + Math.floor(this.random() * this.config.electionTimeoutMs)
  }

  private validClusterId(clusterId: string | null): boolean {
    return clusterId === null || clusterId === '' || clusterId === this.config.clusterId
  }

  private now(): number {
    return Date.now()
  }
}

export class NotLeaderError extends Error {
  override name = 'NotLeaderError'
  constructor(
    readonly leaderId: number,
    readonly epoch: number,
  ) {
    super(leaderId >= 0 ? `The active controller is node ${leaderId}` : 'No active controller is known')
  }
}

function singlePartition<P extends {partitionIndex: number}>(topics: ReadonlyArray<{topicName: string; partitions: P[]}>): P | null {
  if (topics.length !== 1 || topics[0]!.topicName !== METADATA_TOPIC_NAME || topics[0]!.partitions.length !== 1) return null
  const p = topics[0]!.partitions[0]!
  return p.partitionIndex === 0 ? p : null
}

/** Orders (offset, epoch) pairs as Kafka's OffsetAndEpoch: by epoch, then offset. */
function compareOffsetAndEpoch(offsetA: number, epochA: number, offsetB: number, epochB: number): number {
  return epochA !== epochB ? epochA - epochB : offsetA - offsetB
}
