// The replicated log of metadata records, kept in the __cluster_metadata-0 partition directory of
// the metadata log dir, like Kafka's KRaft log. The Raft client (raft/raft-client.ts) owns it: the
// leader appends one batch per controller commit (stamped with its epoch) and a LeaderChange
// control batch at the start of each epoch; followers and observers append the leader's batches
// as they are and truncate where their log diverged. Every batch a voter appends is fsynced
// before it counts towards the high watermark.
//
// Metadata records are JSON values inside ordinary record batches (see metadata-records.ts);
// the LeaderChange control records use Kafka's own framing (control key + LeaderChangeMessage).
//
// Records below the high watermark are committed and never truncated. The high watermark is
// also written to a small checkpoint file beside the log, so a restarting node replays its
// committed prefix at once, before it has heard from the quorum.

import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {decodeLeaderChangeMessage, encodeLeaderChangeMessage, type LeaderChangeMessage} from '../protocol/generated/leader-change-message.js'
import {Reader, Writer} from '../protocol/primitives.js'
import {decodeRecordBatch, encodeRecordBatch, iterateBatches} from '../protocol/record-batch.js'
import {logConfig} from '../storage/log-config.js'
import {PartitionLog} from '../storage/partition-log.js'
import {deserializeMetadataRecord, serializeMetadataRecord, type MetadataRecord} from './metadata-records.js'

export const METADATA_TOPIC_NAME = '__cluster_metadata'
export const METADATA_LOG_DIR_NAME = '__cluster_metadata-0'
/** Kafka's Uuid.METADATA_TOPIC_ID (0, 1): the topic id raft Fetch requests name. */
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ'

/** Kafka's ControlRecordType ids. */
const CONTROL_LEADER_CHANGE = 2
/** Reads are done in chunks of this size while replaying. */
const READ_CHUNK_BYTES = 1024 * 1024
const HW_CHECKPOINT_FILE = 'tskafka-high-watermark-checkpoint'

/** One batch of the log, decoded. */
export interface MetadataBatch {
  baseOffset: number
  lastOffset: number
  /** The leader epoch the batch was written in. */
  epoch: number
  appendTimestamp: number
  /** The metadata records (empty for a control batch). */
  records: MetadataRecord[]
  /** The LeaderChange message of a control batch, else null. */
  leaderChange: LeaderChangeMessage | null
}

export type OffsetValidation = {kind: 'valid'} | {kind: 'diverging'; epoch: number; endOffset: number}

export class MetadataLog {
  private hwCheckpointed: number

  private constructor(
    private readonly log: PartitionLog,
    readonly dir: string,
  ) {
    this.hwCheckpointed = Math.min(readHighWatermarkCheckpoint(dir), log.logEndOffset)
    log.updateHighWatermark(this.hwCheckpointed)
  }

  /** Opens (or creates) the metadata log under a metadata log dir. */
  static open(metadataLogDir: string): MetadataLog {
    const dir = join(metadataLogDir, METADATA_LOG_DIR_NAME)
    mkdirSync(dir, {recursive: true})
    // Small segments: the metadata log is tiny.
    const log = PartitionLog.open(dir, {config: logConfig({segmentBytes: 8 * 1024 * 1024, retentionMs: -1, retentionBytes: -1})})
    return new MetadataLog(log, dir)
  }

  get endOffset(): number {
    return this.log.logEndOffset
  }

  get startOffset(): number {
    return this.log.logStartOffset
  }

  get highWatermark(): number {
    return this.log.highWatermark
  }

  /** The epoch of the last batch in the log (0 for an empty log), Kafka's lastFetchedEpoch. */
  get lastFetchedEpoch(): number {
    return this.log.latestEpoch() ?? 0
  }

  /** The largest epoch <= `epoch` and the offset where it ends (Kafka's ReplicatedLog.endOffsetForEpoch). */
  endOffsetForEpoch(epoch: number): {epoch: number; endOffset: number} {
    const r = this.log.endOffsetForEpoch(epoch)
    if (r === null) return {epoch: this.lastFetchedEpoch, endOffset: this.endOffset}
    return {epoch: r.leaderEpoch, endOffset: r.endOffset}
  }

  /** Whether a follower's (fetchOffset, lastFetchedEpoch) lies on this log (ReplicatedLog.validateOffsetAndEpoch). */
  validateOffsetAndEpoch(offset: number, epoch: number): OffsetValidation {
    if (this.startOffset === 0 && offset === 0) return {kind: 'valid'}
    const end = this.endOffsetForEpoch(epoch)
    if (end.epoch !== epoch || end.endOffset < offset) return {kind: 'diverging', epoch: end.epoch, endOffset: end.endOffset}
    return {kind: 'valid'}
  }

  /** Appends one controller commit as a single batch in the leader's epoch, fsynced. Returns its offsets. */
  appendAsLeader(records: readonly MetadataRecord[], epoch: number): {baseOffset: number; lastOffset: number} {
    const now = BigInt(Date.now())
    const batch = encodeRecordBatch({
      baseOffset: 0n,
      partitionLeaderEpoch: epoch,
      records: records.map((r) => ({key: null, value: serializeMetadataRecord(r), headers: [], timestamp: now})),
    })
    return this.appendLeaderBatch(batch, epoch)
  }

  /** The LeaderChange control batch a new leader writes first in its epoch. */
  appendLeaderChange(epoch: number, message: LeaderChangeMessage): {baseOffset: number; lastOffset: number} {
    const key = Buffer.alloc(4)
    key.writeInt16BE(0, 0)
    key.writeInt16BE(CONTROL_LEADER_CHANGE, 2)
    const w = new Writer(64)
    encodeLeaderChangeMessage(w, message, 0)
    const batch = encodeRecordBatch({
      baseOffset: 0n,
      partitionLeaderEpoch: epoch,
      isControl: true,
      records: [{key, value: Buffer.from(w.finish()), timestamp: BigInt(Date.now())}],
    })
    return this.appendLeaderBatch(batch, epoch)
  }

  private appendLeaderBatch(batch: Buffer, epoch: number): {baseOffset: number; lastOffset: number} {
    const r = this.log.append(batch, {leaderEpoch: epoch, origin: 'coordinator'})
    this.log.flush()
    return {baseOffset: r.baseOffset, lastOffset: r.lastOffset}
  }

  /** Appends the leader's batches (from a Fetch answer) as they are; `flush` for voters. Returns the records appended. */
  appendAsFollower(records: Buffer, fetchEpoch: number, flush: boolean): number {
    const r = this.log.appendAsFollower(records, fetchEpoch)
    if (flush && r.recordCount > 0) this.log.flush()
    return r.recordCount
  }

  /**
   * Truncates after the leader's diverging epoch (ReplicatedLog.truncateToEndOffset); returns the
   * new end offset. Never below the high watermark: committed records stay.
   */
  truncateToEndOffset(divergingEpoch: number, divergingEndOffset: number): number {
    let offset: number
    if (divergingEpoch === 0) offset = Math.min(divergingEndOffset, this.endOffset)
    else {
      const local = this.endOffsetForEpoch(divergingEpoch)
      offset = local.epoch === divergingEpoch ? Math.min(local.endOffset, divergingEndOffset) : local.endOffset
    }
    if (offset < this.highWatermark) throw new Error(`The leader requested truncation to offset ${offset}, which is below the high watermark ${this.highWatermark}`)
    this.log.truncateTo(offset)
    return this.endOffset
  }

  /** Raw batches from `offset` to the log end, at most about maxBytes (at least one batch). */
  readRaw(offset: number, maxBytes: number): Buffer {
    if (offset >= this.endOffset) return Buffer.alloc(0)
    return this.log.read(offset, maxBytes, {isolation: 'log-end'}).records
  }

  /** The batches holding offsets [from, to), decoded. */
  readBatches(from: number, to: number): MetadataBatch[] {
    const out: MetadataBatch[] = []
    let offset = from
    while (offset < to) {
      const read = this.log.read(offset, READ_CHUNK_BYTES, {isolation: 'log-end'})
      let next = offset
      for (const entry of iterateBatches(read.records)) {
        const h = entry.header
        const last = Number(h.lastOffset)
        if (Number(h.baseOffset) >= to) break
        next = last + 1
        if (last < offset) continue
        out.push(decodeMetadataBatch(read.records, entry.position))
      }
      if (next <= offset) break
      offset = next
    }
    return out
  }

  /** Every metadata record in the log, oldest first (tools and tests). */
  readAll(): MetadataRecord[] {
    return this.readBatches(this.startOffset, this.endOffset).flatMap((b) => b.records)
  }

  /** Moves the high watermark (never backwards) and checkpoints it. */
  updateHighWatermark(offset: number): void {
    if (offset <= this.log.highWatermark) return
    this.log.updateHighWatermark(offset)
    if (offset > this.hwCheckpointed) {
      writeHighWatermarkCheckpoint(this.dir, offset)
      this.hwCheckpointed = offset
    }
  }

  flush(): void {
    this.log.flush()
  }

  close(): void {
    this.log.close()
  }
}

function decodeMetadataBatch(buf: Buffer, position: number): MetadataBatch {
  const batch = decodeRecordBatch(buf, position)
  const h = batch.header
  let leaderChange: LeaderChangeMessage | null = null
  const records: MetadataRecord[] = []
  if (h.isControl) {
    for (const r of batch.records) {
      if (r.key !== null && r.key.length >= 4 && r.key.readInt16BE(2) === CONTROL_LEADER_CHANGE && r.value !== null) {
        leaderChange = decodeLeaderChangeMessage(new Reader(Buffer.from(r.value)), 0)
      }
    }
  } else {
    for (const r of batch.records) if (r.value !== null) records.push(deserializeMetadataRecord(r.value))
  }
  return {
    baseOffset: Number(h.baseOffset),
    lastOffset: Number(h.lastOffset),
    epoch: h.partitionLeaderEpoch,
    appendTimestamp: Number(h.maxTimestamp),
    records,
    leaderChange,
  }
}

function readHighWatermarkCheckpoint(dir: string): number {
  try {
    const n = Number.parseInt(readFileSync(join(dir, HW_CHECKPOINT_FILE), 'utf8').trim(), 10)
    return Number.isSafeInteger(n) && n >= 0 ? n : 0
  } catch {
    return 0
  }
}

function writeHighWatermarkCheckpoint(dir: string, offset: number): void {
  const file = join(dir, HW_CHECKPOINT_FILE)
  const tmp = `${file}.tmp`
  writeFileSync(tmp, `${offset}\n`)
  renameSync(tmp, file)
}
