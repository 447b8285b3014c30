import {describe, expect, it} from 'vitest'

import {lineReaderConfig, parseLine, producerOptions} from '../../../src/admin/console-producer.js'

const cfg = (props: Record<string, string> = {}) => lineReaderConfig(new Map(Object.entries(props)))
const text = (b: Buffer | null) => (b === null ? null : b.toString())
const simple = (r: ReturnType<typeof parseLine>) => ({key: text(r.key), value: text(r.value), headers: r.headers.map((h) => [h.key, text(h.value)])})

describe("LineMessageReader's rules", () => {
  it('a whole line is the value by default', () => {
    expect(simple(parseLine('a\tb', 1, cfg()))).toEqual({key: null, value: 'a\tb', headers: []})
  })

  it('parse.key splits at the first key.separator', () => {
    expect(simple(parseLine('k\tv\tw', 1, cfg({'parse.key': 'true'})))).toEqual({key: 'k', value: 'v\tw', headers: []})
    expect(simple(parseLine('k::v', 1, cfg({'parse.key': 'true', 'key.separator': '::'})))).toEqual({key: 'k', value: 'v', headers: []})
  })

  it('parse.headers reads h:v pairs before headers.delimiter, keeping order and duplicates', () => {
    expect(simple(parseLine('a:1,b:2,a:3\tk\tv', 1, cfg({'parse.key': 'true', 'parse.headers': 'true'})))).toEqual({
      key: 'k',
      value: 'v',
      headers: [['a', '1'], ['b', '2'], ['a', '3']],
    })
  })

  it('null.marker makes keys, values and header values null', () => {
    expect(simple(parseLine('h:N\tN\tN', 1, cfg({'parse.key': 'true', 'parse.headers': 'true', 'null.marker': 'N'})))).toEqual({key: null, value: null, headers: [['h', null]]})
    expect(simple(parseLine('N\tk\tv', 1, cfg({'parse.key': 'true', 'parse.headers': 'true', 'null.marker': 'N'})))).toEqual({key: 'k', value: 'v', headers: []})
  })

  it('a missing separator names the line number, unless ignore.error', () => {
    expect(() => parseLine('novalue', 7, cfg({'parse.key': 'true'}))).toThrow("No key separator found on line number 7: 'novalue'")
    expect(simple(parseLine('novalue', 7, cfg({'parse.key': 'true', 'ignore.error': 'true'})))).toEqual({key: null, value: 'novalue', headers: []})
    expect(() => parseLine('bad\tv', 3, cfg({'parse.headers': 'true'}))).toThrow("No header key separator found in pair 'bad' on line number 3")
  })

  it('refuses separators that collide, as Kafka does', () => {
    expect(() => cfg({'headers.delimiter': ','})).toThrow('headers.delimiter and headers.separator may not be equal')
    expect(() => cfg({'null.marker': '\t'})).toThrow('null.marker and key.separator may not be equal')
  })

  it("producer settings: the console producer's defaults, properties, then flags", () => {
    const o = producerOptions({}, new Map())
    expect({acks: o.acks, linger: o.lingerMs, timeout: o.requestTimeoutMs, retries: o.retries, compression: o.compression}).toEqual({acks: -1, linger: 1000, timeout: 1500, retries: 3, compression: 0})
    const p = producerOptions({'request-required-acks': '1', 'compression-codec': 'zstd'}, new Map([['acks', 'all'], ['linger.ms', '5']]))
    expect({acks: p.acks, linger: p.lingerMs, compression: p.compression}).toEqual({acks: 1, linger: 5, compression: 4})
    expect(() => producerOptions({'request-required-acks': '2'}, new Map())).toThrow(/acks: String must be one of/)
    expect(() => producerOptions({'compression-codec': 'brotli'}, new Map())).toThrow(/compression.type/)
  })
})
