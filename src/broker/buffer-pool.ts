// Reusable buffers for Fetch reads. Every fetch reads up to a few MiB from
// segment files into fresh memory that lives only until the socket has taken
// it; allocating that anew each time makes V8 run a full garbage collection
// every few dozen megabytes (external memory pressure), which was a quarter
// of the broker's CPU when serving consumers. Reads of 64 KiB or more take a
// buffer from here instead (power-of-two size classes), and the connection
// gives it back once the response holding it has been written.
//
// A buffer is handed out at most once until it comes back: release() of a
// buffer that is not out, or not from the pool, does nothing.

const MIN_POOLED = 64 * 1024
const MAX_POOLED = 16 * 1024 * 1024
/** Free buffers kept at most, in bytes. */
const MAX_FREE_BYTES = 64 * 1024 * 1024

class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>()
  /** Pool buffers, true while handed out. */
  private readonly out = new WeakMap<ArrayBuffer, boolean>()
  private freeBytes = 0

  /** A buffer of exactly `size` bytes (its contents are not cleared). */
  acquire(size: number): Buffer {
    if (size < MIN_POOLED || size > MAX_POOLED) return Buffer.allocUnsafe(size)
    const cls = 2 ** Math.ceil(Math.log2(size))
    const list = this.free.get(cls)
    let ab = list?.pop()
    if (ab === undefined) ab = new ArrayBuffer(cls)
    else this.freeBytes -= cls
    this.out.set(ab, true)
    return Buffer.from(ab, 0, size)
  }

  /** Gives a buffer from acquire() back; anything else is ignored. */
  release(buf: Uint8Array): void {
    const ab = buf.buffer as ArrayBuffer
    if (buf.byteOffset !== 0 || this.out.get(ab) !== true) return
    this.out.set(ab, false)
    if (this.freeBytes + ab.byteLength > MAX_FREE_BYTES) return
    let list = this.free.get(ab.byteLength)
    if (list === undefined) this.free.set(ab.byteLength, (list = []))
    list.push(ab)
    this.freeBytes += ab.byteLength
  }

  get freeBytesHeld(): number {
    return this.freeBytes
  }
}

/** The broker process's pool for fetch reads. */
export const fetchBufferPool = new BufferPool()
