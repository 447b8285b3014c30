import {Command, Flags} from '@oclif/core'

import {localClusterStatus} from '../../src/cluster/local-cluster.js'
import {brokerPlainTable, brokerTable, statusExitCode, statusJson, statusSummary} from '../../src/cluster/render.js'
import {ClusterError} from '../../src/cluster/state.js'
import {defaultLocalClusterDir, resolveUserDir} from '../../src/paths.js'

export default class ClusterStatus extends Command {
  static override summary = 'Show whether the local Kafka cluster is running.'
  static override description = `Lists each broker's id, pid, port, state (running, not responding, stopped) and data dir.
Exit status: 0 when every broker is running, 1 when the cluster is stopped or does not exist, 2 when only some brokers run or one does not answer.`

  static override examples = ['<%= config.bin %> cluster status', '<%= config.bin %> cluster status --json', 'tskafka cluster status >/dev/null && echo up']

  static override flags = {
    'data-dir': Flags.string({description: 'directory of the cluster [default: $TSKAFKA_HOME/local, i.e. ~/.tskafka/local]'}),
    json: Flags.boolean({description: 'print the status as JSON'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterStatus)
    const defaultDir = defaultLocalClusterDir()
    const dataDir = flags['data-dir'] ? resolveUserDir(flags['data-dir']) : defaultDir
    let status
    try {
      status = await localClusterStatus(dataDir)
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error
      this.logToStderr(`Error: ${error.message}`)
      this.exit(1)
    }
    if (flags.json) {
      this.log(JSON.stringify(statusJson(status), null, 2))
    } else {
      this.log(statusSummary(status, defaultDir))
      if (status.brokers.length > 0) this.log(process.stdout.isTTY ? brokerTable(status.brokers) : brokerPlainTable(status.brokers))
    }
    const code = statusExitCode(status)
    if (code !== 0) this.exit(code)
  }
}
