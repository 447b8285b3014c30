// Test helpers for the storage engine: temp log dirs, a settable clock, and
// record batches built with the protocol's RecordBatch v2 encoder.

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {decodeRecordBatch, encodeRecordBatch, iterateBatches} from '../../../src/protocol/record-batch.js'
import {logConfig, type LogConfig} from '../../../src/storage/log-config.js'
import {PartitionLog, type PartitionLogOptions} from '../../../src/storage/partition-log.js'

export const T0 = 1_700_000_000_000

export class Clock {
  constructor(public now = T0) {}
  readonly fn = () => this.now
}

const made: string[] = []

/** A fresh temp directory, removed by cleanupTempDirs. */
export function tempDir(prefix = 'tskafka-storage-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  made.push(d)
  return d
}

export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, {recursive: true, force: true})
}

export interface BatchSpec {
  values: Array<string | Buffer>
  keys?: Array<string | null>
  /** Timestamp of each record (default T0 + index). */
  timestamps?: number[]
  compression?: number
}

/** A client-style batch: baseOffset 0, no leader epoch, CreateTime. */
export function batch(spec: BatchSpec | Array<string | Buffer>): Buffer {
  const s: BatchSpec = Array.isArray(spec) ? {values: spec} : spec
  return encodeRecordBatch({
    compression: s.compression ?? 0,
    records: s.values.map((v, i) => ({
      key: s.keys ? s.keys[i] ?? null : `k${i}`,
      value: v,
      timestamp: BigInt(s.timestamps?.[i] ?? T0 + i),
    })),
  })
}

/** `n` records of `size` bytes each, in one batch, with timestamp ts. */
export function sizedBatch(n: number, size: number, ts = T0): Buffer {
  const values = Array.from({length: n}, (_, i) => Buffer.alloc(size, 97 + (i % 26)))
  return encodeRecordBatch({records: values.map((v) => ({key: null, value: v, timestamp: BigInt(ts)}))})
}

export interface DecodedRecord {
  offset: number
  timestamp: number
  key: string | null
  value: string | null
  leaderEpoch: number
}

/** Every record of the whole batches in `buf`. */
export function decodeAll(buf: Buffer): DecodedRecord[] {
  const out: DecodedRecord[] = []
  for (const entry of iterateBatches(buf)) {
    const b = decodeRecordBatch(entry.bytes)
    for (const r of b.records) {
      out.push({
        offset: Number(r.offset),
        timestamp: Number(r.timestamp),
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
        leaderEpoch: b.header.partitionLeaderEpoch,
      })
    }
  }
  return out
}

export interface TestLog {
  log: PartitionLog
  dir: string
  clock: Clock
  config: LogConfig
  reopen(opts?: Partial<PartitionLogOptions>): PartitionLog
}

/** A partition log in a temp log dir (topic "t", partition 0). */
export function openTestLog(overrides: Partial<LogConfig> = {}, opts: Partial<PartitionLogOptions> = {}): TestLog {
  const clock = new Clock()
  const dir = join(tempDir(), 't-0')
  const config = logConfig(overrides)
  const t: TestLog = {
    dir,
    clock,
    config,
    log: PartitionLog.open(dir, {config, clock: clock.fn, ...opts}),
    reopen(o: Partial<PartitionLogOptions> = {}) {
      t.log = PartitionLog.open(dir, {config, clock: clock.fn, ...o})
      return t.log
    },
  }
  return t
}
