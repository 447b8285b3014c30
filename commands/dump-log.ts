import {Flags} from '@oclif/core'

import {outputFlags, TskafkaCommand} from '../src/cli/base-command.js'
import {UsageError} from '../src/cli/errors.js'

export default class DumpLog extends TskafkaCommand {
  static override summary = 'Print the contents of log segment and index files (kafka-dump-log.sh).'

  static override description = `Reads Kafka's on-disk files offline, from a stopped or running broker (Kafka's or tskafka's): segments (.log), offset indexes (.index), time indexes (.timeindex) and transaction indexes (.txnindex), and prints them in kafka-dump-log.sh's format.
--deep-iteration prints every record; --print-data-log also prints keys and values (as UTF-8). Index entries that do not match the log are reported on stderr.`

  static override examples = [
    '<%= config.bin %> dump-log --files ~/.tskafka/local/broker-1/data/orders-0/00000000000000000000.log',
    '<%= config.bin %> dump-log --files 00000000000000000000.log --print-data-log',
    '<%= config.bin %> dump-log --files 00000000000000000000.index,00000000000000000000.timeindex --verify-index-only',
    '<%= config.bin %> dump-log --files 00000000000000000000.log --deep-iteration --json',
  ]

  static override flags = {
    files: Flags.string({description: 'comma-separated list of files to dump', required: true}),
    'print-data-log': Flags.boolean({description: 'print record keys and values too (implies --deep-iteration)'}),
    'deep-iteration': Flags.boolean({description: 'print every record, not only batches'}),
    'verify-index-only': Flags.boolean({description: 'check index entries against the log without printing them'}),
    'index-sanity-check': Flags.boolean({description: 'only check that index files are sane'}),
    'max-bytes': Flags.integer({description: 'read at most this many bytes of each segment', min: 1}),
    'max-message-size': Flags.integer({description: 'size of the largest batch, for index checks [default: 5242880]', min: 1}),
    'skip-record-metadata': Flags.boolean({description: 'print records without their metadata (offset, timestamp, sizes)'}),
    'key-decoder-class': Flags.string({description: 'only kafka.serializer.StringDecoder', hidden: true}),
    'value-decoder-class': Flags.string({description: 'only kafka.serializer.StringDecoder', hidden: true}),
    'offsets-decoder': Flags.boolean({hidden: true}),
    'transaction-log-decoder': Flags.boolean({hidden: true}),
    'cluster-metadata-decoder': Flags.boolean({hidden: true}),
    'remote-log-metadata-decoder': Flags.boolean({hidden: true}),
    'share-group-state-decoder': Flags.boolean({hidden: true}),
    json: outputFlags.json,
    yaml: outputFlags.yaml,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(DumpLog)
    for (const f of ['offsets-decoder', 'transaction-log-decoder', 'cluster-metadata-decoder', 'remote-log-metadata-decoder', 'share-group-state-decoder'] as const) {
      if (flags[f]) throw new UsageError(`--${f} is not supported by tskafka yet`)
    }
    for (const f of ['key-decoder-class', 'value-decoder-class'] as const) {
      const v = flags[f]
      if (v !== undefined && !/StringDecoder$/.test(v)) throw new UsageError(`--${f} ${v} is not supported; records are printed as UTF-8 text`)
    }
    const {dumpFiles, dumpFilesData} = await import('../src/admin/dump-log.js')
    const files = flags.files.split(',').map((f) => f.trim()).filter((f) => f !== '')
    if (files.length === 0) throw new UsageError('--files names no file')
    const dataOpts = {
      printDataLog: Boolean(flags['print-data-log']),
      deepIteration: Boolean(flags['deep-iteration']),
      verifyIndexOnly: false,
      indexSanityCheck: false,
      maxBytes: flags['max-bytes'] ?? 2147483647,
      maxMessageSize: flags['max-message-size'] ?? 5242880,
      skipRecordMetadata: false,
    }
    if (flags.json || flags.yaml) {
      const {formatData} = await import('../src/cli/output.js')
      this.out(formatData(flags.json ? 'json' : 'yaml', dumpFilesData(files, dataOpts)))
      return
    }
    const lines: string[] = []
    const flush = () => {
      if (lines.length > 0) process.stdout.write(lines.splice(0).join('\n') + '\n')
    }
    dumpFiles(
      files,
      {
        printDataLog: Boolean(flags['print-data-log']),
        deepIteration: Boolean(flags['deep-iteration']),
        verifyIndexOnly: Boolean(flags['verify-index-only']),
        indexSanityCheck: Boolean(flags['index-sanity-check']),
        maxBytes: flags['max-bytes'] ?? 2147483647,
        maxMessageSize: flags['max-message-size'] ?? 5242880,
        skipRecordMetadata: Boolean(flags['skip-record-metadata']),
      },
      {
        out: (line) => {
          lines.push(line)
          if (lines.length >= 1000) flush()
        },
        err: (line) => {
          flush()
          this.err(line)
        },
      },
    )
    flush()
  }
}
