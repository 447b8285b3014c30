import {Command, Flags} from '@oclif/core'

import {hostLine, readInventory, runInventory} from '../../src/cluster/inventory.js'
import {DEFAULT_STOP_TIMEOUT_MS, stopLocalCluster} from '../../src/cluster/local-cluster.js'
import {stopSummary} from '../../src/cluster/render.js'
import {ClusterError} from '../../src/cluster/state.js'
import {defaultLocalClusterDir, resolveUserDir} from '../../src/paths.js'

export default class ClusterStop extends Command {
  static override summary = 'Stop the local Kafka cluster (or one broker), keeping its data.'
  static override description = `Stops brokers in a controlled way: each moves its partition leadership to other brokers first, then exits (SIGTERM). The whole cluster stops one broker at a time, brokers-only first and the active controller last, so every step keeps a controller quorum. Brokers still running after --timeout seconds are killed (SIGKILL).
Topics and offsets stay in the data dir for the next start. Exits 0 also when nothing was running.
--inventory hosts.yaml instead runs Kafka's kafka-server-stop.sh on each listed host over ssh, in reverse order, with a status line per host.`

  static override examples = ['<%= config.bin %> cluster stop', '<%= config.bin %> cluster stop --broker 2', '<%= config.bin %> cluster stop --timeout 30', '<%= config.bin %> cluster stop --inventory hosts.yaml']

  static override flags = {
    'data-dir': Flags.string({description: 'directory of the cluster to stop [default: $TSKAFKA_HOME/local, i.e. ~/.tskafka/local]'}),
    broker: Flags.integer({description: 'stop only this broker (by id)', min: 0}),
    timeout: Flags.integer({description: 'seconds to wait for a graceful exit before killing a broker', default: DEFAULT_STOP_TIMEOUT_MS / 1000, min: 0}),
    inventory: Flags.string({description: 'hosts file (YAML) of a real Kafka installation: stop Kafka on each host over ssh'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterStop)
    try {
      if (flags.inventory) {
        const outcomes = await runInventory(readInventory(resolveUserDir(flags.inventory)), 'stop', (o) => this.log(hostLine(o, 'stop')))
        if (outcomes.some((o) => !o.ok)) this.exit(1)
        return
      }
      const defaultDir = defaultLocalClusterDir()
      const dataDir = flags['data-dir'] ? resolveUserDir(flags['data-dir']) : defaultDir
      const result = await stopLocalCluster({dataDir, timeoutMs: flags.timeout * 1000, brokerId: flags.broker})
      for (const line of stopSummary(result, defaultDir)) this.log(line)
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error
      this.logToStderr(`Error: ${error.message}`)
      this.exit(1)
    }
  }
}
