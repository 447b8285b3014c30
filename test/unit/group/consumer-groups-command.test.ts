// The pure parts of `tskafka consumer-groups`: Kafka's date-time and duration formats, the reset
// plan CSV (as --export writes it and --from-file reads it), and the text layouts.
import {describe, expect, it} from 'vitest'
import {
  assignmentString,
  exportCsv,
  parseDateTime,
  parseDuration,
  parseResetPlan,
  parseStates,
  parseTopicArg,
  renderOffsets,
  renderResetPlan,
  stateNotice,
} from '../../../src/admin/consumer-groups.js'

describe('consumer-groups options', () => {
  it("reads --to-datetime as Kafka's Utils.getDateTime (UTC unless a zone is given)", () => {
    expect(parseDateTime('2024-03-01T12:30:00.250')).toBe(Date.UTC(2024, 2, 1, 12, 30, 0, 250))
    expect(parseDateTime('2024-03-01T12:30:00.250Z')).toBe(Date.UTC(2024, 2, 1, 12, 30, 0, 250))
    expect(parseDateTime('2024-03-01T12:30:00.000+02:00')).toBe(Date.UTC(2024, 2, 1, 10, 30))
    expect(parseDateTime('2024-03-01T12:30:00.000-0130')).toBe(Date.UTC(2024, 2, 1, 14, 0))
    expect(() => parseDateTime('2024-03-01')).toThrow("It does not contain a 'T'")
    expect(() => parseDateTime('2024-02-30T00:00:00.000')).toThrow('Unparseable date')
    expect(() => parseDateTime('2024-03-01T12:30:00')).toThrow('Unparseable date')
  })

  it("reads --by-duration as Java's Duration.parse", () => {
    expect(parseDuration('PT1H')).toBe(3_600_000)
    expect(parseDuration('P1DT2H3M4.5S')).toBe(86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_500)
    expect(parseDuration('PT0.001S')).toBe(1)
    expect(parseDuration('-PT10M')).toBe(-600_000)
    for (const bad of ['1H', 'P', 'PT', 'P1H', 'PT1D']) expect(() => parseDuration(bad), bad).toThrow('cannot be parsed to a Duration')
  })

  it('reads --state lists and topic arguments with Kafka messages', () => {
    expect(parseStates('stable, EMPTY')).toEqual(['Stable', 'Empty'])
    expect(() => parseStates('stable,sleepy')).toThrow("Invalid state list 'stable,sleepy'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling")
    expect(parseTopicArg('orders')).toEqual({topic: 'orders', partitions: null})
    expect(parseTopicArg('orders:0,2')).toEqual({topic: 'orders', partitions: [0, 2]})
    expect(() => parseTopicArg('orders:x')).toThrow("Invalid partition 'x' specified in topic arg 'orders:x''")
  })

  it('round-trips a reset plan through --export and --from-file', () => {
    const results = [
      {groupId: 'g1', state: 'Empty', offsets: [{topic: 't', partition: 0, offset: 5n}, {topic: 'u', partition: 2, offset: 0n}]},
      {groupId: 'g2', state: 'Dead', offsets: [{topic: 't', partition: 1, offset: 9n}]},
    ]
    const many = exportCsv(results, false)
    expect(many).toBe('g1,t,0,5\ng1,u,2,0\ng2,t,1,9\n')
    expect(parseResetPlan(many, null)).toEqual(
      new Map([
        ['g1', [{topic: 't', partition: 0, offset: 5n}, {topic: 'u', partition: 2, offset: 0n}]],
        ['g2', [{topic: 't', partition: 1, offset: 9n}]],
      ]),
    )
    const one = exportCsv(results.slice(0, 1), true)
    expect(one).toBe('t,0,5\nu,2,0\n')
    expect(parseResetPlan(one, 'g1').get('g1')).toHaveLength(2)
    expect(() => parseResetPlan('t,0\n', 'g1')).toThrow('Invalid reset plan line')
  })
})

describe('consumer-groups text', () => {
  it('lays out the offsets table with Kafka widths and "-" for unknowns', () => {
    const text = renderOffsets([
      {group: 'g', topic: 't', partition: 0, currentOffset: 3n, logEndOffset: 10n, lag: 7n, consumerId: 'c-1', host: '/127.0.0.1', clientId: 'app'},
      {group: 'g', topic: 'a-much-longer-topic-name', partition: 1, currentOffset: null, logEndOffset: 4n, lag: null, consumerId: '-', host: '-', clientId: '-'},
    ])
    expect(text.split('\n')).toEqual([
      '',
      'GROUP           TOPIC                    PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
      'g               t                        0          3               10              7               c-1             /127.0.0.1      app',
      'g               a-much-longer-topic-name 1          -               4               -               -               -               -',
    ])
  })

  it('prints reset plans and assignments as Kafka does', () => {
    expect(renderResetPlan([{groupId: 'g', state: 'Empty', offsets: [{topic: 't', partition: 0, offset: 1n}]}]).split('\n')).toEqual([
      '',
      'GROUP           TOPIC           PARTITION  NEW-OFFSET',
      'g               t               0          1',
    ])
    expect(assignmentString([{topic: 't', partition: 2}, {topic: 't', partition: 0}])).toBe('t:0,2')
    expect(assignmentString([])).toBe('-')
    expect(stateNotice('g', 'Empty')).toEqual({kind: 'warning', text: "\nConsumer group 'g' has no active members."})
    expect(stateNotice('g', 'Reconciling')).toEqual({kind: 'warning', text: "\nWarning: Consumer group 'g' is rebalancing."})
    expect(stateNotice('g', 'Dead')).toEqual({kind: 'error', text: "Consumer group 'g' does not exist."})
    expect(stateNotice('g', 'Stable')).toBeNull()
  })
})
