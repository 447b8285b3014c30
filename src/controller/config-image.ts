// Dynamic config overrides by resource, as the ConfigRecords in the metadata log set them: topic
// overrides (cleanup.policy, retention.ms, ...) and dynamic broker configs, per broker ("1") or
// cluster-wide (""). Static configs from server.properties are not here; BrokerConfig has them.

import {ConfigResourceType, type ConfigRecord} from './metadata-records.js'

const EMPTY: ReadonlyMap<string, string> = new Map()

export class ConfigImage {
  private readonly resources = new Map<string, Map<string, string>>()

  private static key(resourceType: number, resourceName: string): string {
    return `${resourceType}\u0000${resourceName}`
  }

  /** The overrides of one resource (empty when it has none). */
  get(resourceType: number, resourceName: string): ReadonlyMap<string, string> {
    return this.resources.get(ConfigImage.key(resourceType, resourceName)) ?? EMPTY
  }

  topic(name: string): ReadonlyMap<string, string> {
    return this.get(ConfigResourceType.TOPIC, name)
  }

  /** Names of the resources of a type that have overrides (topic names, broker ids, "" for the default). */
  resourceNames(resourceType: number): string[] {
    const prefix = `${resourceType}\u0000`
    return [...this.resources.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))
  }

  apply(record: ConfigRecord): void {
    const key = ConfigImage.key(record.resourceType, record.resourceName)
    let configs = this.resources.get(key)
    if (record.value === null) {
      configs?.delete(record.name)
      if (configs?.size === 0) this.resources.delete(key)
      return
    }
    if (!configs) this.resources.set(key, (configs = new Map()))
    configs.set(record.name, record.value)
  }

  removeResource(resourceType: number, resourceName: string): void {
    this.resources.delete(ConfigImage.key(resourceType, resourceName))
  }
}
