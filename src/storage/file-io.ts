// Small synchronous file helpers. The storage engine runs on the broker's
// event loop, the single owner of partition state, so it uses positional
// sync I/O (pread/pwrite): one syscall per call, no promise churn, and the
// page cache makes reads of recently written data memory speed.

import {closeSync, fsyncSync, openSync, readSync, renameSync, writeSync} from 'node:fs'
import {dirname} from 'node:path'

/** pwrite the whole of `buf[off, off+len)` at `position` (retrying short writes). */
export function writeFully(fd: number, buf: Uint8Array, off: number, len: number, position: number): void {
  while (len > 0) {
    const n = writeSync(fd, buf, off, len, position)
    off += n
    len -= n
    position += n
  }
}

/** pread up to `len` bytes into `buf` at `off`; returns the bytes read (short only at end of file). */
export function readFully(fd: number, buf: Uint8Array, off: number, len: number, position: number): number {
  let total = 0
  while (len > 0) {
    const n = readSync(fd, buf, off, len, position)
    if (n === 0) break
    total += n
    off += n
    len -= n
    position += n
  }
  return total
}

/** fsync a directory so a rename or a new file in it survives a crash. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some platforms and file systems refuse to fsync directories; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * Replace `path` atomically, as Kafka's CheckpointFile does: write `<path>.tmp`,
 * fsync it (when `sync`), rename it over `path`, then fsync the directory.
 */
export function atomicWriteFile(path: string, data: string | Buffer, sync = true): void {
  const tmp = `${path}.tmp`
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  const fd = openSync(tmp, 'w')
  try {
    writeFully(fd, bytes, 0, bytes.length, 0)
    if (sync) fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  if (sync) fsyncDir(dirname(path))
}
