// Encode and decode throughput of the generated codec for the two hot messages, Produce and Fetch.
//
//   npx tsx scripts/bench-protocol.ts [--seconds N]
//
// Each case is a realistic message: 6 partitions, each carrying one 16 KiB record-batch blob (the
// codec treats records as opaque bytes, so their content does not matter), plus a metadata-heavy
// case (Fetch request with 200 partitions) where per-field work dominates. The figures are MB/s of
// encoded message bytes and messages/s, best of several rounds, since these machines are noisy.
import {Reader, Writer} from '../src/protocol/primitives.js'
import {
  decodeFetchRequest,
  decodeFetchResponse,
  decodeProduceRequest,
  decodeProduceResponse,
  encodeFetchRequest,
  encodeFetchResponse,
  encodeProduceRequest,
  encodeProduceResponse,
  type FetchRequest,
  type FetchResponse,
  type ProduceRequest,
  type ProduceResponse,
} from '../src/protocol/generated/index.js'

const seconds = Number(process.argv.includes('--seconds') ? process.argv[process.argv.indexOf('--seconds') + 1] : 1)
const records = Buffer.alloc(16 * 1024, 7)
const topicId = Buffer.alloc(16, 1).toString('base64url')
const partitions = [0, 1, 2, 3, 4, 5]

const produceRequest: ProduceRequest = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{name: 'bench', partitionData: partitions.map((index) => ({index, records}))}],
}

const produceResponse: ProduceResponse = {
  responses: [
    {
      name: 'bench',
      partitionResponses: partitions.map((index) => ({
        index,
        errorCode: 0,
        baseOffset: 123456789n,
        logAppendTimeMs: -1n,
        logStartOffset: 0n,
        recordErrors: [],
        errorMessage: null,
        currentLeader: {leaderId: -1, leaderEpoch: -1},
      })),
    },
  ],
  throttleTimeMs: 0,
  nodeEndpoints: [],
}

const fetchResponse: FetchResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 0,
  responses: [
    {
      topic: 'bench',
      topicId,
      partitions: partitions.map((partitionIndex) => ({
        partitionIndex,
        errorCode: 0,
        highWatermark: 1_000_000n,
        lastStableOffset: 1_000_000n,
        logStartOffset: 0n,
        divergingEpoch: {epoch: -1, endOffset: -1n},
        currentLeader: {leaderId: -1, leaderEpoch: -1},
        snapshotId: {endOffset: -1n, epoch: -1},
        abortedTransactions: null,
        preferredReadReplica: -1,
        records,
      })),
    },
  ],
  nodeEndpoints: [],
}

const fetchRequest: FetchRequest = {
  clusterId: null,
  replicaId: -1,
  replicaState: {replicaId: -1, replicaEpoch: -1n},
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 52428800,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: -1,
  topics: [
    {
      topic: 'bench',
      topicId,
      partitions: Array.from({length: 200}, (_, partition) => ({
        partition,
        currentLeaderEpoch: 5,
        fetchOffset: 1_000_000n + BigInt(partition),
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: 1048576,
        replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
      })),
    },
  ],
  forgottenTopicsData: [],
  rackId: '',
}

interface Case {
  name: string
  version: number
  encode(w: Writer): void
  decode(r: Reader): unknown
}

const cases: Case[] = [
  {name: 'Produce request (6 x 16 KiB)', version: 9, encode: (w) => encodeProduceRequest(w, produceRequest, 9), decode: (r) => decodeProduceRequest(r, 9)},
  {name: 'Produce request v7 (classic)', version: 7, encode: (w) => encodeProduceRequest(w, produceRequest, 7), decode: (r) => decodeProduceRequest(r, 7)},
  {name: 'Produce response (6 partitions)', version: 11, encode: (w) => encodeProduceResponse(w, produceResponse, 11), decode: (r) => decodeProduceResponse(r, 11)},
  {name: 'Fetch response (6 x 16 KiB)', version: 16, encode: (w) => encodeFetchResponse(w, fetchResponse, 16), decode: (r) => decodeFetchResponse(r, 16)},
  {name: 'Fetch request (200 partitions)', version: 15, encode: (w) => encodeFetchRequest(w, fetchRequest, 15), decode: (r) => decodeFetchRequest(r, 15)},
]

function measure(fn: () => void): number {
  // Best ops/s over 5 rounds of `seconds / 5` each.
  let best = 0
  const roundMs = (seconds * 1000) / 5
  for (let round = 0; round < 5; round++) {
    let ops = 0
    const start = performance.now()
    let now = start
    while (now - start < roundMs) {
      for (let i = 0; i < 100; i++) fn()
      ops += 100
      now = performance.now()
    }
    best = Math.max(best, (ops * 1000) / (now - start))
  }
  return best
}

console.log(`Generated codec throughput (best of 5 rounds, ${seconds}s per case and direction)`)
console.log(['message', 'version', 'bytes', 'encode msg/s', 'encode MB/s', 'decode msg/s', 'decode MB/s'].join('\t'))
for (const c of cases) {
  const w = new Writer(64 * 1024)
  c.encode(w)
  const encoded = Buffer.from(w.finish())
  const size = encoded.length
  const enc = measure(() => {
    w.pos = 0
    c.encode(w)
  })
  const dec = measure(() => {
    c.decode(new Reader(encoded))
  })
  const mb = (ops: number): string => ((ops * size) / 1024 / 1024).toFixed(0)
  console.log([c.name, c.version, size, enc.toFixed(0), mb(enc), dec.toFixed(0), mb(dec)].join('\t'))
}
