import {TopicsBase} from '../../src/cli/topics-base.js'
import {topicActionFlags, topicOptionFlags} from '../../src/cli/topics-flags.js'
import {UsageError} from '../../src/cli/errors.js'

export default class Topics extends TopicsBase {
  static override summary = 'Create, delete, describe, or change a topic (kafka-topics.sh).'

  static override description = `Takes kafka-topics.sh's options: exactly one action (--create, --alter, --list, --describe or --delete) and its options.
The same actions are also subcommands: tskafka topics create|alter|list|describe|delete.
--describe prints Kafka's exact text by default; --output table for a table, --json or --yaml for data.
--topic is a regular expression for every action except --create (commas separate alternatives, as in Kafka).`

  static override examples = [
    '<%= config.bin %> topics --create --topic orders --partitions 3 --config retention.ms=86400000',
    '<%= config.bin %> topics --list --exclude-internal',
    '<%= config.bin %> topics --describe --topic orders',
    '<%= config.bin %> topics --describe --under-replicated-partitions --json',
    '<%= config.bin %> topics --alter --topic orders --partitions 6',
    '<%= config.bin %> topics --delete --topic "orders-.*" --if-exists',
  ]

  static override flags = {...topicActionFlags, ...topicOptionFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(Topics)
    const actions = (['create', 'alter', 'list', 'describe', 'delete'] as const).filter((a) => flags[a])
    if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete')
    await this.runTopicAction(actions[0]!, flags)
  }
}
