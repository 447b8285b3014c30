// One cluster command at a time per data dir: two concurrent `cluster start`s
// would otherwise both see "not running" and both spawn brokers. The lock is a
// file created with O_EXCL holding the owner's pid; a lock whose owner is gone
// is stale and taken over.

import {closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync} from 'node:fs'
import {join} from 'node:path'

import {isProcessAlive, sleep} from './processes.js'
import {ClusterError} from './state.js'

export const LOCK_FILE_NAME = 'cluster.lock'

export async function withClusterLock<T>(dataDir: string, fn: () => Promise<T>, waitMs = 15_000): Promise<T> {
  const release = await acquireClusterLock(dataDir, waitMs)
  try {
    return await fn()
  } finally {
    release()
  }
}

export async function acquireClusterLock(dataDir: string, waitMs: number): Promise<() => void> {
  mkdirSync(dataDir, {recursive: true})
  const file = join(dataDir, LOCK_FILE_NAME)
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o644)
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      let released = false
      return () => {
        if (released) return
        released = true
        rmSync(file, {force: true})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ClusterError(`cannot create lock file ${file}: ${(error as Error).message}`)
      }
    }
    const owner = readLockOwner(file)
    if (owner === null) {
      // Empty: its owner is between open and write, or died right there.
      if (lockAgeMs(file) > 1000) rmSync(file, {force: true})
      else await sleep(20)
      continue
    }
    if (!isProcessAlive(owner)) {
      rmSync(file, {force: true})
      continue
    }
    if (Date.now() >= deadline) {
      throw new ClusterError(`another tskafka cluster command (pid ${owner}) holds ${file}; wait for it to finish`)
    }
    await sleep(50)
  }
}

function readLockOwner(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function lockAgeMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs
  } catch {
    return 0
  }
}
