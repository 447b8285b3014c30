import {Command, Flags} from '@oclif/core'

import {DEFAULT_STOP_TIMEOUT_MS, stopLocalCluster} from '../../src/cluster/local-cluster.js'
import {stopSummary} from '../../src/cluster/render.js'
import {ClusterError} from '../../src/cluster/state.js'
import {defaultLocalClusterDir, resolveUserDir} from '../../src/paths.js'

export default class ClusterStop extends Command {
  static override summary = 'Stop the local Kafka cluster, keeping its data.'
  static override description = `Sends SIGTERM to every broker and waits for a graceful exit; brokers still running after --timeout seconds are killed (SIGKILL).
Topics and offsets stay in the data dir for the next start. Exits 0 also when nothing was running.`

  static override examples = ['<%= config.bin %> cluster stop', '<%= config.bin %> cluster stop --timeout 30']

  static override flags = {
    'data-dir': Flags.string({description: 'directory of the cluster to stop [default: $TSKAFKA_HOME/local, i.e. ~/.tskafka/local]'}),
    timeout: Flags.integer({description: 'seconds to wait for a graceful exit before killing a broker', default: DEFAULT_STOP_TIMEOUT_MS / 1000, min: 0}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterStop)
    const defaultDir = defaultLocalClusterDir()
    const dataDir = flags['data-dir'] ? resolveUserDir(flags['data-dir']) : defaultDir
    try {
      const result = await stopLocalCluster({dataDir, timeoutMs: flags.timeout * 1000})
      for (const line of stopSummary(result, defaultDir)) this.log(line)
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error
      this.logToStderr(`Error: ${error.message}`)
      this.exit(1)
    }
  }
}
