// The entry point of the local cluster's broker processes:
//
//   node dist/src/cluster/broker-main.js broker start --config <server.properties>
//
// does what `tskafka broker start --config <file>` does (same foreground run, same one-line
// errors, same exit codes), without loading the CLI framework, which is a third of a broker's
// start-up CPU: with three brokers starting at once on a small machine, that is most of the
// time a cluster takes to come up. The argv keeps the `broker start --config <file>` shape that
// processes.ts recognizes a local broker by.

import {BrokerStartError} from '../broker/broker.js'
import {runBrokerInForeground} from '../broker/foreground.js'
import {ConfigError} from '../config/config-def.js'

const argv = process.argv.slice(2)
const at = argv.indexOf('--config')
const configFile = at >= 0 ? argv[at + 1] : undefined
if (argv[0] !== 'broker' || argv[1] !== 'start' || configFile === undefined) {
  process.stderr.write('Error: usage: broker-main.js broker start --config <server.properties>\n')
  process.exit(2)
}
try {
  await runBrokerInForeground({configFile, overrides: [], logLevel: 'info'})
} catch (error) {
  if (!(error instanceof ConfigError) && !(error instanceof BrokerStartError)) throw error
  process.stderr.write(`Error: ${error.message}\n`)
  process.exitCode = 1
}
