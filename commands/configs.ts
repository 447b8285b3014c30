import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../src/cli/base-command.js'
import {UsageError} from '../src/cli/errors.js'

export default class Configs extends TskafkaCommand {
  static override summary = 'Describe or alter topic and broker configs (kafka-configs.sh).'

  static override description = `Takes kafka-configs.sh's options for topics and brokers: exactly one of --describe and --alter, and the entity as --entity-type/--entity-name, --topic, --broker or --broker-defaults.
--describe lists dynamic configs (with their synonyms), or every config with --all; without a name it describes every topic or every broker and the cluster defaults.
--alter sets configs with --add-config k1=v1,k2=[a,b] (brackets keep commas in a value) and removes them with --delete-config k1,k2, in one IncrementalAlterConfigs request.`

  static override examples = [
    '<%= config.bin %> configs --describe --topic orders',
    '<%= config.bin %> configs --describe --entity-type topics --entity-name orders --all --json',
    '<%= config.bin %> configs --alter --topic orders --add-config retention.ms=86400000,cleanup.policy=[compact,delete]',
    '<%= config.bin %> configs --alter --topic orders --delete-config retention.ms',
    '<%= config.bin %> configs --describe --broker 1',
    '<%= config.bin %> configs --alter --broker-defaults --add-config log.cleaner.threads=2',
  ]

  static override flags = {
    describe: Flags.boolean({description: 'list configs for the given entity', helpGroup: 'ACTION'}),
    alter: Flags.boolean({description: 'alter the configuration of the entity', helpGroup: 'ACTION'}),
    all: Flags.boolean({description: 'with --describe: every config, including static and default ones'}),
    'entity-type': Flags.string({description: 'type of entity: topics or brokers', multiple: true, multipleNonGreedy: true}),
    'entity-name': Flags.string({description: 'name of the entity: topic name or broker id', multiple: true, multipleNonGreedy: true}),
    'entity-default': Flags.boolean({description: 'the default entity (cluster-wide broker defaults)'}),
    topic: Flags.string({description: "the topic's name"}),
    broker: Flags.string({description: "the broker's id"}),
    'broker-defaults': Flags.boolean({description: 'the config defaults for all brokers'}),
    'add-config': Flags.string({description: "configs to set: 'k1=v1,k2=[v1,v2],k3=v3'"}),
    'add-config-file': Flags.string({description: 'a properties file of configs to set'}),
    'delete-config': Flags.string({description: "config names to remove: 'k1,k2'", multiple: true, multipleNonGreedy: true}),
    force: Flags.boolean({description: 'suppress console prompts (accepted for compatibility)', hidden: true}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Configs)
    const [configs, {outputMode, formatData}, {readPropertiesFile}] = await Promise.all([
      import('../src/admin/configs.js'),
      import('../src/cli/output.js'),
      import('../src/client/client-properties.js'),
    ])
    if (Number(Boolean(flags.describe)) + Number(Boolean(flags.alter)) !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter')
    if (flags.describe) {
      for (const f of ['add-config', 'add-config-file', 'delete-config'] as const) {
        if (flags[f] !== undefined) throw new UsageError(`Option "--describe" can't be used with option "--${f}"`)
      }
    }
    const action = flags.describe ? 'describe' : 'alter'
    const entity = configs.parseEntity(
      {
        entityType: flags['entity-type'],
        entityName: flags['entity-name'],
        entityDefault: flags['entity-default'],
        topic: flags.topic,
        broker: flags.broker,
        brokerDefaults: flags['broker-defaults'],
      },
      action,
    )
    const mode = outputMode(flags, 'text')
    if (action === 'alter') {
      if (flags['add-config'] !== undefined && flags['add-config-file'] !== undefined) throw new UsageError('Only one of --add-config or --add-config-file must be specified')
      if (flags['add-config'] === undefined && flags['add-config-file'] === undefined && flags['delete-config'] === undefined) {
        throw new UsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter')
      }
      const add = flags['add-config'] !== undefined ? configs.parseAddConfig(flags['add-config']) : new Map<string, string>()
      if (flags['add-config-file'] !== undefined) for (const [k, v] of readPropertiesFile(flags['add-config-file'], '--add-config-file')) add.set(k, v)
      const remove = configs.parseDeleteConfig(flags['delete-config'] ?? [])
      const client = await this.connect(flags)
      const message = await configs.alterEntityConfigs(client, {type: entity.type, name: entity.name!}, add, remove)
      if (mode === 'json' || mode === 'yaml') this.out(formatData(mode, {entityType: entity.type, entityName: entity.name, set: Object.fromEntries(add), deleted: remove}))
      else this.out(message)
      return
    }
    const client = await this.connect(flags)
    const described = await configs.describeEntities(client, entity, Boolean(flags.all))
    if (mode === 'json' || mode === 'yaml') {
      this.out(
        formatData(
          mode,
          described.map((e) => ({
            entityType: e.type,
            entityName: e.name,
            configs: e.configs.map((c) => ({name: c.name, value: c.value, source: c.source, sensitive: c.isSensitive, readOnly: c.readOnly, synonyms: c.synonyms})),
          })),
        ),
      )
    } else if (mode === 'table') {
      const {renderTable} = await import('../src/cli/output.js')
      const rows = described.flatMap((e) => e.configs.map((c) => [e.name === '' ? '<default>' : e.name, c.name, c.value ?? '', c.source, String(c.isSensitive)]))
      this.out(await renderTable([entity.type === 'topics' ? 'Topic' : 'Broker', 'Config', 'Value', 'Source', 'Sensitive'], rows))
    } else {
      const text = configs.renderEntitiesText(described, Boolean(flags.all))
      if (text !== '') this.out(text)
    }
  }
}
