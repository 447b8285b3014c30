// kafkajs's admin client (a real third-party client) describing and altering topic and broker
// configs on the bundled broker through the programmatic API.

import {ConfigResourceTypes, ConfigSource, Kafka, logLevel, type Admin} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startBroker, type StartedBroker} from '../../src/index.js'

describe('kafkajs admin: describeConfigs and alterConfigs', () => {
  let broker: StartedBroker
  let admin: Admin

  beforeAll(async () => {
    broker = await startBroker()
    admin = new Kafka({clientId: 'configs-kafkajs', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING, retry: {retries: 1}}).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'kjs', numPartitions: 1, configEntries: [{name: 'retention.ms', value: '3600000'}]}]})
  })

  afterAll(async () => {
    await admin?.disconnect()
    await broker?.stop()
  })

  it('describes topic configs with sources and synonyms', async () => {
    const {resources} = await admin.describeConfigs({
      includeSynonyms: true,
      resources: [{type: ConfigResourceTypes.TOPIC, name: 'kjs', configNames: ['retention.ms', 'cleanup.policy', 'max.message.bytes']}],
    })
    expect(resources[0]!.errorCode).toBe(0)
    const byName = new Map(resources[0]!.configEntries.map((e) => [e.configName, e]))
    expect(byName.get('retention.ms')).toMatchObject({
      configValue: '3600000',
      configSource: ConfigSource.TOPIC_CONFIG,
      isSensitive: false,
      readOnly: false,
      configSynonyms: [{configName: 'retention.ms', configValue: '3600000', configSource: ConfigSource.TOPIC_CONFIG}],
    })
    expect(byName.get('cleanup.policy')).toMatchObject({configValue: 'delete', configSource: ConfigSource.DEFAULT_CONFIG})
    expect(byName.get('max.message.bytes')!.configSynonyms).toEqual([{configName: 'message.max.bytes', configValue: '1048588', configSource: ConfigSource.DEFAULT_CONFIG}])
  })

  it('describes the broker, read-only flags included', async () => {
    const {resources} = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{type: ConfigResourceTypes.BROKER, name: String(broker.nodeId), configNames: ['log.dirs', 'log.cleaner.threads', 'num.partitions']}],
    })
    const byName = new Map(resources[0]!.configEntries.map((e) => [e.configName, e]))
    expect(byName.get('log.dirs')).toMatchObject({configValue: broker.dataDir, readOnly: true, configSource: ConfigSource.STATIC_BROKER_CONFIG})
    expect(byName.get('log.cleaner.threads')).toMatchObject({configValue: '1', readOnly: false, configSource: ConfigSource.DEFAULT_CONFIG})
    expect(byName.get('num.partitions')).toMatchObject({readOnly: true})
  })

  it('alterConfigs replaces a topic’s overrides and a broker’s dynamic configs', async () => {
    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'kjs', configEntries: [{name: 'segment.ms', value: '1000000'}]}]})
    const {resources} = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'kjs', configNames: ['segment.ms', 'retention.ms']}]})
    const byName = new Map(resources[0]!.configEntries.map((e) => [e.configName, e]))
    expect(byName.get('segment.ms')).toMatchObject({configValue: '1000000', configSource: ConfigSource.TOPIC_CONFIG})
    // The legacy API replaces the whole set: retention.ms is back to the broker default.
    expect(byName.get('retention.ms')).toMatchObject({configValue: '604800000', configSource: ConfigSource.DEFAULT_CONFIG})

    await admin.alterConfigs({
      validateOnly: false,
      resources: [{type: ConfigResourceTypes.BROKER, name: String(broker.nodeId), configEntries: [{name: 'log.cleaner.threads', value: '2'}]}],
    })
    const described = await admin.describeConfigs({
      includeSynonyms: true,
      resources: [{type: ConfigResourceTypes.BROKER, name: String(broker.nodeId), configNames: ['log.cleaner.threads']}],
    })
    expect(described.resources[0]!.configEntries[0]).toMatchObject({configValue: '2', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG})
  })

  it('gets Kafka’s errors', async () => {
    const invalid = await admin
      .alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'kjs', configEntries: [{name: 'retention.ms', value: 'soon'}]}]})
      .catch((e: {type?: string}) => e)
    expect(invalid).toMatchObject({type: 'INVALID_CONFIG'})
    const readOnly = await admin
      .alterConfigs({validateOnly: true, resources: [{type: ConfigResourceTypes.BROKER, name: String(broker.nodeId), configEntries: [{name: 'log.dirs', value: '/x'}]}]})
      .catch((e: {type?: string}) => e)
    expect(readOnly).toMatchObject({type: 'INVALID_REQUEST'})
    const unknown = await admin
      .describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'nosuch'}]})
      .catch((e: {type?: string}) => e)
    expect(unknown).toMatchObject({type: 'UNKNOWN_TOPIC_OR_PARTITION'})
  })
})
