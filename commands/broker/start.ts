import {Args, Command, Flags} from '@oclif/core'

import {BrokerStartError} from '../../src/broker/broker.js'
import {isLogLevel, LOG_LEVELS} from '../../src/broker/logger.js'
import {runBrokerInForeground} from '../../src/broker/foreground.js'
import {ConfigError} from '../../src/config/config-def.js'

export default class BrokerStart extends Command {
  static override summary = 'Run a broker in the foreground, like kafka-server-start.sh.'

  static override description = `Starts the bundled Kafka-compatible broker with a Kafka server.properties file and serves until SIGINT or SIGTERM, then shuts down gracefully and exits 0.
The config file may be given with --config or as the first argument, as kafka-server-start.sh takes it; --override key=value (repeatable) wins over the file.
Without a config file the broker uses Kafka's defaults (listeners=PLAINTEXT://:9092) with its data under $TSKAFKA_HOME (~/.tskafka/kafka-logs).
An unformatted log directory is formatted on first start with a new cluster id. Logs go to stdout in Kafka's format.
A bad config prints one error line on stderr and exits 1.`

  static override examples = [
    '<%= config.bin %> broker start --config server.properties',
    '<%= config.bin %> broker start server.properties --override listeners=PLAINTEXT://127.0.0.1:9092 --override log.dirs=/var/lib/kafka',
    '<%= config.bin %> broker start --override listeners=PLAINTEXT://127.0.0.1:0 --log-level warn',
  ]

  static override args = {
    config: Args.string({description: 'the server.properties file (same as --config)', required: false}),
  }

  static override flags = {
    config: Flags.string({char: 'c', description: 'the server.properties file'}),
    override: Flags.string({
      description: 'a property that overrides the config file, as key=value (repeatable)',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'log-level': Flags.string({description: `broker log level: ${LOG_LEVELS.join(', ')}`, default: 'info'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(BrokerStart)
    if (args.config && flags.config && args.config !== flags.config) {
      this.fail(`two config files given: ${args.config} and --config ${flags.config}`)
    }
    const level = flags['log-level']
    if (!isLogLevel(level)) this.fail(`invalid --log-level ${level} (expected one of ${LOG_LEVELS.join(', ')})`)
    try {
      await runBrokerInForeground({configFile: flags.config ?? args.config, overrides: flags.override ?? [], logLevel: level})
    } catch (error) {
      if (error instanceof ConfigError || error instanceof BrokerStartError) this.fail(error.message)
      throw error
    }
  }

  private fail(message: string): never {
    this.logToStderr(`Error: ${message}`)
    this.exit(1)
  }
}
