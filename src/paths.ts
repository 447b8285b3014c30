// Where tskafka keeps run-time data. Everything lives under one home directory
// (~/.tskafka, or $TSKAFKA_HOME) so a user can see, back up or delete it in one
// place, and tests can point it at a temporary directory.

import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The tskafka home: $TSKAFKA_HOME when set and non-empty, else ~/.tskafka. */
export function tskafkaHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TSKAFKA_HOME?.trim()
  return fromEnv ? resolve(expandTilde(fromEnv)) : join(homedir(), '.tskafka')
}

/** The default data directory of the local cluster (`tskafka cluster start`). */
export function defaultLocalClusterDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(tskafkaHome(env), 'local')
}

/** Resolves a directory the user typed: `~` expands to the home directory. */
export function resolveUserDir(dir: string): string {
  return resolve(expandTilde(dir))
}

function expandTilde(p: string): string {
  if (p === '~') return homedir()
  if (p.startsWith('~/')) return join(homedir(), p.slice(2))
  return p
}

let cachedPackageRoot: string | undefined

/**
 * The root of the installed tskafka package (the directory holding its
 * package.json and bin/run.js). Found by walking up from this file, so it works
 * from dist/src/paths.js and from src/paths.ts (tests run the sources).
 */
export function packageRoot(): string {
  if (cachedPackageRoot) return cachedPackageRoot
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as {name?: string}).name === 'tskafka') {
          cachedPackageRoot = dir
          return dir
        }
      } catch {
        // not our package.json; keep walking
      }
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the tskafka package root (no package.json named "tskafka" above this file)')
    dir = parent
  }
}

/** The CLI entry point, used to start brokers as child processes. */
export function cliEntryPoint(): string {
  return join(packageRoot(), 'bin', 'run.js')
}
