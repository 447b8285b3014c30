// The broker's AlterPartition sender (src/replication/alter-partition-manager.ts): one request in
// flight, proposals made meanwhile batched into the next, one pending proposal per partition, and
// partitions sent again after a request-level error.

import {describe, expect, it} from 'vitest'

import {createLogger} from '../../../src/broker/logger.js'
import {ErrorCode, KafkaError} from '../../../src/protocol/errors.js'
import type {AlterPartitionRequest} from '../../../src/protocol/generated/alter-partition-request.js'
import type {AlterPartitionResponse} from '../../../src/protocol/generated/alter-partition-response.js'
import {AlterPartitionManager, type AlterPartitionItem} from '../../../src/replication/alter-partition-manager.js'

function item(partition: number, isr: number[]): AlterPartitionItem {
  return {topic: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition, leaderEpoch: 2, partitionEpoch: 5, newIsr: isr.map((brokerId) => ({brokerId, brokerEpoch: -1n})), leaderRecoveryState: 0}
}

function answer(req: AlterPartitionRequest, errorCode = 0): AlterPartitionResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    topics:
      errorCode !== 0
        ? []
        : req.topics.map((t) => ({
            topicName: t.topicName,
            topicId: t.topicId,
            partitions: t.partitions.map((p) => ({partitionIndex: p.partitionIndex, errorCode: 0, leaderId: 1, leaderEpoch: p.leaderEpoch, isr: p.newIsrWithEpochs.map((b) => b.brokerId), leaderRecoveryState: 0, partitionEpoch: p.partitionEpoch + 1})),
          })),
  }
}

describe('AlterPartitionManager', () => {
  it('sends one request at a time and batches what comes meanwhile', async () => {
    const sent: Array<{req: AlterPartitionRequest; respond: (r: AlterPartitionResponse) => void}> = []
    const m = new AlterPartitionManager({
      brokerId: 1,
      brokerEpoch: () => 9n,
      send: (req) => new Promise((respond) => sent.push({req, respond})),
      logger: createLogger({level: 'off'}),
    })
    const first = m.submit(item(0, [1, 2]))
    const second = m.submit(item(1, [1, 3]))
    const third = m.submit(item(2, [1]))
    await expect(m.submit(item(1, [1]))).rejects.toMatchObject({code: ErrorCode.OPERATION_NOT_ATTEMPTED})
    expect(sent).toHaveLength(1)
    expect(sent[0]!.req).toMatchObject({brokerId: 1, brokerEpoch: 9n, topics: [{partitions: [{partitionIndex: 0, newIsr: [], newIsrWithEpochs: [{brokerId: 1}, {brokerId: 2}]}]}]})
    sent[0]!.respond(answer(sent[0]!.req))
    expect(await first).toMatchObject({errorCode: 0, isr: [1, 2], partitionEpoch: 6})
    await new Promise((r) => setImmediate(r))
    expect(sent).toHaveLength(2)
    expect(sent[1]!.req.topics[0]!.partitions.map((p) => p.partitionIndex)).toEqual([1, 2])
    sent[1]!.respond(answer(sent[1]!.req))
    expect((await second).isr).toEqual([1, 3])
    expect((await third).isr).toEqual([1])
    m.shutdown()
  })

  it('sends again after a request-level error (no controller yet), and fails what waits on shutdown', async () => {
    const requests: AlterPartitionRequest[] = []
    let fail = true
    const m = new AlterPartitionManager({
      brokerId: 1,
      brokerEpoch: () => 9n,
      send: async (req) => {
        requests.push(req)
        if (fail) {
          fail = false
          return answer(req, ErrorCode.NOT_CONTROLLER)
        }
        return answer(req)
      },
      logger: createLogger({level: 'off'}),
      retryBackoffMs: 5,
    })
    expect((await m.submit(item(0, [1, 2]))).isr).toEqual([1, 2])
    expect(requests).toHaveLength(2)
    const never = new AlterPartitionManager({brokerId: 1, brokerEpoch: () => 9n, send: () => new Promise(() => {}), logger: createLogger({level: 'off'})})
    const pending = never.submit(item(0, [1]))
    never.shutdown()
    await expect(pending).rejects.toBeInstanceOf(KafkaError)
  })
})
