// Kafka client properties (what --command-config, --producer.config and
// --consumer.config files hold) mapped onto the CLI's client: bootstrap.servers,
// client.id, timeouts, security.protocol, sasl.mechanism + sasl.jaas.config
// (PLAIN and SCRAM login modules) and the ssl.* settings that have a PEM form.

import {readFileSync} from 'node:fs'
import type {ConnectionOptions as TlsConnectionOptions} from 'node:tls'

import {parseProperties} from '../config/properties.js'
import {DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS} from './client.js'
import {UsageError} from '../cli/errors.js'
import {ClientConfigError} from './errors.js'
import {SASL_MECHANISMS, type SaslCredentials, type SaslMechanism} from './sasl.js'

export type ClientProperties = Map<string, string>

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number]

/** Reads a .properties file; a missing or unreadable file is a ClientConfigError naming the flag. */
export function readPropertiesFile(path: string, flag: string): ClientProperties {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new ClientConfigError(`cannot read ${flag} file ${path}: ${why}`)
  }
  try {
    return parseProperties(text)
  } catch (error) {
    throw new ClientConfigError(`cannot parse ${flag} file ${path}: ${(error as Error).message}`)
  }
}

/** `key=value` strings (as --producer-property takes them) into properties; a missing '=' is an error naming the flag. */
export function parseKeyValues(entries: readonly string[], flag: string): ClientProperties {
  const out: ClientProperties = new Map()
  for (const entry of entries) {
    const eq = entry.indexOf('=')
    if (eq <= 0) throw new UsageError(`invalid ${flag} '${entry}': expected key=value`)
    out.set(entry.slice(0, eq).trim(), entry.slice(eq + 1).trim())
  }
  return out
}

export interface JaasLogin {
  loginModule: string
  options: Map<string, string>
}

/**
 * Parses a sasl.jaas.config value: `<LoginModule class> <flag> key="value" ...;`.
 * Values may be quoted (with \" escapes) or bare.
 */
export function parseJaasConfig(text: string): JaasLogin {
  const s = text.trim()
  const bad = (why: string): never => {
    throw new ClientConfigError(`invalid sasl.jaas.config: ${why}`)
  }
  let i = 0
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++
  }
  const word = () => {
    const start = i
    while (i < s.length && !/[\s=;]/.test(s[i]!)) i++
    return s.slice(start, i)
  }
  skipSpace()
  const loginModule = word()
  if (!loginModule) bad('no login module class')
  skipSpace()
  const flag = word()
  if (!['required', 'requisite', 'sufficient', 'optional'].includes(flag)) bad(`expected a control flag (required) after ${loginModule}, found '${flag}'`)
  const options = new Map<string, string>()
  for (;;) {
    skipSpace()
    if (i >= s.length) bad('missing the closing ;')
    if (s[i] === ';') break
    const key = word()
    if (!key) bad(`unexpected '${s[i]}'`)
    skipSpace()
    if (s[i] !== '=') bad(`expected = after ${key}`)
    i++
    skipSpace()
    let value = ''
    if (s[i] === '"') {
      i++
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++
        value += s[i++]
      }
      if (s[i] !== '"') bad(`unterminated quoted value for ${key}`)
      i++
    } else {
      value = word()
    }
    options.set(key, value)
  }
  return {loginModule, options}
}

export function securityProtocolOf(props: ClientProperties): SecurityProtocol {
  const raw = (props.get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase()
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(raw)) {
    throw new ClientConfigError(`Invalid value ${props.get('security.protocol')} for configuration security.protocol: String must be one of: ${SECURITY_PROTOCOLS.join(', ')}`)
  }
  return raw as SecurityProtocol
}

function saslCredentials(props: ClientProperties): SaslCredentials {
  const mechanism = (props.get('sasl.mechanism') ?? 'GSSAPI').trim().toUpperCase()
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new ClientConfigError(`sasl.mechanism ${mechanism} is not supported; use one of ${SASL_MECHANISMS.join(', ')}`)
  }
  const jaas = props.get('sasl.jaas.config')
  if (!jaas) throw new ClientConfigError(`sasl.jaas.config is required for sasl.mechanism=${mechanism} (e.g. org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";)`)
  const login = parseJaasConfig(jaas)
  const username = login.options.get('username')
  const password = login.options.get('password')
  if (username === undefined || password === undefined) throw new ClientConfigError('sasl.jaas.config needs username="..." and password="..."')
  return {mechanism: mechanism as SaslMechanism, username, password}
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    throw new ClientConfigError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
}

function tlsOptions(props: ClientProperties): TlsConnectionOptions {
  const out: TlsConnectionOptions = {}
  const trustType = (props.get('ssl.truststore.type') ?? (props.has('ssl.truststore.certificates') ? 'PEM' : 'JKS')).toUpperCase()
  const trustLocation = props.get('ssl.truststore.location')
  if (props.has('ssl.truststore.certificates')) out.ca = props.get('ssl.truststore.certificates')!
  else if (trustLocation) {
    if (trustType === 'PEM') out.ca = readPem(trustLocation, 'ssl.truststore.location')
    else throw new ClientConfigError(`ssl.truststore.type ${trustType} is not supported; convert the trust store to PEM (keytool -exportcert -rfc) and set ssl.truststore.type=PEM`)
  }
  const keyType = (props.get('ssl.keystore.type') ?? (props.has('ssl.keystore.key') ? 'PEM' : 'JKS')).toUpperCase()
  const passphrase = props.get('ssl.key.password') ?? props.get('ssl.keystore.password')
  if (props.has('ssl.keystore.key')) {
    out.key = props.get('ssl.keystore.key')!
    out.cert = props.get('ssl.keystore.certificate.chain')
  } else if (props.get('ssl.keystore.location')) {
    const location = props.get('ssl.keystore.location')!
    if (keyType === 'PEM') {
      const pem = readPem(location, 'ssl.keystore.location')
      out.key = pem
      out.cert = pem
    } else if (keyType === 'PKCS12') {
      out.pfx = readPem(location, 'ssl.keystore.location')
    } else {
      throw new ClientConfigError(`ssl.keystore.type ${keyType} is not supported; use PEM or PKCS12`)
    }
  }
  if (passphrase !== undefined) out.passphrase = passphrase
  // Kafka verifies the host name unless the algorithm is set to empty.
  if ((props.get('ssl.endpoint.identification.algorithm') ?? 'https').trim() === '') out.checkServerIdentity = () => undefined
  return out
}

function positiveInt(props: ClientProperties, key: string, fallback: number): number {
  const raw = props.get(key)
  if (raw === undefined) return fallback
  const n = Number(raw.trim())
  if (!Number.isInteger(n) || n <= 0) throw new ClientConfigError(`Invalid value ${raw} for configuration ${key}: Not a number of type INT`)
  return n
}

export interface ClientSecurity {
  securityProtocol: SecurityProtocol
  tls: TlsConnectionOptions | null
  sasl: SaslCredentials | null
  clientId: string
  connectTimeoutMs: number
  requestTimeoutMs: number
}

/** The client settings these properties ask for; throws ClientConfigError on anything the client cannot honour. */
export function clientSecurity(props: ClientProperties, defaultClientId: string): ClientSecurity {
  const securityProtocol = securityProtocolOf(props)
  const usesTls = securityProtocol === 'SSL' || securityProtocol === 'SASL_SSL'
  const usesSasl = securityProtocol === 'SASL_PLAINTEXT' || securityProtocol === 'SASL_SSL'
  return {
    securityProtocol,
    tls: usesTls ? tlsOptions(props) : null,
    sasl: usesSasl ? saslCredentials(props) : null,
    clientId: props.get('client.id') ?? defaultClientId,
    connectTimeoutMs: positiveInt(props, 'socket.connection.setup.timeout.ms', DEFAULT_CONNECT_TIMEOUT_MS),
    requestTimeoutMs: positiveInt(props, 'request.timeout.ms', DEFAULT_REQUEST_TIMEOUT_MS),
  }
}
