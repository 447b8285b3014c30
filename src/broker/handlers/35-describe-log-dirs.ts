// DescribeLogDirs v1-4 (Kafka 4 dropped v0; our schemas end at v4). For each log dir of this
// broker: its absolute path, NONE (tskafka has no offline dirs), and the partitions it holds
// (all of them for a null topic list, else the requested ones that exist here) with their size
// on disk, offset lag 0 and isFuture false (no replica is being moved between dirs); v4 adds the
// file system's total and usable bytes. Needs DESCRIBE on the cluster, else
// CLUSTER_AUTHORIZATION_FAILED for the whole request (v3+ carries the code).

import {statfsSync} from 'node:fs'

import {ErrorCode} from '../../protocol/errors.js'
import type {DescribeLogDirsResult, DescribeLogDirsTopic} from '../../protocol/generated/describe-log-dirs-response.js'
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
    const results: DescribeLogDirsResult[] = logManager.logDirs.map((dir) => {
      const byTopic = new Map<string, DescribeLogDirsTopic>()
      const logs = logManager
        .allLogs()
        .filter((l) => l.parentDir === dir && (wanted === null || wanted.get(l.topic)?.has(l.partition) === true))
        .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
      for (const log of logs) {
        let topic = byTopic.get(log.topic)
        if (!topic) byTopic.set(log.topic, (topic = {name: log.topic, partitions: []}))
        topic.partitions.push({partitionIndex: log.partition, partitionSize: BigInt(log.size), offsetLag: 0n, isFutureKey: false})
      }
      return {errorCode: ErrorCode.NONE, logDir: dir, topics: [...byTopic.values()], ...fileStoreSpace(dir)}
    })
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, results}
  },
  errorResponse(_request, errorCode) {
    return {throttleTimeMs: 0, errorCode, results: []}
  },
})
