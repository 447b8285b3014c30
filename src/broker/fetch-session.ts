// Fetch sessions (KIP-227), as Kafka's FetchSession.scala: a client that asks
// for a session (session id 0, epoch 0) gets an id; later requests with that
// id and the next epoch send only what changed (new or updated partitions,
// forgotten ones), and responses carry only partitions with news: records, a
// changed high watermark or log start offset, an error, a diverging epoch.
// Epoch -1 asks for a sessionless full fetch (and closes a given session).
//
// Partitions that returned records move to the end of the session's order,
// so every partition gets its turn under max.bytes. The cache holds at most
// max.incremental.fetch.session.cache.slots sessions; when it is full, a new
// session may evict a stale one (unused for 2 minutes), else one that is
// smaller and not newer than 2 minutes, followers' sessions being
// privileged, exactly as Kafka's tryEvict.
//
// Pure logic: the Fetch handler supplies partitions and read results.

import {ErrorCode} from '../protocol/errors.js'
import {ZERO_UUID} from '../protocol/primitives.js'

export const INVALID_SESSION_ID = 0
export const INITIAL_EPOCH = 0
export const FINAL_EPOCH = -1
/** Kafka's FETCH_SESSION_EVICTION_MS. */
export const FETCH_SESSION_EVICTION_MS = 120_000

/** Kafka's FetchMetadata.nextEpoch. */
export function nextEpoch(prev: number): number {
  if (prev < 0) return FINAL_EPOCH
  if (prev === 2147483647) return 1
  return prev + 1
}

/** One partition of a fetch, as requested (or as remembered by a session). */
export interface FetchPartitionRequest {
  /** Null when the request named the topic by an id this broker does not know. */
  topic: string | null
  topicId: string
  partition: number
  fetchOffset: number
  currentLeaderEpoch: number
  /** -1 when the fetcher sent none. */
  lastFetchedEpoch: number
  /** The fetcher's own log start offset (followers), else -1. */
  logStartOffset: number
  maxBytes: number
}

/** What a session needs to know of a partition's answer. */
export interface FetchPartitionOutcome {
  errorCode: number
  highWatermark: number
  logStartOffset: number
  recordsSize: number
  hasDivergingEpoch: boolean
  hasPreferredReadReplica: boolean
}

export function partitionKey(usesTopicIds: boolean, topic: string | null, topicId: string, partition: number): string {
  return usesTopicIds && topicId !== ZERO_UUID ? `${topicId}:${partition}` : `${topic}:${partition}`
}

class CachedPartition {
  highWatermark = -1
  localLogStartOffset = -1

  constructor(public req: FetchPartitionRequest) {}

  /** Kafka's maybeUpdateResponseData: whether the partition belongs in an incremental response. */
  maybeUpdateResponseData(out: FetchPartitionOutcome, update: boolean): boolean {
    let mustRespond = out.recordsSize > 0
    if (this.highWatermark !== out.highWatermark) {
      mustRespond = true
      if (update) this.highWatermark = out.highWatermark
    }
    if (this.localLogStartOffset !== out.logStartOffset) {
      mustRespond = true
      if (update) this.localLogStartOffset = out.logStartOffset
    }
    if (out.hasPreferredReadReplica) mustRespond = true
    if (out.errorCode !== ErrorCode.NONE) {
      if (update) this.highWatermark = -1
      mustRespond = true
    }
    if (out.hasDivergingEpoch) mustRespond = true
    return mustRespond
  }
}

export class FetchSession {
  /** Insertion-ordered: the order partitions are read in. */
  readonly partitions = new Map<string, CachedPartition>()
  lastUsedMs: number
  cachedSize = -1

  constructor(
    readonly id: number,
    readonly privileged: boolean,
    readonly usesTopicIds: boolean,
    readonly creationMs: number,
    public epoch: number,
  ) {
    this.lastUsedMs = creationMs
  }

  get size(): number {
    return this.partitions.size
  }

  key(p: {topic: string | null; topicId: string; partition: number}): string {
    return partitionKey(this.usesTopicIds, p.topic, p.topicId, p.partition)
  }

  /** Adds or updates the request's partitions and drops the forgotten ones. */
  update(fetchData: readonly FetchPartitionRequest[], toForget: readonly {topic: string | null; topicId: string; partition: number}[]): void {
    for (const req of fetchData) {
      const k = this.key(req)
      const cached = this.partitions.get(k)
      if (cached === undefined) this.partitions.set(k, new CachedPartition(req))
      else cached.req = {...req, topic: req.topic ?? cached.req.topic}
    }
    for (const p of toForget) this.partitions.delete(this.key(p))
  }
}

export interface FetchSessionCacheOptions {
  maxEntries: number
  evictionMs?: number
  random?: () => number
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>()
  private readonly maxEntries: number
  private readonly evictionMs: number
  private readonly random: () => number
  evictions = 0

  constructor(opts: FetchSessionCacheOptions) {
    this.maxEntries = opts.maxEntries
    this.evictionMs = opts.evictionMs ?? FETCH_SESSION_EVICTION_MS
    this.random = opts.random ?? Math.random
  }

  get size(): number {
    return this.sessions.size
  }

  get(id: number): FetchSession | undefined {
    return this.sessions.get(id)
  }

  remove(id: number): boolean {
    return this.sessions.delete(id)
  }

  private newSessionId(): number {
    for (;;) {
      const id = 1 + Math.floor(this.random() * 2147483646)
      if (!this.sessions.has(id)) return id
    }
  }

  /** Creates a session when there is room (possibly after an eviction); INVALID_SESSION_ID otherwise. */
  maybeCreateSession(now: number, privileged: boolean, size: number, usesTopicIds: boolean, fill: (s: FetchSession) => void): number {
    if (this.sessions.size >= this.maxEntries && !this.tryEvict(privileged, size, now)) return INVALID_SESSION_ID
    const session = new FetchSession(this.newSessionId(), privileged, usesTopicIds, now, nextEpoch(INITIAL_EPOCH))
    fill(session)
    this.sessions.set(session.id, session)
    this.touch(session, now)
    return session.id
  }

  touch(session: FetchSession, now: number): void {
    session.lastUsedMs = now
    session.cachedSize = session.size
  }

  /**
   * Kafka's tryEvict: the least recently used session if it is stale; else
   * the lowest-ranked evictable session (sessions older than the eviction
   * time, and for a privileged newcomer also unprivileged ones), ranked by
   * (privileged, size, id), if the newcomer ranks at least as high.
   */
  private tryEvict(privileged: boolean, size: number, now: number): boolean {
    let lru: FetchSession | null = null
    for (const s of this.sessions.values()) {
      if (lru === null || s.lastUsedMs < lru.lastUsedMs || (s.lastUsedMs === lru.lastUsedMs && s.id < lru.id)) lru = s
    }
    if (lru === null) return false
    if (now - lru.lastUsedMs > this.evictionMs) {
      this.sessions.delete(lru.id)
      this.evictions++
      return true
    }
    let victim: FetchSession | null = null
    for (const s of this.sessions.values()) {
      const old = now - s.creationMs > this.evictionMs
      if (!(privileged ? !s.privileged || old : old)) continue
      if (victim === null || compareEvictable(s.privileged, s.cachedSize, s.id, victim) < 0) victim = s
    }
    if (victim === null || compareEvictable(privileged, size, 0, victim) < 0) return false
    this.sessions.delete(victim.id)
    this.evictions++
    return true
  }
}

/** Kafka's EvictableKey order: unprivileged before privileged, then smaller, then lower id. */
function compareEvictable(privileged: boolean, size: number, id: number, b: FetchSession): number {
  if (privileged !== b.privileged) return privileged ? 1 : -1
  if (size !== b.cachedSize) return size - b.cachedSize
  return id - b.id
}

/** How a fetch request relates to the session cache (Kafka's FetchContext kinds). */
export type FetchContext =
  | {kind: 'error'; errorCode: number; sessionId: number}
  | {kind: 'sessionless'; partitions: FetchPartitionRequest[]}
  | {kind: 'full'; partitions: FetchPartitionRequest[]; usesTopicIds: boolean; privileged: boolean}
  | {kind: 'incremental'; session: FetchSession; partitions: FetchPartitionRequest[]; requestEpoch: number}

export interface FetchRequestMetadata {
  sessionId: number
  epoch: number
  version: number
  isFromFollower: boolean
}

/** Kafka's FetchManager.newContext. */
export function newFetchContext(
  cache: FetchSessionCache,
  meta: FetchRequestMetadata,
  fetchData: FetchPartitionRequest[],
  toForget: readonly {topic: string | null; topicId: string; partition: number}[],
  now: number,
  resolveTopicName: (topicId: string) => string | null,
): FetchContext {
  const isFull = meta.epoch === INITIAL_EPOCH || meta.epoch === FINAL_EPOCH
  if (isFull) {
    if (meta.sessionId !== INVALID_SESSION_ID) cache.remove(meta.sessionId)
    if (meta.epoch === FINAL_EPOCH) return {kind: 'sessionless', partitions: fetchData}
    return {kind: 'full', partitions: fetchData, usesTopicIds: meta.version >= 13, privileged: meta.isFromFollower}
  }
  const session = cache.get(meta.sessionId)
  if (session === undefined) return {kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: INVALID_SESSION_ID}
  if (session.epoch !== meta.epoch) return {kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: INVALID_SESSION_ID}
  if (session.usesTopicIds !== meta.version >= 13) return {kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR, sessionId: INVALID_SESSION_ID}
  session.update(fetchData, toForget)
  if (session.size === 0) {
    cache.remove(session.id)
    return {kind: 'sessionless', partitions: fetchData}
  }
  cache.touch(session, now)
  session.epoch = nextEpoch(session.epoch)
  const partitions: FetchPartitionRequest[] = []
  for (const cp of session.partitions.values()) {
    if (cp.req.topic === null && session.usesTopicIds) cp.req = {...cp.req, topic: resolveTopicName(cp.req.topicId)}
    partitions.push(cp.req)
  }
  return {kind: 'incremental', session, partitions, requestEpoch: meta.epoch}
}

/**
 * Kafka's updateAndGenerateResponseData: which of the answered partitions go
 * into the response, with the response's error code and session id. Call it
 * when the response is built (after any long poll), once.
 */
export function completeFetchContext<T extends {req: FetchPartitionRequest; outcome: FetchPartitionOutcome}>(
  ctx: FetchContext,
  cache: FetchSessionCache,
  answers: readonly T[],
  now: number,
): {errorCode: number; sessionId: number; included: T[]} {
  switch (ctx.kind) {
    case 'error':
      return {errorCode: ctx.errorCode, sessionId: ctx.sessionId, included: []}
    case 'sessionless':
      return {errorCode: ErrorCode.NONE, sessionId: INVALID_SESSION_ID, included: [...answers]}
    case 'full': {
      const sessionId = cache.maybeCreateSession(now, ctx.privileged, answers.length, ctx.usesTopicIds, (s) => {
        for (const a of answers) {
          const cp = new CachedPartition(a.req)
          cp.highWatermark = a.outcome.highWatermark
          cp.localLogStartOffset = a.outcome.logStartOffset
          s.partitions.set(s.key(a.req), cp)
        }
      })
      return {errorCode: ErrorCode.NONE, sessionId, included: [...answers]}
    }
    case 'incremental': {
      const session = ctx.session
      if (session.epoch !== nextEpoch(ctx.requestEpoch)) {
        // Another request of this session ran in between (a duplicate or pipelined request).
        return {errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: session.id, included: []}
      }
      const included: T[] = []
      for (const a of answers) {
        const k = session.key(a.req)
        const cp = session.partitions.get(k)
        if (cp === undefined) continue
        if (!cp.maybeUpdateResponseData(a.outcome, true)) continue
        included.push(a)
        if (a.outcome.recordsSize > 0) {
          // Partitions that returned data go to the back of the line.
          session.partitions.delete(k)
          session.partitions.set(k, cp)
        }
      }
      return {errorCode: ErrorCode.NONE, sessionId: session.id, included}
    }
  }
}
