// ISR changes from partition leaders to the active controller (Kafka's AlterPartitionManager):
// leaders submit one proposed change per partition; changes are sent together in one
// AlterPartition request, one request in flight at a time. Changes submitted while a request is in
// flight go in the next one. A partition the answer leaves out (a top-level error: no controller,
// stale broker epoch) is sent again after a short backoff; the others complete with their
// partition's result.

import type {Logger} from '../broker/logger.js'
import {ErrorCode, errorName, KafkaError} from '../protocol/errors.js'
import type {AlterPartitionRequest} from '../protocol/generated/alter-partition-request.js'
import type {AlterPartitionResponse} from '../protocol/generated/alter-partition-response.js'

/** One proposed change: the leader's view of the partition and the ISR it wants. */
export interface AlterPartitionItem {
  topic: string
  topicId: string
  partition: number
  leaderEpoch: number
  partitionEpoch: number
  /** The proposed ISR, each member with the broker epoch it fetched with (-1 when unknown). */
  newIsr: Array<{brokerId: number; brokerEpoch: bigint}>
  leaderRecoveryState: number
}

/** The controller's answer for one partition. */
export interface AlterPartitionOutcome {
  errorCode: number
  leaderId: number
  leaderEpoch: number
  isr: number[]
  partitionEpoch: number
}

export interface AlterPartitionManagerOptions {
  brokerId: number
  /** This broker's current epoch (from its registration). */
  brokerEpoch: () => bigint
  /** Sends a request to the active controller (forwarding and retries are the caller's). */
  send: (request: AlterPartitionRequest) => Promise<AlterPartitionResponse>
  logger: Logger
  /** Pause before sending partitions again after a request failed as a whole. */
  retryBackoffMs?: number
}

interface Pending {
  item: AlterPartitionItem
  resolve(outcome: AlterPartitionOutcome): void
  reject(error: unknown): void
}

const DEFAULT_RETRY_BACKOFF_MS = 100

export class AlterPartitionManager {
  private readonly unsent = new Map<string, Pending>()
  private inflight = false
  private retryTimer: NodeJS.Timeout | null = null
  private stopped = false
  private readonly log: Logger

  constructor(private readonly opts: AlterPartitionManagerOptions) {
    this.log = opts.logger.child(`[DefaultAlterPartitionManager id=${opts.brokerId}] `, 'kafka.server.DefaultAlterPartitionManager')
  }

  /**
   * Proposes an ISR change. Rejects with OPERATION_NOT_ATTEMPTED when a change of the same
   * partition is still waiting, as Kafka does.
   */
  submit(item: AlterPartitionItem): Promise<AlterPartitionOutcome> {
    const key = `${item.topicId}:${item.partition}`
    if (this.stopped) return Promise.reject(new KafkaError(ErrorCode.OPERATION_NOT_ATTEMPTED, 'The broker is shutting down'))
    if (this.unsent.has(key)) {
      return Promise.reject(new KafkaError(ErrorCode.OPERATION_NOT_ATTEMPTED, `Failed to enqueue ISR change state for partition ${item.topic}-${item.partition}`))
    }
    return new Promise((resolve, reject) => {
      this.unsent.set(key, {item, resolve, reject})
      this.maybePropagate()
    })
  }

  /** Fails what waits; nothing is sent afterwards. */
  shutdown(): void {
    this.stopped = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    for (const p of this.unsent.values()) p.reject(new KafkaError(ErrorCode.OPERATION_NOT_ATTEMPTED, 'The broker is shutting down'))
    this.unsent.clear()
  }

  private maybePropagate(): void {
    if (this.inflight || this.stopped || this.retryTimer !== null || this.unsent.size === 0) return
    const batch = [...this.unsent.entries()]
    const request = this.buildRequest(batch.map(([, p]) => p.item))
    this.inflight = true
    this.opts.send(request).then(
      (response) => {
        this.inflight = false
        const retry = this.handleResponse(batch, response)
        this.afterAttempt(retry)
      },
      (e: unknown) => {
        this.inflight = false
        this.log.warn(`AlterPartition request failed: ${e instanceof Error ? e.message : String(e)}; retrying`)
        this.afterAttempt(true)
      },
    )
  }

  private afterAttempt(backoff: boolean): void {
    if (this.stopped) return
    if (backoff && this.unsent.size > 0) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null
        this.maybePropagate()
      }, this.opts.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS)
      this.retryTimer.unref()
    } else this.maybePropagate()
  }

  private buildRequest(items: readonly AlterPartitionItem[]): AlterPartitionRequest {
    const byTopic = new Map<string, AlterPartitionItem[]>()
    for (const item of items) {
      const list = byTopic.get(item.topicId)
      if (list) list.push(item)
      else byTopic.set(item.topicId, [item])
    }
    return {
      brokerId: this.opts.brokerId,
      brokerEpoch: this.opts.brokerEpoch(),
      topics: [...byTopic.values()].map((list) => ({
        topicName: list[0]!.topic,
        topicId: list[0]!.topicId,
        partitions: list.map((i) => ({
          partitionIndex: i.partition,
          leaderEpoch: i.leaderEpoch,
          // Sent as v3: the ISR goes with the members' broker epochs only.
          newIsr: [],
          newIsrWithEpochs: i.newIsr,
          leaderRecoveryState: i.leaderRecoveryState,
          partitionEpoch: i.partitionEpoch,
        })),
      })),
    }
  }

  /** Completes the answered partitions; returns whether some must be sent again after a pause. */
  private handleResponse(batch: ReadonlyArray<[string, Pending]>, response: AlterPartitionResponse): boolean {
    if (response.errorCode !== ErrorCode.NONE) {
      const level = response.errorCode === ErrorCode.STALE_BROKER_EPOCH || response.errorCode === ErrorCode.NOT_CONTROLLER ? 'info' : 'warn'
      this.log[level](`The controller answered AlterPartition with ${errorName(response.errorCode)}; retrying`)
      return true
    }
    const answers = new Map<string, AlterPartitionOutcome>()
    for (const t of response.topics) {
      for (const p of t.partitions) {
        answers.set(`${t.topicId}:${p.partitionIndex}`, {
          errorCode: p.errorCode,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          isr: p.isr,
          partitionEpoch: p.partitionEpoch,
        })
      }
    }
    let missing = false
    for (const [key, pending] of batch) {
      const answer = answers.get(key)
      if (answer === undefined) {
        this.log.warn(`Partition ${pending.item.topic}-${pending.item.partition} was sent but not included in the response`)
        missing = true
        continue
      }
      // A newer proposal for the same partition may have replaced this one meanwhile.
      if (this.unsent.get(key) === pending) this.unsent.delete(key)
      pending.resolve(answer)
    }
    return missing
  }
}
