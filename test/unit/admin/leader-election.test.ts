// kafka-leader-election.sh's flag checks, JSON file and output lines, as src/admin/leader-election.ts
// reproduces them. The expected texts were taken from Kafka 4.3.1's tool, and the HashSet orders
// from java.util.HashSet<TopicPartition> run on a JVM.

import {describe, expect, it} from 'vitest'

import {
  electionData,
  electionRequestFromFlags,
  electionResults,
  hashSetOrder,
  javaExceptionText,
  parseElectionJson,
  renderElection,
  requestTopicPartitions,
  tpName,
  type PartitionElection,
} from '../../../src/admin/leader-election.js'
import {CommandError, UsageError} from '../../../src/cli/errors.js'
import {ErrorCode} from '../../../src/protocol/errors.js'

const noFile = () => {
  throw new Error('no file expected')
}

function usageError(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error('expected a usage error')
}

function jsonError(text: string): string {
  try {
    parseElectionJson(text)
  } catch (error) {
    expect(error).toBeInstanceOf(CommandError)
    return (error as Error).message
  }
  throw new Error('expected an error')
}

describe('flags', () => {
  it('--election-type in any case; --topic with --partition; --all-topic-partitions; a JSON file', () => {
    expect(electionRequestFromFlags({'election-type': 'Preferred', topic: 't', partition: '2'}, noFile)).toEqual({electionType: 'PREFERRED', partitions: [{topic: 't', partition: 2}]})
    expect(electionRequestFromFlags({'election-type': 'unclean', 'all-topic-partitions': true}, noFile)).toEqual({electionType: 'UNCLEAN', partitions: null})
    expect(electionRequestFromFlags({'election-type': 'PREFERRED', 'path-to-json-file': 'f.json'}, () => '{"partitions":[{"topic":"a","partition":1}]}')).toEqual({
      electionType: 'PREFERRED',
      partitions: [{topic: 'a', partition: 1}],
      jsonFile: 'f.json',
    })
  })

  it("Kafka's messages for bad values and combinations, in Kafka's order", () => {
    expect(usageError(() => electionRequestFromFlags({'election-type': 'foo', 'all-topic-partitions': true}, noFile))).toBe("Cannot parse argument 'foo' of option election-type")
    expect(usageError(() => electionRequestFromFlags({'election-type': 'preferred', topic: 't', partition: 'x'}, noFile))).toBe("Cannot parse argument 'x' of option partition")
    expect(usageError(() => electionRequestFromFlags({topic: 't', 'all-topic-partitions': true}, noFile))).toBe('Missing required option(s): election-type')
    const oneOf = 'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file'
    expect(usageError(() => electionRequestFromFlags({'election-type': 'preferred'}, noFile))).toBe(oneOf)
    expect(usageError(() => electionRequestFromFlags({'election-type': 'preferred', partition: '1'}, noFile))).toBe(oneOf)
    expect(usageError(() => electionRequestFromFlags({'election-type': 'preferred', topic: 't', 'path-to-json-file': 'f'}, noFile))).toBe(oneOf)
    expect(usageError(() => electionRequestFromFlags({'election-type': 'unclean', topic: 't'}, noFile))).toBe('Missing required option(s): partition')
    expect(usageError(() => electionRequestFromFlags({'election-type': 'preferred', partition: '1', 'all-topic-partitions': true}, noFile))).toBe(
      'Option partition is only allowed if topic is used',
    )
  })
})

describe('--path-to-json-file', () => {
  it('reads the partitions and lists them in the order of the HashSet Kafka puts them in', () => {
    const entries = [...Array.from({length: 20}, (_, i) => ({topic: 't', partition: i})), {topic: 'orders', partition: 3}, {topic: 'a', partition: 0}, {topic: 'b', partition: 1}, {topic: '__consumer_offsets', partition: 0}]
    const parsed = parseElectionJson(JSON.stringify({partitions: entries}))
    // new HashSet<>(list) on a JVM:
    expect(parsed.map(tpName).join(', ')).toBe('t-19, b-1, t-17, t-15, t-13, t-11, t-9, t-7, t-5, t-3, t-1, orders-3, a-0, t-18, t-16, t-14, t-12, t-10, t-8, t-6, t-4, __consumer_offsets-0, t-2, t-0')
    // add() one by one into a default HashSet (16 buckets, resized on the way):
    expect(hashSetOrder(entries).map(tpName).join(', ')).toBe('t-19, a-0, b-1, t-18, t-17, t-16, t-15, t-14, t-13, t-12, t-11, t-10, t-9, t-8, t-7, t-6, t-5, t-4, __consumer_offsets-0, t-3, t-2, t-1, t-0, orders-3')
    expect(requestTopicPartitions(parsed).map((t) => t.topic)).toEqual(['t', 'b', 'orders', 'a', '__consumer_offsets'])
  })

  it("refuses bad files with Kafka's messages", () => {
    expect(jsonError('{"partitions":[{"topic":"x","partition":5},{"topic":"y","partition":1},{"topic":"x","partition":5},{"topic":"y","partition":1},{"topic":"a","partition":17}]}')).toBe(
      'Replica election data contains duplicate partitions: [x-5, y-1]',
    )
    expect(jsonError('not json')).toBe('Replica election data is empty')
    expect(jsonError('')).toBe('Replica election data is empty')
    expect(jsonError('{"x":1}')).toBe('Replica election data is missing "partitions" field')
    expect(jsonError('[1]')).toBe('Expected JSON object, received [1]')
    expect(jsonError('{"partitions":{}}')).toBe('Expected JSON array, received {}')
    expect(jsonError('{"partitions":[1]}')).toBe('Expected JSON object, received 1')
    expect(jsonError('{"partitions":[{"topic":1,"partition":0}]}')).toBe('Expected `String` value, received 1')
    expect(jsonError('{"partitions":[{"partition":0}]}')).toBe('No such field exists: `topic`')
    expect(jsonError('{"partitions":[{"topic":"t","partition":"0"}]}')).toBe('Expected `Integer` value, received "0"')
    expect(jsonError('{"partitions":[{"topic":"t","partition":2147483648}]}')).toBe('Expected `Integer` value, received 2147483648')
  })

  it('an empty list is no partition at all (Kafka sends it, and the answer is empty)', () => {
    expect(parseElectionJson('{"partitions":[]}')).toEqual([])
  })
})

describe('results and output', () => {
  const response = {
    throttleTimeMs: 0,
    errorCode: 0,
    replicaElectionResults: [
      {
        topic: 't',
        partitionResult: [
          {partitionId: 0, errorCode: ErrorCode.NONE, errorMessage: null},
          {partitionId: 1, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: null},
          {partitionId: 2, errorCode: ErrorCode.NONE, errorMessage: null},
          {partitionId: 3, errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, errorMessage: 'Failed to elect leader for partition t-3 under strategy PreferredLeaderElection'},
        ],
      },
      {topic: 'gone', partitionResult: [{partitionId: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such topic as gone'}]},
    ],
  }

  it("prints Kafka's three kinds of line and the failure count, in the orders a JVM gives", () => {
    const report = renderElection('PREFERRED', electionResults(response))
    expect(report.lines).toEqual([
      'Successfully completed leader election (PREFERRED) for partitions t-2, t-0',
      'Valid replica already elected for partitions t-1',
      'Error completing leader election (PREFERRED) for partition: gone-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such topic as gone',
      'Error completing leader election (PREFERRED) for partition: t-3: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to elect leader for partition t-3 under strategy PreferredLeaderElection',
    ])
    expect(report.failure).toBe('2 replica(s) could not be elected')
    expect(renderElection('UNCLEAN', [])).toEqual({lines: [], failure: null})
  })

  it('--output json|yaml data: every partition, sorted, failures with their error', () => {
    expect(electionData('PREFERRED', electionResults(response))).toEqual({
      electionType: 'PREFERRED',
      partitions: [
        {topic: 'gone', partition: 0, outcome: 'failed', error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'No such topic as gone'},
        {topic: 't', partition: 0, outcome: 'elected'},
        {topic: 't', partition: 1, outcome: 'not-needed'},
        {topic: 't', partition: 2, outcome: 'elected'},
        {topic: 't', partition: 3, outcome: 'failed', error: 'PREFERRED_LEADER_NOT_AVAILABLE', message: 'Failed to elect leader for partition t-3 under strategy PreferredLeaderElection'},
      ],
    })
  })

  it("names errors as Kafka's client exceptions, with the default message when the broker gives none", () => {
    const [r] = electionResults({throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [{topic: 'u', partitionResult: [{partitionId: 0, errorCode: ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, errorMessage: null}]}]}) as [PartitionElection]
    expect(r.exception).toBe('org.apache.kafka.common.errors.EligibleLeadersNotAvailableException: Eligible topic partition leaders are not available.')
    expect(javaExceptionText(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'x')).toBe('org.apache.kafka.common.errors.ClusterAuthorizationException: x')
    expect(javaExceptionText(ErrorCode.REQUEST_TIMED_OUT, 'y')).toBe('org.apache.kafka.common.errors.TimeoutException: y')
    expect(javaExceptionText(ErrorCode.INVALID_REQUEST, 'z')).toBe('org.apache.kafka.common.errors.InvalidRequestException: z')
  })
})
