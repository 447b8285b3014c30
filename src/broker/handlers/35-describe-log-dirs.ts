// DescribeLogDirs v1-4 (Kafka 4 dropped v0; our schemas end at v4). For each log dir of this
// broker: its absolute path, NONE (tskafka has no offline dirs), and the partitions it holds
// (all of them for a null topic list, else the requested ones that exist here) with their size
// on disk, offset lag 0 and isFuture false, plus the future replicas of moves between log dirs in
// their destination dir with isFuture true and offset lag = current log end - future log end
// (Kafka's getLogEndOffsetLag; kafka-reassign-partitions.sh --verify reads a move's progress
// from it); v4 adds the file system's total and usable bytes. Needs DESCRIBE on the cluster, else
// CLUSTER_AUTHORIZATION_FAILED for the whole request (v3+ carries the code).

import {statfsSync} from 'node:fs'

import {ErrorCode} from '../../protocol/errors.js'
import type {DescribeLogDirsResult, DescribeLogDirsTopic} from '../../protocol/generated/describe-log-dirs-response.js'
import type {PartitionLog} from '../../storage/partition-log.js'
import {CLUSTER_RESOURCE} from '../authorizer.js'
import {defineHandler} from '../registry.js'

/** Total and usable bytes of the file system holding a dir, as Java's FileStore reports them; -1 when unknown. */
function fileStoreSpace(dir: string): {totalBytes: bigint; usableBytes: bigint} {
  try {
    const s = statfsSync(dir, {bigint: true})
    return {totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize}
  } catch {
    return {totalBytes: -1n, usableBytes: -1n}
  }
}

export default defineHandler('DescribeLogDirs', {
  minVersion: 1,
  maxVersion: 4,
  handle(request, ctx) {
    if (!ctx.authorize('DESCRIBE', CLUSTER_RESOURCE)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: []}
    }
    const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]))
    const logManager = ctx.broker.logManager
    const isWanted = (l: PartitionLog) => wanted === null || wanted.get(l.topic)?.has(l.partition) === true
    const byName = (a: PartitionLog, b: PartitionLog) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)
    const current = logManager.allLogs().filter(isWanted)
    const future = logManager.allFutureLogs().filter(isWanted)
    const results: DescribeLogDirsResult[] = logManager.logDirs.map((dir) => {
      const byTopic = new Map<string, DescribeLogDirsTopic>()
      const entries = [
        ...current.filter((l) => l.parentDir === dir).map((log) => ({log, isFutureKey: false})),
        ...future.filter((l) => l.parentDir === dir).map((log) => ({log, isFutureKey: true})),
      ].sort((a, b) => byName(a.log, b.log))
      for (const {log, isFutureKey} of entries) {
        let topic = byTopic.get(log.topic)
        if (!topic) byTopic.set(log.topic, (topic = {name: log.topic, partitions: []}))
        const currentEnd = isFutureKey ? logManager.getLog(log.topic, log.partition)?.logEndOffset : undefined
        const offsetLag = !isFutureKey ? 0n : currentEnd === undefined ? -1n : BigInt(Math.max(0, currentEnd - log.logEndOffset))
        topic.partitions.push({partitionIndex: log.partition, partitionSize: BigInt(log.size), offsetLag, isFutureKey})
      }
      return {errorCode: ErrorCode.NONE, logDir: dir, topics: [...byTopic.values()], ...fileStoreSpace(dir)}
    })
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, results}
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, results: []}
  },
})
