// Where commands connect without --bootstrap-server: the local cluster that
// `tskafka cluster start` recorded, named contexts (tskafka context
// add|use|list|remove) and $TSKAFKA_BOOTSTRAP_SERVER, each end to end through
// the built CLI against real brokers.

import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startBroker, type StartedBroker} from '../../src/index.js'
import {assertCliBuilt, runCli} from '../compat/helpers/cli.js'
import {freePort} from '../helpers/kafka-reference.js'
import {describeRun} from '../helpers/peers.js'

const home = mkdtempSync(join(tmpdir(), 'tskafka-cli-connect-'))
const contexts = join(home, 'contexts.yaml')
const env = {TSKAFKA_HOME: home, TSKAFKA_CONFIG: contexts}

beforeAll(() => assertCliBuilt())
afterAll(() => rmSync(home, {recursive: true, force: true}))

describe('the local cluster is the default', () => {
  let port: number
  beforeAll(async () => {
    port = await freePort()
    const r = await runCli(['cluster', 'start', '--port', String(port)], {env})
    expect(r.code, describeRun('cluster start', r)).toBe(0)
  }, 60_000)
  afterAll(async () => {
    await runCli(['cluster', 'stop'], {env})
  })

  it('topics and console commands find it with no connection flags', async () => {
    const create = await runCli(['topics', 'create', 'local-default'], {env})
    expect(create.stdout, describeRun('create', create)).toBe('Created topic local-default.\n')
    const produce = await runCli(['console', 'produce', '--topic', 'local-default'], {env, input: 'hi\n'})
    expect(produce.code, describeRun('produce', produce)).toBe(0)
    const consume = await runCli(['console', 'consume', '--topic', 'local-default', '--from-beginning', '--max-messages', '1'], {env})
    expect(consume.stdout, describeRun('consume', consume)).toBe('hi\n')
  })

  it('after cluster stop, says there is no broker to connect to', async () => {
    const stop = await runCli(['cluster', 'stop'], {env})
    expect(stop.code, describeRun('stop', stop)).toBe(0)
    const r = await runCli(['topics', '--list'], {env})
    expect(r.code).toBe(1)
    // `cluster start` may also have saved the cluster as a context; either way one line says what to do.
    expect(r.stderr).toMatch(/^Error: (No broker to connect to: .*tskafka cluster start|Cannot connect to 127\.0\.0\.1:\d+: connection refused\. .*context 'local')/)
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
  })
})

describe('contexts and $TSKAFKA_BOOTSTRAP_SERVER', () => {
  const contexts = join(home, 'contexts-2.yaml')
  const env = {TSKAFKA_HOME: home, TSKAFKA_CONFIG: contexts}
  let a: StartedBroker
  let b: StartedBroker
  beforeAll(async () => {
    ;[a, b] = await Promise.all([startBroker({logLevel: 'error'}), startBroker({logLevel: 'error'})])
    for (const [broker, topic] of [
      [a, 'only-on-a'],
      [b, 'only-on-b'],
    ] as const) {
      const r = await runCli(['topics', 'create', topic, '--bootstrap-server', broker.bootstrapServers])
      expect(r.code, describeRun('create', r)).toBe(0)
    }
  })
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('add, use, list and remove contexts; commands follow the current one', async () => {
    expect((await runCli(['context', 'add', 'a', '--bootstrap-server', a.bootstrapServers], {env})).stdout).toMatch(/^Context a saved in .*contexts-2.yaml \(current\)\.\n$/)
    expect((await runCli(['context', 'add', 'b', '--bootstrap-server', b.bootstrapServers, '--property', 'client.id=ctx-b'], {env})).code).toBe(0)
    expect((await runCli(['topics', 'list', '--exclude-internal'], {env})).stdout).toBe('only-on-a\n')
    expect((await runCli(['topics', 'list', '--exclude-internal', '--context', 'b'], {env})).stdout).toBe('only-on-b\n')
    expect((await runCli(['context', 'use', 'b'], {env})).stdout).toBe('Switched to context b.\n')
    expect((await runCli(['topics', 'list', '--exclude-internal'], {env})).stdout).toBe('only-on-b\n')
    const list = await runCli(['context', 'list'], {env})
    expect(list.stdout).toBe(`  a\t${a.bootstrapServers}\n* b\t${b.bootstrapServers}\n`)
    const json = JSON.parse((await runCli(['context', 'list', '--json'], {env})).stdout)
    expect(json).toEqual([
      {name: 'a', current: false, bootstrapServers: a.bootstrapServers, commandConfig: null, properties: []},
      {name: 'b', current: true, bootstrapServers: b.bootstrapServers, commandConfig: null, properties: ['client.id']},
    ])
    expect(readFileSync(contexts, 'utf8')).toContain('client.id: ctx-b')
    // $TSKAFKA_BOOTSTRAP_SERVER wins over the current context, --bootstrap-server over both.
    expect((await runCli(['topics', 'list', '--exclude-internal'], {env: {...env, TSKAFKA_BOOTSTRAP_SERVER: a.bootstrapServers}})).stdout).toBe('only-on-a\n')
    expect((await runCli(['topics', 'list', '--exclude-internal', '--bootstrap-server', a.bootstrapServers], {env: {...env, TSKAFKA_BOOTSTRAP_SERVER: b.bootstrapServers}})).stdout).toBe('only-on-a\n')
    expect((await runCli(['context', 'remove', 'b'], {env})).stdout).toBe('Context b removed. No context is current now; use tskafka context use NAME.\n')
    const gone = await runCli(['topics', 'list', '--context', 'b'], {env})
    expect(gone.code).toBe(1)
    expect(gone.stderr).toBe("Error: No context named 'b' in " + contexts + ' (known: a)\n')
  })
})
