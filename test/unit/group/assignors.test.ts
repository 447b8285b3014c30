// The server-side assignors of KIP-848 groups: every subscribed partition assigned once, balance,
// stickiness (uniform) and contiguous co-partitioned ranges (range).
import {describe, expect, it} from 'vitest'
import {rangeAssignor, uniformAssignor, type AssignmentInput} from '../../../src/group/assignors.js'
import type {Assignment} from '../../../src/group/consumer-group.js'

function counts(result: Map<string, Assignment>): Map<string, number> {
  return new Map([...result].map(([m, a]) => [m, [...a.values()].reduce((n, s) => n + s.size, 0)]))
}

function owners(result: Map<string, Assignment>): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const [m, a] of result) for (const [t, ps] of a) for (const p of ps) out.set(`${t}:${p}`, [...(out.get(`${t}:${p}`) ?? []), m])
  return out
}

function members(ids: string[], topics: string[]) {
  return ids.map((memberId) => ({memberId, topicIds: new Set(topics)}))
}

describe('uniform assignor', () => {
  it('assigns every partition exactly once, balanced', () => {
    const input: AssignmentInput = {members: members(['a', 'b', 'c'], ['T']), partitionCounts: new Map([['T', 6]]), previous: new Map()}
    const r = uniformAssignor.assign(input)
    expect([...owners(r).values()].every((o) => o.length === 1)).toBe(true)
    expect(owners(r).size).toBe(6)
    expect([...counts(r).values()]).toEqual([2, 2, 2])
  })

  it('is sticky: a joining member takes only what balance requires', () => {
    const previous = new Map<string, Assignment>([
      ['a', new Map([['T', new Set([0, 1, 2])]])],
      ['b', new Map([['T', new Set([3, 4, 5])]])],
    ])
    const r = uniformAssignor.assign({members: members(['a', 'b', 'c'], ['T']), partitionCounts: new Map([['T', 6]]), previous})
    expect([...counts(r).values()]).toEqual([2, 2, 2])
    // a and b keep two of their previous partitions each.
    const kept = (m: string) => [...(r.get(m)!.get('T') ?? [])].filter((p) => previous.get(m)!.get('T')!.has(p)).length
    expect(kept('a')).toBe(2)
    expect(kept('b')).toBe(2)
  })

  it('gives a departed member’s partitions to the others and keeps the rest', () => {
    const previous = new Map<string, Assignment>([
      ['a', new Map([['T', new Set([0, 1])]])],
      ['b', new Map([['T', new Set([2, 3])]])],
      ['c', new Map([['T', new Set([4, 5])]])],
    ])
    const r = uniformAssignor.assign({members: members(['a', 'b'], ['T']), partitionCounts: new Map([['T', 6]]), previous})
    expect([...counts(r).values()]).toEqual([3, 3])
    for (const p of [0, 1]) expect(r.get('a')!.get('T')!.has(p)).toBe(true)
    for (const p of [2, 3]) expect(r.get('b')!.get('T')!.has(p)).toBe(true)
  })

  it('balances heterogeneous subscriptions as far as they allow', () => {
    const r = uniformAssignor.assign({
      members: [
        {memberId: 'a', topicIds: new Set(['T1'])},
        {memberId: 'b', topicIds: new Set(['T1', 'T2'])},
        {memberId: 'c', topicIds: new Set(['T2'])},
      ],
      partitionCounts: new Map([
        ['T1', 3],
        ['T2', 3],
      ]),
      previous: new Map(),
    })
    expect(owners(r).size).toBe(6)
    expect([...owners(r).values()].every((o) => o.length === 1)).toBe(true)
    expect([...counts(r).values()]).toEqual([2, 2, 2])
    expect([...(r.get('a')!.keys())]).toEqual(['T1'])
    expect([...(r.get('c')!.keys())]).toEqual(['T2'])
  })

  it('drops partitions of topics that shrank away or are no longer subscribed', () => {
    const previous = new Map<string, Assignment>([['a', new Map([['T', new Set([0, 7])], ['U', new Set([0])]])]])
    const r = uniformAssignor.assign({members: members(['a'], ['T']), partitionCounts: new Map([['T', 2]]), previous})
    expect(r.get('a')).toEqual(new Map([['T', new Set([0, 1])]]))
  })
})

describe('range assignor', () => {
  it('gives contiguous ranges, the first members one more', () => {
    const r = rangeAssignor.assign({members: members(['c', 'a', 'b'], ['T']), partitionCounts: new Map([['T', 7]]), previous: new Map()})
    expect([...r.get('a')!.get('T')!]).toEqual([0, 1, 2])
    expect([...r.get('b')!.get('T')!]).toEqual([3, 4])
    expect([...r.get('c')!.get('T')!]).toEqual([5, 6])
  })

  it('co-partitions topics with the same partition count', () => {
    const r = rangeAssignor.assign({
      members: members(['a', 'b'], ['T1', 'T2']),
      partitionCounts: new Map([
        ['T1', 4],
        ['T2', 4],
      ]),
      previous: new Map(),
    })
    expect(r.get('a')!.get('T1')).toEqual(r.get('a')!.get('T2'))
    expect(r.get('b')!.get('T1')).toEqual(r.get('b')!.get('T2'))
  })
})
