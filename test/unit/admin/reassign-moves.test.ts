import {describe, expect, it} from 'vitest'

import {followerThrottles, leaderThrottles, logDirMoveState, partitionStates, proposedMoveMap, reassigningBrokers} from '../../../src/admin/reassign/moves.js'
import {clearThrottlesText, executeSuccessText, generateText, listText, partitionStatesText, progressLine, rollbackText} from '../../../src/admin/reassign/render.js'

describe('reassignment moves and throttles (Kafka calculateProposedMoveMap and friends)', () => {
  it('throttles the current replicas as leaders and the incoming ones as followers', () => {
    const current = new Map([
      ['foo-0', [1, 2, 3]],
      ['foo-1', [4, 5, 6]],
      ['bar-0', [2, 3]],
    ])
    const moves = proposedMoveMap(
      [],
      [
        {topic: 'foo', partition: 0, replicas: [1, 2, 4]},
        {topic: 'foo', partition: 1, replicas: [4, 5, 6]},
        {topic: 'bar', partition: 0, replicas: [5, 6]},
      ],
      current,
    )
    expect(Object.fromEntries(leaderThrottles(moves))).toEqual({foo: '0:1,0:2,0:3,1:4,1:5,1:6', bar: '0:2,0:3'})
    expect(Object.fromEntries(followerThrottles(moves))).toEqual({foo: '0:4', bar: '0:5,0:6'})
    expect(reassigningBrokers(moves)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('keeps the sources of a reassignment already running (Kafka testMoveMap)', () => {
    const moves = proposedMoveMap(
      [{topic: 'foo', partition: 0, replicas: [1, 2, 3, 4], addingReplicas: [4], removingReplicas: [3]}],
      [{topic: 'foo', partition: 0, replicas: [1, 2, 5]}],
      new Map([['foo-0', [1, 2, 3, 4]]]),
    )
    const m = moves.get('foo')!.get(0)!
    expect([...m.sources].sort()).toEqual([1, 2, 3])
    expect([...m.destinations]).toEqual([5])
  })

  it('finds states and prints Kafka status lines', () => {
    const states = partitionStates(
      [
        {topic: 'foo', partition: 1, replicas: [2, 3]},
        {topic: 'foo', partition: 0, replicas: [1, 2]},
        {topic: 'bar', partition: 0, replicas: [1]},
        {topic: 'gone', partition: 0, replicas: [1]},
      ],
      [{topic: 'foo', partition: 1, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1]}],
      new Map([
        ['foo-0', [1, 2]],
        ['bar-0', [2]],
      ]),
    )
    expect(partitionStatesText(states)).toBe(
      [
        'Status of partition reassignment:',
        'There is no active reassignment of partition bar-0, but replica set is 2 rather than 1.',
        'Reassignment of partition foo-0 is completed.',
        'Reassignment of partition foo-1 is still in progress.',
        'There is no active reassignment of partition gone-0, but replica set is  rather than 1.',
      ].join('\n'),
    )
  })

  it('prints --list, --generate, --execute and throttle clearing as Kafka', () => {
    expect(listText([])).toBe('No partition reassignments found.')
    expect(
      listText([
        {topic: 'foo', partition: 1, replicas: [1, 2, 3], addingReplicas: [4, 5], removingReplicas: [1, 2]},
        {topic: 'bar', partition: 0, replicas: [2, 3, 0], addingReplicas: [], removingReplicas: [0]},
        {topic: 'foo', partition: 0, replicas: [0, 1, 2], addingReplicas: [4], removingReplicas: []},
      ]),
    ).toBe(['Current partition reassignments:', 'bar-0: replicas: 2,3,0. removing: 0.', 'foo-0: replicas: 0,1,2. adding: 4.', 'foo-1: replicas: 1,2,3. adding: 4,5. removing: 1,2.'].join('\n'))
    expect(generateText([{topic: 't', partition: 0, replicas: [1], logDirs: ['/d']}], [{topic: 't', partition: 0, replicas: [2]}])).toBe(
      'Current partition replica assignment\n{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["/d"]}]}\n\nProposed partition reassignment configuration\n{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[2],"log_dirs":["any"]}]}',
    )
    expect(rollbackText([{topic: 't', partition: 0, replicas: [1]}])).toBe(
      'Current partition replica assignment\n\n{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["any"]}]}\n\nSave this to use as the --reassignment-json-file option during rollback',
    )
    expect(executeSuccessText([{topic: 'b', partition: 0}])).toBe('Successfully started partition reassignment for b-0')
    expect(executeSuccessText([{topic: 'b', partition: 10}, {topic: 'a', partition: 0}, {topic: 'b', partition: 2}])).toBe('Successfully started partition reassignments for a-0,b-2,b-10')
    // Java HashSet order: small ints ascending, strings by their hash buckets.
    expect(clearThrottlesText([3, 1, 2], ['foo', 'bar'])).toEqual(['Clearing broker-level throttles on brokers 1,2,3', 'Clearing topic-level throttles on topics bar,foo'])
    expect(clearThrottlesText([1], ['t'])).toEqual(['Clearing broker-level throttles on broker 1', 'Clearing topic-level throttles on topic t'])
  })

  it('classifies log dir moves as Kafka findLogDirMoveStates', () => {
    expect(logDirMoveState('/a', undefined).kind).toBe('missing-replica')
    expect(logDirMoveState('/a', {current: null, future: null}).kind).toBe('missing-log-dir')
    expect(logDirMoveState('/a', {current: '/a', future: null}).kind).toBe('completed')
    expect(logDirMoveState('/a', {current: '/b', future: null}).kind).toBe('cancelled')
    expect(logDirMoveState('/a', {current: '/b', future: '/a'}).kind).toBe('active')
  })

  it('draws a progress line', () => {
    expect(progressLine({moving: 1, total: 4, bytesCopied: 1536, bytesToCopy: 3072}, 12_400)).toBe('Reassigning: 3/4 partitions done, 1.5 KB of 3.0 KB copied (50%), 12s')
  })
})
