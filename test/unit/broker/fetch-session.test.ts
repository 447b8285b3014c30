// Fetch sessions as Kafka's FetchManager: full requests create sessions,
// incremental ones update them and answer only partitions with news,
// epochs are checked, the cache evicts as Kafka's tryEvict does.

import {describe, expect, it} from 'vitest'

import {
  completeFetchContext,
  FETCH_SESSION_EVICTION_MS,
  FetchSessionCache,
  FINAL_EPOCH,
  INVALID_SESSION_ID,
  newFetchContext,
  nextEpoch,
  type FetchPartitionOutcome,
  type FetchPartitionRequest,
} from '../../../src/broker/fetch-session.js'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {ZERO_UUID} from '../../../src/protocol/primitives.js'

function req(topic: string, partition: number, fetchOffset = 0): FetchPartitionRequest {
  return {topic, topicId: ZERO_UUID, partition, fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, maxBytes: 1024}
}

function outcome(o: Partial<FetchPartitionOutcome> = {}): FetchPartitionOutcome {
  return {errorCode: 0, highWatermark: 10, logStartOffset: 0, recordsSize: 0, hasDivergingEpoch: false, hasPreferredReadReplica: false, ...o}
}

const noNames = () => null
const meta = (sessionId: number, epoch: number, version = 12) => ({sessionId, epoch, version, isFromFollower: false})

/** Runs one fetch through a context: the answers are produced by `answer` for each partition read. */
function fetch(cache: FetchSessionCache, m: ReturnType<typeof meta>, data: FetchPartitionRequest[], answer: (r: FetchPartitionRequest) => FetchPartitionOutcome, forget: FetchPartitionRequest[] = [], now = 0) {
  const ctx = newFetchContext(cache, m, data, forget, now, noNames)
  const partitions = ctx.kind === 'error' ? [] : ctx.partitions
  const answers = partitions.map((r) => ({req: r, outcome: answer(r)}))
  const done = completeFetchContext(ctx, cache, answers, now)
  return {ctx, read: partitions.map((p) => `${p.topic}-${p.partition}@${p.fetchOffset}`), ...done, included: done.included.map((a) => `${a.req.topic}-${a.req.partition}`)}
}

describe('fetch sessions', () => {
  it('creates a session on a full request and then answers only partitions with news', () => {
    const cache = new FetchSessionCache({maxEntries: 10})
    const full = fetch(cache, meta(0, 0), [req('a', 0), req('a', 1), req('b', 0)], () => outcome())
    expect(full.sessionId).not.toBe(INVALID_SESSION_ID)
    expect(full.included).toEqual(['a-0', 'a-1', 'b-0'])
    const id = full.sessionId

    // Nothing new: an incremental response with no partitions, but every partition is read.
    const quiet = fetch(cache, meta(id, 1), [], () => outcome())
    expect(quiet.read).toEqual(['a-0@0', 'a-1@0', 'b-0@0'])
    expect(quiet).toMatchObject({errorCode: 0, sessionId: id, included: []})

    // Records, a new high watermark, a new log start offset or an error each make a partition news.
    const news = fetch(cache, meta(id, 2), [req('a', 0, 5)], (r) => (r.partition === 0 && r.topic === 'a' ? outcome({recordsSize: 100}) : r.topic === 'b' ? outcome({highWatermark: 11}) : outcome()))
    expect(news.read).toEqual(['a-0@5', 'a-1@0', 'b-0@0'])
    expect(news.included).toEqual(['a-0', 'b-0'])

    // The partition that returned records went to the back of the line.
    const next = fetch(cache, meta(id, 3), [], (r) => (r.topic === 'a' && r.partition === 1 ? outcome({errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER}) : outcome({highWatermark: r.topic === 'b' ? 11 : 10})))
    expect(next.read).toEqual(['a-1@0', 'b-0@0', 'a-0@5'])
    expect(next.included).toEqual(['a-1'])
  })

  it('forgets partitions and closes the session when none are left', () => {
    const cache = new FetchSessionCache({maxEntries: 10})
    const {sessionId} = fetch(cache, meta(0, 0), [req('a', 0), req('a', 1)], () => outcome())
    const r = fetch(cache, meta(sessionId, 1), [], () => outcome(), [req('a', 0)])
    expect(r.read).toEqual(['a-1@0'])
    const last = fetch(cache, meta(sessionId, 2), [], () => outcome(), [req('a', 1)])
    expect(last.ctx.kind).toBe('sessionless')
    expect(cache.get(sessionId)).toBeUndefined()
  })

  it('rejects unknown sessions, wrong epochs and topic-id mismatches', () => {
    const cache = new FetchSessionCache({maxEntries: 10})
    expect(fetch(cache, meta(12345, 1), [], () => outcome())).toMatchObject({errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, included: []})
    const {sessionId} = fetch(cache, meta(0, 0), [req('a', 0)], () => outcome())
    expect(fetch(cache, meta(sessionId, 5), [], () => outcome())).toMatchObject({errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0})
    expect(fetch(cache, meta(sessionId, 1, 13), [], () => outcome())).toMatchObject({errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR})
    // The session survives those errors.
    expect(fetch(cache, meta(sessionId, 1), [], () => outcome()).errorCode).toBe(ErrorCode.NONE)
  })

  it('detects a second request of the same epoch completing after the first', () => {
    const cache = new FetchSessionCache({maxEntries: 10})
    const {sessionId} = fetch(cache, meta(0, 0), [req('a', 0)], () => outcome())
    const first = newFetchContext(cache, meta(sessionId, 1), [], [], 0, noNames)
    const second = newFetchContext(cache, meta(sessionId, 2), [], [], 0, noNames)
    const answers = [{req: req('a', 0), outcome: outcome({recordsSize: 1})}]
    expect(completeFetchContext(first, cache, answers, 0).errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
    expect(completeFetchContext(second, cache, answers, 0).errorCode).toBe(ErrorCode.NONE)
  })

  it('serves sessionless full fetches with epoch -1 and drops a named session', () => {
    const cache = new FetchSessionCache({maxEntries: 10})
    const {sessionId} = fetch(cache, meta(0, 0), [req('a', 0)], () => outcome())
    const r = fetch(cache, meta(sessionId, FINAL_EPOCH), [req('a', 0)], () => outcome())
    expect(r).toMatchObject({sessionId: INVALID_SESSION_ID, included: ['a-0']})
    expect(cache.size).toBe(0)
  })

  it('evicts stale sessions, and otherwise only smaller ones older than the eviction time', () => {
    const cache = new FetchSessionCache({maxEntries: 2})
    const a = fetch(cache, meta(0, 0), [req('a', 0)], () => outcome(), [], 0).sessionId
    const b = fetch(cache, meta(0, 0), [req('a', 0), req('a', 1), req('a', 2)], () => outcome(), [], 10).sessionId
    // Full and nothing evictable yet: no session for the newcomer.
    expect(fetch(cache, meta(0, 0), [req('x', 0), req('x', 1)], () => outcome(), [], 100).sessionId).toBe(INVALID_SESSION_ID)
    // Both are old now, neither stale (used recently): the smaller one (a) makes room for a bigger newcomer.
    const t = FETCH_SESSION_EVICTION_MS + 50
    fetch(cache, meta(a, 1), [], () => outcome(), [], t)
    fetch(cache, meta(b, 1), [], () => outcome(), [], t)
    const c = fetch(cache, meta(0, 0), [req('x', 0), req('x', 1)], () => outcome(), [], t + 1).sessionId
    expect(c).not.toBe(INVALID_SESSION_ID)
    expect(cache.get(a)).toBeUndefined()
    expect(cache.get(b)).toBeDefined()
    // A session unused for longer than the eviction time goes first.
    const later = t + 1 + FETCH_SESSION_EVICTION_MS + 1
    fetch(cache, meta(c, 1), [], () => outcome(), [], later)
    const d = fetch(cache, meta(0, 0), [req('y', 0)], () => outcome(), [], later).sessionId
    expect(d).not.toBe(INVALID_SESSION_ID)
    expect(cache.get(b)).toBeUndefined()
    expect(cache.evictions).toBe(2)
  })

  it('counts epochs as Kafka does', () => {
    expect(nextEpoch(0)).toBe(1)
    expect(nextEpoch(2147483647)).toBe(1)
    expect(nextEpoch(-1)).toBe(-1)
  })
})
