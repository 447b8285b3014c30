import {mkdtempSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {clientSecurity} from '../../../src/client/client-properties.js'
import {connectionHint, resolveConnection} from '../../../src/client/connection-target.js'
import {readContexts, upsertContext, writeContexts} from '../../../src/client/contexts.js'

const dir = mkdtempSync(join(tmpdir(), 'tskafka-conn-'))
const contextsPath = join(dir, 'config.yaml')
const props = join(dir, 'client.properties')
writeFileSync(props, 'bootstrap.servers=fromfile:9092\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";\n')
writeContexts(
  upsertContext(upsertContext({currentContext: null, contexts: []}, {name: 'cur', bootstrapServers: 'cur:1', properties: {'client.id': 'ctx'}}, true), {name: 'other', bootstrapServers: 'other:1', properties: {}}, false),
  contextsPath,
)

const resolve = (req: Parameters<typeof resolveConnection>[0], env: NodeJS.ProcessEnv = {}, local: string | null = null) => resolveConnection(req, {env, contextsPath, localBootstrapServers: () => local})

describe('where a command connects', () => {
  it('--bootstrap-server wins over everything', () => {
    const r = resolve({bootstrapServer: {flag: '--bootstrap-server', value: 'a:1, b:2'}, propertiesFiles: [{flag: '--command-config', path: props}]}, {TSKAFKA_BOOTSTRAP_SERVER: 'env:1'})
    expect(r.bootstrapServers).toEqual(['a:1', 'b:2'])
    expect(r.properties.get('security.protocol')).toBe('SASL_PLAINTEXT')
  })

  it('then bootstrap.servers in a properties file, --context, $TSKAFKA_BOOTSTRAP_SERVER, the current context, the local cluster', () => {
    expect(resolve({propertiesFiles: [{flag: '--command-config', path: props}]}, {TSKAFKA_BOOTSTRAP_SERVER: 'env:1'}).bootstrapServers).toEqual(['fromfile:9092'])
    expect(resolve({context: 'other'}, {TSKAFKA_BOOTSTRAP_SERVER: 'env:1'}).source).toEqual({kind: 'context', name: 'other'})
    expect(resolve({}, {TSKAFKA_BOOTSTRAP_SERVER: 'env:1'}).bootstrapServers).toEqual(['env:1'])
    const current = resolve({})
    expect(current.bootstrapServers).toEqual(['cur:1'])
    expect(current.properties.get('client.id')).toBe('ctx')
    writeContexts({...readContexts(contextsPath), currentContext: null}, contextsPath)
    expect(resolve({}, {}, '127.0.0.1:9092').source).toEqual({kind: 'local-cluster'})
    expect(() => resolve({})).toThrow(/no broker to connect to/)
    writeContexts({...readContexts(contextsPath), currentContext: 'cur'}, contextsPath)
  })

  it('key=value flags win over files', () => {
    const r = resolve({bootstrapServer: {flag: '--bootstrap-server', value: 'a:1'}, propertiesFiles: [{flag: '--producer.config', path: props}], propertyFlags: [{flag: '--producer-property', entries: ['sasl.mechanism=PLAIN']}]})
    expect(clientSecurity(r.properties, 'x').sasl).toEqual({mechanism: 'PLAIN', username: 'u', password: 'p'})
  })

  it('hints name the source of the failing address', () => {
    expect(connectionHint({kind: 'env', variable: 'TSKAFKA_BOOTSTRAP_SERVER'})).toMatch(/\$TSKAFKA_BOOTSTRAP_SERVER/)
    expect(connectionHint({kind: 'local-cluster'})).toMatch(/tskafka cluster status/)
  })

  it('writes the contexts file owner-only', () => {
    expect(statSync(contextsPath).mode & 0o777).toBe(0o600)
  })

  it('maps ssl.* settings with a PEM trust store and no host name check', () => {
    const pem = join(dir, 'ca.pem')
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n')
    const s = clientSecurity(new Map([['security.protocol', 'SSL'], ['ssl.truststore.type', 'PEM'], ['ssl.truststore.location', pem], ['ssl.endpoint.identification.algorithm', '']]), 'x')
    expect(s.tls?.ca?.toString()).toContain('BEGIN CERTIFICATE')
    expect(typeof s.tls?.checkServerIdentity).toBe('function')
    expect(() => clientSecurity(new Map([['security.protocol', 'SSL'], ['ssl.truststore.location', pem]]), 'x')).toThrow(/JKS is not supported; convert the trust store to PEM/)
  })
})
