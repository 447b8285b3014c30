// Errors of the CLI's client. Each carries a message that reads well as the
// one line a command prints ("Error: <message>"), so commands never need to
// look inside them.

import {KafkaError} from '../protocol/errors.js'

export {KafkaError}

/** A broker could not be reached, or dropped the connection. */
export class ConnectionError extends Error {
  override name = 'ConnectionError'
  constructor(
    message: string,
    readonly address: string,
    /** The socket error code (ECONNREFUSED, ETIMEDOUT...) when there was one. */
    readonly code?: string,
  ) {
    super(message)
  }
}

/** SASL or TLS authentication was refused. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError'
}

/** Client configuration (properties files, contexts, flags) that cannot work. */
export class ClientConfigError extends Error {
  override name = 'ClientConfigError'
}

/** The broker does not serve an API (or no version of it we speak). */
export class UnsupportedApiError extends Error {
  override name = 'UnsupportedApiError'
  constructor(
    readonly apiName: string,
    readonly address: string,
  ) {
    super(`the broker at ${address} does not support ${apiName}`)
  }
}

/** A request got no answer in time. */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError'
}

const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host (DNS lookup failed)',
  ETIMEDOUT: 'timed out',
  EPIPE: 'connection closed',
}

/** A short reason for a socket error: 'connection refused' for ECONNREFUSED. */
export function socketReason(error: NodeJS.ErrnoException): string {
  return (error.code && SOCKET_REASONS[error.code]) ?? error.message
}
