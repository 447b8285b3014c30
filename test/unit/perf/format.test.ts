import {describe, expect, it} from 'vitest'

import {javaFixed, simpleDateFormat} from '../../../src/perf/format.js'

describe("Java's %.Nf", () => {
  it('rounds the shortest decimal form half-up, as Java does', () => {
    expect(javaFixed(1.005, 2)).toBe('1.01') // JavaScript's toFixed gives 1.00
    expect(javaFixed(0.125, 2)).toBe('0.13')
    expect(javaFixed(2.5, 0)).toBe('3')
    expect(javaFixed(9.995, 2)).toBe('10.00')
    expect(javaFixed(1234567.891, 6)).toBe('1234567.891000')
    expect(javaFixed(0, 4)).toBe('0.0000')
    expect(javaFixed(-0.0001, 2)).toBe('0.00')
    expect(javaFixed(-1.25, 1)).toBe('-1.3')
    expect(javaFixed(1e-7, 3)).toBe('0.000')
    expect(javaFixed(123.456, 1)).toBe('123.5')
  })

  it('prints NaN and Infinity as Java spells them', () => {
    expect(javaFixed(NaN, 2)).toBe('NaN')
    expect(javaFixed(Infinity, 4)).toBe('Infinity')
  })
})

describe("SimpleDateFormat patterns", () => {
  it("formats ConsumerPerformance's default pattern", () => {
    const ms = new Date(2024, 0, 2, 3, 4, 5, 67).getTime()
    expect(simpleDateFormat(ms, 'yyyy-MM-dd HH:mm:ss:SSS')).toBe('2024-01-02 03:04:05:067')
    expect(simpleDateFormat(ms, "dd/MM/yy 'at' h:mm a")).toBe('02/01/24 at 3:04 AM')
  })

  it('rejects letters SimpleDateFormat does not know', () => {
    expect(() => simpleDateFormat(0, 'yyyy-qq')).toThrow("Illegal pattern character 'q'")
  })
})
