// The one place that decides whether a principal may do an operation on a
// resource. Today every request is allowed (Kafka without an authorizer
// configured behaves the same); ACLs slot in here later without touching the
// handlers, which must call authorize() before acting.

/** Kafka's AclOperation codes. */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const
export type AclOperationName = keyof typeof AclOperation

/** Kafka's ResourceType codes. */
export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const
export type ResourceTypeName = keyof typeof ResourceType

export type ConcreteResourceType = 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID' | 'DELEGATION_TOKEN' | 'USER'

export interface Resource {
  type: ConcreteResourceType
  /** Topic or group name; Kafka names the cluster resource "kafka-cluster". */
  name: string
}

export const CLUSTER_RESOURCE: Resource = {type: 'CLUSTER', name: 'kafka-cluster'}

export function topicResource(name: string): Resource {
  return {type: 'TOPIC', name}
}

export function groupResource(name: string): Resource {
  return {type: 'GROUP', name}
}

/** A Kafka principal, "User:ANONYMOUS" for PLAINTEXT listeners. */
export interface KafkaPrincipal {
  principalType: string
  name: string
}

export const ANONYMOUS: KafkaPrincipal = Object.freeze({principalType: 'User', name: 'ANONYMOUS'})

export function principalToString(p: KafkaPrincipal): string {
  return `${p.principalType}:${p.name}`
}

/** What authorization needs to know about the caller. */
export interface AuthorizationSubject {
  principal: KafkaPrincipal
  remoteAddress: string
  listenerName: string
}

/** The operations Kafka supports per resource type (AclEntry.supportedOperations). */
export const SUPPORTED_OPERATIONS: Readonly<Record<ConcreteResourceType, readonly AclOperationName[]>> = {
  TOPIC: ['READ', 'WRITE', 'CREATE', 'DESCRIBE', 'DELETE', 'ALTER', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'],
  GROUP: ['READ', 'DESCRIBE', 'DELETE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'],
  CLUSTER: ['CREATE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE', 'ALTER', 'DESCRIBE'],
  TRANSACTIONAL_ID: ['DESCRIBE', 'WRITE'],
  DELEGATION_TOKEN: ['DESCRIBE'],
  USER: ['CREATE_TOKENS', 'DESCRIBE_TOKENS'],
}

/** Whether the subject may perform the operation on the resource. Allows everything until ACLs exist. */
export function authorize(subject: AuthorizationSubject, operation: AclOperationName, resource: Resource): boolean {
  void subject
  void operation
  void resource
  return true
}

/**
 * The bitfield of operations the subject may perform on a resource, as
 * Metadata and DescribeCluster report it when asked (bit n = AclOperation n).
 */
export function authorizedOperations(subject: AuthorizationSubject, resource: Resource): number {
  let bits = 0
  for (const op of SUPPORTED_OPERATIONS[resource.type]) {
    if (authorize(subject, op, resource)) bits |= 1 << AclOperation[op]
  }
  return bits
}

/** The "not asked for" value of authorized-operations fields (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648
