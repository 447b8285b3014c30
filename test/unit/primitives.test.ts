// Wire primitives against vectors computed from the protocol guide: zig-zag
// varints (Kafka's ByteUtils), classic and compact strings/bytes, UUIDs in
// Kafka's base64url text form, and the rule that malformed or truncated input
// only ever raises ProtocolError.

import {describe, expect, it} from 'vitest'

import {ProtocolError, Reader, Writer, writeTaggedFields, ZERO_UUID} from '../../src/protocol/primitives.js'

function bytesOf(write: (w: Writer) => void): number[] {
  const w = new Writer(1)
  write(w)
  return [...w.finish()]
}

function reader(bytes: number[]): Reader {
  return new Reader(Buffer.from(bytes))
}

/** Zig-zag then base-128, computed independently of the code under test. */
function expectedVarint(n: bigint, bits: 32 | 64): number[] {
  const mask = (1n << BigInt(bits)) - 1n
  let u = ((n << 1n) ^ (n >> BigInt(bits - 1))) & mask
  const out: number[] = []
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80)
    u >>= 7n
  }
  out.push(Number(u))
  return out
}

describe('unsigned varint', () => {
  it.each<[number, number[]]>([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16383, [0xff, 0x7f]],
    [16384, [0x80, 0x80, 0x01]],
    [2 ** 31, [0x80, 0x80, 0x80, 0x80, 0x08]],
    [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('%d <-> %j', (n, bytes) => {
    expect(bytesOf(w => w.uvarint(n))).toEqual(bytes)
    const r = reader(bytes)
    expect(r.uvarint()).toBe(n)
    expect(r.remaining).toBe(0)
  })
})

describe('zig-zag varint (int32)', () => {
  it.each<[number, number[]]>([
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [-2, [0x03]],
    [63, [0x7e]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [150, [0xac, 0x02]],
    [300, [0xd8, 0x04]],
    [-300, [0xd7, 0x04]],
    [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('%d <-> %j', (n, bytes) => {
    expect(expectedVarint(BigInt(n), 32)).toEqual(bytes)
    expect(bytesOf(w => w.varint(n))).toEqual(bytes)
    const r = reader(bytes)
    expect(r.varint()).toBe(n)
    expect(r.remaining).toBe(0)
  })

  it('round-trips a spread of int32 values', () => {
    for (let i = 0; i < 2000; i++) {
      const n = (Math.imul(i, 2654435761) ^ (i << 7)) | 0
      const bytes = bytesOf(w => w.varint(n))
      expect(bytes).toEqual(expectedVarint(BigInt(n), 32))
      expect(reader(bytes).varint()).toBe(n)
    }
  })
})

describe('zig-zag varlong (int64)', () => {
  it.each<[bigint, number[]]>([
    [0n, [0x00]],
    [-1n, [0x01]],
    [1n, [0x02]],
    [150n, [0xac, 0x02]],
    [300n, [0xd8, 0x04]],
    [2n ** 31n, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [-(2n ** 31n), [0xff, 0xff, 0xff, 0xff, 0x0f]],
    [2n ** 53n + 1n, [0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]],
    [2n ** 63n - 1n, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [-(2n ** 63n), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ])('%s <-> %j', (n, bytes) => {
    expect(expectedVarint(n, 64)).toEqual(bytes)
    expect(bytesOf(w => w.varlong(n))).toEqual(bytes)
    const r = reader(bytes)
    expect(r.varlong()).toBe(n)
    expect(r.remaining).toBe(0)
  })
})

describe('overlong varints', () => {
  it('rejects a varint longer than 5 bytes', () => {
    expect(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).uvarint()).toThrow(ProtocolError)
    expect(() => reader([0xff, 0xff, 0xff, 0xff, 0xff, 0x00]).varint()).toThrow(ProtocolError)
  })

  it('rejects a 5-byte varint whose value needs more than 32 bits', () => {
    expect(() => reader([0xff, 0xff, 0xff, 0xff, 0x1f]).uvarint()).toThrow(ProtocolError)
  })

  it('rejects a varlong longer than 10 bytes', () => {
    const eleven = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]
    expect(() => reader(eleven).uvarlong()).toThrow(ProtocolError)
    expect(() => reader(eleven).varlong()).toThrow(ProtocolError)
  })
})

describe('fixed-width integers and floats', () => {
  it('writes big-endian two-complement values', () => {
    expect(bytesOf(w => w.int8(-1))).toEqual([0xff])
    expect(bytesOf(w => w.int8(-128))).toEqual([0x80])
    expect(bytesOf(w => w.int16(-2))).toEqual([0xff, 0xfe])
    expect(bytesOf(w => w.int16(0x1234))).toEqual([0x12, 0x34])
    expect(bytesOf(w => w.uint16(65535))).toEqual([0xff, 0xff])
    expect(bytesOf(w => w.int32(-2147483648))).toEqual([0x80, 0, 0, 0])
    expect(bytesOf(w => w.int32(0x01020304))).toEqual([1, 2, 3, 4])
    expect(bytesOf(w => w.uint32(0xfffffffe))).toEqual([0xff, 0xff, 0xff, 0xfe])
    expect(bytesOf(w => w.int64(-(2n ** 63n)))).toEqual([0x80, 0, 0, 0, 0, 0, 0, 0])
    expect(bytesOf(w => w.int64(2n ** 53n + 1n))).toEqual([0, 0x20, 0, 0, 0, 0, 0, 1])
    expect(bytesOf(w => w.float64(1.5))).toEqual([0x3f, 0xf8, 0, 0, 0, 0, 0, 0])
    expect(bytesOf(w => w.bool(true))).toEqual([1])
    expect(bytesOf(w => w.bool(false))).toEqual([0])
  })

  it('reads them back', () => {
    const r = reader([0xff, 0xff, 0xfe, 0xff, 0xff, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 2])
    expect(r.int8()).toBe(-1)
    expect(r.int16()).toBe(-2)
    expect(r.uint16()).toBe(65535)
    expect(r.int32()).toBe(-2147483648)
    expect(r.int64()).toBe(-(2n ** 63n))
    expect(r.float64()).toBe(1.5)
    expect(r.bool()).toBe(true) // any non-zero byte is true, as in Kafka
    expect(r.remaining).toBe(0)
  })

  it('keeps int64 values beyond 2^53 exact', () => {
    for (const n of [2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, 1234567890123456789n]) {
      const w = new Writer()
      w.int64(n)
      expect(new Reader(w.finish()).int64()).toBe(n)
    }
  })
})

describe('strings', () => {
  it.each<[string, number[]]>([
    ['', [0x00, 0x00]],
    ['kafka', [0x00, 0x05, 0x6b, 0x61, 0x66, 0x6b, 0x61]],
    ['é', [0x00, 0x02, 0xc3, 0xa9]],
    ['🙂', [0x00, 0x04, 0xf0, 0x9f, 0x99, 0x82]],
    ['日本', [0x00, 0x06, 0xe6, 0x97, 0xa5, 0xe6, 0x9c, 0xac]],
  ])('classic %j <-> %j (length in UTF-8 bytes)', (s, bytes) => {
    expect(bytesOf(w => w.string(s))).toEqual(bytes)
    expect(bytesOf(w => w.nullableString(s))).toEqual(bytes)
    expect(reader(bytes).string()).toBe(s)
    expect(reader(bytes).nullableString()).toBe(s)
  })

  it.each<[string, number[]]>([
    ['', [0x01]],
    ['kafka', [0x06, 0x6b, 0x61, 0x66, 0x6b, 0x61]],
    ['é', [0x03, 0xc3, 0xa9]],
    ['🙂', [0x05, 0xf0, 0x9f, 0x99, 0x82]],
  ])('compact %j <-> %j (length + 1 as uvarint)', (s, bytes) => {
    expect(bytesOf(w => w.compactString(s))).toEqual(bytes)
    expect(bytesOf(w => w.compactNullableString(s))).toEqual(bytes)
    expect(reader(bytes).compactString()).toBe(s)
    expect(reader(bytes).compactNullableString()).toBe(s)
  })

  it('encodes null as length -1 (classic) or 0 (compact)', () => {
    expect(bytesOf(w => w.nullableString(null))).toEqual([0xff, 0xff])
    expect(bytesOf(w => w.compactNullableString(null))).toEqual([0x00])
    expect(reader([0xff, 0xff]).nullableString()).toBeNull()
    expect(reader([0x00]).compactNullableString()).toBeNull()
  })

  it('rejects null where a string is required', () => {
    expect(() => reader([0xff, 0xff]).string()).toThrow(ProtocolError)
    expect(() => reader([0x00]).compactString()).toThrow(ProtocolError)
  })

  it('uses a multi-byte uvarint length for long compact strings', () => {
    const s = 'x'.repeat(200)
    const bytes = bytesOf(w => w.compactString(s))
    expect(bytes.slice(0, 2)).toEqual([0xc9, 0x01])
    expect(bytes.length).toBe(202)
    expect(reader(bytes).compactString()).toBe(s)
  })

  it('round-trips long multibyte strings (decoder path for >= 32 bytes)', () => {
    const s = '日本語🙂é'.repeat(40)
    expect(reader(bytesOf(w => w.string(s))).string()).toBe(s)
    expect(reader(bytesOf(w => w.compactString(s))).compactString()).toBe(s)
  })

  it('refuses a classic string longer than 32767 bytes', () => {
    expect(() => new Writer().string('é'.repeat(16384))).toThrow(ProtocolError)
    expect(bytesOf(w => w.string('a'.repeat(32767))).slice(0, 2)).toEqual([0x7f, 0xff])
  })
})

describe('bytes', () => {
  it('classic and compact, with null', () => {
    expect(bytesOf(w => w.bytes(Buffer.from([1, 2, 3])))).toEqual([0, 0, 0, 3, 1, 2, 3])
    expect(bytesOf(w => w.bytes(Buffer.alloc(0)))).toEqual([0, 0, 0, 0])
    expect(bytesOf(w => w.nullableBytes(null))).toEqual([0xff, 0xff, 0xff, 0xff])
    expect(bytesOf(w => w.compactBytes(Buffer.from([9])))).toEqual([0x02, 9])
    expect(bytesOf(w => w.compactBytes(Buffer.alloc(0)))).toEqual([0x01])
    expect(bytesOf(w => w.compactNullableBytes(null))).toEqual([0x00])

    expect([...reader([0, 0, 0, 3, 1, 2, 3]).bytes()]).toEqual([1, 2, 3])
    expect(reader([0xff, 0xff, 0xff, 0xff]).nullableBytes()).toBeNull()
    expect([...reader([0x02, 9]).compactBytes()]).toEqual([9])
    expect(reader([0x00]).compactNullableBytes()).toBeNull()
    expect(() => reader([0xff, 0xff, 0xff, 0xff]).bytes()).toThrow(ProtocolError)
    expect(() => reader([0x00]).compactBytes()).toThrow(ProtocolError)
  })

  it('reads bytes as a zero-copy view of the input', () => {
    const buf = Buffer.from([0, 0, 0, 2, 7, 8])
    const view = new Reader(buf).bytes()
    buf[4] = 42
    expect(view[0]).toBe(42)
    expect(view.buffer).toBe(buf.buffer)
  })
})

describe('uuid', () => {
  it('ZERO_UUID is the text form of 16 zero bytes', () => {
    expect(ZERO_UUID).toBe('AAAAAAAAAAAAAAAAAAAAAA')
    expect(bytesOf(w => w.uuid(ZERO_UUID))).toEqual(new Array(16).fill(0))
    expect(reader(new Array(16).fill(0)).uuid()).toBe(ZERO_UUID)
  })

  it('uses base64url without padding (as Kafka Uuid.toString)', () => {
    const seq = Array.from({length: 16}, (_, i) => i)
    expect(reader(seq).uuid()).toBe('AAECAwQFBgcICQoLDA0ODw')
    expect(bytesOf(w => w.uuid('AAECAwQFBgcICQoLDA0ODw'))).toEqual(seq)
    // 0xfb 0xff 0xbf encodes to "-_-_": the URL-safe alphabet, not "+/+/".
    const urlSafe = [0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xff]
    expect(reader(urlSafe).uuid()).toBe('-_-_-_-_-_-_-_-_-_-__w')
    expect(bytesOf(w => w.uuid('-_-_-_-_-_-_-_-_-_-__w'))).toEqual(urlSafe)
  })

  it('refuses text that is not 16 bytes', () => {
    expect(() => new Writer().uuid('abc')).toThrow(ProtocolError)
    expect(() => new Writer().uuid('')).toThrow(ProtocolError)
    expect(() => new Writer().uuid('AAAAAAAAAAAAAAAAAAAAAAAA')).toThrow(ProtocolError)
  })
})

describe('arrays', () => {
  it('classic lengths: int32, -1 is null', () => {
    expect(reader([0, 0, 0, 0]).arrayLength()).toBe(0)
    expect(reader([0xff, 0xff, 0xff, 0xff]).arrayLength()).toBe(-1)
    expect(reader([0, 0, 0, 2, 0, 0]).arrayLength()).toBe(2)
  })

  it('compact lengths: uvarint n+1, 0 is null', () => {
    expect(reader([0x01]).compactArrayLength()).toBe(0)
    expect(reader([0x00]).compactArrayLength()).toBe(-1)
    expect(reader([0x03, 0, 0]).compactArrayLength()).toBe(2)
  })

  it('refuses a length larger than the bytes left (no huge allocations from a bad frame)', () => {
    expect(() => reader([0x7f, 0xff, 0xff, 0xff]).arrayLength()).toThrow(ProtocolError)
    expect(() => reader([0xff, 0xff, 0xff, 0xff, 0x0f]).compactArrayLength()).toThrow(ProtocolError)
  })
})

describe('reading past the end', () => {
  const cases: [string, number[], (r: Reader) => unknown][] = [
    ['int8', [], r => r.int8()],
    ['bool', [], r => r.bool()],
    ['int16', [1], r => r.int16()],
    ['uint16', [1], r => r.uint16()],
    ['int32', [1, 2, 3], r => r.int32()],
    ['uint32', [1, 2, 3], r => r.uint32()],
    ['int64', [1, 2, 3, 4, 5, 6, 7], r => r.int64()],
    ['float64', [1, 2, 3, 4, 5, 6, 7], r => r.float64()],
    ['uvarint', [0x80], r => r.uvarint()],
    ['varint', [0xff, 0xff], r => r.varint()],
    ['uvarlong', [0x80, 0x80], r => r.uvarlong()],
    ['varlong', [], r => r.varlong()],
    ['uuid', new Array(15).fill(0), r => r.uuid()],
    ['raw', [1, 2], r => r.raw(3)],
    ['skip', [1, 2], r => r.skip(3)],
    ['string (length)', [0], r => r.string()],
    ['string (body)', [0, 5, 0x61, 0x62], r => r.string()],
    ['nullableString', [0, 1], r => r.nullableString()],
    ['compactString', [0x05, 0x61], r => r.compactString()],
    ['compactNullableString', [0x80], r => r.compactNullableString()],
    ['bytes', [0, 0, 0, 4, 1], r => r.bytes()],
    ['nullableBytes', [0, 0], r => r.nullableBytes()],
    ['compactBytes', [0x03, 1], r => r.compactBytes()],
    ['compactNullableBytes', [0x7f], r => r.compactNullableBytes()],
    ['arrayLength', [0, 0], r => r.arrayLength()],
    ['compactArrayLength', [], r => r.compactArrayLength()],
  ]

  it.each(cases)('%s throws ProtocolError', (_name, bytes, read) => {
    expect(() => read(reader(bytes))).toThrow(ProtocolError)
  })

  it('respects the end of a window into a larger buffer', () => {
    const buf = Buffer.from([0, 0, 0, 1, 0, 0, 0, 2])
    const r = new Reader(buf, 0, 6)
    expect(r.int32()).toBe(1)
    expect(r.remaining).toBe(2)
    expect(() => r.int32()).toThrow(ProtocolError)
    const shifted = new Reader(buf, 4)
    expect(shifted.int32()).toBe(2)
  })

  it('random bytes make every reader method return or throw ProtocolError, nothing else', () => {
    const methods: ((r: Reader) => unknown)[] = [
      r => r.int8(),
      r => r.int16(),
      r => r.int32(),
      r => r.int64(),
      r => r.float64(),
      r => r.uvarint(),
      r => r.varint(),
      r => r.uvarlong(),
      r => r.varlong(),
      r => r.uuid(),
      r => r.string(),
      r => r.nullableString(),
      r => r.compactString(),
      r => r.compactNullableString(),
      r => r.bytes(),
      r => r.nullableBytes(),
      r => r.compactBytes(),
      r => r.compactNullableBytes(),
      r => r.arrayLength(),
      r => r.compactArrayLength(),
    ]
    let seed = 12345
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24
    let errors = 0
    for (let i = 0; i < 3000; i++) {
      const bytes = Array.from({length: next() % 12}, next)
      const r = reader(bytes)
      try {
        for (let k = 0; k < 6; k++) methods[next() % methods.length]!(r)
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError)
        errors++
      }
    }
    expect(errors).toBeGreaterThan(0)
  })
})

describe('Writer', () => {
  it('grows past its initial capacity', () => {
    const w = new Writer(1)
    for (let i = 0; i < 1000; i++) w.int32(i)
    const r = new Reader(w.finish())
    for (let i = 0; i < 1000; i++) expect(r.int32()).toBe(i)
    expect(r.remaining).toBe(0)
  })

  it('patches a reserved int32 (frame sizes)', () => {
    const w = new Writer(2)
    const at = w.reserveInt32()
    w.string('abc')
    w.patchInt32(at, w.pos - 4)
    expect([...w.finish()]).toEqual([0, 0, 0, 5, 0, 3, 0x61, 0x62, 0x63])
  })
})

describe('writeTaggedFields', () => {
  it('writes count, then tag/size/data in ascending tag order, merging known and unknown fields', () => {
    const w = new Writer()
    writeTaggedFields(
      w,
      [
        {tag: 3, write: x => x.int8(3)},
        {tag: 1, write: x => x.int16(1)},
      ],
      [
        {tag: 200, data: Buffer.from([0xaa])},
        {tag: 0, data: Buffer.alloc(0)},
        {tag: 2, data: Buffer.from([7, 8])},
      ],
    )
    expect([...w.finish()]).toEqual([5, 0, 0, 1, 2, 0, 1, 2, 2, 7, 8, 3, 1, 3, 0xc8, 0x01, 1, 0xaa])
  })

  it('writes a single zero byte when there is nothing to write', () => {
    const w = new Writer()
    writeTaggedFields(w, null, undefined)
    writeTaggedFields(w, [], [])
    expect([...w.finish()]).toEqual([0, 0])
  })

  it('refuses the same tag twice', () => {
    expect(() => writeTaggedFields(new Writer(), [{tag: 1, write: x => x.int8(1)}], [{tag: 1, data: Buffer.alloc(0)}])).toThrow(ProtocolError)
  })
})
