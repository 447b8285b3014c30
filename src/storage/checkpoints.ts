// Kafka's small text files next to the data, byte for byte as Kafka writes
// them (so a Kafka broker or tool can read a tskafka log dir and back):
//
//   recovery-point-offset-checkpoint, log-start-offset-checkpoint,
//   replication-offset-checkpoint (per log dir), leader-epoch-checkpoint (per
//   partition): CheckpointFile format, "<version>\n<count>\n" then one entry
//   per line ("topic partition offset" / "epoch startOffset"), written to
//   <file>.tmp, fsynced, renamed over the file, directory fsynced.
//   partition.metadata: "version: 0\ntopic_id: <uuid>" (no trailing newline).
//   .kafka_cleanshutdown: {"version":0,"brokerEpoch":<epoch>} (Kafka 3.7+'s
//   CleanShutdownFileHandler, KIP-966), written in place and fsynced.

import {closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {atomicWriteFile, writeFully} from './file-io.js'

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint'
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint'
export const REPLICATION_OFFSET_CHECKPOINT_FILE = 'replication-offset-checkpoint'
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint'
export const PARTITION_METADATA_FILE = 'partition.metadata'
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'

export class CheckpointFormatError extends Error {
  override name = 'CheckpointFormatError'
}

/** The text of a CheckpointFile: version, entry count, one entry per line (Java's newLine is \n here). */
export function formatCheckpoint(version: number, lines: readonly string[]): string {
  let out = `${version}\n${lines.length}\n`
  for (const line of lines) out += `${line}\n`
  return out
}

/**
 * The entry lines of a CheckpointFile, checked as Kafka's CheckpointReadBuffer
 * checks them: an empty file (or one with only a version) has no entries; the
 * version must match; the entry count must match the lines present.
 */
export function parseCheckpoint(text: string, version: number, location: string): string[] {
  const lines = text.split(/\r\n|\n|\r/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  if (lines.length === 0) return []
  const readVersion = toInt(lines[0]!, location)
  if (readVersion !== version) {
    throw new CheckpointFormatError(`Unrecognised version:${readVersion}, expected version: ${version} in checkpoint file at: ${location}`)
  }
  if (lines.length === 1) return []
  const expected = toInt(lines[1]!, location)
  const entries = lines.slice(2)
  if (entries.length !== expected) {
    throw new CheckpointFormatError(`Expected [${expected}] entries in checkpoint file [${location}], but found only [${entries.length}]`)
  }
  return entries
}

function toInt(line: string, location: string): number {
  if (!/^[+-]?\d+$/.test(line)) throw malformed(line, location)
  const n = Number(line)
  if (n < -2147483648 || n > 2147483647) throw malformed(line, location)
  return n
}

function toLong(s: string, line: string, location: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw malformed(line, location)
  return Number(s)
}

function malformed(line: string, location: string): CheckpointFormatError {
  return new CheckpointFormatError(`Malformed line in checkpoint file [${location}]: ${line}`)
}

/** Reads a checkpoint file's text; a missing file reads as empty. */
function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}

/** Creates the file empty if it does not exist (Kafka's CheckpointFile constructor does). */
export function ensureCheckpointFile(path: string): void {
  if (!existsSync(path)) writeFileSync(path, '')
}

// ---------------------------------------------------------------- offset checkpoints

export interface TopicPartitionOffset {
  topic: string
  partition: number
  offset: number
}

export const OFFSET_CHECKPOINT_VERSION = 0

/** Lines "topic partition offset", in the order given. */
export function formatOffsetCheckpoint(entries: readonly TopicPartitionOffset[]): string {
  return formatCheckpoint(
    OFFSET_CHECKPOINT_VERSION,
    entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`),
  )
}

export function parseOffsetCheckpoint(text: string, location: string): TopicPartitionOffset[] {
  return parseCheckpoint(text, OFFSET_CHECKPOINT_VERSION, location).map((line) => {
    const parts = line.split(/\s+/)
    if (parts.length !== 3) throw malformed(line, location)
    const partition = toInt(parts[1]!, location)
    return {topic: parts[0]!, partition, offset: toLong(parts[2]!, line, location)}
  })
}

/** Entries sorted by topic then partition, so files are deterministic. */
export function writeOffsetCheckpoint(path: string, entries: Iterable<TopicPartitionOffset>, sync = true): void {
  const sorted = [...entries].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
  atomicWriteFile(path, formatOffsetCheckpoint(sorted), sync)
}

export function readOffsetCheckpoint(path: string): TopicPartitionOffset[] {
  return parseOffsetCheckpoint(readText(path), path)
}

/** Offset checkpoint as a map keyed by "topic-partition". */
export function readOffsetCheckpointMap(path: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const e of readOffsetCheckpoint(path)) out.set(`${e.topic}-${e.partition}`, e.offset)
  return out
}

// ---------------------------------------------------------------- leader epochs

export interface EpochEntry {
  epoch: number
  startOffset: number
}

export const LEADER_EPOCH_CHECKPOINT_VERSION = 0

export function formatLeaderEpochCheckpoint(entries: readonly EpochEntry[]): string {
  return formatCheckpoint(
    LEADER_EPOCH_CHECKPOINT_VERSION,
    entries.map((e) => `${e.epoch} ${e.startOffset}`),
  )
}

export function parseLeaderEpochCheckpoint(text: string, location: string): EpochEntry[] {
  return parseCheckpoint(text, LEADER_EPOCH_CHECKPOINT_VERSION, location).map((line) => {
    const parts = line.split(/\s+/)
    if (parts.length !== 2) throw malformed(line, location)
    return {epoch: toInt(parts[0]!, location), startOffset: toLong(parts[1]!, line, location)}
  })
}

export function writeLeaderEpochCheckpoint(path: string, entries: readonly EpochEntry[], sync = true): void {
  atomicWriteFile(path, formatLeaderEpochCheckpoint(entries), sync)
}

export function readLeaderEpochCheckpoint(path: string): EpochEntry[] {
  return parseLeaderEpochCheckpoint(readText(path), path)
}

// ---------------------------------------------------------------- partition.metadata

export const PARTITION_METADATA_VERSION = 0

export function formatPartitionMetadata(topicId: string): string {
  return `version: ${PARTITION_METADATA_VERSION}\ntopic_id: ${topicId}`
}

/** Kafka's PartitionMetadataReadBuffer: "version: 0" then "topic_id: <uuid>". */
export function parsePartitionMetadata(text: string, location: string): {version: number; topicId: string} {
  const lines = text.split(/\r\n|\n|\r/)
  const versionLine = lines[0] ?? ''
  const v = versionLine.split(': ')
  if (v.length !== 2 || v[0] !== 'version' || !/^\d+$/.test(v[1]!)) {
    throw new CheckpointFormatError(`Malformed line in checkpoint file [${location}]: ${versionLine}`)
  }
  const version = Number(v[1])
  if (version !== PARTITION_METADATA_VERSION) {
    throw new CheckpointFormatError(`Unrecognised version:${version}, expected version: ${PARTITION_METADATA_VERSION} in checkpoint file at: ${location}`)
  }
  const idLine = lines[1] ?? ''
  const t = idLine.split(': ')
  if (t.length !== 2 || t[0] !== 'topic_id' || !/^[A-Za-z0-9_-]{22}$/.test(t[1]!)) {
    throw new CheckpointFormatError(`Malformed line in checkpoint file [${location}]: ${idLine}`)
  }
  return {version, topicId: t[1]!}
}

export function writePartitionMetadata(dir: string, topicId: string): void {
  atomicWriteFile(join(dir, PARTITION_METADATA_FILE), formatPartitionMetadata(topicId), true)
}

/** The topic id in <dir>/partition.metadata, or null when the file is absent. */
export function readPartitionMetadata(dir: string): string | null {
  const path = join(dir, PARTITION_METADATA_FILE)
  if (!existsSync(path)) return null
  return parsePartitionMetadata(readFileSync(path, 'utf8'), path).topicId
}

// ---------------------------------------------------------------- clean shutdown marker

export function formatCleanShutdown(brokerEpoch: number | bigint): string {
  return `{"version":0,"brokerEpoch":${brokerEpoch}}`
}

/** Writes <logDir>/.kafka_cleanshutdown (in place, fsynced, as Kafka does). */
export function writeCleanShutdownFile(logDir: string, brokerEpoch: number | bigint = -1): void {
  const bytes = Buffer.from(formatCleanShutdown(brokerEpoch), 'utf8')
  const fd = openSync(join(logDir, CLEAN_SHUTDOWN_FILE), 'w')
  try {
    writeFully(fd, bytes, 0, bytes.length, 0)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export function hasCleanShutdownFile(logDir: string): boolean {
  return existsSync(join(logDir, CLEAN_SHUTDOWN_FILE))
}

/** The broker epoch recorded in the marker; null when absent or unreadable (as Kafka's read()). */
export function readCleanShutdownFile(logDir: string): number | null {
  try {
    const content = JSON.parse(readFileSync(join(logDir, CLEAN_SHUTDOWN_FILE), 'utf8')) as Record<string, unknown>
    const epoch = content.brokerEpoch
    return typeof epoch === 'number' && Number.isInteger(epoch) ? epoch : null
  } catch {
    return null
  }
}

export function deleteCleanShutdownFile(logDir: string): void {
  rmSync(join(logDir, CLEAN_SHUTDOWN_FILE), {force: true})
}
