import {Flags} from '@oclif/core'

import {connectionFlags, TskafkaCommand} from '../../src/cli/base-command.js'
import {UsageError} from '../../src/cli/errors.js'

export default class ConsoleConsume extends TskafkaCommand {
  static override summary = 'Print records from topics to stdout (kafka-console-consumer.sh).'

  static override description = `Takes kafka-console-consumer.sh's options and prints records with Kafka's DefaultMessageFormatter and its properties (--property or --formatter-property): print.key, print.value, print.timestamp, print.partition, print.offset, print.headers, key.separator, line.separator, headers.separator, null.literal, key.deserializer, value.deserializer.
Without --group the topic's partitions are read directly (no group join, nothing committed), from the end, or from the beginning with --from-beginning; with --group a consumer group member commits its offsets.
Beyond Kafka: --from-time and --to-time (an ISO time, epoch milliseconds, or relative like -1h; with --to-time the command exits once every partition reaches it), and --output json: one lossless JSON object per record that 'console produce --input-format json' reads back.
On SIGINT, at --max-messages, at --timeout-ms without records, or at --to-time it prints "Processed a total of N messages" on stderr.`

  static override examples = [
    '<%= config.bin %> console consume --topic orders --from-beginning',
    '<%= config.bin %> console consume --topic orders --partition 0 --offset 42 --max-messages 10',
    '<%= config.bin %> console consume --include "orders.*" --from-beginning --property print.key=true --property print.timestamp=true',
    '<%= config.bin %> console consume --topic orders --from-time -1h --to-time now --output json',
    '<%= config.bin %> console consume --topic orders --group billing --isolation-level read_committed',
  ]

  static override flags = {
    topic: Flags.string({description: 'the topic to consume from'}),
    include: Flags.string({description: 'a regular expression of topics to consume from (instead of --topic)'}),
    partition: Flags.integer({description: 'the partition to consume from (starts at the end unless --offset or --from-beginning)', min: 0}),
    offset: Flags.string({description: "with --partition: the offset to start at, 'earliest' or 'latest' [default: latest]"}),
    'from-beginning': Flags.boolean({description: 'start with the earliest record when there is no committed offset'}),
    'from-time': Flags.string({description: 'start at the first record at or after this time (ISO, epoch ms, or relative: -1h, -30m, -2d)'}),
    'to-time': Flags.string({description: 'stop after the last record at or before this time, then exit'}),
    'max-messages': Flags.integer({description: 'exit after this many records'}),
    'timeout-ms': Flags.integer({description: 'exit when no record arrives for this long'}),
    group: Flags.string({description: 'the consumer group id (commits offsets)'}),
    'isolation-level': Flags.string({description: 'read_committed to skip aborted transactional records [default: read_uncommitted]'}),
    'skip-message-on-error': Flags.boolean({description: 'skip a record that cannot be formatted instead of stopping'}),
    formatter: Flags.string({description: 'the formatter class (only Kafka\'s DefaultMessageFormatter)', hidden: true}),
    property: Flags.string({description: 'a formatter property, key=value (repeatable)', multiple: true, multipleNonGreedy: true}),
    'formatter-property': Flags.string({description: 'a formatter property, key=value (repeatable; same as --property)', multiple: true, multipleNonGreedy: true}),
    'formatter-config': Flags.string({description: 'a properties file of formatter properties (--property wins)'}),
    'key-deserializer': Flags.string({description: 'key deserializer class (StringDeserializer, IntegerDeserializer, LongDeserializer...)'}),
    'value-deserializer': Flags.string({description: 'value deserializer class'}),
    'consumer-property': Flags.string({description: 'a consumer property, key=value (repeatable)', multiple: true, multipleNonGreedy: true}),
    'command-property': Flags.string({description: 'a consumer property, key=value (repeatable; same as --consumer-property)', multiple: true, multipleNonGreedy: true}),
    'consumer.config': Flags.string({description: 'a consumer properties file'}),
    output: Flags.string({char: 'o', description: "text: Kafka's formatter; json: one lossless JSON object per record", options: ['text', 'json'], default: 'text'}),
    'enable-systest-events': Flags.boolean({description: 'accepted for compatibility', hidden: true}),
    ...connectionFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ConsoleConsume)
    const [{consumerPlan, formatterConfig}, {readPropertiesFile, parseKeyValues}] = await Promise.all([
      import('../../src/admin/console-consumer.js'),
      import('../../src/client/client-properties.js'),
    ])
    if (flags.formatter !== undefined && !/(^|\.)DefaultMessageFormatter$/.test(flags.formatter)) {
      throw new UsageError(`--formatter ${flags.formatter} is not supported; tskafka has Kafka's DefaultMessageFormatter and --output json`)
    }
    const formatterProps = new Map<string, string>()
    if (flags['formatter-config'] !== undefined) for (const [k, v] of readPropertiesFile(flags['formatter-config'], '--formatter-config')) formatterProps.set(k, v)
    if (flags['key-deserializer']) formatterProps.set('key.deserializer', flags['key-deserializer'])
    if (flags['value-deserializer']) formatterProps.set('value.deserializer', flags['value-deserializer'])
    for (const [k, v] of parseKeyValues([...(flags.property ?? []), ...(flags['formatter-property'] ?? [])], '--property')) formatterProps.set(k, v)
    const formatter = formatterConfig(formatterProps)

    // Consumer properties alone (group.id, auto.offset.reset...) are checked before connecting.
    const consumerProps = new Map<string, string>()
    if (flags['consumer.config'] !== undefined) for (const [k, v] of readPropertiesFile(flags['consumer.config'], '--consumer.config')) consumerProps.set(k, v)
    for (const [k, v] of parseKeyValues([...(flags['consumer-property'] ?? []), ...(flags['command-property'] ?? [])], '--consumer-property')) consumerProps.set(k, v)
    const plan = consumerPlan(flags, consumerProps)

    let stopRequested = false
    let outputClosed = false
    const onSigint = () => {
      stopRequested = true
    }
    process.once('SIGINT', onSigint)
    process.once('SIGTERM', onSigint)
    const onStdoutError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') outputClosed = true
    }
    process.stdout.on('error', onStdoutError)
    this.onCleanup(() => {
      process.removeListener('SIGINT', onSigint)
      process.removeListener('SIGTERM', onSigint)
    })
    const progress = {count: 0}
    const io = {
      progress,
      write: (chunk: Buffer) => {
        if (outputClosed) return false
        try {
          process.stdout.write(chunk)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EPIPE') outputClosed = true
          else throw error
        }
        return !outputClosed
      },
      err: (line: string) => this.err(line),
      stopped: () => stopRequested || outputClosed,
    }

    const report = () => this.err(`Processed a total of ${progress.count} messages`)
    let result
    if (plan.group !== undefined) {
      const resolved = await this.resolveConnection(flags)
      const {runWithGroup} = await import('../../src/admin/console-consume-group.js')
      try {
        result = await runWithGroup(await this.clientOptions(resolved, 'console-consumer'), plan, formatter, this.resolvedConnection!.properties, io)
      } catch (error) {
        report()
        throw error
      }
    } else {
      const client = await this.connect(flags, 'console-consumer')
      const {runGroupless} = await import('../../src/admin/console-consume-run.js')
      try {
        result = await runGroupless(client, plan, formatter, this.resolvedConnection!.properties, io)
      } catch (error) {
        report()
        throw error
      }
    }
    progress.count = result.count
    if (result.reason === 'output-closed' || outputClosed) this.err('Unable to write to standard out, closing consumer.')
    report()
    // Kafka's console consumer leaves through its shutdown hook on Ctrl-C: the JVM's 130.
    if (stopRequested && !outputClosed) process.exitCode = 130
  }
}
