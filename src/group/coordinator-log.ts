// The group coordinator's storage, through the replica manager: appends go to the partition
// leader's log with origin 'coordinator' and acks=-1, so they are committed (high watermark past
// them) before the coordinator answers, and replication covers them like any other partition;
// loading reads the leader's log from its start to its end.

import type {ReplicaManager} from '../broker/replica-manager.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {CoordinatorLog} from './coordinator.js'
import {GROUP_METADATA_TOPIC_NAME} from './partitioner.js'

const EMPTY = Buffer.alloc(0)

export function replicaManagerCoordinatorLog(replicaManager: ReplicaManager, commitTimeoutMs: number): CoordinatorLog {
  return {
    async append(partition, batch) {
      const results = await replicaManager.appendRecords([{topic: GROUP_METADATA_TOPIC_NAME, partition, records: batch}], {
        requiredAcks: -1,
        timeoutMs: commitTimeoutMs,
        origin: 'coordinator',
        internalTopicsAllowed: true,
      })
      const r = results[0]!
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaError(r.errorCode, r.errorMessage ?? undefined)
    },
    read(partition, offset, maxBytes) {
      const p = replicaManager.getPartition(GROUP_METADATA_TOPIC_NAME, partition)
      if (!p) return null
      const log = p.log
      const from = Math.max(offset, log.logStartOffset)
      if (from >= log.logEndOffset) return {records: EMPTY, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset}
      const r = log.read(from, maxBytes, {isolation: 'log-end', minOneMessage: true})
      return {records: r.records, logStartOffset: r.logStartOffset, logEndOffset: r.logEndOffset}
    },
  }
}
