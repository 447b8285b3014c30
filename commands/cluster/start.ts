import {Command, Flags} from '@oclif/core'

import {BrokerStartError, DEFAULT_BASE_PORT, startLocalCluster} from '../../src/cluster/local-cluster.js'
import {recordLocalContext} from '../../src/cluster/local-context.js'
import {startDetails, startSummary, statusJson} from '../../src/cluster/render.js'
import {ClusterError} from '../../src/cluster/state.js'
import {ClientConfigError} from '../../src/client/errors.js'
import {defaultLocalClusterDir, resolveUserDir} from '../../src/paths.js'

export default class ClusterStart extends Command {
  static override summary = 'Start the local Kafka cluster in the background (or Kafka on the hosts of an inventory).'
  static override description = `Starts the bundled brokers as background processes on 127.0.0.1 and waits until every broker is registered and unfenced and a controller is elected, then prints the bootstrap list and a status table.
Brokers listen on consecutive ports from --port; each has its own directory, server.properties and broker.log under the data dir. With several brokers, the first three are combined broker+controller nodes forming the controller quorum.
The cluster becomes the current connection context ('local'), so other commands reach it with no flags.
Idempotent: when the cluster is already running it prints its bootstrap address and exits 0.
A running cluster of three or more brokers grows when started with a larger --brokers: the new brokers (broker-only nodes, not quorum voters) take the next ports and are started alone. A lone broker or a pair must be stopped first to grow (that changes the controller quorum); a cluster never shrinks.
--config cluster.yaml sets the broker count, ports, racks and broker configs (for every broker, and per broker).
--inventory hosts.yaml instead runs Kafka's kafka-server-start.sh -daemon on each listed host over ssh, in order, with a status line per host.`

  static override examples = [
    '<%= config.bin %> cluster start',
    '<%= config.bin %> cluster start --brokers 3',
    '<%= config.bin %> cluster start --brokers 3 --config cluster.yaml',
    '<%= config.bin %> cluster start --brokers 4    # grow a running 3-broker cluster by one broker',
    '<%= config.bin %> cluster start --port 19092 --data-dir /tmp/kafka-test',
    '<%= config.bin %> cluster start --inventory hosts.yaml',
  ]

  static override flags = {
    'data-dir': Flags.string({description: 'directory holding the cluster state, configs, logs and data [default: $TSKAFKA_HOME/local, i.e. ~/.tskafka/local]'}),
    port: Flags.integer({description: `port of the first broker (the next brokers take the following ports) [default: ${DEFAULT_BASE_PORT}, or the port the cluster used last]`}),
    brokers: Flags.integer({description: 'number of brokers [default: 1, or the count the cluster had]'}),
    config: Flags.string({description: 'cluster config file (YAML): brokers, port, config for every broker, broker.<id>.{rack,port,config}'}),
    inventory: Flags.string({description: 'hosts file (YAML) of a real Kafka installation: start Kafka on each host over ssh'}),
    json: Flags.boolean({description: 'print the cluster status as JSON'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterStart)
    try {
      if (flags.inventory) {
        // Loaded only when asked for: a local start stays quick.
        const {hostLine, readInventory, runInventory} = await import('../../src/cluster/inventory.js')
        const outcomes = await runInventory(readInventory(resolveUserDir(flags.inventory)), 'start', (o) => this.log(hostLine(o, 'start')))
        if (outcomes.some((o) => !o.ok)) this.exit(1)
        return
      }
      const defaultDir = defaultLocalClusterDir()
      const dataDir = flags['data-dir'] ? resolveUserDir(flags['data-dir']) : defaultDir
      const clusterConfig = flags.config ? (await import('../../src/cluster/cluster-config.js')).readClusterConfigFile(resolveUserDir(flags.config)) : undefined
      const result = await startLocalCluster({dataDir, port: flags.port, brokers: flags.brokers, clusterConfig})
      for (const warning of result.warnings) this.logToStderr(`Warning: ${warning}`)
      let context: {name: string; changed: boolean} | null = null
      try {
        context = recordLocalContext(dataDir, defaultDir, result.status.bootstrapServers)
      } catch (error) {
        if (!(error instanceof ClientConfigError)) throw error
        this.logToStderr(`Warning: the cluster was not recorded as a connection context: ${error.message}`)
      }
      if (flags.json) {
        this.log(JSON.stringify({alreadyRunning: result.alreadyRunning, addedBrokerIds: result.addedBrokerIds, readyMs: result.readyMs, context: context?.name ?? null, ...statusJson(result.status)}, null, 2))
        return
      }
      this.log(startSummary(result))
      this.log(startDetails(result, defaultDir, Boolean(process.stdout.isTTY)))
      if (context?.changed) this.log(`Current context: ${context.name}`)
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error
      this.logToStderr(`Error: ${error.message}`)
      if (error instanceof BrokerStartError) for (const line of error.logTail) this.logToStderr(`  ${line}`)
      this.exit(1)
    }
  }
}
