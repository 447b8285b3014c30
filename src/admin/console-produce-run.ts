// The console producer's main loop: input lines -> records -> producer, then
// flush. Kept apart from the parsing rules (console-producer.ts) so those stay pure.

import {readPropertiesFile, parseKeyValues} from '../client/client-properties.js'
import type {ClientProperties} from '../client/client-properties.js'
import type {KafkaClient} from '../client/client.js'
import {Producer, type ProducerRecord} from '../client/producer.js'
import {lineReaderConfig, openInput, parseJsonLine, parseLine, producerOptions, type ProducerFlagValues, readLines} from './console-producer.js'

export interface ConsoleProduceFlags extends ProducerFlagValues {
  topic?: string
  partition?: number
  file?: string
  'input-format'?: string
  property?: string[]
  'reader-property'?: string[]
  'reader-config'?: string
}

/** Produces every record of the input; resolves with the number acknowledged. */
export async function runConsoleProducer(client: KafkaClient, flags: ConsoleProduceFlags, props: ClientProperties, onCleanup: (fn: () => unknown) => void): Promise<number> {
  const readerProps = new Map<string, string>()
  if (flags['reader-config'] !== undefined) for (const [k, v] of readPropertiesFile(flags['reader-config'], '--reader-config')) readerProps.set(k, v)
  for (const [k, v] of parseKeyValues([...(flags.property ?? []), ...(flags['reader-property'] ?? [])], '--property')) readerProps.set(k, v)
  const reader = lineReaderConfig(readerProps)
  const producer = new Producer(client, producerOptions(flags, props))
  onCleanup(() => producer.close())
  const json = flags['input-format'] === 'json'
  const input = openInput(flags.file)
  const prompt = !json && input === process.stdin && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY)
  let lineNumber = 0
  const inputError = new Promise<never>((_, reject) =>
    input.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`cannot read ${flags.file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`))),
  )
  inputError.catch(() => undefined)
  const consume = async () => {
    if (prompt) process.stdout.write('>')
    for await (const line of readLines(input)) {
      lineNumber++
      let record: ProducerRecord
      if (json) {
        const parsed = parseJsonLine(line, lineNumber)
        if (parsed === null) continue
        const topic = flags.topic ?? parsed.topic
        if (topic === undefined) throw new Error(`Line ${lineNumber}: the record names no topic and no --topic was given`)
        record = {topic, partition: flags.partition ?? parsed.partition, timestamp: parsed.timestamp, key: parsed.key, value: parsed.value, headers: parsed.headers}
      } else {
        record = {topic: flags.topic!, partition: flags.partition, ...parseLine(line, lineNumber, reader)}
      }
      await producer.send(record)
      if (prompt) process.stdout.write('>')
    }
  }
  try {
    await Promise.race([consume(), inputError])
  } catch (error) {
    // Kafka's producer still delivers what was read before the bad line.
    await producer.flush().catch(() => undefined)
    throw error
  }
  await producer.flush()
  return producer.acknowledged
}
