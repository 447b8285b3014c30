import {Flags} from '@oclif/core'

import {connectionFlags, TskafkaCommand} from '../../src/cli/base-command.js'
import {UsageError} from '../../src/cli/errors.js'

export default class ConsoleProduce extends TskafkaCommand {
  static override summary = 'Read records from stdin and produce them to a topic (kafka-console-producer.sh).'

  static override description = `Takes kafka-console-producer.sh's options. Each input line is one record; with --property parse.key=true the line is key<TAB>value, with parse.headers=true it starts with h1:v1,h2:v2<TAB>.
Reader properties (--property, or a --reader-config file): parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error.
--input-format json reads the JSON records that 'tskafka console consume --output json' writes (key, value, headers, partition and timestamp are kept; --topic, when given, overrides each record's topic).
At the end of the input every record is flushed and the command exits 0. A line that cannot be parsed stops it with exit 1, naming the line number.`

  static override examples = [
    'echo hello | <%= config.bin %> console produce --topic greetings',
    "printf 'k1\\tv1\\nk2\\tv2\\n' | <%= config.bin %> console produce --topic orders --property parse.key=true",
    "printf 'trace:abc\\tk1\\tv1\\n' | <%= config.bin %> console produce --topic orders --property parse.headers=true --property parse.key=true",
    '<%= config.bin %> console produce --topic orders --file records.txt --compression-codec zstd --sync',
    '<%= config.bin %> console consume --topic a --from-beginning --output json --timeout-ms 1000 | <%= config.bin %> console produce --topic b --input-format json',
  ]

  static override flags = {
    topic: Flags.string({description: 'the topic to produce to (required unless --input-format json records name their topic)'}),
    partition: Flags.integer({description: 'send every record to this partition (beyond Kafka: by default the key decides, or a sticky partition)', min: 0}),
    file: Flags.string({description: 'read records from this file instead of stdin'}),
    'input-format': Flags.string({description: 'text: one record per line (Kafka\'s); json: the JSON lines console consume --output json writes', options: ['text', 'json'], default: 'text'}),
    property: Flags.string({description: 'a reader property, key=value (repeatable): parse.key, key.separator, parse.headers, null.marker...', multiple: true, multipleNonGreedy: true}),
    'reader-property': Flags.string({description: 'a reader property, key=value (repeatable; same as --property)', multiple: true, multipleNonGreedy: true}),
    'command-property': Flags.string({description: 'a producer property, key=value (repeatable; same as --producer-property)', multiple: true, multipleNonGreedy: true}),
    'reader-config': Flags.string({description: 'a properties file of reader properties (--property wins)'}),
    'line-reader': Flags.string({description: 'the reader class (only org.apache.kafka.tools.LineMessageReader)', hidden: true}),
    'producer-property': Flags.string({description: 'a producer property, key=value (repeatable): acks, compression.type, linger.ms, client.id, security settings...', multiple: true, multipleNonGreedy: true}),
    'producer.config': Flags.string({description: 'a producer properties file (--producer-property wins)'}),
    'broker-list': Flags.string({description: 'same as --bootstrap-server (deprecated in Kafka)', hidden: true}),
    sync: Flags.boolean({description: 'send each record on its own and wait for its acknowledgement'}),
    'compression-codec': Flags.string({description: "compression: none, gzip, snappy, lz4 or zstd (given without a value: gzip)"}),
    'request-required-acks': Flags.string({description: 'acks the broker must collect: -1 (all), 0 or 1 [default: -1]'}),
    'request-timeout-ms': Flags.integer({description: 'how long the broker may take to acknowledge [default: 1500]', min: 1}),
    timeout: Flags.integer({description: 'linger.ms: how long a record waits for its batch to fill [default: 1000]', min: 0}),
    'batch-size': Flags.integer({description: 'batch.size in bytes [default: 16384]', min: 1}),
    'max-partition-memory-bytes': Flags.integer({description: 'batch.size in bytes (wins over --batch-size)', min: 1}),
    'message-send-max-retries': Flags.integer({description: 'retries on retriable errors [default: 3]', min: 0}),
    'retry-backoff-ms': Flags.integer({description: 'wait before a retry [default: 100]', min: 0}),
    'max-block-ms': Flags.integer({description: 'how long to wait for topic metadata [default: 60000]', min: 0}),
    'metadata-expiry-ms': Flags.integer({description: 'accepted for compatibility', hidden: true}),
    'max-memory-bytes': Flags.integer({description: 'accepted for compatibility', hidden: true}),
    'socket-buffer-size': Flags.integer({description: 'accepted for compatibility', hidden: true}),
    ...connectionFlags,
  }

  async run(): Promise<void> {
    // Kafka's --compression-codec takes an optional value (gzip when absent); oclif flags need one.
    const i = this.argv.indexOf('--compression-codec')
    if (i >= 0 && (i === this.argv.length - 1 || this.argv[i + 1]!.startsWith('--'))) this.argv.splice(i + 1, 0, 'gzip')
    const {flags} = await this.parse(ConsoleProduce)
    const {runConsoleProducer} = await import('../../src/admin/console-produce-run.js')
    if (flags['line-reader'] !== undefined && !/(^|\.)LineMessageReader$/.test(flags['line-reader'])) {
      throw new UsageError(`--line-reader ${flags['line-reader']} is not supported; tskafka has Kafka's LineMessageReader and --input-format json`)
    }
    if (flags.topic === undefined && flags['input-format'] !== 'json') throw new UsageError('Missing required argument "--topic"')
    const client = await this.connect(flags, 'console-producer')
    const props = this.resolvedConnection!.properties
    const count = await runConsoleProducer(client, flags, props, (fn) => this.onCleanup(fn))
    if (process.env.TSKAFKA_DEBUG) this.err(`Produced ${count} records`)
  }
}
