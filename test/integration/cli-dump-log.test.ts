// `tskafka dump-log` prints exactly what Kafka's kafka-dump-log.sh prints for
// the same files: a segment with plain, compressed, transactional, control,
// LogAppendTime and tombstone-horizon batches (and a torn tail), its offset
// and time indexes (including entries that do not match the log), and a
// transaction index. Both tools read the same files in a temp dir.

import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {encodeEndTxnMarkerBatch, encodeRecordBatch} from '../../src/protocol/record-batch.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {describeRun, runKafkaTool} from '../helpers/peers.js'

const JVM = {KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData', KAFKA_HEAP_OPTS: '-Xmx256m'}
const dir = mkdtempSync(join(tmpdir(), 'tskafka-dump-log-'))
const seg = join(dir, '00000000000000000100.log')
const index = join(dir, '00000000000000000100.index')
const timeindex = join(dir, '00000000000000000100.timeindex')
const txnindex = join(dir, '00000000000000000100.txnindex')
// The same segment with indexes trimmed to their entries, as Kafka leaves them after a clean shutdown.
const trimmedDir = mkdtempSync(join(tmpdir(), 'tskafka-dump-log-trimmed-'))
const trimmedIndex = join(trimmedDir, '00000000000000000100.index')
const trimmedTimeindex = join(trimmedDir, '00000000000000000100.timeindex')

function segment(): {log: Buffer; positions: Array<{last: bigint; position: number; maxTs: bigint}>} {
  const batches = [
    encodeRecordBatch({
      baseOffset: 100n,
      partitionLeaderEpoch: 3,
      baseTimestamp: 1_700_000_000_000n,
      records: [
        {key: 'k1', value: 'v1', headers: [{key: 'h', value: 'x'}], timestamp: 1_700_000_000_000n},
        {key: null, value: 'no key', timestamp: 1_700_000_000_005n},
        {key: '', value: null, timestamp: 1_699_999_999_000n},
      ],
    }),
    encodeRecordBatch({baseOffset: 103n, compression: 1, records: Array.from({length: 5}, (_, i) => ({key: `g${i}`, value: 'gzip '.repeat(i + 1), timestamp: 1_700_000_001_000n + BigInt(i)}))}),
    encodeRecordBatch({baseOffset: 108n, compression: 4, records: [{key: 'z', value: Buffer.from([0xff, 0xfe, 0x41]), timestamp: 1_700_000_002_000n}]}),
    encodeRecordBatch({
      baseOffset: 109n,
      producerId: 4000n,
      producerEpoch: 2,
      baseSequence: 2147483646,
      isTransactional: true,
      records: [
        {key: 't1', value: 'in txn', timestamp: 1_700_000_003_000n},
        {key: 't2', value: 'in txn', timestamp: 1_700_000_003_001n},
        {key: 't3', value: 'seq wraps', timestamp: 1_700_000_003_002n},
      ],
    }),
    encodeEndTxnMarkerBatch({baseOffset: 112n, producerId: 4000n, producerEpoch: 2, commit: true, coordinatorEpoch: 7, timestamp: 1_700_000_003_500n}),
    encodeRecordBatch({baseOffset: 113n, timestampType: 'LogAppendTime', maxTimestamp: 1_700_000_009_999n, records: [{key: 'l', value: 'append time', timestamp: 1_700_000_004_000n}]}),
    encodeRecordBatch({baseOffset: 114n, deleteHorizonMs: 1_700_000_100_000n, records: [{key: 'gone', value: null, timestamp: 1_700_000_100_000n}]}),
    // Offsets 115-116 compacted away: the next batch starts at 117.
    encodeRecordBatch({baseOffset: 117n, compression: 3, records: [{key: 'after', value: 'gap', timestamp: 1_700_000_005_000n}]}),
  ]
  const positions: Array<{last: bigint; position: number; maxTs: bigint}> = []
  let at = 0
  for (const b of batches) {
    positions.push({last: b.readBigInt64BE(0) + BigInt(b.readInt32BE(23)), position: at, maxTs: b.readBigInt64BE(35)})
    at += b.length
  }
  // A torn tail, as a crash leaves it.
  return {log: Buffer.concat([...batches, batches[0]!.subarray(0, 30)]), positions}
}

beforeAll(() => {
  assertCliBuilt()
  const {log, positions} = segment()
  writeFileSync(seg, log)
  // Offset index: two good entries, one pointing at the wrong batch, then preallocated zeros.
  const idx = Buffer.alloc(8 * 6)
  const entries: Array<[bigint, number]> = [
    [positions[1]!.last, positions[1]!.position],
    [positions[3]!.last, positions[3]!.position],
    [positions[5]!.last + 1n, positions[5]!.position],
  ]
  entries.forEach(([offset, position], i) => {
    idx.writeInt32BE(Number(offset - 100n), i * 8)
    idx.writeInt32BE(position, i * 8 + 4)
  })
  writeFileSync(index, idx)
  const tidx = Buffer.alloc(12 * 5)
  const tentries: Array<[bigint, bigint]> = [
    [positions[0]!.maxTs, positions[0]!.last],
    [positions[1]!.maxTs, positions[1]!.last],
    [positions[1]!.maxTs - 1n, positions[3]!.last],
  ]
  tentries.forEach(([ts, offset], i) => {
    tidx.writeBigInt64BE(ts, i * 12)
    tidx.writeInt32BE(Number(offset - 100n), i * 12 + 8)
  })
  writeFileSync(timeindex, tidx)
  writeFileSync(join(trimmedDir, '00000000000000000100.log'), log)
  writeFileSync(trimmedIndex, idx.subarray(0, 8 * entries.length))
  writeFileSync(trimmedTimeindex, tidx.subarray(0, 12 * 2))
  const txn = Buffer.alloc(34 * 2)
  ;[
    [4000n, 109n, 112n, 109n],
    [4001n, 120n, 125n, 118n],
  ].forEach(([pid, first, last, lso], i) => {
    txn.writeInt16BE(0, i * 34)
    txn.writeBigInt64BE(pid!, i * 34 + 2)
    txn.writeBigInt64BE(first!, i * 34 + 10)
    txn.writeBigInt64BE(last!, i * 34 + 18)
    txn.writeBigInt64BE(lso!, i * 34 + 26)
  })
  writeFileSync(txnindex, txn)
})

const CASES: Array<[string, string[]]> = [
  ['batches only', ['--files', seg]],
  ['--deep-iteration', ['--files', seg, '--deep-iteration']],
  ['--print-data-log', ['--files', seg, '--print-data-log']],
  ['--skip-record-metadata', ['--files', seg, '--print-data-log', '--skip-record-metadata']],
  ['--max-bytes', ['--files', seg, '--deep-iteration', '--max-bytes', '400']],
  ['indexes with mismatches', ['--files', `${index},${timeindex}`]],
  ['--verify-index-only', ['--files', `${index},${timeindex}`, '--verify-index-only']],
  ['--index-sanity-check on trimmed indexes', ['--files', `${trimmedIndex},${trimmedTimeindex}`, '--index-sanity-check']],
  ['transaction index', ['--files', txnindex]],
]

describe("dump-log prints what kafka-dump-log.sh prints", () => {
  it('--index-sanity-check fails on a preallocated time index, with Kafka\'s message in one line', async () => {
    const args = ['--files', timeindex, '--index-sanity-check']
    const [ours, theirs] = await Promise.all([runCli(['dump-log', ...args]), runKafkaTool('kafka-dump-log', args, {env: JVM})])
    expect(theirs.code).toBe(1)
    expect(ours.code, describeRun('tskafka', ours)).toBe(1)
    const message = /CorruptIndexException: (.*)/.exec(theirs.stderr)![1]!
    expect(ours.stderr).toBe(`Error: ${message}\n`)
  })

  for (const [what, args] of CASES) {
    it(what, async () => {
      const [ours, theirs] = await Promise.all([runCli(['dump-log', ...args]), runKafkaTool('kafka-dump-log', args, {env: JVM})])
      expect(ours.code, describeRun('tskafka', ours)).toBe(0)
      expect(theirs.code, describeRun('kafka-dump-log.sh', theirs)).toBe(0)
      expect(ours.stdout).toBe(theirs.stdout)
      const errors = (s: string) => s.split('\n').filter((l) => l !== '' && !/^\[.*\] (WARN|INFO)/.test(l))
      expect(errors(ours.stderr)).toEqual(errors(theirs.stderr))
    })
  }
})
