import {describe, expect, it} from 'vitest'

import {crc32c, crc32cReference} from '../../src/protocol/crc32c.js'

function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
}

function randomBytes(n: number, seed: number): Buffer {
  const next = seeded(seed)
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = next() & 0xff
  return b
}

describe('crc32c', () => {
  it('matches the standard check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(crc32cReference(Buffer.from('123456789'))).toBe(0xe3069283)
  })

  it('matches the RFC 3720 (iSCSI) test vectors', () => {
    const ascending = Buffer.from(Array.from({length: 32}, (_, i) => i))
    const descending = Buffer.from(Array.from({length: 32}, (_, i) => 31 - i))
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa)
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43)
    expect(crc32c(ascending)).toBe(0x46dd794e)
    expect(crc32c(descending)).toBe(0x113fdb5c)
  })

  it('is 0 for no bytes and always unsigned', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0)
    for (let i = 0; i < 50; i++) {
      const v = crc32c(randomBytes(17 + i, i))
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThanOrEqual(0xffffffff)
    }
  })

  it('agrees with the byte-at-a-time reference on many sizes and unaligned views', () => {
    const big = randomBytes(70_000, 7)
    for (const n of [1, 2, 3, 7, 8, 15, 16, 31, 63, 64, 255, 1024, 4097, 65_536, 69_999]) {
      const view = big.subarray(1, 1 + n) // odd byte offset into a larger buffer
      expect(crc32c(view)).toBe(crc32cReference(view))
    }
  })

  it('continues a running checksum through `initial`', () => {
    const data = randomBytes(10_000, 3)
    const whole = crc32c(data)
    for (const cut of [0, 1, 4999, 9999, 10_000]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole)
      expect(crc32cReference(data.subarray(cut), crc32cReference(data.subarray(0, cut)))).toBe(whole)
    }
  })

  it('accepts a plain Uint8Array', () => {
    expect(crc32c(new Uint8Array(Buffer.from('123456789')))).toBe(0xe3069283)
  })
})
