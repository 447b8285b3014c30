// Where a command connects, and with which client properties. In order:
//   1. --bootstrap-server (or --broker-list)
//   2. bootstrap.servers in a --command-config / --producer.config / --consumer.config file
//   3. --context NAME
//   4. $TSKAFKA_BOOTSTRAP_SERVER
//   5. the current context of the contexts file
//   6. the local cluster `tskafka cluster start` recorded (while it runs)
// Properties merge from the context (its command-config file, then its inline
// properties), then the properties files given on the command line, then
// key=value flags such as --producer-property, later ones winning.

import {ClientConfigError} from './errors.js'
import {type ClientProperties, parseKeyValues, readPropertiesFile} from './client-properties.js'
import {type ConnectionContext, contextsFilePath, findContext, readContexts} from './contexts.js'

export type BootstrapSource =
  | {kind: 'flag'; flag: string}
  | {kind: 'properties'; flag: string; file: string}
  | {kind: 'context'; name: string}
  | {kind: 'env'; variable: string}
  | {kind: 'local-cluster'}

export interface ConnectionRequest {
  /** --bootstrap-server / --broker-list value and the flag name it came from. */
  bootstrapServer?: {flag: string; value: string}
  /** --context */
  context?: string
  /** Properties files in the order given: --command-config, --producer.config... */
  propertiesFiles?: Array<{flag: string; path: string}>
  /** key=value flags in the order given: --producer-property, --consumer-property, --command-property. */
  propertyFlags?: Array<{flag: string; entries: readonly string[]}>
}

export interface ConnectionEnvironment {
  env: NodeJS.ProcessEnv
  contextsPath?: string
  /** The running local cluster's bootstrap servers, or null. */
  localBootstrapServers: () => string | null
}

export interface ResolvedConnection {
  bootstrapServers: string[]
  source: BootstrapSource
  properties: ClientProperties
}

export const BOOTSTRAP_ENV = 'TSKAFKA_BOOTSTRAP_SERVER'

export function splitServers(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

export function resolveConnection(req: ConnectionRequest, environment: ConnectionEnvironment): ResolvedConnection {
  const contextsPath = environment.contextsPath ?? contextsFilePath(environment.env)
  let context: ConnectionContext | undefined
  let contextExplicit = false
  if (req.context !== undefined) {
    context = findContext(readContexts(contextsPath), req.context, contextsPath)
    contextExplicit = true
  }

  const fileProps: ClientProperties = new Map()
  let bootstrapFromFile: {flag: string; file: string; value: string} | undefined
  for (const {flag, path} of req.propertiesFiles ?? []) {
    const props = readPropertiesFile(path, flag)
    for (const [k, v] of props) fileProps.set(k, v)
    const servers = props.get('bootstrap.servers')
    if (servers !== undefined && servers.trim() !== '') bootstrapFromFile = {flag, file: path, value: servers}
  }
  const flagProps: ClientProperties = new Map()
  for (const {flag, entries} of req.propertyFlags ?? []) {
    for (const [k, v] of parseKeyValues(entries, flag)) flagProps.set(k, v)
  }

  let servers: string | undefined
  let source: BootstrapSource | undefined
  const envValue = environment.env[BOOTSTRAP_ENV]?.trim()
  if (req.bootstrapServer) {
    servers = req.bootstrapServer.value
    source = {kind: 'flag', flag: req.bootstrapServer.flag}
  } else if (flagProps.get('bootstrap.servers')) {
    servers = flagProps.get('bootstrap.servers')!
    source = {kind: 'flag', flag: (req.propertyFlags ?? []).find((p) => p.entries.some((e) => e.trim().startsWith('bootstrap.servers')))?.flag ?? 'property'}
  } else if (bootstrapFromFile) {
    servers = bootstrapFromFile.value
    source = {kind: 'properties', flag: bootstrapFromFile.flag, file: bootstrapFromFile.file}
  } else if (contextExplicit && context) {
    servers = context.bootstrapServers
    source = {kind: 'context', name: context.name}
  } else if (envValue) {
    servers = envValue
    source = {kind: 'env', variable: BOOTSTRAP_ENV}
  } else {
    const file = readContexts(contextsPath)
    if (file.currentContext !== null) {
      context = findContext(file, file.currentContext, contextsPath)
      servers = context.bootstrapServers
      source = {kind: 'context', name: context.name}
    } else {
      const local = environment.localBootstrapServers()
      if (local) {
        servers = local
        source = {kind: 'local-cluster'}
      }
    }
  }
  if (servers === undefined || source === undefined) {
    throw new ClientConfigError(
      `no broker to connect to: pass --bootstrap-server host:port, set ${BOOTSTRAP_ENV}, add a context (tskafka context add), or start the local cluster (tskafka cluster start)`,
    )
  }
  const bootstrapServers = splitServers(servers)
  if (bootstrapServers.length === 0) throw new ClientConfigError(`empty bootstrap server list from ${describeSource(source)}`)

  const properties: ClientProperties = new Map()
  // Context settings only apply when the context also names the brokers.
  if (context && source.kind === 'context') {
    if (context.commandConfig) for (const [k, v] of readPropertiesFile(context.commandConfig, `context '${context.name}' command-config`)) properties.set(k, v)
    for (const [k, v] of Object.entries(context.properties)) properties.set(k, v)
  }
  for (const [k, v] of fileProps) properties.set(k, v)
  for (const [k, v] of flagProps) properties.set(k, v)
  properties.set('bootstrap.servers', bootstrapServers.join(','))
  return {bootstrapServers, source, properties}
}

export function describeSource(source: BootstrapSource): string {
  switch (source.kind) {
    case 'flag':
      return source.flag
    case 'properties':
      return `bootstrap.servers in ${source.file}`
    case 'context':
      return `context '${source.name}'`
    case 'env':
      return `$${source.variable}`
    case 'local-cluster':
      return 'the local cluster'
  }
}

/** What to try after a connection failure, given where the address came from. */
export function connectionHint(source: BootstrapSource): string {
  switch (source.kind) {
    case 'flag':
      return `Is a broker running there? Check ${source.flag}, or start a local cluster with 'tskafka cluster start'.`
    case 'properties':
      return `Is a broker running there? Check bootstrap.servers in ${source.file}, or pass --bootstrap-server.`
    case 'context':
      return `Is a broker running there? Check context '${source.name}' ('tskafka context list'), or pass --bootstrap-server.`
    case 'env':
      return `Is a broker running there? Check $${source.variable}, or pass --bootstrap-server.`
    case 'local-cluster':
      return `Is the local cluster running? See 'tskafka cluster status', or pass --bootstrap-server.`
  }
}
