// kafka-dump-log.sh (DumpLogSegments), offline: reads segment (.log), offset
// index (.index), time index (.timeindex) and transaction index (.txnindex)
// files and prints them in Kafka's format. Errors found (index entries that do
// not match the log, non-consecutive offsets) go to stderr, as Kafka prints them.

import {closeSync, fstatSync, openSync, readSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'

import {CommandError} from '../cli/errors.js'
import {compressionName} from '../protocol/compression.js'
import {decodeLeaderChangeMessage} from '../protocol/generated/leader-change-message.js'
import {Reader} from '../protocol/primitives.js'
import {
  BATCH_LENGTH_OFFSET,
  ControlRecordType,
  controlRecordTypeName,
  decodeRecordBatch,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  readBatchHeader,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_NAMES,
  verifyBatchCrc,
} from '../protocol/record-batch.js'

export interface DumpOptions {
  printDataLog: boolean
  deepIteration: boolean
  verifyIndexOnly: boolean
  indexSanityCheck: boolean
  maxBytes: number
  maxMessageSize: number
  skipRecordMetadata: boolean
}

export interface DumpOutput {
  out(line: string): void
  /** Partial line (Kafka prints some parts without a newline). */
  err(line: string): void
}

const INT_MAX = 2147483647

function readWhole(path: string, limit = Infinity): Buffer {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CommandError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}`)
  }
  try {
    const size = Math.min(fstatSync(fd).size, limit)
    const buf = Buffer.alloc(size)
    let read = 0
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read)
      if (n === 0) break
      read += n
    }
    return buf.subarray(0, read)
  } finally {
    closeSync(fd)
  }
}

function baseOffsetOf(file: string): bigint {
  const name = basename(file)
  const stem = name.slice(0, name.indexOf('.'))
  if (!/^\d+$/.test(stem)) throw new CommandError(`${file}: the file name does not start with a base offset (like 00000000000000000000.log)`)
  return BigInt(stem)
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap at Integer.MAX_VALUE. */
function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT_MAX - increment) return increment - (INT_MAX - sequence) - 1
  return sequence + increment
}

interface Batch {
  position: number
  size: number
  bytes: Buffer
}

/** Whole v2 batches of a segment buffer, stopping quietly at a torn or invalid tail. */
function* batchesOf(buf: Buffer, start = 0): Generator<Batch> {
  let at = start
  while (at + LOG_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
    if (size < LOG_OVERHEAD + 14 || at + size > buf.length) return
    yield {position: at, size, bytes: buf.subarray(at, at + size)}
    at += size
  }
}

/** A KRaft LeaderChange control record as Kafka's JSON converter prints it. */
function leaderChangeJson(value: Buffer): string {
  try {
    const version = value.readInt16BE(0)
    const m = decodeLeaderChangeMessage(new Reader(value), Math.min(version, 1))
    return JSON.stringify({version: m.version, leaderId: m.leaderId, voters: m.voters.map((v) => ({voterId: v.voterId})), grantingVoters: m.grantingVoters.map((v) => ({voterId: v.voterId}))})
  } catch {
    return '<undecodable>'
  }
}

function utf8(b: Buffer): string {
  return b.toString('utf8')
}

export function dumpLog(file: string, opts: DumpOptions, io: DumpOutput, nonConsecutive: Map<string, Array<[bigint, bigint]>>): void {
  io.out(`Log starting offset: ${baseOffsetOf(file)}`)
  const buf = readWhole(file, opts.maxBytes)
  const deep = opts.deepIteration || opts.printDataLog
  let validBytes = 0
  let lastOffset = -1n
  for (const b of batchesOf(buf)) {
    const magic = b.bytes.readInt8(MAGIC_OFFSET)
    if (magic !== 2) {
      io.err(`${file}: message format v${magic} at position ${b.position} is not supported by tskafka dump-log (Kafka 4 no longer writes it)`)
      break
    }
    if (b.size < RECORD_BATCH_OVERHEAD) break
    const h = readBatchHeader(b.bytes, 0)
    const valid = verifyBatchCrc(b.bytes, 0)
    const lastSequence = h.baseSequence === -1 ? -1 : incrementSequence(h.baseSequence, h.lastOffsetDelta)
    const horizon = h.deleteHorizonMs === null ? 'OptionalLong.empty' : `OptionalLong[${h.deleteHorizonMs}]`
    io.out(
      `baseOffset: ${h.baseOffset} lastOffset: ${h.lastOffset} count: ${h.recordCount} baseSequence: ${h.baseSequence} lastSequence: ${lastSequence} ` +
        `producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} partitionLeaderEpoch: ${h.partitionLeaderEpoch} isTransactional: ${h.isTransactional} ` +
        `isControl: ${h.isControl} deleteHorizonMs: ${horizon} position: ${validBytes} ${TIMESTAMP_TYPE_NAMES[h.timestampType]}: ${h.maxTimestamp} ` +
        `size: ${b.size} magic: ${h.magic} compresscodec: ${compressionName(h.compression)} crc: ${h.crc} isvalid: ${valid}`,
    )
    if (deep) {
      let records
      try {
        records = decodeRecordBatch(b.bytes, 0, {verifyCrc: false}).records
      } catch (error) {
        throw new CommandError(`${file}: cannot read the records of the batch at position ${validBytes}: ${(error as Error).message}`)
      }
      for (const r of records) {
        // As Kafka 4's tool does, the first record is checked against -1 too: a segment
        // that does not start at offset 0 reports "-1 is followed by <base>".
        if (r.offset !== lastOffset + 1n) {
          const abs = resolve(file)
          nonConsecutive.set(abs, [...(nonConsecutive.get(abs) ?? []), [lastOffset, r.offset]])
        }
        lastOffset = r.offset
        let line = ''
        let prefix = '| '
        if (!opts.skipRecordMetadata) {
          const sequence = h.baseSequence === -1 ? -1 : incrementSequence(h.baseSequence, r.offsetDelta)
          line += `${prefix}offset: ${r.offset} ${TIMESTAMP_TYPE_NAMES[h.timestampType]}: ${r.timestamp} keySize: ${r.key === null ? -1 : r.key.length} valueSize: ${r.value === null ? -1 : r.value.length}`
          prefix = ' '
          line += ` sequence: ${sequence} headerKeys: [${r.headers.map((x) => x.key).join(',')}]`
          if (h.isControl && r.key !== null && r.key.length >= 4) {
            const type = r.key.readInt16BE(2)
            if ((type === ControlRecordType.ABORT || type === ControlRecordType.COMMIT) && r.value !== null && r.value.length >= 6) {
              line += ` endTxnMarker: ${type === ControlRecordType.ABORT ? 'ABORT' : 'COMMIT'} coordinatorEpoch: ${r.value.readInt32BE(2)}`
            } else if (type === ControlRecordType.LEADER_CHANGE && r.value !== null) {
              line += ` LeaderChange: ${leaderChangeJson(r.value)}`
            } else {
              line += ` controlType: ${controlRecordTypeName(type)}(${type})`
            }
          }
        }
        if (opts.printDataLog && !h.isControl) {
          if (r.key !== null) {
            line += `${prefix}key: ${utf8(r.key)}`
            prefix = ' '
          }
          if (r.value !== null) line += `${prefix}payload: ${utf8(r.value)}`
        }
        io.out(line)
      }
    }
    validBytes += b.size
  }
  const trailing = buf.length - validBytes
  if (trailing > 0 && opts.maxBytes === INT_MAX) io.out(`Found ${trailing} invalid bytes at the end of ${basename(file)}`)
}

/** The offset-index entry at or before `offset` (OffsetIndex.lookup), as {offset, position}. */
function indexLookup(index: Buffer, base: bigint, offset: bigint): {offset: bigint; position: number} {
  let best = {offset: base, position: 0}
  const entries = Math.floor(index.length / 8)
  for (let i = 0; i < entries; i++) {
    const o = base + BigInt(index.readInt32BE(i * 8))
    if (i > 0 && o === base) break
    if (o > offset) break
    best = {offset: o, position: index.readInt32BE(i * 8 + 4)}
  }
  return best
}

export function dumpIndex(file: string, opts: DumpOptions, io: DumpOutput, mismatches: Map<string, Array<[bigint, bigint]>>): void {
  const base = baseOffsetOf(file)
  const index = readWhole(file)
  const entries = Math.floor(index.length / 8)
  const log = readWhole(join(dirname(file), `${basename(file).split('.')[0]}.log`))
  if (entries === 0) {
    io.out(`${file} is empty.`)
    return
  }
  if (opts.indexSanityCheck) {
    const last = base + BigInt(index.readInt32BE((entries - 1) * 8))
    if (index.length % 8 !== 0) throw new CommandError(`Index file ${resolve(file)} is corrupt, found ${index.length} bytes which is neither positive nor a multiple of 8.`)
    if (last < base) throw new CommandError(`Corrupt index found, index file (${resolve(file)}) has non-zero size but the last offset is ${last} which is less than the base offset ${base}.`)
    io.out(`${file} passed sanity check.`)
    return
  }
  for (let i = 0; i < entries; i++) {
    const offset = base + BigInt(index.readInt32BE(i * 8))
    const position = index.readInt32BE(i * 8 + 4)
    if (offset === base && i > 0) return
    const first = batchesOf(log.subarray(0, Math.min(log.length, position + opts.maxMessageSize)), position).next()
    if (!first.done) {
      const lastOfBatch = readBatchHeader(first.value.bytes, 0).lastOffset
      if (lastOfBatch !== offset) {
        const abs = resolve(file)
        mismatches.set(abs, [[offset, lastOfBatch], ...(mismatches.get(abs) ?? [])])
      }
    }
    if (!opts.verifyIndexOnly) io.out(`offset: ${offset} position: ${position}`)
  }
}

export interface TimeIndexErrors {
  mismatch: Map<string, Array<[bigint, bigint]>>
  outOfOrder: Map<string, Array<[bigint, bigint]>>
  notFound: Map<string, Array<[bigint, bigint]>>
}

export function dumpTimeIndex(file: string, opts: DumpOptions, io: DumpOutput, errors: TimeIndexErrors): void {
  const base = baseOffsetOf(file)
  const stem = basename(file).split('.')[0]
  const time = readWhole(file)
  const entries = Math.floor(time.length / 12)
  if (opts.indexSanityCheck) {
    // TimeIndex.sanityCheck: entries are counted over the whole file, preallocated zeros included.
    if (entries > 0) {
      const firstTs = time.readBigInt64BE(0)
      const lastTs = time.readBigInt64BE((entries - 1) * 12)
      const lastOffset = base + BigInt(time.readInt32BE((entries - 1) * 12 + 8))
      if (lastTs < firstTs) {
        throw new CommandError(`Corrupt time index found, time index file (${resolve(file)}) has non-zero size but the last timestamp is ${lastTs} which is less than the first timestamp ${firstTs}`)
      }
      if (lastOffset < base) {
        throw new CommandError(`Corrupt time index found, time index file (${resolve(file)}) has non-zero size but the last offset is ${lastOffset} which is less than the first offset ${base}`)
      }
    }
    if (time.length % 12 !== 0) throw new CommandError(`Time index file ${resolve(file)} is corrupt, found ${time.length} bytes which is neither positive nor a multiple of 12.`)
    io.out(`${file} passed sanity check.`)
    return
  }
  const index = readWhole(join(dirname(file), `${stem}.index`))
  const log = readWhole(join(dirname(file), `${stem}.log`))
  const abs = resolve(file)
  const add = (m: Map<string, Array<[bigint, bigint]>>, pair: [bigint, bigint]) => m.set(abs, [...(m.get(abs) ?? []), pair])
  let prev = -1n
  for (let i = 0; i < entries; i++) {
    const timestamp = time.readBigInt64BE(i * 12)
    const offset = base + BigInt(time.readInt32BE(i * 12 + 8))
    if (offset === base && i > 0) return
    const {position} = indexLookup(index, base, offset)
    let found: Batch | undefined
    for (const b of batchesOf(log, position)) {
      if (readBatchHeader(b.bytes, 0).lastOffset >= offset) {
        found = b
        break
      }
    }
    if (!found) add(errors.notFound, [offset, -1n])
    else {
      const h = readBatchHeader(found.bytes, 0)
      if (h.lastOffset !== offset) add(errors.notFound, [offset, h.lastOffset])
      else {
        let max = -1n
        for (const r of decodeRecordBatch(found.bytes, 0, {verifyCrc: false}).records) if (r.timestamp > max) max = r.timestamp
        if (max !== timestamp) add(errors.mismatch, [timestamp, max])
        if (prev >= timestamp) add(errors.outOfOrder, [timestamp, prev])
      }
    }
    if (!opts.verifyIndexOnly) io.out(`timestamp: ${timestamp} offset: ${offset}`)
    prev = timestamp
  }
}

export function dumpTxnIndex(file: string, io: DumpOutput): void {
  const buf = readWhole(file)
  for (let at = 0; at + 34 <= buf.length; at += 34) {
    io.out(
      `version: ${buf.readInt16BE(at)} producerId: ${buf.readBigInt64BE(at + 2)} firstOffset: ${buf.readBigInt64BE(at + 10)} ` +
        `lastOffset: ${buf.readBigInt64BE(at + 18)} lastStableOffset: ${buf.readBigInt64BE(at + 26)}`,
    )
  }
}

/** Runs DumpLogSegments over `files`: stdout lines via io.out, the error summary via io.err. */
export function dumpFiles(files: string[], opts: DumpOptions, io: DumpOutput): void {
  const indexMismatches = new Map<string, Array<[bigint, bigint]>>()
  const nonConsecutive = new Map<string, Array<[bigint, bigint]>>()
  const timeErrors: TimeIndexErrors = {mismatch: new Map(), outOfOrder: new Map(), notFound: new Map()}
  for (const file of files) {
    io.out(`Dumping ${file}`)
    const name = basename(file)
    const suffix = name.includes('.') ? name.slice(name.lastIndexOf('.')) : ''
    if (suffix === '.log') dumpLog(file, opts, io, nonConsecutive)
    else if (suffix === '.index') dumpIndex(file, opts, io, indexMismatches)
    else if (suffix === '.timeindex') dumpTimeIndex(file, opts, io, timeErrors)
    else if (suffix === '.txnindex') dumpTxnIndex(file, io)
    else io.err(`Ignoring unknown file ${file}`)
  }
  for (const [file, list] of indexMismatches) {
    io.err(`Mismatches in :${file}`)
    for (const [indexOffset, logOffset] of list) io.err(`  Index offset: ${indexOffset}, log offset: ${logOffset}`)
  }
  for (const [file, list] of timeErrors.mismatch) {
    io.err(`Found timestamp mismatch in :${file}`)
    for (const [a, b] of list) io.err(`  Index timestamp: ${a}, log timestamp: ${b}`)
  }
  for (const [file, list] of timeErrors.outOfOrder) {
    io.err(`Found out of order timestamp in :${file}`)
    for (const [a, b] of list) io.err(`  Index timestamp: ${a}, Previously indexed timestamp: ${b}`)
  }
  for (const [file, list] of timeErrors.notFound) {
    io.err(`The following indexed offsets are not found in :${file}`)
    for (const [a, b] of list) io.err(`Indexed offset: ${a}, found log offset: ${b}`)
  }
  for (const [file, list] of nonConsecutive) {
    io.err(`Non-consecutive offsets in ${file}`)
    for (const [a, b] of list) io.err(`  ${a} is followed by ${b}`)
  }
}

/** The files as data (for --json / --yaml): batches with their records, index entries. */
export function dumpFilesData(files: string[], opts: DumpOptions): unknown[] {
  return files.map((file) => {
    const name = basename(file)
    const suffix = name.includes('.') ? name.slice(name.lastIndexOf('.')) : ''
    if (suffix === '.log') {
      const buf = readWhole(file, opts.maxBytes)
      const batches: unknown[] = []
      let validBytes = 0
      for (const b of batchesOf(buf)) {
        if (b.bytes.readInt8(MAGIC_OFFSET) !== 2 || b.size < RECORD_BATCH_OVERHEAD) break
        const h = readBatchHeader(b.bytes, 0)
        const deep = opts.deepIteration || opts.printDataLog
        batches.push({
          baseOffset: h.baseOffset,
          lastOffset: h.lastOffset,
          count: h.recordCount,
          baseSequence: h.baseSequence,
          producerId: h.producerId,
          producerEpoch: h.producerEpoch,
          partitionLeaderEpoch: h.partitionLeaderEpoch,
          isTransactional: h.isTransactional,
          isControl: h.isControl,
          deleteHorizonMs: h.deleteHorizonMs,
          position: validBytes,
          timestampType: TIMESTAMP_TYPE_NAMES[h.timestampType],
          maxTimestamp: h.maxTimestamp,
          size: b.size,
          magic: h.magic,
          compressCodec: compressionName(h.compression),
          crc: h.crc,
          isValid: verifyBatchCrc(b.bytes, 0),
          ...(deep
            ? {
                records: decodeRecordBatch(b.bytes, 0, {verifyCrc: false}).records.map((r) => ({
                  offset: r.offset,
                  timestamp: r.timestamp,
                  keySize: r.key === null ? -1 : r.key.length,
                  valueSize: r.value === null ? -1 : r.value.length,
                  headerKeys: r.headers.map((x) => x.key),
                  ...(opts.printDataLog ? {key: r.key === null ? null : utf8(r.key), payload: r.value === null ? null : utf8(r.value)} : {}),
                })),
              }
            : {}),
        })
        validBytes += b.size
      }
      return {file, startOffset: baseOffsetOf(file), batches, invalidTrailingBytes: buf.length - validBytes}
    }
    if (suffix === '.index' || suffix === '.timeindex') {
      const base = baseOffsetOf(file)
      const buf = readWhole(file)
      const size = suffix === '.index' ? 8 : 12
      const entries: unknown[] = []
      for (let i = 0; i < Math.floor(buf.length / size); i++) {
        const offset = base + BigInt(buf.readInt32BE(i * size + (size === 8 ? 0 : 8)))
        if (offset === base && i > 0) break
        entries.push(size === 8 ? {offset, position: buf.readInt32BE(i * 8 + 4)} : {timestamp: buf.readBigInt64BE(i * 12), offset})
      }
      return {file, entries}
    }
    throw new CommandError(`${file}: --json supports .log, .index and .timeindex files`)
  })
}
