// AlterReplicaLogDirs v1-2 (kafka-reassign-partitions.sh with log_dirs other than "any", e.g. a
// rollback file; Admin.alterReplicaLogDirs). Each named replica must live in the named log dir
// of this broker: LOG_DIR_NOT_FOUND for a dir not in log.dirs; a replica not hosted here yet is
// created in that dir when it arrives and answers REPLICA_NOT_AVAILABLE meanwhile (the tool
// retries until the reassignment brings it), as Kafka's ReplicaManager does; one already in that
// dir answers NONE. Moving a hosted replica to another dir of the same broker (Kafka's future
// logs) is not supported yet: KAFKA_STORAGE_ERROR. Needs ALTER on the cluster.

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
    const logManager = ctx.broker.logManager
    return everyPartition(request, (path, topic, partition) => {
      const dir = resolve(path)
      if (!logManager.logDirs.includes(dir)) return ErrorCode.LOG_DIR_NOT_FOUND
      const log = logManager.getLog(topic, partition)
      if (log === undefined) {
        logManager.setPreferredLogDir(topic, partition, dir)
        return ErrorCode.REPLICA_NOT_AVAILABLE
      }
      return log.parentDir === dir ? ErrorCode.NONE : ErrorCode.KAFKA_STORAGE_ERROR
    })
  },
  errorResponse(request, errorCode) {
    return everyPartition(request, () => errorCode)
  },
})
