// Kafka's wire framing: every request and response is an int32 big-endian
// size followed by that many bytes. The decoder collects TCP chunks and cuts
// them into frames, enforcing socket.request.max.bytes before buffering, as
// Kafka's NetworkReceive does, so a bogus huge size costs nothing.

export class FrameError extends Error {
  override name = 'FrameError'
}

export class FrameDecoder {
  private chunks: Buffer[] = []
  private buffered = 0
  /** The size of the frame being collected, or -1 while its size prefix is incomplete. */
  private need = -1

  /** Set once a frame size is invalid; the stream cannot be resynchronised after that. */
  failure: FrameError | null = null

  constructor(readonly maxFrameSize: number) {}

  /** Bytes received but not yet returned as frames. */
  get pendingBytes(): number {
    return this.buffered
  }

  /**
   * Adds a chunk and returns the complete frames it finishes (without their
   * size prefix). A negative or oversized frame size sets `failure` and ends
   * decoding; the frames before it are still returned.
   */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0 || this.failure) return []
    this.chunks.push(chunk)
    this.buffered += chunk.length
    const frames: Buffer[] = []
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) break
        const size = this.peekInt32()
        if (size < 0 || size > this.maxFrameSize) {
          this.failure = new FrameError(size < 0 ? `Invalid receive (size = ${size})` : `Invalid receive (size = ${size} larger than ${this.maxFrameSize})`)
          this.chunks = []
          this.buffered = 0
          break
        }
        this.consume(4)
        this.need = size
      }
      if (this.buffered < this.need) break
      frames.push(this.consume(this.need))
      this.need = -1
    }
    return frames
  }

  private peekInt32(): number {
    const first = this.chunks[0]!
    if (first.length >= 4) return first.readInt32BE(0)
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 8))
    return head.readInt32BE(0)
  }

  /** Removes n bytes from the front; zero-copy when they lie in one chunk. */
  private consume(n: number): Buffer {
    this.buffered -= n
    const first = this.chunks[0]
    if (n === 0) return Buffer.alloc(0)
    if (first!.length === n) {
      this.chunks.shift()
      return first!
    }
    if (first!.length > n) {
      this.chunks[0] = first!.subarray(n)
      return first!.subarray(0, n)
    }
    const out = Buffer.allocUnsafe(n)
    let off = 0
    while (off < n) {
      const c = this.chunks[0]!
      const take = Math.min(c.length, n - off)
      c.copy(out, off, 0, take)
      off += take
      if (take === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(take)
    }
    return out
  }
}

/** Prepends the int32 size to a payload. */
export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length)
  out.writeInt32BE(payload.length, 0)
  payload.copy(out, 4)
  return out
}
