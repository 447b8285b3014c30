// `console consume --group G`: a real consumer group member (join, sync,
// heartbeats, committed offsets) through kafkajs, the project's client for
// group membership. Records are formatted exactly as in the group-less path.
// kafkajs hands headers over as an object, so duplicate header keys come back
// grouped by key; the group-less path keeps their exact order.

import type {ConsumerPlan, FormatterConfig} from './console-consumer.js'
import {formatRecord, jsonLine} from './console-consumer.js'
import type {ConsumeIo, ConsumeResult} from './console-consume-run.js'
import type {ClientOptions} from '../client/client.js'
import {CommandError} from '../cli/errors.js'
import type {FetchedRecord} from '../client/fetcher.js'

export async function runWithGroup(options: ClientOptions, plan: ConsumerPlan, formatter: FormatterConfig, props: ReadonlyMap<string, string>, io: ConsumeIo): Promise<ConsumeResult> {
  const [{default: kafkajs}, {registerKafkajsCodecs}] = await Promise.all([import('kafkajs'), import('../protocol/kafkajs-codecs.js')])
  registerKafkajsCodecs()
  const kafka = new kafkajs.Kafka({
    clientId: options.clientId,
    brokers: options.bootstrapServers,
    ssl: options.tls ?? undefined,
    sasl: options.sasl ? ({mechanism: options.sasl.mechanism.toLowerCase(), username: options.sasl.username, password: options.sasl.password} as never) : undefined,
    connectionTimeout: options.connectTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    logLevel: kafkajs.logLevel.NOTHING,
  })
  const autoCommit = (props.get('enable.auto.commit') ?? 'true').trim().toLowerCase() !== 'false'
  const consumer = kafka.consumer({
    groupId: plan.group!,
    readUncommitted: plan.isolationLevel === 0,
    sessionTimeout: Number(props.get('session.timeout.ms') ?? 45_000),
    heartbeatInterval: Number(props.get('heartbeat.interval.ms') ?? 3000),
    allowAutoTopicCreation: props.get('allow.auto.create.topics') !== 'false',
  })
  let count = 0
  let reason: ConsumeResult['reason'] = 'stopped'
  let failure: Error | null = null
  let lastActivity = Date.now()
  let finish!: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))
  let ended = false
  const end = (why: ConsumeResult['reason']) => {
    if (ended) return
    ended = true
    reason = why
    finish()
  }
  try {
    await consumer.connect()
    await consumer.subscribe({topics: [plan.topic !== undefined ? plan.topic : plan.include!], fromBeginning: plan.resetPolicy === 'earliest'})
    await consumer.run({
      autoCommit,
      eachMessage: async ({topic, partition, message}) => {
        if (ended) return
        if (io.stopped()) return end('stopped')
        if (plan.maxMessages >= 0 && count >= plan.maxMessages) return end('max-messages')
        lastActivity = Date.now()
        const headers: FetchedRecord['headers'] = []
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          for (const one of Array.isArray(v) ? v : [v]) headers.push({key: k, value: one === undefined || one === null ? null : Buffer.from(one as Buffer)})
        }
        const record: FetchedRecord = {
          topic,
          partition,
          offset: BigInt(message.offset),
          timestamp: BigInt(message.timestamp),
          timestampType: (message.attributes & 0x08) !== 0 ? 'LogAppendTime' : 'CreateTime',
          leaderEpoch: -1,
          key: message.key,
          value: message.value,
          headers,
        }
        count++
        io.progress.count = count
        let chunk: Buffer | null = null
        try {
          chunk = plan.json ? jsonLine(record) : formatRecord(record, formatter)
        } catch (error) {
          if (!plan.skipMessageOnError) {
            failure = new CommandError(`Error processing message at ${topic}-${partition} offset ${message.offset}: ${(error as Error).message}`)
            return end('stopped')
          }
          io.err(`Error processing message, skipping this message: ${(error as Error).message}`)
        }
        if (chunk && !io.write(chunk)) return end('output-closed')
        if (plan.maxMessages >= 0 && count >= plan.maxMessages) end('max-messages')
      },
    })
    const timer = setInterval(() => {
      if (io.stopped()) end('stopped')
      else if (Date.now() - lastActivity > plan.timeoutMs) end('timeout')
    }, 100)
    await finished
    clearInterval(timer)
  } finally {
    await consumer.disconnect().catch(() => undefined)
  }
  if (failure) throw failure
  return {count, reason}
}
