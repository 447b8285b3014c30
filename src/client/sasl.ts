// SASL client mechanisms: PLAIN (RFC 4616) and SCRAM-SHA-256/512 (RFC 5802,
// RFC 7677), as Kafka's Java client speaks them inside SaslAuthenticate. Pure
// functions over bytes; the connection drives the exchange.

import {createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual} from 'node:crypto'

import {AuthenticationError} from './errors.js'

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']

export interface SaslCredentials {
  mechanism: SaslMechanism
  username: string
  password: string
}

/**
 * One SASL conversation: `first()` gives the client's first message, and
 * `next(challenge)` answers each server message, returning null once the
 * client has nothing more to send (and has verified the server).
 */
export interface SaslExchange {
  first(): Buffer
  next(serverMessage: Buffer): Buffer | null
}

export function saslExchange(creds: SaslCredentials): SaslExchange {
  if (creds.mechanism === 'PLAIN') return plainExchange(creds)
  return scramExchange(creds, creds.mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512')
}

function plainExchange({username, password}: SaslCredentials): SaslExchange {
  return {
    first: () => Buffer.from(`\u0000${username}\u0000${password}`, 'utf8'),
    next: () => null,
  }
}

/** RFC 5802 saslname: ',' and '=' are escaped. */
export function scramSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

function parseScramAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) attrs.set(part.slice(0, eq), part.slice(eq + 1))
  }
  return attrs
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!
  return out
}

export function scramExchange(creds: SaslCredentials, hash: 'sha256' | 'sha512', clientNonce = randomBytes(24).toString('base64url')): SaslExchange {
  const clientFirstBare = `n=${scramSaslName(creds.username)},r=${clientNonce}`
  let step = 0
  let expectedServerSignature: Buffer | undefined
  const hmac = (key: Buffer, data: string | Buffer) => createHmac(hash, key).update(data).digest()
  const keyLength = hash === 'sha256' ? 32 : 64
  return {
    first: () => Buffer.from(`n,,${clientFirstBare}`, 'utf8'),
    next(serverMessage: Buffer): Buffer | null {
      const text = serverMessage.toString('utf8')
      const attrs = parseScramAttributes(text)
      if (attrs.has('e')) throw new AuthenticationError(`SCRAM authentication failed: ${attrs.get('e')}`)
      if (step === 0) {
        step = 1
        const nonce = attrs.get('r')
        const salt = attrs.get('s')
        const iterations = Number(attrs.get('i'))
        if (!nonce || !salt || !Number.isInteger(iterations) || iterations <= 0 || !nonce.startsWith(clientNonce)) {
          throw new AuthenticationError('SCRAM authentication failed: invalid server-first-message')
        }
        const saltedPassword = pbkdf2Sync(Buffer.from(creds.password, 'utf8'), Buffer.from(salt, 'base64'), iterations, keyLength, hash)
        const clientKey = hmac(saltedPassword, 'Client Key')
        const storedKey = createHash(hash).update(clientKey).digest()
        const clientFinalWithoutProof = `c=biws,r=${nonce}`
        const authMessage = `${clientFirstBare},${text},${clientFinalWithoutProof}`
        const clientSignature = hmac(storedKey, authMessage)
        const proof = xor(clientKey, clientSignature).toString('base64')
        const serverKey = hmac(saltedPassword, 'Server Key')
        expectedServerSignature = hmac(serverKey, authMessage)
        return Buffer.from(`${clientFinalWithoutProof},p=${proof}`, 'utf8')
      }
      if (step === 1) {
        step = 2
        const verifier = Buffer.from(attrs.get('v') ?? '', 'base64')
        if (!expectedServerSignature || verifier.length !== expectedServerSignature.length || !timingSafeEqual(verifier, expectedServerSignature)) {
          throw new AuthenticationError('SCRAM authentication failed: the server signature does not match (is this the right broker?)')
        }
        return null
      }
      return null
    },
  }
}
