import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../../src/cli/base-command.js'

export default class PerfConsume extends TskafkaCommand {
  static override summary = 'Measure consumer throughput (kafka-consumer-perf-test.sh).'

  static override description = `Takes kafka-consumer-perf-test.sh's options and prints its CSV: the header "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec" and one row, or with --show-detailed-stats a row per --reporting-interval.
The consumer joins --group (a classic consumer group, range assignment) and starts from the committed offsets, else from the earliest (--from-latest: the latest) offset. It stops after --num-records records, or when no record arrived for --timeout ms.`

  static override examples = [
    '<%= config.bin %> perf consume --topic perf --num-records 1000000',
    '<%= config.bin %> perf consume --topic perf --num-records 1000000 --show-detailed-stats --reporting-interval 1000',
    '<%= config.bin %> perf consume --include "perf.*" --num-records 100000 --group bench --output json',
  ]

  static override flags = {
    topic: Flags.string({description: 'The topic to consume from.'}),
    include: Flags.string({description: 'Regular expression specifying list of topics to include for consumption.'}),
    group: Flags.string({description: 'The group id to consume on. [default: perf-consumer-<random>]'}),
    'fetch-size': Flags.integer({description: 'The maximum amount of data to fetch from a single partition per request.', default: 1048576}),
    'from-latest': Flags.boolean({description: 'If the consumer does not already have an established offset to consume from, start with the latest record present in the log rather than the earliest record.'}),
    'socket-buffer-size': Flags.integer({description: 'The size of the tcp RECV size (accepted; the OS default is used).', default: 2097152}),
    'consumer.config': Flags.string({description: '(DEPRECATED in Kafka) Consumer config properties file. Use --command-config.'}),
    'command-property': Flags.string({description: 'Kafka consumer related configuration properties like client.id, prop1=val1 (repeatable).', multiple: true, multipleNonGreedy: true}),
    'print-metrics': Flags.boolean({description: 'Print out the metrics.'}),
    'show-detailed-stats': Flags.boolean({description: 'If set, stats are reported for each reporting interval as configured by reporting-interval.'}),
    timeout: Flags.integer({description: 'The maximum allowed time in milliseconds between returned records.', default: 10000}),
    messages: Flags.integer({description: '(DEPRECATED in Kafka) The number of records to consume. Use --num-records.'}),
    'num-records': Flags.integer({description: 'REQUIRED: The number of records to consume.'}),
    'reporting-interval': Flags.integer({description: 'Interval in milliseconds at which to print progress info.', default: 5000}),
    'date-format': Flags.string({description: 'The date format to use for formatting the time field. See java.text.SimpleDateFormat for options.', default: 'yyyy-MM-dd HH:mm:ss:SSS'}),
    'hide-header': Flags.boolean({description: 'If set, skips printing the header for the stats.'}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(PerfConsume)
    const [{runPerfConsumeCommand}, {outputMode}] = await Promise.all([import('../../src/perf/consume-command.js'), import('../../src/cli/output.js')])
    const mode = outputMode(flags, 'text')
    const resolved = await this.resolveConnection(flags)
    const clientOptions = await this.clientOptions(resolved, 'perf-consumer-client')
    await runPerfConsumeCommand(flags, resolved.properties, clientOptions, mode, {out: (t) => this.out(t), err: (t) => this.err(t), onCleanup: (fn) => this.onCleanup(fn)})
  }
}
