// The failure drill of issue 6: a real client (librdkafka, python3-confluent-kafka) produces with
// acks=all and idempotence to a topic with replication factor 3 and min.insync.replicas=2 on a
// 3-broker cluster of broker processes, while the test SIGKILLs the leader of one partition after
// another and restarts it, for TSKAFKA_CHAOS_SECONDS (default 60). Afterwards:
//   - the ISR of every partition is full again;
//   - a consumer (librdkafka) reads every record;
//   - every acknowledged record is there, at the offset it was acknowledged with;
//   - each partition holds its records in the order they were produced, without duplicates.
// Each round waits for the restarted broker to be back in every ISR before the next kill, so a
// partition never loses more than one replica at a time (the drill tests failover, not outages).

import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startCluster, type StartedCluster} from '../../src/index.js'
import {hasPeers, runPython} from '../helpers/peers.js'
import {fullIsr, sleep, waitForPartitions} from './cluster-probe.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const DRILL_MS = Number(process.env.TSKAFKA_CHAOS_SECONDS ?? 60) * 1000
const TOPIC = 'drill'
const PARTITIONS = 3

describe.skipIf(!hasPeers())('failure drill: SIGKILL partition leaders under acks=all load', () => {
  let cluster: StartedCluster
  let work: string

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tskafka-drill-'))
    cluster = await startCluster({
      brokers: 3,
      dataDir: join(work, 'cluster'),
      config: {
        // Fence a dead broker within seconds (Kafka's defaults: 9 s and 2 s).
        'broker.session.timeout.ms': 3000,
        'broker.heartbeat.interval.ms': 500,
        'replica.lag.time.max.ms': 5000,
        'auto.create.topics.enable': false,
      },
    })
    const admin = new Kafka({clientId: 'drill-admin', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}],
    })
    await admin.disconnect()
    await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 30_000, 'the topic to be fully replicated')
  }, 120_000)

  afterAll(async () => {
    await cluster?.stop()
    // TSKAFKA_KEEP_DRILL=1 keeps the brokers' logs and data for a post-mortem.
    if (work && !process.env.TSKAFKA_KEEP_DRILL) rmSync(work, {recursive: true, force: true})
    else if (work) console.log(`[drill] kept ${work}`)
  }, 120_000)

  it(
    'loses no acknowledged record, keeps per-partition order and ends with full ISRs',
    async () => {
      const ackedFile = join(work, 'acked.txt')
      const stopFile = join(work, 'stop')
      const producer = runPython(join(HERE, 'acked-producer.py'), [cluster.bootstrapServers, TOPIC, String(PARTITIONS), ackedFile, stopFile], {timeoutMs: DRILL_MS + 300_000})

      const start = Date.now()
      const kills: Array<{partition: number; broker: number}> = []
      // Let the producer get going before the first kill.
      await sleep(2000)
      while (Date.now() - start < DRILL_MS) {
        const partition = kills.length % PARTITIONS
        const view = await waitForPartitions(() => cluster.brokers, TOPIC, (ps) => ps[partition]!.leader >= 0, 30_000, `a leader of ${TOPIC}-${partition}`)
        const leader = view[partition]!.leader
        await cluster.killBroker(leader)
        kills.push({partition, broker: leader})
        await sleep(1500)
        await cluster.restartBroker(leader)
        await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 60_000, `broker ${leader} to rejoin every ISR`)
        await sleep(1000)
      }
      writeFileSync(stopFile, '')
      const produced = await producer
      expect(produced.code, produced.stderr).toBe(0)

      const final = await waitForPartitions(() => cluster.brokers, TOPIC, fullIsr, 60_000, 'full ISRs after the drill')
      expect(final.every((p) => p.isr.length === 3)).toBe(true)

      const readFile = join(work, 'read.txt')
      const read = await runPython(join(HERE, 'read-all.py'), [cluster.bootstrapServers, TOPIC, String(PARTITIONS), readFile], {timeoutMs: 180_000})
      expect(read.code, read.stderr).toBe(0)

      const acked = parseRecords(readFileSync(ackedFile, 'utf8'))
      const consumed = parseRecords(readFileSync(readFile, 'utf8'))
      const summary = `${kills.length} leader kills (${kills.map((k) => `p${k.partition}@${k.broker}`).join(' ')}); ${acked.records.length} acked, ${consumed.records.length} read; producer: ${acked.trailer}`
      console.log(`[drill] ${summary}`)
      expect(kills.length).toBeGreaterThan(0)
      expect(acked.records.length).toBeGreaterThan(0)

      // Every acknowledged record, at its acknowledged offset.
      const at = new Map<string, number>()
      for (const r of consumed.records) at.set(`${r.partition}/${r.offset}`, r.seq)
      const lost = acked.records.filter((r) => at.get(`${r.partition}/${r.offset}`) !== r.seq)
      expect(lost.slice(0, 10), `lost acknowledged records (${lost.length}) — ${summary}`).toEqual([])

      // Per partition: offsets consecutive from 0, sequence numbers strictly increasing (produce order, no duplicates).
      for (let p = 0; p < PARTITIONS; p++) {
        const rows = consumed.records.filter((r) => r.partition === p)
        const gaps = rows.filter((r, i) => r.offset !== i)
        expect(gaps.slice(0, 5), `offset gaps in partition ${p}`).toEqual([])
        const disorder = rows.filter((r, i) => i > 0 && r.seq <= rows[i - 1]!.seq)
        expect(disorder.slice(0, 5), `records out of order in partition ${p}`).toEqual([])
        for (const r of rows) expect(r.seq % PARTITIONS).toBe(p)
      }
    },
    DRILL_MS + 600_000,
  )
})

function parseRecords(text: string): {records: Array<{partition: number; offset: number; seq: number}>; trailer: string} {
  const records: Array<{partition: number; offset: number; seq: number}> = []
  let trailer = ''
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('done')) {
      trailer = line
      continue
    }
    const [partition, offset, seq] = line.split(' ').map(Number)
    records.push({partition: partition!, offset: offset!, seq: seq!})
  }
  return {records, trailer}
}
