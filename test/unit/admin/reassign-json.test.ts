import {describe, expect, it} from 'vitest'

import {
  formatReassignmentJson,
  formatTopicsToMoveJson,
  parseReassignmentJson,
  parseTopicsToMoveJson,
  validateGenerateArgs,
  validateReassignmentForExecute,
} from '../../../src/admin/reassign/reassignment-json.js'

describe('reassignment JSON (Kafka format)', () => {
  it('writes Kafka compact JSON sorted by topic then partition, log_dirs "any"', () => {
    const text = formatReassignmentJson([
      {topic: 'b', partition: 0, replicas: [3, 1]},
      {topic: 'a', partition: 10, replicas: [2]},
      {topic: 'a', partition: 2, replicas: [1, 2], logDirs: ['/d1', 'any']},
    ])
    expect(text).toBe(
      '{"version":1,"partitions":[{"topic":"a","partition":2,"replicas":[1,2],"log_dirs":["/d1","any"]},{"topic":"a","partition":10,"replicas":[2],"log_dirs":["any"]},{"topic":"b","partition":0,"replicas":[3,1],"log_dirs":["any","any"]}]}',
    )
    expect(parseReassignmentJson(text).map((p) => `${p.topic}-${p.partition}:${p.replicas}:${p.logDirs}`)).toEqual(['a-2:1,2:/d1,any', 'a-10:2:any', 'b-0:3,1:any,any'])
  })

  it('reads Kafka documented input: version optional, log_dirs optional', () => {
    expect(parseReassignmentJson('{"partitions":[{"topic":"foo","partition":1,"replicas":[1,2,3]}]}')).toEqual([
      {topic: 'foo', partition: 1, replicas: [1, 2, 3], logDirs: ['any', 'any', 'any']},
    ])
    expect(parseReassignmentJson('{"version":1}')).toEqual([])
  })

  it('gives Kafka texts for bad files', () => {
    const bad = (text: string) => {
      try {
        parseReassignmentJson(text)
      } catch (error) {
        return (error as Error).message
      }
      return 'no error'
    }
    expect(bad('')).toBe("The input string shouldn't be empty")
    expect(bad('{"partitions":')).toMatch(/^The input string is not a valid JSON: /)
    expect(bad('[1]')).toBe('Expected JSON object, received [1]')
    expect(bad('{"version":2,"partitions":[]}')).toBe('Not supported version field value 2')
    expect(bad('{"version":"1","partitions":[]}')).toBe('Expected `Integer` value, received "1"')
    expect(bad('{"partitions":{}}')).toBe('Expected JSON array, received {}')
    expect(bad('{"partitions":[{"partition":0,"replicas":[1]}]}')).toBe('No such field exists: `topic`')
    expect(bad('{"partitions":[{"topic":"t","partition":"0","replicas":[1]}]}')).toBe('Expected `Integer` value, received "0"')
    expect(bad('{"partitions":[{"topic":"t","partition":0,"replicas":1}]}')).toBe('Expected `JSON array` value, received 1')
    expect(bad('{"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}')).toBe(
      'Size of replicas list [1, 2] is different from size of log dirs list [any] for partition t-0',
    )
  })

  it('validates for --execute in Kafka order with Kafka texts', () => {
    const v = (text: string) => {
      try {
        validateReassignmentForExecute(parseReassignmentJson(text))
      } catch (error) {
        return (error as Error).message
      }
      return 'ok'
    }
    expect(v('{"version":1,"partitions":[]}')).toBe('Partition reassignment list cannot be empty')
    expect(v('{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[]}]}')).toBe('Partition replica list cannot be empty')
    expect(v('{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1]},{"topic":"t","partition":0,"replicas":[2]}]}')).toBe(
      'Partition reassignment contains duplicate topic partitions: t-0',
    )
    expect(v('{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2,1]},{"topic":"u","partition":1,"replicas":[3,3,2,2]}]}')).toBe(
      'Partition replica lists may not contain duplicate entries: t-0 contains multiple entries for 1. u-1 contains multiple entries for 2,3',
    )
    expect(v('{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}')).toBe('ok')
  })

  it('reads topics-to-move files and checks --generate arguments', () => {
    expect(parseTopicsToMoveJson(formatTopicsToMoveJson(['foo', 'bar']))).toEqual(['foo', 'bar'])
    expect(parseTopicsToMoveJson('{"topics":\n\t[{"topic": "foo"},{"topic": "foo1"}],\n"version":1\n}')).toEqual(['foo', 'foo1'])
    expect(() => parseTopicsToMoveJson('nope')).toThrow('The input string is not a valid JSON')
    expect(() => parseTopicsToMoveJson('{"topics":[],"version":3}')).toThrow('Not supported version field value 3')
    expect(validateGenerateArgs('1,2,3', ['a'])).toEqual({brokers: [1, 2, 3], topics: ['a']})
    expect(() => validateGenerateArgs('1,2,1,2', ['a'])).toThrow('Broker list contains duplicate entries: [1, 2]')
    expect(() => validateGenerateArgs('1,2', ['a', 'b', 'a'])).toThrow('List of topics to reassign contains duplicate entries: [a]')
    expect(() => validateGenerateArgs('1,x', ['a'])).toThrow('For input string: "x"')
  })
})

describe('reassign --verify --wait --timeout', () => {
  it('takes 30s, 5m, 1h, 250ms or a bare number of milliseconds', async () => {
    const {parseWaitTimeout} = await import('../../../commands/reassign/index.js')
    expect(parseWaitTimeout('30s')).toBe(30_000)
    expect(parseWaitTimeout('5m')).toBe(300_000)
    expect(parseWaitTimeout('1h')).toBe(3_600_000)
    expect(parseWaitTimeout('250ms')).toBe(250)
    expect(parseWaitTimeout('1500')).toBe(1500)
    expect(parseWaitTimeout('1.5s')).toBe(1500)
    expect(() => parseWaitTimeout('soon')).toThrow('Invalid --timeout soon: expected a duration like 30s, 5m, 1h or milliseconds')
  })
})
