// What a replica holds on disk, batch by batch, for comparing the replicas of a partition after a
// drill: followers write the leader's batches unchanged, so replicas that are in sync hold the same
// list of (first offset, last offset, CRC). A replica that lost records in the middle of its log
// still reports the leader's log end offset to the leader; only its batches show the hole.

import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {BATCH_LENGTH_OFFSET, CRC_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD} from '../../src/protocol/record-batch.js'

export interface StoredBatch {
  baseOffset: number
  lastOffset: number
  crc: number
}

/** The batches of a partition directory's segments, in offset order (a partial batch at the end is left out). */
export function storedBatches(partitionDir: string): StoredBatch[] {
  if (!existsSync(partitionDir)) return []
  const batches: StoredBatch[] = []
  for (const name of readdirSync(partitionDir).filter((n) => n.endsWith('.log')).sort()) {
    const data = readFileSync(join(partitionDir, name))
    let at = 0
    while (at + RECORD_BATCH_OVERHEAD <= data.length) {
      const size = data.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
      if (size < RECORD_BATCH_OVERHEAD || at + size > data.length) break
      const baseOffset = Number(data.readBigInt64BE(at))
      batches.push({baseOffset, lastOffset: baseOffset + data.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET), crc: data.readUInt32BE(at + CRC_OFFSET)})
      at += size
    }
  }
  return batches
}

/** Where the batches skip offsets: "a..b missing" per hole. */
export function offsetHoles(batches: readonly StoredBatch[]): string[] {
  const holes: string[] = []
  for (let i = 1; i < batches.length; i++) {
    const expected = batches[i - 1]!.lastOffset + 1
    if (batches[i]!.baseOffset > expected) holes.push(`${expected}..${batches[i]!.baseOffset - 1} missing`)
  }
  return holes
}

/** The first place two replicas' batch lists differ, null when they are the same. */
export function firstDifference(a: readonly StoredBatch[], b: readonly StoredBatch[]): string | null {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]
    const y = b[i]
    if (x === undefined || y === undefined || x.baseOffset !== y.baseOffset || x.lastOffset !== y.lastOffset || x.crc !== y.crc) {
      const show = (s: StoredBatch | undefined) => (s === undefined ? 'nothing' : `${s.baseOffset}..${s.lastOffset} crc ${s.crc}`)
      return `batch ${i}: ${show(x)} vs ${show(y)}`
    }
  }
  return null
}
