// controller.quorum.voters: the static voter set, `{id}@{host}:{port}` entries naming each
// voter's first controller listener, parsed with Kafka's QuorumConfig rules and messages.

import {ConfigError} from '../../config/config-def.js'

export interface VoterAddress {
  id: number
  host: string
  port: number
}

const ENTRY = /^(-?\d+)@(.*):(\d+)$/

export function parseQuorumVoters(entries: readonly string[]): Map<number, VoterAddress> {
  const voters = new Map<number, VoterAddress>()
  for (const raw of entries) {
    const entry = raw.trim()
    if (entry === '') continue
    const m = ENTRY.exec(entry)
    if (!m) throw new ConfigError(`Invalid value ${entries.join(',')} for configuration controller.quorum.voters: Unable to parse ${entry}; expected {id}@{host}:{port}`)
    const id = Number(m[1])
    const host = m[2]!.replace(/^\[(.*)\]$/, '$1')
    const port = Number(m[3])
    if (!Number.isSafeInteger(id) || id < 0) throw new ConfigError(`Invalid value ${entries.join(',')} for configuration controller.quorum.voters: Invalid voter id ${m[1]}`)
    if (port < 0 || port > 65535) throw new ConfigError(`Invalid value ${entries.join(',')} for configuration controller.quorum.voters: Invalid port ${m[3]} in ${entry}`)
    if (voters.has(id)) throw new ConfigError(`Invalid value ${entries.join(',')} for configuration controller.quorum.voters: Duplicate voter id ${id}`)
    voters.set(id, {id, host, port})
  }
  return voters
}

/** controller.quorum.bootstrap.servers: `{host}:{port}` entries. */
export function parseBootstrapServers(entries: readonly string[]): Array<{host: string; port: number}> {
  const out: Array<{host: string; port: number}> = []
  for (const raw of entries) {
    const entry = raw.trim()
    if (entry === '') continue
    const i = entry.lastIndexOf(':')
    const port = Number(entry.slice(i + 1))
    if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`Invalid value ${entries.join(',')} for configuration controller.quorum.bootstrap.servers: Invalid url in bootstrap.servers: ${entry}`)
    }
    out.push({host: entry.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port})
  }
  return out
}
