// The local cluster's config file (`tskafka cluster start --config cluster.yaml`): the number of
// brokers, ports, racks and broker configs, for every broker and per broker.
//
//   brokers: 3                    # or a list, as below (its length is the count)
//   port: 9092                    # the first broker's port; the next take the following ones
//   config:                       # every broker's server.properties
//     num.partitions: 3
//   broker:                       # per broker, by id
//     1: {rack: us-east-1a, port: 19092, config: {num.io.threads: 4}}
//     2: {rack: us-east-1b}
//
// or with `brokers` as a list: `brokers: [{id: 1, rack: a}, {id: 2, rack: b}, {rack: c}]`
// (entries without an id take the next one). Flags given on the command line win.

import {readFileSync} from 'node:fs'

import {parse as parseYaml} from 'yaml'

import {ClusterError} from './state.js'

export interface BrokerSettings {
  rack?: string
  port?: number
  controllerPort?: number
  config: Record<string, string>
}

export interface ClusterConfigFile {
  brokers?: number
  port?: number
  config: Record<string, string>
  broker: Map<number, BrokerSettings>
}

const TOP_KEYS = new Set(['brokers', 'port', 'config', 'broker'])
const BROKER_KEYS = new Set(['id', 'rack', 'port', 'controller-port', 'config'])

export function readClusterConfigFile(path: string): ClusterConfigFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ClusterError(`cannot read the cluster config ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  return parseClusterConfig(text, path)
}

export function parseClusterConfig(text: string, source = 'cluster config'): ClusterConfigFile {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (error) {
    throw new ClusterError(`${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  const fail = (why: string): never => {
    throw new ClusterError(`${source}: ${why}`)
  }
  const out: ClusterConfigFile = {config: {}, broker: new Map()}
  if (doc == null) return out
  if (!isMap(doc)) return fail('expected a mapping with brokers, port, config and broker')
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) fail(`unknown key '${key}' (expected ${[...TOP_KEYS].join(', ')})`)
  if (doc.port !== undefined) out.port = port(doc.port, 'port', fail)
  out.config = configMap(doc.config, 'config', fail)
  const addBroker = (id: number, v: unknown, where: string) => {
    if (!isMap(v)) return fail(`${where} must be a mapping of rack, port, controller-port and config`)
    for (const key of Object.keys(v)) if (!BROKER_KEYS.has(key)) fail(`unknown key '${key}' in ${where} (expected rack, port, controller-port, config)`)
    if (out.broker.has(id)) fail(`broker ${id} is described twice`)
    const settings: BrokerSettings = {config: configMap(v.config, `${where}.config`, fail)}
    if (v.rack !== undefined && v.rack !== null) {
      if (typeof v.rack !== 'string' && typeof v.rack !== 'number') fail(`${where}.rack must be a string`)
      settings.rack = String(v.rack)
    }
    if (v.port !== undefined) settings.port = port(v.port, `${where}.port`, fail)
    if (v['controller-port'] !== undefined) settings.controllerPort = port(v['controller-port'], `${where}.controller-port`, fail)
    out.broker.set(id, settings)
  }
  if (Array.isArray(doc.brokers)) {
    let next = 1
    doc.brokers.forEach((entry: unknown, i: number) => {
      const id = isMap(entry) && entry.id !== undefined ? brokerId(entry.id, `brokers[${i}].id`, fail) : next
      addBroker(id, entry ?? {}, `brokers[${i}]`)
      next = id + 1
    })
    out.brokers = Math.max(0, ...out.broker.keys())
  } else if (doc.brokers !== undefined) {
    const n = doc.brokers
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(`brokers must be a positive integer or a list of brokers, got ${JSON.stringify(n)}`)
    out.brokers = n as number
  }
  if (doc.broker !== undefined && doc.broker !== null) {
    if (!isMap(doc.broker)) fail('broker must be a mapping of broker id to its settings')
    for (const [k, v] of Object.entries(doc.broker as Record<string, unknown>)) addBroker(brokerId(k, `broker key '${k}'`, fail), v, `broker ${k}`)
  }
  const maxId = Math.max(0, ...out.broker.keys())
  if (out.brokers !== undefined && maxId > out.brokers) fail(`broker ${maxId} is described but the cluster has ${out.brokers} brokers`)
  return out
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function port(v: unknown, where: string, fail: (why: string) => never): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) fail(`${where} must be a port number (1-65535), got ${JSON.stringify(v)}`)
  return v as number
}

function brokerId(v: unknown, where: string, fail: (why: string) => never): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(`${where} must be a broker id (1, 2, ...), got ${JSON.stringify(v)}`)
  return n as number
}

function configMap(v: unknown, where: string, fail: (why: string) => never): Record<string, string> {
  if (v === undefined || v === null) return {}
  if (!isMap(v)) return fail(`${where} must be a mapping of broker config names to values`)
  const out: Record<string, string> = {}
  for (const [k, value] of Object.entries(v)) {
    if (value !== null && typeof value === 'object') fail(`${where}.${k} must be a plain value`)
    out[k] = value === null ? '' : String(value)
  }
  return out
}
