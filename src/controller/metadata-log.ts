// The durable log of metadata records, kept in the __cluster_metadata-0 partition directory of the
// metadata log dir, like Kafka's KRaft log. One commit is one record batch, fsynced before it is
// applied, so a change that was answered to a client survives a crash. Replaying the batches in
// order rebuilds the image.

import {mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {encodeRecordBatch, iterateBatches, decodeRecordBatch} from '../protocol/record-batch.js'
import {logConfig} from '../storage/log-config.js'
import {PartitionLog} from '../storage/partition-log.js'
import {deserializeMetadataRecord, serializeMetadataRecord, type MetadataRecord} from './metadata-records.js'

export const METADATA_LOG_DIR_NAME = '__cluster_metadata-0'

/** Reads are done in chunks of this size while replaying. */
const REPLAY_CHUNK_BYTES = 1024 * 1024

export class MetadataLog {
  private constructor(private readonly log: PartitionLog) {}

  /** Opens (or creates) the metadata log under a metadata log dir. */
  static open(metadataLogDir: string): MetadataLog {
    const dir = join(metadataLogDir, METADATA_LOG_DIR_NAME)
    mkdirSync(dir, {recursive: true})
    // Small segments: the metadata log is tiny and is replayed at every start.
    const log = PartitionLog.open(dir, {config: logConfig({segmentBytes: 8 * 1024 * 1024, retentionMs: -1, retentionBytes: -1})})
    return new MetadataLog(log)
  }

  get endOffset(): number {
    return this.log.logEndOffset
  }

  /** Every record in the log, oldest first. */
  readAll(): MetadataRecord[] {
    const records: MetadataRecord[] = []
    let offset = this.log.logStartOffset
    while (offset < this.log.logEndOffset) {
      const read = this.log.read(offset, REPLAY_CHUNK_BYTES, {isolation: 'log-end'})
      let next = offset
      for (const entry of iterateBatches(read.records)) {
        const batch = decodeRecordBatch(read.records, entry.position)
        for (const r of batch.records) {
          if (r.offset < BigInt(offset)) continue
          if (r.value !== null) records.push(deserializeMetadataRecord(r.value))
        }
        next = Number(entry.header.baseOffset) + entry.header.lastOffsetDelta + 1
      }
      if (next <= offset) break
      offset = next
    }
    return records
  }

  /** Appends one commit as a single batch and syncs it to disk. */
  append(records: readonly MetadataRecord[], leaderEpoch = 0): void {
    if (records.length === 0) return
    const now = BigInt(Date.now())
    const batch = encodeRecordBatch({
      baseOffset: 0n,
      partitionLeaderEpoch: leaderEpoch,
      records: records.map((r) => ({key: null, value: serializeMetadataRecord(r), headers: [], timestamp: now})),
    })
    this.log.append(batch, {leaderEpoch, origin: 'coordinator'})
    this.log.flush()
    this.log.updateHighWatermark(this.log.logEndOffset)
  }

  close(): void {
    this.log.close()
  }
}
