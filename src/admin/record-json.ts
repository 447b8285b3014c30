// The lossless JSON form of a record that `console consume --output json`
// writes (one object per line) and `console produce --input-format json` reads:
//
//   {"topic":"t","partition":0,"offset":42,"timestamp":1700000000000,"timestampType":"CreateTime",
//    "key":"k","value":"v","headers":[{"key":"h","value":"x"}]}
//
// key, value and header values are strings when their bytes are valid UTF-8,
// null when null, and otherwise base64 with a sibling "keyEncoding" /
// "valueEncoding" / header "valueEncoding" of "base64". Decoding the JSON and
// encoding the strings as UTF-8 (or base64-decoding) gives the original bytes.

export type TimestampTypeName = 'CreateTime' | 'LogAppendTime' | 'NoTimestampType'

export interface ConsumedRecord {
  topic: string
  partition: number
  offset: bigint
  timestamp: bigint
  timestampType: TimestampTypeName
  leaderEpoch: number
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: string; value: Buffer | null}>
}

export interface RecordToProduce {
  topic?: string
  partition?: number
  timestamp?: bigint
  key: Buffer | null
  value: Buffer | null
  headers: Array<{key: string; value: Buffer | null}>
}

const strictUtf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

/** The text of `bytes` when they are valid UTF-8, else null. */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return null
  }
}

function encodeBytes(bytes: Buffer | null): {text: string | null; base64: boolean} {
  if (bytes === null) return {text: null, base64: false}
  const text = utf8OrNull(bytes)
  return text !== null ? {text, base64: false} : {text: bytes.toString('base64'), base64: true}
}

/** One record as a single JSON line (no trailing newline). */
export function recordToJson(r: ConsumedRecord): string {
  const out: Record<string, unknown> = {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    timestampType: r.timestampType,
  }
  const key = encodeBytes(r.key)
  out.key = key.text
  if (key.base64) out.keyEncoding = 'base64'
  const value = encodeBytes(r.value)
  out.value = value.text
  if (value.base64) out.valueEncoding = 'base64'
  out.headers = r.headers.map((h) => {
    const v = encodeBytes(h.value)
    return v.base64 ? {key: h.key, value: v.text, valueEncoding: 'base64'} : {key: h.key, value: v.text}
  })
  return JSON.stringify(out)
}

export class RecordJsonError extends Error {
  override name = 'RecordJsonError'
}

function decodeBytes(value: unknown, encoding: unknown, what: string): Buffer | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') throw new RecordJsonError(`${what} must be a string or null`)
  if (encoding === undefined || encoding === null || encoding === 'utf8' || encoding === 'utf-8') return Buffer.from(value, 'utf8')
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new RecordJsonError(`${what} is not valid base64`)
    return Buffer.from(value, 'base64')
  }
  throw new RecordJsonError(`${what}Encoding must be "base64" or "utf8", not ${JSON.stringify(encoding)}`)
}

function integer(value: unknown, what: string): bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value)
  throw new RecordJsonError(`${what} must be an integer`)
}

/** Parses one JSON line into a record to produce; throws RecordJsonError naming what is wrong. */
export function recordFromJson(line: string): RecordToProduce {
  let doc: unknown
  try {
    doc = JSON.parse(line)
  } catch (error) {
    throw new RecordJsonError(`invalid JSON (${(error as Error).message})`)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new RecordJsonError('expected a JSON object')
  const o = doc as Record<string, unknown>
  const record: RecordToProduce = {
    key: decodeBytes(o.key, o.keyEncoding, 'key'),
    value: decodeBytes(o.value, o.valueEncoding, 'value'),
    headers: [],
  }
  if (o.topic !== undefined && o.topic !== null) {
    if (typeof o.topic !== 'string' || o.topic === '') throw new RecordJsonError('topic must be a non-empty string')
    record.topic = o.topic
  }
  if (o.partition !== undefined && o.partition !== null) {
    const p = Number(integer(o.partition, 'partition'))
    if (p < 0) throw new RecordJsonError('partition must not be negative')
    record.partition = p
  }
  if (o.timestamp !== undefined && o.timestamp !== null) record.timestamp = integer(o.timestamp, 'timestamp')
  if (o.headers !== undefined && o.headers !== null) {
    if (Array.isArray(o.headers)) {
      o.headers.forEach((h, i) => {
        if (typeof h !== 'object' || h === null || typeof (h as {key?: unknown}).key !== 'string') throw new RecordJsonError(`headers[${i}] must be an object with a string key`)
        const hh = h as Record<string, unknown>
        record.headers.push({key: hh.key as string, value: decodeBytes(hh.value, hh.valueEncoding, `headers[${i}].value`)})
      })
    } else if (typeof o.headers === 'object') {
      // {"h1":"v1"} shorthand (no duplicates, no binary): convenient to write by hand.
      for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) record.headers.push({key: k, value: decodeBytes(v, undefined, `headers.${k}`)})
    } else {
      throw new RecordJsonError('headers must be an array of {key, value} objects')
    }
  }
  return record
}
