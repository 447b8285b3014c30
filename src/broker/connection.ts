// One client connection: frames in, responses out in request order.
// Requests are dispatched as soon as they are read (handlers may finish out
// of order); finished responses wait in a slot until every earlier one has
// been written, so a pipelining client always sees responses in the order it
// sent requests. Reading pauses while too many requests are in flight or the
// socket's write buffer is full. A bad frame closes this connection only, and
// only after every request before it has been answered, as Kafka (which reads
// the next request only once the previous one is answered) would have.

import type {Socket} from 'node:net'

import {fetchBufferPool} from './buffer-pool.js'
import {FrameDecoder} from './framing.js'
import type {Logger} from './logger.js'
import type {BrokerServices, ConnectionInfo} from './request-context.js'
import {processFrame, type Outcome} from './request-processor.js'

export interface ConnectionOptions {
  maxFrameSize: number
  /** Requests in flight before reading pauses. */
  maxInFlight: number
  /** Close after this long without traffic when nothing is in flight (connections.max.idle.ms). */
  idleTimeoutMs: number
}

/** How long a closing connection may take to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2000

export class Connection {
  private readonly decoder: FrameDecoder
  private nextSeq = 0
  private nextToWrite = 0
  /** Finished outcomes waiting for earlier ones; null = no response. */
  private readonly ready = new Map<number, Buffer | Buffer[] | null>()
  private inFlight = 0
  private state: 'open' | 'draining' | 'closing' | 'closed' = 'open'
  private writeBlocked = false
  /** Set by a bad frame: answer everything before `seq`, then close with this reason. */
  private closeAfter: {seq: number; reason: string; level: 'warn' | 'error'} | null = null
  readonly closed: Promise<void>
  private resolveClosed!: () => void

  constructor(
    readonly socket: Socket,
    readonly info: ConnectionInfo,
    private readonly services: BrokerServices,
    private readonly log: Logger,
    private readonly options: ConnectionOptions,
  ) {
    this.decoder = new FrameDecoder(options.maxFrameSize)
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve))
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('drain', () => {
      this.writeBlocked = false
      this.updateReading()
    })
    socket.on('error', (e) => this.log.debug(`Connection ${this.info.connectionId} failed: ${e.message}`))
    socket.on('close', () => {
      this.state = 'closed'
      this.ready.clear()
      this.resolveClosed()
    })
    socket.on('end', () => {
      // The peer half-closed: finish what is in flight, then close our side.
      if (this.state === 'open') this.drain()
    })
    if (options.idleTimeoutMs > 0) {
      // 'timeout' fires after each idle period (setTimeout's own callback would fire only once).
      socket.setTimeout(options.idleTimeoutMs)
      socket.on('timeout', () => {
        if (this.inFlight === 0 && this.state === 'open') {
          this.log.debug(`Closing idle connection ${this.info.connectionId}`)
          socket.destroy()
        }
      })
    }
  }

  /** Stop reading; close once every request read so far has been answered. */
  drain(): void {
    if (this.state !== 'open') return
    this.state = 'draining'
    this.socket.pause()
    this.maybeFinishDraining()
  }

  /** Close now, discarding anything in flight. */
  destroy(): void {
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    if (this.state !== 'open') return
    const frames = this.decoder.push(chunk)
    for (const frame of frames) {
      if (this.state !== 'open') return
      this.dispatch(frame)
    }
    if (this.decoder.failure) this.requestClose(this.nextSeq, this.decoder.failure.message, 'warn')
  }

  private requestClose(seq: number, reason: string, level: 'warn' | 'error'): void {
    if (this.closeAfter === null || seq < this.closeAfter.seq) this.closeAfter = {seq, reason, level}
    if (this.state === 'open') {
      this.state = 'draining'
      this.socket.pause()
    }
    this.flush()
    this.maybeFinishDraining()
  }

  private dispatch(frame: Buffer): void {
    const seq = this.nextSeq++
    this.inFlight++
    let outcome: Outcome | Promise<Outcome>
    try {
      outcome = processFrame(frame, this.info, this.services)
    } catch (e) {
      outcome = {type: 'close', reason: `Unexpected error while processing a request: ${(e as Error).stack ?? e}`, level: 'error'}
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (o) => this.settle(seq, o),
        (e: unknown) => this.settle(seq, {type: 'close', reason: `Unexpected error while processing a request: ${(e as Error)?.stack ?? e}`, level: 'error'}),
      )
    } else {
      this.settle(seq, outcome)
    }
    this.updateReading()
  }

  private settle(seq: number, outcome: Outcome): void {
    this.inFlight--
    if (this.state === 'closing' || this.state === 'closed') return
    if (outcome.type === 'close') {
      this.requestClose(seq, outcome.reason, outcome.level)
      return
    }
    this.ready.set(seq, outcome.type === 'respond' ? outcome.frame : null)
    this.flush()
    this.updateReading()
    this.maybeFinishDraining()
  }

  private flush(): void {
    while (this.ready.has(this.nextToWrite) && (this.closeAfter === null || this.nextToWrite < this.closeAfter.seq)) {
      const frame = this.ready.get(this.nextToWrite)!
      this.ready.delete(this.nextToWrite)
      this.nextToWrite++
      if (frame !== null && !this.write(frame)) this.writeBlocked = true
    }
  }

  /**
   * One frame; a chunked one goes out as a single gathered write, and its
   * chunks go back to the fetch buffer pool once written. Returns false when
   * the socket buffer is full.
   */
  private write(frame: Buffer | Buffer[]): boolean {
    if (!Array.isArray(frame)) return this.socket.write(frame)
    this.socket.cork()
    let ok = true
    for (let i = 0; i < frame.length - 1; i++) ok = this.socket.write(frame[i]!)
    ok = this.socket.write(frame[frame.length - 1]!, () => {
      for (const chunk of frame) fetchBufferPool.release(chunk)
    })
    this.socket.uncork()
    return ok
  }

  private updateReading(): void {
    if (this.state !== 'open') return
    if (this.writeBlocked || this.inFlight >= this.options.maxInFlight) this.socket.pause()
    else this.socket.resume()
  }

  private maybeFinishDraining(): void {
    if (this.state !== 'draining') return
    if (this.closeAfter !== null && this.nextToWrite >= this.closeAfter.seq) this.closeWithReason(this.closeAfter.reason, this.closeAfter.level)
    else if (this.inFlight === 0) this.endGracefully()
  }

  private closeWithReason(reason: string, level: 'warn' | 'error'): void {
    if (this.state === 'closing' || this.state === 'closed') return
    const message = `Closing connection ${this.info.connectionId} from ${this.info.remoteAddress}:${this.info.remotePort}: ${reason}`
    if (level === 'error') this.log.error(message)
    else this.log.warn(message)
    this.endGracefully()
  }

  /** Flush what was written, then close; a peer that never reads is cut off after a grace period. */
  private endGracefully(): void {
    if (this.state === 'closing' || this.state === 'closed') return
    this.state = 'closing'
    this.socket.pause()
    this.socket.end()
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
    timer.unref()
  }
}
