import {Command, Flags} from '@oclif/core'

import {destroyLocalCluster} from '../../src/cluster/local-cluster.js'
import {forgetLocalContext} from '../../src/cluster/local-context.js'
import {ClusterError} from '../../src/cluster/state.js'
import {ClientConfigError} from '../../src/client/errors.js'
import {defaultLocalClusterDir, resolveUserDir} from '../../src/paths.js'

export default class ClusterDestroy extends Command {
  static override summary = 'Stop the local cluster and remove its data.'
  static override description = `Stops every broker, then deletes the brokers' directories (configs, logs, topic data) and the state file, and removes the cluster's connection context. The next start creates a new cluster with a new cluster id.`

  static override examples = ['<%= config.bin %> cluster destroy', '<%= config.bin %> cluster destroy --data-dir /tmp/kafka-test']

  static override flags = {
    'data-dir': Flags.string({description: 'directory of the cluster [default: $TSKAFKA_HOME/local, i.e. ~/.tskafka/local]'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterDestroy)
    const defaultDir = defaultLocalClusterDir()
    const dataDir = flags['data-dir'] ? resolveUserDir(flags['data-dir']) : defaultDir
    try {
      const r = await destroyLocalCluster({dataDir})
      try {
        forgetLocalContext(dataDir, defaultDir)
      } catch (error) {
        if (!(error instanceof ClientConfigError)) throw error
        this.logToStderr(`Warning: ${error.message}`)
      }
      this.log(r.existed ? `Local cluster in ${dataDir} destroyed` : `No local cluster in ${dataDir}; nothing to destroy`)
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error
      this.logToStderr(`Error: ${error.message}`)
      this.exit(1)
    }
  }
}
