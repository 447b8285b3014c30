// `tskafka cluster start|stop --inventory hosts.yaml` for real Kafka installations: Kafka's own
// start/stop scripts run on each host over ssh. A stand-in `ssh` on PATH records what it was
// asked to run and answers as ssh would (a refused connection, a script's exit status).

import {execFile} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const RUN = join(ROOT, 'bin', 'run.js')

let dir: string
let sshLog: string

const FAKE_SSH = `#!/bin/sh
# Stand-in ssh: logs its arguments, one call per line, then behaves like ssh to a few made-up hosts.
printf '%s\\n' "$*" >> "$SSH_LOG"
for last; do :; done
case "$*" in
  *down.example*) echo "ssh: connect to host down.example port 22: Connection refused" >&2; exit 255 ;;
  *idle.example*kafka-server-stop.sh*) echo "No kafka server to stop"; exit 1 ;;
  *broken.example*kafka-server-start.sh*) echo "Error: Could not find or load main class kafka.Kafka" >&2; exit 1 ;;
esac
exit 0
`

function cli(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((done) => {
    const env = {...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, SSH_LOG: sshLog, TSKAFKA_HOME: join(dir, 'home'), TSKAFKA_CONFIG: join(dir, 'contexts.yaml')}
    execFile(process.execPath, [RUN, ...args], {env, timeout: 60_000}, (error, stdout, stderr) => {
      done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
  })
}

function calls(): string[] {
  try {
    return readFileSync(sshLog, 'utf8').trim().split('\n').filter((l) => l !== '')
  } catch {
    return []
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskafka-inventory-'))
  mkdirSync(join(dir, 'bin'))
  writeFileSync(join(dir, 'bin', 'ssh'), FAKE_SSH)
  chmodSync(join(dir, 'bin', 'ssh'), 0o755)
  sshLog = join(dir, 'ssh.log')
})

afterAll(() => {
  rmSync(dir, {recursive: true, force: true})
})

describe('cluster start|stop --inventory', () => {
  it('starts Kafka on every host in order with kafka-server-start.sh -daemon, a status line per host', async () => {
    const inventory = join(dir, 'hosts.yaml')
    writeFileSync(
      inventory,
      [
        'kafka-home: /opt/kafka',
        'user: kafka',
        'hosts:',
        '  - kafka1.example',
        '  - host: kafka2.example',
        '    port: 2222',
        '    config: /etc/kafka/server.properties',
        '  - host: kafka3.example',
        '    kafka-home: /srv/kafka 3.9',
        '    user: root',
        '',
      ].join('\n'),
    )
    rmSync(sshLog, {force: true})
    const r = await cli(['cluster', 'start', '--inventory', inventory])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('kafka1.example: started\nkafka2.example: started\nkafka3.example: started\n')
    expect(calls()).toEqual([
      '-o BatchMode=yes -o ConnectTimeout=10 -l kafka kafka1.example /opt/kafka/bin/kafka-server-start.sh -daemon /opt/kafka/config/server.properties',
      '-o BatchMode=yes -o ConnectTimeout=10 -p 2222 -l kafka kafka2.example /opt/kafka/bin/kafka-server-start.sh -daemon /etc/kafka/server.properties',
      "-o BatchMode=yes -o ConnectTimeout=10 -l root kafka3.example '/srv/kafka 3.9/bin/kafka-server-start.sh' -daemon '/srv/kafka 3.9/config/server.properties'",
    ])
  })

  it('stops in reverse order with kafka-server-stop.sh; a host with nothing running is not a failure', async () => {
    const inventory = join(dir, 'stop.yaml')
    writeFileSync(inventory, 'kafka-home: /opt/kafka\nhosts: [kafka1.example, idle.example, kafka3.example]\n')
    rmSync(sshLog, {force: true})
    const r = await cli(['cluster', 'stop', '--inventory', inventory])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('kafka3.example: stopped\nidle.example: was not running\nkafka1.example: stopped\n')
    expect(calls()).toEqual(['kafka3.example', 'idle.example', 'kafka1.example'].map((h) => `-o BatchMode=yes -o ConnectTimeout=10 ${h} /opt/kafka/bin/kafka-server-stop.sh`))
  })

  it('reports a failing host, goes on with the others, and exits 1', async () => {
    const inventory = join(dir, 'failing.yaml')
    writeFileSync(inventory, 'kafka-home: /opt/kafka\nhosts: [down.example, broken.example, kafka3.example]\n')
    rmSync(sshLog, {force: true})
    const r = await cli(['cluster', 'start', '--inventory', inventory])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe(
      [
        'down.example: FAILED (ssh failed (exit 255)): ssh: connect to host down.example port 22: Connection refused',
        'broken.example: FAILED (exit 1): Error: Could not find or load main class kafka.Kafka',
        'kafka3.example: started',
        '',
      ].join('\n'),
    )
    expect(calls()).toHaveLength(3)
  })

  it('refuses a bad inventory with one clear line', async () => {
    const inventory = join(dir, 'bad.yaml')
    for (const [text, message] of [
      ['hosts: []\n', 'hosts must be a non-empty list of host names or host entries'],
      ['hosts: [kafka1.example]\n', 'hosts[0] (kafka1.example) has no kafka-home, and there is no default kafka-home'],
      ['kafka-home: /opt/kafka\nhosts: [{host: a, port: 99999}]\n', 'hosts[0].port must be an ssh port number'],
    ]) {
      writeFileSync(inventory, text)
      const r = await cli(['cluster', 'start', '--inventory', inventory])
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(`Error: ${inventory}: ${message}\n`)
    }
    const missing = await cli(['cluster', 'stop', '--inventory', join(dir, 'nope.yaml')])
    expect(missing.stderr).toBe(`Error: cannot read the inventory ${join(dir, 'nope.yaml')}: no such file\n`)
  })
})
