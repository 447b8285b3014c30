// `perf consume`: Kafka's ConsumerPerformance on this project's own consumer.
// The member joins its group (subscribe, RangeAssignor) and the time that
// takes is the rebalance time; then one Fetch per partition leader is kept in
// flight at all times (the next is sent as soon as an answer's batch headers
// give the next offsets, before its records are counted), and records are
// counted without decoding them into objects. Output is ConsumerPerformance's
// CSV, header and rows, character for character:
//
//   start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
//   %s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f
// and with --show-detailed-stats, a row per reporting interval:
//   time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
//   %s, %d, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f
//
// Kafka's consumer hands records over in polls of up to 500; this one stops
// at exactly --num-records.

import {Fetch} from '../client/apis.js'
import {KafkaClient, type ClientOptions} from '../client/client.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, partitionsOf, type PartitionRef} from '../client/offsets.js'
import {ErrorCode, errorMessage, KafkaError} from '../protocol/errors.js'
import type {FetchRequest} from '../protocol/generated/fetch-request.js'
import type {FetchResponse} from '../protocol/generated/fetch-response.js'
import {javaFixed, simpleDateFormat} from './format.js'
import {GroupMember} from './group-member.js'
import {formatMetrics} from './produce.js'
import {batchSpans, countBatch, countRecords, type CountState} from './record-counter.js'
import {RECORDS_OFFSET} from '../protocol/record-batch.js'

export const DEFAULT_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss:SSS'
export const SUMMARY_HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'
export const DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'

export interface ConsumePerfOptions {
  /** Topics to subscribe to, or a pattern (--include). */
  topics: string[] | null
  include: RegExp | null
  numMessages: number
  groupId: string
  fetchSize: number
  fromLatest: boolean
  timeoutMs: number
  showDetailedStats: boolean
  reportingIntervalMs: number
  hideHeader: boolean
  dateFormat: string
  printMetrics: boolean
  /** Consumer properties (fetch.*, session.timeout.ms, enable.auto.commit, client.id...). */
  properties: ReadonlyMap<string, string>
}

export interface ConsumePerfResult {
  startMs: number
  endMs: number
  records: number
  bytes: number
  mb: number
  mbPerSec: number
  nMsgPerSec: number
  rebalanceTimeMs: number
  fetchTimeMs: number
  fetchMbPerSec: number
  fetchNMsgPerSec: number
  timedOut: boolean
  fetches: number
}

const MB = 1024 * 1024

interface PartState {
  topic: string
  partition: number
  leader: number
  leaderEpoch: number
  position: number
}

function intProp(props: ReadonlyMap<string, string>, key: string, dflt: number): number {
  const raw = props.get(key)
  if (raw === undefined) return dflt
  const n = Number(raw.trim())
  if (!Number.isInteger(n)) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${raw} for configuration ${key}: Not a number of type INT`)
  return n
}

export function summaryRow(r: ConsumePerfResult, dateFormat: string): string {
  return `${simpleDateFormat(r.startMs, dateFormat)}, ${simpleDateFormat(r.endMs, dateFormat)}, ${javaFixed(r.mb, 4)}, ${javaFixed(r.mbPerSec, 4)}, ${r.records}, ${javaFixed(r.nMsgPerSec, 4)}, ${r.rebalanceTimeMs}, ${r.fetchTimeMs}, ${javaFixed(r.fetchMbPerSec, 4)}, ${javaFixed(r.fetchNMsgPerSec, 4)}`
}

export async function runConsumePerf(clientOptions: ClientOptions, opts: ConsumePerfOptions, line: ((text: string) => void) | null): Promise<ConsumePerfResult> {
  const props = opts.properties
  const clientId = props.get('client.id') ?? 'perf-consumer-client'
  if (!opts.hideHeader) line?.(opts.showDetailedStats ? DETAILED_HEADER : SUMMARY_HEADER)
  const client = await KafkaClient.connect({...clientOptions, clientId})
  const member = new GroupMember(client, {
    groupId: opts.groupId,
    sessionTimeoutMs: intProp(props, 'session.timeout.ms', 45_000),
    rebalanceTimeoutMs: intProp(props, 'max.poll.interval.ms', 300_000),
    heartbeatIntervalMs: intProp(props, 'heartbeat.interval.ms', 3000),
  })
  const maxWaitMs = intProp(props, 'fetch.max.wait.ms', 500)
  const minBytes = intProp(props, 'fetch.min.bytes', 1)
  const maxBytes = intProp(props, 'fetch.max.bytes', 52_428_800)
  const isolationLevel = (props.get('isolation.level') ?? 'read_uncommitted').trim() === 'read_committed' ? 1 : 0
  const autoCommit = (props.get('enable.auto.commit') ?? 'true').trim().toLowerCase() !== 'false'
  const autoCommitIntervalMs = intProp(props, 'auto.commit.interval.ms', 5000)
  const reset = opts.fromLatest ? 'latest' : (props.get('auto.offset.reset') ?? 'earliest').trim()
  const state: CountState = {records: 0, bytes: 0}
  let fetches = 0
  let fetchLatencyTotal = 0
  let fetchLatencyMax = 0
  let timedOut = false
  let done = false
  const startMs = Date.now()
  let joinTimeMs = 0
  let joinTimeInRound = 0
  let lastReport = startMs
  let lastRecords = 0
  let lastBytes = 0
  let lastConsumed = startMs
  const parts: PartState[] = []

  const report = (now: number) => {
    if (!opts.showDetailedStats) return
    const elapsed = now - lastReport
    const mbRead = state.bytes / MB
    const intervalMb = (state.bytes - lastBytes) / MB
    const fetchTime = elapsed - joinTimeInRound
    line?.(
      `${simpleDateFormat(now, opts.dateFormat)}, 0, ${javaFixed(mbRead, 4)}, ${javaFixed((1000 * intervalMb) / elapsed, 4)}, ${state.records}, ${javaFixed(((state.records - lastRecords) / elapsed) * 1000, 4)}` +
        `, ${joinTimeInRound}, ${fetchTime}, ${javaFixed(fetchTime <= 0 ? 0 : (1000 * intervalMb) / fetchTime, 4)}, ${javaFixed(fetchTime <= 0 ? 0 : (1000 * (state.records - lastRecords)) / fetchTime, 4)}`,
    )
    joinTimeInRound = 0
    lastReport = now
    lastRecords = state.records
    lastBytes = state.bytes
  }

  const subscribedTopics = async (): Promise<string[]> => {
    if (opts.topics) return opts.topics
    const md = await client.metadata(null)
    return md.topics
      .filter((t) => t.name !== null && !t.isInternal && opts.include!.test(t.name))
      .map((t) => t.name!)
      .sort()
  }

  const assign = async () => {
    const joinStart = Date.now()
    const topics = await subscribedTopics()
    const assignment = await member.join(topics)
    const took = Date.now() - joinStart
    joinTimeMs += took
    joinTimeInRound += took
    parts.length = 0
    const names = assignment.map((a) => a.topic)
    const refs = names.length > 0 ? await partitionsOf(client, names) : []
    const assigned = refs.filter((r) => assignment.some((a) => a.topic === r.topic && a.partitions.includes(r.partition)))
    const committed = assigned.length > 0 ? await member.committed(assignment) : new Map<string, bigint>()
    const missing = assigned.filter((r) => (committed.get(`${r.topic}\u0000${r.partition}`) ?? -1n) < 0n)
    const resetTo = missing.length > 0 ? await resetOffsets(missing) : new Map<string, bigint>()
    for (const r of assigned) {
      const key = `${r.topic}\u0000${r.partition}`
      const c = committed.get(key) ?? -1n
      parts.push({topic: r.topic, partition: r.partition, leader: r.leader, leaderEpoch: r.leaderEpoch, position: Number(c >= 0n ? c : resetTo.get(key)!)})
    }
  }

  const resetOffsets = async (refs: PartitionRef[]): Promise<Map<string, bigint>> => {
    if (reset !== 'earliest' && reset !== 'latest') throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `Undefined offset with no reset policy for partitions: ${refs.map((r) => `${r.topic}-${r.partition}`).join(', ')}`)
    const answers = await listOffsets(client, refs, () => (reset === 'latest' ? LATEST_TIMESTAMP : EARLIEST_TIMESTAMP))
    return new Map([...answers].map(([k, v]) => [k, v.offset]))
  }

  const commitPositions = () => member.commit(parts.map((p) => ({topic: p.topic, partition: p.partition, offset: BigInt(p.position)})))

  const nodeLoop = async (nodeId: number, mine: PartState[]): Promise<void> => {
    const conn = await client.connectionTo(nodeId)
    const version = conn.versionFor(Fetch, 12)
    const request = (): FetchRequest => {
      const byTopic = new Map<string, PartState[]>()
      for (const p of mine) {
        const list = byTopic.get(p.topic) ?? []
        list.push(p)
        byTopic.set(p.topic, list)
      }
      return {
        replicaId: -1,
        maxWaitMs,
        minBytes,
        maxBytes,
        isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...byTopic].map(([topic, ps]) => ({
          topic,
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          partitions: ps.map((p) => ({partition: p.partition, currentLeaderEpoch: version >= 9 ? p.leaderEpoch : -1, fetchOffset: BigInt(p.position), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: opts.fetchSize, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA'})),
        })),
        forgottenTopicsData: [],
      } as unknown as FetchRequest
    }
    const send = () => {
      const sentAt = Date.now()
      fetches++
      return conn.request(Fetch, request(), version).then((res) => {
        const latency = Date.now() - sentAt
        fetchLatencyTotal += latency
        if (latency > fetchLatencyMax) fetchLatencyMax = latency
        return res
      })
    }
    let pending: Promise<FetchResponse> = send()
    while (!done && !member.rebalanceNeeded) {
      const res = await pending
      if (done) break
      if (res.errorCode !== 0) throw new KafkaError(res.errorCode)
      const work: Array<{data: Buffer; spans: ReturnType<typeof batchSpans>; from: number}> = []
      let needReset: PartState[] | null = null
      for (const t of res.responses) {
        for (const pd of t.partitions) {
          const p = mine.find((x) => x.topic === t.topic && x.partition === pd.partitionIndex)
          if (!p) continue
          if (pd.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
            ;(needReset ??= []).push(p)
            continue
          }
          if (pd.errorCode !== 0) {
            if (pd.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || pd.errorCode === ErrorCode.FENCED_LEADER_EPOCH || pd.errorCode === ErrorCode.UNKNOWN_LEADER_EPOCH) {
              member.rebalanceNeeded = true // re-resolve leaders through a rejoin of the loops
              continue
            }
            throw new KafkaError(pd.errorCode, `${errorMessage(pd.errorCode)} (${t.topic}-${pd.partitionIndex})`)
          }
          const data = pd.records
          if (data === null || data.length === 0) continue
          const spans = batchSpans(data)
          if (spans.length === 0) continue
          const from = p.position
          p.position = Math.max(p.position, spans[spans.length - 1]!.nextOffset)
          work.push({data, spans, from})
        }
      }
      if (needReset) {
        const to = await resetOffsets(needReset.map((p) => ({topic: p.topic, topicId: '', partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch})))
        for (const p of needReset) p.position = Number(to.get(`${p.topic}\u0000${p.partition}`)!)
      }
      // The next fetch goes out before these records are counted.
      if (!done && !member.rebalanceNeeded) pending = send()
      const before = state.records
      for (const w of work) {
        for (const span of w.spans) {
          const limit = opts.numMessages - state.records
          if (limit <= 0) break
          if (span.compression === 0 && !span.control) countRecords(w.data, span.start + RECORDS_OFFSET, span.end, span.baseOffset, span.recordCount, w.from, limit, state)
          else await countBatch(w.data, span, w.from, limit, state)
        }
      }
      const now = Date.now()
      if (state.records > before) lastConsumed = now
      if (state.records >= opts.numMessages) done = true
      if (now - lastReport >= opts.reportingIntervalMs) report(now)
    }
    pending.catch(() => {})
  }

  const debug = process.env.TSKAFKA_PERF_DEBUG ? (m: string) => process.stderr.write(`[perf consume] ${m}\n`) : null
  const watchdog = setInterval(() => {
    if (Date.now() - lastConsumed > opts.timeoutMs) {
      timedOut = true
      done = true
    }
  }, 50)
  const committer = autoCommit ? setInterval(() => void commitPositions().catch(() => {}), autoCommitIntervalMs) : null
  let endMs = startMs
  try {
    while (!done) {
      await assign()
      debug?.(`assigned ${parts.map((p) => `${p.topic}-${p.partition}@${p.position} (leader ${p.leader})`).join(', ')} generation ${member.generationId}`)
      lastConsumed = Math.max(lastConsumed, Date.now() - 0)
      const byLeader = new Map<number, PartState[]>()
      for (const p of parts) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p])
      if (byLeader.size === 0) {
        while (!done && !member.rebalanceNeeded) await new Promise((r) => setTimeout(r, 100))
      } else {
        await Promise.race([
          Promise.all([...byLeader].map(([node, mine]) => nodeLoop(node, mine))),
          new Promise<void>((resolve) => {
            const t = setInterval(() => {
              if (done) {
                clearInterval(t)
                resolve()
              }
            }, 20)
          }),
        ])
      }
      debug?.(`fetch loops ended: done ${done}, rebalance needed ${member.rebalanceNeeded}`)
      if (!done && autoCommit) await commitPositions().catch(() => {})
    }
    endMs = Date.now()
    debug?.(`done: ${state.records} records, timed out: ${timedOut}, rebalance needed: ${member.rebalanceNeeded}`)
    if (state.records < opts.numMessages) {
      line?.(`WARNING: Exiting before consuming the expected number of records: timeout (${opts.timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`)
    }
    if (autoCommit) await commitPositions().catch((e: Error) => debug?.(`commit failed: ${e.message}`))
    debug?.('committed')
    await member.leave()
    debug?.('left the group')
  } finally {
    done = true
    clearInterval(watchdog)
    if (committer) clearInterval(committer)
    member.close()
    client.close()
  }
  const elapsedSec = (endMs - startMs) / 1000
  const fetchTimeMs = endMs - startMs - joinTimeMs
  const mb = state.bytes / MB
  const result: ConsumePerfResult = {
    startMs,
    endMs,
    records: state.records,
    bytes: state.bytes,
    mb,
    mbPerSec: mb / elapsedSec,
    nMsgPerSec: state.records / elapsedSec,
    rebalanceTimeMs: joinTimeMs,
    fetchTimeMs,
    fetchMbPerSec: mb / (fetchTimeMs / 1000),
    fetchNMsgPerSec: state.records / (fetchTimeMs / 1000),
    timedOut,
    fetches,
  }
  if (!opts.showDetailedStats) line?.(summaryRow(result, opts.dateFormat))
  if (opts.printMetrics && line) {
    const seconds = Math.max(0.001, elapsedSec)
    const metrics: Array<[string, number]> = [
      ['bytes-consumed-rate', state.bytes / seconds],
      ['bytes-consumed-total', state.bytes],
      ['fetch-latency-avg', fetches > 0 ? fetchLatencyTotal / fetches : NaN],
      ['fetch-latency-max', fetches > 0 ? fetchLatencyMax : NaN],
      ['fetch-rate', fetches / seconds],
      ['fetch-total', fetches],
      ['records-consumed-rate', state.records / seconds],
      ['records-consumed-total', state.records],
      ['records-per-request-avg', fetches > 0 ? state.records / fetches : NaN],
    ]
    for (const l of formatMetrics(metrics, clientId, 'consumer-fetch-manager-metrics')) line(l)
  }
  return result
}
