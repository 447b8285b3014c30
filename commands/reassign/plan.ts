import {Flags} from '@oclif/core'

import type {PlanRequest} from '../../src/admin/reassign/planner.js'
import {connectionFlags, outputFlags, TskafkaCommand} from '../../src/cli/base-command.js'
import {UsageError} from '../../src/cli/errors.js'

export default class ReassignPlan extends TskafkaCommand {
  static override summary = 'Plan a reassignment that moves as little as possible: add brokers, drain brokers, or change a replication factor.'

  static override description = `Unlike kafka-reassign-partitions.sh --generate, which recomputes every replica's place and so moves most of the data, the plan starts from where the replicas are and moves only what the change needs, keeping replica counts, racks and preferred leaders balanced.
--add-broker moves replicas onto the new brokers, from the most loaded ones, until every broker holds an even share.
--drain-broker moves every replica off the drained brokers and no other replica, unless the counts cannot be evened out otherwise: such moves are listed apart under "Extra moves".
--topic with --replication-factor keeps the existing replicas, adds new ones on the least loaded brokers and racks, or drops them from the most loaded brokers (never the leader when another can go).
The plan prints a before/after table per broker, the partition moves with the bytes to copy (each partition's leader size, from DescribeLogDirs), and Kafka's reassignment JSON, written to --output-file when given, for \`tskafka reassign --execute\` or kafka-reassign-partitions.sh --execute.`

  static override examples = [
    '<%= config.bin %> reassign plan --add-broker 4 --output-file grow.json',
    '<%= config.bin %> reassign plan --drain-broker 3 --topics orders,payments',
    '<%= config.bin %> reassign plan --topic orders --replication-factor 3 --output-file rf3.json',
    '<%= config.bin %> reassign --execute --reassignment-json-file rf3.json',
  ]

  static override flags = {
    'add-broker': Flags.string({description: 'new broker id(s) to move replicas onto, "4" or "4,5"', helpGroup: 'CHANGE'}),
    'drain-broker': Flags.string({description: 'broker id(s) to move every replica off, "3" or "3,6"', helpGroup: 'CHANGE'}),
    topic: Flags.string({description: 'with --replication-factor: the topic whose replication factor changes', helpGroup: 'CHANGE'}),
    'replication-factor': Flags.integer({description: 'with --topic: the new replication factor', helpGroup: 'CHANGE'}),
    topics: Flags.string({description: 'with --add-broker/--drain-broker: the topics to plan over, "t1,t2" [default: every non-internal topic]'}),
    'output-file': Flags.string({description: 'write the proposed reassignment JSON to this file'}),
    'disable-rack-aware': Flags.boolean({description: 'ignore broker racks'}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ReassignPlan)
    const request = planRequest(flags)
    if (request.kind === 'replication-factor' && flags.topics !== undefined) throw new UsageError('--topics cannot be used with --topic and --replication-factor')
    const topics = flags.topics === undefined ? undefined : listOf(flags.topics, '--topics')
    const [{runPlan}, render, {outputMode, formatData, startSpinner}] = await Promise.all([
      import('../../src/admin/reassign/plan-run.js'),
      import('../../src/admin/reassign/plan-render.js'),
      import('../../src/cli/output.js'),
    ])
    const mode = outputMode(flags, 'text')
    const spinner = startSpinner('Planning')
    this.onCleanup(() => spinner.stop())
    const client = await this.connect(flags)
    const result = await runPlan(client, {request, topics, rackAware: !flags['disable-rack-aware'], outputFile: flags['output-file']})
    spinner.stop()
    if (mode === 'json' || mode === 'yaml') this.out(formatData(mode, render.planData(result)))
    else this.out(mode === 'table' ? await render.renderPlanTable(result) : await render.renderPlanText(result))
  }
}

function planRequest(flags: {'add-broker'?: string; 'drain-broker'?: string; topic?: string; 'replication-factor'?: number}): PlanRequest {
  const given = [flags['add-broker'] !== undefined, flags['drain-broker'] !== undefined, flags.topic !== undefined || flags['replication-factor'] !== undefined].filter(Boolean).length
  if (given !== 1) throw new UsageError('give exactly one of --add-broker, --drain-broker, or --topic with --replication-factor')
  if (flags['add-broker'] !== undefined) return {kind: 'add-brokers', brokers: brokerIds(flags['add-broker'], '--add-broker')}
  if (flags['drain-broker'] !== undefined) return {kind: 'drain-brokers', brokers: brokerIds(flags['drain-broker'], '--drain-broker')}
  if (flags.topic === undefined) throw new UsageError('--replication-factor needs --topic')
  if (flags['replication-factor'] === undefined) throw new UsageError('--topic needs --replication-factor')
  return {kind: 'replication-factor', topic: flags.topic, replicationFactor: flags['replication-factor']}
}

function listOf(value: string, flag: string): string[] {
  const items = value.split(',').map((s) => s.trim())
  if (items.some((s) => s === '')) throw new UsageError(`invalid ${flag} "${value}": expected a comma-separated list without empty entries`)
  return items
}

function brokerIds(value: string, flag: string): number[] {
  return listOf(value, flag).map((s) => {
    if (!/^\d+$/.test(s) || Number(s) > 2147483647) throw new UsageError(`invalid ${flag} "${value}": "${s}" is not a broker id (expected ids like "4" or "4,5")`)
    return Number(s)
  })
}
