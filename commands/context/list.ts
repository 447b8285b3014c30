import {outputFlags, TskafkaCommand} from '../../src/cli/base-command.js'

export default class ContextList extends TskafkaCommand {
  static override summary = 'List the named contexts.'
  static override description = 'The current context is marked with *. A table on a terminal, name<TAB>bootstrap servers lines otherwise; --json or --yaml for data.'
  static override examples = ['<%= config.bin %> context list', '<%= config.bin %> context list --json']
  static override flags = {...outputFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(ContextList)
    const [{readContexts, contextsFilePath}, {outputMode, formatData, renderTable}] = await Promise.all([import('../../src/client/contexts.js'), import('../../src/cli/output.js')])
    const file = readContexts(contextsFilePath())
    const mode = outputMode(flags, 'auto')
    if (mode === 'json' || mode === 'yaml') {
      this.out(
        formatData(
          mode,
          file.contexts.map((c) => ({name: c.name, current: c.name === file.currentContext, bootstrapServers: c.bootstrapServers, commandConfig: c.commandConfig ?? null, properties: Object.keys(c.properties)})),
        ),
      )
      return
    }
    if (file.contexts.length === 0) {
      this.err('No contexts; add one with: tskafka context add NAME --bootstrap-server HOST:PORT')
      return
    }
    if (mode === 'table') {
      this.out(await renderTable(['', 'Name', 'Bootstrap servers', 'Command config'], file.contexts.map((c) => [c.name === file.currentContext ? '*' : '', c.name, c.bootstrapServers, c.commandConfig ?? ''])))
    } else {
      this.out(file.contexts.map((c) => `${c.name === file.currentContext ? '*' : ' '} ${c.name}\t${c.bootstrapServers}`).join('\n'))
    }
  }
}
