// The programmatic API as a user's test suite uses it: `startBroker()` runs a
// broker in this process on an ephemeral port; kafkajs talks to it over TCP.

import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'

import {probeApiVersions} from '../../src/cluster/probe.js'
import {startBroker, type StartedBroker} from '../../src/index.js'

const started: StartedBroker[] = []

async function start(...args: Parameters<typeof startBroker>): Promise<StartedBroker> {
  const broker = await startBroker(...args)
  started.push(broker)
  return broker
}

afterAll(async () => {
  await Promise.all(started.map((b) => b.stop()))
})

async function describeWithKafkajs(bootstrapServers: string) {
  const kafka = new Kafka({clientId: 'programmatic-test', brokers: [bootstrapServers], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  try {
    return await admin.describeCluster()
  } finally {
    await admin.disconnect()
  }
}

describe('startBroker()', () => {
  it('starts a broker on 127.0.0.1 and an ephemeral port that kafkajs can describe', async () => {
    const broker = await start()
    expect(broker.host).toBe('127.0.0.1')
    expect(broker.port).toBeGreaterThan(0)
    expect(broker.bootstrapServers).toBe(`127.0.0.1:${broker.port}`)
    expect(broker.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(broker.nodeId).toBe(1)

    const cluster = await describeWithKafkajs(broker.bootstrapServers)
    expect(cluster.clusterId).toBe(broker.clusterId)
    expect(cluster.brokers).toEqual([{nodeId: 1, host: '127.0.0.1', port: broker.port}])
  })

  it('runs two brokers at once, each its own cluster, and stopping one leaves the other serving', async () => {
    const [a, b] = await Promise.all([start(), start()])
    expect(a.port).not.toBe(b.port)
    expect(a.clusterId).not.toBe(b.clusterId)
    const [ca, cb] = await Promise.all([describeWithKafkajs(a.bootstrapServers), describeWithKafkajs(b.bootstrapServers)])
    expect(ca.clusterId).toBe(a.clusterId)
    expect(cb.clusterId).toBe(b.clusterId)

    await a.stop()
    await expect(probeApiVersions('127.0.0.1', a.port, 2000)).rejects.toThrow()
    expect((await probeApiVersions('127.0.0.1', b.port)).errorCode).toBe(0)
  })

  it('removes its temporary data dir on stop, and stop is idempotent', async () => {
    const broker = await start()
    expect(existsSync(join(broker.dataDir, 'meta.properties'))).toBe(true)
    await Promise.all([broker.stop(), broker.stop()])
    await broker.stop()
    expect(existsSync(broker.dataDir)).toBe(false)
  })

  it('keeps a dataDir the caller passed, and a restart on it keeps the cluster id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskafka-programmatic-'))
    try {
      const first = await start({dataDir: dir})
      const clusterId = first.clusterId
      await first.stop()
      expect(readFileSync(join(dir, 'meta.properties'), 'utf8')).toContain(`cluster.id=${clusterId}`)
      const second = await start({dataDir: dir})
      expect(second.clusterId).toBe(clusterId)
      await second.stop()
      expect(existsSync(dir)).toBe(true)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('applies config given by Kafka name, with numbers and booleans', async () => {
    const broker = await start({config: {'node.id': 7, 'auto.create.topics.enable': false}})
    expect(broker.nodeId).toBe(7)
    const cluster = await describeWithKafkajs(broker.bootstrapServers)
    expect(cluster.brokers.map((b) => b.nodeId)).toEqual([7])
  })

  it('rejects an invalid config value with Kafka\'s message', async () => {
    await expect(startBroker({config: {'num.partitions': 'many'}})).rejects.toThrow(
      'Invalid value many for configuration num.partitions: Not a number of type INT',
    )
  })
})
