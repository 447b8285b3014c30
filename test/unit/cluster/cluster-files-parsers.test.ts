// The local cluster's config file (cluster.yaml) and the inventory of a real Kafka installation
// (hosts.yaml): what they accept, what they refuse (one clear message each), and the ssh
// command lines the inventory turns into.

import {describe, expect, it} from 'vitest'

import {parseClusterConfig} from '../../../src/cluster/cluster-config.js'
import {hostLine, parseInventory, sshCommand} from '../../../src/cluster/inventory.js'

describe('cluster.yaml', () => {
  it('takes a broker count, a base port, every broker config and per-broker settings', () => {
    const c = parseClusterConfig(
      ['brokers: 3', 'port: 19092', 'config:', '  num.partitions: 3', '  auto.create.topics.enable: false', 'broker:', '  1: {rack: a, port: 29092, config: {num.io.threads: 4}}', '  "2": {rack: b, controller-port: 39093}'].join('\n'),
    )
    expect(c.brokers).toBe(3)
    expect(c.port).toBe(19092)
    expect(c.config).toEqual({'num.partitions': '3', 'auto.create.topics.enable': 'false'})
    expect(c.broker.get(1)).toEqual({rack: 'a', port: 29092, config: {'num.io.threads': '4'}})
    expect(c.broker.get(2)).toEqual({rack: 'b', controllerPort: 39093, config: {}})
  })

  it('takes brokers as a list, ids implied by position', () => {
    const c = parseClusterConfig('brokers:\n  - {rack: a}\n  - {id: 3, rack: c}\n  - {rack: d}\n')
    expect(c.brokers).toBe(4)
    expect([...c.broker.entries()].map(([id, s]) => [id, s.rack])).toEqual([
      [1, 'a'],
      [3, 'c'],
      [4, 'd'],
    ])
  })

  it('is empty for an empty file', () => {
    expect(parseClusterConfig('')).toEqual({config: {}, broker: new Map()})
  })

  it('refuses what it does not understand, naming the place', () => {
    const bad: Array<[string, string]> = [
      ['brokers: 0', 'brokers must be a positive integer or a list of brokers, got 0'],
      ['port: 70000', 'port must be a port number (1-65535), got 70000'],
      ['replicas: 3', "unknown key 'replicas' (expected brokers, port, config, broker)"],
      ['broker:\n  x: {}', "broker key 'x' must be a broker id (1, 2, ...), got \"x\""],
      ['broker:\n  1: {zone: a}', "unknown key 'zone' in broker 1 (expected rack, port, controller-port, config)"],
      ['config: [a]', 'config must be a mapping of broker config names to values'],
      ['brokers: 2\nbroker:\n  3: {}', 'broker 3 is described but the cluster has 2 brokers'],
      ['brokers: [{id: 1}, {id: 1}]', 'broker 1 is described twice'],
      ['a: [', 'cluster.yaml is not valid YAML: '],
    ]
    for (const [text, message] of bad) expect(() => parseClusterConfig(text, 'cluster.yaml'), text).toThrow(message)
  })
})

describe('hosts.yaml', () => {
  it('fills host entries from the defaults and builds the ssh command lines', () => {
    const hosts = parseInventory('kafka-home: /opt/kafka/\nuser: kafka\nssh-options: [-i, /keys/k]\nhosts:\n  - k1\n  - {host: k2, port: 2222, user: root, config: /etc/kafka/s.properties}\n')
    expect(hosts).toEqual([
      {host: 'k1', port: null, user: 'kafka', kafkaHome: '/opt/kafka/', config: '/opt/kafka/config/server.properties', sshOptions: ['-i', '/keys/k']},
      {host: 'k2', port: 2222, user: 'root', kafkaHome: '/opt/kafka/', config: '/etc/kafka/s.properties', sshOptions: ['-i', '/keys/k']},
    ])
    expect(sshCommand(hosts[0]!, 'start')).toEqual([
      'ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-l', 'kafka', '-i', '/keys/k', 'k1', '/opt/kafka/bin/kafka-server-start.sh -daemon /opt/kafka/config/server.properties',
    ])
    expect(sshCommand(hosts[1]!, 'stop')).toEqual(['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-p', '2222', '-l', 'root', '-i', '/keys/k', 'k2', '/opt/kafka/bin/kafka-server-stop.sh'])
  })

  it('words the status line of each host', () => {
    const base = {host: 'k1', command: []}
    expect(hostLine({...base, ok: true, exitCode: 0, detail: ''}, 'start')).toBe('k1: started')
    expect(hostLine({...base, ok: true, exitCode: 1, detail: 'was not running'}, 'stop')).toBe('k1: was not running')
    expect(hostLine({...base, ok: false, exitCode: 255, detail: 'Connection refused'}, 'stop')).toBe('k1: FAILED (ssh failed (exit 255)): Connection refused')
    expect(hostLine({...base, ok: false, exitCode: null, detail: ''}, 'start')).toBe('k1: FAILED (timed out)')
  })
})
