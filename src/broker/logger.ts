// Broker logging in Kafka's log4j layout, "[%d] %p %m (%c)":
//   [2024-10-25 03:33:01,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)
// Lines go to stdout by default; tests pass a sink or a quieter level.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'off'

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'off']

const RANK: Record<LogLevel, number> = {trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 5}
const LABEL: Record<Exclude<LogLevel, 'off'>, string> = {trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR'}

export type LogSink = (line: string) => void

export interface Logger {
  readonly level: LogLevel
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
  level?: LogLevel
  sink?: LogSink
  prefix?: string
  loggerName?: string
}

const stdoutSink: LogSink = (line) => {
  process.stdout.write(line + '\n')
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info'
  const sink = options.sink ?? stdoutSink
  const prefix = options.prefix ?? ''
  const loggerName = options.loggerName ?? 'kafka.Kafka'
  const log = (l: Exclude<LogLevel, 'off'>, message: string) => {
    if (RANK[l] < RANK[level]) return
    try {
      sink(`[${timestamp(new Date())}] ${LABEL[l]} ${prefix}${message} (${loggerName})`)
    } catch {
      // A broken sink (closed stdout) must never take the broker down.
    }
  }
  return {
    level,
    isEnabled: (l) => RANK[l] >= RANK[level],
    trace: (m) => log('trace', m),
    debug: (m) => log('debug', m),
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m),
    child: (p, name) => createLogger({level, sink, prefix: p, loggerName: name}),
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
