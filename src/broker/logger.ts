// Broker logging in Kafka's log4j layout, "[%d] %p %m (%c)":
//   [2024-10-25 03:33:01,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)
// Lines go to stdout by default; tests pass a sink or a quieter level.
//
// Like log4j, every logger has a name (kafka.server.KafkaApis) and levels can
// be changed at run time per name (IncrementalAlterConfigs on BROKER_LOGGER):
// a logger takes the level of its nearest configured ancestor, else root's.
// A logger and all its children share one LoggerLevels.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'off'

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'off']

const RANK: Record<LogLevel, number> = {trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 5}
const LABEL: Record<Exclude<LogLevel, 'off'>, string> = {trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR'}

export type LogSink = (line: string) => void

/** The run-time log levels of a logger tree: root's, and those set per logger name. */
export class LoggerLevels {
  private rootLevel: LogLevel
  private readonly configured = new Map<string, LogLevel>()
  private readonly known = new Set<string>()
  private readonly cache = new Map<string, LogLevel>()

  constructor(rootLevel: LogLevel) {
    this.rootLevel = rootLevel
  }

  /** log4j's name of the root logger. */
  static readonly ROOT = 'root'

  /** Records a logger name as existing (loggers exist once something logs through them). */
  register(name: string): void {
    this.known.add(name)
  }

  exists(name: string): boolean {
    return name === LoggerLevels.ROOT || this.known.has(name) || this.configured.has(name)
  }

  /** The level a logger logs at: its own, its nearest configured ancestor's, or root's. */
  effective(name: string): LogLevel {
    if (name === LoggerLevels.ROOT) return this.rootLevel
    const cached = this.cache.get(name)
    if (cached !== undefined) return cached
    let level = this.rootLevel
    for (let n: string = name; ; ) {
      const own = this.configured.get(n)
      if (own !== undefined) {
        level = own
        break
      }
      const dot = n.lastIndexOf('.')
      if (dot < 0) break
      n = n.slice(0, dot)
    }
    this.cache.set(name, level)
    return level
  }

  /** Sets a logger's own level (root's for "root"). */
  set(name: string, level: LogLevel): void {
    if (name === LoggerLevels.ROOT) this.rootLevel = level
    else this.configured.set(name, level)
    this.cache.clear()
  }

  /** Removes a logger's own level, so it inherits again; root keeps its level. */
  unset(name: string): void {
    if (name === LoggerLevels.ROOT) return
    this.configured.delete(name)
    this.cache.clear()
  }

  /** Every logger with its effective level, root first, then by name (what Kafka's Log4jController lists). */
  all(): Array<{name: string; level: LogLevel}> {
    const names = [...new Set([...this.known, ...this.configured.keys()])].sort()
    return [{name: LoggerLevels.ROOT, level: this.rootLevel}, ...names.map((name) => ({name, level: this.effective(name)}))]
  }
}

export interface Logger {
  /** The level this logger currently logs at. */
  readonly level: LogLevel
  /** The run-time levels shared by this logger and its children. */
  readonly levels: LoggerLevels
  isEnabled(level: Exclude<LogLevel, 'off'>): boolean
  trace(message: string): void
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
  /** A logger with the same level and sink, a log-prefix such as "[SocketServer listenerType=BROKER, nodeId=1] " and a logger (class) name. */
  child(prefix: string, loggerName: string): Logger
}

export interface LoggerOptions {
  /** Root level of a new logger tree (ignored when `levels` is given). */
  level?: LogLevel
  /** Share the levels of an existing logger tree. */
  levels?: LoggerLevels
  sink?: LogSink
  prefix?: string
  loggerName?: string
}

const stdoutSink: LogSink = (line) => {
  process.stdout.write(line + '\n')
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const levels = options.levels ?? new LoggerLevels(options.level ?? 'info')
  const sink = options.sink ?? stdoutSink
  const prefix = options.prefix ?? ''
  const loggerName = options.loggerName ?? 'kafka.Kafka'
  levels.register(loggerName)
  const log = (l: Exclude<LogLevel, 'off'>, message: string) => {
    if (RANK[l] < RANK[levels.effective(loggerName)]) return
    try {
      sink(`[${timestamp(new Date())}] ${LABEL[l]} ${prefix}${message} (${loggerName})`)
    } catch {
      // A broken sink (closed stdout) must never take the broker down.
    }
  }
  return {
    get level() {
      return levels.effective(loggerName)
    },
    levels,
    isEnabled: (l) => RANK[l] >= RANK[levels.effective(loggerName)],
    trace: (m) => log('trace', m),
    debug: (m) => log('debug', m),
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m),
    child: (p, name) => createLogger({levels, sink, prefix: p, loggerName: name}),
  }
}

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s)
}

/** log4j's default ISO8601-ish layout: 2024-10-25 03:33:01,123 (local time). */
function timestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
}
