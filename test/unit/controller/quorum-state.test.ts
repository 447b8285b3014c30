// The quorum-state file in Kafka's FileQuorumStateStore format (data_version 0), and the
// controller.quorum.voters / bootstrap.servers parsers with Kafka's messages.

import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {formatQuorumState, parseQuorumState, QuorumStateError, QuorumStateStore} from '../../../src/controller/raft/quorum-state-store.js'
import {parseBootstrapServers, parseQuorumVoters} from '../../../src/controller/raft/voters.js'

const dir = mkdtempSync(join(tmpdir(), 'tskafka-quorum-state-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('quorum-state', () => {
  it('is written as one line of Kafka data_version 0 JSON, fields in Jackson order', () => {
    expect(formatQuorumState({epoch: 5, leaderId: 2, votedId: 2, voters: [1, 2, 3]})).toBe(
      '{"clusterId":"","leaderId":2,"leaderEpoch":5,"votedId":2,"appliedOffset":0,"currentVoters":[{"voterId":1},{"voterId":2},{"voterId":3}],"data_version":0}',
    )
  })

  it('reads what Kafka writes, data_version 0 and 1', () => {
    expect(parseQuorumState('{"clusterId":"","leaderId":1,"leaderEpoch":2,"votedId":-1,"appliedOffset":0,"currentVoters":[{"voterId":1}],"data_version":0}')).toEqual({
      epoch: 2,
      leaderId: 1,
      votedId: -1,
      voters: [1],
    })
    expect(parseQuorumState('{"leaderId":-1,"leaderEpoch":7,"votedId":3,"votedDirectoryId":"J8aAPcfLQt2bqs1JT_rMgQ","data_version":1}')).toEqual({epoch: 7, leaderId: -1, votedId: 3, voters: []})
  })

  it("refuses what Kafka refuses, with Kafka's messages", () => {
    expect(() => parseQuorumState('{"leaderEpoch":1}')).toThrow(/does not have data_version field/)
    expect(() => parseQuorumState('{"leaderEpoch":1,"data_version":2}')).toThrow('data_version (2) is not within the min (0) and max (1) supported version')
    expect(() => parseQuorumState('[1]')).toThrow(QuorumStateError)
    expect(() => parseQuorumState('not json')).toThrow(/Error while reading the Quorum status/)
  })

  it('round-trips through the store, replacing the file atomically', () => {
    const store = new QuorumStateStore(dir)
    expect(store.read()).toBeNull()
    store.write({epoch: 1, leaderId: -1, votedId: 3, voters: [1, 2, 3]})
    store.write({epoch: 2, leaderId: 3, votedId: -1, voters: [1, 2, 3]})
    expect(store.read()).toEqual({epoch: 2, leaderId: 3, votedId: -1, voters: [1, 2, 3]})
    expect(readFileSync(join(dir, 'quorum-state'), 'utf8')).not.toContain('\n')
    writeFileSync(join(dir, 'quorum-state'), '{"data_version":9}\n')
    expect(() => store.read()).toThrow(QuorumStateError)
  })
})

describe('controller.quorum.voters', () => {
  it('parses {id}@{host}:{port} entries, IPv6 in brackets', () => {
    const voters = parseQuorumVoters(['1@localhost:9093', ' 2@[::1]:9094', '3@kafka-3.example:19093'])
    expect([...voters.values()]).toEqual([
      {id: 1, host: 'localhost', port: 9093},
      {id: 2, host: '::1', port: 9094},
      {id: 3, host: 'kafka-3.example', port: 19093},
    ])
    expect(parseQuorumVoters([]).size).toBe(0)
  })

  it('refuses malformed entries and duplicate ids', () => {
    expect(() => parseQuorumVoters(['localhost:9093'])).toThrow('Unable to parse localhost:9093; expected {id}@{host}:{port}')
    expect(() => parseQuorumVoters(['1@a:1', '1@b:2'])).toThrow('Duplicate voter id 1')
    expect(() => parseQuorumVoters(['1@a:99999'])).toThrow('Invalid port 99999')
  })

  it('parses controller.quorum.bootstrap.servers', () => {
    expect(parseBootstrapServers(['localhost:9093', '[::1]:9094'])).toEqual([
      {host: 'localhost', port: 9093},
      {host: '::1', port: 9094},
    ])
    expect(() => parseBootstrapServers(['nohost'])).toThrow('Invalid url in bootstrap.servers: nohost')
  })
})
