// Micro-benchmark of the partition log's hot paths (npm run bench:storage):
// append (header validation, CRC-32C check, offset/epoch stamping, one pwrite
// per call, index upkeep, segment rolls) and read (index lookup, header scan,
// one pread into a fresh Buffer), for 1 KiB and 100-byte records batched
// into ~16 KiB RecordBatches. Batches are encoded once up front; append
// stamps them in place, so the same buffers are appended again and again.
// Data goes to a temp dir (page cache, no fsync: Kafka's default flush policy).
//
//   npx tsx scripts/bench-storage.ts [--mib 256] [--segment-mib 1024]

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {encodeRecordBatch} from '../src/protocol/record-batch.js'
import {logConfig} from '../src/storage/log-config.js'
import {PartitionLog} from '../src/storage/partition-log.js'

const args = process.argv.slice(2)
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const TOTAL_BYTES = opt('mib', 256) * 1024 * 1024
const SEGMENT_BYTES = opt('segment-mib', 1024) * 1024 * 1024
const BATCH_BYTES = 16 * 1024

function makeBatches(recordSize: number, distinct: number): Buffer[] {
  const perBatch = Math.max(1, Math.floor(BATCH_BYTES / (recordSize + 12)))
  const out: Buffer[] = []
  for (let b = 0; b < distinct; b++) {
    const records = Array.from({length: perBatch}, (_, i) => {
      const value = Buffer.alloc(recordSize)
      for (let j = 0; j < recordSize; j += 8) value[j] = (b * 31 + i * 7 + j) & 0xff
      return {key: null, value, timestamp: BigInt(Date.now())}
    })
    out.push(encodeRecordBatch({records}))
  }
  return out
}

const mbps = (bytes: number, ns: bigint) => bytes / (1024 * 1024) / (Number(ns) / 1e9)

interface Row {
  case: string
  'batch bytes': number
  'records/batch': number
  'append MB/s': string
  'appends/s': string
  'µs/append': string
  'read 1 MiB MB/s': string
  'read 16 KiB tail MB/s': string
  'records/s (append)': string
}

function bench(name: string, recordSize: number): Row {
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-bench-storage-'))
  try {
    const log = PartitionLog.open(join(dir, 'bench-0'), {config: logConfig({segmentBytes: SEGMENT_BYTES})})
    const batches = makeBatches(recordSize, 64)
    const batchSize = batches[0]!.length
    const recordsPerBatch = batches[0]!.readInt32BE(57)
    // Each append gets the bytes as a producer sends them: baseOffset 0 (the previous append stamped it).
    const append = (b: Buffer) => {
      b.fill(0, 0, 8)
      log.append(b, {leaderEpoch: 0})
    }
    // Warm up the JIT and the file.
    for (let i = 0; i < 2000; i++) append(batches[i % batches.length]!)
    const appends = Math.ceil(TOTAL_BYTES / batchSize)
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < appends; i++) append(batches[i % batches.length]!)
    const appendNs = process.hrtime.bigint() - t0
    const appendedBytes = appends * batchSize
    log.updateHighWatermark(log.logEndOffset)

    // Sequential consumer: 1 MiB fetches from the start (max.partition.fetch.bytes default).
    let offset = log.logStartOffset
    let readBytes = 0
    const t1 = process.hrtime.bigint()
    while (offset < log.logEndOffset) {
      const r = log.read(offset, 1024 * 1024)
      readBytes += r.records.length
      // Next fetch offset: after the last whole batch returned (what a consumer derives from the batches).
      let at = 0
      let next = offset
      while (at + 61 <= r.records.length) {
        const size = r.records.readInt32BE(at + 8) + 12
        if (at + size > r.records.length) break
        next = r.records.readInt32BE(at) * 2 ** 32 + r.records.readUInt32BE(at + 4) + r.records.readInt32BE(at + 23) + 1
        at += size
      }
      if (next === offset) break
      offset = next
    }
    const readNs = process.hrtime.bigint() - t1

    // Tailing consumers: small fetches near the end, one batch each.
    const tailReads = 20000
    const lastBase = log.logEndOffset - recordsPerBatch * 512
    let tailBytes = 0
    const t2 = process.hrtime.bigint()
    for (let i = 0; i < tailReads; i++) tailBytes += log.read(lastBase + (i % 512) * recordsPerBatch, BATCH_BYTES).records.length
    const tailNs = process.hrtime.bigint() - t2
    log.close()
    return {
      case: name,
      'batch bytes': batchSize,
      'records/batch': recordsPerBatch,
      'append MB/s': mbps(appendedBytes, appendNs).toFixed(0),
      'appends/s': (appends / (Number(appendNs) / 1e9)).toFixed(0),
      'µs/append': (Number(appendNs) / 1e3 / appends).toFixed(1),
      'read 1 MiB MB/s': mbps(readBytes, readNs).toFixed(0),
      'read 16 KiB tail MB/s': mbps(tailBytes, tailNs).toFixed(0),
      'records/s (append)': ((appends * recordsPerBatch) / (Number(appendNs) / 1e9)).toFixed(0),
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

console.log(`partition log: ${TOTAL_BYTES / 1024 / 1024} MiB per case, segment.bytes ${SEGMENT_BYTES / 1024 / 1024} MiB, Node ${process.version}`)
console.table([bench('1 KiB records', 1024), bench('100-byte records', 100)])
