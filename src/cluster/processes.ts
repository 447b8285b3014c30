// Is the pid in the state file still *our* broker? A pid alone is not enough:
// the broker may have died and the pid been reused by another program, and a
// broker we spawned from a long-lived parent (a test runner) lingers as a
// zombie until reaped. We therefore read the process command line and require
// it to be `... broker start --config <that broker's config file>`.

import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'

/** The argv of a live process, or null when it does not exist (or is a zombie). */
export function processCommandLine(pid: number): string[] | null {
  if (!Number.isInteger(pid) || pid <= 0) return null
  if (process.platform === 'linux') {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      // A zombie has an empty cmdline: it is gone in every sense that matters.
      if (raw.length === 0) return null
      return raw.split('\0').filter((part, i, all) => part.length > 0 || i < all.length - 1)
    } catch {
      return null
    }
  }
  // No /proc (macOS, BSD): ask ps. Its output joins argv with spaces, which is
  // enough for the containment test below as long as paths have no spaces.
  try {
    const out = execFileSync('ps', ['-o', 'state=,command=', '-p', String(pid)], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim()
    if (!out || out.startsWith('Z')) return null
    return out.replace(/^\S+\s+/, '').split(/\s+/)
  } catch {
    return null
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** True when pid is a running `tskafka broker start --config <configFile>`. */
export function isBrokerProcess(pid: number | null | undefined, configFile: string): boolean {
  if (pid == null) return false
  const argv = processCommandLine(pid)
  if (!argv) return false
  return commandLineIsBroker(argv, configFile)
}

/** Pure part of isBrokerProcess, separate so it can be unit-tested. */
export function commandLineIsBroker(argv: readonly string[], configFile: string): boolean {
  const joined = argv.join(' ')
  const i = argv.indexOf('broker')
  const startsBroker = i >= 0 && argv[i + 1] === 'start'
  return startsBroker && (argv.includes(configFile) || argv.includes(`--config=${configFile}`) || joined.includes(` --config ${configFile}`))
}

/** Sends a signal, ignoring "no such process". Returns false when the process was already gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

/** Polls until the broker process is gone or timeoutMs passes; true when it is gone. */
export async function waitForBrokerExit(pid: number, configFile: string, timeoutMs: number, pollMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!isBrokerProcess(pid, configFile)) return true
    if (Date.now() >= deadline) return false
    await sleep(pollMs)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
