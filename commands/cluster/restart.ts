import {Command, Flags} from '@oclif/core'

import {BrokerStartError, DEFAULT_STOP_TIMEOUT_MS, restartLocalBroker} from '../../src/cluster/local-cluster.js'
import {brokerPlainTable, brokerTable} from '../../src/cluster/render.js'
import {ClusterError} from '../../src/cluster/state.js'
import {defaultLocalClusterDir, resolveUserDir} from '../../src/paths.js'

export default class ClusterRestart extends Command {
  static override summary = 'Restart one broker of the local cluster.'
  static override description = `Stops the broker in a controlled way (when it runs), starts it again, and waits until it is registered and unfenced again and the cluster has an active controller.`

  static override examples = ['<%= config.bin %> cluster restart --broker 2']

  static override flags = {
    'data-dir': Flags.string({description: 'directory of the cluster [default: $TSKAFKA_HOME/local, i.e. ~/.tskafka/local]'}),
    broker: Flags.integer({description: 'the broker to restart (by id)', required: true, min: 0}),
    timeout: Flags.integer({description: 'seconds to wait for a graceful exit before killing the broker', default: DEFAULT_STOP_TIMEOUT_MS / 1000, min: 0}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterRestart)
    const dataDir = flags['data-dir'] ? resolveUserDir(flags['data-dir']) : defaultLocalClusterDir()
    try {
      const r = await restartLocalBroker({dataDir, brokerId: flags.broker, timeoutMs: flags.timeout * 1000})
      this.log(`Broker ${flags.broker} restarted; ready in ${r.readyMs} ms`)
      this.log(process.stdout.isTTY ? brokerTable(r.status.brokers) : brokerPlainTable(r.status.brokers))
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error
      this.logToStderr(`Error: ${error.message}`)
      if (error instanceof BrokerStartError) for (const line of error.logTail) this.logToStderr(`  ${line}`)
      this.exit(1)
    }
  }
}
