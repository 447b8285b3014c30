import zlib from 'node:zlib'

import kafkajs from 'kafkajs'
import {describe, expect, it} from 'vitest'

import {
  compress,
  Compression,
  CompressionError,
  compressSync,
  decompress,
  decompressSync,
  fixLegacyLz4HeaderChecksum,
  isXerialSnappy,
  parseCompression,
  xxh32,
} from '../../src/protocol/compression.js'
import {kafkajsCodec, registerKafkajsCodecs} from '../../src/protocol/kafkajs-codecs.js'
import {ProtocolError} from '../../src/protocol/primitives.js'

const CODECS = [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD] as const

/** JSON-ish, partly repetitive, partly random: compresses like real event data. */
function jsonish(size: number, seed = 1): Buffer {
  let s = seed >>> 0
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return s / 4294967296
  }
  const events = ['view', 'click', 'checkout', 'payment', 'refund']
  let out = ''
  for (let i = 0; out.length < size; i++) {
    out += JSON.stringify({id: i, user: `user-${Math.floor(rnd() * 5000)}`, event: events[Math.floor(rnd() * events.length)], amount: Math.round(rnd() * 1e5) / 100}) + '\n'
  }
  return Buffer.from(out.slice(0, size))
}

// Frames written by the reference lz4 command-line tool (liblz4's LZ4F, as librdkafka uses):
// 93 000 bytes of 'hello kafka, hello lz4 frames. ' repeated.
//  A: linked blocks, block checksums, content size and content checksum
//  B: 64 KiB independent blocks (two of them), no content checksum
//  C: 'short', with a content checksum
const LZ4_REPEATED = Buffer.from('hello kafka, hello lz4 frames. '.repeat(3000))
const LZ4_CLI_A = `BCJNGHxQSGsBAAAAAAAblAEAANJoZWxsbyBrYWZrYSwgDQCzbHo0IGZyYW1lcy4SAA8fAP${'/'.repeat(484)}93UG1lcy4gcghHgwAAAAC7SPIm`
const LZ4_CLI_B = `BCJNGGBAgigBAADSaGVsbG8ga2Fma2EsIA0As2x6NCBmcmFtZXMuEgAPHwD${'/'.repeat(341)}w1BzLiBoZZMAAADQbGxvIGthZmthLCBoZQ0As2x6NCBmcmFtZXMuEgAPHwD${'/'.repeat(142)}3hQbWVzLiAAAAAA`
const LZ4_CLI_C = 'BCJNGGRApwUAAIBzaG9ydAAAAADHdLdQ'
// Frames written by the zstd command-line tool from a pipe: no content size in the header
// (like Java's streaming ZstdOutputStream), with a content checksum.
const ZSTD_NO_CONTENT_SIZE = 'KLUv/QRYnQEApAJ6c3RkIHN0cmVhbWluZyBmcmFtZSB3aXRob3V0IGNvbnRlbnQgc2l6ZSABABoFjVdlmzCWJw=='
const ZSTD_NO_CONTENT_SIZE_TEXT = 'zstd streaming frame without content size '.repeat(200)
const ZSTD_SECOND_FRAME = 'KLUv/QRYYQAAc2Vjb25kIGZyYW1lF2QHtg=='
// One plain (unframed) raw snappy block, as librdkafka and kafkajs-snappy write.
const SNAPPY_RAW = 'KVhzbmFwcHkgcmF3IGJsb2NrOiBoZWxsb0YGAA=='

describe('compression round trips', () => {
  const sizes = [0, 1, 100, 32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 200_000, 1 << 20]
  for (const codec of CODECS) {
    it(`codec ${codec}: sync and async round trips at every size, and across forms`, async () => {
      for (const n of sizes) {
        const data = jsonish(n, n)
        const s = compressSync(codec, data)
        const a = await compress(codec, data)
        expect(decompressSync(codec, s).equals(data)).toBe(true)
        expect((await decompress(codec, s)).equals(data)).toBe(true)
        expect(decompressSync(codec, a).equals(data)).toBe(true)
        expect((await decompress(codec, a)).equals(data)).toBe(true)
        if (codec !== Compression.NONE && n >= 32 * 1024) expect(s.length).toBeLessThan(n)
      }
    })
  }

  it('binary and incompressible data survive every codec', async () => {
    const random = Buffer.alloc(100_000)
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24
    for (const codec of CODECS) {
      expect(decompressSync(codec, compressSync(codec, random)).equals(random)).toBe(true)
      expect((await decompress(codec, await compress(codec, random))).equals(random)).toBe(true)
    }
  })

  it('honours compression levels for gzip and zstd', () => {
    const data = jsonish(200_000)
    const g1 = compressSync(Compression.GZIP, data, {level: 1})
    const g9 = compressSync(Compression.GZIP, data, {level: 9})
    expect(g9.length).toBeLessThan(g1.length)
    const z1 = compressSync(Compression.ZSTD, data, {level: 1})
    const z19 = compressSync(Compression.ZSTD, data, {level: 19})
    expect(z19.length).toBeLessThan(z1.length)
    expect(decompressSync(Compression.ZSTD, z19).equals(data)).toBe(true)
  })
})

describe('snappy framing', () => {
  it('writes xerial framing: magic, versions 1/1, then int32-length-prefixed blocks of 32 KiB input', () => {
    const data = jsonish(100_000)
    const out = compressSync(Compression.SNAPPY, data)
    expect(out.subarray(0, 8).toString('hex')).toBe('82534e4150505900')
    expect(out.readInt32BE(8)).toBe(1)
    expect(out.readInt32BE(12)).toBe(1)
    expect(isXerialSnappy(out)).toBe(true)
    let at = 16
    let blocks = 0
    while (at < out.length) {
      at += 4 + out.readInt32BE(at)
      blocks++
    }
    expect(at).toBe(out.length)
    expect(blocks).toBe(Math.ceil(100_000 / 32_768))
  })

  it('reads a plain raw snappy block too', async () => {
    const raw = Buffer.from(SNAPPY_RAW, 'base64')
    expect(isXerialSnappy(raw)).toBe(false)
    expect(decompressSync(Compression.SNAPPY, raw).toString()).toBe('snappy raw block: hello hello hello hello')
    expect((await decompress(Compression.SNAPPY, raw)).toString()).toBe('snappy raw block: hello hello hello hello')
  })

  it('rejects a xerial stream whose chunk runs past the end', () => {
    const out = compressSync(Compression.SNAPPY, jsonish(50_000))
    expect(() => decompressSync(Compression.SNAPPY, out.subarray(0, out.length - 10))).toThrow(CompressionError)
  })
})

describe('lz4 frames', () => {
  it('writes frames as Java Kafka does: version 01, independent 64 KiB blocks, raw blocks when incompressible', () => {
    const random = Buffer.alloc(70_000)
    let x = 2463534242
    for (let i = 0; i < random.length; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      random[i] = x & 0xff
    }
    const data = Buffer.concat([jsonish(300_000), random])
    const out = compressSync(Compression.LZ4, data)
    expect(out.readUInt32LE(0)).toBe(0x184d2204)
    expect(out[4]).toBe(0x60) // version 01 + block independence, no checksums, no content size
    expect(out[5]).toBe(0x40) // 64 KiB maximum block size
    expect(out[6]).toBe((xxh32(out.subarray(4, 6)) >>> 8) & 0xff)
    let at = 7
    const blocks: Array<{size: number; raw: boolean}> = []
    for (;;) {
      const word = out.readUInt32LE(at)
      at += 4
      if (word === 0) break
      blocks.push({size: word & 0x7fffffff, raw: word >>> 31 === 1})
      at += word & 0x7fffffff
    }
    expect(at).toBe(out.length)
    expect(blocks).toHaveLength(Math.ceil(data.length / 65_536))
    expect(blocks.every((b) => b.size <= 65_536)).toBe(true)
    expect(blocks.some((b) => b.raw)).toBe(true) // the random tail
    expect(blocks.some((b) => !b.raw)).toBe(true)
    expect(decompressSync(Compression.LZ4, out).equals(data)).toBe(true)
    expect(compressSync(Compression.LZ4, Buffer.alloc(0)).toString('hex')).toBe('04224d18604082' + '00000000')
  })

  it('rejects a bad header checksum and a block larger than the frame allows', async () => {
    const good = compressSync(Compression.LZ4, jsonish(1000))
    const badHc = Buffer.from(good)
    badHc[6]! ^= 0x5a
    expect(() => decompressSync(Compression.LZ4, badHc)).toThrow(/header checksum/)
    await expect(decompress(Compression.LZ4, badHc)).rejects.toThrow(CompressionError)
    const oversized = Buffer.from(good)
    oversized.writeUInt32LE(70_000, 7) // first block claims more than the 64 KiB maximum
    expect(() => decompressSync(Compression.LZ4, oversized)).toThrow(/exceeds the frame's 65536-byte maximum/)
  })

  it('reads frames from the reference lz4 tool: linked blocks, checksums, content size, several blocks', async () => {
    for (const b64 of [LZ4_CLI_A, LZ4_CLI_B]) {
      const frame = Buffer.from(b64, 'base64')
      expect(decompressSync(Compression.LZ4, frame).equals(LZ4_REPEATED)).toBe(true)
      expect((await decompress(Compression.LZ4, frame)).equals(LZ4_REPEATED)).toBe(true)
    }
    expect(decompressSync(Compression.LZ4, Buffer.from(LZ4_CLI_C, 'base64')).toString()).toBe('short')
    // Cut anywhere, even between blocks or before the content checksum, the frame is rejected.
    const b = Buffer.from(LZ4_CLI_B, 'base64')
    for (const cut of [4, 7, 11, 100, b.length - 4, b.length - 1]) {
      expect(() => decompressSync(Compression.LZ4, b.subarray(0, cut))).toThrow(CompressionError)
    }
    const a = Buffer.from(LZ4_CLI_A, 'base64')
    expect(() => decompressSync(Compression.LZ4, a.subarray(0, a.length - 2))).toThrow(CompressionError)
  })

  it("repairs magic 0's header checksum, computed over the magic bytes too", () => {
    const frame = Buffer.from(compressSync(Compression.LZ4, Buffer.from('legacy lz4 message set')))
    const broken = Buffer.from(frame)
    broken[6] = (xxh32(broken.subarray(0, 6)) >>> 8) & 0xff // Kafka < 0.10 hashed magic + FLG + BD
    expect(broken[6]).not.toBe(frame[6])
    expect(() => decompressSync(Compression.LZ4, broken)).toThrow(CompressionError)
    expect(fixLegacyLz4HeaderChecksum(broken).equals(frame)).toBe(true)
    expect(decompressSync(Compression.LZ4, broken, {legacyLz4HeaderChecksum: true}).toString()).toBe('legacy lz4 message set')
  })

  it('xxh32 matches the published test values', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05)
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff)
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f)
  })
})

describe('zstd frames', () => {
  it('reads frames without a content size and concatenated frames', async () => {
    const one = Buffer.from(ZSTD_NO_CONTENT_SIZE, 'base64')
    expect(one[4]! & 0xc0).toBe(0) // Frame_Content_Size_flag = 0 ...
    expect(one[4]! & 0x20).toBe(0) // ... and not single-segment: the size is absent
    expect(decompressSync(Compression.ZSTD, one).toString()).toBe(ZSTD_NO_CONTENT_SIZE_TEXT)
    const two = Buffer.concat([one, Buffer.from(ZSTD_SECOND_FRAME, 'base64')])
    expect(decompressSync(Compression.ZSTD, two).toString()).toBe(ZSTD_NO_CONTENT_SIZE_TEXT + 'second frame')
    expect((await decompress(Compression.ZSTD, two)).toString()).toBe(ZSTD_NO_CONTENT_SIZE_TEXT + 'second frame')
  })
})

describe('gzip', () => {
  it('reads concatenated gzip members, as Java does', () => {
    const two = Buffer.concat([zlib.gzipSync('first '), zlib.gzipSync('second')])
    expect(decompressSync(Compression.GZIP, two).toString()).toBe('first second')
  })
})

describe('bad input', () => {
  const garbage = [Buffer.alloc(0), Buffer.from('not compressed at all'), Buffer.alloc(64, 0xff), Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 1])]
  for (const codec of [Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]) {
    it(`codec ${codec}: garbage and truncation give CompressionError, sync and async`, async () => {
      for (const g of garbage) {
        let syncErr: unknown
        try {
          decompressSync(codec, g)
        } catch (err) {
          syncErr = err
        }
        // Some codecs accept an empty input as an empty payload; anything they reject must be a CompressionError.
        if (syncErr !== undefined) expect(syncErr).toBeInstanceOf(CompressionError)
        const asyncErr = await decompress(codec, g).then(
          () => undefined,
          (err: unknown) => err,
        )
        if (asyncErr !== undefined) expect(asyncErr).toBeInstanceOf(CompressionError)
      }
      expect(() => decompressSync(codec, Buffer.from('definitely not a compressed payload'))).toThrow(CompressionError)
      const good = compressSync(codec, jsonish(100_000))
      const truncated = good.subarray(0, Math.floor(good.length / 2))
      expect(() => decompressSync(codec, truncated)).toThrow(CompressionError)
      await expect(decompress(codec, truncated)).rejects.toThrow(CompressionError)
    })
  }

  it('unknown codec ids and names are clear errors', async () => {
    expect(() => compressSync(5, Buffer.from('x'))).toThrow(/unknown compression codec id 5/)
    expect(() => decompressSync(7, Buffer.from('x'))).toThrow(CompressionError)
    await expect(compress(6, Buffer.from('x'))).rejects.toThrow(CompressionError)
    expect(() => parseCompression('brotli')).toThrow(ProtocolError)
    expect(parseCompression('ZSTD')).toBe(Compression.ZSTD)
    expect(parseCompression('none')).toBe(Compression.NONE)
  })
})

describe('kafkajs codec adapters', () => {
  it('registers snappy, lz4 and zstd in kafkajs and round trips through its codec shape', async () => {
    registerKafkajsCodecs()
    const table = kafkajs.CompressionCodecs as unknown as Record<number, () => {compress(e: {buffer: Buffer}): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer>}>
    const data = jsonish(50_000)
    for (const type of [kafkajs.CompressionTypes.Snappy, kafkajs.CompressionTypes.LZ4, kafkajs.CompressionTypes.ZSTD, kafkajs.CompressionTypes.GZIP]) {
      const codec = table[type]!()
      const packed = await codec.compress({buffer: data})
      expect(packed.equals(data)).toBe(false)
      expect((await codec.decompress(packed)).equals(data)).toBe(true)
    }
    // kafkajs's snappy output is ours, hence xerial framed as the Java client writes it.
    expect(isXerialSnappy(await table[kafkajs.CompressionTypes.Snappy]!().compress({buffer: data}))).toBe(true)
    const zstd = kafkajsCodec(Compression.ZSTD, {level: 10})
    expect((await zstd.decompress(await zstd.compress({buffer: data}))).equals(data)).toBe(true)
  })
})
