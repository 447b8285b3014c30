// `tskafka perf consume` and `tskafka perf e2e` as a user runs them, against
// Apache Kafka 4.3.1 and the bundled broker: ConsumerPerformance's exact CSV
// header and rows (regular expressions from its format strings), detailed
// stats, the timeout warning, committed offsets in the group, compressed
// data, and EndToEndLatency's lines.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startBroker, type StartedBroker} from '../../src/index.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {type KafkaReference, startKafkaReference} from '../helpers/kafka-reference.js'
import {describeRun} from '../helpers/peers.js'
import {CONSUMER_DETAILED_HEADER, CONSUMER_DETAILED_ROW, CONSUMER_HEADER, CONSUMER_ROW, E2E_AVG, E2E_PERCENTILES, E2E_PROGRESS} from '../unit/perf/kafka-formats.js'

const targets: Array<{name: string; start(): Promise<{bootstrap: string; stop(): Promise<void>}>}> = [
  {
    name: 'Apache Kafka 4.3.1',
    async start() {
      const ref: KafkaReference = await startKafkaReference()
      return {bootstrap: ref.bootstrapServers, stop: () => ref.stop()}
    },
  },
  {
    name: 'the bundled broker',
    async start() {
      const b: StartedBroker = await startBroker()
      return {bootstrap: b.bootstrapServers, stop: () => b.stop()}
    },
  },
]

async function cli(args: string[], timeoutMs = 90_000) {
  const r = await runCli(args, {timeoutMs})
  expect(r.code, describeRun(`tskafka ${args.slice(0, 2).join(' ')}`, r)).toBe(0)
  return r
}

for (const target of targets) {
  describe(`perf consume and perf e2e against ${target.name}`, () => {
    let broker: {bootstrap: string; stop(): Promise<void>}

    beforeAll(async () => {
      assertCliBuilt()
      broker = await target.start()
      const B = broker.bootstrap
      await cli(['topics', 'create', '--topic', 'data', '--partitions', '3', '--bootstrap-server', B])
      await cli(['perf', 'produce', '--bootstrap-server', B, '--topic', 'data', '--num-records', '30000', '--record-size', '100', '--throughput', '-1'])
      await cli(['perf', 'produce', '--bootstrap-server', B, '--topic', 'zdata', '--num-records', '20000', '--record-size', '300', '--throughput', '-1', '--command-property', 'compression.type=zstd'])
    })

    afterAll(async () => {
      await broker?.stop()
    })

    it("prints ConsumerPerformance's header and one row with the records and bytes consumed", async () => {
      const r = await cli(['perf', 'consume', '--bootstrap-server', broker.bootstrap, '--topic', 'data', '--num-records', '30000', '--group', 'g1'])
      const lines = r.stdout.trimEnd().split('\n')
      expect(lines[0]).toBe(CONSUMER_HEADER)
      expect(lines).toHaveLength(2)
      const m = CONSUMER_ROW.exec(lines[1]!)
      expect(m, lines[1]).not.toBeNull()
      expect(Number(m![5])).toBe(30000)
      expect(Number(m![3])).toBeCloseTo((30000 * 100) / 1048576, 3)
      // The group committed its position: consuming again finds nothing and times out.
      const again = await cli(['perf', 'consume', '--bootstrap-server', broker.bootstrap, '--topic', 'data', '--num-records', '1', '--group', 'g1', '--timeout', '1500', '--hide-header'])
      const againLines = again.stdout.trimEnd().split('\n')
      expect(againLines[0]).toBe('WARNING: Exiting before consuming the expected number of records: timeout (1500 ms) exceeded. You can use the --timeout option to increase the timeout.')
      expect(Number(CONSUMER_ROW.exec(againLines[1]!)![5])).toBe(0)
    })

    it('reads compressed batches and prints detailed rows per reporting interval', async () => {
      const r = await cli(['perf', 'consume', '--bootstrap-server', broker.bootstrap, '--topic', 'zdata', '--num-records', '20000', '--show-detailed-stats', '--reporting-interval', '1', '--fetch-size', '65536'])
      const lines = r.stdout.trimEnd().split('\n')
      expect(lines[0]).toBe(CONSUMER_DETAILED_HEADER)
      expect(lines.length).toBeGreaterThanOrEqual(2)
      for (const l of lines.slice(1)) expect(l).toMatch(CONSUMER_DETAILED_ROW)
      const last = CONSUMER_DETAILED_ROW.exec(lines.at(-1)!)!
      expect(Number(last[5])).toBeLessThanOrEqual(20000)
      expect(Number(last[2])).toBe(0)
    })

    it('gives the figures as JSON, and takes --include and --from-latest', async () => {
      const r = await cli(['perf', 'consume', '--bootstrap-server', broker.bootstrap, '--include', 'z.*', '--num-records', '20000', '--output', 'json'])
      const data = JSON.parse(r.stdout) as {dataConsumedRecords: number; dataConsumedMB: number; timedOut: boolean}
      expect(data.dataConsumedRecords).toBe(20000)
      expect(data.dataConsumedMB).toBeCloseTo((20000 * 300) / 1048576, 3)
      expect(data.timedOut).toBe(false)
      const latest = await cli(['perf', 'consume', '--bootstrap-server', broker.bootstrap, '--topic', 'zdata', '--num-records', '5', '--from-latest', '--timeout', '1000', '--output', 'json'])
      expect((JSON.parse(latest.stdout) as {dataConsumedRecords: number}).dataConsumedRecords).toBe(0)
    })

    it("prints EndToEndLatency's lines", async () => {
      const r = await cli(['perf', 'e2e', '--bootstrap-server', broker.bootstrap, '--topic', 'latency', '--num-records', '1200', '--producer-acks', 'all', '--record-size', '64', '--record-key-size', '4', '--num-headers', '1', '--record-header-key-size', '2', '--record-header-size', '-1'])
      const lines = r.stdout.trimEnd().split('\n')
      expect(lines[0]).toBe('Topic "latency" does not exist. Will create topic with 1 partition(s) and replication factor = 1')
      expect(lines.slice(1, 3).map((l) => E2E_PROGRESS.exec(l)?.[1])).toEqual(['0', '1000'])
      expect(lines[3]).toMatch(E2E_AVG)
      const p = E2E_PERCENTILES.exec(lines[4]!)!
      expect(Number(p[1])).toBeLessThanOrEqual(Number(p[2]))
      expect(Number(p[2])).toBeLessThanOrEqual(Number(p[3]))
      const bad = await runCli(['perf', 'e2e', '--bootstrap-server', broker.bootstrap, '--topic', 'latency', '--num-records', '1', '--producer-acks', '0', '--record-size', '1'])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain("Latency testing requires synchronous acknowledgement. Please use '1' or 'all'")
    })
  })
}
