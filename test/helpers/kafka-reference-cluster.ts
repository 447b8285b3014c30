// A real Apache Kafka KRaft cluster of N combined broker+controller nodes (static voters), started
// from the peers install, as the reference for what tskafka's tools do against "any real Kafka
// cluster". Each node is set up as startKafkaReference sets up its single node (small heap, C1-only
// JVM, few threads, free loopback ports); everything goes to one temp dir removed by stop().
// Nodes can be stopped and started again (same ports, same data) to displace leaders.

import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {freePort, launchKafkaNode, type LaunchedKafkaNode, metadataBrokerCount, randomClusterId, referenceServerProperties} from './kafka-reference.js'
import {assertPeers, describeRun, runKafkaTool} from './peers.js'

export interface KafkaReferenceClusterOptions {
  /** Nodes, with ids 1..nodes (default 3). */
  nodes?: number
  /** Log dirs per node (default 1); more than one lets replicas move between a node's dirs. */
  logDirsPerNode?: number
  /** Extra or replaced server.properties entries, the same on every node. */
  overrides?: Record<string, string | number | boolean>
  heapOpts?: string
  jvmOpts?: string
  startTimeoutMs?: number
}

export interface KafkaReferenceNode {
  id: number
  host: string
  port: number
  /** The node's controller listener; null on a broker-only node (added by addBroker). */
  controllerPort: number | null
  propsFile: string
  /** The node's log dirs (log.dirs), data-1, data-2... under its own dir. */
  logDirs: string[]
}

export interface KafkaReferenceCluster {
  /** Every node's listener, comma-separated. */
  bootstrapServers: string
  clusterId: string
  /** id, host and port of every node (test/chaos/cluster-probe.ts's BrokerAddress). */
  brokers: KafkaReferenceNode[]
  /** What a node printed so far (warnings and errors only, by its log config). */
  output(id: number): string
  /** Stops one node (a controlled shutdown); its data stays. */
  stopNode(id: number): Promise<void>
  /** Starts a stopped node again and waits until every live node lists it. */
  startNode(id: number): Promise<void>
  /** Formats and starts a broker-only node with the next id (not a quorum voter); resolves once every live node lists it. */
  addBroker(): Promise<KafkaReferenceNode>
  stop(): Promise<void>
}

const HOST = '127.0.0.1'

/** Distinct free loopback ports. */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < n) ports.add(await freePort())
  return [...ports]
}

/** Formats N nodes' storage (in parallel) and starts them; resolves once every node lists all N brokers. */
export async function startKafkaReferenceCluster(opts: KafkaReferenceClusterOptions = {}): Promise<KafkaReferenceCluster> {
  assertPeers()
  const count = opts.nodes ?? 3
  const clusterId = randomClusterId()
  const ports = await freePorts(2 * count)
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-kafka-cluster-'))
  const nodes: KafkaReferenceNode[] = Array.from({length: count}, (_, i) => ({
    id: i + 1,
    host: HOST,
    port: ports[i]!,
    controllerPort: ports[count + i]!,
    propsFile: join(dir, `node-${i + 1}`, 'server.properties'),
    logDirs: Array.from({length: opts.logDirsPerNode ?? 1}, (_, d) => join(dir, `node-${i + 1}`, `data-${d + 1}`)),
  }))
  const voters = nodes.map((n) => `${n.id}@${HOST}:${n.controllerPort}`).join(',')
  const rf = Math.min(3, count)
  const shared = {
    'controller.quorum.voters': voters,
    // As Kafka's shipped config for more than one node, capped at the cluster size.
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': Math.min(2, rf),
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': Math.min(2, rf),
    ...opts.overrides,
  }
  const writeProps = (node: KafkaReferenceNode, overrides: Record<string, string | number | boolean> = {}) => {
    mkdirSync(join(dir, `node-${node.id}`))
    const props = referenceServerProperties({
      nodeId: node.id,
      port: node.port,
      controllerPort: node.controllerPort ?? 0,
      logDir: node.logDirs.join(','),
      overrides: {...shared, ...overrides},
    })
    writeFileSync(node.propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}\n`).join(''))
  }
  for (const node of nodes) writeProps(node)

  const launched = new Map<number, LaunchedKafkaNode>()
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await Promise.all([...launched.values()].map((n) => n.stop()))
    rmSync(dir, {recursive: true, force: true})
  }
  const output = (id: number) => launched.get(id)?.output() ?? ''
  const live = () => nodes.filter((n) => launched.has(n.id) && !launched.get(n.id)!.exited())

  /** Until every live node lists `expected` brokers; throws with the nodes' output after the timeout. */
  const waitForBrokers = async (expected: number, what: string): Promise<void> => {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000)
    for (;;) {
      const dead = nodes.find((n) => launched.get(n.id)?.exited())
      if (dead && expected === nodes.length) throw new Error(`Apache Kafka node ${dead.id} exited while ${what}:\n${output(dead.id)}`)
      const counts = await Promise.all(live().map((n) => metadataBrokerCount(n.host, n.port)))
      if (counts.every((c) => c === expected)) return
      if (Date.now() > deadline) throw new Error(`Apache Kafka: not every node lists ${expected} brokers in time (${what}):\n${nodes.map((n) => `node ${n.id}:\n${output(n.id)}`).join('\n')}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  try {
    const formats = await Promise.all(nodes.map((n) => runKafkaTool('kafka-storage', ['format', '-t', clusterId, '-c', n.propsFile], {timeoutMs: 90_000})))
    for (const [i, f] of formats.entries()) if (f.code !== 0) throw new Error(describeRun(`kafka-storage.sh format (node ${i + 1})`, f))
    for (const n of nodes) launched.set(n.id, launchKafkaNode(n.propsFile, opts))
    await waitForBrokers(count, 'starting')
  } catch (error) {
    await stop()
    throw error
  }

  return {
    bootstrapServers: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    clusterId,
    brokers: nodes,
    output,
    async stopNode(id) {
      const node = launched.get(id)
      if (!node) throw new Error(`no running Kafka node ${id}`)
      await node.stop()
      // A controlled shutdown has moved leadership away; the others see the node leave the registry.
      await waitForBrokers(live().length, `node ${id} stopping`)
    },
    async startNode(id) {
      const node = nodes.find((n) => n.id === id)
      if (!node) throw new Error(`no Kafka node ${id}`)
      if (launched.get(id) && !launched.get(id)!.exited()) throw new Error(`Kafka node ${id} is running`)
      launched.set(id, launchKafkaNode(node.propsFile, opts))
      await waitForBrokers(live().length, `node ${id} starting again`)
    },
    async addBroker() {
      const id = Math.max(...nodes.map((n) => n.id)) + 1
      const node: KafkaReferenceNode = {
        id,
        host: HOST,
        port: await freePort(),
        controllerPort: null,
        propsFile: join(dir, `node-${id}`, 'server.properties'),
        logDirs: Array.from({length: opts.logDirsPerNode ?? 1}, (_, d) => join(dir, `node-${id}`, `data-${d + 1}`)),
      }
      // A broker only: no controller listener, the same static voters.
      writeProps(node, {'process.roles': 'broker', listeners: `PLAINTEXT://${HOST}:${node.port}`})
      const format = await runKafkaTool('kafka-storage', ['format', '-t', clusterId, '-c', node.propsFile], {timeoutMs: 90_000})
      if (format.code !== 0) throw new Error(describeRun(`kafka-storage.sh format (node ${id})`, format))
      nodes.push(node)
      launched.set(id, launchKafkaNode(node.propsFile, opts))
      await waitForBrokers(live().length, `broker ${id} joining`)
      return node
    },
    stop,
  }
}
