import {Args} from '@oclif/core'

import {TskafkaCommand} from '../../src/cli/base-command.js'

export default class ContextUse extends TskafkaCommand {
  static override summary = 'Make a context the current one.'
  static override examples = ['<%= config.bin %> context use prod']
  static override args = {name: Args.string({description: 'the context name', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(ContextUse)
    const {readContexts, writeContexts, findContext, contextsFilePath} = await import('../../src/client/contexts.js')
    const path = contextsFilePath()
    const file = readContexts(path)
    findContext(file, args.name, path)
    writeContexts({...file, currentContext: args.name}, path)
    this.out(`Switched to context ${args.name}.`)
  }
}
