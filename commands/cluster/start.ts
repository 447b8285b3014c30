import {Command, Flags} from '@oclif/core'

import {BrokerStartError, DEFAULT_BASE_PORT, startLocalCluster} from '../../src/cluster/local-cluster.js'
import {startDetails, startSummary, statusJson} from '../../src/cluster/render.js'
import {ClusterError} from '../../src/cluster/state.js'
import {defaultLocalClusterDir, resolveUserDir} from '../../src/paths.js'

export default class ClusterStart extends Command {
  static override summary = 'Start the local Kafka cluster in the background.'
  static override description = `Starts the bundled broker(s) as background processes on 127.0.0.1 and waits until each answers ApiVersions.
Idempotent: when the cluster is already running it prints its bootstrap address and exits 0.
Brokers listen on consecutive ports from --port; each has its own directory, server.properties and broker.log under the data dir.`

  static override examples = ['<%= config.bin %> cluster start', '<%= config.bin %> cluster start --port 19092 --data-dir /tmp/kafka-test']

  static override flags = {
    'data-dir': Flags.string({description: 'directory holding the cluster state, configs, logs and data [default: $TSKAFKA_HOME/local, i.e. ~/.tskafka/local]'}),
    port: Flags.integer({description: `port of the first broker (the next brokers take the following ports) [default: ${DEFAULT_BASE_PORT}, or the port the cluster used last]`}),
    brokers: Flags.integer({description: 'number of brokers (only 1 is supported for now) [default: 1]'}),
    json: Flags.boolean({description: 'print the cluster status as JSON'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterStart)
    const defaultDir = defaultLocalClusterDir()
    const dataDir = flags['data-dir'] ? resolveUserDir(flags['data-dir']) : defaultDir
    try {
      const result = await startLocalCluster({dataDir, port: flags.port, brokers: flags.brokers})
      for (const warning of result.warnings) this.logToStderr(`Warning: ${warning}`)
      if (flags.json) {
        this.log(JSON.stringify({alreadyRunning: result.alreadyRunning, readyMs: result.readyMs, ...statusJson(result.status)}, null, 2))
        return
      }
      this.log(startSummary(result))
      if (process.stdout.isTTY) this.log(startDetails(result, defaultDir))
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error
      this.logToStderr(`Error: ${error.message}`)
      if (error instanceof BrokerStartError) for (const line of error.logTail) this.logToStderr(`  ${line}`)
      this.exit(1)
    }
  }
}
