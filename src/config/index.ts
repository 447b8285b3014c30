// Typed broker and topic configuration with Kafka's names, types, defaults,
// validators and dynamic-update modes; .properties parsing; meta.properties.
export * from './config-def.js'
export * from './properties.js'
export * from './broker-config-defs.js'
export {
  BrokerConfig,
  defaultLogDir,
  loadBrokerConfig,
  parseListeners,
  unusedConfigsWarning,
  type ConfigSource,
  type ConfigSynonym,
  type Endpoint,
  type LoadOptions,
  type SecurityProtocol,
} from './broker-config.js'
export * from './topic-config.js'
export * from './dynamic-broker-config.js'
export * from './meta-properties.js'
