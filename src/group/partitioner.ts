// Which __consumer_offsets partition owns a group: Kafka's
// Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions, with Java's String.hashCode over
// UTF-16 code units, so a group lands on the same partition as it would on Apache Kafka.

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets'

/** Java's String.hashCode (32-bit, over UTF-16 code units). */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's Utils.abs: Math.abs, except that Integer.MIN_VALUE maps to 0. */
function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n)
}

export function partitionForGroup(groupId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions
}
