import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../../src/cli/base-command.js'
import {CommandError, UsageError} from '../../src/cli/errors.js'

export default class PerfE2e extends TskafkaCommand {
  static override summary = 'Measure end-to-end latency from produce to consume (kafka-e2e-latency.sh, EndToEndLatency).'

  static override description = `Sends --num-records records one at a time, each acknowledged (--producer-acks 1 or all) and then read back by a consumer assigned to every partition, and times each round trip. Prints Kafka's lines: "<i>\\t<ms>" every 1000 records, "Avg latency: X ms" and "Percentiles: 50th = P, 99th = P, 99.9th = P". A missing topic is created with 1 partition.`

  static override examples = ['<%= config.bin %> perf e2e --topic latency --num-records 10000 --producer-acks all --record-size 512']

  static override flags = {
    topic: Flags.string({description: 'REQUIRED: The topic to use for the test.'}),
    'num-records': Flags.integer({description: 'REQUIRED: The number of messages to send.'}),
    'producer-acks': Flags.string({description: "REQUIRED: Producer acknowledgements. Must be '1' or 'all'."}),
    'record-size': Flags.integer({description: 'REQUIRED: The size of each message payload in bytes.'}),
    'record-key-size': Flags.integer({description: 'Optional: The size of the message key in bytes. If not set, messages are sent without a key.', default: 0}),
    'record-header-key-size': Flags.integer({description: 'Optional: The size of the message header key in bytes. Used together with record-header-size.', default: 0}),
    'record-header-size': Flags.integer({description: 'Optional: The size of message header value in bytes. Use -1 for null header value.', default: 0}),
    'num-headers': Flags.integer({description: 'Optional: The number of headers to include in each message.', default: 0}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(PerfE2e)
    for (const name of ['topic', 'num-records', 'producer-acks', 'record-size'] as const) {
      if (flags[name] === undefined) throw new UsageError(`Missing required argument "[${name}]"`)
    }
    const acks = flags['producer-acks']!
    if (acks !== '1' && acks !== 'all') throw new UsageError("Invalid value for --producer-acks. Latency testing requires synchronous acknowledgement. Please use '1' or 'all'.")
    if (flags['num-records']! <= 0) throw new UsageError('Value for --num-records must be a positive integer.')
    if (flags['record-size']! < 0) throw new UsageError('Value for --record-size must be a non-negative integer.')
    if (flags['record-key-size'] < 0) throw new UsageError('Value for --record-key-size must be a non-negative integer.')
    if (flags['record-header-key-size'] < 0) throw new UsageError('Value for --record-header-key-size must be a non-negative integer.')
    if (flags['record-header-size'] < -1) throw new UsageError('Value for --record-header-size must be a non-negative integer or -1 for null header value.')
    if (flags['num-headers'] < 0) throw new UsageError('Value for --num-headers must be a non-negative integer.')
    const [{runE2e}, {outputMode, formatData}] = await Promise.all([import('../../src/perf/e2e.js'), import('../../src/cli/output.js')])
    const mode = outputMode(flags, 'text')
    const text = mode === 'text' || mode === 'table'
    const resolved = await this.resolveConnection(flags)
    const clientOptions = await this.clientOptions(resolved, 'e2e-latency')
    try {
      const result = await runE2e(
        clientOptions,
        {
          topic: flags.topic!,
          numRecords: flags['num-records']!,
          acks,
          recordSize: flags['record-size']!,
          keySize: flags['record-key-size'],
          headerKeySize: flags['record-header-key-size'],
          headerSize: flags['record-header-size'],
          numHeaders: flags['num-headers'],
          properties: resolved.properties,
        },
        text ? (t) => this.out(t) : null,
      )
      if (!text) this.out(formatData(mode as 'json' | 'yaml', result))
    } catch (error) {
      if (error instanceof Error && (error.name === 'E2eError' || error.name === 'ProducerError')) throw new CommandError(error.message)
      throw error
    }
  }
}
