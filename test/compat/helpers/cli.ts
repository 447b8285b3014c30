// Running the built tskafka CLI (bin/run.js over dist/) as a child process, as
// a user would, and normalising outputs so runs against different brokers
// compare: topic ids, cluster ids and timestamps are replaced by placeholders.

import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {KafkaClient} from '../../../src/client/client.js'
import {REPO_ROOT, run, type RunOptions, type RunResult} from '../../helpers/peers.js'

export const CLI = join(REPO_ROOT, 'bin', 'run.js')
const BUILT = join(REPO_ROOT, 'dist', 'commands', 'topics', 'index.js')

export function assertCliBuilt(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: build the CLI first (npm run build)`)
}

/**
 * Runs `tskafka ...args` with a clean environment: no contexts file, no
 * $TSKAFKA_BOOTSTRAP_SERVER, a throw-away TSKAFKA_HOME unless given.
 */
export function runCli(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], {
    timeoutMs: 60_000,
    ...opts,
    env: {
      TSKAFKA_CONFIG: join(REPO_ROOT, 'test', 'compat', 'helpers', 'no-contexts.yaml'),
      TSKAFKA_BOOTSTRAP_SERVER: '',
      TSKAFKA_HOME: '/nonexistent/tskafka-home-for-tests',
      NO_COLOR: '1',
      TSKAFKA_DEBUG: '',
      ...opts.env,
    },
  })
}

/** Replaces what legitimately differs between brokers and runs. */
export function normalize(text: string): string {
  return (
    text
      .replace(/TopicId: [A-Za-z0-9_-]{22}/g, 'TopicId: <id>')
      .replace(/"topicId": ?"[A-Za-z0-9_-]{22}"/g, '"topicId":"<id>"')
      .replace(/(CreateTime|LogAppendTime):\d+/g, '$1:<ts>')
      .replace(/"timestamp":\d{12,}/g, '"timestamp":<ts>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
      // Kafka's JVM tools log warnings and deprecation notes around their output.
      .split('\n')
      .filter((l) => !/^\[\d{4}-\d\d-\d\d .*\] (WARN|INFO|ERROR)|^SLF4J|Option --property is deprecated|KIP-848|^\tat /.test(l))
      .join('\n')
  )
}

/** The API keys a broker serves (ApiVersions), from a connection of our own client. */
export async function servedApis(bootstrap: string): Promise<Map<number, {min: number; max: number}>> {
  const client = await KafkaClient.connect({
    bootstrapServers: [bootstrap],
    clientId: 'tskafka-compat-probe',
    tls: null,
    sasl: null,
    connectTimeoutMs: 5000,
    requestTimeoutMs: 10_000,
  })
  try {
    return new Map(client.bootstrap.apiVersions)
  } finally {
    client.close()
  }
}

export const API_NAMES: Record<number, string> = {
  0: 'Produce',
  1: 'Fetch',
  2: 'ListOffsets',
  3: 'Metadata',
  8: 'OffsetCommit',
  9: 'OffsetFetch',
  10: 'FindCoordinator',
  11: 'JoinGroup',
  12: 'Heartbeat',
  13: 'LeaveGroup',
  14: 'SyncGroup',
  19: 'CreateTopics',
  20: 'DeleteTopics',
  21: 'DeleteRecords',
  32: 'DescribeConfigs',
  37: 'CreatePartitions',
  44: 'IncrementalAlterConfigs',
  46: 'ListPartitionReassignments',
  60: 'DescribeCluster',
  75: 'DescribeTopicPartitions',
}
