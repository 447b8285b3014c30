// The real Kafka peers that tests run against tskafka: Apache Kafka's own shell tools and Java
// client, kcat (librdkafka), and Python's confluent-kafka and kafka-python. They are installed by
// `npm run peers` (scripts/install-peers.sh) into a cache outside the repo; this module finds them
// and runs them as child processes, always with a timeout so a hung peer fails a test instead of
// hanging the run.

import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync} from 'node:fs'
import {homedir} from 'node:os'
import {basename, dirname, isAbsolute, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const PEERS_SRC = join(REPO_ROOT, 'scripts', 'peers')
/** Debian's interpreter: the one whose site-packages hold python3-confluent-kafka and python3-kafka. */
export const SYSTEM_PYTHON = '/usr/bin/python3'

const DEFAULT_TIMEOUT_MS = 60_000
const INSTALL_HINT = 'run `npm run peers` (bash scripts/install-peers.sh) to install them'

export interface RunOptions {
  /** Written to the child's stdin, which is then closed (stdin is always closed). */
  input?: string | Buffer
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/** Where install-peers.sh puts the peers (TSKAFKA_PEERS_DIR overrides, as in the script). */
export function peersDir(): string {
  return process.env.TSKAFKA_PEERS_DIR || join(homedir(), '.cache', 'tskafka', 'peers')
}

let cachedVersion: string | undefined
/** The Apache Kafka version pinned in scripts/peers/pom.xml. */
export function kafkaVersion(): string {
  if (cachedVersion === undefined) {
    const pom = readFileSync(join(PEERS_SRC, 'pom.xml'), 'utf8')
    const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)
    if (!m) throw new Error('scripts/peers/pom.xml names no <kafka.version>')
    cachedVersion = m[1].trim()
  }
  return cachedVersion
}

export function kafkaHome(): string {
  return join(peersDir(), `kafka-${kafkaVersion()}`)
}

/** Classpath of every Kafka jar (broker, tools, clients and their dependencies). */
export function kafkaClasspath(): string {
  return join(kafkaHome(), 'libs', '*')
}

/** Path of one of Kafka's shell tools, named as Kafka names it: 'kafka-topics' or 'kafka-topics.sh'. */
export function kafkaBin(tool: string): string {
  const name = tool.endsWith('.sh') ? tool : `${tool}.sh`
  return join(kafkaHome(), 'bin', name)
}

/** Peers that are not installed, each as a short description; empty when all are there. */
export function missingPeers(): string[] {
  const missing: string[] = []
  if (!existsSync(join(kafkaHome(), '.installed')) || !existsSync(kafkaBin('kafka-topics'))) {
    missing.push(`Apache Kafka ${kafkaVersion()} (expected in ${kafkaHome()})`)
  }
  if (!onPath('kcat')) missing.push('kcat')
  if (!existsSync(SYSTEM_PYTHON)) missing.push(SYSTEM_PYTHON)
  else {
    for (const mod of ['confluent_kafka', 'kafka']) {
      // Cheap presence check without starting an interpreter per call.
      if (!pythonModuleInstalled(mod)) missing.push(`${SYSTEM_PYTHON} module ${mod}`)
    }
  }
  if (!onPath('java')) missing.push('java')
  return missing
}

export function hasPeers(): boolean {
  return missingPeers().length === 0
}

/**
 * Throws a one-paragraph error naming what is missing and how to install it. Suites that need
 * peers call this in beforeAll, so a machine (or CI run) without them fails loudly, never skips.
 */
export function assertPeers(): void {
  const missing = missingPeers()
  if (missing.length > 0) {
    throw new Error(`Kafka test peers are missing: ${missing.join(', ')}; ${INSTALL_HINT}`)
  }
}

/** Runs one of Kafka's shell tools (JVM start included: allow a few seconds). */
export function runKafkaTool(tool: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(kafkaBin(tool), args, opts)
}

/** Runs kcat; pass `input` for produce mode (-P). */
export function runKcat(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('kcat', args, opts)
}

/**
 * Runs a Python program with Debian's /usr/bin/python3. `script` is a path: absolute, or relative to
 * scripts/peers/python/.
 */
export function runPython(script: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  const path = isAbsolute(script) ? script : join(PEERS_SRC, 'python', script)
  return run(SYSTEM_PYTHON, [path, ...args], {...opts, env: {PYTHONDONTWRITEBYTECODE: '1', ...opts.env}})
}

/** Runs inline Python code with /usr/bin/python3 (`sys.argv[1:]` are `args`). */
export function runPythonCode(code: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  return run(SYSTEM_PYTHON, ['-c', code, ...args], opts)
}

/**
 * Runs a small single-class Java program (no package) from scripts/peers/java/ with Kafka's jars on
 * the classpath. It is compiled once per source content into the peers cache, which saves the
 * second or so that the single-file source launcher spends compiling on every run.
 */
export async function runJava(sourceFile: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  const source = isAbsolute(sourceFile) ? sourceFile : join(PEERS_SRC, 'java', sourceFile)
  const mainClass = basename(source).replace(/\.java$/, '')
  const classesDir = await compiledJava(source)
  return run(
    'java',
    [...javaClientOpts(), '-cp', `${classesDir}:${kafkaClasspath()}`, mainClass, ...args],
    opts,
  )
}

/** JVM options for short-lived client programs: fast start, quiet logging. */
export function javaClientOpts(): string[] {
  return [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    `-Dlog4j2.configurationFile=${join(kafkaHome(), 'config', 'tools-log4j2.properties')}`,
  ]
}

const compiling = new Map<string, Promise<string>>()

function compiledJava(source: string): Promise<string> {
  let pending = compiling.get(source)
  if (!pending) {
    pending = compileJava(source)
    compiling.set(source, pending)
    pending.catch(() => compiling.delete(source))
  }
  return pending
}

async function compileJava(source: string): Promise<string> {
  const text = readFileSync(source)
  const hash = createHash('sha256').update(text).update(kafkaVersion()).digest('hex').slice(0, 16)
  const root = join(peersDir(), 'java-classes')
  const target = join(root, `${basename(source, '.java')}-${hash}`)
  if (existsSync(target)) return target
  mkdirSync(root, {recursive: true})
  // Compile into a private dir and rename, so concurrent test workers never see half a build.
  const tmp = mkdtempSync(join(root, '.build-'))
  const result = await run('javac', ['-nowarn', '-d', tmp, '-cp', kafkaClasspath(), source], {timeoutMs: 120_000})
  if (result.code !== 0) {
    rmSync(tmp, {recursive: true, force: true})
    throw new Error(`javac ${source} failed:\n${result.stderr}${result.stdout}`)
  }
  try {
    renameSync(tmp, target)
  } catch {
    // Another worker won the race; its build is identical.
    rmSync(tmp, {recursive: true, force: true})
  }
  return target
}

/** Spawns a program, collects its output, and kills it (SIGKILL) if it outlives the timeout. */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: {...process.env, ...opts.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.stdout.on('data', (b: Buffer) => stdout.push(b))
    child.stderr.on('data', (b: Buffer) => stderr.push(b))
    child.stdin.on('error', () => {
      // The program may exit without reading its input; that is its answer, not ours to fail on.
    })
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot run ${command}: ${err.message}; ${INSTALL_HINT}`))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      })
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** A readable summary of a run for assertion messages. */
export function describeRun(what: string, r: RunResult): string {
  const status = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`
  return `${what}: ${status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, program)))
}

function pythonModuleInstalled(module: string): boolean {
  // Debian installs these under dist-packages of the system interpreter.
  const roots = ['/usr/lib/python3/dist-packages', '/usr/local/lib/python3/dist-packages']
  return roots.some((root) => existsSync(join(root, module)))
}
