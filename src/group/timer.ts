// Keyed timers for the group coordinator (session, rebalance, join, sync and retention timers).
// Scheduling a key replaces its pending timer, as Kafka's coordinator timer does. Timers are
// unref'd so they never keep a process alive, and a failing callback is logged, never thrown
// into the event loop.

import type {Logger} from '../broker/logger.js'

export class CoordinatorTimer {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private closed = false

  constructor(private readonly log: Logger) {}

  schedule(key: string, delayMs: number, fn: () => void): void {
    if (this.closed) return
    this.cancel(key)
    const t = setTimeout(() => {
      if (this.timers.get(key) !== t) return
      this.timers.delete(key)
      try {
        fn()
      } catch (e) {
        this.log.error(`Timer ${key} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      }
    }, Math.max(0, Math.min(delayMs, 2_147_483_647)))
    t.unref()
    this.timers.set(key, t)
  }

  cancel(key: string): void {
    const t = this.timers.get(key)
    if (t !== undefined) {
      clearTimeout(t)
      this.timers.delete(key)
    }
  }

  isScheduled(key: string): boolean {
    return this.timers.has(key)
  }

  /** Cancels every timer whose key starts with the prefix. */
  cancelPrefix(prefix: string): void {
    for (const key of [...this.timers.keys()]) if (key.startsWith(prefix)) this.cancel(key)
  }

  close(): void {
    this.closed = true
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }
}
