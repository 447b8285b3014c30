import {Flags} from '@oclif/core'

import {connectionFlags, outputFlags, TskafkaCommand} from '../src/cli/base-command.js'
import {UsageError} from '../src/cli/errors.js'

export default class LeaderElection extends TskafkaCommand {
  static override summary = 'Elect partition leaders: preferred replicas, or unclean for leaderless partitions (kafka-leader-election.sh).'

  static override description = `Takes kafka-leader-election.sh's options: --election-type preferred|unclean and exactly one of --topic with --partition, --all-topic-partitions, or --path-to-json-file with {"partitions":[{"topic":"foo","partition":1},{"topic":"foobar","partition":2}]}.
PREFERRED moves leadership back to each partition's preferred replica (the first of its replicas) when that one is alive and in the ISR; UNCLEAN gives a partition without a leader one, from outside the ISR if need be (records may be lost).
Prints Kafka's lines: "Successfully completed leader election (PREFERRED) for partitions ...", "Valid replica already elected for partitions ..." and one "Error completing leader election ..." line per partition that failed, then exits 1 with "N replica(s) could not be elected".
With --all-topic-partitions only the partitions that needed an election are reported.`

  static override examples = [
    '<%= config.bin %> leader-election --election-type preferred --all-topic-partitions',
    '<%= config.bin %> leader-election --election-type preferred --topic orders --partition 0',
    '<%= config.bin %> leader-election --election-type unclean --path-to-json-file partitions.json --json',
  ]

  static override flags = {
    'election-type': Flags.string({description: 'PREFERRED or UNCLEAN (any case): the preferred replica, or a leader for partitions that have none (REQUIRED)'}),
    topic: Flags.string({description: 'the topic of the partition to elect a leader for; needs --partition'}),
    // Strings, so that a bad value gets Kafka's message.
    partition: Flags.string({description: 'the partition to elect a leader for (with --topic)'}),
    'all-topic-partitions': Flags.boolean({description: 'every partition eligible for this type of election'}),
    'path-to-json-file': Flags.string({description: 'a JSON file of partitions: {"partitions":[{"topic":"foo","partition":1}]}'}),
    'admin.config': Flags.string({description: '(DEPRECATED in Kafka) a client properties file for the admin client: use --command-config', helpGroup: 'CONNECTION'}),
    ...connectionFlags,
    ...outputFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(LeaderElection)
    const [election, {outputMode, formatData}] = await Promise.all([import('../src/admin/leader-election.js'), import('../src/cli/output.js')])
    // Kafka checks the flags and reads the file before it connects.
    const mode = outputMode(flags, 'text')
    if (flags['admin.config'] !== undefined) {
      if (flags['command-config'] !== undefined) throw new UsageError('Option "[admin.config]" can\'t be used with option "[command-config]"')
      this.err(`Warning: ${election.ADMIN_CONFIG_DEPRECATION}`)
    }
    const request = election.electionRequestFromFlags(flags)
    const client = await this.connect(flags, 'tskafka-leader-election')
    const results = await election.electLeaders(client, request)
    const report = election.renderElection(request.electionType, results)
    if (mode === 'json' || mode === 'yaml') this.out(formatData(mode, election.electionData(request.electionType, results)))
    else for (const line of report.lines) this.out(line)
    if (report.failure !== null) {
      this.err(`Error: ${report.failure}`)
      process.exitCode = 1
    }
  }
}
