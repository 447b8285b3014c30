import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../../src/cli/base-command.js'

export default class PerfProduce extends TskafkaCommand {
  static override summary = "Measure producer throughput and latency (kafka-producer-perf-test.sh)."

  static override description = `Takes kafka-producer-perf-test.sh's options and prints its lines: a window line every --reporting-interval ms and the final "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P ms 50th, P ms 95th, P ms 99th, P ms 99.9th." Latencies go into an HdrHistogram, so the percentiles cover every record.
Producer settings (--command-property or --producer-props k=v ..., --command-config or --producer.config FILE) take effect as in Kafka's producer: batch.size, linger.ms, compression.type, acks, buffer.memory, max.in.flight.requests.per.connection, enable.idempotence, max.request.size, transactional.id...
--throughput paces by schedule (record i is due at start + i/throughput), so a throttled run's rate matches the target.
--sweep key=v1,v2 (repeatable) runs every combination, each after a warm-up, and prints a table with the best configuration for throughput and for latency; it writes CSV, JSON and an HTML chart to --output-dir. Sweepable: any producer property, and record.size and partitions (a topic <topic>-p<N> per partition count).
--workers N produces from N processes and merges their histograms.`

  static override examples = [
    '<%= config.bin %> perf produce --topic perf --num-records 1000000 --record-size 1024 --throughput -1 --command-property acks=1',
    '<%= config.bin %> perf produce --topic perf --num-records 50000 --record-size 1024 --throughput 10000',
    '<%= config.bin %> perf produce --topic perf --num-records 200000 --record-size 1024 --throughput -1 --sweep batch.size=4096,16384,32768 --sweep linger.ms=0,5,50 --sweep compression.type=none,gzip,snappy,lz4,zstd --output-dir results',
    '<%= config.bin %> perf produce --topic perf --num-records 2000000 --record-size 512 --throughput -1 --workers 2 --output json',
  ]

  static override flags = {
    topic: Flags.string({description: 'Produce records to this topic.'}),
    'num-records': Flags.integer({description: 'Number of records to produce.'}),
    'record-size': Flags.integer({description: 'Record size in bytes. Note that you must provide exactly one of --record-size, --payload-file or --payload-monotonic.'}),
    'payload-file': Flags.string({description: 'File to read the record payloads from (UTF-8 text); a payload is picked at random for each record.'}),
    'payload-delimiter': Flags.string({description: 'The delimiter between payloads in --payload-file (a regular expression, as Java\'s Scanner takes it).', default: '\\n'}),
    'payload-monotonic': Flags.boolean({description: 'Payload is a monotonically increasing integer.'}),
    throughput: Flags.string({description: 'Throttle maximum record throughput to THROUGHPUT records/sec. Set this to -1 to disable throttling.'}),
    'producer-props': Flags.string({description: '(DEPRECATED in Kafka) producer properties, PROP-NAME=PROP-VALUE ... Use --command-property.', multiple: true}),
    'command-property': Flags.string({description: 'Producer properties, PROP-NAME=PROP-VALUE ... e.g. --command-property linger.ms=10 batch.size=32768', multiple: true}),
    'producer.config': Flags.string({description: '(DEPRECATED in Kafka) producer config properties file. Use --command-config.'}),
    'print-metrics': Flags.boolean({description: 'Print out metrics at the end of the test.'}),
    'transactional-id': Flags.string({description: 'The transactional id to use (enables transactions).'}),
    'transaction-duration-ms': Flags.integer({description: 'The maximum duration of each transaction; commitTransaction is called after it (default 3000 when transactions are on).'}),
    'warmup-records': Flags.integer({description: 'The number of records to treat as warmup; a steady-state summary line follows the total.', default: 0}),
    'reporting-interval': Flags.integer({description: 'Interval in milliseconds at which to print progress info.', default: 5000}),
    sweep: Flags.string({description: 'key=v1,v2,... : run every combination of these settings (repeatable)', multiple: true, multipleNonGreedy: true, helpGroup: 'SWEEP'}),
    'sweep-warmup-records': Flags.integer({description: 'records sent before measuring each sweep point [default: 10% of --num-records, at most 50000]', helpGroup: 'SWEEP'}),
    'output-dir': Flags.string({description: 'where a sweep writes its CSV, JSON and HTML chart [default: the current directory]', helpGroup: 'SWEEP'}),
    workers: Flags.integer({description: 'produce from this many processes and merge their results', default: 1, min: 1}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(PerfProduce)
    const [{runPerfProduceCommand}, {outputMode}] = await Promise.all([import('../../src/perf/produce-command.js'), import('../../src/cli/output.js')])
    const mode = outputMode(flags, 'text')
    const resolved = await this.resolveConnection({...flags, 'producer-property': flags['producer-props'], 'command-property': flags['command-property']})
    const clientOptions = await this.clientOptions(resolved, 'perf-producer-client')
    await runPerfProduceCommand(flags, resolved.properties, clientOptions, mode, {out: (t) => this.out(t), err: (t) => this.err(t), onCleanup: (fn) => this.onCleanup(fn)})
  }
}
