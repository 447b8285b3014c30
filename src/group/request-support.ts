// Small pieces the group API handlers share: the client host as Kafka prints it, and the error
// code a failed coordinator operation answers with.

import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {appendErrorToResponseError} from './runtime.js'

/** Kafka's InetAddress.toString() of the client: "/127.0.0.1" (IPv4-mapped IPv6 shown as IPv4). */
export function clientHostOf(remoteAddress: string): string {
  return `/${remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress}`
}

/**
 * The code a failed group operation answers with (Kafka's handleOperationException): storage
 * errors become the coordinator errors clients retry on. Anything but a KafkaError is a bug and
 * is rethrown, so the request processor logs it.
 */
export function groupErrorCode(e: unknown): number {
  if (e instanceof KafkaError) return appendErrorToResponseError(e.code)
  throw e
}

export function groupErrorMessage(e: unknown): string | null {
  return e instanceof KafkaError && e.message !== '' ? e.message : null
}

export const NONE = ErrorCode.NONE
