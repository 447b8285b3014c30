// Kafka's message schemas (clients/src/main/resources/common/message/*.json)
// read straight from disk, independently of scripts/gen-protocol.ts, so the
// codec tests check the generated code against the specification rather than
// against the generator's own reading of it.
//
// Besides parsing, this file knows three things the tests need: the default a
// Kafka decoder fills in for a field, a seeded generator of non-default values,
// and a small schema-interpreting reference encoder that follows Kafka's
// MessageDataGenerator rules (compact vs classic lengths, tagged fields only
// when non-default, ascending tag order, nullable structs as an int8 marker).

import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {Writer, ZERO_UUID, type UnknownTaggedField} from '../../src/protocol/primitives.js'

// ---------------------------------------------------------------------------
// Version ranges

/** An inclusive version range; `lo > hi` is the empty range ("none"). */
export interface VersionRange {
  lo: number
  hi: number
}

export const NO_VERSIONS: VersionRange = {lo: 1, hi: 0}
const MAX_VERSION = 0x7fff

/** Parses Kafka's version specs: "0+", "1-3", "3", "none". */
export function parseVersions(spec: string | undefined): VersionRange {
  if (spec === undefined) return NO_VERSIONS
  const s = String(spec).trim()
  if (s === 'none' || s === '') return NO_VERSIONS
  let m = /^(\d+)\+$/.exec(s)
  if (m) return {lo: Number(m[1]), hi: MAX_VERSION}
  m = /^(\d+)-(\d+)$/.exec(s)
  if (m) {
    const lo = Number(m[1])
    const hi = Number(m[2])
    if (hi < lo) throw new Error(`invalid version range ${JSON.stringify(spec)}`)
    return {lo, hi}
  }
  m = /^(\d+)$/.exec(s)
  if (m) return {lo: Number(m[1]), hi: Number(m[1])}
  throw new Error(`invalid version spec ${JSON.stringify(spec)}`)
}

export function inRange(r: VersionRange, v: number): boolean {
  return v >= r.lo && v <= r.hi
}

export function isEmptyRange(r: VersionRange): boolean {
  return r.lo > r.hi
}

// ---------------------------------------------------------------------------
// Schema model

export type FieldType =
  | {kind: 'primitive'; name: PrimitiveName}
  | {kind: 'array'; element: FieldType}
  | {kind: 'struct'; name: string}

export type PrimitiveName =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid'

const PRIMITIVES = new Set<string>(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid'])

export interface FieldSpec {
  name: string
  /** The property name in generated code: the schema name with its first letter lower-cased (as Kafka's camelCaseName). */
  prop: string
  typeString: string
  type: FieldType
  versions: VersionRange
  nullableVersions: VersionRange
  taggedVersions: VersionRange
  tag: number | null
  ignorable: boolean
  /** The raw "default" entry, as a string ("0x7fffffff", "-1", "null", "true"), or undefined. */
  defaultSpec: string | undefined
  /** Field-level flexibleVersions override (only RequestHeader.ClientId uses it), else null. */
  flexibleVersions: VersionRange | null
}

export interface StructSpec {
  name: string
  versions: VersionRange
  fields: FieldSpec[]
}

export interface MessageSpec {
  file: string
  name: string
  type: 'request' | 'response' | 'header' | 'data' | 'metadata'
  apiKey: number | null
  validVersions: VersionRange
  flexibleVersions: VersionRange
  listeners: string[]
  latestVersionUnstable: boolean
  /** The top-level struct (named after the message). */
  root: StructSpec
  /** Every named struct reachable from the message: inline ones and commonStructs. */
  structs: Map<string, StructSpec>
}

/** Removes `//` comments, leaving `//` inside JSON strings alone. */
export function stripJsonComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (inString) {
      out += c
      if (c === '\\') {
        out += text[i + 1] ?? ''
        i++
      } else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else out += c
  }
  return out
}

export function parseFieldType(t: string): FieldType {
  if (t.startsWith('[]')) return {kind: 'array', element: parseFieldType(t.slice(2))}
  if (PRIMITIVES.has(t)) return {kind: 'primitive', name: t as PrimitiveName}
  if (/^[A-Z]/.test(t)) return {kind: 'struct', name: t}
  throw new Error(`unknown field type ${t}`)
}

/** The struct a field's type names (for struct and struct-array fields), else null. */
export function structNameOf(t: FieldType): string | null {
  if (t.kind === 'struct') return t.name
  if (t.kind === 'array' && t.element.kind === 'struct') return t.element.name
  return null
}

interface RawField {
  name: string
  type: string
  versions?: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number | string
  ignorable?: boolean
  default?: string | number | boolean
  flexibleVersions?: string
  fields?: RawField[]
}

interface RawMessage {
  apiKey?: number
  type: MessageSpec['type']
  name: string
  validVersions: string
  flexibleVersions?: string
  listeners?: string[]
  latestVersionUnstable?: boolean
  fields: RawField[]
  commonStructs?: {name: string; versions: string; fields: RawField[]}[]
}

function parseFields(raw: RawField[], structs: Map<string, StructSpec>, parentVersions: VersionRange): FieldSpec[] {
  return raw.map(f => {
    const type = parseFieldType(f.type)
    const versions = parseVersions(f.versions)
    const field: FieldSpec = {
      name: f.name,
      prop: f.name.charAt(0).toLowerCase() + f.name.slice(1),
      typeString: f.type,
      type,
      versions,
      nullableVersions: parseVersions(f.nullableVersions),
      taggedVersions: parseVersions(f.taggedVersions),
      tag: f.tag === undefined ? null : Number(f.tag),
      ignorable: f.ignorable === true,
      defaultSpec: f.default === undefined ? undefined : String(f.default),
      flexibleVersions: f.flexibleVersions === undefined ? null : parseVersions(f.flexibleVersions),
    }
    const sname = structNameOf(type)
    if (sname !== null && f.fields !== undefined) {
      if (structs.has(sname)) throw new Error(`struct ${sname} defined twice`)
      const spec: StructSpec = {name: sname, versions: versions, fields: []}
      structs.set(sname, spec)
      spec.fields = parseFields(f.fields, structs, versions)
    }
    void parentVersions
    return field
  })
}

export function parseMessage(text: string, file = '<inline>'): MessageSpec {
  const raw = JSON.parse(stripJsonComments(text)) as RawMessage
  const structs = new Map<string, StructSpec>()
  const validVersions = parseVersions(raw.validVersions)
  for (const cs of raw.commonStructs ?? []) {
    structs.set(cs.name, {name: cs.name, versions: parseVersions(cs.versions), fields: []})
  }
  for (const cs of raw.commonStructs ?? []) {
    structs.get(cs.name)!.fields = parseFields(cs.fields, structs, parseVersions(cs.versions))
  }
  const root: StructSpec = {name: raw.name, versions: validVersions, fields: parseFields(raw.fields, structs, validVersions)}
  const msg: MessageSpec = {
    file,
    name: raw.name,
    type: raw.type,
    apiKey: raw.apiKey ?? null,
    validVersions,
    flexibleVersions: parseVersions(raw.flexibleVersions),
    listeners: raw.listeners ?? [],
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root,
    structs,
  }
  // Every struct reference must resolve.
  const check = (s: StructSpec): void => {
    for (const f of s.fields) {
      const n = structNameOf(f.type)
      if (n !== null && !structs.has(n)) throw new Error(`${raw.name}: field ${f.name} names unknown struct ${n}`)
    }
  }
  check(root)
  for (const s of structs.values()) check(s)
  return msg
}

/** The schema directory: $TSKAFKA_SCHEMAS, else ../shared/kafka-protocol/message next to the repository. */
export function schemaDir(): string {
  const env = process.env['TSKAFKA_SCHEMAS']
  if (env !== undefined && env !== '') return resolve(env)
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
  return resolve(repoRoot, '..', 'shared', 'kafka-protocol', 'message')
}

let cache: {dir: string; messages: MessageSpec[]} | null = null

export function loadSchemas(dir = schemaDir()): MessageSpec[] {
  if (cache !== null && cache.dir === dir) return cache.messages
  const messages = readdirSync(dir)
    .filter(f => f.endsWith('.json'))
    .sort()
    .map(f => parseMessage(readFileSync(join(dir, f), 'utf8'), f))
  cache = {dir, messages}
  return messages
}

export function versionsOf(msg: MessageSpec): number[] {
  const out: number[] = []
  for (let v = msg.validVersions.lo; v <= msg.validVersions.hi; v++) out.push(v)
  return out
}

/** "AddOffsetsToTxnRequest" -> "add-offsets-to-txn-request" (the generated file name). */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

// ---------------------------------------------------------------------------
// Field semantics per version

export function isPresent(f: FieldSpec, v: number): boolean {
  return inRange(f.versions, v)
}

export function isTagged(f: FieldSpec, v: number): boolean {
  return inRange(f.versions, v) && inRange(f.taggedVersions, v)
}

export function isNullable(f: FieldSpec, v: number): boolean {
  return inRange(f.nullableVersions, v)
}

export function isFlexible(msg: MessageSpec, v: number): boolean {
  return inRange(msg.flexibleVersions, v)
}

/** Whether strings/bytes/arrays of this field use compact lengths at version v. */
export function fieldIsCompact(msg: MessageSpec, f: FieldSpec, v: number): boolean {
  return inRange(f.flexibleVersions ?? msg.flexibleVersions, v)
}

export function structOf(msg: MessageSpec, f: FieldSpec): StructSpec {
  const n = structNameOf(f.type)
  if (n === null) throw new Error(`${f.name} is not a struct field`)
  return msg.structs.get(n)!
}

/** Parses integer defaults the way Java's Integer.decode does: "0x7fffffff", "-1", "010" (octal). */
export function parseIntDefault(s: string): bigint {
  let t = s.trim()
  let neg = false
  if (t.startsWith('-')) {
    neg = true
    t = t.slice(1)
  } else if (t.startsWith('+')) t = t.slice(1)
  let v: bigint
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = BigInt(t)
  else if (/^0[0-7]+$/.test(t)) v = BigInt('0o' + t.slice(1))
  else if (/^\d+$/.test(t)) v = BigInt(t)
  else throw new Error(`invalid integer default ${JSON.stringify(s)}`)
  return neg ? -v : v
}

/** The value a Kafka decoder leaves in a field that is absent from the version read. */
export function defaultOf(msg: MessageSpec, f: FieldSpec): unknown {
  const d = f.defaultSpec
  const t = f.type
  if (t.kind === 'array') return d === 'null' ? null : []
  if (t.kind === 'struct') return d === 'null' ? null : defaultStruct(msg, msg.structs.get(t.name)!)
  switch (t.name) {
    case 'bool':
      return d === undefined ? false : d === 'true'
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
      return d === undefined || d === '' ? 0 : Number(parseIntDefault(d))
    case 'int64':
      return d === undefined || d === '' ? 0n : parseIntDefault(d)
    case 'float64':
      return d === undefined || d === '' ? 0 : Number(d)
    case 'string':
      return d === 'null' ? null : (d ?? '')
    case 'bytes':
      return d === 'null' ? null : Buffer.alloc(0)
    case 'records':
      return null
    case 'uuid':
      return d === undefined || d === '' ? ZERO_UUID : d
  }
}

export function defaultStruct(msg: MessageSpec, s: StructSpec): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const f of s.fields) o[f.prop] = defaultOf(msg, f)
  return o
}

/** Structural equality for codec values (Buffers by content, bigints by value, _unknownTaggedFields ignored when empty). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined) return false
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))
  if (typeof a !== 'object' || typeof b !== 'object') return false
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => valuesEqual(x, b[i]))
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)])
  for (const k of keys) {
    if (k === '_unknownTaggedFields') {
      const ua = (ao[k] as unknown[] | undefined) ?? []
      const ub = (bo[k] as unknown[] | undefined) ?? []
      if (!valuesEqual(ua, ub)) return false
    } else if (!valuesEqual(ao[k], bo[k])) return false
  }
  return true
}

export function isDefault(msg: MessageSpec, f: FieldSpec, value: unknown): boolean {
  return valuesEqual(value, defaultOf(msg, f))
}

// ---------------------------------------------------------------------------
// Seeded value generation

/** mulberry32: small, fast, deterministic. */
export class Rng {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Integer in [lo, hi] (inclusive; safe for ranges up to 2^32). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n)
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255)
    return b
  }
  int64(): bigint {
    const hi = BigInt(this.int(0, 0xffffffff))
    const lo = BigInt(this.int(0, 0xffffffff))
    return BigInt.asIntN(64, (hi << 32n) | lo)
  }
}

export interface GenOptions {
  /** Probability that a field nullable at this version is null. */
  nullChance: number
  /** Minimum array length (arrays are 0..3 long, or minArray..3). */
  minArray: number
  /** Add unknown tagged fields to flexible structs (tags unused at that version). */
  unknownTags: boolean
}

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
}

const STRING_PIECES = ['a', 'kafka', 'tópico', '日本語', '🙂', 'ß', 'Ω', '-', '_', 'z', '0', 'x y', 'ü']

function randomString(rng: Rng): string {
  const n = rng.int(0, 5)
  let s = ''
  for (let i = 0; i < n; i++) s += rng.pick(STRING_PIECES)
  return s
}

function randomPrimitive(name: PrimitiveName, rng: Rng): unknown {
  switch (name) {
    case 'bool':
      return rng.chance(0.5)
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32': {
      const [lo, hi] = INT_RANGES[name]!
      const r = rng.next()
      if (r < 0.1) return lo
      if (r < 0.2) return hi
      if (r < 0.4) return rng.int(Math.max(lo, -3), Math.min(hi, 3))
      return rng.int(lo, hi)
    }
    case 'int64': {
      const r = rng.next()
      if (r < 0.08) return -(2n ** 63n)
      if (r < 0.16) return 2n ** 63n - 1n
      if (r < 0.24) return 2n ** 53n + BigInt(rng.int(1, 1000))
      if (r < 0.32) return -(2n ** 53n) - BigInt(rng.int(1, 1000))
      if (r < 0.45) return BigInt(rng.int(-3, 3))
      return rng.int64()
    }
    case 'float64':
      return rng.pick([0.5, -2.25, 1e300, -1e-300, Number.MAX_VALUE, Number.MIN_VALUE, Math.PI, rng.next() * 2e6 - 1e6])
    case 'string':
      return randomString(rng)
    case 'bytes':
      return rng.bytes(rng.int(0, 6))
    case 'records':
      return rng.bytes(rng.int(0, 24))
    case 'uuid':
      return rng.bytes(16).toString('base64url')
  }
}

function nonDefaultPrimitive(name: PrimitiveName, dflt: unknown, rng: Rng): unknown {
  for (let i = 0; i < 100; i++) {
    let v = randomPrimitive(name, rng)
    if ((name === 'bytes' || name === 'records') && (v as Buffer).length === 0) v = rng.bytes(1)
    if (name === 'string' && v === '') v = 'k'
    if (!valuesEqual(v, dflt)) return v
  }
  throw new Error(`could not generate a non-default ${name}`)
}

/**
 * A random value for struct `s` at version `v`: every field present at v gets a non-default value
 * (or null where nullable, with probability nullChance); absent fields keep their default.
 */
export function randomStruct(msg: MessageSpec, s: StructSpec, v: number, rng: Rng, opts: GenOptions): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const f of s.fields) {
    o[f.prop] = isPresent(f, v) ? randomFieldValue(msg, f, v, rng, opts) : defaultOf(msg, f)
  }
  if (opts.unknownTags && isFlexible(msg, v) && rng.chance(0.6)) {
    const used = new Set(s.fields.filter(f => isTagged(f, v)).map(f => f.tag!))
    let low = 0
    while (used.has(low)) low++
    const candidates = [low, Math.max(...used, -1) + 3, 130, 10_000]
    const picked = [...new Set(candidates.filter(t => !used.has(t) && rng.chance(0.5)))].sort((a, b) => a - b)
    if (picked.length > 0) {
      o['_unknownTaggedFields'] = picked.map(tag => ({tag, data: rng.bytes(rng.int(0, 5))}) satisfies UnknownTaggedField)
    }
  }
  return o
}

/** A non-default value for a field present at version v (null with probability nullChance where nullable). */
export function randomFieldValue(msg: MessageSpec, f: FieldSpec, v: number, rng: Rng, opts: GenOptions): unknown {
  const dflt = defaultOf(msg, f)
  if (isNullable(f, v) && dflt !== null && rng.chance(opts.nullChance)) return null
  if (isNullable(f, v) && dflt === null && !isTagged(f, v) && rng.chance(opts.nullChance)) return null
  const t = f.type
  if (t.kind === 'primitive') return nonDefaultPrimitive(t.name, dflt, rng)
  if (t.kind === 'struct') {
    const s = msg.structs.get(t.name)!
    for (let i = 0; i < 20; i++) {
      const val = randomStruct(msg, s, v, rng, opts)
      if (!valuesEqual(val, dflt)) return val
    }
    throw new Error(`could not generate a non-default ${t.name}`)
  }
  // Arrays: at least one element when the field is tagged, so it is written.
  const lo = Math.max(opts.minArray, isTagged(f, v) && dflt !== null ? 1 : 0)
  const n = rng.int(lo, 3)
  const out: unknown[] = []
  const el = t.element
  for (let i = 0; i < n; i++) {
    if (el.kind === 'struct') out.push(randomStruct(msg, msg.structs.get(el.name)!, v, rng, opts))
    else if (el.kind === 'primitive') out.push(randomPrimitive(el.name, rng))
    else throw new Error('nested arrays are not part of the Kafka schema language')
  }
  return out
}

export function randomMessage(msg: MessageSpec, v: number, seed: number, opts: GenOptions): Record<string, unknown> {
  return randomStruct(msg, msg.root, v, new Rng(seed), opts)
}

// ---------------------------------------------------------------------------
// Reference encoder (schema interpreter)

function writeLength(w: Writer, compact: boolean, classic: 'int16' | 'int32', n: number | null): void {
  if (compact) w.uvarint(n === null ? 0 : n + 1)
  else if (classic === 'int16') w.int16(n === null ? -1 : n)
  else w.int32(n === null ? -1 : n)
}

function writePrimitive(w: Writer, name: PrimitiveName, value: unknown, compact: boolean): void {
  switch (name) {
    case 'bool':
      return w.bool(value as boolean)
    case 'int8':
      return w.int8(value as number)
    case 'int16':
      return w.int16(value as number)
    case 'uint16':
      return w.uint16(value as number)
    case 'int32':
      return w.int32(value as number)
    case 'uint32':
      return w.uint32(value as number)
    case 'int64':
      return w.int64(value as bigint)
    case 'float64':
      return w.float64(value as number)
    case 'uuid':
      return w.uuid(value as string)
    case 'string': {
      if (value === null) return writeLength(w, compact, 'int16', null)
      const b = Buffer.from(value as string, 'utf8')
      writeLength(w, compact, 'int16', b.length)
      return w.raw(b)
    }
    case 'bytes':
    case 'records': {
      if (value === null) return writeLength(w, compact, 'int32', null)
      const b = value as Uint8Array
      writeLength(w, compact, 'int32', b.length)
      return w.raw(b)
    }
  }
}

/** Writes a field's value as it appears inline (or inside a tagged field's data). */
function writeValue(w: Writer, msg: MessageSpec, f: FieldSpec, value: unknown, v: number): void {
  const compact = fieldIsCompact(msg, f, v)
  const t = f.type
  if (value === null && !isNullable(f, v)) throw new Error(`reference encoder: ${f.name} is null at v${v} where it is not nullable`)
  if (t.kind === 'primitive') return writePrimitive(w, t.name, value, compact)
  if (t.kind === 'struct') {
    if (isNullable(f, v)) {
      // Kafka: untagged nullable structs carry an int8 marker (-1 null, 1 present);
      // tagged ones carry a uvarint marker (0 null, 1 present).
      if (isTagged(f, v)) w.uvarint(value === null ? 0 : 1)
      else w.int8(value === null ? -1 : 1)
      if (value === null) return
    }
    return refEncodeStruct(w, msg, msg.structs.get(t.name)!, value as Record<string, unknown>, v)
  }
  const arr = value as unknown[] | null
  writeLength(w, compact, 'int32', arr === null ? null : arr.length)
  if (arr === null) return
  for (const e of arr) {
    if (t.element.kind === 'struct') refEncodeStruct(w, msg, msg.structs.get(t.element.name)!, e as Record<string, unknown>, v)
    else if (t.element.kind === 'primitive') writePrimitive(w, t.element.name, e, compact)
  }
}

/**
 * Encodes a struct the way Kafka's generated write() does. Absent fields are not checked here
 * (the tests check that separately); tagged fields are written only when non-default
 * (or, for fields whose default is null, when non-null), in ascending tag order with the
 * unknown tagged fields merged in.
 */
export function refEncodeStruct(w: Writer, msg: MessageSpec, s: StructSpec, value: Record<string, unknown>, v: number): void {
  const tagged: {tag: number; data: Uint8Array}[] = []
  for (const f of s.fields) {
    if (!isPresent(f, v)) continue
    const fv = value[f.prop] === undefined ? defaultOf(msg, f) : value[f.prop]
    if (isTagged(f, v)) {
      if (isDefault(msg, f, fv)) continue
      const tw = new Writer(64)
      writeValue(tw, msg, f, fv, v)
      tagged.push({tag: f.tag!, data: tw.finish()})
    } else writeValue(w, msg, f, fv, v)
  }
  const unknown = (value['_unknownTaggedFields'] as UnknownTaggedField[] | undefined) ?? []
  if (!isFlexible(msg, v)) {
    if (unknown.length > 0) throw new Error('reference encoder: unknown tagged fields in a non-flexible version')
    return
  }
  for (const u of unknown) tagged.push(u)
  tagged.sort((a, b) => a.tag - b.tag)
  w.uvarint(tagged.length)
  for (const t of tagged) {
    w.uvarint(t.tag)
    w.uvarint(t.data.length)
    w.raw(t.data)
  }
}

export function refEncode(msg: MessageSpec, value: Record<string, unknown>, v: number): Buffer {
  const w = new Writer(256)
  refEncodeStruct(w, msg, msg.root, value, v)
  return Buffer.from(w.finish())
}

// ---------------------------------------------------------------------------
// Walking values

/** A place in a value where a field lives: the owning object and the field spec. */
export interface FieldSlot {
  path: string
  owner: Record<string, unknown>
  field: FieldSpec
}

/**
 * Every field slot reachable in `value` at version v (through present struct and
 * struct-array fields), whether or not the field itself is present at v.
 */
export function fieldSlots(msg: MessageSpec, s: StructSpec, value: Record<string, unknown>, v: number, path = ''): FieldSlot[] {
  const out: FieldSlot[] = []
  for (const f of s.fields) {
    const p = path === '' ? f.name : `${path}.${f.name}`
    out.push({path: p, owner: value, field: f})
    if (!isPresent(f, v)) continue
    const fv = value[f.prop]
    if (fv === null || fv === undefined) continue
    if (f.type.kind === 'struct') out.push(...fieldSlots(msg, msg.structs.get(f.type.name)!, fv as Record<string, unknown>, v, p))
    else if (f.type.kind === 'array' && f.type.element.kind === 'struct') {
      const es = msg.structs.get(f.type.element.name)!
      ;(fv as Record<string, unknown>[]).forEach((e, i) => out.push(...fieldSlots(msg, es, e, v, `${p}[${i}]`)))
    }
  }
  return out
}

/** Deep copy of a codec value (Buffers copied, bigints kept). */
export function cloneValue<T>(x: T): T {
  if (x === null || typeof x !== 'object') return x
  if (x instanceof Uint8Array) return Buffer.from(x) as T
  if (Array.isArray(x)) return x.map(cloneValue) as T
  const o: Record<string, unknown> = {}
  for (const [k, val] of Object.entries(x as Record<string, unknown>)) o[k] = cloneValue(val)
  return o as T
}

/** Keeps only what a decoder can see: removes empty or undefined _unknownTaggedFields everywhere. */
export function normalize<T>(x: T): T {
  if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return x
  if (Array.isArray(x)) return x.map(normalize) as T
  const o: Record<string, unknown> = {}
  for (const [k, val] of Object.entries(x as Record<string, unknown>)) {
    if (k === '_unknownTaggedFields' && (val === undefined || (Array.isArray(val) && val.length === 0))) continue
    if (k === '_unknownTaggedFields') {
      o[k] = (val as UnknownTaggedField[]).map(u => ({tag: u.tag, data: Buffer.from(u.data)}))
      continue
    }
    o[k] = normalize(val)
  }
  return o as T
}
