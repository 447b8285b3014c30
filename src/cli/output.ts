// How commands print: Kafka's own text by default, tables only where asked
// (or on a TTY where a command prefers them), data as JSON or YAML. Colours
// and spinners only on a TTY, never with NO_COLOR, never in CI.

import {createRequire} from 'node:module'

import {UsageError} from './errors.js'

// yaml is loaded only when YAML is printed: most runs never need it.
const require = createRequire(import.meta.url)

export const OUTPUT_MODES = ['text', 'table', 'json', 'yaml'] as const
export type OutputMode = (typeof OUTPUT_MODES)[number]

export interface OutputFlags {
  output?: string
  json?: boolean
  yaml?: boolean
}

/**
 * The output mode the flags ask for. `fallback` is the mode with no flag:
 * 'text' keeps Kafka's text, 'auto' means a table on a TTY and text otherwise.
 */
export function outputMode(flags: OutputFlags, fallback: OutputMode | 'auto' = 'text', isTty = Boolean(process.stdout.isTTY)): OutputMode {
  const chosen: OutputMode[] = []
  if (flags.output !== undefined) {
    if (!(OUTPUT_MODES as readonly string[]).includes(flags.output)) {
      throw new UsageError(`invalid --output ${flags.output}: expected one of ${OUTPUT_MODES.join(', ')}`)
    }
    chosen.push(flags.output as OutputMode)
  }
  if (flags.json) chosen.push('json')
  if (flags.yaml) chosen.push('yaml')
  if (new Set(chosen).size > 1) throw new UsageError(`conflicting output options: ${chosen.join(' and ')}`)
  if (chosen.length > 0) return chosen[0]!
  if (fallback === 'auto') return isTty ? 'table' : 'text'
  return fallback
}

/** Turns bigints into numbers when exact, else strings, so JSON and YAML can carry them. */
export function plainData(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()
  }
  if (Buffer.isBuffer(value)) return value.toString('base64')
  if (Array.isArray(value)) return value.map(plainData)
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plainData(v)]))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plainData(v)
    return out
  }
  return value
}

export function formatJson(value: unknown, pretty = true): string {
  return JSON.stringify(plainData(value), null, pretty ? 2 : undefined)
}

export function formatYaml(value: unknown): string {
  const {stringify} = require('yaml') as typeof import('yaml')
  return stringify(plainData(value)).replace(/\n$/, '')
}

export function formatData(mode: 'json' | 'yaml', value: unknown): string {
  return mode === 'json' ? formatJson(value) : formatYaml(value)
}

/** True when colours are allowed on this stream: a TTY, no NO_COLOR, not in CI. */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (isCi(env)) return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY)
}

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false'
}

/** Spinners go to stderr, only when it is a TTY and not in CI. */
export function spinnersEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stderr.isTTY) && !isCi(env)
}

export interface Spinner {
  stop(): void
}

/** Starts a spinner on stderr after `delayMs` (so quick commands never flash one); a no-op off a TTY. */
export function startSpinner(text: string, delayMs = 150): Spinner {
  if (!spinnersEnabled()) return {stop() {}}
  let stopped = false
  let spinner: {stop(): unknown} | undefined
  const timer = setTimeout(() => {
    void import('ora').then(({default: ora}) => {
      if (stopped) return
      spinner = ora({text, stream: process.stderr, color: colorEnabled(process.stderr) ? 'cyan' : undefined, isEnabled: true}).start()
    })
  }, delayMs)
  timer.unref()
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
      spinner?.stop()
    },
  }
}

/** A cli-table3 table as text; colourless heads unless colours are enabled. */
export async function renderTable(head: string[], rows: Array<Array<string | number>>): Promise<string> {
  const {default: Table} = await import('cli-table3')
  const color = colorEnabled()
  const table = new Table({head, style: {head: color ? ['cyan'] : [], border: color ? ['grey'] : []}})
  for (const row of rows) table.push(row.map((c) => String(c)))
  return table.toString()
}
