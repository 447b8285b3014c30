import {Args} from '@oclif/core'

import {TskafkaCommand} from '../../src/cli/base-command.js'

export default class ContextRemove extends TskafkaCommand {
  static override summary = 'Remove a named context.'
  static override examples = ['<%= config.bin %> context remove old-cluster']
  static override args = {name: Args.string({description: 'the context name', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(ContextRemove)
    const {readContexts, writeContexts, removeContext, contextsFilePath} = await import('../../src/client/contexts.js')
    const path = contextsFilePath()
    const file = readContexts(path)
    const wasCurrent = file.currentContext === args.name
    writeContexts(removeContext(file, args.name, path), path)
    this.out(`Context ${args.name} removed.${wasCurrent ? ' No context is current now; use tskafka context use NAME.' : ''}`)
  }
}
