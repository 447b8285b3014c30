import {Args, Flags} from '@oclif/core'

import {outputFlags, TskafkaCommand} from '../../src/cli/base-command.js'

export default class ContextAdd extends TskafkaCommand {
  static override summary = 'Add (or replace) a named connection context.'

  static override description = `Saves a cluster's bootstrap servers and client settings under a name in ~/.config/tskafka/config.yaml ($XDG_CONFIG_HOME/tskafka, or $TSKAFKA_CONFIG).
Every command uses the current context when no --bootstrap-server, properties file or $TSKAFKA_BOOTSTRAP_SERVER is given; --context NAME picks one for a single command.
The first context added becomes current; --use makes this one current. The file is written owner-only (it may hold passwords).`

  static override examples = [
    '<%= config.bin %> context add local --bootstrap-server 127.0.0.1:9092',
    '<%= config.bin %> context add prod --bootstrap-server kafka1:9093,kafka2:9093 --command-config ~/prod-client.properties --use',
    '<%= config.bin %> context add dev --bootstrap-server dev:9092 --property security.protocol=SASL_PLAINTEXT --property sasl.mechanism=SCRAM-SHA-256 --property \'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";\'',
  ]

  static override args = {name: Args.string({description: 'the context name', required: true})}

  static override flags = {
    'bootstrap-server': Flags.string({description: 'host:port[,host:port...]', required: true}),
    'command-config': Flags.string({description: 'a client properties file used with this context'}),
    property: Flags.string({description: 'a client property, key=value (repeatable)', multiple: true, multipleNonGreedy: true}),
    use: Flags.boolean({description: 'make it the current context'}),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ContextAdd)
    const [{readContexts, upsertContext, writeContexts, contextsFilePath}, {parseKeyValues}, {resolve}] = await Promise.all([
      import('../../src/client/contexts.js'),
      import('../../src/client/client-properties.js'),
      import('node:path'),
    ])
    const path = contextsFilePath()
    const properties = Object.fromEntries(parseKeyValues(flags.property ?? [], '--property'))
    const file = upsertContext(
      readContexts(path),
      {name: args.name, bootstrapServers: flags['bootstrap-server'], commandConfig: flags['command-config'] ? resolve(flags['command-config']) : undefined, properties},
      Boolean(flags.use),
    )
    writeContexts(file, path)
    if (flags.json || flags.yaml || flags.output === 'json' || flags.output === 'yaml') {
      const {formatData} = await import('../../src/cli/output.js')
      this.out(formatData(flags.yaml || flags.output === 'yaml' ? 'yaml' : 'json', {name: args.name, current: file.currentContext === args.name, file: path}))
      return
    }
    this.out(`Context ${args.name} saved in ${path}${file.currentContext === args.name ? ' (current)' : ''}.`)
  }
}
