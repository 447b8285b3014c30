// The base class of tskafka's commands. It gives every command:
//   - the connection flags and one way to connect (see client/connection-target.ts),
//   - output flags (--output text|table|json|yaml, --json, --yaml),
//   - errors as exactly one line on stderr ("Error: ...") with exit code 2 for
//     usage errors and 1 for everything else, never a stack trace
//     (TSKAFKA_DEBUG=1 prints it),
//   - clean-up of connections however the command ends.
// Commands owned by other parts of the project can extend it as well: nothing
// here is specific to a tool.

import {Command, Flags} from '@oclif/core'

import type {ClientOptions, KafkaClient} from '../client/client.js'
import type {BootstrapSource, ConnectionRequest, ResolvedConnection} from '../client/connection-target.js'
import {EXIT_OK, reportError, UsageError} from './errors.js'

export const connectionFlags = {
  'bootstrap-server': Flags.string({
    description: 'the broker(s) to connect to, host:port[,host:port...] [default: $TSKAFKA_BOOTSTRAP_SERVER, the current context, or the running local cluster]',
    helpGroup: 'CONNECTION',
  }),
  'command-config': Flags.string({description: 'a client properties file (security.protocol, sasl.*, ssl.*, client.id...)', helpGroup: 'CONNECTION'}),
  context: Flags.string({description: 'a named context from `tskafka context list`', helpGroup: 'CONNECTION'}),
}

export const outputFlags = {
  output: Flags.string({char: 'o', description: 'output format', options: ['text', 'table', 'json', 'yaml'], helpGroup: 'OUTPUT'}),
  json: Flags.boolean({description: 'print data as JSON (same as --output json)', helpGroup: 'OUTPUT'}),
  yaml: Flags.boolean({description: 'print data as YAML (same as --output yaml)', helpGroup: 'OUTPUT'}),
}

/** Flag names that carry connection settings, whichever tool they come from. */
const PROPERTIES_FILE_FLAGS = ['command-config', 'producer.config', 'consumer.config', 'admin.config'] as const
const PROPERTY_FLAGS = ['producer-property', 'consumer-property', 'command-property'] as const
const BOOTSTRAP_FLAGS = ['bootstrap-server', 'broker-list'] as const

/** A ConnectionRequest from whatever connection flags a command's parsed flags hold. */
export function connectionRequestFrom(flags: Record<string, unknown>): ConnectionRequest {
  const req: ConnectionRequest = {propertiesFiles: [], propertyFlags: []}
  for (const name of BOOTSTRAP_FLAGS) {
    const v = flags[name]
    if (typeof v === 'string') {
      if (req.bootstrapServer && req.bootstrapServer.value !== v) throw new UsageError('give only one of --bootstrap-server and --broker-list')
      req.bootstrapServer = {flag: `--${name}`, value: v}
    }
  }
  for (const name of PROPERTIES_FILE_FLAGS) {
    const v = flags[name]
    if (typeof v === 'string') req.propertiesFiles!.push({flag: `--${name}`, path: v})
  }
  for (const name of PROPERTY_FLAGS) {
    const v = flags[name]
    if (Array.isArray(v) && v.length > 0) req.propertyFlags!.push({flag: `--${name}`, entries: v as string[]})
  }
  if (typeof flags.context === 'string') req.context = flags.context
  return req
}

export abstract class TskafkaCommand extends Command {
  private readonly openClients: KafkaClient[] = []
  private readonly cleanups: Array<() => unknown> = []
  protected connectionSource?: BootstrapSource
  /** Set by connect(): where the client connected and with which properties. */
  protected resolvedConnection?: ResolvedConnection

  override async init(): Promise<void> {
    await super.init()
    const zk = this.argv.find((a) => a === '--zookeeper' || a.startsWith('--zookeeper='))
    if (zk) {
      throw new UsageError('--zookeeper is not supported: Apache Kafka removed ZooKeeper access from its tools in 3.0 and ZooKeeper itself in 4.0; use --bootstrap-server host:port')
    }
  }

  /** Resolves where to connect (flags, files, contexts, env, local cluster) without connecting. */
  protected async resolveConnection(flags: Record<string, unknown>): Promise<ResolvedConnection> {
    const {resolveConnection} = await import('../client/connection-target.js')
    const request = connectionRequestFrom(flags)
    // The local cluster's state is read only when nothing else names a broker.
    const local = request.bootstrapServer ? null : await import('../cluster/local-cluster.js')
    const resolved = resolveConnection(request, {env: process.env, localBootstrapServers: () => local?.localBootstrapServers() ?? null})
    this.connectionSource = resolved.source
    this.resolvedConnection = resolved
    return resolved
  }

  /** Client options for a resolved connection. */
  protected async clientOptions(resolved: ResolvedConnection, defaultClientId = 'tskafka'): Promise<ClientOptions> {
    const {clientSecurity} = await import('../client/client-properties.js')
    const security = clientSecurity(resolved.properties, defaultClientId)
    return {
      bootstrapServers: resolved.bootstrapServers,
      clientId: security.clientId,
      tls: security.tls,
      sasl: security.sasl,
      connectTimeoutMs: security.connectTimeoutMs,
      requestTimeoutMs: security.requestTimeoutMs,
    }
  }

  /** Connects with the command's connection flags; the client is closed when the command ends. */
  protected async connect(flags: Record<string, unknown>, defaultClientId = 'tskafka'): Promise<KafkaClient> {
    const resolved = await this.resolveConnection(flags)
    const {KafkaClient} = await import('../client/client.js')
    const client = await KafkaClient.connect(await this.clientOptions(resolved, defaultClientId))
    this.openClients.push(client)
    return client
  }

  /** Runs `fn` when the command ends, however it ends. */
  protected onCleanup(fn: () => unknown): void {
    this.cleanups.push(fn)
  }

  /** Writes text to stdout with a newline, bypassing oclif's formatting. */
  protected out(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  protected err(text: string): void {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  override async catch(error: Error & {exitCode?: number}): Promise<void> {
    // this.exit() and oclif's own exits pass through untouched.
    if ((error as {code?: string}).code === 'EEXIT') throw error
    // A flag that failed to parse is reported here; oclif would add a warning that parse() was never called.
    ;(this as unknown as {parsed: boolean}).parsed = true
    const {connectionHint} = await import('../client/connection-target.js')
    const report = reportError(error, {
      connectionHint: this.connectionSource ? connectionHint(this.connectionSource) : undefined,
      commandId: this.id,
    })
    if (report.exitCode === EXIT_OK) return
    if (process.env.TSKAFKA_DEBUG) process.stderr.write(`${error.stack ?? error}\n`)
    process.stderr.write(`Error: ${report.message}\n`)
    process.exitCode = report.exitCode
  }

  override async finally(error: Error | undefined): Promise<void> {
    for (const fn of this.cleanups.splice(0).reverse()) {
      try {
        await fn()
      } catch {
        // clean-up is best effort
      }
    }
    for (const client of this.openClients.splice(0)) client.close()
    await super.finally(error)
  }
}
