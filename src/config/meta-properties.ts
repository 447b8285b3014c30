// meta.properties: the identity file Kafka keeps in every log directory
// (version=1, cluster.id, node.id, directory.id). A directory without it is
// unformatted; Kafka needs `kafka-storage.sh format`, tskafka formats it on
// first start with a fresh cluster id so `broker start` just works. Ids use
// Kafka's Uuid text form: 16 random bytes (a version-4 UUID) in base64url
// without padding, never starting with '-'.

import {randomUUID} from 'node:crypto'
import {closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync} from 'node:fs'
import {join} from 'node:path'

import {ConfigError} from './config-def.js'
import {parseProperties} from './properties.js'

export const META_PROPERTIES_FILE = 'meta.properties'

export interface MetaProperties {
  version: number
  clusterId: string
  nodeId: number
  directoryId: string | null
}

/** A fresh id in Kafka's Uuid text form (what `kafka-storage.sh random-uuid` prints). */
export function randomKafkaUuid(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/** True for a string that decodes to the 16 bytes of a Kafka Uuid. */
export function isKafkaUuid(s: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(s) && Buffer.from(s, 'base64url').length === 16
}

/** Reads <dir>/meta.properties; null when the directory is not formatted. */
export function readMetaProperties(dir: string): MetaProperties | null {
  const path = join(dir, META_PROPERTIES_FILE)
  if (!existsSync(path)) return null
  let props: Map<string, string>
  try {
    props = parseProperties(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new ConfigError(`Unable to read ${path}: ${(e as Error).message}`)
  }
  const version = Number(props.get('version') ?? 'NaN')
  if (version !== 0 && version !== 1) throw new ConfigError(`Unsupported meta.properties version ${props.get('version') ?? '(missing)'} in ${path}`)
  const clusterId = props.get('cluster.id')
  if (!clusterId) throw new ConfigError(`cluster.id was not found in ${path}`)
  const nodeIdText = version === 1 ? props.get('node.id') : props.get('broker.id')
  const nodeId = Number(nodeIdText)
  if (nodeIdText === undefined || !Number.isInteger(nodeId)) {
    throw new ConfigError(`${version === 1 ? 'node.id' : 'broker.id'} was not found in ${path}`)
  }
  return {version, clusterId, nodeId, directoryId: props.get('directory.id') ?? null}
}

/** Writes <dir>/meta.properties atomically (temp file, fsync, rename), in java.util.Properties.store's layout. */
export function writeMetaProperties(dir: string, meta: MetaProperties, now: Date = new Date()): void {
  const lines = ['#', `#${javaDateString(now)}`, `cluster.id=${meta.clusterId}`]
  if (meta.directoryId !== null) lines.push(`directory.id=${meta.directoryId}`)
  lines.push(`node.id=${meta.nodeId}`, `version=${meta.version}`)
  const path = join(dir, META_PROPERTIES_FILE)
  const tmp = `${path}.tmp`
  const fd = openSync(tmp, 'w')
  try {
    writeSync(fd, lines.join('\n') + '\n')
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
}

export interface FormattedDirs {
  clusterId: string
  /** directory.id of each log directory. */
  directoryIds: Map<string, string>
  /** The directories this call formatted (empty when all were formatted before). */
  newlyFormatted: string[]
  /** True when no directory had an identity and a new cluster id was made. */
  newCluster: boolean
}

/**
 * Makes sure every directory exists and carries meta.properties for this
 * node. Existing identities must agree with each other and with nodeId,
 * exactly as Kafka refuses to start otherwise; unformatted directories are
 * formatted with the existing cluster id, or a fresh one.
 */
export function ensureFormatted(dirs: readonly string[], nodeId: number, clusterIdHint?: string): FormattedDirs {
  const existing = new Map<string, MetaProperties>()
  for (const dir of dirs) {
    try {
      mkdirSync(dir, {recursive: true})
    } catch (e) {
      throw new ConfigError(`Cannot create log directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    }
    const meta = readMetaProperties(dir)
    if (meta) existing.set(dir, meta)
  }
  let clusterId: string | undefined
  for (const [dir, meta] of existing) {
    if (clusterId === undefined) clusterId = meta.clusterId
    else if (meta.clusterId !== clusterId) {
      throw new ConfigError(`Invalid cluster.id in: ${join(dir, META_PROPERTIES_FILE)}. Expected ${clusterId}, but read ${meta.clusterId}`)
    }
    if (meta.nodeId !== nodeId) {
      throw new ConfigError(
        `Stored node id ${meta.nodeId} doesn't match previous node id ${nodeId} in ${join(dir, META_PROPERTIES_FILE)}. If you moved your data, make sure your configured node id matches. If you intend to create a new node, you should remove all data in your data directories.`,
      )
    }
  }
  const newCluster = clusterId === undefined
  if (clusterIdHint !== undefined && clusterId !== undefined && clusterIdHint !== clusterId) {
    throw new ConfigError(`Invalid cluster.id: expected ${clusterIdHint}, but the log directories belong to cluster ${clusterId}`)
  }
  clusterId ??= clusterIdHint ?? randomKafkaUuid()
  const directoryIds = new Map<string, string>()
  const newlyFormatted: string[] = []
  for (const dir of dirs) {
    const meta = existing.get(dir)
    if (meta && meta.directoryId !== null) {
      directoryIds.set(dir, meta.directoryId)
      continue
    }
    const directoryId = randomKafkaUuid()
    writeMetaProperties(dir, {version: 1, clusterId, nodeId, directoryId})
    directoryIds.set(dir, directoryId)
    if (!meta) newlyFormatted.push(dir)
  }
  return {clusterId, directoryIds, newlyFormatted, newCluster}
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** java.util.Date.toString() in UTC: "Tue Oct 15 10:00:00 UTC 2024". */
function javaDateString(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
}
