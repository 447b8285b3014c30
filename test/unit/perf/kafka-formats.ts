// Regular expressions for the perf tools' lines, written from Kafka's own
// format strings (Kafka 4.3.1's kafka-tools jar), so a line that parses here
// is a line Kafka's tool would print:
//   ProducerPerformance.Stats.printWindow:
//     "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.%n"
//   ProducerPerformance.Stats.printTotal:
//     "%d%s records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency,
//      %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n"
//   ConsumerPerformance: header strings, "%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f%n",
//     and detailed rows "%s, %d, %.4f, %.4f, %d, %.4f" + ", %d, %d, %.4f, %.4f"
//   EndToEndLatency: "Avg latency: %.4f ms%n", "Percentiles: 50th = %d, 99th = %d, 99.9th = %d%n"

const D = String.raw`-?\d+`
const F = (n: number) => String.raw`(?:-?\d+\.\d{${n}}|NaN|-?Infinity)`
const F6 = String.raw`(?:-?\d+\.\d{6}|NaN|-?Infinity)`

export const PRODUCER_WINDOW = new RegExp(`^(${D}) records sent, (${F(1)}) records/sec \\((${F(2)}) MB/sec\\), (${F(1)}) ms avg latency, (${F(1)}) ms max latency\\.$`)
export const PRODUCER_TOTAL = new RegExp(
  `^(${D})( steady state)? records sent, (${F6}) records/sec \\((${F(2)}) MB/sec\\), (${F(2)}) ms avg latency, (${F(2)}) ms max latency, (${D}) ms 50th, (${D}) ms 95th, (${D}) ms 99th, (${D}) ms 99\\.9th\\.$`,
)
export const CONSUMER_HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'
export const CONSUMER_DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'
const DATE = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}`
export const CONSUMER_ROW = new RegExp(`^(${DATE}), (${DATE}), (${F(4)}), (${F(4)}), (${D}), (${F(4)}), (${D}), (${D}), (${F(4)}), (${F(4)})$`)
export const CONSUMER_DETAILED_ROW = new RegExp(`^(${DATE}), (${D}), (${F(4)}), (${F(4)}), (${D}), (${F(4)}), (${D}), (${D}), (${F(4)}), (${F(4)})$`)
export const E2E_PROGRESS = /^(\d+)\t(\d+(?:\.\d+)?(?:E-?\d+)?)$/
export const E2E_AVG = new RegExp(`^Avg latency: (${F(4)}) ms$`)
export const E2E_PERCENTILES = new RegExp(`^Percentiles: 50th = (${D}), 99th = (${D}), 99\\.9th = (${D})$`)

export interface ProducerTotal {
  records: number
  steadyState: boolean
  recordsPerSec: number
  mbPerSec: number
  avgLatency: number
  maxLatency: number
  p50: number
  p95: number
  p99: number
  p999: number
}

export function parseProducerTotal(line: string): ProducerTotal | null {
  const m = PRODUCER_TOTAL.exec(line)
  if (!m) return null
  return {
    records: Number(m[1]),
    steadyState: m[2] !== undefined,
    recordsPerSec: Number(m[3]),
    mbPerSec: Number(m[4]),
    avgLatency: Number(m[5]),
    maxLatency: Number(m[6]),
    p50: Number(m[7]),
    p95: Number(m[8]),
    p99: Number(m[9]),
    p999: Number(m[10]),
  }
}
