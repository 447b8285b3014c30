// AlterReplicaLogDirs v1-2 (kafka-reassign-partitions.sh with log_dirs other than "any", e.g. a
// rollback file; Admin.alterReplicaLogDirs). Each named replica must live in the named log dir
// of this broker: LOG_DIR_NOT_FOUND for a dir not in log.dirs; a replica not hosted here yet is
// created in that dir when it arrives and answers REPLICA_NOT_AVAILABLE meanwhile (the tool
// retries until the reassignment brings it), as Kafka's ReplicaManager does; one already in that
// dir answers NONE. A hosted replica in another dir of this broker is moved there as Kafka moves
// it, with a future log (<topic>-<partition>.<uuid>-future) copied from the current log under
// replica.alter.log.dirs.io.max.bytes.per.second and swapped in once caught up
// (ReplicaManager.alterReplicaLogDir, src/storage/log-dir-move.ts); NONE means the move started
// (or goes on), DescribeLogDirs shows its progress. Asking a moving replica into another dir
// cancels the move in progress first. KAFKA_STORAGE_ERROR when the future log cannot be created.
//
// A broker restart mid-move resumes the move: the future log is loaded from its dir, cut to the
// current log end and checked against the current log's last batch (else copied again from the
// start); the current log serves, and stays authoritative, until the swap. Needs ALTER on the
// cluster.

import {resolve} from 'node:path'

import {ErrorCode} from '../../protocol/errors.js'
import type {AlterReplicaLogDirsRequest} from '../../protocol/generated/alter-replica-log-dirs-request.js'
import type {AlterReplicaLogDirsResponse, AlterReplicaLogDirTopicResult} from '../../protocol/generated/alter-replica-log-dirs-response.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

function everyPartition(request: AlterReplicaLogDirsRequest, code: (dir: string, topic: string, partition: number) => number): AlterReplicaLogDirsResponse {
  const byTopic = new Map<string, AlterReplicaLogDirTopicResult>()
  for (const d of request.dirs) {
    for (const t of d.topics) {
      let result = byTopic.get(t.name)
      if (result === undefined) byTopic.set(t.name, (result = {topicName: t.name, partitions: []}))
      for (const partitionIndex of t.partitions) result.partitions.push({partitionIndex, errorCode: code(d.path, t.name, partitionIndex)})
    }
  }
  return {throttleTimeMs: 0, results: [...byTopic.values()]}
}

export default defineHandler('AlterReplicaLogDirs', {
  minVersion: 1,
  maxVersion: 2,
  handle(request, ctx) {
    if (!ctx.authorize('ALTER', CLUSTER_RESOURCE)) return everyPartition(request, () => ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    const {logManager, replicaManager} = ctx.broker
    return everyPartition(request, (path, topic, partition) => {
      const dir = resolve(path)
      if (!logManager.logDirs.includes(dir)) return ErrorCode.LOG_DIR_NOT_FOUND
      return replicaManager.alterReplicaLogDir(topic, partition, dir)
    })
  },
  errorResponse(request, errorCode) {
    return everyPartition(request, () => errorCode)
  },
})
