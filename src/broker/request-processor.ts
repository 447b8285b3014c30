// Turns one request frame into one outcome: a response frame, no response
// (acks=0), or "close this connection" with the reason to log. It follows
// Kafka's request path: read the header (its version follows from the api
// key and version), answer an ApiVersions request of any version (an
// unsupported one gets the v0 UNSUPPORTED_VERSION reply so the client can
// retry), and for every other API refuse what this broker does not serve by
// closing the connection, as Kafka does when it cannot parse a request.

import {ErrorCode, errorName, KafkaError} from '../protocol/errors.js'
import {
  API_DESCRIPTORS,
  API_KEY,
  decodeRequestHeader,
  encodeApiVersionsResponse,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  type ApiDescriptor,
  type RequestHeader,
} from '../protocol/generated/index.js'
import {Reader, Writer} from '../protocol/primitives.js'
import {authorize} from './authorizer.js'
import type {ApiHandler} from './registry.js'
import type {BrokerServices, ConnectionInfo, RequestContext} from './request-context.js'

export type Outcome =
  /** A frame as one buffer, or as chunks to write back to back (large byte fields kept by reference). */
  | {type: 'respond'; frame: Buffer | Buffer[]}
  | {type: 'silent'}
  | {type: 'close'; reason: string; level: 'warn' | 'error'}

const SILENT: Outcome = {type: 'silent'}

function close(reason: string, level: 'warn' | 'error' = 'warn'): Outcome {
  return {type: 'close', reason, level}
}

function apiLabel(apiKey: number): string {
  const d = API_DESCRIPTORS.get(apiKey)
  return d ? `${d.name}(${apiKey})` : String(apiKey)
}

/**
 * Encodes size + response header + body. Large byte fields (Fetch records)
 * are not copied: the frame then comes back as chunks for one gathered write.
 */
export function encodeResponseFrame(descriptor: ApiDescriptor, apiVersion: number, correlationId: number, body: unknown): Buffer | Buffer[] {
  const w = new Writer(256).referenceLargeBytes()
  const sizeAt = w.reserveInt32()
  encodeResponseHeader(w, {correlationId}, responseHeaderVersion(descriptor.apiKey, apiVersion))
  descriptor.encodeResponse(w, body, apiVersion)
  w.patchInt32(sizeAt, w.length - 4)
  const chunks = w.chunks()
  return chunks.length === 1 ? chunks[0]! : chunks
}

/**
 * Kafka's answer to an ApiVersions request of a version it does not know:
 * a v0 body with UNSUPPORTED_VERSION that still lists ApiVersions' own range.
 */
function unsupportedApiVersionsFrame(correlationId: number, min: number, max: number): Buffer {
  const w = new Writer(64)
  const sizeAt = w.reserveInt32()
  encodeResponseHeader(w, {correlationId}, 0)
  encodeApiVersionsResponse(
    w,
    {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{apiKey: API_KEY.ApiVersions, minVersion: min, maxVersion: max}],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    },
    0,
  )
  w.patchInt32(sizeAt, w.pos - 4)
  return w.finish()
}

export function processFrame(frame: Buffer, conn: ConnectionInfo, services: BrokerServices): Outcome | Promise<Outcome> {
  if (frame.length < 8) return close(`a ${frame.length}-byte request is too short to hold a request header`)
  const apiKey = frame.readInt16BE(0)
  const apiVersion = frame.readInt16BE(2)
  const descriptor = API_DESCRIPTORS.get(apiKey)
  if (!descriptor) return close(`Unknown API key ${apiKey}`)

  const reader = new Reader(frame)
  let header: RequestHeader
  try {
    header = decodeRequestHeader(reader, requestHeaderVersion(apiKey, apiVersion))
  } catch (e) {
    return close(`Invalid request header for ${apiLabel(apiKey)} version ${apiVersion}: ${(e as Error).message}`)
  }
  const {registry} = services

  if (apiKey === API_KEY.ApiVersions) {
    const own = registry.get(API_KEY.ApiVersions)
    if (own && (apiVersion < own.minVersion || apiVersion > own.maxVersion)) {
      return {type: 'respond', frame: unsupportedApiVersionsFrame(header.correlationId, own.minVersion, own.maxVersion)}
    }
  }

  const handler = registry.serving(apiKey, apiVersion, conn.listenerType)
  if (!handler) {
    const range = registry.servedRange(apiKey, conn.listenerType)
    if (range) {
      return close(`Unsupported version ${apiVersion} of ${apiLabel(apiKey)} (this broker serves ${range.minVersion}-${range.maxVersion})`)
    }
    return close(`Received request api key ${apiLabel(apiKey)} with version ${apiVersion} which is not enabled on listener ${conn.listenerName}`)
  }

  let request: unknown
  try {
    request = descriptor.decodeRequest(reader, apiVersion)
  } catch (e) {
    return close(`Error reading ${apiLabel(apiKey)} version ${apiVersion} request (correlationId ${header.correlationId}): ${(e as Error).message}`)
  }

  const ctx: RequestContext = {
    apiKey,
    apiVersion,
    correlationId: header.correlationId,
    clientId: header.clientId,
    listenerName: conn.listenerName,
    listenerType: conn.listenerType,
    securityProtocol: conn.securityProtocol,
    remoteAddress: conn.remoteAddress,
    remotePort: conn.remotePort,
    principal: conn.principal,
    connection: conn,
    broker: services,
    receivedAtMs: Date.now(),
    authorize: (operation, resource) => authorize(ctx, operation, resource),
  }

  const finish = (response: unknown): Outcome => {
    if (services.logger.isEnabled('debug')) {
      services.logger.debug(
        `Completed request: ${descriptor.name} v${apiVersion} correlationId=${header.correlationId} clientId=${header.clientId} from ${conn.connectionId} in ${Date.now() - ctx.receivedAtMs} ms${response === null ? ' (no response)' : ''}`,
      )
    }
    if (response === null || response === undefined) return SILENT
    try {
      return {type: 'respond', frame: encodeResponseFrame(descriptor, apiVersion, header.correlationId, response)}
    } catch (e) {
      return close(`Failed to encode the ${apiLabel(apiKey)} version ${apiVersion} response (correlationId ${header.correlationId}): ${(e as Error).message}`, 'error')
    }
  }
  const fail = (e: unknown): Outcome => handlerFailure(e, handler, request, ctx, finish)

  let result: unknown
  try {
    result = handler.handle(request as never, ctx)
  } catch (e) {
    return fail(e)
  }
  if (result instanceof Promise) return result.then(finish, fail)
  return finish(result)
}

function handlerFailure(e: unknown, handler: ApiHandler, request: unknown, ctx: RequestContext, finish: (r: unknown) => Outcome): Outcome {
  const code = e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR
  const message = e instanceof Error ? e.message : String(e)
  const where = `clientId=${ctx.clientId}, correlationId=${ctx.correlationId}, api=${kafkaApiName(ctx.apiKey)}, version=${ctx.apiVersion}`
  if (!(e instanceof KafkaError)) {
    ctx.broker.logger.error(`Error when handling request: ${where}: ${e instanceof Error ? (e.stack ?? message) : message}`)
  }
  if (!handler.errorResponse) return close(`Failed to handle request: ${where}: ${errorName(code)}: ${message}`, 'error')
  try {
    return finish(handler.errorResponse(request, code, message, ctx))
  } catch (e2) {
    return close(`Failed to build the error response: ${where}: ${(e2 as Error).message}`, 'error')
  }
}

function kafkaApiName(apiKey: number): string {
  return API_DESCRIPTORS.get(apiKey)?.name.toUpperCase() ?? String(apiKey)
}
