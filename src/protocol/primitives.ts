// Kafka wire primitives: fixed-width big-endian integers, zig-zag varints,
// classic (int16/int32 length) and compact (uvarint length+1) strings, bytes
// and arrays, UUIDs and tagged-field sections. The generated codecs in
// ./generated call only these, so a bug fixed here is fixed for every API.
//
// int64 values are bigint: offsets, producer ids and timestamps must survive
// beyond 2^53. UUIDs are strings in Kafka's own text form (base64url, no
// padding, 22 characters), which is what every Kafka tool prints.

export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

const textDecoder = new TextDecoder('utf-8', {fatal: false})

/** Byte fields at least this long are referenced, not copied, by a writer that collects chunks. */
const REFERENCE_THRESHOLD = 16 * 1024

export class Writer {
  buf: Buffer
  pos = 0
  /**
   * Large byte fields kept by reference (see referenceLargeBytes), each with
   * the position in `buf` it follows. Null for an ordinary writer.
   */
  private refs: Array<{at: number; bytes: Uint8Array}> | null = null
  private refBytes = 0

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity)
  }

  ensure(n: number): void {
    const need = this.pos + n
    if (need <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < need) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  /** The bytes written so far (a view, not a copy). Only for writers that hold no references. */
  finish(): Buffer {
    if (this.refBytes > 0) throw new Error('this writer holds referenced byte fields: use chunks()')
    return this.buf.subarray(0, this.pos)
  }

  /**
   * From now on keep byte fields of 16 KiB or more by reference instead of
   * copying them (a Fetch response's records, read from a segment file, go to
   * the socket as they are). Read the result with chunks().
   */
  referenceLargeBytes(): this {
    this.refs ??= []
    return this
  }

  /** Bytes written, referenced fields included. */
  get length(): number {
    return this.pos + this.refBytes
  }

  /** The bytes written, in order, as views: the writer's own buffer between the referenced fields. */
  chunks(): Buffer[] {
    if (this.refs === null || this.refs.length === 0) return [this.finish()]
    const out: Buffer[] = []
    let from = 0
    for (const r of this.refs) {
      if (r.at > from) out.push(this.buf.subarray(from, r.at))
      out.push(Buffer.isBuffer(r.bytes) ? r.bytes : Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength))
      from = r.at
    }
    if (this.pos > from) out.push(this.buf.subarray(from, this.pos))
    return out
  }

  private bytesBody(b: Uint8Array): void {
    if (this.refs !== null && b.length >= REFERENCE_THRESHOLD) {
      this.refs.push({at: this.pos, bytes: b})
      this.refBytes += b.length
    } else this.raw(b)
  }

  int8(v: number): void {
    this.ensure(1)
    this.buf.writeInt8(v, this.pos)
    this.pos += 1
  }

  bool(v: boolean): void {
    this.ensure(1)
    this.buf[this.pos++] = v ? 1 : 0
  }

  int16(v: number): void {
    this.ensure(2)
    this.buf.writeInt16BE(v, this.pos)
    this.pos += 2
  }

  uint16(v: number): void {
    this.ensure(2)
    this.buf.writeUInt16BE(v, this.pos)
    this.pos += 2
  }

  int32(v: number): void {
    this.ensure(4)
    this.buf.writeInt32BE(v, this.pos)
    this.pos += 4
  }

  uint32(v: number): void {
    this.ensure(4)
    this.buf.writeUInt32BE(v, this.pos)
    this.pos += 4
  }

  int64(v: bigint): void {
    this.ensure(8)
    this.buf.writeBigInt64BE(v, this.pos)
    this.pos += 8
  }

  float64(v: number): void {
    this.ensure(8)
    this.buf.writeDoubleBE(v, this.pos)
    this.pos += 8
  }

  uvarint(v: number): void {
    this.ensure(5)
    let x = v >>> 0
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80
      x >>>= 7
    }
    this.buf[this.pos++] = x
  }

  varint(v: number): void {
    this.uvarint((v << 1) ^ (v >> 31))
  }

  uvarlong(v: bigint): void {
    this.ensure(10)
    let x = BigInt.asUintN(64, v)
    while (x >= 0x80n) {
      this.buf[this.pos++] = Number(x & 0x7fn) | 0x80
      x >>= 7n
    }
    this.buf[this.pos++] = Number(x)
  }

  varlong(v: bigint): void {
    this.uvarlong(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)))
  }

  uuid(v: string): void {
    const bytes = Buffer.from(v, 'base64url')
    if (bytes.length !== 16) throw new ProtocolError(`invalid UUID ${JSON.stringify(v)}`)
    this.raw(bytes)
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  private utf8(s: string): void {
    const max = s.length * 3
    this.ensure(max)
    this.pos += this.buf.write(s, this.pos, 'utf8')
  }

  string(s: string): void {
    if (s == null) throw new ProtocolError('non-nullable string is null')
    const len = Buffer.byteLength(s, 'utf8')
    if (len > 0x7fff) throw new ProtocolError(`string of ${len} bytes is longer than 32767`)
    this.int16(len)
    this.utf8(s)
  }

  nullableString(s: string | null): void {
    if (s === null) this.int16(-1)
    else this.string(s)
  }

  compactString(s: string): void {
    if (s == null) throw new ProtocolError('non-nullable string is null')
    this.uvarint(Buffer.byteLength(s, 'utf8') + 1)
    this.utf8(s)
  }

  compactNullableString(s: string | null): void {
    if (s === null) this.uvarint(0)
    else this.compactString(s)
  }

  bytes(b: Uint8Array): void {
    if (b == null) throw new ProtocolError('non-nullable bytes are null')
    this.int32(b.length)
    this.bytesBody(b)
  }

  nullableBytes(b: Uint8Array | null): void {
    if (b === null) this.int32(-1)
    else this.bytes(b)
  }

  compactBytes(b: Uint8Array): void {
    if (b == null) throw new ProtocolError('non-nullable bytes are null')
    this.uvarint(b.length + 1)
    this.bytesBody(b)
  }

  compactNullableBytes(b: Uint8Array | null): void {
    if (b === null) this.uvarint(0)
    else this.compactBytes(b)
  }

  /** Reserve a 4-byte big-endian slot; returns its position for patchInt32. */
  reserveInt32(): number {
    this.ensure(4)
    const at = this.pos
    this.pos += 4
    return at
  }

  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v, at)
  }
}

export class Reader {
  pos: number

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start
  }

  get remaining(): number {
    return this.end - this.pos
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new ProtocolError(`unexpected end of data: need ${n} bytes at ${this.pos}, have ${this.end - this.pos}`)
    }
  }

  int8(): number {
    this.need(1)
    return this.buf.readInt8(this.pos++)
  }

  bool(): boolean {
    this.need(1)
    return this.buf[this.pos++] !== 0
  }

  int16(): number {
    this.need(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  uint16(): number {
    this.need(2)
    const v = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  uint32(): number {
    this.need(4)
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  int64(): bigint {
    this.need(8)
    const v = this.buf.readBigInt64BE(this.pos)
    this.pos += 8
    return v
  }

  float64(): number {
    this.need(8)
    const v = this.buf.readDoubleBE(this.pos)
    this.pos += 8
    return v
  }

  uvarint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      this.need(1)
      const b = this.buf[this.pos++]!
      if (shift === 28 && b > 0x0f) throw new ProtocolError('varint is longer than 5 bytes')
      result |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return result >>> 0
      shift += 7
    }
  }

  varint(): number {
    const u = this.uvarint()
    return (u >>> 1) ^ -(u & 1)
  }

  uvarlong(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      this.need(1)
      const b = this.buf[this.pos++]!
      if (shift > 63n) throw new ProtocolError('varlong is longer than 10 bytes')
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
    }
  }

  varlong(): bigint {
    const u = this.uvarlong()
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n))
  }

  uuid(): string {
    this.need(16)
    const v = this.buf.toString('base64url', this.pos, this.pos + 16)
    this.pos += 16
    return v
  }

  /** A view of the next n bytes (no copy). */
  raw(n: number): Buffer {
    this.need(n)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }

  skip(n: number): void {
    this.need(n)
    this.pos += n
  }

  private utf8(len: number): string {
    this.need(len)
    const s = len < 32 ? this.buf.toString('utf8', this.pos, this.pos + len) : textDecoder.decode(this.buf.subarray(this.pos, this.pos + len))
    this.pos += len
    return s
  }

  string(): string {
    const len = this.int16()
    if (len < 0) throw new ProtocolError('non-nullable string is null')
    return this.utf8(len)
  }

  nullableString(): string | null {
    const len = this.int16()
    return len < 0 ? null : this.utf8(len)
  }

  compactString(): string {
    const len = this.uvarint() - 1
    if (len < 0) throw new ProtocolError('non-nullable compact string is null')
    return this.utf8(len)
  }

  compactNullableString(): string | null {
    const len = this.uvarint() - 1
    return len < 0 ? null : this.utf8(len)
  }

  bytes(): Buffer {
    const len = this.int32()
    if (len < 0) throw new ProtocolError('non-nullable bytes are null')
    return this.raw(len)
  }

  nullableBytes(): Buffer | null {
    const len = this.int32()
    return len < 0 ? null : this.raw(len)
  }

  compactBytes(): Buffer {
    const len = this.uvarint() - 1
    if (len < 0) throw new ProtocolError('non-nullable compact bytes are null')
    return this.raw(len)
  }

  compactNullableBytes(): Buffer | null {
    const len = this.uvarint() - 1
    return len < 0 ? null : this.raw(len)
  }

  /** Array length for classic (int32, -1 = null) arrays. */
  arrayLength(): number {
    const n = this.int32()
    if (n > this.remaining) throw new ProtocolError(`array length ${n} exceeds the remaining ${this.remaining} bytes`)
    return n
  }

  /** Array length for compact (uvarint n+1, 0 = null) arrays; -1 means null. */
  compactArrayLength(): number {
    const n = this.uvarint() - 1
    if (n > this.remaining) throw new ProtocolError(`array length ${n} exceeds the remaining ${this.remaining} bytes`)
    return n
  }
}

/** A tagged field the decoder did not know, kept so it can be written back. */
export interface UnknownTaggedField {
  tag: number
  data: Buffer
}

/** Raised when a value cannot be written at the requested version, as Kafka's UnsupportedVersionException. */
export class UnsupportedVersionError extends ProtocolError {
  override name = 'UnsupportedVersionError'
}

/** The shared default for bytes fields; never written to. */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0)

/** A known tagged field with a non-default value, ready to be written. */
export interface TaggedFieldWriter {
  tag: number
  write(w: Writer): void
}

/**
 * Writes a flexible struct's tagged-field section: the count, then each field as tag, size, data,
 * in ascending tag order, merging the known fields with unknown ones kept from a decode.
 */
export function writeTaggedFields(w: Writer, known: TaggedFieldWriter[] | null, unknown: UnknownTaggedField[] | undefined): void {
  const nKnown = known === null ? 0 : known.length
  const nUnknown = unknown === undefined ? 0 : unknown.length
  w.uvarint(nKnown + nUnknown)
  if (nKnown + nUnknown === 0) return
  const entries: {tag: number; data: Uint8Array}[] = []
  if (known !== null) {
    for (const k of known) {
      const tw = new Writer(64)
      k.write(tw)
      entries.push({tag: k.tag, data: tw.finish()})
    }
  }
  if (unknown !== undefined) for (const u of unknown) entries.push(u)
  if (entries.length > 1) entries.sort((a, b) => a.tag - b.tag)
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.tag === entries[i - 1]!.tag) throw new ProtocolError(`tagged field ${entries[i]!.tag} written twice`)
  }
  for (const e of entries) {
    w.uvarint(e.tag)
    w.uvarint(e.data.length)
    w.raw(e.data)
  }
}
