// The classic group protocol, as Kafka's group coordinator runs it: JoinGroup (with KIP-394's
// required member id, static membership, group.max.size and the delayed initial rebalance),
// SyncGroup, Heartbeat and LeaveGroup, and the timers that drive a group when clients go quiet:
// a session timer per member, a join timer per group (rebalance timeout, or the initial delay),
// and a sync timer per group. A JoinGroup or SyncGroup that has to wait is parked on its member
// and answered when the phase completes.

import {randomUUID} from 'node:crypto'

import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {
  ClassicGroup,
  ClassicMember,
  EMPTY_ASSIGNMENT,
  UNKNOWN_MEMBER_ID,
  type JoinResult,
  type Protocol,
  type SyncResult,
} from './classic-group.js'
import type {CoordinatorRecord, GroupMetadataValue} from './records.js'
import {appendErrorToResponseError, type GroupRuntime} from './runtime.js'

export interface JoinRequest {
  groupId: string
  memberId: string
  groupInstanceId: string | null
  protocolType: string
  protocols: Protocol[]
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  reason: string | null
}

export interface SyncRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  protocolType: string | null
  protocolName: string | null
  assignments: Array<{memberId: string; assignment: Buffer}>
}

export interface MemberIdentity {
  memberId: string
  groupInstanceId: string | null
  reason: string | null
}

export interface ClientInfo {
  clientId: string
  clientHost: string
  apiVersion: number
}

export function joinResult(memberId: string, errorCode: number): JoinResult {
  return {errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: []}
}

export function syncResult(errorCode: number): SyncResult {
  return {errorCode, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT}
}

const key = (kind: string, groupId: string, memberId = '') => `classic-${kind}\u0000${groupId}\u0000${memberId}`

/** The GroupMetadata record of a classic group, with every member's metadata and assignment. */
export function groupMetadataRecord(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer> | null): CoordinatorRecord {
  const value: GroupMetadataValue = {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.metadata(group.protocolName),
      assignment: assignment?.get(m.memberId) ?? m.assignment,
    })),
  }
  return {type: 'GroupMetadata', group: group.groupId, value}
}

function emptyGroupMetadataRecord(group: ClassicGroup): CoordinatorRecord {
  return {
    type: 'GroupMetadata',
    group: group.groupId,
    value: {protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1), members: []},
  }
}

export class ClassicGroupManager {
  constructor(private readonly rt: GroupRuntime) {}

  private classic(groupId: string): ClassicGroup | undefined {
    const g = this.rt.group(groupId)
    return g && g.type === 'classic' ? g : undefined
  }

  private persist(group: ClassicGroup, records: CoordinatorRecord[], what: string): Promise<void> {
    return this.rt.write(group.groupId, records, false).catch((e: unknown) => {
      this.rt.log.warn(`Failed to write ${what} for group ${group.groupId}: ${e instanceof Error ? e.message : String(e)}`)
      throw e
    })
  }

  // ---------------------------------------------------------------- timers

  private scheduleHeartbeat(group: ClassicGroup, member: ClassicMember, timeoutMs: number = member.sessionTimeoutMs): void {
    const {groupId} = group
    const {memberId} = member
    this.rt.timer.schedule(key('heartbeat', groupId, memberId), timeoutMs, () => this.expireHeartbeat(groupId, memberId))
  }

  private cancelHeartbeat(groupId: string, memberId: string): void {
    this.rt.timer.cancel(key('heartbeat', groupId, memberId))
  }

  /** Cancels every timer of the group (when it is deleted or unloaded). */
  cancelGroupTimers(groupId: string): void {
    for (const kind of ['heartbeat', 'join', 'sync']) this.rt.timer.cancelPrefix(key(kind, groupId))
  }

  /** Reschedules a member's session after a commit or a loaded group's members (Kafka does both). */
  touchMember(group: ClassicGroup, memberId: string): void {
    const m = group.member(memberId)
    if (m) this.scheduleHeartbeat(group, m)
  }

  private expireHeartbeat(groupId: string, memberId: string): void {
    const group = this.classic(groupId)
    if (!group || group.is('Dead')) return
    if (group.isPendingMember(memberId)) {
      this.rt.log.info(`Pending member ${memberId} in group ${groupId} has been removed after session timeout expiration.`)
      group.remove(memberId)
      if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoin(group)
      return
    }
    const member = group.member(memberId)
    if (!member || member.hasSatisfiedHeartbeat()) return
    this.rt.log.info(`Member ${memberId} in group ${groupId} has failed, removing it from the group.`)
    this.removeMemberAndUpdateGroup(group, member, `removing member ${memberId} on heartbeat expiration.`)
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicMember, reason: string): void {
    // A new member may time out while its JoinGroup is parked: answer it so the client retries.
    group.completeJoin(member, joinResult(UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID))
    group.remove(member.memberId)
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group, reason)
    else if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoin(group)
  }

  // ---------------------------------------------------------------- join

  join(req: JoinRequest, client: ClientInfo): Promise<JoinResult> {
    return new Promise<JoinResult>((resolve) => {
      let answered = false
      const respond = (r: JoinResult) => {
        if (!answered) {
          answered = true
          resolve(r)
        }
      }
      let group = this.rt.group(req.groupId)
      if (group && group.type === 'consumer') {
        if (!group.isEmpty) {
          // Classic members joining a group of the consumer protocol is Kafka's online
          // migration, which this coordinator does not do.
          respond(joinResult(UNKNOWN_MEMBER_ID, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
          return
        }
        group = undefined
      }
      const isUnknownMember = req.memberId === UNKNOWN_MEMBER_ID
      const isNewGroup = group === undefined
      if (!group) {
        if (!isUnknownMember) {
          respond(joinResult(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID))
          return
        }
        group = new ClassicGroup(req.groupId, {now: this.rt.now()})
        this.rt.putGroup(group)
      }
      if (!this.acceptJoiningMember(group, req.memberId)) {
        group.remove(req.memberId)
        respond(joinResult(UNKNOWN_MEMBER_ID, ErrorCode.GROUP_MAX_SIZE_REACHED))
      } else if (isUnknownMember) {
        this.joinNewMember(group, req, client, respond)
      } else {
        this.joinExistingMember(group, req, client, respond)
      }
      if (isNewGroup) {
        // Commit the new group to the log (Kafka writes an empty GroupMetadata for it).
        this.persist(group, [emptyGroupMetadataRecord(group)], 'empty metadata').catch((e: unknown) => {
          respond(joinResult(UNKNOWN_MEMBER_ID, appendErrorToResponseError(e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR)))
        })
      }
    })
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.rt.config.classicMaxSize
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true
      case 'PreparingRebalance':
        return (group.member(memberId)?.isAwaitingJoin ?? false) || group.numAwaitingJoin < max
      default:
        return group.hasMember(memberId) || group.numMembers < max
    }
  }

  private joinNewMember(group: ClassicGroup, req: JoinRequest, client: ClientInfo, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) {
      respond(joinResult(UNKNOWN_MEMBER_ID, ErrorCode.COORDINATOR_NOT_AVAILABLE))
      return
    }
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      respond(joinResult(UNKNOWN_MEMBER_ID, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
      return
    }
    const newMemberId = `${req.groupInstanceId ?? client.clientId}-${randomUUID()}`
    if (req.groupInstanceId !== null) {
      const existing = group.staticMemberId(req.groupInstanceId)
      if (existing !== undefined) {
        this.rt.log.info(
          `Static member with groupInstanceId=${req.groupInstanceId} and unknown member id joins group ${group.groupId} in ${group.state} state. Replacing previously mapped member ${existing} with this groupInstanceId.`,
        )
        this.updateStaticMemberThenRebalanceOrCompleteJoin(group, req, client, existing, newMemberId, respond)
      } else {
        this.addMemberThenRebalanceOrCompleteJoin(group, req, client, newMemberId, respond)
      }
      return
    }
    if (client.apiVersion >= 4) {
      // KIP-394: the member gets its id first and must come back with it.
      this.rt.log.info(
        `Dynamic member with unknown member id joins group ${group.groupId} in ${group.state} state. Created a new member id ${newMemberId} and requesting the member to rejoin with this id.`,
      )
      group.addPendingMember(newMemberId)
      const groupId = group.groupId
      this.rt.timer.schedule(key('heartbeat', groupId, newMemberId), req.sessionTimeoutMs, () => this.expireHeartbeat(groupId, newMemberId))
      respond(joinResult(newMemberId, ErrorCode.MEMBER_ID_REQUIRED))
      return
    }
    this.addMemberThenRebalanceOrCompleteJoin(group, req, client, newMemberId, respond)
  }

  private joinExistingMember(group: ClassicGroup, req: JoinRequest, client: ClientInfo, respond: (r: JoinResult) => void): void {
    const {memberId} = req
    if (group.is('Dead')) {
      respond(joinResult(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
      return
    }
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      respond(joinResult(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
      return
    }
    if (group.isPendingMember(memberId)) {
      if (req.groupInstanceId !== null) {
        respond(joinResult(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
        return
      }
      this.rt.log.info(`Pending dynamic member with id ${memberId} joins group ${group.groupId} in ${group.state} state. Adding to the group now.`)
      this.addMemberThenRebalanceOrCompleteJoin(group, req, client, memberId, respond)
      return
    }
    const invalid = group.validateMember(memberId, req.groupInstanceId)
    if (invalid !== null) {
      respond(joinResult(memberId, ErrorCode[invalid]))
      return
    }
    const member = group.member(memberId)!
    const reason = req.reason ?? 'not provided'
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMemberThenRebalanceOrCompleteJoin(group, member, req, `Member ${memberId} is joining group during ${group.state}; client reason: ${reason}`, respond)
        return
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) {
          // The member lost the JoinGroup answer: give it the current generation again.
          respond(this.generationJoinResult(group, memberId, group.isLeader(memberId)))
        } else {
          this.updateMemberThenRebalanceOrCompleteJoin(group, member, req, `Updating metadata for member ${memberId} during ${group.state}; client reason: ${reason}`, respond)
        }
        return
      case 'Stable':
        if (group.isLeader(memberId)) {
          // A leader rejoining asks for a rebalance (e.g. the topics' metadata changed).
          this.updateMemberThenRebalanceOrCompleteJoin(group, member, req, `Leader ${memberId} re-joining group during ${group.state}; client reason: ${reason}`, respond)
        } else if (!member.matches(req.protocols)) {
          this.updateMemberThenRebalanceOrCompleteJoin(group, member, req, `Updating metadata for member ${memberId} during ${group.state}; client reason: ${reason}`, respond)
        } else {
          respond(this.generationJoinResult(group, memberId, false))
        }
        return
      default:
        this.rt.log.warn(`Attempt to add rejoining member ${memberId} of group ${group.groupId} in unexpected group state ${group.state}`)
        respond(joinResult(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    }
  }

  private generationJoinResult(group: ClassicGroup, memberId: string, withMembers: boolean, skipAssignment = false): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment,
      memberId,
      members: withMembers ? group.currentMembers() : [],
    }
  }

  private addMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    req: JoinRequest,
    client: ClientInfo,
    memberId: string,
    respond: (r: JoinResult) => void,
  ): void {
    const member = new ClassicMember(
      memberId,
      req.groupInstanceId,
      client.clientId,
      client.clientHost,
      req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      req.protocolType,
      req.protocols,
    )
    member.isNew = true
    if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true
    group.add(member, respond)
    // A new member cannot heartbeat while its JoinGroup is parked; time the JoinGroup out instead.
    this.scheduleHeartbeat(group, member, this.rt.config.newMemberJoinTimeoutMs)
    this.maybePrepareRebalanceOrCompleteJoin(
      group,
      `Adding new member ${memberId} with group instance id ${req.groupInstanceId}; client reason: ${req.reason ?? 'not provided'}`,
    )
  }

  private updateMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    member: ClassicMember,
    req: JoinRequest,
    reason: string,
    respond: (r: JoinResult) => void,
  ): void {
    // A second JoinGroup from the same member replaces the first; the first is answered.
    if (member.awaitingJoin !== null && member.awaitingJoin !== respond) {
      const previous = member.awaitingJoin
      member.awaitingJoin = null
      group.numAwaitingJoin--
      previous(joinResult(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS))
    }
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond)
    this.maybePrepareRebalanceOrCompleteJoin(group, reason)
  }

  private updateStaticMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    req: JoinRequest,
    client: ClientInfo,
    oldMemberId: string,
    newMemberId: string,
    respond: (r: JoinResult) => void,
  ): void {
    const currentLeader = group.leaderId
    const member = group.replaceStaticMember(req.groupInstanceId!, oldMemberId, newMemberId, ErrorCode.FENCED_INSTANCE_ID)
    this.cancelHeartbeat(group.groupId, oldMemberId)
    this.scheduleHeartbeat(group, member)
    member.clientId = client.clientId
    member.clientHost = client.clientHost
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond)
    const reason = req.reason ?? 'not provided'
    switch (group.state) {
      case 'Stable': {
        if ((group.protocolName ?? '') === group.selectProtocol()) {
          // Same protocol: the static member takes its old place without a rebalance.
          this.rt.log.info('Static member which joins during Stable stage and doesn\'t affect the selected protocol will not trigger a rebalance.')
          const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]))
          this.persist(group, [groupMetadataRecord(group, assignment)], 'static member').then(
            () => {
              const isLeader = group.isLeader(newMemberId)
              if (client.apiVersion >= 9) {
                group.completeJoin(member, this.generationJoinResult(group, newMemberId, isLeader, isLeader))
              } else {
                group.completeJoin(member, {...this.generationJoinResult(group, newMemberId, false), leader: currentLeader ?? ''})
              }
            },
            (e: unknown) => {
              group.completeJoin(member, {
                ...joinResult(UNKNOWN_MEMBER_ID, appendErrorToResponseError(e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR)),
                generationId: group.generationId,
                protocolName: group.protocolName,
                protocolType: group.protocolType,
                leader: currentLeader ?? '',
              })
            },
          )
        } else {
          this.maybePrepareRebalanceOrCompleteJoin(
            group,
            `Group's selectedProtocol will change because static member ${newMemberId} with instance id ${req.groupInstanceId} joined with change of protocol; client reason: ${reason}`,
          )
        }
        return
      }
      case 'CompletingRebalance':
        // The leader may already have the old member id in its assignment: rebalance again.
        this.prepareRebalance(group, `Updating metadata for static member ${newMemberId} with instance id ${req.groupInstanceId}; client reason: ${reason}`)
        return
      default:
        this.maybeCompleteJoinPhase(group)
    }
  }

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason)
    else this.maybeCompleteJoinPhase(group)
  }

  private maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return
    // The initial rebalance waits for its delay timer.
    if (group.previousState === 'Empty') return
    if (!group.hasAllMembersJoined()) return
    this.completeJoin(group)
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentWithError(group, ErrorCode.REBALANCE_IN_PROGRESS)
    this.removeSyncExpiration(group)
    const isInitialRebalance = group.is('Empty')
    const groupId = group.groupId
    if (isInitialRebalance) {
      // group.initial.rebalance.delay.ms: give more members the chance to join the first generation.
      const delay = this.rt.config.initialRebalanceDelayMs
      const remaining = Math.max(group.rebalanceTimeoutMs - delay, 0)
      this.rt.timer.schedule(key('join', groupId), delay, () => this.tryCompleteInitialRebalance(groupId, delay, remaining))
    }
    group.transitionTo('PreparingRebalance', this.rt.now())
    this.rt.log.info(`Preparing to rebalance group ${groupId} in state ${group.state} with old generation ${group.generationId} (reason: ${reason}).`)
    if (!isInitialRebalance) this.maybeCompleteJoinElseSchedule(group)
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) {
      this.completeJoin(group)
      return
    }
    const groupId = group.groupId
    this.rt.timer.schedule(key('join', groupId), group.rebalanceTimeoutMs, () => {
      const g = this.classic(groupId)
      if (g) this.completeJoin(g)
    })
  }

  private tryCompleteInitialRebalance(groupId: string, delayMs: number, remainingMs: number): void {
    const group = this.classic(groupId)
    if (!group) return
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false
      const newDelay = Math.min(this.rt.config.initialRebalanceDelayMs, remainingMs)
      const newRemaining = Math.max(remainingMs - delayMs, 0)
      this.rt.timer.schedule(key('join', groupId), newDelay, () => this.tryCompleteInitialRebalance(groupId, newDelay, newRemaining))
    } else {
      this.completeJoin(group)
    }
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped, the generation moves on,
   * and every parked JoinGroup is answered (the leader's with the members' metadata).
   */
  private completeJoin(group: ClassicGroup): void {
    const groupId = group.groupId
    this.rt.timer.cancel(key('join', groupId))
    const dropped = group.notYetRejoinedMembers().filter((m) => !m.isStatic)
    for (const m of dropped) {
      group.remove(m.memberId)
      this.cancelHeartbeat(groupId, m.memberId)
    }
    if (dropped.length > 0) this.rt.log.info(`Group ${groupId} removed dynamic members who haven't joined: [${dropped.map((m) => m.memberId).join(', ')}]`)
    if (group.is('Dead')) return
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Nobody rejoined (only static members remain): wait for them until their sessions expire.
      this.rt.log.error(`Group ${groupId} could not complete rebalance because no members rejoined.`)
      this.rt.timer.schedule(key('join', groupId), group.rebalanceTimeoutMs, () => {
        const g = this.classic(groupId)
        if (g) this.completeJoin(g)
      })
      return
    }
    group.initNextGeneration(this.rt.now())
    if (group.is('Empty')) {
      this.rt.log.info(`Group ${groupId} with generation ${group.generationId} is now empty.`)
      this.persist(group, [groupMetadataRecord(group, new Map())], 'empty metadata').catch(() => {})
      return
    }
    this.rt.log.info(`Stabilized group ${groupId} generation ${group.generationId} with ${group.numMembers} members.`)
    for (const m of group.members.values()) {
      group.completeJoin(m, this.generationJoinResult(group, m.memberId, group.isLeader(m.memberId)))
      this.scheduleHeartbeat(group, m)
      m.isNew = false
      group.pendingSyncMembers.add(m.memberId)
    }
    const generation = group.generationId
    this.rt.timer.schedule(key('sync', groupId), group.rebalanceTimeoutMs, () => this.expirePendingSync(groupId, generation))
  }

  private expirePendingSync(groupId: string, generationId: number): void {
    const group = this.classic(groupId)
    if (!group || group.generationId !== generationId) return
    if (!(group.is('CompletingRebalance') || group.is('Stable')) || group.hasReceivedSyncFromAllMembers()) return
    const pending = [...group.pendingSyncMembers]
    for (const memberId of pending) {
      group.remove(memberId)
      this.cancelHeartbeat(groupId, memberId)
    }
    this.prepareRebalance(group, `Removing [${pending.join(', ')}] on pending sync request expiration`)
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.pendingSyncMembers.clear()
    this.rt.timer.cancel(key('sync', group.groupId))
  }

  private resetAndPropagateAssignmentWithError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_ASSIGNMENT
    this.propagateAssignment(group, errorCode)
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) {
      const answered = group.completeSync(m, {
        errorCode,
        protocolType: errorCode === ErrorCode.NONE ? group.protocolType : null,
        protocolName: errorCode === ErrorCode.NONE ? group.protocolName : null,
        assignment: m.assignment,
      })
      if (answered) this.scheduleHeartbeat(group, m)
    }
  }

  // ---------------------------------------------------------------- sync

  sync(req: SyncRequest): Promise<SyncResult> {
    const group = this.rt.group(req.groupId)
    if (!group || group.isEmpty || group.type !== 'classic') return Promise.resolve(syncResult(ErrorCode.UNKNOWN_MEMBER_ID))
    if (group.is('Dead')) return Promise.resolve(syncResult(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    const invalid = group.validateMember(req.memberId, req.groupInstanceId)
    if (invalid !== null) return Promise.resolve(syncResult(ErrorCode[invalid]))
    if (req.generationId !== group.generationId) return Promise.resolve(syncResult(ErrorCode.ILLEGAL_GENERATION))
    const inconsistent = (requested: string | null, actual: string | null) => requested !== null && actual !== null && requested !== actual
    if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) {
      return Promise.resolve(syncResult(ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    }
    if (group.is('PreparingRebalance')) return Promise.resolve(syncResult(ErrorCode.REBALANCE_IN_PROGRESS))
    const member = group.member(req.memberId)!
    if (group.is('Stable')) {
      this.removePendingSyncMember(group, req.memberId)
      return Promise.resolve({errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment})
    }
    // CompletingRebalance: park until the leader's assignment is stored.
    return new Promise<SyncResult>((resolve) => {
      if (member.awaitingSync !== null) member.awaitingSync(syncResult(ErrorCode.REBALANCE_IN_PROGRESS))
      member.awaitingSync = resolve
      this.removePendingSyncMember(group, req.memberId)
      if (!group.isLeader(req.memberId)) return
      this.rt.log.info(
        `Assignment received from leader ${req.memberId} for group ${group.groupId} for generation ${group.generationId}. The group has ${group.numMembers} members, ${group.staticMembers.size} of which are static.`,
      )
      const assignment = new Map<string, Buffer>()
      for (const a of req.assignments) assignment.set(a.memberId, a.assignment)
      for (const m of group.members.values()) if (!assignment.has(m.memberId)) assignment.set(m.memberId, EMPTY_ASSIGNMENT)
      const generation = group.generationId
      this.persist(group, [groupMetadataRecord(group, assignment)], 'assignment').then(
        () => {
          if (!group.is('CompletingRebalance') || generation !== group.generationId) return
          for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_ASSIGNMENT
          this.propagateAssignment(group, ErrorCode.NONE)
          group.transitionTo('Stable', this.rt.now())
        },
        (e: unknown) => {
          if (!group.is('CompletingRebalance') || generation !== group.generationId) return
          const code = appendErrorToResponseError(e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR)
          this.resetAndPropagateAssignmentWithError(group, code)
          this.maybePrepareRebalanceOrCompleteJoin(group, `Error ${code} when storing group assignment during SyncGroup (member: ${req.memberId}).`)
        },
      )
    })
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId)
    if (group.hasReceivedSyncFromAllMembers() || !(group.is('CompletingRebalance') || group.is('Stable'))) this.rt.timer.cancel(key('sync', group.groupId))
  }

  // ---------------------------------------------------------------- heartbeat

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const group = this.classic(groupId)
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const invalid = group.validateMember(memberId, groupInstanceId)
    if (invalid !== null) return ErrorCode[invalid]
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID
      case 'PreparingRebalance':
        this.touchMember(group, memberId)
        return ErrorCode.REBALANCE_IN_PROGRESS
      default:
        // Heartbeats may start right after the JoinGroup answer (CompletingRebalance).
        this.touchMember(group, memberId)
        return ErrorCode.NONE
    }
  }

  // ---------------------------------------------------------------- leave

  /** Per-member error codes, or a group-level error code. */
  leave(groupId: string, members: readonly MemberIdentity[]): {errorCode: number; members: Array<{memberId: string; groupInstanceId: string | null; errorCode: number}>} {
    const group = this.classic(groupId)
    if (!group) {
      return {errorCode: ErrorCode.NONE, members: members.map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID}))}
    }
    if (group.is('Dead')) return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: []}
    const results: Array<{memberId: string; groupInstanceId: string | null; errorCode: number}> = []
    const left: string[] = []
    for (const m of members) {
      const reason = m.reason ?? 'not provided'
      let errorCode: number = ErrorCode.NONE
      if (m.memberId === UNKNOWN_MEMBER_ID) {
        // Administrative removal of a static member by its instance id.
        const id = m.groupInstanceId !== null ? group.staticMemberId(m.groupInstanceId) : undefined
        if (id !== undefined) {
          this.removeCurrentMember(group, id, reason)
          left.push(id)
        } else errorCode = ErrorCode.UNKNOWN_MEMBER_ID
      } else if (group.isPendingMember(m.memberId)) {
        group.remove(m.memberId)
        this.cancelHeartbeat(groupId, m.memberId)
        this.rt.log.info(`[Group ${groupId}] Pending member ${m.memberId} has left group through explicit \`LeaveGroup\` request; client reason: ${reason}`)
      } else {
        const invalid = group.validateMember(m.memberId, m.groupInstanceId)
        if (invalid !== null) errorCode = ErrorCode[invalid]
        else {
          this.removeCurrentMember(group, m.memberId, reason)
          left.push(m.memberId)
        }
      }
      results.push({memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode})
    }
    const valid = results.filter((r) => r.errorCode === ErrorCode.NONE).map((r) => r.memberId)
    if (valid.length > 0) {
      const reason = `explicit \`LeaveGroup\` request for (${valid.join(', ')}) members.`
      if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group, reason)
      else if (group.is('PreparingRebalance')) this.maybeCompleteJoinPhase(group)
    }
    return {errorCode: ErrorCode.NONE, members: results}
  }

  private removeCurrentMember(group: ClassicGroup, memberId: string, reason: string): void {
    const member = group.member(memberId)
    this.cancelHeartbeat(group.groupId, memberId)
    this.rt.log.info(`[Group ${group.groupId}] Member ${memberId} has left group through explicit \`LeaveGroup\` request; client reason: ${reason}`)
    if (member) group.completeJoin(member, joinResult(UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID))
    group.remove(memberId)
  }

  // ---------------------------------------------------------------- load / unload

  /** After a partition loads: every member's session runs again; oversized groups rebalance. */
  onLoaded(group: ClassicGroup): void {
    for (const m of group.members.values()) this.scheduleHeartbeat(group, m)
    if (group.numMembers > this.rt.config.classicMaxSize) {
      this.prepareRebalance(
        group,
        `Freshly-loaded group ${group.groupId} (size ${group.numMembers}) is over capacity ${this.rt.config.classicMaxSize}. Rebalancing in order to give a chance for consumers to commit offsets`,
      )
    }
  }

  /** The partition moved away (or the broker stops): parked requests learn NOT_COORDINATOR. */
  onUnloaded(group: ClassicGroup): void {
    this.cancelGroupTimers(group.groupId)
    for (const m of group.members.values()) {
      group.completeJoin(m, joinResult(m.memberId, ErrorCode.NOT_COORDINATOR))
      group.completeSync(m, syncResult(ErrorCode.NOT_COORDINATOR))
    }
    group.transitionTo('Dead', this.rt.now())
  }
}
