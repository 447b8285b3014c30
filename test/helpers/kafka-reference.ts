// A real Apache Kafka broker (KRaft, combined broker+controller, one node) started from the peers
// install, as the reference that tskafka's behaviour is compared against. Everything it writes goes
// to a temp dir removed by stop(); it listens on free loopback ports only.

import {type ChildProcess, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {assertPeers, describeRun, kafkaBin, runKafkaTool} from './peers.js'

export interface KafkaReferenceOptions {
  /** Extra or replaced server.properties entries. */
  overrides?: Record<string, string | number | boolean>
  /** Cluster id to format with; random (Kafka's form) by default. */
  clusterId?: string
  nodeId?: number
  /** JVM heap, as KAFKA_HEAP_OPTS. */
  heapOpts?: string
  /**
   * JVM flags, as KAFKA_JVM_PERFORMANCE_OPTS. The default (C1 only, serial GC) starts fastest on a
   * small machine; pass Kafka's own ('-XX:+UseG1GC -XX:MaxGCPauseMillis=20') for throughput work.
   */
  jvmOpts?: string
  startTimeoutMs?: number
}

export interface KafkaReference {
  bootstrapServers: string
  host: string
  port: number
  controllerPort: number
  clusterId: string
  nodeId: number
  /** Temp dir holding server.properties and the log dir (data/). */
  dir: string
  logDir: string
  /** What the broker printed so far (warnings and errors only, by its log config). */
  output(): string
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  // A test worker that dies must not leave JVMs behind.
  for (const child of running) child.kill('SIGKILL')
})

/** Kafka's Uuid text form: 16 random bytes as unpadded base64url, never starting with '-'. */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

export function referenceServerProperties(p: {
  nodeId: number
  port: number
  controllerPort: number
  logDir: string
  overrides?: Record<string, string | number | boolean>
}): Record<string, string> {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': p.nodeId,
    'controller.quorum.voters': `${p.nodeId}@127.0.0.1:${p.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${p.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': p.logDir,
    // As in Kafka's shipped config/server.properties for a single node.
    'num.partitions': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    // Two cores: fewer idle threads.
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    ...p.overrides,
  }
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, String(v)]))
}

export interface LaunchedKafkaNode {
  /** What the node printed so far (warnings and errors only, by its log config). */
  output(): string
  /** How the process ended, once it has. */
  exited(): {code: number | null; signal: NodeJS.Signals | null} | undefined
  /** SIGTERM (a controlled shutdown), SIGKILL after 15 s; resolves once the process is gone. */
  stop(): Promise<void>
}

/** Starts kafka-server-start.sh on a formatted node's properties file, with small-machine JVM settings. */
export function launchKafkaNode(propsFile: string, opts: Pick<KafkaReferenceOptions, 'heapOpts' | 'jvmOpts'> = {}): LaunchedKafkaNode {
  const child = spawn(kafkaBin('kafka-server-start'), [propsFile], {
    env: {
      ...process.env,
      KAFKA_HEAP_OPTS: opts.heapOpts ?? '-Xms256m -Xmx512m',
      KAFKA_JVM_PERFORMANCE_OPTS:
        opts.jvmOpts ?? '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let output = ''
  const keep = (b: Buffer) => {
    output += b.toString('utf8')
    if (output.length > 200_000) output = output.slice(-100_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let exited: {code: number | null; signal: NodeJS.Signals | null} | undefined
  const exitPromise = new Promise<void>((resolveExit) => {
    child.on('exit', (code, signal) => {
      exited = {code, signal}
      running.delete(child)
      resolveExit()
    })
  })
  return {
    output: () => output,
    exited: () => exited,
    stop: async () => {
      if (exited) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exitPromise
      clearTimeout(timer)
    },
  }
}

/** Formats a temp log dir and starts Apache Kafka on free loopback ports; resolves once it answers. */
export async function startKafkaReference(opts: KafkaReferenceOptions = {}): Promise<KafkaReference> {
  assertPeers()
  const nodeId = opts.nodeId ?? 1
  const clusterId = opts.clusterId ?? randomClusterId()
  const host = '127.0.0.1'
  const port = await freePort()
  let controllerPort = await freePort()
  while (controllerPort === port) controllerPort = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-kafka-ref-'))
  const logDir = join(dir, 'data')
  const propsFile = join(dir, 'server.properties')
  const props = referenceServerProperties({nodeId, port, controllerPort, logDir, overrides: opts.overrides})
  writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}\n`).join(''))

  const format = await runKafkaTool('kafka-storage', ['format', '-t', clusterId, '-c', propsFile], {timeoutMs: 60_000})
  if (format.code !== 0) {
    rmSync(dir, {recursive: true, force: true})
    throw new Error(describeRun('kafka-storage.sh format', format))
  }

  const node = launchKafkaNode(propsFile, opts)
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await node.stop()
    rmSync(dir, {recursive: true, force: true})
  }
  const output = node.output

  const deadline = Date.now() + (opts.startTimeoutMs ?? 90_000)
  for (;;) {
    const exited = node.exited()
    if (exited) {
      await stop()
      throw new Error(`Apache Kafka exited while starting (code ${exited.code}, signal ${exited.signal}):\n${output()}`)
    }
    if ((await metadataBrokerCount(host, port)) > 0) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`Apache Kafka did not answer on ${host}:${port} in time:\n${output()}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  return {
    bootstrapServers: `${host}:${port}`,
    host,
    port,
    controllerPort,
    clusterId,
    nodeId,
    dir,
    logDir,
    output,
    stop,
  }
}

/**
 * How many brokers a node lists in a Metadata response (0 when it does not answer). A KRaft broker
 * lists itself only after it has registered with the controller and caught up with the metadata log.
 */
export async function metadataBrokerCount(host: string, port: number): Promise<number> {
  // Metadata v4 (non-flexible, still served by Kafka 4.x): header v1, topics = empty array,
  // allow_auto_topic_creation = false. Response: correlation id, throttle time, brokers array.
  const clientId = Buffer.from('tskafka-ref-probe')
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1)
  let o = 0
  o = body.writeInt16BE(3, o) // api key: Metadata
  o = body.writeInt16BE(4, o) // api version
  o = body.writeInt32BE(1, o) // correlation id
  o = body.writeInt16BE(clientId.length, o)
  o += clientId.copy(body, o)
  o = body.writeInt32BE(0, o) // no topics
  body.writeInt8(0, o) // allow_auto_topic_creation
  const frame = Buffer.concat([Buffer.alloc(4), body])
  frame.writeInt32BE(body.length, 0)

  return new Promise((resolveProbe) => {
    const socket = new Socket()
    let buf = Buffer.alloc(0)
    const done = (brokers: number) => {
      socket.destroy()
      resolveProbe(brokers)
    }
    socket.setTimeout(2000, () => done(0))
    socket.on('error', () => done(0))
    socket.on('close', () => done(0))
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < 4) return
      const size = buf.readInt32BE(0)
      if (buf.length < 4 + size) return
      // correlation id (4) + throttle_time_ms (4) + brokers array length (4)
      done(size >= 12 ? buf.readInt32BE(4 + 8) : 0)
    })
    socket.connect(port, host, () => socket.write(frame))
  })
}
