import {describe, expect, it} from 'vitest'

import {parseJaasConfig} from '../../../src/client/client-properties.js'
import {saslExchange, scramExchange, scramSaslName} from '../../../src/client/sasl.js'

describe('SASL', () => {
  it('PLAIN sends authzid NUL user NUL password', () => {
    const ex = saslExchange({mechanism: 'PLAIN', username: 'alice', password: 'pw'})
    expect(ex.first()).toEqual(Buffer.from('\u0000alice\u0000pw'))
    expect(ex.next(Buffer.alloc(0))).toBeNull()
  })

  it('SCRAM-SHA-256 matches the RFC 7677 test vector', () => {
    const ex = scramExchange({mechanism: 'SCRAM-SHA-256', username: 'user', password: 'pencil'}, 'sha256', 'rOprNGfwEbeRWgbNEkqO')
    expect(ex.first().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')
    const final = ex.next(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))
    expect(final!.toString()).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')
    expect(ex.next(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBeNull()
  })

  it('SCRAM rejects a server that cannot prove it knows the password', () => {
    const ex = scramExchange({mechanism: 'SCRAM-SHA-256', username: 'user', password: 'pencil'}, 'sha256', 'rOprNGfwEbeRWgbNEkqO')
    ex.first()
    ex.next(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))
    expect(() => ex.next(Buffer.from('v=AAAA'))).toThrow(/server signature does not match/)
  })

  it('SCRAM usernames escape = and ,', () => {
    expect(scramSaslName('a=b,c')).toBe('a=3Db=2Cc')
  })

  it('parses sasl.jaas.config with quoted and bare values', () => {
    const j = parseJaasConfig('org.apache.kafka.common.security.scram.ScramLoginModule required username="a \\"b\\"" password=secret tokenauth="true";')
    expect(j.loginModule).toBe('org.apache.kafka.common.security.scram.ScramLoginModule')
    expect(Object.fromEntries(j.options)).toEqual({username: 'a "b"', password: 'secret', tokenauth: 'true'})
  })

  it('rejects a jaas config without the closing semicolon', () => {
    expect(() => parseJaasConfig('x.PlainLoginModule required username="a"')).toThrow(/missing the closing ;/)
  })
})
