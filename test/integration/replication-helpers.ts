// In-process clusters for the replication tests: N brokers in this process, one cluster id, fixed
// loopback ports (so a broker restarts where it was), the controller quorum on the brokers the
// test names (the others are brokers only, so stopping them never costs the quorum). Brokers stop
// gracefully (a controlled shutdown) and start again on their data.

import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Broker} from '../../src/broker/broker.js'
import {ensureFormatted, randomKafkaUuid} from '../../src/config/meta-properties.js'

export interface InProcessClusterOptions {
  brokers: number
  /** Ids of the controller quorum voters (combined broker+controller nodes); default [1]. */
  voters?: number[]
  /** Broker configs for every broker. */
  config?: Record<string, string>
}

export class InProcessCluster {
  readonly brokers = new Map<number, Broker | null>()
  private constructor(
    readonly home: string,
    private readonly props: Map<number, Record<string, string>>,
  ) {}

  static async start(opts: InProcessClusterOptions): Promise<InProcessCluster> {
    const home = mkdtempSync(join(tmpdir(), 'tskafka-repl-'))
    const voters = opts.voters ?? [1]
    const ids = Array.from({length: opts.brokers}, (_, i) => i + 1)
    const ports = new Map<number, number>()
    const controllerPorts = new Map<number, number>()
    for (const id of ids) {
      ports.set(id, await freePort())
      if (voters.includes(id)) controllerPorts.set(id, await freePort())
    }
    const clusterId = randomKafkaUuid()
    const quorum = voters.map((id) => `${id}@127.0.0.1:${controllerPorts.get(id)}`).join(',')
    const props = new Map<number, Record<string, string>>()
    for (const id of ids) {
      const logDir = join(home, `broker-${id}`)
      ensureFormatted([logDir], id, clusterId)
      const isVoter = voters.includes(id)
      props.set(id, {
        'process.roles': isVoter ? 'broker,controller' : 'broker',
        'node.id': String(id),
        listeners: isVoter ? `PLAINTEXT://127.0.0.1:${ports.get(id)},CONTROLLER://127.0.0.1:${controllerPorts.get(id)}` : `PLAINTEXT://127.0.0.1:${ports.get(id)}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${ports.get(id)}`,
        'controller.listener.names': 'CONTROLLER',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'controller.quorum.voters': quorum,
        'controller.quorum.election.timeout.ms': '300',
        'inter.broker.listener.name': 'PLAINTEXT',
        'log.dirs': logDir,
        'offsets.topic.replication.factor': String(Math.min(3, opts.brokers)),
        'group.initial.rebalance.delay.ms': '0',
        'broker.heartbeat.interval.ms': '200',
        'broker.session.timeout.ms': '2000',
        ...opts.config,
      })
    }
    const cluster = new InProcessCluster(home, props)
    try {
      await Promise.all(ids.map((id) => cluster.startBroker(id)))
    } catch (e) {
      await cluster.close()
      throw e
    }
    return cluster
  }

  get bootstrapServers(): string {
    return [...this.props.values()].map((p) => /PLAINTEXT:\/\/([^,]+)/.exec(p.listeners!)![1]).join(',')
  }

  /** The running broker with this id (throws when stopped). */
  broker(id: number): Broker {
    const b = this.brokers.get(id)
    if (!b) throw new Error(`broker ${id} is not running`)
    return b
  }

  running(): Broker[] {
    return [...this.brokers.values()].filter((b): b is Broker => b !== null)
  }

  async startBroker(id: number): Promise<Broker> {
    const b = await Broker.start(this.props.get(id)!, {logLevel: (process.env.TSKAFKA_TEST_LOG_LEVEL as 'warn' | undefined) ?? 'off', env: {TSKAFKA_HOME: this.home}})
    this.brokers.set(id, b)
    return b
  }

  /** A graceful stop: the controller moves the broker's leaderships away first. */
  async stopBroker(id: number): Promise<void> {
    const b = this.brokers.get(id)
    this.brokers.set(id, null)
    await b?.stop()
  }

  /** Stops every broker (voters last, so the others can still shut down in a controlled way) and removes the data. */
  async close(): Promise<void> {
    const ids = [...this.brokers.keys()]
    const voters = ids.filter((id) => this.props.get(id)!['process.roles']!.includes('controller'))
    await Promise.all(ids.filter((id) => !voters.includes(id)).map((id) => this.stopBroker(id)))
    await Promise.all(voters.map((id) => this.stopBroker(id)))
    rmSync(this.home, {recursive: true, force: true})
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen({host: '127.0.0.1', port: 0, exclusive: true}, () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

/** Polls `check` until it returns a value (not undefined/false); throws with `what` after timeoutMs. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
