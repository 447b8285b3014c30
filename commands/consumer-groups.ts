import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../src/cli/base-command.js'
import {CommandError, UsageError} from '../src/cli/errors.js'

const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const
const SCENARIOS = ['to-offset', 'to-earliest', 'to-latest', 'to-current', 'shift-by', 'to-datetime', 'by-duration', 'from-file'] as const

/**
 * Kafka's --state and --type take an optional value (oclif needs one, so a bare flag gets ""),
 * and --shift-by / --to-offset take negative numbers, which oclif would read as flags.
 */
function withOptionalValues(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const next = argv[i + 1]
    if ((a === '--state' || a === '--type') && (next === undefined || next.startsWith('-'))) out.push(`${a}=`)
    else if ((a === '--shift-by' || a === '--to-offset') && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${a}=${next}`)
      i++
    } else out.push(a)
  }
  return out
}

export default class ConsumerGroups extends TskafkaCommand {
  static override summary = 'List, describe, reset and delete consumer groups (kafka-consumer-groups.sh).'

  static override description = `Takes kafka-consumer-groups.sh's options: exactly one of --list, --describe, --delete, --reset-offsets and --delete-offsets.
--list prints group ids, or with --state [states] and/or --type [types] a table (optionally filtered).
--describe --group g (or --all-groups) prints offsets and lag per partition (Kafka's columns); --members [--verbose] the members; --state [--verbose] the state.
--reset-offsets needs --group or --all-groups, --topic t[:p,p] or --all-topics, and one of --to-earliest, --to-latest, --to-current, --to-offset n, --shift-by n, --to-datetime YYYY-MM-DDTHH:mm:SS.sss, --by-duration PnDTnHnMnS, --from-file plan.csv; it is a dry run unless --execute; --export prints the plan as CSV.
--delete --group g deletes empty groups; --delete-offsets --group g --topic t[:p] deletes committed offsets.`

  static override examples = [
    '<%= config.bin %> consumer-groups --list --state',
    '<%= config.bin %> consumer-groups --describe --group orders-app',
    '<%= config.bin %> consumer-groups --describe --group orders-app --members --verbose',
    '<%= config.bin %> consumer-groups --reset-offsets --group orders-app --topic orders --to-earliest --execute',
    '<%= config.bin %> consumer-groups --reset-offsets --all-groups --all-topics --shift-by -10 --export > plan.csv',
    '<%= config.bin %> consumer-groups --delete --group orders-app',
  ]

  static override flags = {
    list: Flags.boolean({description: 'list all consumer groups', helpGroup: 'ACTION'}),
    describe: Flags.boolean({description: 'describe consumer groups and their offset lag', helpGroup: 'ACTION'}),
    delete: Flags.boolean({description: 'delete consumer groups (and their offsets)', helpGroup: 'ACTION'}),
    'reset-offsets': Flags.boolean({description: 'reset the offsets of inactive consumer groups', helpGroup: 'ACTION'}),
    'delete-offsets': Flags.boolean({description: 'delete committed offsets of a consumer group', helpGroup: 'ACTION'}),
    group: Flags.string({description: 'the consumer group(s) to act on', multiple: true, multipleNonGreedy: true}),
    'all-groups': Flags.boolean({description: 'apply to all consumer groups'}),
    topic: Flags.string({description: 'topic, or topic:p1,p2 (reset and delete offsets)', multiple: true, multipleNonGreedy: true}),
    'all-topics': Flags.boolean({description: "every topic the group has offsets for (reset-offsets)"}),
    members: Flags.boolean({description: 'with --describe: the members of the group'}),
    offsets: Flags.boolean({description: 'with --describe: offsets and lag per partition (the default)'}),
    state: Flags.string({description: 'with --describe: the state of the group; with --list: show (or filter by) states'}),
    type: Flags.string({description: 'with --list: show (or filter by) group types (classic, consumer)'}),
    verbose: Flags.boolean({description: 'with --describe --members or --state: more detail'}),
    'to-offset': Flags.string({description: 'reset to this offset', helpGroup: 'RESET'}),
    'to-earliest': Flags.boolean({description: 'reset to the earliest offset', helpGroup: 'RESET'}),
    'to-latest': Flags.boolean({description: 'reset to the latest offset', helpGroup: 'RESET'}),
    'to-current': Flags.boolean({description: 'reset to the current offset', helpGroup: 'RESET'}),
    'shift-by': Flags.string({description: 'shift the current offset by n (positive or negative)', helpGroup: 'RESET', allowStdin: false}),
    'to-datetime': Flags.string({description: "reset to the first offset at or after 'YYYY-MM-DDTHH:mm:SS.sss' (UTC unless a zone is given)", helpGroup: 'RESET'}),
    'by-duration': Flags.string({description: "reset to the offset this long ago, as 'PnDTnHnMnS'", helpGroup: 'RESET'}),
    'from-file': Flags.string({description: 'reset to the offsets of a CSV plan (as --export writes it)', helpGroup: 'RESET'}),
    'dry-run': Flags.boolean({description: 'only show the result (the default)', helpGroup: 'RESET'}),
    execute: Flags.boolean({description: 'apply the reset', helpGroup: 'RESET'}),
    export: Flags.boolean({description: 'print the reset plan as CSV', helpGroup: 'RESET'}),
    timeout: Flags.integer({description: 'how long to wait for a coordinator, in ms', default: 5000}),
    ...connectionFlags,
    ...outputFlags,
  }

  override async init(): Promise<void> {
    this.argv = withOptionalValues(this.argv)
    await super.init()
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ConsumerGroups)
    const [cg, {outputMode, formatData}] = await Promise.all([import('../src/admin/consumer-groups.js'), import('../src/cli/output.js')])
    const chosen = ACTIONS.filter((a) => flags[a])
    if (chosen.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets')
    const action = chosen[0]!
    const groups = flags.group ?? []
    const topics = flags.topic ?? []
    const mode = outputMode(flags, 'text')
    const data = mode === 'json' || mode === 'yaml'

    // Kafka's ConsumerGroupCommandOptions.checkArgs.
    if ((action === 'describe' || action === 'delete' || action === 'reset-offsets') && groups.length === 0 && !flags['all-groups']) {
      throw new UsageError(`Option [${action}] takes one of these options: [all-groups], [group]`)
    }
    if (groups.length > 0 && flags['all-groups']) throw new UsageError('Option "[group]" can\'t be used with option "[all-groups]"')
    if (action === 'describe') {
      if ([flags.members, flags.offsets, flags.state !== undefined].filter(Boolean).length > 1) {
        throw new UsageError('Option [describe] takes at most one of these options: [members], [offsets], [state]')
      }
      if (flags.state !== undefined && flags.state !== '') throw new UsageError('Option [describe] does not take a value for [state]')
    }
    if (action === 'delete' && topics.length > 0) throw new UsageError('The consumer does not support topic-specific offset deletion from a consumer group.')
    if (action === 'delete-offsets' && (groups.length === 0 || topics.length === 0)) {
      throw new UsageError('Option [delete-offsets] takes the following options: [topic], [group]')
    }
    if (action === 'list' && groups.length > 0) throw new UsageError('Option "[group]" can\'t be used with option "[list]"')

    const client = await this.connect(flags, 'tskafka-consumer-groups')
    const gc = {client, timeoutMs: flags.timeout}

    if (action === 'list') {
      const includeState = flags.state !== undefined
      const includeType = flags.type !== undefined
      const states = includeState && flags.state !== '' ? cg.parseStates(flags.state!) : []
      const types = includeType && flags.type !== '' ? cg.parseTypes(flags.type!) : []
      const listed = await cg.listConsumerGroups(gc, states, types)
      if (data) this.out(formatData(mode, listed.map((g) => ({group: g.groupId, ...(includeType ? {type: g.type} : {}), ...(includeState || !includeType ? {state: g.state} : {})}))))
      else if (includeState || includeType) this.out(cg.renderListing(listed, includeType, includeState))
      else if (listed.length > 0) this.out(listed.map((g) => g.groupId).join('\n'))
      return
    }

    const targetGroups = flags['all-groups'] ? (await cg.listConsumerGroups(gc)).map((g) => g.groupId) : groups

    if (action === 'describe') {
      const view = flags.members ? 'members' : flags.state !== undefined ? 'state' : 'offsets'
      const out: unknown[] = []
      let failed = false
      // Kafka describes groups in name order (a TreeMap).
      for (const groupId of [...new Set(targetGroups)].sort()) {
        const d = await cg.describeGroup(gc, groupId)
        const notice = cg.stateNotice(groupId, d.state)
        if (notice?.kind === 'error') {
          this.err(`Error: ${notice.text}`)
          failed = true
          continue
        }
        if (view === 'offsets') {
          const rows = await cg.collectOffsetRows(gc, d)
          if (data) out.push({group: groupId, state: d.state, partitions: rows})
          else if (rows.length > 0) this.out(cg.renderOffsets(rows))
        } else if (view === 'members') {
          if (data) out.push({group: groupId, state: d.state, type: d.type, members: d.members})
          else this.out(cg.renderMembers(d, flags.verbose))
        } else if (data) {
          out.push({
            group: groupId,
            coordinator: {id: d.coordinator.nodeId, host: d.coordinator.host, port: d.coordinator.port},
            assignmentStrategy: d.partitionAssignor,
            state: d.state,
            type: d.type,
            groupEpoch: d.groupEpoch,
            targetAssignmentEpoch: d.targetAssignmentEpoch,
            members: d.members.length,
          })
        } else {
          this.out(cg.renderState(d, flags.verbose))
        }
        if (notice !== null) this.err(notice.text)
      }
      if (data) this.out(formatData(mode, out))
      if (failed) process.exitCode = 1
      return
    }

    if (action === 'delete') {
      const results = await cg.deleteGroups(gc, targetGroups)
      const failed = results.filter((r) => r.errorCode !== 0)
      const ok = results.filter((r) => r.errorCode === 0)
      if (data) {
        this.out(formatData(mode, results.map((r) => ({group: r.groupId, deleted: r.errorCode === 0, error: r.errorCode === 0 ? null : cg.kafkaExceptionText(r.errorCode)}))))
      } else if (failed.length === 0) {
        this.out(`Deletion of requested consumer groups (${ok.map((r) => `'${r.groupId}'`).join(', ')}) was successful.`)
      } else {
        this.out(failed.map((r) => `* Group '${r.groupId}' could not be deleted due to: ${cg.kafkaExceptionText(r.errorCode)}`).join('\n'))
        if (ok.length > 0) this.out(`\nThese consumer groups were deleted successfully: ${ok.map((r) => `'${r.groupId}'`).join(', ')}`)
      }
      if (failed.length > 0) throw new CommandError('Deletion of some consumer groups failed.')
      return
    }

    if (action === 'delete-offsets') {
      if (groups.length > 1) throw new UsageError('Option [delete-offsets] takes one group')
      const result = await cg.deleteOffsets(gc, groups[0]!, topics)
      const rendered = cg.renderDeleteOffsets(groups[0]!, result)
      if (data) this.out(formatData(mode, {group: groups[0], errorCode: result.errorCode, partitions: result.partitions.map((p) => ({...p, status: p.errorCode === 0 ? 'Successful' : 'Error'}))}))
      else this.out(rendered.stdout)
      if (rendered.error !== null) throw new CommandError(rendered.error)
      return
    }

    // reset-offsets
    if (flags['dry-run'] && flags.execute) throw new UsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]')
    const scenarios = SCENARIOS.filter((s) => flags[s] !== undefined && flags[s] !== false)
    if (scenarios.length > 1) throw new UsageError(`Option "[${scenarios[0]}]" can't be used with option "[${scenarios[1]}]"`)
    if (scenarios.length === 0) {
      throw new UsageError(
        "Option '[reset-offsets]' requires one of the following scenarios: [[to-offset], [to-datetime], [by-duration], [to-earliest], [to-latest], [shift-by], [from-file], [to-current]]",
      )
    }
    if (!flags['all-topics'] && topics.length === 0 && scenarios[0] !== 'from-file') throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.')
    if (flags['all-topics'] && topics.length > 0) throw new UsageError('Option "[topic]" can\'t be used with option "[all-topics]"')
    if (!flags['dry-run'] && !flags.execute) {
      this.err(
        'WARN: No action will be performed as the --execute option is missing. In version 5.0, this command will require either --dry-run or --execute to be specified. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.',
      )
    }
    const integer = (flag: string, v: string) => {
      if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`--${flag} expects an integer, got '${v}'`)
      return BigInt(v.trim())
    }
    const scenario = scenarios[0]!
    let spec: import('../src/admin/consumer-groups.js').ResetSpec
    switch (scenario) {
      case 'to-offset':
        spec = {kind: 'to-offset', offset: integer('to-offset', flags['to-offset']!)}
        break
      case 'shift-by':
        spec = {kind: 'shift-by', shift: integer('shift-by', flags['shift-by']!)}
        break
      case 'to-datetime':
        spec = {kind: 'to-datetime', timestamp: cg.parseDateTime(flags['to-datetime']!)}
        break
      case 'by-duration':
        spec = {kind: 'by-duration', durationMs: cg.parseDuration(flags['by-duration']!)}
        break
      case 'from-file':
        spec = {kind: 'from-file', plan: cg.readResetPlan(flags['from-file']!, groups.length === 1 ? groups[0]! : null)}
        break
      default:
        spec = {kind: scenario}
    }
    let failed = false
    const results = await cg.resetOffsets(gc, [...new Set(targetGroups)], {allTopics: flags['all-topics'], topics}, spec, flags.execute, {
      warn: (line) => this.err(line),
      print: (line) => this.out(line),
      error: (line) => {
        failed = true
        this.err(`Error: ${line}`)
      },
    })
    if (data) {
      this.out(formatData(mode, results.map((r) => ({group: r.groupId, state: r.state, executed: flags.execute && r.offsets !== null, offsets: r.offsets}))))
    } else if (flags.export) {
      // Kafka prints the CSV lines, then a line break of its own.
      process.stdout.write(`${cg.exportCsv(results, groups.length === 1)}\n`)
    } else {
      this.out(cg.renderResetPlan(results))
    }
    if (failed) process.exitCode = 1
  }
}
