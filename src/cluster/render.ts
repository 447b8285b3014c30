// Text the cluster commands print. Pure functions of the results, so the
// commands stay thin and the wording is tested in one place.

import Table from 'cli-table3'

import type {BrokerStatus, ClusterStatus, StartClusterResult, StopClusterResult} from './local-cluster.js'

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** The hint naming --data-dir only when the user is not on the default one. */
function commandFor(sub: string, dataDir: string, defaultDir: string): string {
  return dataDir === defaultDir ? `tskafka cluster ${sub}` : `tskafka cluster ${sub} --data-dir ${quoteIfNeeded(dataDir)}`
}

function quoteIfNeeded(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

export function startSummary(result: StartClusterResult): string {
  const n = result.status.brokers.length
  const added = result.addedBrokerIds
  if (added.length > 0) {
    return `Local cluster grown from ${n - added.length} to ${plural(n, 'broker')} (started ${added.length === 1 ? 'broker' : 'brokers'} ${added.join(', ')}), bootstrap ${result.status.bootstrapServers}`
  }
  const what = result.alreadyRunning ? 'already running' : 'started'
  return `Local cluster ${what}: ${plural(n, 'broker')}, bootstrap ${result.status.bootstrapServers}`
}

export function startDetails(result: StartClusterResult, defaultDir: string, tty: boolean): string {
  const lines = [tty ? brokerTable(result.status.brokers) : brokerPlainTable(result.status.brokers)]
  if (!result.alreadyRunning) lines.push(`Ready in ${result.readyMs} ms. Data in ${result.status.dataDir}`)
  lines.push(`Stop it with: ${commandFor('stop', result.status.dataDir, defaultDir)}`)
  return lines.join('\n')
}

export function stopSummary(result: StopClusterResult, defaultDir: string): string[] {
  if (!result.exists) return [`No local cluster in ${result.dataDir}; nothing to stop`]
  if (!result.wasRunning) {
    if (result.brokers.length === 1) return [`Broker ${result.brokers[0]!.id} is not running; nothing to stop`]
    return [`Local cluster in ${result.dataDir} is not running; nothing to stop`]
  }
  const lines = result.brokers
    .filter((b) => b.outcome !== 'was not running')
    .map((b) => (b.outcome === 'killed' ? `Broker ${b.id} (pid ${b.pid}) did not stop in time and was killed` : `Broker ${b.id} (pid ${b.pid}) stopped`))
  if (result.brokers.length === 1 && result.brokers[0]!.outcome !== 'was not running') {
    lines.push(`Start it again with: ${commandFor(`restart --broker ${result.brokers[0]!.id}`, result.dataDir, defaultDir)}`)
    return lines
  }
  lines.push(`Local cluster stopped; data kept in ${result.dataDir} (start again with: ${commandFor('start', result.dataDir, defaultDir)})`)
  return lines
}

export function statusSummary(status: ClusterStatus, defaultDir: string): string {
  if (!status.exists) return `No local cluster in ${status.dataDir} (start one with: ${commandFor('start', status.dataDir, defaultDir)})`
  const running = status.brokers.filter((b) => b.state === 'running').length
  const counts = status.state === 'degraded' ? ` (${running} of ${status.brokers.length} brokers running)` : ''
  const controller = status.state === 'stopped' ? '' : status.activeController >= 0 ? `, controller ${status.activeController}` : ', no active controller'
  const offline = status.offlinePartitions ? `, ${plural(status.offlinePartitions, 'offline partition')}` : ''
  return `Local cluster ${status.clusterId}: ${status.state}${counts}, bootstrap ${status.bootstrapServers}${controller}${offline}`
}

const HEAD = ['BROKER', 'PID', 'PORT', 'STATE', 'RACK', 'CONTROLLER', 'LEADERS', 'UNDER-REPLICATED']

function rowOf(b: BrokerStatus): string[] {
  const count = (n: number | null) => (b.state === 'stopped' || n === null ? '-' : String(n))
  return [String(b.id), b.pid === null ? '-' : String(b.pid), String(b.port), b.state, b.rack ?? '-', b.controller, count(b.leaders), count(b.underReplicated)]
}

/** A boxed table for terminals. */
export function brokerTable(brokers: BrokerStatus[]): string {
  const table = new Table({head: HEAD, style: {head: [], border: []}})
  for (const b of brokers) table.push(rowOf(b))
  return table.toString()
}

/** Space-aligned columns without borders, for pipes and files. */
export function brokerPlainTable(brokers: BrokerStatus[]): string {
  const rows = [HEAD, ...brokers.map(rowOf)]
  const widths = HEAD.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n')
}

/** The --json form of a status: stable field names for scripts. */
export function statusJson(status: ClusterStatus): object {
  return {
    dataDir: status.dataDir,
    exists: status.exists,
    clusterId: status.clusterId,
    state: status.state,
    bootstrapServers: status.bootstrapServers,
    activeController: status.activeController,
    offlinePartitions: status.offlinePartitions,
    brokers: status.brokers.map((b) => ({
      id: b.id,
      host: b.host,
      port: b.port,
      pid: b.pid,
      state: b.state,
      rack: b.rack,
      controller: b.controller,
      leaders: b.leaders,
      underReplicated: b.underReplicated,
      dataDir: b.dataDir,
      logFile: b.logFile,
      configFile: b.configFile,
      startedAt: b.startedAt,
    })),
  }
}

/** Exit code of `cluster status`: 0 running, 1 stopped or absent, 2 degraded (some brokers down, fenced or not responding). */
export function statusExitCode(status: ClusterStatus): number {
  return status.state === 'running' ? 0 : status.state === 'stopped' ? 1 : 2
}
