// `cluster start` records the local cluster as the current connection context (see
// src/client/contexts.ts), so every other command reaches it with no flags; `cluster destroy`
// removes it again. The default data dir's context is named `local`, another data dir's
// `local-<its directory name>`.

import {basename} from 'node:path'

import {contextsFilePath, readContexts, upsertContext, writeContexts} from '../client/contexts.js'

export function localContextName(dataDir: string, defaultDir: string): string {
  if (dataDir === defaultDir) return 'local'
  const base = basename(dataDir).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '')
  return base === '' ? 'local' : `local-${base}`
}

/** Adds (or updates) the cluster's context and makes it current. Returns its name and the file. */
export function recordLocalContext(dataDir: string, defaultDir: string, bootstrapServers: string, env: NodeJS.ProcessEnv = process.env): {name: string; path: string; changed: boolean} {
  const path = contextsFilePath(env)
  const name = localContextName(dataDir, defaultDir)
  const file = readContexts(path)
  const existing = file.contexts.find((c) => c.name === name)
  const changed = file.currentContext !== name || existing?.bootstrapServers !== bootstrapServers
  if (changed) writeContexts(upsertContext(file, {name, bootstrapServers, properties: existing?.properties ?? {}, commandConfig: existing?.commandConfig}, true), path)
  return {name, path, changed}
}

/** Removes the cluster's context (and unsets it when current). Returns whether there was one. */
export function forgetLocalContext(dataDir: string, defaultDir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = contextsFilePath(env)
  const name = localContextName(dataDir, defaultDir)
  const file = readContexts(path)
  if (!file.contexts.some((c) => c.name === name)) return false
  writeContexts({currentContext: file.currentContext === name ? null : file.currentContext, contexts: file.contexts.filter((c) => c.name !== name)}, path)
  return true
}
