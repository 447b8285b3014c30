import {describe, expect, it} from 'vitest'

import {ConfigError} from '../../src/config/config-def.js'
import {parseOverrides, parseProperties} from '../../src/config/properties.js'

describe('parseProperties (java.util.Properties format)', () => {
  it('reads key=value, key: value and key value forms', () => {
    const p = parseProperties('a=1\nb: 2\nc 3\nd\t=\t4\ne:5\n')
    expect([...p]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
      ['e', '5'],
    ])
  })

  it('skips # and ! comments and blank lines, even indented ones', () => {
    const p = parseProperties('# comment\n  ! another\n\n   \nkey=value\n#key2=hidden\n')
    expect([...p]).toEqual([['key', 'value']])
  })

  it('joins backslash continuations and drops the next line\'s leading whitespace', () => {
    const p = parseProperties('listeners=PLAINTEXT://:9092,\\\n    CONTROLLER://:9093\nnext=1\n')
    expect(p.get('listeners')).toBe('PLAINTEXT://:9092,CONTROLLER://:9093')
    expect(p.get('next')).toBe('1')
  })

  it('treats an even number of trailing backslashes as literal backslashes', () => {
    const p = parseProperties('path=C:\\\\dir\\\\\nother=2\n')
    expect(p.get('path')).toBe('C:\\dir\\')
    expect(p.get('other')).toBe('2')
  })

  it('decodes escapes: \\t \\n \\uXXXX and escaped separators in keys', () => {
    const p = parseProperties('tab=a\\tb\nnl=a\\nb\nuni=caf\\u00e9\nmy\\ key\\=x=v\nplain=\\q\n')
    expect(p.get('tab')).toBe('a\tb')
    expect(p.get('nl')).toBe('a\nb')
    expect(p.get('uni')).toBe('café')
    expect(p.get('my key=x')).toBe('v')
    expect(p.get('plain')).toBe('q')
  })

  it('handles CRLF and CR line endings, keeps trailing spaces of values, last duplicate wins', () => {
    const p = parseProperties('a=1 \r\nb=2\rb=3\r\n')
    expect(p.get('a')).toBe('1 ')
    expect(p.get('b')).toBe('3')
  })

  it('accepts a key with an empty value and a lone key', () => {
    const p = parseProperties('empty=\nlonely\n')
    expect(p.get('empty')).toBe('')
    expect(p.get('lonely')).toBe('')
  })

  it('does not continue a comment line that ends in a backslash', () => {
    const p = parseProperties('# comment \\\nkey=value\n')
    expect([...p]).toEqual([['key', 'value']])
  })

  it('rejects a malformed \\u escape with a ConfigError', () => {
    expect(() => parseProperties('bad=\\u12G4\n')).toThrow(ConfigError)
    expect(() => parseProperties('bad=\\u12G4\n')).toThrow('Malformed \\uxxxx encoding.')
  })

  it('parses --override key=value pairs and rejects ones without a key', () => {
    expect([...parseOverrides(['a=1', 'b=x=y', 'c='])]).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['c', ''],
    ])
    expect(() => parseOverrides(['novalue'])).toThrow('Invalid override "novalue": expected key=value')
    expect(() => parseOverrides(['=1'])).toThrow(ConfigError)
  })
})
