// The leader epoch cache of one partition (Kafka's LeaderEpochFileCache): for
// each leader epoch, the first offset written in it, persisted to
// <partition dir>/leader-epoch-checkpoint. It answers OffsetsForLeaderEpoch
// (the end offset of an epoch) and lets a follower find where its log
// diverged from the leader's. Entries stay strictly increasing in both epoch
// and start offset; a new entry removes any that would break that.

import {join} from 'node:path'

import {ensureCheckpointFile, LEADER_EPOCH_CHECKPOINT_FILE, readLeaderEpochCheckpoint, writeLeaderEpochCheckpoint, type EpochEntry} from './checkpoints.js'

export type {EpochEntry} from './checkpoints.js'

/** OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET */
export const UNDEFINED_EPOCH = -1
export const UNDEFINED_EPOCH_OFFSET = -1

export interface EpochEndOffset {
  epoch: number
  endOffset: number
}

export class LeaderEpochFileCache {
  private epochs: EpochEntry[] = []

  /** `file` null keeps the cache in memory only (tests, transient logs). */
  constructor(private file: string | null, entries: readonly EpochEntry[] = []) {
    for (const e of entries) this.assignEntry(e)
  }

  /** Loads <dir>/leader-epoch-checkpoint, creating it empty when missing (as Kafka does). */
  static load(dir: string): LeaderEpochFileCache {
    const path = join(dir, LEADER_EPOCH_CHECKPOINT_FILE)
    ensureCheckpointFile(path)
    return new LeaderEpochFileCache(path, readLeaderEpochCheckpoint(path))
  }

  get path(): string | null {
    return this.file
  }

  /** Point at the checkpoint in a renamed partition directory. */
  updateParentDir(dir: string): void {
    if (this.file !== null) this.file = join(dir, LEADER_EPOCH_CHECKPOINT_FILE)
  }

  /** Record that `epoch` starts at `startOffset`; writes the checkpoint when the cache changes. */
  assign(epoch: number, startOffset: number): boolean {
    const changed = this.assignEntry({epoch, startOffset})
    if (changed) this.writeToFile()
    return changed
  }

  assignAll(entries: readonly EpochEntry[]): void {
    for (const e of entries) this.assignEntry(e)
    if (entries.length > 0) this.writeToFile()
  }

  private isUpdateNeeded(entry: EpochEntry): boolean {
    const latest = this.latestEntry()
    return latest === null || entry.epoch !== latest.epoch || entry.startOffset < latest.startOffset
  }

  private assignEntry(entry: EpochEntry): boolean {
    if (entry.epoch < 0 || entry.startOffset < 0) {
      throw new RangeError(`Received invalid partition leader epoch entry EpochEntry(epoch=${entry.epoch}, startOffset=${entry.startOffset})`)
    }
    if (!this.isUpdateNeeded(entry)) return false
    // Drop entries that would break monotonicity (same or later epoch, same or later start offset).
    let n = this.epochs.length
    while (n > 0) {
      const e = this.epochs[n - 1]!
      if (e.epoch >= entry.epoch || e.startOffset >= entry.startOffset) n--
      else break
    }
    this.epochs.length = n
    this.epochs.push({epoch: entry.epoch, startOffset: entry.startOffset})
    return true
  }

  nonEmpty(): boolean {
    return this.epochs.length > 0
  }

  latestEntry(): EpochEntry | null {
    return this.epochs[this.epochs.length - 1] ?? null
  }

  /** The latest epoch with data, or null. */
  latestEpoch(): number | null {
    return this.latestEntry()?.epoch ?? null
  }

  /** The epoch before the latest one, or null. */
  previousEpoch(): number | null {
    return this.epochs.length >= 2 ? this.epochs[this.epochs.length - 2]!.epoch : null
  }

  earliestEntry(): EpochEntry | null {
    return this.epochs[0] ?? null
  }

  epochEntry(epoch: number): EpochEntry | null {
    return this.epochs.find((e) => e.epoch === epoch) ?? null
  }

  /** Largest cached epoch < epoch. */
  previousEpochOf(epoch: number): number | null {
    let out: number | null = null
    for (const e of this.epochs) if (e.epoch < epoch) out = e.epoch
    return out
  }

  /** Smallest cached epoch > epoch. */
  nextEpoch(epoch: number): number | null {
    for (const e of this.epochs) if (e.epoch > epoch) return e.epoch
    return null
  }

  /**
   * Kafka's endOffsetFor: the largest epoch <= requestedEpoch and where it
   * ends (the start of the next epoch, or the log end offset for the latest).
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    if (requestedEpoch === UNDEFINED_EPOCH) return {epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET}
    const latest = this.latestEpoch()
    if (latest !== null && latest === requestedEpoch) return {epoch: requestedEpoch, endOffset: logEndOffset}
    const higher = this.epochs.find((e) => e.epoch > requestedEpoch)
    if (higher === undefined) return {epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET}
    let floor: EpochEntry | undefined
    for (const e of this.epochs) if (e.epoch <= requestedEpoch) floor = e
    if (floor === undefined) return {epoch: requestedEpoch, endOffset: higher.startOffset}
    return {epoch: floor.epoch, endOffset: higher.startOffset}
  }

  /** Remove entries starting at or after endOffset (log truncation). */
  truncateFromEnd(endOffset: number): void {
    const latest = this.latestEntry()
    if (endOffset >= 0 && latest !== null && latest.startOffset >= endOffset) {
      let n = this.epochs.length
      while (n > 0 && this.epochs[n - 1]!.startOffset >= endOffset) n--
      this.epochs.length = n
      this.writeToFile()
    }
  }

  /**
   * Drop entries before the new log start offset; the last of them is kept,
   * moved to start exactly at startOffset.
   */
  truncateFromStart(startOffset: number): void {
    let n = 0
    while (n < this.epochs.length && this.epochs[n]!.startOffset <= startOffset) n++
    if (n === 0) return
    const kept = this.epochs[n - 1]!
    this.epochs.splice(0, n, {epoch: kept.epoch, startOffset})
    this.writeToFile()
  }

  /** The epoch that offset belongs to, or null. */
  epochForOffset(offset: number): number | null {
    let previous: number | null = null
    for (const e of this.epochs) {
      if (e.startOffset === offset) return e.epoch
      if (e.startOffset > offset) return previous
      previous = e.epoch
    }
    return previous
  }

  epochEntries(): EpochEntry[] {
    return this.epochs.map((e) => ({...e}))
  }

  clearAndFlush(): void {
    this.epochs = []
    this.writeToFile()
  }

  clear(): void {
    this.epochs = []
  }

  private writeToFile(): void {
    if (this.file !== null) writeLeaderEpochCheckpoint(this.file, this.epochs)
  }
}
