// A classic-protocol group (JoinGroup/SyncGroup/Heartbeat/LeaveGroup) and its members, as the
// group coordinator keeps them in memory: Kafka's states and transitions, the member bookkeeping
// that the join and sync phases count on (members awaiting a JoinGroup or SyncGroup answer,
// pending members of KIP-394, pending sync members), static members by group.instance.id,
// protocol selection by vote, and the subscribed topics read from the consumer protocol.
// Nothing here schedules timers or writes records; the coordinator does both.

import type {JoinGroupResponse, JoinGroupResponseMember} from '../protocol/generated/join-group-response.js'
import type {SyncGroupResponse} from '../protocol/generated/sync-group-response.js'
import {decodeSubscriptionTopics} from './consumer-protocol.js'

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

/** The states each state may be entered from (Kafka's ClassicGroupState.validPreviousStates). */
const VALID_PREVIOUS: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
}

export const CONSUMER_PROTOCOL_TYPE = 'consumer'
export const UNKNOWN_MEMBER_ID = ''
export const EMPTY_ASSIGNMENT: Buffer = Buffer.alloc(0)

export type JoinResult = Omit<JoinGroupResponse, 'throttleTimeMs'>
export type SyncResult = Omit<SyncGroupResponse, 'throttleTimeMs'>

export interface Protocol {
  name: string
  metadata: Buffer
}

export class ClassicMember {
  assignment: Buffer
  /** Completes the member's parked JoinGroup; null when none is parked. */
  awaitingJoin: ((r: JoinResult) => void) | null = null
  awaitingSync: ((r: SyncResult) => void) | null = null
  /** Joined in this rebalance and has not received its first JoinGroup answer. */
  isNew = false

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: Protocol[],
    assignment: Buffer = EMPTY_ASSIGNMENT,
  ) {
    this.assignment = assignment
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null
  }

  /** The member's metadata for a protocol (empty when it does not support it). */
  metadata(protocolName: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY_ASSIGNMENT
  }

  /** Same protocols, in the same order, with the same metadata. */
  matches(protocols: readonly Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
  }

  /** The member's first preference among the candidates. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name))
    if (!choice) throw new Error(`member ${this.memberId} does not support any of the candidate protocols`)
    return choice.name
  }

  /**
   * Whether an expiring session timer should spare the member: a member parked in a join or sync
   * phase is alive, except a brand-new member whose first JoinGroup has not been answered.
   */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false
    return this.isAwaitingJoin || this.isAwaitingSync
  }
}

export class ClassicGroup {
  state: ClassicGroupState
  previousState: ClassicGroupState = 'Dead'
  /** When the group entered its current state (ms), null when unknown (old records). */
  currentStateTimestamp: number | null
  protocolType: string | null
  protocolName: string | null
  generationId: number
  leaderId: string | null
  /** Insertion-ordered: the next leader is the first remaining member, as in Kafka. */
  readonly members = new Map<string, ClassicMember>()
  readonly staticMembers = new Map<string, string>()
  readonly pendingJoinMembers = new Set<string>()
  readonly pendingSyncMembers = new Set<string>()
  private readonly supportedProtocols = new Map<string, number>()
  numAwaitingJoin = 0
  subscribedTopics: Set<string> | null = null
  /** A member was added during the initial delayed rebalance (extends the delay). */
  newMemberAdded = false

  constructor(
    readonly groupId: string,
    init: {
      state?: ClassicGroupState
      generationId?: number
      protocolType?: string | null
      protocolName?: string | null
      leaderId?: string | null
      currentStateTimestamp?: number | null
      now: number
    },
  ) {
    this.state = init.state ?? 'Empty'
    this.generationId = init.generationId ?? 0
    this.protocolType = init.protocolType ?? null
    this.protocolName = init.protocolName ?? null
    this.leaderId = init.leaderId ?? null
    this.currentStateTimestamp = init.currentStateTimestamp === undefined ? init.now : init.currentStateTimestamp
  }

  readonly type = 'classic' as const

  is(state: ClassicGroupState): boolean {
    return this.state === state
  }

  get isEmpty(): boolean {
    return this.state === 'Empty'
  }

  get numMembers(): number {
    return this.members.size
  }

  /** A "simple" group: offsets committed without group membership. */
  get isSimple(): boolean {
    return this.protocolType === null && this.state === 'Empty' && this.pendingJoinMembers.size === 0
  }

  get usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE
  }

  member(memberId: string): ClassicMember | undefined {
    return this.members.get(memberId)
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId)
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId
  }

  transitionTo(state: ClassicGroupState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`Group ${this.groupId} should be in one of [${VALID_PREVIOUS[state].join(', ')}] states before moving to ${state} state. Instead it is in ${this.state} state.`)
    }
    this.previousState = this.state
    this.state = state
    this.currentStateTimestamp = now
  }

  /** The slowest member's rebalance timeout: how long a join phase may take. */
  get rebalanceTimeoutMs(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state)
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin && this.pendingJoinMembers.size === 0
  }

  notYetRejoinedMembers(): ClassicMember[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin)
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0
  }

  // ---------------------------------------------------------------- membership

  add(member: ClassicMember, onJoin: ((r: JoinResult) => void) | null = null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new Error(`Static member with groupInstanceId=${member.groupInstanceId} cannot be added to group ${this.groupId} since it is already a member.`)
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId)
    }
    if (this.members.size === 0) this.protocolType = member.protocolType
    if (this.leaderId === null) this.leaderId = member.memberId
    this.members.set(member.memberId, member)
    for (const p of member.protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + 1)
    member.awaitingJoin = onJoin
    if (member.isAwaitingJoin) this.numAwaitingJoin++
    this.pendingJoinMembers.delete(member.memberId)
  }

  remove(memberId: string): void {
    const removed = this.members.get(memberId)
    if (removed) {
      this.members.delete(memberId)
      for (const p of removed.protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) - 1)
      if (removed.isAwaitingJoin) this.numAwaitingJoin--
      if (removed.groupInstanceId !== null) this.staticMembers.delete(removed.groupInstanceId)
    }
    if (this.isLeader(memberId)) {
      const next = this.members.keys().next()
      this.leaderId = next.done ? null : next.value
    }
    this.pendingJoinMembers.delete(memberId)
    this.pendingSyncMembers.delete(memberId)
  }

  /** Updates a rejoining member's protocols and timeouts and parks (or clears) its JoinGroup. */
  updateMember(member: ClassicMember, protocols: Protocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, onJoin: ((r: JoinResult) => void) | null): void {
    for (const p of member.protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) - 1)
    member.protocols = protocols
    for (const p of member.protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + 1)
    member.rebalanceTimeoutMs = rebalanceTimeoutMs
    member.sessionTimeoutMs = sessionTimeoutMs
    if (onJoin !== null && !member.isAwaitingJoin) this.numAwaitingJoin++
    else if (onJoin === null && member.isAwaitingJoin) this.numAwaitingJoin--
    member.awaitingJoin = onJoin
  }

  /**
   * A static member rejoining with a new member id takes the old member's place (assignment
   * included); whatever the old id had parked is answered FENCED_INSTANCE_ID.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string, fencedCode: number): ClassicMember {
    const old = this.members.get(oldMemberId)
    if (!old) throw new Error(`Cannot replace non-existing member id ${oldMemberId}`)
    this.members.delete(oldMemberId)
    this.completeJoin(old, {
      errorCode: fencedCode,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: '',
      skipAssignment: false,
      memberId: oldMemberId,
      members: [],
    })
    this.completeSync(old, {errorCode: fencedCode, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT})
    const replacement = new ClassicMember(
      newMemberId,
      old.groupInstanceId,
      old.clientId,
      old.clientHost,
      old.rebalanceTimeoutMs,
      old.sessionTimeoutMs,
      old.protocolType,
      old.protocols,
      old.assignment,
    )
    this.members.set(newMemberId, replacement)
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId
    this.staticMembers.set(groupInstanceId, newMemberId)
    return replacement
  }

  /** If the leader has not rejoined, the first member that has becomes leader. False when none has. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false
    const leader = this.members.get(this.leaderId)
    if (leader && leader.isAwaitingJoin) return true
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId
        return true
      }
    }
    return false
  }

  addPendingMember(memberId: string): void {
    if (this.members.has(memberId)) throw new Error(`Attempt to add pending member ${memberId} which is already a stable member of the group.`)
    this.pendingJoinMembers.add(memberId)
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId)
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId)
  }

  /**
   * Kafka's validateMember: a static member must present the member id its instance id maps to
   * (FENCED_INSTANCE_ID otherwise); every member must be known (UNKNOWN_MEMBER_ID). Returns the
   * error name, or null when valid.
   */
  validateMember(memberId: string, groupInstanceId: string | null): 'UNKNOWN_MEMBER_ID' | 'FENCED_INSTANCE_ID' | null {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId)
      if (existing === undefined) return 'UNKNOWN_MEMBER_ID'
      if (existing !== memberId) return 'FENCED_INSTANCE_ID'
    }
    return this.members.has(memberId) ? null : 'UNKNOWN_MEMBER_ID'
  }

  // ---------------------------------------------------------------- protocols

  /** Whether a joining member's protocol type and protocols fit this group. */
  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.state === 'Empty') return protocolType !== '' && protocolNames.length > 0
    return this.protocolType === protocolType && protocolNames.some((n) => (this.supportedProtocols.get(n) ?? 0) === this.members.size)
  }

  /** The protocol every member supports that gets the most first-preference votes. */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error('Cannot select protocol for empty group')
    const candidates = new Set<string>()
    for (const [name, count] of this.supportedProtocols) if (count === this.members.size) candidates.add(name)
    const votes = new Map<string, number>()
    for (const m of this.members.values()) {
      const choice = m.vote(candidates)
      votes.set(choice, (votes.get(choice) ?? 0) + 1)
    }
    let best: string | null = null
    let bestVotes = -1
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name
        bestVotes = n
      }
    }
    return best!
  }

  /** The topics the members subscribe to, from their consumer-protocol metadata; null when unknown. */
  computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return null
    if (this.members.size === 0) return new Set()
    if (this.protocolName === null) return null
    const all = new Set<string>()
    try {
      for (const m of this.members.values()) for (const t of decodeSubscriptionTopics(m.metadata(this.protocolName))) all.add(t)
    } catch {
      return null
    }
    return all
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics !== null ? this.subscribedTopics.has(topic) : this.usesConsumerProtocol
  }

  initNextGeneration(now: number): void {
    this.generationId++
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol()
      this.subscribedTopics = this.computeSubscribedTopics()
      this.transitionTo('CompletingRebalance', now)
    } else {
      this.protocolName = null
      this.subscribedTopics = this.computeSubscribedTopics()
      this.transitionTo('Empty', now)
    }
    this.pendingSyncMembers.clear()
  }

  /** The members and their metadata for the selected protocol, as the leader's JoinGroup answer lists them. */
  currentMembers(): JoinGroupResponseMember[] {
    return [...this.members.values()].map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(this.protocolName)}))
  }

  // ---------------------------------------------------------------- parked requests

  completeJoin(member: ClassicMember, result: JoinResult): boolean {
    const cb = member.awaitingJoin
    if (cb === null) return false
    member.awaitingJoin = null
    this.numAwaitingJoin--
    cb(result)
    return true
  }

  completeSync(member: ClassicMember, result: SyncResult): boolean {
    const cb = member.awaitingSync
    if (cb === null) return false
    member.awaitingSync = null
    cb(result)
    return true
  }
}
