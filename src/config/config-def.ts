// The machinery of Kafka's ConfigDef: typed definitions with defaults,
// validators, importance, documentation and dynamic-update mode, and the
// parsing rules Kafka applies to string values. Broker and topic configs are
// both built from it, so a value that Kafka rejects is rejected here with the
// same message ("Invalid value abc for configuration num.partitions: Not a
// number of type INT"), and a value Kafka accepts parses to the same thing.
//
// Types map to TypeScript like this: int/short/double -> number, long -> bigint
// (Long.MAX_VALUE is a common default and must print exactly), boolean ->
// boolean, string/class/password -> string, list -> string[].

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * A failed cross-config check that Kafka writes as Scala's require(): where
 * Kafka reports it verbatim (a dynamic config update), the text gains
 * require's "requirement failed: " prefix.
 */
export class RequirementError extends ConfigError {
  override name = 'RequirementError'
}

/** Kafka's ConfigException(name, value, message) text. */
export function invalidValue(name: string, value: unknown, message?: string): ConfigError {
  return new ConfigError(`Invalid value ${javaToString(value)} for configuration ${name}${message === undefined ? '' : `: ${message}`}`)
}

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password'

export type ValueOfType<T extends ConfigType> = T extends 'boolean'
  ? boolean
  : T extends 'int' | 'short' | 'double'
    ? number
    : T extends 'long'
      ? bigint
      : T extends 'list'
        ? string[]
        : string

export type ConfigValue = boolean | number | bigint | string | string[]

export type Importance = 'high' | 'medium' | 'low'

/**
 * How a broker config may change at run time, as Kafka's DynamicBrokerConfig
 * classifies it: read-only configs need a restart, per-broker ones may be
 * altered for one broker id, cluster-wide ones also at the cluster default.
 */
export type DynamicUpdateMode = 'read-only' | 'per-broker' | 'cluster-wide'

export interface Validator {
  /** Throws ConfigError when the parsed value is not acceptable; `type` lets messages print values as Java would. */
  ensureValid(name: string, value: unknown, type?: ConfigType): void
  /** Kafka's rendering of the valid values, e.g. "[1,...]". */
  describe(): string
}

export interface ConfigDefinition<T extends ConfigType = ConfigType, V = unknown> {
  readonly name: string
  readonly type: T
  /** The default, already parsed; null when Kafka's default is null. */
  readonly defaultValue: V
  readonly validator: Validator | null
  readonly importance: Importance
  readonly doc: string
  readonly dynamic: DynamicUpdateMode
  /** Internal configs are accepted but not documented or described. */
  readonly internal: boolean
}

export type AnyConfigDefinition = ConfigDefinition<ConfigType, unknown>

/** The TypeScript type of a definition's value. */
export type DefinitionValue<D> = D extends ConfigDefinition<ConfigType, infer V> ? V : never

interface DefineOptions {
  validator?: Validator
  dynamic?: DynamicUpdateMode
  internal?: boolean
}

/**
 * Builds one definition; the name is filled in by `defineConfigs`. A null
 * default makes the value type nullable.
 */
function make<T extends ConfigType>(type: T) {
  return <D extends ValueOfType<T> | null>(
    defaultValue: D,
    importance: Importance,
    doc: string,
    options: DefineOptions = {},
  ): ConfigDefinition<T, D extends null ? ValueOfType<T> | null : ValueOfType<T>> =>
    ({
      name: '',
      type,
      defaultValue: defaultValue as never,
      validator: options.validator ?? null,
      importance,
      doc,
      dynamic: options.dynamic ?? 'read-only',
      internal: options.internal ?? false,
    })
}

export const define = {
  boolean: make('boolean'),
  string: make('string'),
  int: make('int'),
  short: make('short'),
  long: make('long'),
  double: make('double'),
  list: make('list'),
  class: make('class'),
  password: make('password'),
}

/** Names each definition after its key. */
export function defineConfigs<M extends Record<string, AnyConfigDefinition>>(defs: M): M {
  const named: Record<string, AnyConfigDefinition> = {}
  for (const [name, d] of Object.entries(defs)) named[name] = {...d, name}
  return named as M
}

// ---------------------------------------------------------------------------
// Parsing string values the way ConfigDef.parseType does.

const INT_RE = /^[+-]?\d+$/
// Double.parseDouble: optional sign, NaN/Infinity, decimal with exponent, optional f/d suffix.
const DOUBLE_RE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/

const TYPE_NAME: Record<ConfigType, string> = {
  boolean: 'BOOLEAN',
  string: 'STRING',
  int: 'INT',
  short: 'SHORT',
  long: 'LONG',
  double: 'DOUBLE',
  list: 'LIST',
  class: 'CLASS',
  password: 'PASSWORD',
}

/** Kafka's upper-case type name (INT, LONG, ...), as DescribeConfigs and docs print it. */
export function typeName(type: ConfigType): string {
  return TYPE_NAME[type]
}

function parseInteger(name: string, raw: string, trimmed: string, type: ConfigType, min: bigint, max: bigint): bigint {
  if (!INT_RE.test(trimmed)) throw invalidValue(name, raw, `Not a number of type ${TYPE_NAME[type]}`)
  const v = BigInt(trimmed)
  if (v < min || v > max) throw invalidValue(name, raw, `Not a number of type ${TYPE_NAME[type]}`)
  return v
}

export function parseValue<T extends ConfigType>(name: string, raw: string, type: T): ValueOfType<T>
export function parseValue(name: string, raw: string, type: ConfigType): ConfigValue {
  const trimmed = raw.trim()
  switch (type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase()
      if (lower === 'true') return true
      if (lower === 'false') return false
      throw invalidValue(name, raw, 'Expected value to be either true or false')
    }
    case 'string':
    case 'password':
      return trimmed
    case 'class':
      // Class names cannot be loaded here; keep the name so it can be reported.
      if (trimmed === '') throw invalidValue(name, raw, `Class ${raw} could not be found.`)
      return trimmed
    case 'int':
      return Number(parseInteger(name, raw, trimmed, type, -(2n ** 31n), 2n ** 31n - 1n))
    case 'short':
      return Number(parseInteger(name, raw, trimmed, type, -(2n ** 15n), 2n ** 15n - 1n))
    case 'long':
      return parseInteger(name, raw, trimmed, type, -(2n ** 63n), 2n ** 63n - 1n)
    case 'double': {
      if (!DOUBLE_RE.test(trimmed)) throw invalidValue(name, raw, 'Not a number of type DOUBLE')
      return Number(trimmed.replace(/[fFdD]$/, ''))
    }
    case 'list':
      return trimmed === '' ? [] : trimmed.split(/\s*,\s*/)
  }
}

/** A value rendered back to Kafka's string form (ConfigDef.convertToString). */
export function valueToString(value: unknown, type: ConfigType): string | null {
  if (value === null || value === undefined) return null
  if (type === 'list') return (value as string[]).join(',')
  if (type === 'double') return javaDoubleToString(value as number)
  return String(value)
}

/** Java's Double.toString for the values configs hold (0.5 -> "0.5", 1 -> "1.0", Double.MAX_VALUE -> "1.7976931348623157E308"). */
export function javaDoubleToString(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return 'Infinity'
  if (v === -Infinity) return '-Infinity'
  const abs = Math.abs(v)
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) {
    const [mantissa, exp] = v.toExponential().split('e') as [string, string]
    const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`
    return `${m}E${Number(exp)}`
  }
  const s = String(v)
  return s.includes('.') ? s : `${s}.0`
}

/** How Java's toString would print a parsed value inside an error message. */
function javaToString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`
  if (typeof value === 'number' && !Number.isInteger(value)) return javaDoubleToString(value)
  return String(value)
}

// ---------------------------------------------------------------------------
// Validators with Kafka's messages and descriptions.

function numberText(n: number | bigint): string {
  return String(n)
}

export const Range = {
  atLeast(min: number | bigint): Validator {
    return range(min, null)
  },
  between(min: number | bigint, max: number | bigint): Validator {
    return range(min, max)
  },
}

function range(min: number | bigint | null, max: number | bigint | null): Validator {
  return {
    ensureValid(name, value, type) {
      if (value === null || value === undefined) throw invalidValue(name, null, 'Value must be non-null')
      const n = value as number | bigint
      const shown = type === 'double' ? javaDoubleToString(n as number) : n
      if (min !== null && n < min) throw invalidValue(name, shown, `Value must be at least ${numberText(min)}`)
      if (max !== null && n > max) throw invalidValue(name, shown, `Value must be no more than ${numberText(max)}`)
    },
    describe() {
      if (min === null && max === null) return '[...]'
      if (min === null) return `[...,${numberText(max!)}]`
      if (max === null) return `[${numberText(min)},...]`
      return `[${numberText(min)},...,${numberText(max)}]`
    },
  }
}

export function validString(...valid: string[]): Validator {
  return {
    ensureValid(name, value) {
      if (!valid.includes(value as string)) throw invalidValue(name, value, `String must be one of: ${valid.join(', ')}`)
    },
    describe: () => `[${valid.join(', ')}]`,
  }
}

export function caseInsensitiveValidString(...valid: string[]): Validator {
  const upper = new Set(valid.map((s) => s.toUpperCase()))
  return {
    ensureValid(name, value) {
      if (typeof value !== 'string' || !upper.has(value.toUpperCase())) {
        throw invalidValue(name, value, `String must be one of (case insensitive): ${valid.join(', ')}`)
      }
    },
    describe: () => `(case insensitive) [${valid.join(', ')}]`,
  }
}

export function validList(...valid: string[]): Validator {
  const each = validString(...valid)
  return {
    ensureValid(name, value) {
      for (const v of (value as string[] | null) ?? []) each.ensureValid(name, v)
    },
    describe: () => each.describe(),
  }
}

export const nonEmptyString: Validator = {
  ensureValid(name, value) {
    if (value === '') throw invalidValue(name, value, 'String must be non-empty')
  },
  describe: () => 'non-empty string',
}

export const nonNull: Validator = {
  ensureValid(name, value) {
    if (value === null || value === undefined) throw invalidValue(name, 'null', 'entry must be non null')
  },
  describe: () => 'non-null string',
}

/** A validator with a custom check; `check` returns an error message or null. */
export function lambdaValidator(describe: string, check: (value: unknown) => string | null): Validator {
  return {
    ensureValid(name, value) {
      const problem = check(value)
      if (problem !== null) throw invalidValue(name, value, problem)
    },
    describe: () => describe,
  }
}

/** gzip levels: 1..9 or -1 (Deflater's default). */
export const gzipLevelValidator = lambdaValidator('[1,...,9] or -1', (v) => {
  const level = v as number
  return level > 9 || (level < 1 && level !== -1) ? 'Value must be between 1 and 9 or equal to -1' : null
})

/**
 * Parses a raw string for a definition and validates it; a null raw value
 * means "not supplied" and yields the default (validators run on supplied
 * values and on non-null defaults, as Kafka's ConfigDef.parseValue does).
 */
export function parseAndValidate(def: AnyConfigDefinition, raw: string | null): unknown {
  const value = raw === null ? def.defaultValue : parseValue(def.name, raw, def.type)
  if (def.validator && value !== null && value !== undefined) def.validator.ensureValid(def.name, value, def.type)
  return value
}
