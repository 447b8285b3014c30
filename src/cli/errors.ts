// Errors a command raises on purpose, and the mapping of any error to the one
// line and exit code the CLI prints: 2 for a usage error (bad flags or flag
// combinations), 1 for everything else.

import {AuthenticationError, ClientConfigError, ConnectionError, RequestTimeoutError, UnsupportedApiError} from '../client/errors.js'
import {KafkaError} from '../protocol/errors.js'

export const EXIT_OK = 0
export const EXIT_ERROR = 1
export const EXIT_USAGE = 2

/** A bad flag, value or flag combination: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The command could not do its job (bad input data, missing topic...): exit 1. */
export class CommandError extends Error {
  override name = 'CommandError'
}

export interface ErrorReport {
  message: string
  exitCode: number
}

/** Upper-cases the first letter, so client messages ('cannot connect...') read as sentences. */
export function sentence(message: string): string {
  const m = message.trim()
  // Only plain words: 'key.deserializer ...' or '--flag ...' stay as they are.
  return /^[a-z]+(\s|$)/.test(m) ? m[0]!.toUpperCase() + m.slice(1) : m
}

/**
 * The one line (without "Error: ") and exit code for an error. oclif's parse
 * errors carry a second line ("See more help with --help") that is folded in.
 */
export function reportError(error: unknown, opts: {connectionHint?: string; commandId?: string} = {}): ErrorReport {
  const err = error instanceof Error ? error : new Error(String(error))
  const oclifExit = (err as {oclif?: {exit?: number}}).oclif?.exit
  if (err instanceof UsageError) return {message: withHelp(err.message, opts.commandId), exitCode: EXIT_USAGE}
  if (isOclifParseError(err)) {
    // oclif puts the detail on the lines below ("Parsing --partitions\n\tExpected an integer...").
    const text = err.message
      .replace(/\nSee more help with --help$/, '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(': ')
    return {message: withHelp(text, opts.commandId), exitCode: EXIT_USAGE}
  }
  if (err instanceof ConnectionError) {
    const hint = opts.connectionHint ? ` ${opts.connectionHint}` : ''
    return {message: `${sentence(err.message)}.${hint}`, exitCode: EXIT_ERROR}
  }
  if (err instanceof KafkaError) return {message: sentence(err.message), exitCode: EXIT_ERROR}
  if (err instanceof AuthenticationError || err instanceof ClientConfigError || err instanceof UnsupportedApiError || err instanceof RequestTimeoutError || err instanceof CommandError) {
    return {message: sentence(err.message), exitCode: EXIT_ERROR}
  }
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'EPIPE') return {message: '', exitCode: EXIT_OK}
  return {message: sentence(err.message.split('\n')[0] ?? String(err)), exitCode: typeof oclifExit === 'number' && oclifExit > 0 ? oclifExit : EXIT_ERROR}
}

function isOclifParseError(err: Error): boolean {
  // oclif's parser errors end their message with this line and exit 2.
  return /\nSee more help with --help$/.test(err.message) || (err as {oclif?: {exit?: number}}).oclif?.exit === 2
}

function withHelp(message: string, commandId?: string): string {
  const m = message.replace(/\.$/, '')
  return commandId ? `${sentence(m)} (see: tskafka ${commandId.replace(/:/g, ' ')} --help)` : sentence(m)
}
