// Kafka's topic name rules (org.apache.kafka.common.internals.Topic):
// 1-249 characters of ASCII letters, digits, '.', '_' and '-', and not "." or "..".

export const MAX_TOPIC_NAME_LENGTH = 249

/** Kafka's message for an illegal topic name, or null when the name is legal. */
export function topicNameError(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty"
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  }
  return null
}

export function isValidTopicName(name: string): boolean {
  return topicNameError(name) === null
}

/** Topics whose names differ only in '.' versus '_' collide in Kafka's metric names. */
export function topicNamesCollide(a: string, b: string): boolean {
  return a.replace(/\./g, '_') === b.replace(/\./g, '_')
}
