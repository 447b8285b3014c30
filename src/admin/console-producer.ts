// kafka-console-producer.sh: reads records from stdin (or a file), one per
// line, with LineMessageReader's properties (parse.key, key.separator,
// parse.headers, headers.delimiter, headers.separator, headers.key.separator,
// null.marker, ignore.error), or the JSON records `console consume --output
// json` writes; and produces them with ConsoleProducer's settings.

import {createReadStream} from 'node:fs'
import {createInterface} from 'node:readline'
import type {Readable} from 'node:stream'

import {CommandError, UsageError} from '../cli/errors.js'
import type {ClientProperties} from '../client/client-properties.js'
import {DEFAULT_PRODUCER_OPTIONS, type ProducerOptions, type ProducerRecord} from '../client/producer.js'
import {parseCompression} from '../protocol/compression.js'
import {RecordJsonError, recordFromJson} from './record-json.js'

export interface LineReaderConfig {
  parseKey: boolean
  keySeparator: string
  parseHeaders: boolean
  headersDelimiter: string
  headersSeparator: string
  headersKeySeparator: string
  ignoreError: boolean
  nullMarker: string | null
}

const isTrue = (v: string | undefined) => v !== undefined && v.trim().toLowerCase() === 'true'

/** LineMessageReader.configure, with its checks between separators (usage errors). */
export function lineReaderConfig(props: ReadonlyMap<string, string>): LineReaderConfig {
  const cfg: LineReaderConfig = {
    parseKey: isTrue(props.get('parse.key')),
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: isTrue(props.get('parse.headers')),
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    ignoreError: isTrue(props.get('ignore.error')),
    nullMarker: props.get('null.marker') ?? null,
  }
  const distinct = (a: string, an: string, b: string | null, bn: string) => {
    if (a === b) throw new UsageError(`${an} and ${bn} may not be equal`)
  }
  distinct(cfg.headersDelimiter, 'headers.delimiter', cfg.headersSeparator, 'headers.separator')
  distinct(cfg.headersDelimiter, 'headers.delimiter', cfg.headersKeySeparator, 'headers.key.separator')
  distinct(cfg.headersSeparator, 'headers.separator', cfg.headersKeySeparator, 'headers.key.separator')
  distinct(cfg.keySeparator, 'null.marker', cfg.nullMarker, 'key.separator')
  if (cfg.nullMarker !== null) {
    distinct(cfg.headersSeparator, 'null.marker', cfg.nullMarker, 'headers.separator')
    distinct(cfg.headersDelimiter, 'null.marker', cfg.nullMarker, 'headers.delimiter')
    distinct(cfg.headersKeySeparator, 'null.marker', cfg.nullMarker, 'headers.key.separator')
  }
  try {
    new RegExp(cfg.headersSeparator)
  } catch {
    throw new UsageError(`headers.separator '${cfg.headersSeparator}' is not a valid regular expression`)
  }
  return cfg
}

export class LineParseError extends CommandError {
  override name = 'LineParseError'
}

/** Java's String.split(regex): trailing empty strings are dropped. */
function javaSplit(text: string, pattern: RegExp): string[] {
  const parts = text.split(pattern)
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

/** LineMessageReader: one line into a record (without topic), or throws LineParseError naming the line. */
export function parseLine(line: string, lineNumber: number, cfg: LineReaderConfig): Omit<ProducerRecord, 'topic'> {
  const find = (enabled: boolean, start: number, demarcation: string, name: string): string | null => {
    if (!enabled) return null
    const index = line.indexOf(demarcation, start)
    if (index === -1) {
      if (cfg.ignoreError) return null
      throw new LineParseError(`No ${name} found on line number ${lineNumber}: '${line}'`)
    }
    return line.slice(start, index)
  }
  const headers = find(cfg.parseHeaders, 0, cfg.headersDelimiter, 'headers delimiter')
  const headerOffset = headers === null ? 0 : headers.length + cfg.headersDelimiter.length
  const key = find(cfg.parseKey, headerOffset, cfg.keySeparator, 'key separator')
  const keyOffset = key === null ? 0 : key.length + cfg.keySeparator.length
  const value = line.slice(headerOffset + keyOffset)
  const record: Omit<ProducerRecord, 'topic'> = {
    key: key !== null && key !== cfg.nullMarker ? Buffer.from(key, 'utf8') : null,
    value: value !== cfg.nullMarker ? Buffer.from(value, 'utf8') : null,
    headers: [],
  }
  if (headers !== null && headers !== cfg.nullMarker) {
    for (const pair of javaSplit(headers, new RegExp(cfg.headersSeparator, 'u'))) {
      const i = pair.indexOf(cfg.headersKeySeparator)
      if (i === -1) {
        if (cfg.ignoreError) {
          record.headers.push({key: pair, value: null})
          continue
        }
        throw new LineParseError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`)
      }
      const headerKey = pair.slice(0, i)
      if (headerKey === cfg.nullMarker) throw new LineParseError(`Header keys should not be equal to the null marker '${cfg.nullMarker}' as they can't be null`)
      const v = pair.slice(i + cfg.headersKeySeparator.length)
      record.headers.push({key: headerKey, value: v === cfg.nullMarker ? null : Buffer.from(v, 'utf8')})
    }
  }
  return record
}

export function parseJsonLine(line: string, lineNumber: number): ReturnType<typeof recordFromJson> | null {
  if (line.trim() === '') return null
  try {
    return recordFromJson(line)
  } catch (error) {
    if (error instanceof RecordJsonError) throw new LineParseError(`Line ${lineNumber}: ${error.message}`)
    throw error
  }
}

export interface ProducerFlagValues {
  'request-required-acks'?: string
  'compression-codec'?: string
  sync?: boolean
  timeout?: number
  'batch-size'?: number
  'max-partition-memory-bytes'?: number
  'message-send-max-retries'?: number
  'retry-backoff-ms'?: number
  'request-timeout-ms'?: number
  'max-block-ms'?: number
}

function intProp(props: ClientProperties, key: string): number | undefined {
  const raw = props.get(key)
  if (raw === undefined) return undefined
  const n = Number(raw.trim())
  if (!Number.isInteger(n)) throw new UsageError(`Invalid value ${raw} for configuration ${key}: Not a number of type INT`)
  return n
}

export function parseAcks(raw: string): number {
  const v = raw.trim().toLowerCase()
  if (v === 'all' || v === '-1') return -1
  if (v === '0' || v === '1') return Number(v)
  throw new UsageError(`Invalid value ${raw} for configuration acks: String must be one of: all, -1, 0, 1`)
}

/**
 * ConsoleProducerOptions.producerProps: command-line options win, then
 * producer properties (--producer-property over --producer.config), then the
 * console producer's defaults (acks=-1, linger 1000 ms, request timeout 1500 ms, 3 retries).
 */
export function producerOptions(flags: ProducerFlagValues, props: ClientProperties): ProducerOptions {
  const pick = (flag: number | undefined, key: string, fallback: number) => flag ?? intProp(props, key) ?? fallback
  let compression = 0
  if (flags['compression-codec'] !== undefined) compression = codecOf(flags['compression-codec'] === '' ? 'gzip' : flags['compression-codec'])
  else if (props.has('compression.type')) compression = codecOf(props.get('compression.type')!)
  const level = compression === 1 ? intProp(props, 'compression.gzip.level') : compression === 3 ? intProp(props, 'compression.lz4.level') : compression === 4 ? intProp(props, 'compression.zstd.level') : undefined
  return {
    ...DEFAULT_PRODUCER_OPTIONS,
    acks: parseAcks(flags['request-required-acks'] ?? props.get('acks') ?? '-1'),
    compression,
    compressionLevel: level !== undefined && level >= 0 ? level : undefined,
    lingerMs: pick(flags.timeout, 'linger.ms', 1000),
    batchSize: flags['max-partition-memory-bytes'] ?? pick(flags['batch-size'], 'batch.size', 16384),
    retries: pick(flags['message-send-max-retries'], 'retries', 3),
    retryBackoffMs: pick(flags['retry-backoff-ms'], 'retry.backoff.ms', 100),
    requestTimeoutMs: pick(flags['request-timeout-ms'], 'request.timeout.ms', 1500),
    maxBlockMs: pick(flags['max-block-ms'], 'max.block.ms', 60_000),
    maxRequestSize: intProp(props, 'max.request.size') ?? 1048576,
    sync: Boolean(flags.sync),
  }
}

function codecOf(name: string): number {
  try {
    return parseCompression(name)
  } catch {
    throw new UsageError(`Invalid value ${name} for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd`)
  }
}

/** Lines of the input as Java's BufferedReader.readLine sees them (\n, \r\n or \r end a line). */
export function readLines(input: Readable): AsyncIterable<string> {
  return createInterface({input, crlfDelay: Infinity, terminal: false})
}

export function openInput(file: string | undefined): Readable {
  if (file === undefined || file === '-') return process.stdin
  const stream = createReadStream(file)
  return stream
}
