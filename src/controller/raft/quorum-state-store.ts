// The quorum-state file in the metadata log directory (__cluster_metadata-0/quorum-state): the
// election state a voter must not forget across a restart (its epoch, whom it voted for, the
// leader it knew), so it never votes twice in one epoch. Kafka's FileQuorumStateStore format,
// data_version 0 (static voters, kraft.version 0): one line of JSON, written to a temp file,
// fsynced and renamed into place.

import {closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync} from 'node:fs'
import {join} from 'node:path'

export const QUORUM_STATE_FILE_NAME = 'quorum-state'

export interface ElectionState {
  epoch: number
  /** -1 when unknown. */
  leaderId: number
  /** -1 when this node has not voted in this epoch. */
  votedId: number
  /** The voter ids this state was written with. */
  voters: number[]
}

export class QuorumStateError extends Error {
  override name = 'QuorumStateError'
}

export class QuorumStateStore {
  readonly path: string

  constructor(metadataPartitionDir: string) {
    this.path = join(metadataPartitionDir, QUORUM_STATE_FILE_NAME)
  }

  /** The stored state, or null when there is no file yet. */
  read(): ElectionState | null {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw new QuorumStateError(`Error while reading the Quorum status from the file ${this.path}: ${(e as Error).message}`)
    }
    return parseQuorumState(text.split('\n')[0] ?? '', this.path)
  }

  write(state: ElectionState): void {
    const tmp = `${this.path}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, formatQuorumState(state))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    try {
      renameSync(tmp, this.path)
    } catch (e) {
      rmSync(tmp, {force: true})
      throw e
    }
  }
}

/** Kafka's data_version 0 JSON, field order as Jackson writes it. */
export function formatQuorumState(s: ElectionState): string {
  return JSON.stringify({
    clusterId: '',
    leaderId: s.leaderId,
    leaderEpoch: s.epoch,
    votedId: s.votedId,
    appliedOffset: 0,
    currentVoters: s.voters.map((voterId) => ({voterId})),
    data_version: 0,
  })
}

export function parseQuorumState(line: string, source = QUORUM_STATE_FILE_NAME): ElectionState {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch (e) {
    throw new QuorumStateError(`Error while reading the Quorum status from the file ${source}: ${(e as Error).message}`)
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new QuorumStateError(`Deserialized node ${line} is not an object node`)
  const o = v as Record<string, unknown>
  if (typeof o.data_version !== 'number') throw new QuorumStateError(`Deserialized node ${line} does not have data_version field`)
  if (o.data_version < 0 || o.data_version > 1) {
    throw new QuorumStateError(`data_version (${o.data_version}) is not within the min (0) and max (1) supported version`)
  }
  const int = (k: string, dflt: number) => (typeof o[k] === 'number' && Number.isInteger(o[k]) ? (o[k] as number) : dflt)
  const voters = Array.isArray(o.currentVoters)
    ? o.currentVoters.map((x) => (typeof x === 'object' && x !== null ? Number((x as Record<string, unknown>).voterId) : NaN)).filter((n) => Number.isInteger(n))
    : []
  return {epoch: int('leaderEpoch', -1) < 0 ? 0 : int('leaderEpoch', 0), leaderId: int('leaderId', -1), votedId: int('votedId', -1), voters}
}
