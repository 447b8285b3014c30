// Producer ids for a broker's InitProducerId answers, in blocks of 1000 taken from the active
// controller (AllocateProducerIds), as Kafka's RPCProducerIdManager: unique across the cluster.
// The next block is fetched ahead, when a tenth of the current one is left; an InitProducerId
// that finds no id at hand gets COORDINATOR_LOAD_IN_PROGRESS, which clients retry.
//
// A broker that handed out ids on its own before (a lone node, file tskafka-producer-ids in its
// first log dir) asks for blocks above what it used.

import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Logger} from '../broker/logger.js'
import {PRODUCER_ID_FILE, type ProducerIdAllocator} from '../broker/producer-id-manager.js'
import {ErrorCode, errorName, KafkaError} from '../protocol/errors.js'
import type {Controller} from './controller.js'

export class ControllerProducerIdAllocator implements ProducerIdAllocator {
  private next = 0n
  private end = 0n
  private ahead: {start: bigint; end: bigint} | null = null
  private fetching: Promise<void> | null = null
  private readonly floor: bigint

  constructor(
    private readonly controller: Controller,
    private readonly brokerId: number,
    private readonly brokerEpoch: () => bigint,
    legacyDir: string,
    private readonly log: Logger,
  ) {
    this.floor = legacyHighWater(legacyDir)
  }

  nextProducerId(): bigint {
    if (this.next >= this.end) {
      if (!this.ahead) {
        void this.prefetch()
        throw new KafkaError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, 'A block of producer ids is being allocated')
      }
      this.next = this.ahead.start
      this.end = this.ahead.end
      this.ahead = null
    }
    const id = this.next++
    // A tenth of the block left: fetch the next one.
    if (!this.ahead && this.end - this.next <= 100n) void this.prefetch()
    return id
  }

  /** Fetches the next block unless one is at hand or on its way; resolves when done (never rejects). */
  prefetch(): Promise<void> {
    if (this.ahead) return Promise.resolve()
    this.fetching ??= this.controller
      .allocateProducerIds(this.brokerId, this.brokerEpoch(), {floor: this.floor})
      .then((r) => {
        if (r.errorCode === ErrorCode.NONE) this.ahead = {start: r.producerIdStart, end: r.producerIdStart + BigInt(r.producerIdLen)}
        else this.log.warn(`Could not allocate producer ids: ${errorName(r.errorCode)}`)
      })
      .finally(() => {
        this.fetching = null
      })
    return this.fetching
  }
}

function legacyHighWater(dir: string): bigint {
  const path = join(dir, PRODUCER_ID_FILE)
  if (!existsSync(path)) return 0n
  const m = /^next\.block\.start=(\d+)\s*$/m.exec(readFileSync(path, 'utf8'))
  return m ? BigInt(m[1]!) : 0n
}
