// The classic start/stop script for real Kafka installations: `tskafka cluster start|stop
// --inventory hosts.yaml` runs Kafka's own kafka-server-start.sh -daemon / kafka-server-stop.sh on
// each listed host over ssh, one host at a time, and reports a status line per host. Hosts start
// in the listed order and stop in the reverse order (list the controllers first: they start
// first and stop last).
//
//   kafka-home: /opt/kafka                    # default for every host
//   config: config/server.properties          # relative to kafka-home, or absolute
//   user: kafka                               # ssh user (optional)
//   ssh-options: [-i, /home/me/.ssh/kafka]    # extra ssh arguments (optional)
//   hosts:
//     - kafka1.example.com
//     - host: kafka2.example.com
//       port: 2222                            # ssh port
//       kafka-home: /srv/kafka
//       config: /etc/kafka/server.properties
//       user: root

import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'

import {parse as parseYaml} from 'yaml'

import {ClusterError} from './state.js'

export interface InventoryHost {
  host: string
  port: number | null
  user: string | null
  kafkaHome: string
  config: string
  sshOptions: string[]
}

export interface HostOutcome {
  host: string
  ok: boolean
  /** The remote command's exit status (255: ssh itself failed), null when it was killed. */
  exitCode: number | null
  /** What went wrong, for a status line (the last line the command printed on stderr). */
  detail: string
  command: string[]
}

const HOST_TIMEOUT_MS = 120_000

export function readInventory(path: string): InventoryHost[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ClusterError(`cannot read the inventory ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  return parseInventory(text, path)
}

export function parseInventory(text: string, source = 'inventory'): InventoryHost[] {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (error) {
    throw new ClusterError(`${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  const fail = (why: string): never => {
    throw new ClusterError(`${source}: ${why}`)
  }
  if (!isMap(doc)) return fail('expected a mapping with hosts (and kafka-home, config, user, ssh-options)')
  const str = (v: unknown, where: string): string | null => {
    if (v === undefined || v === null) return null
    if (typeof v !== 'string' || v.trim() === '') return fail(`${where} must be a non-empty string`)
    return v
  }
  const sshOptions = (v: unknown, where: string): string[] | null => {
    if (v === undefined || v === null) return null
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) return fail(`${where} must be a list of ssh arguments`)
    return v.map(String)
  }
  const home = str(doc['kafka-home'], 'kafka-home')
  const config = str(doc.config, 'config') ?? 'config/server.properties'
  const user = str(doc.user, 'user')
  const options = sshOptions(doc['ssh-options'], 'ssh-options') ?? []
  if (!Array.isArray(doc.hosts) || doc.hosts.length === 0) return fail('hosts must be a non-empty list of host names or host entries')
  return doc.hosts.map((entry: unknown, i: number): InventoryHost => {
    const where = `hosts[${i}]`
    const e: Record<string, unknown> = typeof entry === 'string' ? {host: entry} : isMap(entry) ? entry : fail(`${where} must be a host name or a mapping with host`)
    const host = str(e.host, `${where}.host`) ?? fail(`${where} has no host`)
    let port: number | null = null
    if (e.port !== undefined && e.port !== null) {
      if (typeof e.port !== 'number' || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535) fail(`${where}.port must be an ssh port number`)
      port = e.port as number
    }
    const kafkaHome = str(e['kafka-home'], `${where}.kafka-home`) ?? home ?? fail(`${where} (${host}) has no kafka-home, and there is no default kafka-home`)
    const cfg = str(e.config, `${where}.config`) ?? config
    return {
      host,
      port,
      user: str(e.user, `${where}.user`) ?? user,
      kafkaHome,
      config: cfg.startsWith('/') ? cfg : `${kafkaHome.replace(/\/+$/, '')}/${cfg}`,
      sshOptions: sshOptions(e['ssh-options'], `${where}.ssh-options`) ?? options,
    }
  })
}

/** The ssh command line that runs Kafka's script on a host. */
export function sshCommand(h: InventoryHost, action: 'start' | 'stop'): string[] {
  const bin = `${h.kafkaHome.replace(/\/+$/, '')}/bin`
  const remote = action === 'start' ? `${shellQuote(`${bin}/kafka-server-start.sh`)} -daemon ${shellQuote(h.config)}` : shellQuote(`${bin}/kafka-server-stop.sh`)
  const args = ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10']
  if (h.port !== null) args.push('-p', String(h.port))
  if (h.user !== null) args.push('-l', h.user)
  args.push(...h.sshOptions, h.host, remote)
  return args
}

/**
 * Runs the start (in order) or stop (in reverse order) script on every host, one at a time,
 * calling `onHost` as each finishes. A failing host does not stop the others.
 */
export async function runInventory(hosts: readonly InventoryHost[], action: 'start' | 'stop', onHost: (o: HostOutcome) => void = () => {}): Promise<HostOutcome[]> {
  const ordered = action === 'start' ? [...hosts] : [...hosts].reverse()
  const outcomes: HostOutcome[] = []
  for (const h of ordered) {
    const command = sshCommand(h, action)
    const r = await runCommand(command)
    const lastLine = (r.stderr.trim() || r.stdout.trim()).split('\n').at(-1) ?? ''
    // kafka-server-stop.sh exits 1 with "No kafka server to stop" when nothing runs: not a failure.
    const nothingToStop = action === 'stop' && /No kafka server to stop/i.test(r.stdout + r.stderr)
    const ok = r.code === 0 || nothingToStop
    const detail = r.error ?? (ok ? (nothingToStop ? 'was not running' : '') : lastLine)
    const o: HostOutcome = {host: h.host, ok, exitCode: r.code, detail, command}
    outcomes.push(o)
    onHost(o)
  }
  return outcomes
}

/** The status line of one host. */
export function hostLine(o: HostOutcome, action: 'start' | 'stop'): string {
  if (o.ok) return `${o.host}: ${action === 'start' ? 'started' : o.detail === 'was not running' ? 'was not running' : 'stopped'}`
  const how = o.exitCode === null ? 'timed out' : o.exitCode === 255 ? 'ssh failed (exit 255)' : `exit ${o.exitCode}`
  return `${o.host}: FAILED (${how})${o.detail ? `: ${o.detail}` : ''}`
}

function runCommand(argv: string[]): Promise<{code: number | null; stdout: string; stderr: string; error?: string}> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), HOST_TIMEOUT_MS)
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve({code: 255, stdout: '', stderr: '', error: e.code === 'ENOENT' ? `cannot run ${argv[0]}: not found on PATH` : e.message})
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')})
    })
  })
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
