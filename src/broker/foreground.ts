// `tskafka broker start`: load server.properties and overrides, run the
// broker, stop gracefully on SIGINT/SIGTERM. Kept out of the command so the
// command stays a thin flag parser.

import {loadBrokerConfig} from '../config/broker-config.js'
import {parseOverrides, readPropertiesFile} from '../config/properties.js'
import {Broker} from './broker.js'
import {createLogger, type LogLevel} from './logger.js'

export interface ForegroundOptions {
  /** server.properties; omitted = Kafka's defaults. */
  configFile?: string
  /** `key=value` strings from --override. */
  overrides: readonly string[]
  logLevel: LogLevel
}

/**
 * Starts the broker and resolves once it has stopped after a signal. Throws
 * ConfigError (bad config) or BrokerStartError (cannot bind) before serving.
 */
export async function runBrokerInForeground(options: ForegroundOptions): Promise<void> {
  const props = options.configFile === undefined ? new Map<string, string>() : readPropertiesFile(options.configFile)
  const config = loadBrokerConfig(props, parseOverrides(options.overrides))
  const logger = createLogger({level: options.logLevel})
  const broker = await Broker.start(config, {logger})

  let signals = 0
  const onSignal = (signal: NodeJS.Signals) => {
    signals++
    if (signals === 1) {
      logger.info(`Received ${signal}, shutting down`)
      void broker.stop()
    } else {
      logger.warn(`Received ${signal} again, exiting without finishing the shutdown`)
      process.exit(1)
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    await broker.stopped
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
