// The API handler registry. Each file in ./handlers is named after its API
// key (18-api-versions.ts) and default-exports one handler made with
// defineHandler(). The registry loads every such file at start-up, checks
// that each handler's version range lies within the range the protocol
// schemas define, and answers "who serves api key K at version V on this
// listener". ApiVersions is computed from it, so a broker advertises exactly
// what it can serve.

import {readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {API_DESCRIPTORS, API_KEY, type ApiDescriptor, type ApiName, type ApiTypes} from '../protocol/generated/index.js'
import type {ListenerType, RequestContext} from './request-context.js'

export type HandlerResult<Res> = Res | null | Promise<Res | null>

export interface ApiHandler<Req = unknown, Res = unknown> {
  readonly apiKey: number
  readonly name: ApiName
  readonly minVersion: number
  readonly maxVersion: number
  /**
   * The lowest version ApiVersions advertises when it is below minVersion:
   * Kafka 4 advertises Produce v0 though it refuses v0-2, because librdkafka
   * disables compression unless it sees v0 (KAFKA-18659).
   */
  readonly advertisedMinVersion?: number
  /** Listener types that serve this API (default: broker only). */
  readonly listeners: readonly ListenerType[]
  /**
   * Serves one request. Called in arrival order per connection; work whose
   * order matters (appends) must be queued before the first await. Return
   * null to send no response (acks=0 Produce).
   */
  handle(request: Req, ctx: RequestContext): HandlerResult<Res>
  /**
   * The response for a request that failed with a Kafka error code (Kafka's
   * getErrorResponse). Without it, a failing request closes the connection.
   */
  errorResponse?(request: Req, errorCode: number, message: string, ctx: RequestContext): Res
}

export interface HandlerSpec<K extends ApiName> {
  minVersion: number
  maxVersion: number
  advertisedMinVersion?: number
  listeners?: readonly ListenerType[]
  handle(request: ApiTypes[K]['request'], ctx: RequestContext): HandlerResult<ApiTypes[K]['response']>
  errorResponse?(request: ApiTypes[K]['request'], errorCode: number, message: string, ctx: RequestContext): ApiTypes[K]['response']
}

/** Declares the handler of one API with request/response types from the generated schemas. */
export function defineHandler<K extends ApiName>(name: K, spec: HandlerSpec<K>): ApiHandler<ApiTypes[K]['request'], ApiTypes[K]['response']> {
  return {apiKey: API_KEY[name], name, listeners: spec.listeners ?? ['broker'], ...spec}
}

export class HandlerRegistry {
  private readonly handlers = new Map<number, ApiHandler>()
  /**
   * Whether versions the schemas mark unstable (latestVersionUnstable) are
   * served and advertised; Kafka's unstable.api.versions.enable, off by default.
   */
  unstableVersionsEnabled = false

  constructor(handlers: Iterable<ApiHandler> = []) {
    for (const h of handlers) this.register(h)
  }

  /** Adds a handler; throws on a duplicate key or a version range outside the schema's. */
  register(handler: ApiHandler): void {
    const d = API_DESCRIPTORS.get(handler.apiKey)
    if (!d) throw new Error(`handler ${handler.name}: unknown api key ${handler.apiKey}`)
    if (d.name !== handler.name) throw new Error(`handler ${handler.name}: api key ${handler.apiKey} is ${d.name}`)
    if (handler.minVersion > handler.maxVersion || handler.minVersion < d.minVersion || handler.maxVersion > d.maxVersion) {
      throw new Error(
        `handler ${handler.name}: versions ${handler.minVersion}-${handler.maxVersion} lie outside the schema's ${d.minVersion}-${d.maxVersion}`,
      )
    }
    const advertisedMin = handler.advertisedMinVersion
    if (advertisedMin !== undefined && (advertisedMin < d.minVersion || advertisedMin > handler.minVersion)) {
      throw new Error(`handler ${handler.name}: advertised minimum version ${advertisedMin} lies outside ${d.minVersion}-${handler.minVersion}`)
    }
    if (this.handlers.has(handler.apiKey)) throw new Error(`two handlers for ${handler.name} (api key ${handler.apiKey})`)
    this.handlers.set(handler.apiKey, handler as ApiHandler)
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.handlers.get(apiKey)
  }

  descriptor(apiKey: number): ApiDescriptor | undefined {
    return API_DESCRIPTORS.get(apiKey)
  }

  /** The highest version served: the handler's, minus an unstable newest schema version unless enabled. */
  private maxServed(h: ApiHandler): number {
    const d = API_DESCRIPTORS.get(h.apiKey)!
    return d.latestVersionUnstable && !this.unstableVersionsEnabled && h.maxVersion === d.maxVersion ? h.maxVersion - 1 : h.maxVersion
  }

  /** The handler that serves this key and version on this listener type, if any. */
  serving(apiKey: number, apiVersion: number, listenerType: ListenerType): ApiHandler | undefined {
    const h = this.handlers.get(apiKey)
    if (!h || !h.listeners.includes(listenerType)) return undefined
    return apiVersion >= h.minVersion && apiVersion <= this.maxServed(h) ? h : undefined
  }

  /** The version range served for a key on a listener type, or undefined. */
  servedRange(apiKey: number, listenerType: ListenerType): {minVersion: number; maxVersion: number} | undefined {
    const h = this.handlers.get(apiKey)
    if (!h || !h.listeners.includes(listenerType) || this.maxServed(h) < h.minVersion) return undefined
    return {minVersion: h.minVersion, maxVersion: this.maxServed(h)}
  }

  /** What ApiVersions advertises on a listener type: every served API with its range, by key. */
  apiVersions(listenerType: ListenerType): Array<{apiKey: number; minVersion: number; maxVersion: number}> {
    return [...this.handlers.values()]
      .filter((h) => h.listeners.includes(listenerType) && this.maxServed(h) >= h.minVersion)
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({apiKey: h.apiKey, minVersion: h.advertisedMinVersion ?? h.minVersion, maxVersion: this.maxServed(h)}))
  }

  all(): ApiHandler[] {
    return [...this.handlers.values()].sort((a, b) => a.apiKey - b.apiKey)
  }
}

const HANDLER_FILE = /^(\d+)-[a-z0-9-]+\.(?:js|ts)$/

/** The handlers directory next to this module (src/broker/handlers or dist/src/broker/handlers). */
export function handlersDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'handlers')
}

/**
 * Imports every handler file and builds the registry. A file's number must be
 * its handler's api key, so the directory listing reads as the API table.
 */
export async function loadHandlerRegistry(dir: string = handlersDir()): Promise<HandlerRegistry> {
  const files = readdirSync(dir)
    .filter((f) => HANDLER_FILE.test(f) && !f.endsWith('.d.ts'))
    .sort()
  const registry = new HandlerRegistry()
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as {default?: ApiHandler}
    const handler = mod.default
    if (!handler || typeof handler.handle !== 'function') throw new Error(`${file} does not default-export a handler made with defineHandler()`)
    const key = Number(HANDLER_FILE.exec(file)![1])
    if (key !== handler.apiKey) throw new Error(`${file} exports the handler of api key ${handler.apiKey} (${handler.name}); rename the file to ${handler.apiKey}-...`)
    registry.register(handler)
  }
  return registry
}
