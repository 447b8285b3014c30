// DescribeLogDirs v1-4 over the wire against a broker with two log dirs: every dir with the
// partitions it holds and their sizes on disk, filtering by topic and partition, disk space from
// v4, and unserved v0.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Broker} from '../../src/broker/broker.js'
import {createLogger} from '../../src/broker/logger.js'
import {API_KEY, type DescribeLogDirsResponse} from '../../src/protocol/generated/index.js'
import {encodeRecordBatch} from '../../src/protocol/record-batch.js'
import {WireClient} from '../helpers/wire-client.js'

describe('DescribeLogDirs', () => {
  let root: string
  let dirs: string[]
  let broker: Broker
  let c: WireClient

  const describeLogDirs = async (version: number, topics: Array<{topic: string; partitions: number[]}> | null) =>
    (await c.request<DescribeLogDirsResponse>(API_KEY.DescribeLogDirs, version, {topics})).body

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tskafka-log-dirs-'))
    dirs = [join(root, 'a'), join(root, 'b')]
    broker = await Broker.start(
      {'process.roles': 'broker,controller', 'node.id': '1', listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dirs.join(','), 'offsets.topic.replication.factor': '1'},
      {logger: createLogger({level: 'error', sink: () => {}})},
    )
    c = await WireClient.connect(broker.port)
    const {body} = await c.request<{topics: Array<{errorCode: number}>}>(API_KEY.CreateTopics, 7, {
      topics: [
        {name: 'ld', numPartitions: 4, replicationFactor: 1, assignments: [], configs: []},
        {name: 'other', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []},
      ],
      timeoutMs: 10000,
      validateOnly: false,
    })
    expect(body.topics.map((t) => t.errorCode)).toEqual([0, 0])
    // Some data in ld-0, so sizes differ.
    const log = broker.logManager.getOrCreateLog('ld', 0)
    log.append(encodeRecordBatch({baseOffset: 0n, records: [{key: null, value: Buffer.alloc(1000, 7), headers: [], timestamp: BigInt(Date.now())}]}), {leaderEpoch: 0})
  })

  afterAll(async () => {
    c?.close()
    await broker?.stop()
    rmSync(root, {recursive: true, force: true})
  })

  it('lists every log dir with its partitions and sizes (v4 with disk space)', async () => {
    const r = await describeLogDirs(4, null)
    expect(r.errorCode).toBe(0)
    expect(r.results.map((d) => d.logDir)).toEqual(dirs)
    const where = new Map<string, {dir: string; size: bigint}>()
    for (const d of r.results) {
      expect(d.errorCode).toBe(0)
      expect(d.totalBytes).toBeGreaterThan(0n)
      expect(d.usableBytes).toBeGreaterThan(0n)
      expect(d.usableBytes).toBeLessThanOrEqual(d.totalBytes)
      for (const t of d.topics) {
        for (const p of t.partitions) {
          expect(p).toMatchObject({offsetLag: 0n, isFutureKey: false})
          where.set(`${t.name}-${p.partitionIndex}`, {dir: d.logDir, size: p.partitionSize})
        }
      }
    }
    expect([...where.keys()].sort()).toEqual(['ld-0', 'ld-1', 'ld-2', 'ld-3', 'other-0'])
    for (const [tp, {dir, size}] of where) {
      const [topic, partition] = [tp.slice(0, tp.lastIndexOf('-')), Number(tp.slice(tp.lastIndexOf('-') + 1))]
      const log = broker.logManager.getLog(topic, partition)!
      expect(log.parentDir).toBe(dir)
      expect(size).toBe(BigInt(log.size))
    }
    expect(where.get('ld-0')!.size).toBeGreaterThan(1000n)
    expect(where.get('ld-1')!.size).toBe(0n)
    // Both dirs are used.
    expect(new Set([...where.values()].map((w) => w.dir)).size).toBe(2)
  })

  it('filters by topic and partition; unknown ones are left out', async () => {
    const r = await describeLogDirs(4, [
      {topic: 'ld', partitions: [0, 2, 9]},
      {topic: 'nosuch', partitions: [0]},
    ])
    const found = r.results.flatMap((d) => d.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}`)))
    expect(found.sort()).toEqual(['ld-0', 'ld-2'])
    const none = await describeLogDirs(4, [])
    expect(none.results.map((d) => [d.logDir, d.topics])).toEqual(dirs.map((d) => [d, []]))
  })

  it('serves v1-3 without disk space, and not v0', async () => {
    for (const v of [1, 2, 3]) {
      const r = await describeLogDirs(v, null)
      expect(r.results).toHaveLength(2)
      expect(r.results.map((d) => [d.totalBytes, d.usableBytes])).toEqual([
        [-1n, -1n],
        [-1n, -1n],
      ])
    }
    const v0 = await WireClient.connect(broker.port)
    v0.send(v0.encode(API_KEY.DescribeLogDirs, 0, {topics: null}))
    expect(await v0.nextFrame()).toBeNull()
  })
})
