import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../src/cli/base-command.js'

export default class DeleteRecords extends TskafkaCommand {
  static override summary = 'Delete records before given offsets (kafka-delete-records.sh).'

  static override description = `Takes kafka-delete-records.sh's options: --offset-json-file with {"partitions":[{"topic":"foo","partition":1,"offset":1}],"version":1}.
Each partition's records before the offset are deleted (its log start offset moves up; -1 means up to the high watermark) and its new low watermark is printed.
Exits 1 when any partition failed.`

  static override examples = [
    `echo '{"partitions":[{"topic":"orders","partition":0,"offset":100}],"version":1}' > delete.json && <%= config.bin %> delete-records --offset-json-file delete.json`,
  ]

  static override flags = {
    'offset-json-file': Flags.string({description: 'the JSON file with the offset per partition', required: true}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(DeleteRecords)
    const [tools, {outputMode, formatData}] = await Promise.all([import('../src/admin/offsets-tools.js'), import('../src/cli/output.js')])
    const specs = tools.readOffsetJsonFile(flags['offset-json-file'])
    const mode = outputMode(flags, 'text')
    const client = await this.connect(flags)
    const data = mode === 'json' || mode === 'yaml'
    if (!data) this.out('Executing records delete operation')
    const results = await tools.deleteRecords(client, specs)
    if (data) this.out(formatData(mode, results))
    else {
      this.out('Records delete operation completed:')
      for (const r of results) {
        this.out(r.error === undefined ? `partition: ${r.topic}-${r.partition}\tlow_watermark: ${r.lowWatermark}` : `partition: ${r.topic}-${r.partition}\terror: ${r.error}`)
      }
    }
    const failed = results.filter((r) => r.error !== undefined)
    if (failed.length > 0) {
      this.err(`Error: ${failed.length} of ${results.length} partition${results.length === 1 ? '' : 's'} failed: ${failed[0]!.topic}-${failed[0]!.partition}: ${failed[0]!.error}`)
      process.exitCode = 1
    }
  }
}
