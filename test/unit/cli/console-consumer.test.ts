import {describe, expect, it} from 'vitest'

import {consumerPlan, formatRecord, formatterConfig, parseTime} from '../../../src/admin/console-consumer.js'
import {recordFromJson, recordToJson, type ConsumedRecord} from '../../../src/admin/record-json.js'

const record: ConsumedRecord = {
  topic: 't',
  partition: 2,
  offset: 5n,
  timestamp: 1700000000000n,
  timestampType: 'CreateTime',
  leaderEpoch: 0,
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  headers: [
    {key: 'a', value: Buffer.from('1')},
    {key: 'b', value: null},
  ],
}
const fmt = (props: Record<string, string>, r: ConsumedRecord = record) => formatRecord(r, formatterConfig(new Map(Object.entries(props)))).toString()

describe("DefaultMessageFormatter's output", () => {
  it('prints the value alone by default', () => {
    expect(fmt({})).toBe('v\n')
  })

  it('prints every field in Kafka\'s order with its separators', () => {
    expect(fmt({'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true', 'print.key': 'true'})).toBe(
      'CreateTime:1700000000000\tPartition:2\tOffset:5\ta:1,b:null\tk\tv\n',
    )
  })

  it('honours key.separator, line.separator, headers.separator, null.literal and print.value=false', () => {
    expect(fmt({'print.key': 'true', 'print.headers': 'true', 'key.separator': '|', 'line.separator': ';', 'headers.separator': '&', 'null.literal': '-', 'print.value': 'false'})).toBe('a:1&b:-|k;')
    expect(fmt({'print.headers': 'true'}, {...record, headers: []})).toBe('NO_HEADERS\tv\n')
    expect(fmt({'print.key': 'true'}, {...record, key: null})).toBe('null\tv\n')
  })

  it('deserializers turn bytes into text as Kafka\'s do', () => {
    const r = {...record, key: Buffer.from([0, 0, 1, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0, 0, 42])}
    expect(fmt({'print.key': 'true', 'key.deserializer': 'org.apache.kafka.common.serialization.IntegerDeserializer', 'value.deserializer': 'org.apache.kafka.common.serialization.LongDeserializer'}, r)).toBe('256\t42\n')
    expect(() => fmt({'value.deserializer': 'org.apache.kafka.common.serialization.IntegerDeserializer'})).toThrow('Size of data received by IntegerDeserializer is not 4')
  })
})

describe('console consumer options', () => {
  const plan = (flags: Record<string, unknown>, props: Record<string, string> = {}) => consumerPlan(flags as never, new Map(Object.entries(props)), 1_000_000_000_000)

  it('starts at the end, or the beginning with --from-beginning', () => {
    expect(plan({topic: 't'}).start).toEqual({kind: 'latest'})
    expect(plan({topic: 't', 'from-beginning': true}).start).toEqual({kind: 'earliest'})
    expect(plan({topic: 't', partition: 0, offset: '12'}).start).toEqual({kind: 'offset', offset: 12n})
    expect(plan({topic: 't'}, {'auto.offset.reset': 'earliest'}).start).toEqual({kind: 'earliest'})
  })

  it('applies Kafka\'s rules between options', () => {
    expect(() => plan({})).toThrow('Exactly one of --include/--topic is required.')
    expect(() => plan({topic: 't', offset: '1'})).toThrow('The partition is required when offset is specified.')
    expect(() => plan({include: 'x', partition: 1})).toThrow('The topic is required when partition is specified.')
    expect(() => plan({topic: 't', partition: 0, offset: 'x'})).toThrow("The provided offset value 'x' is incorrect.")
    expect(() => plan({topic: 't', group: 'a'}, {'group.id': 'b'})).toThrow(/do not match/)
  })

  it('reads times as ISO, epoch milliseconds or relative to now', () => {
    const now = 1_700_000_000_000
    expect(parseTime('now', 'x', now)).toBe(BigInt(now))
    expect(parseTime('-1h', 'x', now)).toBe(BigInt(now - 3_600_000))
    expect(parseTime('-1h30m', 'x', now)).toBe(BigInt(now - 5_400_000))
    expect(parseTime('+2d', 'x', now)).toBe(BigInt(now + 172_800_000))
    expect(parseTime('1700000000123', 'x', now)).toBe(1700000000123n)
    expect(parseTime('2023-11-14T22:13:20Z', 'x', now)).toBe(1700000000000n)
    expect(parseTime('2023-11-14T22:13:20', 'x', now)).toBe(1700000000000n)
    expect(parseTime('2023-11-15', 'x', now)).toBe(1700006400000n)
    expect(() => parseTime('yesterday', '--from-time', now)).toThrow("invalid --from-time 'yesterday'")
  })
})

describe('lossless JSON records', () => {
  it('round-trips arbitrary bytes, nulls, empty values and duplicate headers', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = (n: number) => Buffer.from(Array.from({length: n}, (_, j) => (i * 31 + j * 17) % 256))
      const r: ConsumedRecord = {
        ...record,
        key: i % 5 === 0 ? null : bytes(i % 7),
        value: i % 3 === 0 ? Buffer.from(`text ${i} ✓`) : bytes(i),
        headers: [
          {key: 'h', value: bytes(i % 4)},
          {key: 'h', value: null},
        ],
      }
      const back = recordFromJson(recordToJson(r))
      expect(back.key).toEqual(r.key)
      expect(back.value).toEqual(r.value)
      expect(back.headers).toEqual(r.headers)
      expect(back.partition).toBe(r.partition)
      expect(back.timestamp).toBe(r.timestamp)
    }
  })

  it('keeps a leading UTF-8 BOM and marks invalid UTF-8 as base64', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf, 0x41])
    expect(recordFromJson(recordToJson({...record, value: bom})).value).toEqual(bom)
    expect(JSON.parse(recordToJson({...record, value: Buffer.from([0xff])}))).toMatchObject({value: '/w==', valueEncoding: 'base64'})
  })

  it('names what is wrong with a bad line', () => {
    expect(() => recordFromJson('{')).toThrow(/invalid JSON/)
    expect(() => recordFromJson('{"value":"%%","valueEncoding":"base64"}')).toThrow('value is not valid base64')
    expect(() => recordFromJson('{"partition":-1}')).toThrow('partition must not be negative')
  })
})
