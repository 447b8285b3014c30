// A `perf produce --workers N` child process: runs its share of the records
// with its own producer, tells the parent when it is connected, starts on
// the parent's signal (so every worker's clock starts together), reports what
// was acknowledged every 200 ms for the parent's window lines, and sends its
// totals and encoded latency histograms when done.

import type {ClientOptions} from '../client/client.js'
import {producerConfig} from '../producer/config.js'
import {type PayloadSpec, payloadSource} from './produce-options.js'
import {type ProducePerfOptions, runProducePerf} from './produce.js'
import type {ProducerStats} from './producer-stats.js'

export interface WorkerRun {
  type: 'run'
  clientOptions: ClientOptions
  properties: Array<[string, string]>
  payload: PayloadSpec
  options: Omit<ProducePerfOptions, 'payload'>
}

export type WorkerMessage =
  | {type: 'ready'}
  | {type: 'delta'; count: number; bytes: number; totalLatency: number; maxLatency: number; at: number}
  | {type: 'done'; result: Awaited<ReturnType<typeof runProducePerf>>}
  | {type: 'error'; message: string}

function send(msg: WorkerMessage): void {
  process.send?.(msg)
}

let go: (() => void) | null = null

process.on('message', (msg: WorkerRun | {type: 'go'}) => {
  if (msg.type === 'go') {
    go?.()
    return
  }
  void run(msg).then(
    () => process.disconnect?.(),
    (error: Error) => {
      send({type: 'error', message: error.message})
      process.disconnect?.()
    },
  )
})

async function run(msg: WorkerRun): Promise<void> {
  const {config} = producerConfig(new Map(msg.properties), 'perf-producer-client')
  let stats: ProducerStats | null = null
  const report = () => {
    if (!stats) return
    const d = stats.takeDelta()
    if (d.count > 0) send({type: 'delta', ...d, at: Date.now()})
  }
  const timer = setInterval(report, 200)
  try {
    const result = await runProducePerf(msg.clientOptions, config, {...msg.options, payload: payloadSource(msg.payload)}, {
      line: null,
      beforeStart: () =>
        new Promise<void>((resolve) => {
          go = resolve
          send({type: 'ready'})
        }),
      onStats: (s, steady) => {
        if (!steady) stats = s
      },
    })
    report()
    send({type: 'done', result})
  } finally {
    clearInterval(timer)
  }
}
