// Named connection contexts, kept in a YAML file (kubectl-style):
//
//   current-context: prod
//   contexts:
//     prod:
//       bootstrap-servers: kafka1:9092,kafka2:9092
//       command-config: /etc/kafka/client.properties   # optional
//       properties:                                     # optional, win over the file
//         security.protocol: SASL_SSL
//
// The file is $TSKAFKA_CONFIG when set, else $XDG_CONFIG_HOME/tskafka/config.yaml,
// else ~/.config/tskafka/config.yaml. It is written atomically.

import {randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {createRequire} from 'node:module'

import {UsageError} from '../cli/errors.js'
import {ClientConfigError} from './errors.js'

// yaml is loaded only when a contexts file exists (or is written): most runs have none to read.
const require = createRequire(import.meta.url)
const yaml = () => require('yaml') as typeof import('yaml')

export interface ConnectionContext {
  name: string
  bootstrapServers: string
  commandConfig?: string
  properties: Record<string, string>
}

export interface ContextsFile {
  currentContext: string | null
  contexts: ConnectionContext[]
}

export function contextsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSKAFKA_CONFIG?.trim()) return resolve(env.TSKAFKA_CONFIG.trim())
  const xdg = env.XDG_CONFIG_HOME?.trim()
  return join(xdg ? resolve(xdg) : join(homedir(), '.config'), 'tskafka', 'config.yaml')
}

const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

export function validateContextName(name: string): void {
  if (!CONTEXT_NAME.test(name)) {
    throw new UsageError(`invalid context name '${name}': use letters, digits, '.', '_' and '-', starting with a letter or digit`)
  }
}

export function readContexts(path = contextsFilePath()): ContextsFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {currentContext: null, contexts: []}
    throw new ClientConfigError(`cannot read ${path}: ${(error as Error).message}`)
  }
  let doc: unknown
  try {
    doc = yaml().parse(text)
  } catch (error) {
    throw new ClientConfigError(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  if (doc == null) return {currentContext: null, contexts: []}
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ClientConfigError(`${path}: expected a mapping with current-context and contexts`)
  const obj = doc as Record<string, unknown>
  const current = obj['current-context']
  const rawContexts = obj.contexts ?? {}
  if (typeof rawContexts !== 'object' || rawContexts === null || Array.isArray(rawContexts)) throw new ClientConfigError(`${path}: contexts must be a mapping of name to context`)
  const contexts: ConnectionContext[] = []
  for (const [name, value] of Object.entries(rawContexts as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) throw new ClientConfigError(`${path}: context '${name}' must be a mapping`)
    const v = value as Record<string, unknown>
    const bootstrap = v['bootstrap-servers']
    if (typeof bootstrap !== 'string' || bootstrap.trim() === '') throw new ClientConfigError(`${path}: context '${name}' has no bootstrap-servers`)
    const props: Record<string, string> = {}
    if (v.properties != null) {
      if (typeof v.properties !== 'object' || Array.isArray(v.properties)) throw new ClientConfigError(`${path}: properties of context '${name}' must be a mapping`)
      for (const [k, pv] of Object.entries(v.properties as Record<string, unknown>)) props[k] = String(pv)
    }
    const commandConfig = typeof v['command-config'] === 'string' ? (v['command-config'] as string) : undefined
    contexts.push({name, bootstrapServers: bootstrap.trim(), commandConfig, properties: props})
  }
  return {currentContext: typeof current === 'string' && current !== '' ? current : null, contexts}
}

export function writeContexts(file: ContextsFile, path = contextsFilePath()): void {
  const doc: Record<string, unknown> = {'current-context': file.currentContext ?? ''}
  const contexts: Record<string, unknown> = {}
  for (const c of file.contexts) {
    const entry: Record<string, unknown> = {'bootstrap-servers': c.bootstrapServers}
    if (c.commandConfig) entry['command-config'] = c.commandConfig
    if (Object.keys(c.properties).length > 0) entry.properties = c.properties
    contexts[c.name] = entry
  }
  doc.contexts = contexts
  mkdirSync(dirname(path), {recursive: true})
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    // Contexts may hold passwords (sasl.jaas.config): owner-only.
    writeFileSync(tmp, yaml().stringify(doc), {mode: 0o600})
    renameSync(tmp, path)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw new ClientConfigError(`cannot write ${path}: ${(error as Error).message}`)
  }
}

export function findContext(file: ContextsFile, name: string, path = contextsFilePath()): ConnectionContext {
  const found = file.contexts.find((c) => c.name === name)
  if (!found) {
    const known = file.contexts.map((c) => c.name)
    throw new ClientConfigError(`no context named '${name}' in ${path}${known.length ? ` (known: ${known.join(', ')})` : '; add one with tskafka context add'}`)
  }
  return found
}

/** Adds or replaces a context; the first context added becomes current. */
export function upsertContext(file: ContextsFile, context: ConnectionContext, makeCurrent: boolean): ContextsFile {
  validateContextName(context.name)
  const contexts = file.contexts.filter((c) => c.name !== context.name)
  contexts.push(context)
  contexts.sort((a, b) => a.name.localeCompare(b.name))
  const currentContext = makeCurrent || file.currentContext === null ? context.name : file.currentContext
  return {currentContext, contexts}
}

export function removeContext(file: ContextsFile, name: string, path = contextsFilePath()): ContextsFile {
  findContext(file, name, path)
  return {
    currentContext: file.currentContext === name ? null : file.currentContext,
    contexts: file.contexts.filter((c) => c.name !== name),
  }
}
