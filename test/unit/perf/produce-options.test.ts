import {describe, expect, it} from 'vitest'

import {checkProduceFlags} from '../../../src/perf/produce-options.js'
import {parseThroughput} from '../../../src/perf/produce-command.js'
import {producerConfig} from '../../../src/producer/config.js'

const base = {topic: 't', 'num-records': 10, throughput: -1, 'record-size': 100}

describe("perf produce options (ProducerPerformance's rules)", () => {
  it("rejects what Kafka's tool rejects, with its messages", () => {
    expect(() => checkProduceFlags({...base, 'num-records': 0}, new Map())).toThrow('--num-records should be greater than zero.')
    expect(() => checkProduceFlags({...base, 'warmup-records': 10}, new Map())).toThrow('The value for --warmup-records must be strictly fewer than the number of records in the test, --num-records.')
    expect(() => checkProduceFlags({...base, 'record-size': 0}, new Map())).toThrow('--record-size should be greater than zero.')
    expect(() => checkProduceFlags({...base, 'payload-monotonic': true}, new Map())).toThrow('exactly one of --record-size, --payload-file or --payload-monotonic')
    expect(() => checkProduceFlags({topic: 't', 'num-records': 1, throughput: 1}, new Map())).toThrow('one of the arguments --record-size --payload-file --payload-monotonic is required')
    expect(() => checkProduceFlags({...base, 'command-property': ['a=1'], 'producer-props': ['b=2']}, new Map())).toThrow('--command-property and --producer-props cannot be specified together.')
    expect(() => checkProduceFlags({...base, 'transaction-duration-ms': 0}, new Map())).toThrow('--transaction-duration-ms should be greater than zero.')
    expect(() => parseThroughput('fast')).toThrow("could not convert 'fast' to Double")
    expect(parseThroughput('-1')).toBe(-1)
  })

  it('turns transactions on as Kafka does, with its default id prefix and duration', () => {
    const plan = checkProduceFlags({...base, 'transaction-duration-ms': 500}, new Map())
    expect(plan.transactionDurationMs).toBe(500)
    expect(plan.impliedProperties.get('transactional.id')).toMatch(/^performance-producer-[0-9a-f-]{36}$/)
    const fromProps = checkProduceFlags(base, new Map([['transactional.id', 'tx']]))
    expect(fromProps.transactionDurationMs).toBe(3000)
    expect(fromProps.impliedProperties.get('transactional.id')).toBe('tx')
    expect(checkProduceFlags(base, new Map()).impliedProperties.get('client.id')).toBe('perf-producer-client')
  })
})

describe('producer configuration', () => {
  it("uses Kafka 4's defaults", () => {
    const {config} = producerConfig(new Map())
    expect(config).toMatchObject({acks: -1, batchSize: 16384, lingerMs: 5, bufferMemory: 33554432, compression: 0, maxInFlight: 5, idempotence: true, maxRequestSize: 1048576})
  })

  it('switches idempotence off quietly when acks conflicts, but fails when it was asked for', () => {
    expect(producerConfig(new Map([['acks', '1']])).config.idempotence).toBe(false)
    expect(() => producerConfig(new Map([['acks', '1'], ['enable.idempotence', 'true']]))).toThrow('Must set acks to all in order to use the idempotent producer')
    expect(() => producerConfig(new Map([['acks', '1'], ['transactional.id', 'x']]))).toThrow('Must set acks to all')
  })

  it("rejects bad values with Kafka's messages and reports unknown keys", () => {
    expect(() => producerConfig(new Map([['linger.ms', 'soon']]))).toThrow('Invalid value soon for configuration linger.ms: Not a number of type LONG')
    expect(() => producerConfig(new Map([['compression.type', 'brotli']]))).toThrow('Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd')
    expect(() => producerConfig(new Map([['acks', '2']]))).toThrow('Invalid value 2 for configuration acks')
    expect(producerConfig(new Map([['bogus.key', '1'], ['ssl.keystore.location', 'x']])).unknown).toEqual(['bogus.key'])
  })
})
