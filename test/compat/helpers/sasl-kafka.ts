// Apache Kafka with a SASL_PLAINTEXT listener (PLAIN and SCRAM-SHA-256/512)
// and an SSL listener (self-signed PEM certificate) beside its PLAINTEXT one, for the authentication tests. The shared reference
// helper picks its own ports, so this one lays out the listeners itself and
// reuses its server.properties defaults.

import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {KafkaClient} from '../../../src/client/client.js'
import {freePort, randomClusterId, referenceServerProperties} from '../../helpers/kafka-reference.js'
import {assertPeers, describeRun, kafkaBin, runKafkaTool} from '../../helpers/peers.js'

export const SASL_USER = 'alice'
export const SASL_PASSWORD = 'alice-secret'

export interface SaslKafka {
  plaintext: string
  sasl: string
  /** An SSL listener with a self-signed certificate for 127.0.0.1 (PEM keystore). */
  ssl: string
  /** The PEM certificate clients must trust for the SSL listener. */
  caFile: string
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket()
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(1000, () => done(false))
    s.once('error', () => done(false))
    s.connect(port, '127.0.0.1', () => done(true))
  })
}

async function brokerRegistered(port: number): Promise<boolean> {
  try {
    const client = await KafkaClient.connect({bootstrapServers: [`127.0.0.1:${port}`], clientId: 'probe', tls: null, sasl: null, connectTimeoutMs: 2000, requestTimeoutMs: 5000})
    try {
      return (await client.metadata([])).brokers.length > 0
    } finally {
      client.close()
    }
  } catch {
    await new Promise((r) => setTimeout(r, 200))
    return false
  }
}

export async function startSaslKafka(): Promise<SaslKafka> {
  assertPeers()
  const [port, controllerPort, saslPort, sslPort] = [await freePort(), await freePort(), await freePort(), await freePort()]
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-kafka-sasl-'))
  const logDir = join(dir, 'data')
  // A self-signed certificate for the SSL listener; Kafka reads PEM key stores (KIP-651).
  const keyFile = join(dir, 'key.pem')
  const caFile = join(dir, 'cert.pem')
  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], {encoding: 'utf8'})
  if (cert.status !== 0) throw new Error(`openssl could not make a test certificate: ${cert.stderr}`)
  const keystore = join(dir, 'keystore.pem')
  writeFileSync(keystore, readFileSync(keyFile, 'utf8') + readFileSync(caFile, 'utf8'))
  const props = referenceServerProperties({
    nodeId: 1,
    port,
    controllerPort,
    logDir,
    overrides: {
      listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},SASL_PLAINTEXT://127.0.0.1:${saslPort},SSL://127.0.0.1:${sslPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort},SSL://127.0.0.1:${sslPort}`,
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL',
      'listener.name.ssl.ssl.keystore.type': 'PEM',
      'listener.name.ssl.ssl.keystore.location': keystore,
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_USER}="${SASL_PASSWORD}";`,
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    },
  })
  const propsFile = join(dir, 'server.properties')
  writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}\n`).join(''))
  const format = await runKafkaTool('kafka-storage', [
    'format',
    '-t',
    randomClusterId(),
    '-c',
    propsFile,
    '--add-scram',
    `SCRAM-SHA-256=[name=${SASL_USER},password=${SASL_PASSWORD}]`,
    '--add-scram',
    `SCRAM-SHA-512=[name=${SASL_USER},password=${SASL_PASSWORD}]`,
  ])
  if (format.code !== 0) {
    rmSync(dir, {recursive: true, force: true})
    throw new Error(describeRun('kafka-storage format', format))
  }
  const child = spawn(kafkaBin('kafka-server-start'), [propsFile], {
    env: {...process.env, KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m', KAFKA_JVM_PERFORMANCE_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let output = ''
  child.stdout!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-50_000)))
  child.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-50_000)))
  let exited = false
  const exitPromise = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true
      running.delete(child)
      resolve()
    }),
  )
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exitPromise
      clearTimeout(timer)
    }
    rmSync(dir, {recursive: true, force: true})
  }
  const deadline = Date.now() + 90_000
  // The SASL listener opens last; wait for both, then a moment for registration.
  while (!(await portOpen(port)) || !(await portOpen(saslPort)) || !(await portOpen(sslPort))) {
    if (exited || Date.now() > deadline) {
      await stop()
      throw new Error(`Kafka with SASL did not start:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  // Wait until the broker lists itself (registered with the controller).
  for (;;) {
    if (await brokerRegistered(port)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`Kafka with SASL did not answer:\n${output}`)
    }
  }
  return {plaintext: `127.0.0.1:${port}`, sasl: `127.0.0.1:${saslPort}`, ssl: `127.0.0.1:${sslPort}`, caFile, stop}
}
