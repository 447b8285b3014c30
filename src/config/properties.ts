// java.util.Properties text format, as Kafka reads server.properties:
// `key=value`, `key: value` and `key value`; whole-line comments starting with
// # or !; a backslash at the end of a line continues the logical line (the
// next line's leading whitespace is dropped); escapes \t \n \r \f \uXXXX, and
// a backslash before any other character stands for that character. Later
// duplicates win. Values keep their trailing whitespace, as Java does; config
// parsing trims where Kafka trims.

import {readFileSync} from 'node:fs'

import {ConfigError} from './config-def.js'

const WHITESPACE = new Set([' ', '\t', '\f'])

/** Parses .properties text into an insertion-ordered map. Throws ConfigError on a malformed \u escape. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const lines = text.split(/\r\n|\r|\n/)
  let i = 0
  while (i < lines.length) {
    let line = stripLeadingWhitespace(lines[i++]!)
    if (line === '' || line[0] === '#' || line[0] === '!') continue
    // Join continuation lines: an odd number of trailing backslashes continues.
    let logical = ''
    for (;;) {
      if (endsWithContinuation(line)) {
        logical += line.slice(0, -1)
        if (i >= lines.length) break
        line = stripLeadingWhitespace(lines[i++]!)
      } else {
        logical += line
        break
      }
    }
    const [key, value] = splitKeyValue(logical)
    out.set(unescape(key), unescape(value))
  }
  return out
}

/** Reads and parses a properties file; a missing or unreadable file is a ConfigError with one clear line. */
export function readPropertiesFile(path: string): Map<string, string> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new ConfigError(`Config file ${path} does not exist`)
    if (code === 'EISDIR') throw new ConfigError(`Config file ${path} is a directory`)
    if (code === 'EACCES') throw new ConfigError(`Config file ${path} is not readable (permission denied)`)
    throw new ConfigError(`Cannot read config file ${path}: ${(e as Error).message}`)
  }
  try {
    return parseProperties(text)
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${path}: ${e.message}`)
    throw e
  }
}

function stripLeadingWhitespace(s: string): string {
  let k = 0
  while (k < s.length && WHITESPACE.has(s[k]!)) k++
  return s.slice(k)
}

function endsWithContinuation(s: string): boolean {
  let n = 0
  for (let k = s.length - 1; k >= 0 && s[k] === '\\'; k--) n++
  return n % 2 === 1
}

function splitKeyValue(line: string): [string, string] {
  let k = 0
  let escaped = false
  for (; k < line.length; k++) {
    const c = line[k]!
    if (escaped) {
      escaped = false
      continue
    }
    if (c === '\\') {
      escaped = true
      continue
    }
    if (c === '=' || c === ':' || WHITESPACE.has(c)) break
  }
  const key = line.slice(0, k)
  let v = k
  while (v < line.length && WHITESPACE.has(line[v]!)) v++
  if (v < line.length && (line[v] === '=' || line[v] === ':')) {
    v++
    while (v < line.length && WHITESPACE.has(line[v]!)) v++
  }
  return [key, line.slice(v)]
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s
  let out = ''
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!
    if (c !== '\\') {
      out += c
      continue
    }
    k++
    if (k >= s.length) break
    const e = s[k]!
    switch (e) {
      case 't':
        out += '\t'
        break
      case 'n':
        out += '\n'
        break
      case 'r':
        out += '\r'
        break
      case 'f':
        out += '\f'
        break
      case 'u': {
        const hex = s.slice(k + 1, k + 5)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ConfigError('Malformed \\uxxxx encoding.')
        out += String.fromCharCode(parseInt(hex, 16))
        k += 4
        break
      }
      default:
        out += e
    }
  }
  return out
}

/**
 * Parses `--override key=value` arguments the way kafka-server-start does:
 * each must contain '=' with a non-empty key.
 */
export function parseOverrides(overrides: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const o of overrides) {
    const eq = o.indexOf('=')
    if (eq <= 0) throw new ConfigError(`Invalid override "${o}": expected key=value`)
    out.set(o.slice(0, eq).trim(), o.slice(eq + 1))
  }
  return out
}
