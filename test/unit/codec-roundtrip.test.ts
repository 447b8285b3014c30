// Schema-driven tests of the generated protocol codecs (src/protocol/generated).
//
// For every request, response and header schema in Kafka's message definitions
// and every valid version: build a value with non-default data in every field
// present at that version (seeded, so failures reproduce), encode it with the
// generated encoder, and check that
//   * the bytes equal those of an independent schema-interpreting reference
//     encoder that follows Kafka's MessageDataGenerator rules,
//   * the generated decoder returns the same value and consumes every byte,
//   * re-encoding the decoded value gives the same bytes,
//   * every truncation of the bytes fails with ProtocolError (never anything else),
//   * a non-default value in a field the version lacks throws
//     UnsupportedVersionError unless the field is ignorable (then it is dropped),
//     as Kafka's generated write() does.
// Then a few hand-decoded byte layouts: tagged-field order, unknown tagged
// fields, request/response headers, and the header-version rules.

import {describe, expect, it} from 'vitest'

import * as generated from '../../src/protocol/generated/index.js'
import {ProtocolError, Reader, UnsupportedVersionError, Writer, ZERO_UUID} from '../../src/protocol/primitives.js'
import {
  cloneValue,
  defaultOf,
  defaultStruct,
  fieldSlots,
  inRange,
  isDefault,
  isFlexible,
  isNullable,
  isPresent,
  isEmptyRange,
  loadSchemas,
  normalize,
  parseVersions,
  randomFieldValue,
  randomMessage,
  refEncode,
  stripJsonComments,
  Rng,
  versionsOf,
  type GenOptions,
  type MessageSpec,
  type StructSpec,
} from '../helpers/schemas.js'

type Encode = (w: Writer, v: unknown, version: number) => void
type Decode = (r: Reader, version: number) => Record<string, unknown>

const gen = generated as unknown as Record<string, unknown>

function codecOf(name: string): {encode: Encode; decode: Decode; makeDefault: (() => Record<string, unknown>) | undefined} {
  const encode = gen[`encode${name}`] as Encode | undefined
  const decode = gen[`decode${name}`] as Decode | undefined
  if (typeof encode !== 'function' || typeof decode !== 'function') {
    throw new Error(`generated/index.ts does not export encode${name} / decode${name}`)
  }
  return {encode, decode, makeDefault: gen[`default${name}`] as (() => Record<string, unknown>) | undefined}
}

function encodeWith(encode: Encode, value: unknown, version: number): Buffer {
  const w = new Writer(64)
  encode(w, value, version)
  return Buffer.from(w.finish()) // copy: the writer's buffer is reused by nobody, but be safe
}

function decodeAll(decode: Decode, bytes: Buffer, version: number): {value: Record<string, unknown>; consumed: number} {
  const r = new Reader(bytes)
  const value = decode(r, version)
  return {value, consumed: r.pos}
}

function show(x: unknown): string {
  if (typeof x === 'bigint') return `${x}n`
  if (x instanceof Uint8Array) return `<${Buffer.from(x).toString('hex')}>`
  if (x === undefined) return 'undefined'
  const s = JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
  return s.length > 120 ? s.slice(0, 117) + '...' : s
}

/** The path of the first difference between two codec values, with both sides, or null if equal. */
function firstDifference(actual: unknown, expected: unknown, path = '$'): string | null {
  if (actual === expected) return null
  if (typeof actual === 'number' && typeof expected === 'number' && Object.is(actual, expected)) return null
  if (actual instanceof Uint8Array && expected instanceof Uint8Array) {
    return Buffer.from(actual).equals(Buffer.from(expected)) ? null : `${path}: got ${show(actual)}, expected ${show(expected)}`
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return `${path}: got ${actual.length} elements, expected ${expected.length}`
    for (let i = 0; i < actual.length; i++) {
      const d = firstDifference(actual[i], expected[i], `${path}[${i}]`)
      if (d !== null) return d
    }
    return null
  }
  if (
    actual !== null &&
    expected !== null &&
    typeof actual === 'object' &&
    typeof expected === 'object' &&
    !Array.isArray(actual) &&
    !Array.isArray(expected) &&
    !(actual instanceof Uint8Array) &&
    !(expected instanceof Uint8Array)
  ) {
    const a = actual as Record<string, unknown>
    const e = expected as Record<string, unknown>
    for (const k of new Set([...Object.keys(e), ...Object.keys(a)])) {
      if (!(k in a) && e[k] !== undefined) return `${path}.${k}: missing, expected ${show(e[k])}`
      if (!(k in e) && a[k] !== undefined) return `${path}.${k}: unexpected property ${show(a[k])}`
      const d = firstDifference(a[k], e[k], `${path}.${k}`)
      if (d !== null) return d
    }
    return null
  }
  return `${path}: got ${show(actual)} (${typeof actual}), expected ${show(expected)} (${typeof expected})`
}

function byteDifference(actual: Buffer, expected: Buffer): string | null {
  if (actual.equals(expected)) return null
  let i = 0
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++
  const around = (b: Buffer) => b.subarray(Math.max(0, i - 4), i + 8).toString('hex')
  return `bytes differ at offset ${i} (got ${actual.length} bytes, expected ${expected.length}): got ...${around(actual)}..., expected ...${around(expected)}...`
}

function seedOf(name: string, version: number, salt: number): number {
  let h = 2166136261 ^ salt
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  return (h ^ Math.imul(version + 1, 0x9e3779b1)) >>> 0
}

/** More seeds per version for a deeper (slower) run: TSKAFKA_CODEC_SEEDS=200 npx vitest run test/unit/codec-roundtrip.test.ts */
const EXTRA_SEEDS = Number(process.env['TSKAFKA_CODEC_SEEDS'] ?? 0)

const SEED_PLAIN: GenOptions = {nullChance: 0, minArray: 0, unknownTags: false}
const SEED_NULLS: GenOptions = {nullChance: 0.7, minArray: 0, unknownTags: true}
const SEED_GATES: GenOptions = {nullChance: 0, minArray: 1, unknownTags: false}

/** Encode -> compare with reference -> decode -> compare -> re-encode -> compare. */
function roundTrip(msg: MessageSpec, version: number, value: Record<string, unknown>): Buffer {
  const {encode, decode} = codecOf(msg.name)
  const bytes = encodeWith(encode, value, version)
  const reference = refEncode(msg, value, version)
  expect(byteDifference(bytes, reference), 'generated encoding differs from the reference encoding').toBeNull()
  const {value: decoded, consumed} = decodeAll(decode, bytes, version)
  expect(consumed, 'decoder must consume every byte').toBe(bytes.length)
  expect(firstDifference(normalize(decoded), normalize(value)), 'decoded value differs').toBeNull()
  const again = encodeWith(encode, decoded, version)
  expect(byteDifference(again, bytes), 're-encoding the decoded value').toBeNull()
  return bytes
}

/** Deletes every property equal to its schema default, recursively (what a caller may leave out). */
function withoutDefaults(msg: MessageSpec, s: StructSpec, value: Record<string, unknown>): Record<string, unknown> {
  for (const f of s.fields) {
    const fv = value[f.prop]
    if (isDefault(msg, f, fv)) {
      delete value[f.prop]
      continue
    }
    if (fv === null) continue
    if (f.type.kind === 'struct') withoutDefaults(msg, msg.structs.get(f.type.name)!, fv as Record<string, unknown>)
    else if (f.type.kind === 'array' && f.type.element.kind === 'struct') {
      for (const e of fv as Record<string, unknown>[]) withoutDefaults(msg, msg.structs.get(f.type.element.name)!, e)
    }
  }
  return value
}

const SCHEMAS = loadSchemas()
const CODEC_SCHEMAS = SCHEMAS.filter(m => m.type === 'request' || m.type === 'response' || m.type === 'header')
const CASES = CODEC_SCHEMAS.flatMap(msg => versionsOf(msg).map(version => [`${msg.name} v${version}`, {version, msg}] as const))

describe('schemas on disk', () => {
  it('are all there', () => {
    expect(CODEC_SCHEMAS.filter(m => m.type === 'request').length).toBeGreaterThanOrEqual(80)
    expect(CODEC_SCHEMAS.filter(m => m.type === 'response').length).toBe(CODEC_SCHEMAS.filter(m => m.type === 'request').length)
    expect(CODEC_SCHEMAS.filter(m => m.type === 'header').map(m => m.name).sort()).toEqual(['RequestHeader', 'ResponseHeader'])
    expect(CASES.length).toBeGreaterThan(500)
  })
})

describe.each(CASES)('%s', (_title, {msg, version}) => {
  it('round-trips non-default values in every field (no nulls)', () => {
    const value = randomMessage(msg, version, seedOf(msg.name, version, 1), SEED_PLAIN)
    const bytes = roundTrip(msg, version, value)

    // Every strict prefix is malformed input: the decoder must say so with ProtocolError.
    const {decode} = codecOf(msg.name)
    const step = Math.max(1, Math.floor(bytes.length / 64))
    for (let len = 0; len < bytes.length; len += step) {
      let error: unknown = null
      try {
        decode(new Reader(bytes.subarray(0, len)), version)
      } catch (e) {
        error = e
      }
      expect(error, `decoding the first ${len} of ${bytes.length} bytes`).toBeInstanceOf(ProtocolError)
    }
  })

  it('round-trips with nulls where nullable and unknown tagged fields where flexible', () => {
    const value = randomMessage(msg, version, seedOf(msg.name, version, 2), SEED_NULLS)
    const bytes = roundTrip(msg, version, value)

    // Corrupted input: decoding either succeeds or throws ProtocolError, never anything else.
    const {decode} = codecOf(msg.name)
    const rng = new Rng(seedOf(msg.name, version, 5))
    for (let i = 0; i < 16 && bytes.length > 0; i++) {
      const bad = Buffer.from(bytes)
      for (let k = rng.int(1, 3); k > 0; k--) bad[rng.int(0, bad.length - 1)] = rng.pick([0x00, 0x7f, 0x80, 0xff, rng.int(0, 255)])
      try {
        decode(new Reader(bad), version)
      } catch (e) {
        expect(e, `decoding corrupted bytes ${bad.toString('hex')}`).toBeInstanceOf(ProtocolError)
      }
    }
  })

  if (EXTRA_SEEDS > 0) {
    it(`round-trips ${EXTRA_SEEDS} more seeds (TSKAFKA_CODEC_SEEDS)`, () => {
      for (let i = 0; i < EXTRA_SEEDS; i++) {
        const opts: GenOptions = {nullChance: (i % 4) / 4, minArray: 0, unknownTags: i % 2 === 1}
        roundTrip(msg, version, randomMessage(msg, version, seedOf(msg.name, version, 100 + i), opts))
      }
    })
  }

  it('treats missing properties as schema defaults and decodes absent fields as defaults', () => {
    const {encode, decode, makeDefault} = codecOf(msg.name)
    const defaults = defaultStruct(msg, msg.root)
    if (makeDefault !== undefined) {
      expect(firstDifference(normalize(makeDefault()), defaults), `default${msg.name}()`).toBeNull()
    }
    const fromEmpty = encodeWith(encode, {}, version)
    expect(byteDifference(fromEmpty, refEncode(msg, defaults, version)), 'encoding {}').toBeNull()
    expect(byteDifference(encodeWith(encode, defaults, version), fromEmpty), 'encoding the defaults').toBeNull()
    const {value, consumed} = decodeAll(decode, fromEmpty, version)
    expect(consumed).toBe(fromEmpty.length)
    expect(firstDifference(normalize(value), defaults)).toBeNull()

    // Nested structs too: leaving out every property that holds its default changes nothing.
    const full = randomMessage(msg, version, seedOf(msg.name, version, 6), {nullChance: 0.3, minArray: 1, unknownTags: false})
    const sparse = withoutDefaults(msg, msg.root, cloneValue(full))
    expect(byteDifference(encodeWith(encode, sparse, version), encodeWith(encode, full, version)), 'encoding with default properties left out').toBeNull()
  })

  it('refuses non-default values the version cannot carry, unless the field is ignorable', () => {
    const {encode} = codecOf(msg.name)
    const rng = new Rng(seedOf(msg.name, version, 3))
    const base = randomMessage(msg, version, seedOf(msg.name, version, 4), SEED_GATES)
    const baseBytes = encodeWith(encode, base, version)
    const problems: string[] = []
    for (const slot of fieldSlots(msg, msg.root, base, version)) {
      const f = slot.field
      const saved = slot.owner[f.prop]
      if (!isPresent(f, version)) {
        // A field absent from this version, set to a non-default value.
        slot.owner[f.prop] = randomFieldValue(msg, f, f.versions.lo, rng, SEED_GATES)
        let error: unknown = null
        let bytes: Buffer | null = null
        try {
          bytes = encodeWith(encode, base, version)
        } catch (e) {
          error = e
        }
        slot.owner[f.prop] = saved
        if (f.ignorable) {
          if (error !== null) problems.push(`${slot.path} (ignorable, versions ${f.versions.lo}+): threw ${String(error)}`)
          else if (!bytes!.equals(baseBytes)) problems.push(`${slot.path} (ignorable): changed the encoding instead of being dropped`)
        } else if (!(error instanceof UnsupportedVersionError)) {
          problems.push(`${slot.path} (not ignorable, absent at v${version}): ${error === null ? 'was silently dropped' : `threw ${String(error)} instead of UnsupportedVersionError`}`)
        }
      } else if (!isNullable(f, version) && !isEmptyRange(f.nullableVersions)) {
        // Nullable in other versions but not this one: Kafka throws (NullPointerException).
        slot.owner[f.prop] = null
        let threw = false
        try {
          encodeWith(encode, base, version)
        } catch {
          threw = true
        }
        slot.owner[f.prop] = saved
        if (!threw) problems.push(`${slot.path}: null accepted at v${version} where the field is not nullable`)
      }
    }
    // Messages that are never flexible have no _unknownTaggedFields property to set.
    if (!isFlexible(msg, version) && !isEmptyRange(msg.flexibleVersions)) {
      const withTags = {...base, _unknownTaggedFields: [{tag: 0, data: Buffer.from([1])}]}
      let error: unknown = null
      try {
        encodeWith(encode, withTags, version)
      } catch (e) {
        error = e
      }
      if (!(error instanceof UnsupportedVersionError)) problems.push(`unknown tagged fields at non-flexible v${version} were not refused`)
    }
    expect(problems).toEqual([])
  })
})

// ---------------------------------------------------------------------------
// Hand-decoded layouts

function schema(name: string): MessageSpec {
  const m = SCHEMAS.find(s => s.name === name)
  if (m === undefined) throw new Error(`no schema ${name}`)
  return m
}

interface RawTag {
  tag: number
  data: Buffer
}

function readTagSection(r: Reader): RawTag[] {
  const n = r.uvarint()
  const out: RawTag[] = []
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint()
    const size = r.uvarint()
    out.push({tag, data: Buffer.from(r.raw(size))})
  }
  return out
}

describe('tagged fields', () => {
  it('ApiVersionsResponse v3 writes all four tagged fields in ascending tag order', () => {
    const {encode, decode} = codecOf('ApiVersionsResponse')
    const value = {
      errorCode: 35,
      apiKeys: [],
      throttleTimeMs: 7,
      zkMigrationReady: true, // tag 3, declared last
      finalizedFeatures: [{name: 'metadata.version', maxVersionLevel: 20, minVersionLevel: 1}], // tag 2
      finalizedFeaturesEpoch: 2n ** 60n, // tag 1
      supportedFeatures: [{name: 'kraft.version', minVersion: 0, maxVersion: 1}], // tag 0
    }
    const bytes = encodeWith(encode, value, 3)
    const r = new Reader(bytes)
    expect(r.int16()).toBe(35)
    expect(r.compactArrayLength()).toBe(0)
    expect(r.int32()).toBe(7)
    const tags = readTagSection(r)
    expect(r.remaining).toBe(0)
    expect(tags.map(t => t.tag)).toEqual([0, 1, 2, 3])
    // tag 0: compact array of one {compact string, int16, int16, empty tag section}
    const t0 = new Reader(tags[0]!.data)
    expect(t0.compactArrayLength()).toBe(1)
    expect(t0.compactString()).toBe('kraft.version')
    expect([t0.int16(), t0.int16(), t0.uvarint(), t0.remaining]).toEqual([0, 1, 0, 0])
    expect(tags[1]!.data.length).toBe(8)
    expect(new Reader(tags[1]!.data).int64()).toBe(2n ** 60n)
    expect([...tags[3]!.data]).toEqual([1])
    expect(firstDifference(normalize(decode(new Reader(bytes), 3)), {...value})).toBeNull()
  })

  it('ApiVersionsResponse v3 omits tagged fields left at their defaults', () => {
    const {encode} = codecOf('ApiVersionsResponse')
    const bytes = encodeWith(encode, {errorCode: 0, apiKeys: [], throttleTimeMs: 0, finalizedFeaturesEpoch: -1n, zkMigrationReady: false}, 3)
    expect([...bytes]).toEqual([0, 0, 1, 0, 0, 0, 0, 0])
  })

  it('FetchRequest v15 writes ClusterId (tag 0) then ReplicaState (tag 1) after the fixed fields', () => {
    const {encode, decode} = codecOf('FetchRequest')
    const value = {
      clusterId: 'clüster',
      replicaState: {replicaId: 3, replicaEpoch: 2n ** 40n},
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1024,
      isolationLevel: 1,
      sessionId: 9,
      sessionEpoch: 2,
      topics: [],
      forgottenTopicsData: [],
      rackId: 'r1',
    }
    const bytes = encodeWith(encode, value, 15)
    const r = new Reader(bytes)
    expect([r.int32(), r.int32(), r.int32(), r.int8(), r.int32(), r.int32()]).toEqual([500, 1, 1024, 1, 9, 2])
    expect(r.compactArrayLength()).toBe(0)
    expect(r.compactArrayLength()).toBe(0)
    expect(r.compactString()).toBe('r1')
    const tags = readTagSection(r)
    expect(r.remaining).toBe(0)
    expect(tags.map(t => t.tag)).toEqual([0, 1])
    expect(new Reader(tags[0]!.data).compactNullableString()).toBe('clüster')
    const rs = new Reader(tags[1]!.data)
    expect([rs.int32(), rs.int64(), rs.uvarint(), rs.remaining]).toEqual([3, 2n ** 40n, 0, 0])
    const decoded = normalize(decode(new Reader(bytes), 15))
    expect(decoded['clusterId']).toBe('clüster')
    expect(decoded['replicaState']).toEqual({replicaId: 3, replicaEpoch: 2n ** 40n})
    expect(decoded['replicaId']).toBe(-1) // absent since v15: the schema default
  })

  it('keeps unknown tagged fields, including a tag that is known only in later versions', () => {
    // FetchRequest v12: tag 0 is ClusterId; tag 1 (ReplicaState) only exists from v15, so here it is unknown.
    const {encode, decode} = codecOf('FetchRequest')
    const w = new Writer()
    w.int32(-1) // ReplicaId
    w.int32(100) // MaxWaitMs
    w.int32(1) // MinBytes
    w.int32(4096) // MaxBytes
    w.int8(0) // IsolationLevel
    w.int32(0) // SessionId
    w.int32(-1) // SessionEpoch
    w.uvarint(1) // Topics: []
    w.uvarint(1) // ForgottenTopicsData: []
    w.compactString('') // RackId
    w.uvarint(4) // four tagged fields
    w.uvarint(0)
    w.uvarint(3)
    w.compactString('ab') // ClusterId
    w.uvarint(1)
    w.uvarint(2)
    w.raw(Buffer.from([0xde, 0xad]))
    w.uvarint(7)
    w.uvarint(0)
    w.uvarint(200) // two-byte tag number
    w.uvarint(1)
    w.raw(Buffer.from([0x42]))
    const bytes = Buffer.from(w.finish())

    const r = new Reader(bytes)
    const decoded = decode(r, 12)
    expect(r.pos).toBe(bytes.length)
    expect(decoded['clusterId']).toBe('ab')
    expect(decoded['replicaState']).toEqual({replicaId: -1, replicaEpoch: -1n})
    expect(normalize(decoded)['_unknownTaggedFields']).toEqual([
      {tag: 1, data: Buffer.from([0xde, 0xad])},
      {tag: 7, data: Buffer.alloc(0)},
      {tag: 200, data: Buffer.from([0x42])},
    ])
    expect(byteDifference(encodeWith(encode, decoded, 12), bytes)).toBeNull()
  })

  it('writes a tagged struct whose only non-default content is its unknown tagged fields (Kafka equals() compares them)', () => {
    const {encode, decode} = codecOf('FetchRequest')
    const value = {replicaState: {replicaId: -1, replicaEpoch: -1n, _unknownTaggedFields: [{tag: 5, data: Buffer.from([1])}]}}
    const bytes = encodeWith(encode, value, 15)
    expect(byteDifference(bytes, refEncode(schema('FetchRequest'), {...defaultStruct(schema('FetchRequest'), schema('FetchRequest').root), ...value}, 15))).toBeNull()
    expect(normalize(decode(new Reader(bytes), 15))['replicaState']).toEqual(normalize(value.replicaState))
  })

  it('keeps unknown tagged fields inside nested structs', () => {
    const {encode, decode} = codecOf('MetadataRequest')
    const value = {
      topics: [{topicId: ZERO_UUID, name: 'a', _unknownTaggedFields: [{tag: 5, data: Buffer.from([1, 2])}]}],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: true,
      _unknownTaggedFields: [{tag: 0, data: Buffer.from([9])}],
    }
    const bytes = encodeWith(encode, value, 12)
    const decoded = decode(new Reader(bytes), 12)
    expect(firstDifference(normalize(decoded), normalize(value))).toBeNull()
    expect(byteDifference(encodeWith(encode, decoded, 12), bytes)).toBeNull()
  })
})

describe('request and response headers', () => {
  const req = codecOf('RequestHeader')
  const res = codecOf('ResponseHeader')

  it('request header v0: api key, version, correlation id; ClientId (ignorable) is dropped', () => {
    const bytes = encodeWith(req.encode, {requestApiKey: 7, requestApiVersion: 0, correlationId: 5, clientId: 'x'}, 0)
    expect([...bytes]).toEqual([0, 7, 0, 0, 0, 0, 0, 5])
    expect(decodeAll(req.decode, bytes, 0).value).toEqual({requestApiKey: 7, requestApiVersion: 0, correlationId: 5, clientId: ''})
  })

  it('request header v1: ClientId as a classic nullable string', () => {
    const bytes = encodeWith(req.encode, {requestApiKey: 3, requestApiVersion: 9, correlationId: 1, clientId: 'ab'}, 1)
    expect([...bytes]).toEqual([0, 3, 0, 9, 0, 0, 0, 1, 0, 2, 0x61, 0x62])
    const nul = encodeWith(req.encode, {requestApiKey: 3, requestApiVersion: 9, correlationId: 1, clientId: null}, 1)
    expect([...nul]).toEqual([0, 3, 0, 9, 0, 0, 0, 1, 0xff, 0xff])
    expect(decodeAll(req.decode, nul, 1).value['clientId']).toBeNull()
  })

  it('request header v2: ClientId stays a classic int16 string, then an empty tag section', () => {
    const bytes = encodeWith(req.encode, {requestApiKey: 18, requestApiVersion: 3, correlationId: 0x01020304, clientId: 'ab'}, 2)
    expect([...bytes]).toEqual([0, 18, 0, 3, 1, 2, 3, 4, 0, 2, 0x61, 0x62, 0])
    const {value, consumed} = decodeAll(req.decode, bytes, 2)
    expect(consumed).toBe(bytes.length)
    expect(normalize(value)).toEqual({requestApiKey: 18, requestApiVersion: 3, correlationId: 0x01020304, clientId: 'ab'})
    const nul = encodeWith(req.encode, {requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: null}, 2)
    expect([...nul]).toEqual([0, 18, 0, 3, 0, 0, 0, 1, 0xff, 0xff, 0])
  })

  it('response header v0 is the correlation id; v1 adds an empty tag section', () => {
    expect([...encodeWith(res.encode, {correlationId: 7}, 0)]).toEqual([0, 0, 0, 7])
    expect([...encodeWith(res.encode, {correlationId: 7}, 1)]).toEqual([0, 0, 0, 7, 0])
    expect(normalize(decodeAll(res.decode, Buffer.from([0xff, 0xff, 0xff, 0xfe, 0]), 1).value)).toEqual({correlationId: -2})
  })

  it('exports the header codecs from index.ts by their plain names', () => {
    expect(typeof gen['encodeRequestHeader']).toBe('function')
    expect(typeof gen['decodeRequestHeader']).toBe('function')
    expect(typeof gen['encodeResponseHeader']).toBe('function')
    expect(typeof gen['decodeResponseHeader']).toBe('function')
  })
})

describe('header versions', () => {
  const requests = CODEC_SCHEMAS.filter(m => m.type === 'request')
  const responses = new Map(CODEC_SCHEMAS.filter(m => m.type === 'response').map(m => [m.apiKey, m]))

  it('special cases: ApiVersions responses always use header v0; ControlledShutdown v0 uses request header v0', () => {
    expect(generated.responseHeaderVersion(18, 3)).toBe(0)
    expect(generated.responseHeaderVersion(18, 4)).toBe(0)
    expect(generated.requestHeaderVersion(18, 3)).toBe(2)
    expect(generated.requestHeaderVersion(7, 0)).toBe(0)
    expect(generated.requestHeaderVersion(7, 1)).toBe(1)
    expect(generated.requestHeaderVersion(3, 8)).toBe(1)
    expect(generated.requestHeaderVersion(3, 9)).toBe(2)
    expect(generated.responseHeaderVersion(3, 8)).toBe(0)
    expect(generated.responseHeaderVersion(3, 9)).toBe(1)
  })

  it('every API and version: flexible requests use header v2 (else v1), flexible responses v1 (else v0)', () => {
    const wrong: string[] = []
    for (const rq of requests) {
      const rs = responses.get(rq.apiKey)!
      for (const v of versionsOf(rq)) {
        const wantReq = rq.apiKey === 7 && v === 0 ? 0 : inRange(rq.flexibleVersions, v) ? 2 : 1
        const wantRes = rq.apiKey === 18 ? 0 : inRange(rs.flexibleVersions, v) ? 1 : 0
        const gotReq = generated.requestHeaderVersion(rq.apiKey!, v)
        const gotRes = generated.responseHeaderVersion(rq.apiKey!, v)
        if (gotReq !== wantReq) wrong.push(`${rq.name} v${v}: request header v${gotReq}, expected v${wantReq}`)
        if (gotRes !== wantRes) wrong.push(`${rs.name} v${v}: response header v${gotRes}, expected v${wantRes}`)
      }
    }
    expect(wrong).toEqual([])
  })
})

describe('API_KEY and API_DESCRIPTORS', () => {
  const requests = CODEC_SCHEMAS.filter(m => m.type === 'request')

  it('describe every API in the schemas', () => {
    const wrong: string[] = []
    const descriptors = generated.API_DESCRIPTORS as unknown as ReadonlyMap<number, Record<string, unknown>>
    const apiKey = generated.API_KEY as Record<string, number>
    for (const rq of requests) {
      const name = rq.name.replace(/Request$/, '')
      const rs = CODEC_SCHEMAS.find(m => m.type === 'response' && m.apiKey === rq.apiKey)!
      if (apiKey[name] !== rq.apiKey) wrong.push(`API_KEY.${name} is ${apiKey[name]}, expected ${rq.apiKey}`)
      const d = descriptors.get(rq.apiKey!)
      if (d === undefined) {
        wrong.push(`no descriptor for ${name} (${rq.apiKey})`)
        continue
      }
      const want = {
        apiKey: rq.apiKey,
        name,
        minVersion: rq.validVersions.lo,
        maxVersion: rq.validVersions.hi,
        flexibleMinVersion: isEmptyRange(rq.flexibleVersions) ? null : rq.flexibleVersions.lo,
        listeners: rq.listeners,
      }
      for (const [k, v] of Object.entries(want)) {
        if (firstDifference(d[k], v) !== null) wrong.push(`${name}.${k} is ${show(d[k])}, expected ${show(v)}`)
      }
      if ('latestVersionUnstable' in d && d['latestVersionUnstable'] !== rq.latestVersionUnstable) {
        wrong.push(`${name}.latestVersionUnstable is ${show(d['latestVersionUnstable'])}, expected ${rq.latestVersionUnstable}`)
      }
      if (d['encodeRequest'] !== gen[`encode${rq.name}`]) wrong.push(`${name}.encodeRequest is not encode${rq.name}`)
      if (d['decodeRequest'] !== gen[`decode${rq.name}`]) wrong.push(`${name}.decodeRequest is not decode${rq.name}`)
      if (d['encodeResponse'] !== gen[`encode${rs.name}`]) wrong.push(`${name}.encodeResponse is not encode${rs.name}`)
      if (d['decodeResponse'] !== gen[`decode${rs.name}`]) wrong.push(`${name}.decodeResponse is not decode${rs.name}`)
    }
    expect(wrong).toEqual([])
    expect(descriptors.size).toBe(requests.length)
  })
})

describe('schema helpers', () => {
  it('parse version ranges', () => {
    expect(parseVersions('0+')).toEqual({lo: 0, hi: 0x7fff})
    expect(parseVersions('1-3')).toEqual({lo: 1, hi: 3})
    expect(parseVersions('3')).toEqual({lo: 3, hi: 3})
    expect(isEmptyRange(parseVersions('none'))).toBe(true)
    expect(isEmptyRange(parseVersions(undefined))).toBe(true)
    expect(inRange(parseVersions('1-3'), 0)).toBe(false)
    expect(inRange(parseVersions('1-3'), 3)).toBe(true)
    expect(() => parseVersions('3-1')).toThrow()
    expect(() => parseVersions('x')).toThrow()
  })

  it('strip // comments but not // inside strings', () => {
    expect(JSON.parse(stripJsonComments('{\n// c\n"a": "http://x" // d\n}'))).toEqual({a: 'http://x'})
  })
})

describe('defaults computed from the schema', () => {
  it('parse hex, negative and boolean defaults, and null defaults for nullable fields', () => {
    const fetch = schema('FetchRequest')
    const f = (name: string) => fetch.root.fields.find(x => x.name === name)!
    expect(defaultOf(fetch, f('MaxBytes'))).toBe(0x7fffffff)
    expect(defaultOf(fetch, f('SessionEpoch'))).toBe(-1)
    expect(defaultOf(fetch, f('ClusterId'))).toBeNull()
    expect(defaultOf(fetch, f('RackId'))).toBe('')
    expect(defaultOf(fetch, f('ReplicaState'))).toEqual({replicaId: -1, replicaEpoch: -1n})
    const meta = schema('MetadataRequest')
    expect(defaultOf(meta, meta.root.fields.find(x => x.name === 'AllowAutoTopicCreation')!)).toBe(true)
    const dg = schema('DescribeGroupsResponse')
    const groups = dg.structs.get('DescribedGroup')!
    expect(defaultOf(dg, groups.fields.find(x => x.name === 'AuthorizedOperations')!)).toBe(-2147483648)
    const cgh = schema('ConsumerGroupHeartbeatResponse')
    expect(defaultOf(cgh, cgh.root.fields.find(x => x.name === 'Assignment')!)).toBeNull()
    expect(cloneValue(defaultStruct(fetch, fetch.root))).toEqual(defaultStruct(fetch, fetch.root))
  })
})
