// Record values for `perf produce`, as Kafka's ProducerPerformance makes them:
//   --record-size N      N random upper-case letters (A-Z), new ones per record
//   --payload-file F     one of the file's payloads (split on --payload-delimiter), picked at random
//   --payload-monotonic  the record's index as decimal text
// Kafka draws every byte of every record from its random generator; here each
// record is a window at a random offset into a 4 MiB pool of random letters,
// drawn once. That keeps the data as random and as compressible (letters
// carry log2(26) = 4.7 bits a byte) at the cost of a copy instead of a random
// number per byte, so generating payloads never limits the producer. The
// generators are seeded, so runs are repeatable.

import {readFileSync, statSync} from 'node:fs'
import {resolve} from 'node:path'

export interface PayloadSource {
  /** The value of record `i`; valid until the next call (it may be a view into shared memory). */
  next(i: number): Buffer
  /** Lines printed before the run, as Kafka prints them ("Reading payloads from: ..."). */
  readonly banner: string[]
}

const POOL_SIZE = 4 * 1024 * 1024

/** A small, fast, seeded generator (xorshift32): repeatable runs without Math.random. */
export class SeededRandom {
  private state: number

  constructor(seed = 0x9e3779b9) {
    this.state = seed >>> 0 || 1
  }

  /** An integer in [0, bound). */
  nextInt(bound: number): number {
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return Math.floor((this.state / 0x100000000) * bound)
  }
}

export class RandomLettersPayload implements PayloadSource {
  readonly banner: string[] = []
  private readonly pool: Buffer
  private readonly random = new SeededRandom(1)

  constructor(readonly recordSize: number) {
    const size = Math.max(POOL_SIZE, recordSize * 4)
    this.pool = Buffer.allocUnsafe(size + recordSize)
    const rnd = new SeededRandom(0x2545f491)
    for (let i = 0; i < this.pool.length; i++) this.pool[i] = 65 + rnd.nextInt(26)
  }

  next(): Buffer {
    const at = this.random.nextInt(this.pool.length - this.recordSize + 1)
    return this.pool.subarray(at, at + this.recordSize)
  }
}

export class FilePayload implements PayloadSource {
  readonly banner: string[]
  private readonly random = new SeededRandom(1)

  constructor(readonly payloads: Buffer[], path: string) {
    this.banner = [`Reading payloads from: ${resolve(path)}`, `Number of messages read: ${payloads.length}`]
  }

  next(): Buffer {
    return this.payloads[this.random.nextInt(this.payloads.length)]!
  }
}

export class MonotonicPayload implements PayloadSource {
  readonly banner: string[] = []

  next(i: number): Buffer {
    return Buffer.from(String(i), 'utf8')
  }
}

export class PayloadError extends Error {
  override name = 'PayloadError'
}

/**
 * Splits a payload file as Kafka's Scanner with useDelimiter does: the
 * delimiter is a regular expression, empty tokens between delimiters are
 * skipped. Throws PayloadError for a missing or empty file.
 */
export function readPayloadFile(path: string, delimiter: string): FilePayload {
  let size = -1
  try {
    size = statSync(path).size
  } catch {
    // reported below
  }
  if (size <= 0) throw new PayloadError('File does not exist or empty file provided.')
  const text = readFileSync(path, 'utf8')
  let pattern: RegExp
  try {
    pattern = new RegExp(delimiter, 'u')
  } catch {
    pattern = new RegExp(delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'u')
  }
  const payloads = text
    .split(pattern)
    .filter((t) => t.length > 0)
    .map((t) => Buffer.from(t, 'utf8'))
  if (payloads.length === 0) throw new PayloadError('File does not exist or empty file provided.')
  return new FilePayload(payloads, path)
}

/** The payload delimiter as given on the command line: the two characters \n mean a newline, as in Kafka. */
export function payloadDelimiter(raw: string): string {
  return raw === '\\n' ? '\n' : raw
}
