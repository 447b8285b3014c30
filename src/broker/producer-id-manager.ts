// Producer ids for InitProducerId without a transactional id. Kafka's brokers
// take blocks of 1000 ids from the controller (AllocateProducerIds, persisted
// as ProducerIdsRecord); a lone combined broker does the same against a small
// file in its first log dir: before it hands out the first id of a block it
// durably records where the next block starts, so ids are never reused after a
// restart (at most the rest of one block is skipped). The controller can take
// this over later by implementing ProducerIdAllocator.

import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {atomicWriteFile} from '../storage/file-io.js'

/** Hands out producer ids, each at most once. */
export interface ProducerIdAllocator {
  nextProducerId(): bigint
}

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000n

export const PRODUCER_ID_FILE = 'tskafka-producer-ids'

const FILE_HEADER = '# The first producer id of the next block this broker may hand out. Written by tskafka.'

/** Producer ids in blocks whose high-water mark lives in `<dir>/tskafka-producer-ids`. */
export class FileProducerIdAllocator implements ProducerIdAllocator {
  private readonly path: string
  private next: bigint
  private blockEnd: bigint

  constructor(dir: string) {
    this.path = join(dir, PRODUCER_ID_FILE)
    const stored = readHighWater(this.path)
    this.next = stored
    this.blockEnd = stored
  }

  nextProducerId(): bigint {
    if (this.next >= this.blockEnd) {
      const end = this.next + PRODUCER_ID_BLOCK_SIZE
      try {
        atomicWriteFile(this.path, `${FILE_HEADER}\nnext.block.start=${end}\n`)
      } catch (e) {
        throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `Could not persist the producer id block in ${this.path}: ${(e as Error).message}`)
      }
      this.blockEnd = end
    }
    return this.next++
  }
}

function readHighWater(path: string): bigint {
  if (!existsSync(path)) return 0n
  const m = /^next\.block\.start=(\d+)\s*$/m.exec(readFileSync(path, 'utf8'))
  if (!m) throw new Error(`${path} does not hold a producer id block (next.block.start=<n>)`)
  return BigInt(m[1]!)
}
