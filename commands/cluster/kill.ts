import {Command, Flags} from '@oclif/core'

import {killLocalBroker} from '../../src/cluster/local-cluster.js'
import {ClusterError} from '../../src/cluster/state.js'
import {defaultLocalClusterDir, resolveUserDir} from '../../src/paths.js'

export default class ClusterKill extends Command {
  static override summary = 'Kill one broker of the local cluster (SIGKILL), for failure drills.'
  static override description = `Sends SIGKILL to the broker: no controlled shutdown, no flush. The controller fences it once its session times out (broker.session.timeout.ms) and elects new leaders for its partitions from their ISRs; a killed active controller is replaced by a new election.
Bring it back with: tskafka cluster restart --broker ID (or tskafka cluster start).`

  static override examples = ['<%= config.bin %> cluster kill --broker 2']

  static override flags = {
    'data-dir': Flags.string({description: 'directory of the cluster [default: $TSKAFKA_HOME/local, i.e. ~/.tskafka/local]'}),
    broker: Flags.integer({description: 'the broker to kill (by id)', required: true, min: 0}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterKill)
    const dataDir = flags['data-dir'] ? resolveUserDir(flags['data-dir']) : defaultLocalClusterDir()
    try {
      const r = await killLocalBroker({dataDir, brokerId: flags.broker})
      this.log(r.killed ? `Broker ${r.id} (pid ${r.pid}) killed` : `Broker ${r.id} is not running; nothing to kill`)
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error
      this.logToStderr(`Error: ${error.message}`)
      this.exit(1)
    }
  }
}
