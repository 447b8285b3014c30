// The local cluster's state file, <dataDir>/cluster.json. It records what
// `cluster start` created and launched so that `stop` and `status` (and later
// commands looking for a default bootstrap) can find the brokers again. It is
// written atomically (temp file + rename) so a crash never leaves half a file.

import {randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {randomKafkaUuid} from '../config/meta-properties.js'

export const STATE_FILE_NAME = 'cluster.json'
export const STATE_VERSION = 1

export interface BrokerRecord {
  id: number
  host: string
  port: number
  /** The pid of the broker process last started, null once stopped. */
  pid: number | null
  /** This broker's own directory (config, log file, log.dirs live below it). */
  dataDir: string
  logFile: string
  configFile: string
  /** ISO time of the last start, null once stopped. */
  startedAt: string | null
  /**
   * The port of its CONTROLLER listener when it is a controller quorum voter (the first three
   * brokers of a multi-broker cluster), else null. Absent in files written before quorums.
   */
  controllerPort?: number | null
  /** broker.rack, from the cluster config file. */
  rack?: string | null
  /** Broker configs from the cluster config file (every broker's, then this one's). */
  overrides?: Record<string, string>
}

export interface ClusterState {
  version: number
  clusterId: string
  createdAt: string
  brokers: BrokerRecord[]
}

export class ClusterError extends Error {
  override name = 'ClusterError'
}

export function stateFilePath(dataDir: string): string {
  return join(dataDir, STATE_FILE_NAME)
}

/** Reads <dataDir>/cluster.json; null when there is none. Throws ClusterError when it is unreadable. */
export function readClusterState(dataDir: string): ClusterState | null {
  const file = stateFilePath(dataDir)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ClusterError(`cannot read ${file}: ${(error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new ClusterError(`${file} is not valid JSON (${(error as Error).message}); remove it to start afresh`)
  }
  return validateClusterState(parsed, file)
}

export function writeClusterState(dataDir: string, state: ClusterState): void {
  mkdirSync(dataDir, {recursive: true})
  const file = stateFilePath(dataDir)
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', {mode: 0o644})
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw error
  }
}

export function validateClusterState(value: unknown, source = STATE_FILE_NAME): ClusterState {
  const bad = (why: string): never => {
    throw new ClusterError(`${source} is not a tskafka cluster state file (${why}); remove it to start afresh`)
  }
  if (!isObject(value)) return bad('not a JSON object')
  if (typeof value.version !== 'number') return bad('no version')
  if (value.version > STATE_VERSION) {
    throw new ClusterError(`${source} has version ${value.version}, newer than this tskafka understands (${STATE_VERSION}); upgrade tskafka`)
  }
  if (typeof value.clusterId !== 'string' || value.clusterId.length === 0) return bad('no clusterId')
  if (typeof value.createdAt !== 'string') return bad('no createdAt')
  if (!Array.isArray(value.brokers)) return bad('no brokers array')
  const brokers = value.brokers.map((b: unknown, i: number): BrokerRecord => {
    if (!isObject(b)) return bad(`brokers[${i}] is not an object`)
    const int = (k: string) => (Number.isInteger(b[k]) ? (b[k] as number) : bad(`brokers[${i}].${k} is not an integer`))
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : bad(`brokers[${i}].${k} is not a string`))
    const overrides: Record<string, string> = {}
    if (b.overrides != null) {
      if (!isObject(b.overrides)) return bad(`brokers[${i}].overrides is not an object`)
      for (const [k, v] of Object.entries(b.overrides)) overrides[k] = String(v)
    }
    return {
      id: int('id'),
      host: str('host'),
      port: int('port'),
      pid: b.pid == null ? null : int('pid'),
      dataDir: str('dataDir'),
      logFile: str('logFile'),
      configFile: str('configFile'),
      startedAt: b.startedAt == null ? null : str('startedAt'),
      controllerPort: b.controllerPort == null ? null : int('controllerPort'),
      rack: b.rack == null ? null : str('rack'),
      overrides,
    }
  })
  return {version: value.version, clusterId: value.clusterId, createdAt: value.createdAt, brokers}
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A new cluster id in Kafka's Uuid text form (what `kafka-storage.sh random-uuid` prints). */
export function newClusterId(): string {
  return randomKafkaUuid()
}
