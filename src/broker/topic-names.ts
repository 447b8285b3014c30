// Kafka's topic name rules (org.apache.kafka.common.internals.Topic):
// 1-249 characters of ASCII letters, digits, '.', '_' and '-', and not "." or "..".

export const MAX_TOPIC_NAME_LENGTH = 249

/** Kafka's message for an illegal topic name (Topic.validate, Kafka 4.x text), or null when the name is legal. */
export function topicNameError(name: string): string | null {
  if (name.length === 0) return 'Topic name is invalid: the empty string is not allowed'
  if (name === '.' || name === '..') return `Topic name is invalid: '${name}' is not allowed`
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is invalid: the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name is invalid: '${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`
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
