// Generates src/protocol/generated/ from Apache Kafka's JSON message schemas.
//
//   npx tsx scripts/gen-protocol.ts [--schemas DIR] [--out DIR] [--check]
//
// Schemas default to $TSKAFKA_SCHEMAS or ../shared/kafka-protocol/message (beside the repo). --check
// regenerates in memory and exits 1 when a committed file differs, is missing or is extra, so CI
// catches a hand edit or a stale generation.
//
// For each schema one module is written with the message's TypeScript types and one encode and
// one decode function per struct. A function serves every valid version: the version checks are
// plain integer comparisons, generated as constants, so V8 folds them into cheap branches.
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

// ---------------------------------------------------------------------------------------------
// Schema model

interface RawField {
  name: string
  type: string
  versions?: string
  nullableVersions?: string
  taggedVersions?: string
  flexibleVersions?: string
  tag?: number
  default?: string | number | boolean
  ignorable?: boolean
  about?: string
  fields?: RawField[]
}

interface RawSchema {
  apiKey?: number
  type: string
  name: string
  validVersions: string
  flexibleVersions: string
  latestVersionUnstable?: boolean
  listeners?: string[]
  fields: RawField[]
  commonStructs?: {name: string; versions?: string; fields: RawField[]}[]
}

/** An inclusive version range; max is Infinity for an open range, and min > max means none. */
class Versions {
  constructor(
    readonly min: number,
    readonly max: number,
  ) {}

  static NONE = new Versions(1, 0)

  static parse(spec: string | undefined, fallback?: Versions): Versions {
    if (spec === undefined) {
      if (fallback) return fallback
      throw new Error('missing version spec')
    }
    const s = spec.trim()
    if (s === 'none') return Versions.NONE
    if (s.endsWith('+')) return new Versions(Number(s.slice(0, -1)), Infinity)
    const dash = s.indexOf('-')
    if (dash > 0) return new Versions(Number(s.slice(0, dash)), Number(s.slice(dash + 1)))
    return new Versions(Number(s), Number(s))
  }

  get empty(): boolean {
    return this.min > this.max
  }

  contains(v: number): boolean {
    return v >= this.min && v <= this.max
  }

  intersect(o: Versions): Versions {
    const min = Math.max(this.min, o.min)
    const max = Math.min(this.max, o.max)
    return min > max ? Versions.NONE : new Versions(min, max)
  }

  /** A TypeScript condition on `version` that is true for this range, given the message's range. */
  condition(within: Versions): string {
    const r = this.intersect(within)
    if (r.empty) return 'false'
    const needMin = r.min > within.min
    const needMax = r.max < within.max
    if (needMin && needMax) return r.min === r.max ? `version === ${r.min}` : `version >= ${r.min} && version <= ${r.max}`
    if (needMin) return `version >= ${r.min}`
    if (needMax) return `version <= ${r.max}`
    return 'true'
  }
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid'])

interface FieldType {
  kind: 'primitive' | 'struct'
  isArray: boolean
  name: string // primitive name or struct name
}

function parseType(t: string): FieldType {
  const isArray = t.startsWith('[]')
  const name = isArray ? t.slice(2) : t
  return {kind: PRIMITIVES.has(name) ? 'primitive' : 'struct', isArray, name}
}

interface Field {
  name: string // schema name
  prop: string // TypeScript property name
  type: FieldType
  versions: Versions
  nullable: Versions
  tagged: Versions
  tag: number | undefined
  flexibleOverride: Versions | undefined
  defaultValue: string | number | boolean | undefined
  ignorable: boolean
  about: string | undefined
}

interface Struct {
  name: string
  fields: Field[]
}

interface Message {
  file: string
  schema: RawSchema
  name: string
  valid: Versions
  flexible: Versions
  structs: Map<string, Struct> // every struct, top-level one included, by name
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1)
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase()
}

function stripComments(text: string): string {
  // Line comments only; the schemas never put // inside strings except in URLs within "about" text.
  return text
    .split('\n')
    .map((line) => {
      let inString = false
      for (let i = 0; i < line.length; i++) {
        const c = line[i]
        if (c === '"' && line[i - 1] !== '\\') inString = !inString
        else if (!inString && c === '/' && line[i + 1] === '/') return line.slice(0, i)
      }
      return line
    })
    .join('\n')
}

function buildMessage(file: string, schema: RawSchema): Message {
  const valid = Versions.parse(schema.validVersions)
  const flexible = Versions.parse(schema.flexibleVersions)
  const structs = new Map<string, Struct>()
  const msg: Message = {file, schema, name: schema.name, valid, flexible, structs}

  const toField = (raw: RawField, parentVersions: Versions): Field => {
    const versions = Versions.parse(raw.versions, parentVersions)
    const type = parseType(raw.type)
    const field: Field = {
      name: raw.name,
      prop: lowerFirst(raw.name),
      type,
      versions,
      nullable: Versions.parse(raw.nullableVersions, Versions.NONE),
      tagged: Versions.parse(raw.taggedVersions, Versions.NONE),
      tag: raw.tag,
      flexibleOverride: raw.flexibleVersions === undefined ? undefined : Versions.parse(raw.flexibleVersions),
      defaultValue: raw.default,
      ignorable: raw.ignorable === true,
      about: raw.about,
    }
    if (type.kind === 'struct' && raw.fields) addStruct(type.name, raw.fields, versions)
    return field
  }

  const addStruct = (name: string, fields: RawField[], versions: Versions): void => {
    if (structs.has(name)) throw new Error(`${file}: struct ${name} defined twice`)
    const s: Struct = {name, fields: []}
    structs.set(name, s)
    s.fields = fields.map((f) => toField(f, versions))
  }

  for (const cs of schema.commonStructs ?? []) addStruct(cs.name, cs.fields, Versions.parse(cs.versions, valid))
  addStruct(schema.name, schema.fields, valid)
  // A struct field that names a struct defined nowhere would fail at compile time; check early for a clear message.
  for (const s of structs.values())
    for (const f of s.fields)
      if (f.type.kind === 'struct' && !structs.has(f.type.name)) throw new Error(`${file}: unknown type ${f.type.name} in ${s.name}.${f.name}`)
  return msg
}

// ---------------------------------------------------------------------------------------------
// Code generation

class Code {
  private lines: string[] = []
  private depth = 0

  line(s = ''): this {
    this.lines.push(s === '' ? '' : '  '.repeat(this.depth) + s)
    return this
  }

  block(open: string, body: () => void, close = '}'): this {
    this.line(open)
    this.depth++
    body()
    this.depth--
    this.line(close)
    return this
  }

  /** One level deeper, for the body of an `} else {` that block() opened as its closing line. */
  indented(body: () => void): this {
    this.depth++
    body()
    this.depth--
    return this
  }

  toString(): string {
    return this.lines.join('\n') + '\n'
  }
}

function tsType(f: Field, msg: Message): string {
  const base = (() => {
    switch (f.type.name) {
      case 'bool':
        return 'boolean'
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'float64':
        return 'number'
      case 'int64':
        return 'bigint'
      case 'string':
      case 'uuid':
        return 'string'
      case 'bytes':
      case 'records':
        return 'Buffer'
      default:
        return f.type.name
    }
  })()
  const t = f.type.isArray ? `${base}[]` : base
  const nullable = !f.nullable.empty || f.type.name === 'records' || f.defaultValue === 'null'
  return nullable ? `${t} | null` : t
}

function parseIntDefault(d: string | number | boolean | undefined): bigint {
  if (d === undefined || d === '') return 0n
  const s = String(d).trim()
  const neg = s.startsWith('-')
  const body = neg ? s.slice(1) : s
  const v = /^0x/i.test(body) ? BigInt(body) : /^0[0-7]+$/.test(body) ? BigInt('0o' + body.slice(1)) : BigInt(body)
  return neg ? -v : v
}

/** The schema default of a field as a TypeScript expression (a fresh value for mutable types). */
function defaultExpr(f: Field): string {
  const d = f.defaultValue
  if (d === 'null') return 'null'
  if (f.type.isArray) return '[]'
  switch (f.type.name) {
    case 'bool':
      return d === true || d === 'true' ? 'true' : 'false'
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
      return parseIntDefault(d).toString()
    case 'float64':
      return d === undefined || d === '' ? '0' : String(Number(d))
    case 'int64':
      return `${parseIntDefault(d)}n`
    case 'string':
      return JSON.stringify(d === undefined ? '' : String(d))
    case 'uuid':
      return 'ZERO_UUID'
    case 'bytes':
      return 'EMPTY_BYTES'
    case 'records':
      return 'null'
    default:
      return `default${f.type.name}()`
  }
}

/** A condition that the value `x` differs from the field's default (for writes of absent or tagged fields). */
function nonDefaultCondition(f: Field, x: string): string {
  const d = defaultExpr(f)
  if (d === 'null') return `${x} != null`
  if (f.type.isArray) return `${x} != null && ${x}.length > 0`
  switch (f.type.name) {
    case 'bytes':
      return `${x} != null && ${x}.length > 0`
    case 'uuid':
      return `${x} != null && ${x} !== ZERO_UUID`
    case 'bool':
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'float64':
    case 'int64':
    case 'string':
      return `${x} !== undefined && ${x} !== ${d}`
    default:
      // Kafka compares a struct with a default instance, so a default-valued tagged struct is not written.
      return `${x} != null && !isDefault${f.type.name}(${x})`
  }
}

interface Ctx {
  msg: Message
  /** The field's flexible-encoding condition (compact lengths), as TS. */
  compact(f: Field): string
}

function writeValue(c: Code, ctx: Ctx, f: Field, x: string, elementOf?: Field): void {
  // x is a TS expression of the value; emits statements that write it.
  const field = elementOf ?? f
  const nullableCond = field.nullable.condition(field.versions.intersect(ctx.msg.valid))
  const compact = ctx.compact(field)
  const name = f.type.name
  const primitiveWrite = (m: string): void => {
    c.line(`w.${m}(${x})`)
  }
  if (f.type.isArray && !elementOf) {
    const arr = x
    const emitLen = (cm: string): void => {
      if (cm === 'true') c.line(`w.uvarint(${arr}.length + 1)`)
      else if (cm === 'false') c.line(`w.int32(${arr}.length)`)
      else c.line(`if (${cm}) w.uvarint(${arr}.length + 1)`).line(`else w.int32(${arr}.length)`)
    }
    const emitElems = (): void => {
      const el = `e_${f.prop}`
      c.block(`for (const ${el} of ${arr}) {`, () => {
        const elemField: Field = {...f, type: {...f.type, isArray: false}}
        writeValue(c, ctx, elemField, el, f)
      })
    }
    if (nullableCond === 'false') {
      c.line(`if (${arr} == null) throw new ProtocolError('${ctx.msg.name}: non-nullable field ${f.name} was null')`)
      emitLen(compact)
      emitElems()
    } else {
      c.block(`if (${arr} == null) {`, () => {
        if (nullableCond !== 'true') c.line(`if (!(${nullableCond})) throw new ProtocolError('${ctx.msg.name}: non-nullable field ${f.name} was null')`)
        if (compact === 'true') c.line('w.uvarint(0)')
        else if (compact === 'false') c.line('w.int32(-1)')
        else c.line(`if (${compact}) w.uvarint(0)`).line('else w.int32(-1)')
      }, '} else {')
      c.indented(() => {
        emitLen(compact)
        emitElems()
      })
      c.line('}')
    }
    return
  }
  switch (name) {
    case 'bool':
      return primitiveWrite('bool')
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'float64':
    case 'uuid':
      return primitiveWrite(name)
    case 'string':
    case 'bytes':
    case 'records': {
      const kind = name === 'string' ? 'String' : 'Bytes'
      const nullableHere = elementOf ? 'false' : nullableCond
      const choose = (compactCase: boolean, nullable: boolean): string => {
        const base = compactCase ? `compact${nullable ? 'Nullable' : ''}${kind}` : `${nullable ? 'nullable' : ''}${nullable ? kind : kind.toLowerCase()}`
        return base
      }
      // In versions where the field is not nullable the writer rejects a null at run time (ProtocolError).
      const forNullable = (compactCase: boolean): void => {
        if (nullableHere === 'true' || name === 'records') c.line(`w.${choose(compactCase, true)}(${x})`)
        else if (nullableHere === 'false') c.line(`w.${choose(compactCase, false)}(${x}!)`)
        else c.line(`if (${nullableHere}) w.${choose(compactCase, true)}(${x})`).line(`else w.${choose(compactCase, false)}(${x}!)`)
      }
      if (compact === 'true') forNullable(true)
      else if (compact === 'false') forNullable(false)
      else {
        c.block(`if (${compact}) {`, () => forNullable(true), '} else {')
        c.indented(() => forNullable(false))
        c.line('}')
      }
      return
    }
    default: {
      // A struct. As an array element it is written directly; as a field it may be nullable (int8 -1 / 1 marker).
      if (!elementOf && nullableCond !== 'false') {
        c.block(`if (${x} == null) {`, () => {
          if (nullableCond !== 'true') c.line(`if (!(${nullableCond})) throw new ProtocolError('${ctx.msg.name}: non-nullable field ${f.name} was null')`)
          c.line('w.int8(-1)')
        }, '} else {')
        c.indented(() => {
          if (nullableCond !== 'true') c.line(`if (${nullableCond}) w.int8(1)`)
          else c.line('w.int8(1)')
          c.line(`encode${name}(w, ${x}, version)`)
        })
        c.line('}')
      } else {
        c.line(`encode${name}(w, ${x}, version)`)
      }
    }
  }
}

function readExpr(ctx: Ctx, f: Field, elementOf?: Field): string {
  const field = elementOf ?? f
  const compact = ctx.compact(field)
  const nullableCond = elementOf ? 'false' : field.nullable.condition(field.versions.intersect(ctx.msg.valid))
  const name = f.type.name
  switch (name) {
    case 'bool':
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'float64':
    case 'uuid':
      return `r.${name}()`
    case 'string':
    case 'bytes':
    case 'records': {
      const kind = name === 'string' ? 'String' : 'Bytes'
      const pick = (compactCase: boolean, nullable: boolean): string =>
        compactCase ? `r.compact${nullable ? 'Nullable' : ''}${kind}()` : `r.${nullable ? 'nullable' + kind : kind.toLowerCase()}()`
      const forNullable = (compactCase: boolean): string => {
        if (nullableCond === 'true' || name === 'records') return pick(compactCase, true)
        if (nullableCond === 'false') return pick(compactCase, false)
        return `(${nullableCond} ? ${pick(compactCase, true)} : ${pick(compactCase, false)})`
      }
      if (compact === 'true') return forNullable(true)
      if (compact === 'false') return forNullable(false)
      return `(${compact} ? ${forNullable(true)} : ${forNullable(false)})`
    }
    default:
      return `decode${name}(r, version)`
  }
}

function emitRead(c: Code, ctx: Ctx, f: Field, target: string): void {
  // Emits statements assigning the decoded field to `target`.
  const nullableCond = f.nullable.condition(f.versions.intersect(ctx.msg.valid))
  const compact = ctx.compact(f)
  if (f.type.isArray) {
    const n = `n_${f.prop}`
    const lenExpr = compact === 'true' ? 'r.compactArrayLength()' : compact === 'false' ? 'r.arrayLength()' : `(${compact} ? r.compactArrayLength() : r.arrayLength())`
    c.line(`const ${n} = ${lenExpr}`)
    c.block(`if (${n} < 0) {`, () => {
      if (nullableCond === 'false') c.line(`throw new ProtocolError('${ctx.msg.name}: non-nullable field ${f.name} was null')`)
      else if (nullableCond === 'true') c.line(`${target} = null`)
      else c.line(`if (!(${nullableCond})) throw new ProtocolError('${ctx.msg.name}: non-nullable field ${f.name} was null')`).line(`${target} = null`)
    }, '} else {')
    c.indented(() => {
      const a = `a_${f.prop}`
      const elemField: Field = {...f, type: {...f.type, isArray: false}}
      const elemTs = tsType({...elemField, nullable: Versions.NONE, defaultValue: undefined}, ctx.msg)
      c.line(`const ${a}: ${elemTs}[] = new Array(${n})`)
      c.line(`for (let i = 0; i < ${n}; i++) ${a}[i] = ${readExpr(ctx, elemField, f)}`)
      c.line(`${target} = ${a}`)
    })
    c.line('}')
    return
  }
  if (f.type.kind === 'struct' && nullableCond !== 'false') {
    const cond = nullableCond === 'true' ? '' : `${nullableCond} && `
    c.block(`if (${cond}r.int8() < 0) {`, () => c.line(`${target} = null`), '} else {')
    c.indented(() => c.line(`${target} = ${readExpr(ctx, f)}`))
    c.line('}')
    return
  }
  c.line(`${target} = ${readExpr(ctx, f)}`)
}

function generateStruct(c: Code, msg: Message, s: Struct): void {
  const flexCond = msg.flexible.condition(msg.valid)
  const ctx: Ctx = {
    msg,
    // Conditions are relative to the versions the field exists in, so they fold away inside its presence check.
    compact: (f) => (f.flexibleOverride ? f.flexibleOverride.intersect(msg.flexible) : msg.flexible).condition(f.versions.intersect(msg.valid)),
  }
  const hasFlexible = flexCond !== 'false'

  // Interface
  c.line()
  c.block(`export interface ${s.name} {`, () => {
    for (const f of s.fields) {
      if (f.about) c.line(`/** ${f.about.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim()} */`)
      c.line(`${f.prop}: ${tsType(f, msg)}`)
    }
    if (hasFlexible) c.line('_unknownTaggedFields?: UnknownTaggedField[]')
  })

  // Default constructor
  c.line()
  c.block(`export function default${s.name}(): ${s.name} {`, () => {
    c.block('return {', () => {
      for (const f of s.fields) c.line(`${f.prop}: ${defaultExpr(f)},`)
    })
  })

  c.line()
  c.block(`export function isDefault${s.name}(v: ${s.name}): boolean {`, () => {
    const tests = s.fields.map((f) => `!(${nonDefaultCondition(f, `v.${f.prop}`)})`)
    // As Kafka's equals(), unknown tagged fields make a struct differ from its default.
    if (hasFlexible) tests.push('(v._unknownTaggedFields === undefined || v._unknownTaggedFields.length === 0)')
    c.line(`return ${tests.length === 0 ? 'true' : tests.join(' &&\n    ')}`)
  })

  const inlineCond = (f: Field): string => {
    // Present and not tagged in this version.
    const present = f.versions.condition(msg.valid)
    if (f.tagged.empty || present === 'false') return present
    const tagged = f.tagged.intersect(msg.flexible).condition(msg.valid)
    if (tagged === 'false') return present
    if (tagged === 'true') return 'false'
    return present === 'true' ? `!(${tagged})` : `(${present}) && !(${tagged})`
  }
  const taggedCond = (f: Field): string => {
    if (f.tagged.empty) return 'false'
    return f.versions.intersect(f.tagged).intersect(msg.flexible).condition(msg.valid)
  }
  const taggedFields = s.fields.filter((f) => taggedCond(f) !== 'false').sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0))

  // Encoder
  c.line()
  c.block(`export function encode${s.name}(w: Writer, v: ${s.name}, version: number): void {`, () => {
    for (const f of s.fields) {
      const cond = inlineCond(f)
      const x = `v.${f.prop}`
      const nd = f.ignorable ? null : nonDefaultCondition(f, x)
      const absentCheck = (): void => {
        if (nd === null) return
        const tagCond = taggedCond(f)
        const when = tagCond === 'false' ? nd : `!(${tagCond}) && ${nd}`
        c.line(`if (${when}) throw new UnsupportedVersionError(\`Attempted to write a non-default ${f.prop} at version \${version}\`)`)
      }
      if (cond === 'false') {
        // Never inline: either tagged in every version it exists, or absent. An absent non-default value is an error.
        if (taggedCond(f) === 'false') absentCheck()
        continue
      }
      // undefined means "the default"; null is a value of its own for nullable fields.
      const val = tsType(f, msg).endsWith('| null') ? `${x} === undefined ? ${defaultExpr(f)} : ${x}` : `${x} ?? ${defaultExpr(f)}`
      const tmp = `f_${f.prop}`
      if (cond === 'true') {
        c.line(`const ${tmp} = ${val}`)
        writeValue(c, ctx, f, tmp)
      } else {
        const body = (): void => {
          c.line(`const ${tmp} = ${val}`)
          writeValue(c, ctx, f, tmp)
        }
        if (nd === null) c.block(`if (${cond}) {`, body)
        else {
          c.block(`if (${cond}) {`, body, '} else {')
          c.indented(() => absentCheck())
          c.line('}')
        }
      }
    }
    if (hasFlexible) {
      const body = (): void => {
        if (taggedFields.length === 0) {
          c.line('writeTaggedFields(w, null, v._unknownTaggedFields)')
          return
        }
        c.line('let tagged: TaggedFieldWriter[] | null = null')
        for (const f of taggedFields) {
          const x = `v.${f.prop}`
          const nd = nonDefaultCondition(f, x)
          const cond = taggedCond(f)
          const when = cond === 'true' ? nd : `${cond} && ${nd}`
          c.block(`if (${when}) {`, () => {
            c.line(`const f_${f.prop} = ${x}`)
            c.block(`;(tagged ??= []).push({tag: ${f.tag}, write: (w: Writer) => {`, () => writeValue(c, {...ctx, compact: () => 'true'}, f, `f_${f.prop}`), '}})')
          })
        }
        c.line('writeTaggedFields(w, tagged, v._unknownTaggedFields)')
      }
      if (flexCond === 'true') body()
      else {
        c.block(`if (${flexCond}) {`, body, '} else if (v._unknownTaggedFields && v._unknownTaggedFields.length > 0) {')
        c.indented(() => c.line(`throw new UnsupportedVersionError(\`Tagged fields were set, but version \${version} of ${s.name} does not support them\`)`))
        c.line('}')
      }
    }
  })

  // Decoder
  c.line()
  c.block(`export function decode${s.name}(r: Reader, version: number): ${s.name} {`, () => {
    for (const f of s.fields) {
      // A field read in every version needs no default; the others start from it.
      if (inlineCond(f) === 'true' && taggedCond(f) === 'false') c.line(`let f_${f.prop}: ${tsType(f, msg)}`)
      else c.line(`let f_${f.prop}: ${tsType(f, msg)} = ${defaultExpr(f)}`)
    }
    for (const f of s.fields) {
      const cond = inlineCond(f)
      if (cond === 'false') continue
      if (cond === 'true') emitRead(c, ctx, f, `f_${f.prop}`)
      else c.block(`if (${cond}) {`, () => emitRead(c, ctx, f, `f_${f.prop}`))
    }
    if (hasFlexible) c.line('let unknownTagged: UnknownTaggedField[] | undefined')
    const tagBody = (): void => {
      c.line('const numTagged = r.uvarint()')
      c.block('for (let t = 0; t < numTagged; t++) {', () => {
        c.line('const tag = r.uvarint()')
        c.line('const size = r.uvarint()')
        if (taggedFields.length > 0) {
          c.line('const end = r.pos + size')
          c.block('switch (tag) {', () => {
            for (const f of taggedFields) {
              const cond = taggedCond(f)
              c.block(`case ${f.tag}: {`, () => {
                const read = (): void => {
                  emitRead(c, {...ctx, compact: () => 'true'}, f, `f_${f.prop}`)
                  c.line(`if (r.pos !== end) throw new ProtocolError(\`${s.name}: tagged field ${f.name} had \${size} bytes but used \${r.pos - end + size}\`)`)
                  c.line('continue')
                }
                if (cond === 'true') read()
                else c.block(`if (${cond}) {`, read)
                c.line('break')
              })
            }
          })
        }
        c.line(';(unknownTagged ??= []).push({tag, data: r.raw(size)})')
      })
    }
    if (hasFlexible) {
      if (flexCond === 'true') tagBody()
      else c.block(`if (${flexCond}) {`, tagBody)
    }
    c.line(`const v: ${s.name} = {`)
    for (const f of s.fields) c.line(`  ${f.prop}: f_${f.prop},`)
    c.line('}')
    if (hasFlexible) c.line('if (unknownTagged) v._unknownTaggedFields = unknownTagged')
    c.line('return v')
  })
}

function generateMessage(msg: Message): string {
  const c = new Code()
  c.line(`// Generated by scripts/gen-protocol.ts from ${msg.file}. Do not edit.`)
  c.line(`// ${msg.name}: ${msg.schema.type}${msg.schema.apiKey !== undefined ? `, api key ${msg.schema.apiKey}` : ''}, versions ${msg.schema.validVersions}, flexible ${msg.schema.flexibleVersions}.`)
  c.line('/* eslint-disable */')
  c.line(
    "import {EMPTY_BYTES, ProtocolError, UnsupportedVersionError, writeTaggedFields, ZERO_UUID, type Reader, type TaggedFieldWriter, type UnknownTaggedField, type Writer} from '../primitives.js'",
  )
  c.line()
  c.line(`export const ${lowerFirst(msg.name)}Versions = {min: ${msg.valid.min}, max: ${msg.valid.max}, flexibleMin: ${msg.flexible.empty ? 'null' : msg.flexible.min}} as const`)
  // Emit the top-level struct first, then the others in definition order.
  const top = msg.structs.get(msg.name)!
  generateStruct(c, msg, top)
  for (const s of msg.structs.values()) if (s !== top) generateStruct(c, msg, s)
  // Silence unused-import errors in modules that need none of these.
  c.line()
  c.line('void EMPTY_BYTES, void ProtocolError, void UnsupportedVersionError, void writeTaggedFields, void ZERO_UUID')
  return c.toString()
}

function generateIndex(messages: Message[]): string {
  const c = new Code()
  c.line('// Generated by scripts/gen-protocol.ts. Do not edit.')
  c.line('/* eslint-disable */')
  c.line("import type {Reader, Writer} from '../primitives.js'")
  const byKey = new Map<number, {req?: Message; res?: Message}>()
  for (const m of messages) {
    const mod = `./${kebab(m.name)}.js`
    c.line(`import {encode${m.name}, decode${m.name}, default${m.name}, type ${m.name}} from '${mod}'`)
    if (m.schema.apiKey !== undefined && (m.schema.type === 'request' || m.schema.type === 'response')) {
      const e = byKey.get(m.schema.apiKey) ?? {}
      if (m.schema.type === 'request') e.req = m
      else e.res = m
      byKey.set(m.schema.apiKey, e)
    }
  }
  c.line()
  c.line(`export {${messages.map((m) => `encode${m.name}, decode${m.name}, default${m.name}`).join(', ')}}`)
  for (const m of messages) c.line(`export type {${m.name}} from './${kebab(m.name)}.js'`)
  c.line()
  const keys = [...byKey.keys()].sort((a, b) => a - b)
  c.block('export const API_KEY = {', () => {
    for (const k of keys) c.line(`${byKey.get(k)!.req!.name.replace(/Request$/, '')}: ${k},`)
  }, '} as const')
  c.line('export type ApiName = keyof typeof API_KEY')
  c.line()
  c.block('export interface ApiDescriptor<Req = any, Res = any> {', () => {
    c.line('apiKey: number')
    c.line('name: ApiName')
    c.line('minVersion: number')
    c.line('maxVersion: number')
    c.line('/** True when Kafka marks the newest version as unstable (not advertised by default). */')
    c.line('latestVersionUnstable: boolean')
    c.line('/** The first flexible version, or null if the API has none. */')
    c.line('flexibleMinVersion: number | null')
    c.line('/** Which Kafka listeners serve the API: broker, controller, zkBroker. */')
    c.line('listeners: readonly string[]')
    c.line('encodeRequest(w: Writer, v: Req, version: number): void')
    c.line('decodeRequest(r: Reader, version: number): Req')
    c.line('encodeResponse(w: Writer, v: Res, version: number): void')
    c.line('decodeResponse(r: Reader, version: number): Res')
  })
  c.line()
  c.block('export interface ApiTypes {', () => {
    for (const k of keys) {
      const {req, res} = byKey.get(k)!
      c.line(`${req!.name.replace(/Request$/, '')}: {request: ${req!.name}; response: ${res!.name}}`)
    }
  })
  c.line()
  c.block('export const API_DESCRIPTORS: ReadonlyMap<number, ApiDescriptor> = new Map<number, ApiDescriptor>([', () => {
    for (const k of keys) {
      const {req, res} = byKey.get(k)!
      if (!req || !res) throw new Error(`api key ${k} lacks a request or a response schema`)
      const name = req.name.replace(/Request$/, '')
      c.line(
        `[${k}, {apiKey: ${k}, name: '${name}', minVersion: ${req.valid.min}, maxVersion: ${req.valid.max}, latestVersionUnstable: ${req.schema.latestVersionUnstable === true}, flexibleMinVersion: ${req.flexible.empty ? 'null' : req.flexible.min}, listeners: ${JSON.stringify(req.schema.listeners ?? [])}, encodeRequest: encode${req.name}, decodeRequest: decode${req.name}, encodeResponse: encode${res.name}, decodeResponse: decode${res.name}}],`,
      )
    }
  }, '])')
  c.line()
  c.block('export function isFlexible(apiKey: number, apiVersion: number): boolean {', () => {
    c.line('const d = API_DESCRIPTORS.get(apiKey)')
    c.line('return d !== undefined && d.flexibleMinVersion !== null && apiVersion >= d.flexibleMinVersion')
  })
  c.line()
  c.line('/** Request header v2 for flexible versions, v0 only for ControlledShutdown v0, otherwise v1. */')
  c.block('export function requestHeaderVersion(apiKey: number, apiVersion: number): number {', () => {
    c.line('if (isFlexible(apiKey, apiVersion)) return 2')
    c.line('if (apiKey === API_KEY.ControlledShutdown && apiVersion === 0) return 0')
    c.line('return 1')
  })
  c.line()
  c.line('/** Response header v1 for flexible versions, except ApiVersions, whose response header is always v0 so any client can read it. */')
  c.block('export function responseHeaderVersion(apiKey: number, apiVersion: number): number {', () => {
    c.line('if (apiKey === API_KEY.ApiVersions) return 0')
    c.line('return isFlexible(apiKey, apiVersion) ? 1 : 0')
  })
  return c.toString()
}

// ---------------------------------------------------------------------------------------------
// Main

function parseArgs(argv: string[]): {schemas: string; out: string; check: boolean} {
  let schemas = process.env.TSKAFKA_SCHEMAS ?? resolve(repoRoot, '..', 'shared', 'kafka-protocol', 'message')
  let out = join(repoRoot, 'src', 'protocol', 'generated')
  let check = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--check') check = true
    else if (a === '--schemas') schemas = resolve(argv[++i] ?? '')
    else if (a.startsWith('--schemas=')) schemas = resolve(a.slice('--schemas='.length))
    else if (a === '--out') out = resolve(argv[++i] ?? '')
    else if (a === '--help' || a === '-h') {
      console.log('usage: tsx scripts/gen-protocol.ts [--schemas DIR] [--out DIR] [--check]')
      process.exit(0)
    } else {
      console.error(`gen-protocol: unknown argument ${a}`)
      process.exit(2)
    }
  }
  return {schemas, out, check}
}

function main(): void {
  const {schemas, out, check} = parseArgs(process.argv.slice(2))
  if (!existsSync(schemas)) {
    console.error(`gen-protocol: schema directory ${schemas} not found (pass --schemas DIR or set TSKAFKA_SCHEMAS)`)
    process.exit(1)
  }
  const files = readdirSync(schemas)
    .filter((f) => f.endsWith('.json'))
    .sort()
  const messages: Message[] = []
  for (const file of files) {
    let schema: RawSchema
    try {
      schema = JSON.parse(stripComments(readFileSync(join(schemas, file), 'utf8'))) as RawSchema
    } catch (e) {
      console.error(`gen-protocol: ${file}: ${(e as Error).message}`)
      process.exit(1)
    }
    if (!['request', 'response', 'header', 'data', 'metadata'].includes(schema.type)) continue
    messages.push(buildMessage(file, schema))
  }
  const outputs = new Map<string, string>()
  for (const m of messages) outputs.set(`${kebab(m.name)}.ts`, generateMessage(m))
  outputs.set('index.ts', generateIndex(messages))

  if (check) {
    const problems: string[] = []
    const existing = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.ts')) : []
    for (const [name, text] of outputs) {
      const path = join(out, name)
      if (!existsSync(path)) problems.push(`missing ${name}`)
      else if (readFileSync(path, 'utf8') !== text) problems.push(`stale ${name}`)
    }
    for (const name of existing) if (!outputs.has(name)) problems.push(`extra ${name}`)
    if (problems.length > 0) {
      console.error(`gen-protocol: src/protocol/generated is out of date (${problems.length} files: ${problems.slice(0, 5).join(', ')}${problems.length > 5 ? ', ...' : ''}); run npm run gen`)
      process.exit(1)
    }
    console.log(`gen-protocol: ${outputs.size} generated files are up to date`)
    return
  }
  rmSync(out, {recursive: true, force: true})
  mkdirSync(out, {recursive: true})
  for (const [name, text] of outputs) writeFileSync(join(out, name), text)
  console.log(`gen-protocol: wrote ${outputs.size} files for ${messages.length} schemas to ${out}`)
}

main()
