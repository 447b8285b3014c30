// Kafka's four record compression codecs, each in a sync and an async form.
//
// - The sync form (compressSync / decompressSync) backs encodeRecordBatch and
//   decodeRecordBatch, which are pure functions callable anywhere.
// - The async form (compress / decompress) runs the native codecs on libuv's
//   thread pool; the broker should validate produced batches with it, and the
//   kafkajs adapters use it (kafkajs codecs are promise based). It keeps the
//   event loop free, and for zstd it is also the faster form: the napi sync
//   call returns an external buffer grown on the JS thread.
//
// Measured on 1 MiB of JSON-ish data (scripts/bench-codec.ts, Node 20, x64;
// MB/s compress sync/async, decompress sync/async): gzip 86/79, 696/660;
// snappy 1059/1245, 2025/2501; lz4 587/1356, 3043/2642; zstd 411/259, 308/799.
//
// Wire formats, as Kafka reads and writes them:
// - gzip: an RFC 1952 gzip stream (node:zlib). Reading accepts concatenated
//   members, as Java's GZIPInputStream does.
// - snappy: written in xerial framing (Java's SnappyOutputStream: an 8-byte
//   magic, version and compatible-version int32s, then int32-length-prefixed
//   raw snappy blocks of up to 32 KiB of input), read in xerial framing or as
//   one plain raw snappy block (what librdkafka and kafkajs-snappy write).
// - lz4: the standard LZ4 frame format (magic 0x184D2204), written as Java
//   Kafka writes it (independent 64 KiB blocks); any valid frame is read
//   (linked blocks, block/content checksums, content size). Magic 0
//   message sets computed the frame header checksum over the magic too; the
//   `legacyLz4HeaderChecksum` option repairs that before decoding.
// - zstd: standard zstd frames; reading accepts frames without a content size
//   (Java's streaming writer) and several concatenated frames.
//
// Packages (chosen by measurement, see scripts/bench-codec.ts): snappy
// (napi-rs), lz4-napi (napi-rs over lz4_flex) and @toondepauw/node-zstd
// (napi-rs over libzstd); all ship prebuilt binaries as per-platform optional
// dependencies and run no install script.

import {promisify} from 'node:util'
import zlib from 'node:zlib'

import zstdPkg from '@toondepauw/node-zstd'
import lz4Pkg from 'lz4-napi'
import snappyPkg from 'snappy'

import {ProtocolError} from './primitives.js'

/** The compression ids of RecordBatch attributes bits 0-2. */
export const Compression = {
  NONE: 0,
  GZIP: 1,
  SNAPPY: 2,
  LZ4: 3,
  ZSTD: 4,
} as const
export type CompressionCodec = (typeof Compression)[keyof typeof Compression]

/** Kafka's names (compression.type values), indexed by id. */
export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type CompressionName = (typeof COMPRESSION_NAMES)[number]

export function compressionName(codec: number): string {
  return COMPRESSION_NAMES[codec] ?? `unknown(${codec})`
}

/** Parse a compression.type value ('gzip', 'LZ4', ...) into its id. */
export function parseCompression(name: string): CompressionCodec {
  const i = (COMPRESSION_NAMES as readonly string[]).indexOf(name.trim().toLowerCase())
  if (i < 0) {
    throw new ProtocolError(`unknown compression type ${JSON.stringify(name)}: expected one of ${COMPRESSION_NAMES.join(', ')}`)
  }
  return i as CompressionCodec
}

/** A compressed payload could not be decoded, or a codec id is unknown. */
export class CompressionError extends ProtocolError {
  override name = 'CompressionError'
}

export interface CompressOptions {
  /**
   * Codec level, as Kafka's compression.gzip.level (1-9, default 6) and
   * compression.zstd.level (-131072..22, default 3). lz4 has one level here
   * (lz4_flex is a fast-mode compressor); snappy has none.
   */
  level?: number
}

export interface DecompressOptions {
  /** Magic 0 lz4 frames: the header checksum covers the magic bytes too. */
  legacyLz4HeaderChecksum?: boolean
}

export const DEFAULT_GZIP_LEVEL = 6
export const DEFAULT_ZSTD_LEVEL = 3
const SNAPPY_BLOCK_SIZE = 32 * 1024
const GZIP_ASYNC_CHUNK = 256 * 1024

const gzipAsync = promisify(zlib.gzip)
const gunzipAsync = promisify(zlib.gunzip)

function checkCodec(codec: number): void {
  if (!Number.isInteger(codec) || codec < 0 || codec > 4) {
    throw new CompressionError(`unknown compression codec id ${codec}`)
  }
}

function fail(codec: number, err: unknown): CompressionError {
  const msg = err instanceof Error ? err.message : String(err)
  return new CompressionError(`${compressionName(codec)} decompression failed: ${msg}`)
}

// ---------------------------------------------------------------- zstd

const zstdEncoders = new Map<number, InstanceType<typeof zstdPkg.Encoder>>()
const zstdDecoder = new zstdPkg.Decoder()

function zstdEncoder(level: number): InstanceType<typeof zstdPkg.Encoder> {
  let enc = zstdEncoders.get(level)
  if (!enc) {
    enc = new zstdPkg.Encoder(level)
    zstdEncoders.set(level, enc)
  }
  return enc
}

// ---------------------------------------------------------------- snappy (xerial)

/** 0x82 'SNAPPY' 0x00 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16

export function isXerialSnappy(buf: Uint8Array): boolean {
  if (buf.length < XERIAL_HEADER_SIZE) return false
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (buf[i] !== XERIAL_MAGIC[i]) return false
  return true
}

function xerialHeader(): Buffer {
  const h = Buffer.alloc(XERIAL_HEADER_SIZE)
  XERIAL_MAGIC.copy(h, 0)
  h.writeInt32BE(1, 8) // version
  h.writeInt32BE(1, 12) // minimum compatible version
  return h
}

function snappyBlocks(buf: Buffer): Buffer[] {
  const blocks: Buffer[] = []
  for (let at = 0; at < buf.length; at += SNAPPY_BLOCK_SIZE) {
    blocks.push(buf.subarray(at, Math.min(buf.length, at + SNAPPY_BLOCK_SIZE)))
  }
  return blocks
}

function xerialFrame(compressedBlocks: Buffer[]): Buffer {
  let size = XERIAL_HEADER_SIZE
  for (const b of compressedBlocks) size += 4 + b.length
  const out = Buffer.allocUnsafe(size)
  xerialHeader().copy(out, 0)
  let at = XERIAL_HEADER_SIZE
  for (const b of compressedBlocks) {
    out.writeInt32BE(b.length, at)
    b.copy(out, at + 4)
    at += 4 + b.length
  }
  return out
}

/** The raw snappy chunks of a xerial stream (views into `buf`). */
function xerialChunks(buf: Buffer): Buffer[] {
  const chunks: Buffer[] = []
  let at = XERIAL_HEADER_SIZE
  while (at < buf.length) {
    if (at + 4 > buf.length) throw new Error(`truncated xerial chunk length at byte ${at}`)
    const len = buf.readInt32BE(at)
    if (len < 0 || at + 4 + len > buf.length) {
      throw new Error(`xerial chunk of ${len} bytes at byte ${at} runs past the ${buf.length}-byte payload`)
    }
    chunks.push(buf.subarray(at + 4, at + 4 + len))
    at += 4 + len
  }
  return chunks
}

function snappyCompressSync(buf: Buffer): Buffer {
  // copyOutputData: napi-rs otherwise hands back an external buffer, which
  // measured several times slower in tight loops (GC pressure on externals).
  return xerialFrame(snappyBlocks(buf).map((b) => snappyPkg.compressSync(b, {copyOutputData: true})))
}

async function snappyCompress(buf: Buffer): Promise<Buffer> {
  const blocks = await Promise.all(snappyBlocks(buf).map((b) => snappyPkg.compress(b)))
  return xerialFrame(blocks)
}

function snappyUncompressSync(buf: Buffer): Buffer {
  if (!isXerialSnappy(buf)) return snappyPkg.uncompressSync(buf, {asBuffer: true, copyOutputData: true}) as Buffer
  const parts = xerialChunks(buf).map((c) => snappyPkg.uncompressSync(c, {asBuffer: true, copyOutputData: true}) as Buffer)
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}

async function snappyUncompress(buf: Buffer): Promise<Buffer> {
  if (!isXerialSnappy(buf)) return (await snappyPkg.uncompress(buf, {asBuffer: true})) as Buffer
  const parts = (await Promise.all(xerialChunks(buf).map((c) => snappyPkg.uncompress(c, {asBuffer: true})))) as Buffer[]
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}

// ---------------------------------------------------------------- lz4

// Frames are assembled here from lz4-napi's block codec rather than taken
// from its frame functions: that writes exactly what Kafka's Java producer
// writes (64 KiB independent blocks, no checksums beyond the header's), and
// measured 2-3x faster for sync decompression (lz4-napi's sync frame calls
// return napi external buffers, which are slow to churn through).

const LZ4_FRAME_MAGIC = 0x184d2204
const LZ4_BLOCK_SIZE = 64 * 1024
const LZ4_FLG_VERSION_01 = 0x40
const LZ4_FLG_BLOCK_INDEPENDENCE = 0x20
const LZ4_FLG_BLOCK_CHECKSUM = 0x10
const LZ4_FLG_CONTENT_SIZE = 0x08
const LZ4_FLG_CONTENT_CHECKSUM = 0x04
const LZ4_FLG_DICT_ID = 0x01
const LZ4_BD_64KB = 0x40
const LZ4_UNCOMPRESSED_BLOCK = 0x80000000
const LZ4_MAX_BLOCK_SIZES: Record<number, number> = {4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024}

function lz4HeaderChecksum(descriptor: Uint8Array): number {
  return (xxh32(descriptor, 0) >>> 8) & 0xff
}

let lz4FrameHeader: Buffer | undefined

/** magic, FLG (version 01, independent blocks), BD (64 KiB), HC */
function kafkaLz4FrameHeader(): Buffer {
  if (!lz4FrameHeader) {
    const flg = LZ4_FLG_VERSION_01 | LZ4_FLG_BLOCK_INDEPENDENCE
    lz4FrameHeader = Buffer.from([0x04, 0x22, 0x4d, 0x18, flg, LZ4_BD_64KB, lz4HeaderChecksum(Buffer.from([flg, LZ4_BD_64KB]))])
  }
  return lz4FrameHeader
}

/**
 * Magic 0 producers (Kafka < 0.10) computed the frame descriptor checksum
 * over the 4 magic bytes as well (KAFKA-3160). Returns a copy whose HC byte is
 * the standard one, so a standard decoder accepts it.
 */
export function fixLegacyLz4HeaderChecksum(buf: Buffer): Buffer {
  if (buf.length < 7 || buf.readUInt32LE(0) !== LZ4_FRAME_MAGIC) return buf
  const flg = buf[4]!
  const descriptorEnd = 6 + (flg & LZ4_FLG_CONTENT_SIZE ? 8 : 0) + (flg & LZ4_FLG_DICT_ID ? 4 : 0)
  if (buf.length <= descriptorEnd) return buf
  const fixed = Buffer.from(buf)
  fixed[descriptorEnd] = lz4HeaderChecksum(fixed.subarray(4, descriptorEnd))
  return fixed
}

interface Lz4Frame {
  flg: number
  maxBlockSize: number
  blocks: Array<{data: Buffer; compressed: boolean}>
}

/**
 * Parses an LZ4 frame's header and block headers (no decoding) and throws
 * unless the frame is whole: lz4_flex alone returns what it decoded from a
 * frame cut between blocks. Bytes after the end mark are ignored, as Java does.
 */
function parseLz4Frame(buf: Buffer, checkHeaderChecksum: boolean): Lz4Frame {
  if (buf.length < 7) throw new Error(`${buf.length}-byte input is shorter than an LZ4 frame header`)
  if (buf.readUInt32LE(0) !== LZ4_FRAME_MAGIC) throw new Error('not an LZ4 frame (wrong magic number)')
  const flg = buf[4]!
  if (flg >> 6 !== 1) throw new Error(`unsupported LZ4 frame version ${flg >> 6}`)
  const maxBlockSize = LZ4_MAX_BLOCK_SIZES[(buf[5]! >> 4) & 7]
  if (maxBlockSize === undefined) throw new Error(`invalid LZ4 block maximum size code ${(buf[5]! >> 4) & 7}`)
  const descriptorEnd = 6 + (flg & LZ4_FLG_CONTENT_SIZE ? 8 : 0) + (flg & LZ4_FLG_DICT_ID ? 4 : 0)
  if (buf.length <= descriptorEnd) throw new Error('LZ4 frame is truncated inside its header')
  if (checkHeaderChecksum && buf[descriptorEnd] !== lz4HeaderChecksum(buf.subarray(4, descriptorEnd))) {
    throw new Error('LZ4 frame header checksum mismatch')
  }
  const blockChecksums = (flg & LZ4_FLG_BLOCK_CHECKSUM) !== 0
  const blocks: Lz4Frame['blocks'] = []
  let at = descriptorEnd + 1
  for (;;) {
    if (at + 4 > buf.length) throw new Error('LZ4 frame is truncated: no end mark')
    const word = buf.readUInt32LE(at)
    at += 4
    const size = word & 0x7fffffff
    if (size === 0) break
    if (size > maxBlockSize) throw new Error(`LZ4 block of ${size} bytes exceeds the frame's ${maxBlockSize}-byte maximum`)
    if (at + size > buf.length) throw new Error('LZ4 frame is truncated inside a block')
    blocks.push({data: buf.subarray(at, at + size), compressed: (word & LZ4_UNCOMPRESSED_BLOCK) === 0})
    at += size + (blockChecksums ? 4 : 0)
  }
  if (flg & LZ4_FLG_CONTENT_CHECKSUM && at + 4 > buf.length) throw new Error('LZ4 frame is truncated: no content checksum')
  return {flg, maxBlockSize, blocks}
}

function lz4Chunks(buf: Buffer): Buffer[] {
  const chunks: Buffer[] = []
  for (let at = 0; at < buf.length; at += LZ4_BLOCK_SIZE) chunks.push(buf.subarray(at, Math.min(buf.length, at + LZ4_BLOCK_SIZE)))
  return chunks
}

/** A frame from chunks and lz4-napi's size-prepended compressed blocks; incompressible chunks are stored raw. */
function lz4Assemble(chunks: Buffer[], sizePrepended: Buffer[]): Buffer {
  const header = kafkaLz4FrameHeader()
  let total = header.length + 4
  const stored = chunks.map((chunk, i) => {
    const c = sizePrepended[i]!
    const block = c.length - 4 < chunk.length ? c.subarray(4) : chunk
    total += 4 + block.length
    return block
  })
  const out = Buffer.allocUnsafe(total)
  header.copy(out, 0)
  let at = header.length
  stored.forEach((block, i) => {
    const raw = block === chunks[i]
    out.writeUInt32LE(raw ? (block.length | LZ4_UNCOMPRESSED_BLOCK) >>> 0 : block.length, at)
    block.copy(out, at + 4)
    at += 4 + block.length
  })
  out.writeUInt32LE(0, at) // end mark
  return out
}

function lz4CompressSync(buf: Buffer): Buffer {
  const chunks = lz4Chunks(buf)
  return lz4Assemble(chunks, chunks.map((c) => lz4Pkg.compressSync(c)))
}

async function lz4Compress(buf: Buffer): Promise<Buffer> {
  const chunks = lz4Chunks(buf)
  return lz4Assemble(chunks, await Promise.all(chunks.map((c) => lz4Pkg.compress(c))))
}

function lz4DecompressSync(buf: Buffer, opts: DecompressOptions): Buffer {
  const frame = parseLz4Frame(buf, !opts.legacyLz4HeaderChecksum)
  if ((frame.flg & LZ4_FLG_BLOCK_INDEPENDENCE) === 0) {
    // Linked blocks (never from Kafka clients, but valid LZ4F): let lz4_flex chain them.
    return lz4Pkg.decompressFrameSync(opts.legacyLz4HeaderChecksum ? fixLegacyLz4HeaderChecksum(buf) : buf)
  }
  const parts = frame.blocks.map((b) => {
    if (!b.compressed) return b.data
    // lz4-napi's block decoder wants a 4-byte LE size prefix; it is the output capacity, so
    // the block maximum (capped by LZ4's 255:1 worst case) bounds what one block may expand to.
    const input = Buffer.allocUnsafe(b.data.length + 4)
    input.writeUInt32LE(Math.min(frame.maxBlockSize, b.data.length * 255 + 16), 0)
    b.data.copy(input, 4)
    return lz4Pkg.uncompressSync(input)
  })
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}

async function lz4Decompress(buf: Buffer, opts: DecompressOptions): Promise<Buffer> {
  parseLz4Frame(buf, !opts.legacyLz4HeaderChecksum)
  return lz4Pkg.decompressFrame(opts.legacyLz4HeaderChecksum ? fixLegacyLz4HeaderChecksum(buf) : buf)
}

// ---------------------------------------------------------------- public API

/** Compress `buf` with a Kafka codec, on the calling thread. */
export function compressSync(codec: number, buf: Buffer, opts: CompressOptions = {}): Buffer {
  checkCodec(codec)
  switch (codec) {
    case Compression.NONE:
      return buf
    case Compression.GZIP:
      return zlib.gzipSync(buf, {level: opts.level ?? DEFAULT_GZIP_LEVEL})
    case Compression.SNAPPY:
      return snappyCompressSync(buf)
    case Compression.LZ4:
      return lz4CompressSync(buf)
    default:
      return zstdEncoder(opts.level ?? DEFAULT_ZSTD_LEVEL).encodeSync(buf)
  }
}

/** Decompress a Kafka codec's payload, on the calling thread. Throws CompressionError. */
export function decompressSync(codec: number, buf: Buffer, opts: DecompressOptions = {}): Buffer {
  checkCodec(codec)
  try {
    switch (codec) {
      case Compression.NONE:
        return buf
      case Compression.GZIP:
        return zlib.gunzipSync(buf)
      case Compression.SNAPPY:
        return snappyUncompressSync(buf)
      case Compression.LZ4:
        return lz4DecompressSync(buf, opts)
      default:
        return zstdDecoder.decodeSync(buf)
    }
  } catch (err) {
    throw fail(codec, err)
  }
}

/** Compress `buf` with a Kafka codec, off the JS thread where the codec allows. */
export async function compress(codec: number, buf: Buffer, opts: CompressOptions = {}): Promise<Buffer> {
  checkCodec(codec)
  switch (codec) {
    case Compression.NONE:
      return buf
    case Compression.GZIP:
      return gzipAsync(buf, {level: opts.level ?? DEFAULT_GZIP_LEVEL})
    case Compression.SNAPPY:
      return snappyCompress(buf)
    case Compression.LZ4:
      return lz4Compress(buf)
    default:
      return zstdEncoder(opts.level ?? DEFAULT_ZSTD_LEVEL).encode(buf)
  }
}

/** Decompress a Kafka codec's payload off the JS thread. Rejects with CompressionError. */
export async function decompress(codec: number, buf: Buffer, opts: DecompressOptions = {}): Promise<Buffer> {
  checkCodec(codec)
  try {
    switch (codec) {
      case Compression.NONE:
        return buf
      case Compression.GZIP:
        // zlib's default 16 KiB output chunks cost a thread-pool round trip each: 2x slower on 1 MiB.
        return await gunzipAsync(buf, {chunkSize: GZIP_ASYNC_CHUNK})
      case Compression.SNAPPY:
        return await snappyUncompress(buf)
      case Compression.LZ4:
        return await lz4Decompress(buf, opts)
      default:
        return await zstdDecoder.decode(buf)
    }
  } catch (err) {
    throw fail(codec, err)
  }
}

// ---------------------------------------------------------------- xxHash32

const P1 = 2654435761
const P2 = 2246822519
const P3 = 3266489917
const P4 = 668265263
const P5 = 374761393

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function round(acc: number, lane: number): number {
  acc = (acc + Math.imul(lane, P2)) | 0
  return Math.imul(rotl(acc, 13), P1)
}

/** xxHash32, for LZ4 frame descriptor checksums (a few bytes, so plain JS). */
export function xxh32(buf: Uint8Array, seed = 0): number {
  const len = buf.length
  const u32 = (i: number) => buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)
  let i = 0
  let h: number
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0
    let v2 = (seed + P2) | 0
    let v3 = seed | 0
    let v4 = (seed - P1) | 0
    for (; i + 16 <= len; i += 16) {
      v1 = round(v1, u32(i))
      v2 = round(v2, u32(i + 4))
      v3 = round(v3, u32(i + 8))
      v4 = round(v4, u32(i + 12))
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0
  } else {
    h = (seed + P5) | 0
  }
  h = (h + len) | 0
  for (; i + 4 <= len; i += 4) h = Math.imul(rotl((h + Math.imul(u32(i), P3)) | 0, 17), P4)
  for (; i < len; i++) h = Math.imul(rotl((h + Math.imul(buf[i]!, P5)) | 0, 11), P1)
  h ^= h >>> 15
  h = Math.imul(h, P2)
  h ^= h >>> 13
  h = Math.imul(h, P3)
  h ^= h >>> 16
  return h >>> 0
}
