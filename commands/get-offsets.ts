import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../src/cli/base-command.js'
import {UsageError} from '../src/cli/errors.js'

export default class GetOffsets extends TskafkaCommand {
  static override summary = 'Print partition offsets for a time (kafka-get-offsets.sh).'

  static override description = `Takes kafka-get-offsets.sh's options and prints topic:partition:offset lines, sorted as Kafka sorts them.
--time is -1 or latest (default), -2 or earliest, -3 or max-timestamp, -4 or earliest-local, -5 or latest-tiered, or a timestamp in milliseconds (the first offset whose timestamp is at or after it; partitions without one are left out).
--topic is a regular expression; --partitions a comma-separated list of ids; --topic-partitions takes patterns like topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3 instead.`

  static override examples = [
    '<%= config.bin %> get-offsets --topic orders',
    '<%= config.bin %> get-offsets --topic orders --partitions 0,1 --time earliest',
    '<%= config.bin %> get-offsets --topic-partitions "orders.*:0-3" --time 1700000000000 --json',
  ]

  static override flags = {
    topic: Flags.string({description: 'the topic(s), as a regular expression [default: every topic]'}),
    partitions: Flags.string({description: 'comma-separated partition ids [default: every partition]'}),
    'topic-partitions': Flags.string({description: 'topic:partition patterns, comma-separated (instead of --topic/--partitions)'}),
    time: Flags.string({description: 'latest (-1), earliest (-2), max-timestamp (-3), earliest-local (-4), latest-tiered (-5), earliest-pending-upload (-6), or a timestamp in ms', default: 'latest'}),
    'exclude-internal-topics': Flags.boolean({description: 'leave internal topics out'}),
    'broker-list': Flags.string({description: 'same as --bootstrap-server (removed from Kafka 4)', hidden: true}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(GetOffsets)
    const [tools, {outputMode, formatData, renderTable}] = await Promise.all([import('../src/admin/offsets-tools.js'), import('../src/cli/output.js')])
    if (flags['topic-partitions'] !== undefined && (flags.topic !== undefined || flags.partitions !== undefined)) {
      throw new UsageError('--topic-partitions cannot be used with --topic or --partitions')
    }
    const time = tools.parseTimeSpec(flags.time)
    const filters = flags['topic-partitions'] !== undefined ? tools.topicPartitionsFilter(flags['topic-partitions']) : tools.topicAndPartitionsFilter(flags.topic, flags.partitions)
    const mode = outputMode(flags, 'text')
    const client = await this.connect(flags, 'GetOffsetShell')
    const {offsets, skipped} = await tools.getOffsets(client, filters, time, Boolean(flags['exclude-internal-topics']))
    for (const line of skipped) this.err(line)
    if (mode === 'json' || mode === 'yaml') this.out(formatData(mode, offsets))
    else if (mode === 'table') this.out(await renderTable(['Topic', 'Partition', 'Offset'], offsets.map((o) => [o.topic, o.partition, String(o.offset)])))
    else if (offsets.length > 0) this.out(offsets.map((o) => `${o.topic}:${o.partition}:${o.offset}`).join('\n'))
  }
}
