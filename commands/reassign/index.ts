import {readFileSync} from 'node:fs'

import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../../src/cli/base-command.js'
import {CommandError, UsageError} from '../../src/cli/errors.js'

const ACTIONS = ['generate', 'execute', 'verify', 'cancel', 'list'] as const
type Action = (typeof ACTIONS)[number]

/** Exit code of --verify while a partition of the file is still moving. */
export const EXIT_STILL_MOVING = 3

const REQUIRED: Record<Action, string[]> = {
  verify: ['reassignment-json-file'],
  generate: ['topics-to-move-json-file', 'broker-list'],
  execute: ['reassignment-json-file'],
  cancel: ['reassignment-json-file'],
  list: [],
}

// Kafka's permitted options per action, plus tskafka's own (--wait, --output...). Connection flags go with every action.
const PERMITTED: Record<Action, string[]> = {
  verify: ['preserve-throttles', 'wait', 'timeout', 'output', 'json', 'yaml'],
  generate: ['broker-list', 'disable-rack-aware', 'output', 'json', 'yaml'],
  execute: ['additional', 'disallow-replication-factor-change', 'throttle', 'replica-alter-log-dirs-throttle', 'timeout', 'output', 'json', 'yaml'],
  cancel: ['preserve-throttles', 'timeout', 'output', 'json', 'yaml'],
  list: ['output', 'json', 'yaml'],
}

const CONNECTION = new Set(Object.keys(connectionFlags))

export default class Reassign extends TskafkaCommand {
  static override summary = 'Move partition replicas between brokers (kafka-reassign-partitions.sh).'

  static override description = `Takes kafka-reassign-partitions.sh's options and prints its text: exactly one of --generate, --execute, --verify, --cancel and --list, with the same JSON files.
--generate proposes a placement of the topics in --topics-to-move-json-file over --broker-list (Kafka's placement, which moves most replicas; \`tskafka reassign plan\` moves as few as it can).
--execute prints the current assignment to keep for a rollback, sets the --throttle (B/s) on the brokers and replicas involved and starts the moves.
--verify prints each partition's status and removes the throttles once nothing moves. Unlike Kafka's tool it exits 0 only when every partition is where the file says, ${EXIT_STILL_MOVING} while something is still moving and 1 when a partition ended elsewhere. --wait polls every second until the moves end (or --timeout, e.g. 30s, 5m, 1h; a bare number is milliseconds), with a progress line on a terminal.`

  static override examples = [
    '<%= config.bin %> reassign --generate --topics-to-move-json-file topics.json --broker-list 1,2,3,4',
    '<%= config.bin %> reassign --execute --reassignment-json-file plan.json --throttle 50000000',
    '<%= config.bin %> reassign --verify --reassignment-json-file plan.json',
    '<%= config.bin %> reassign --verify --reassignment-json-file plan.json --wait --timeout 10m',
    '<%= config.bin %> reassign --cancel --reassignment-json-file plan.json',
    '<%= config.bin %> reassign --list --json',
  ]

  static override flags = {
    generate: Flags.boolean({description: 'generate a candidate partition reassignment (does not execute it)', helpGroup: 'ACTION'}),
    execute: Flags.boolean({description: 'start the reassignment in --reassignment-json-file', helpGroup: 'ACTION'}),
    verify: Flags.boolean({description: 'check whether the reassignment in --reassignment-json-file is complete; removes throttles when it is', helpGroup: 'ACTION'}),
    cancel: Flags.boolean({description: 'cancel the active reassignments of --reassignment-json-file', helpGroup: 'ACTION'}),
    list: Flags.boolean({description: 'list all active partition reassignments', helpGroup: 'ACTION'}),
    'reassignment-json-file': Flags.string({description: 'the partition reassignment JSON file ({"version":1,"partitions":[{"topic","partition","replicas","log_dirs"}]})'}),
    'topics-to-move-json-file': Flags.string({description: 'with --generate: the topics to move ({"topics":[{"topic":"foo"}],"version":1})'}),
    'broker-list': Flags.string({description: 'with --generate: the brokers to place the replicas on, "0,1,2"'}),
    'disable-rack-aware': Flags.boolean({description: 'with --generate: ignore broker racks'}),
    throttle: Flags.integer({description: 'with --execute: throttle replication between brokers to this many bytes/sec (at least 1 KB/s makes sense); resubmit with --additional to change it'}),
    'replica-alter-log-dirs-throttle': Flags.integer({description: 'with --execute: throttle moves between log dirs of a broker to this many bytes/sec'}),
    timeout: Flags.string({description: 'with --execute/--cancel: ms to wait for log dir moves to start (default 10000); with --verify --wait: how long to wait (30s, 5m, 1h or ms; default no limit)'}),
    additional: Flags.boolean({description: 'with --execute: start this reassignment in addition to running ones (also changes the throttle)'}),
    'disallow-replication-factor-change': Flags.boolean({description: "with --execute: refuse to change a partition's replication factor in this reassignment"}),
    'preserve-throttles': Flags.boolean({description: 'with --verify/--cancel: leave broker and topic throttles alone'}),
    wait: Flags.boolean({description: 'with --verify: wait until every partition is done or one fails'}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Reassign)
    const given = flags as Record<string, unknown>
    const actions = ACTIONS.filter((a) => flags[a])
    if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`)
    const action = actions[0]!
    for (const name of REQUIRED[action]) if (given[name] === undefined) throw new UsageError(`Missing required argument "[${name}]"`)
    for (const [name, value] of Object.entries(given)) {
      if (value === undefined || value === false || name === action || CONNECTION.has(name)) continue
      if (!REQUIRED[action].includes(name) && !PERMITTED[action].includes(name)) throw new UsageError(`Option "[${name}]" can't be used with action "[${action}]"`)
    }
    if (flags.timeout !== undefined && action === 'verify' && !flags.wait) throw new UsageError('--timeout goes with --verify only together with --wait')

    const [{outputMode, formatData}, reassign] = await Promise.all([import('../../src/cli/output.js'), import('../../src/admin/reassign/reassign.js')])
    const mode = outputMode(flags, 'text')
    if (mode === 'table') throw new UsageError('--output table is not available for reassign: use text, json or yaml')
    const data = mode === 'json' || mode === 'yaml'
    const print = data ? () => {} : (line: string) => this.out(line)
    const write = data ? () => {} : (text: string) => void process.stdout.write(text)
    const emit = (value: unknown) => this.out(formatData(mode as 'json' | 'yaml', value))
    const readJsonFile = (flag: string): string => {
      const path = given[flag] as string
      try {
        return readFileSync(path, 'utf8')
      } catch (error) {
        throw new CommandError(`Cannot read --${flag} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
      }
    }

    // --broker-list is --generate's list of target brokers here, never a bootstrap address.
    const {'broker-list': brokerList, ...connection} = given
    const msTimeout = (fallback: number): number => {
      if (flags.timeout === undefined) return fallback
      if (!/^\d+$/.test(flags.timeout)) throw new UsageError(`Invalid --timeout ${flags.timeout}: expected milliseconds`)
      return Number(flags.timeout)
    }

    switch (action) {
      case 'generate': {
        const topicsToMoveJson = readJsonFile('topics-to-move-json-file')
        const client = await this.connect(connection, 'reassign-partitions-tool')
        const result = await reassign.generate(client, {topicsToMoveJson, brokerList: brokerList as string, rackAware: !flags['disable-rack-aware']}, print)
        if (data) emit({current: reassignmentDoc(result.current), proposed: reassignmentDoc(result.proposed)})
        return
      }
      case 'execute': {
        const reassignmentJson = readJsonFile('reassignment-json-file')
        const timeoutMs = msTimeout(10_000)
        const client = await this.connect(connection, 'reassign-partitions-tool')
        const result = await reassign.execute(
          client,
          {reassignmentJson, additional: flags.additional, interBrokerThrottle: flags.throttle ?? -1, logDirThrottle: flags['replica-alter-log-dirs-throttle'] ?? -1, timeoutMs, disallowReplicationFactorChange: flags['disallow-replication-factor-change']},
          print,
        )
        if (data) emit({started: result.started.map((p) => `${p.topic}-${p.partition}`), rollback: reassignmentDoc(result.rollback), throttles: result.throttles})
        return
      }
      case 'cancel': {
        const reassignmentJson = readJsonFile('reassignment-json-file')
        const timeoutMs = msTimeout(10_000)
        const client = await this.connect(connection, 'reassign-partitions-tool')
        const result = await reassign.cancel(client, reassignmentJson, flags['preserve-throttles'], timeoutMs, print, write)
        if (data) emit({cancelled: result.cancelled.map((p) => `${p.topic}-${p.partition}`), throttlesCleared: result.cleared})
        return
      }
      case 'list': {
        const client = await this.connect(connection, 'reassign-partitions-tool')
        const ongoing = await reassign.ongoingReassignments(client)
        if (data) {
          const {compareTopicPartitions} = await import('../../src/admin/reassign/reassignment-json.js')
          emit({
            reassignments: [...ongoing].sort(compareTopicPartitions).map((r) => ({
              topic: r.topic,
              partition: r.partition,
              replicas: r.replicas,
              addingReplicas: r.addingReplicas,
              removingReplicas: r.removingReplicas,
            })),
          })
        } else {
          const {listText} = await import('../../src/admin/reassign/render.js')
          print(listText(ongoing))
        }
        return
      }
      case 'verify': {
        const reassignmentJson = readJsonFile('reassignment-json-file')
        const waitMs = flags.wait && flags.timeout !== undefined ? parseWaitTimeout(flags.timeout) : undefined
        const client = await this.connect(connection, 'reassign-partitions-tool')
        let timedOut = false
        if (flags.wait) timedOut = await this.waitForMoves(client, reassignmentJson, waitMs)
        const result = await reassign.verify(client, reassignmentJson, flags['preserve-throttles'], print)
        const outcome = reassign.verifyOutcome(result)
        if (data) {
          const {partitionStatus} = await import('../../src/admin/reassign/moves.js')
          emit({
            outcome,
            partitions: result.partitions.map((p) => ({
              topic: p.topic,
              partition: p.partition,
              status: partitionStatus(p),
              currentReplicas: p.currentReplicas,
              targetReplicas: p.targetReplicas,
            })),
            logDirMoves: result.logDirMoves.map((m) => ({topic: m.replica.topic, partition: m.replica.partition, broker: m.replica.broker, ...m.state})),
            throttlesCleared: result.cleared ?? null,
          })
        }
        if (outcome === 'in-progress') {
          if (timedOut) this.err(`Error: Timed out after ${flags.timeout} with partitions still moving`)
          process.exitCode = EXIT_STILL_MOVING
        } else if (outcome === 'failed') {
          const {partitionStatus} = await import('../../src/admin/reassign/moves.js')
          const failed = result.partitions.filter((p) => partitionStatus(p) === 'mismatch').map((p) => `${p.topic}-${p.partition}`)
          const dirs = result.logDirMoves.filter((m) => m.state.kind !== 'completed').length
          const what = [failed.length > 0 ? `partition${failed.length === 1 ? '' : 's'} ${failed.join(',')} ended on other replicas than the file names` : '', dirs > 0 ? `${dirs} log dir move${dirs === 1 ? '' : 's'} did not complete` : '']
          this.err(`Error: Reassignment failed: ${what.filter((w) => w !== '').join('; ')}`)
          process.exitCode = 1
        }
        return
      }
    }
  }

  /** --verify --wait, with a progress line redrawn on stderr when it is a terminal (nothing extra off one). */
  private async waitForMoves(client: import('../../src/client/client.js').KafkaClient, reassignmentJson: string, timeoutMs: number | undefined): Promise<boolean> {
    const [reassign, {progressLine}, {spinnersEnabled}] = await Promise.all([
      import('../../src/admin/reassign/reassign.js'),
      import('../../src/admin/reassign/render.js'),
      import('../../src/cli/output.js'),
    ])
    let drawn = false
    const draw = (text: string) => {
      const columns = process.stderr.columns > 0 ? process.stderr.columns : 80
      process.stderr.write(`\r${text.slice(0, columns - 1)}\u001B[K`)
      drawn = true
    }
    const erase = () => {
      if (drawn) process.stderr.write('\r\u001B[K')
      drawn = false
    }
    this.onCleanup(erase)
    try {
      return await reassign.waitForMoves(client, reassignmentJson, {
        timeoutMs,
        onProgress: spinnersEnabled() ? (progress, elapsedMs) => draw(progressLine(progress, elapsedMs)) : undefined,
      })
    } finally {
      erase()
    }
  }
}

function reassignmentDoc(assignments: ReadonlyArray<{topic: string; partition: number; replicas: readonly number[]; logDirs?: readonly string[]}>): unknown {
  return {version: 1, partitions: assignments.map((a) => ({topic: a.topic, partition: a.partition, replicas: a.replicas, log_dirs: a.replicas.map((_, i) => a.logDirs?.[i] ?? 'any')}))}
}

/** "30s", "5m", "1h", "250ms", or a bare number of milliseconds. */
export function parseWaitTimeout(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) throw new UsageError(`Invalid --timeout ${text}: expected a duration like 30s, 5m, 1h or milliseconds`)
  const factor = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[m[2] ?? 'ms']!
  return Math.round(Number(m[1]) * factor)
}
