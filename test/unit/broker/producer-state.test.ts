// Idempotent-producer state: Kafka's sequence and epoch rules on batch
// headers, duplicate detection over the last five batches, and the state
// rebuilt from a real partition log's segments.

import {afterAll, describe, expect, it} from 'vitest'

import {ErrorCode, KafkaError} from '../../../src/protocol/errors.js'
import {encodeRecordBatch} from '../../../src/protocol/record-batch.js'
import {logConfig} from '../../../src/storage/log-config.js'
import {PartitionLog} from '../../../src/storage/partition-log.js'
import {incrementSequence, NUM_BATCHES_TO_RETAIN, ProducerStateManager, scanBatchHeaders} from '../../../src/storage/producer-state.js'
import {cleanupTempDirs, tempDir} from '../storage/helpers.js'

afterAll(cleanupTempDirs)

const T0 = 1_700_000_000_000

function idempotentBatch(producerId: number, epoch: number, baseSequence: number, count = 1, opts: {transactional?: boolean} = {}): Buffer {
  return encodeRecordBatch({
    producerId: BigInt(producerId),
    producerEpoch: epoch,
    baseSequence,
    isTransactional: opts.transactional ?? false,
    records: Array.from({length: count}, (_, i) => ({key: null, value: `v${baseSequence + i}`, timestamp: BigInt(T0 + i)})),
  })
}

function codeOf(f: () => unknown): number {
  try {
    f()
  } catch (e) {
    if (e instanceof KafkaError) return e.code
    throw e
  }
  return ErrorCode.NONE
}

/** Prepares and commits an append as if the log gave it offsets from `firstOffset`. */
function append(psm: ProducerStateManager, records: Buffer, firstOffset: number) {
  const prepared = psm.prepareAppend(records)
  if (prepared.duplicate === null) psm.commit(prepared, firstOffset)
  return prepared
}

describe('ProducerStateManager', () => {
  it('accepts a new producer at any sequence, then only the next one', () => {
    const psm = new ProducerStateManager('t-0')
    append(psm, idempotentBatch(7, 0, 10, 3), 0)
    expect(psm.entry(7)).toMatchObject({producerEpoch: 0, batches: [{firstSeq: 10, lastSeq: 12, firstOffset: 0, lastOffset: 2}]})
    expect(codeOf(() => psm.prepareAppend(idempotentBatch(7, 0, 14)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect(codeOf(() => psm.prepareAppend(idempotentBatch(7, 0, 12)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    append(psm, idempotentBatch(7, 0, 13, 2), 3)
    expect(psm.entry(7)!.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset])).toEqual([
      [10, 12, 0, 2],
      [13, 14, 3, 4],
    ])
  })

  it('answers a retried batch with the original offsets as long as it is among the last five', () => {
    const psm = new ProducerStateManager('t-0')
    for (let i = 0; i < 7; i++) append(psm, idempotentBatch(1, 0, i * 2, 2), 100 + i * 2)
    expect(psm.entry(1)!.batches).toHaveLength(NUM_BATCHES_TO_RETAIN)
    const dup = psm.prepareAppend(idempotentBatch(1, 0, 8, 2))
    expect(dup.duplicate).toMatchObject({firstSeq: 8, lastSeq: 9, firstOffset: 108, lastOffset: 109})
    // Batch 0 fell out of the window: no longer a duplicate, and out of order.
    expect(codeOf(() => psm.prepareAppend(idempotentBatch(1, 0, 0, 2)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  })

  it('fences an older epoch and starts a newer one at sequence 0 only', () => {
    const psm = new ProducerStateManager('t-0')
    append(psm, idempotentBatch(3, 5, 0, 4), 0)
    expect(codeOf(() => psm.prepareAppend(idempotentBatch(3, 4, 4)))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(codeOf(() => psm.prepareAppend(idempotentBatch(3, 6, 1)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    append(psm, idempotentBatch(3, 6, 0), 4)
    expect(psm.entry(3)).toMatchObject({producerEpoch: 6, batches: [{firstSeq: 0, lastSeq: 0, firstOffset: 4}]})
  })

  it('wraps sequences past Int.MAX to 0', () => {
    const max = 2147483647
    expect(incrementSequence(max - 1, 3)).toBe(1)
    const psm = new ProducerStateManager('t-0')
    append(psm, idempotentBatch(9, 0, max - 1, 2), 0)
    expect(psm.entry(9)!.batches[0]!.lastSeq).toBe(max)
    append(psm, idempotentBatch(9, 0, 0, 1), 2)
    expect(psm.entry(9)!.batches[1]).toMatchObject({firstSeq: 0, lastSeq: 0})
  })

  it('changes nothing when an append is prepared but not committed', () => {
    const psm = new ProducerStateManager('t-0')
    append(psm, idempotentBatch(2, 0, 0), 0)
    psm.prepareAppend(idempotentBatch(2, 0, 1))
    expect(psm.entry(2)!.batches).toHaveLength(1)
    append(psm, idempotentBatch(2, 0, 1), 1)
    expect(psm.entry(2)!.batches).toHaveLength(2)
  })

  it('ignores batches without a producer id and keeps producers apart', () => {
    const psm = new ProducerStateManager('t-0')
    const plain = encodeRecordBatch({records: [{value: 'x', timestamp: BigInt(T0)}]})
    expect(append(psm, plain, 0)).toEqual({duplicate: null, pending: []})
    append(psm, idempotentBatch(1, 0, 0), 1)
    append(psm, idempotentBatch(2, 0, 50), 2)
    expect(psm.size).toBe(2)
    expect(codeOf(() => psm.prepareAppend(idempotentBatch(1, 0, 51)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  })

  it('expires producers idle longer than producer.id.expiration.ms', () => {
    const psm = new ProducerStateManager('t-0')
    append(psm, idempotentBatch(1, 0, 0), 0)
    expect(psm.removeExpiredProducers(T0 + 999, 1000)).toBe(0)
    expect(psm.removeExpiredProducers(T0 + 1000, 1000)).toBe(1)
    expect(psm.size).toBe(0)
  })

  it('is rebuilt from the batch headers of a partition log, from the log start offset on', () => {
    const dir = tempDir()
    const log = PartitionLog.open(`${dir}/t-0`, {config: logConfig({segmentBytes: 1024 * 1024})})
    const psm = new ProducerStateManager('t-0')
    const appendToLog = (b: Buffer) => {
      const prepared = psm.prepareAppend(b)
      const r = log.append(b, {leaderEpoch: 0})
      psm.commit(prepared, r.baseOffset)
    }
    appendToLog(idempotentBatch(11, 0, 0, 3))
    log.roll()
    appendToLog(encodeRecordBatch({records: [{value: 'plain', timestamp: BigInt(T0)}]}))
    appendToLog(idempotentBatch(12, 2, 7, 2))
    appendToLog(idempotentBatch(11, 0, 3, 1))
    log.updateHighWatermark(log.logEndOffset)

    const rebuilt = new ProducerStateManager('t-0')
    rebuilt.rebuildFromSegments(log.logSegments(), log.logStartOffset)
    expect(rebuilt.activeProducers()).toEqual(psm.activeProducers().map((e) => expect.objectContaining({producerId: e.producerId, producerEpoch: e.producerEpoch, batches: e.batches})))

    // A duplicate found after the rebuild answers with the offsets in the log.
    expect(rebuilt.prepareAppend(idempotentBatch(12, 2, 7, 2)).duplicate).toMatchObject({firstOffset: 4, lastOffset: 5})

    // Batches below the log start offset are not part of the state.
    log.deleteRecordsBefore(4)
    const afterDelete = new ProducerStateManager('t-0')
    afterDelete.rebuildFromSegments(log.logSegments(), log.logStartOffset)
    expect(afterDelete.entry(11)!.batches.map((b) => b.firstOffset)).toEqual([6])
    expect(afterDelete.entry(12)).toBeDefined()
    log.close()
  })

  it('visits every batch header of segments mixing small and large batches', () => {
    const dir = tempDir()
    const log = PartitionLog.open(`${dir}/mixed-0`, {config: logConfig()})
    const bases: number[] = []
    for (let i = 0; i < 40; i++) {
      const big = i % 3 === 0
      const b = encodeRecordBatch({records: Array.from({length: big ? 3 : 2}, (_, j) => ({value: big ? Buffer.alloc(9000, j) : `s${i}-${j}`, timestamp: BigInt(T0)}))})
      bases.push(log.append(b, {leaderEpoch: 0}).baseOffset)
    }
    const seen: number[] = []
    scanBatchHeaders(log.activeSegment, (buf, at) => seen.push(Number(buf.readBigInt64BE(at))))
    expect(seen).toEqual(bases)
    log.close()
  })
})
