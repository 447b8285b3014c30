// Broker config definitions with Kafka's names, types, defaults, validators,
// importance, documentation and dynamic-update mode (Kafka 4.x: KafkaConfig,
// ServerConfigs, KRaftConfigs, SocketServerConfigs, ReplicationConfigs,
// ServerLogConfigs/LogConfig, CleanerConfig, GroupCoordinatorConfig,
// TransactionLogConfig, TransactionStateManagerConfig, QuorumConfig,
// ShareCoordinatorConfig; dynamic modes from DynamicBrokerConfig).
//
// Deliberate differences from Kafka: the default of log.dir is under the
// tskafka home (never /tmp), see defaultLogDir().

import {
  caseInsensitiveValidString,
  define,
  defineConfigs,
  gzipLevelValidator,
  nonNull,
  Range,
  validList,
  validString,
  type DefinitionValue,
} from './config-def.js'

const {atLeast, between} = Range

export const LONG_MAX = 9223372036854775807n
export const INT_MAX = 2147483647

const HOUR_MS = 60n * 60n * 1000n
export const DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024
export const DEFAULT_SEGMENT_MS = 7n * 24n * HOUR_MS
export const DEFAULT_RETENTION_MS = 7n * 24n * HOUR_MS
/** 1 MiB plus the 12-byte log overhead (offset + size). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12
export const BROKER_COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const
export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const
/** Kafka's documented default of listener.security.protocol.map. */
export const DEFAULT_LISTENER_SECURITY_PROTOCOL_MAP = 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT'

/**
 * The placeholder default of log.dir. Kafka's is /tmp/kafka-logs; tskafka
 * resolves this marker to <tskafka home>/kafka-logs when the config loads, so
 * DescribeConfigs reports the real path.
 */
export const LOG_DIR_DEFAULT_MARKER = '${tskafka.home}/kafka-logs'

const COMPRESSION_TYPE_DOC =
  "Specify the final compression type for a given topic. This configuration accepts the standard compression codecs ('gzip', 'snappy', 'lz4', 'zstd'). " +
  "It additionally accepts 'uncompressed' which is equivalent to no compression; and 'producer' which means retain the original compression codec set by the producer."

const TIMESTAMP_TYPES = validString('CreateTime', 'LogAppendTime')
const PER_BROKER = {dynamic: 'per-broker'} as const
const CLUSTER_WIDE = {dynamic: 'cluster-wide'} as const

export const BROKER_CONFIG_DEFS = defineConfigs({
  // ---- KRaft
  'process.roles': define.list(null, 'high',
    'The roles that this process plays: \'broker\', \'controller\', or \'broker,controller\' if it is both. ',
    {validator: validList('broker', 'controller')}),
  'node.id': define.int(null, 'high',
    'The node ID associated with the roles this process is playing when <code>process.roles</code> is non-empty. This is required configuration when running in KRaft mode.'),
  'broker.id': define.int(-1, 'high',
    'The broker id for this server.'),
  'controller.listener.names': define.list(null, 'high',
    'A comma-separated list of the names of the listeners used by the controller. This is required when communicating with the controller quorum, the broker will always use the first listener in this list.'),
  'controller.quorum.voters': define.list([], 'high',
    'Map of id/endpoint information for the set of voters in a comma-separated list of <code>{id}@{host}:{port}</code> entries. This is the old way of defining membership for controller quorums and should NOT be set if using dynamic quorums. Instead, controller.quorum.bootstrap.servers should be set,and the voter set is determined by the --standalone or --initial-controllers flags when formatting.For example: <code>1@localhost:9092,2@localhost:9093,3@localhost:9094</code>'),
  'controller.quorum.bootstrap.servers': define.list([], 'high',
    'List of endpoints to use for bootstrapping the cluster metadata. The endpoints are specified in comma-separated list of <code>{host}:{port}</code> entries. For example: <code>localhost:9092,localhost:9093,localhost:9094</code>.'),
  'controller.quorum.election.timeout.ms': define.int(1000, 'high',
    'Maximum time in milliseconds to wait without being able to fetch from the leader before triggering a new election'),
  'controller.quorum.fetch.timeout.ms': define.int(2000, 'high',
    'Maximum time without a successful fetch from the current leader before becoming a candidate and triggering an election for voters; Maximum time a leader can go without receiving valid fetch or fetchSnapshot request from a majority of the quorum before resigning.'),
  'controller.quorum.election.backoff.max.ms': define.int(1000, 'high',
    'Maximum time in milliseconds before starting new elections. This is used in the binary exponential backoff mechanism that helps prevent gridlocked elections'),
  'controller.quorum.append.linger.ms': define.int(25, 'medium',
    'The duration in milliseconds that the leader will wait for writes to accumulate before flushing them to disk.'),
  'controller.quorum.request.timeout.ms': define.int(2000, 'medium',
    'The configuration controls the maximum amount of time the client will wait for the response of a request. If the response is not received before the timeout elapses the client will resend the request if necessary or fail the request if retries are exhausted.'),
  'controller.quorum.retry.backoff.ms': define.int(20, 'low',
    'The amount of time to wait before attempting to retry a failed request to a given topic partition. This avoids repeatedly sending requests in a tight loop under some failure scenarios. This value is the initial backoff value and will increase exponentially for each failed request, up to the <code>retry.backoff.max.ms</code> value.'),
  'metadata.log.dir': define.string(null, 'high',
    'This configuration determines where we put the metadata log. If it is not set, the metadata log is placed in the first log directory from log.dirs.'),
  'metadata.log.segment.bytes': define.int(DEFAULT_SEGMENT_BYTES, 'high', 'The maximum size of a single metadata log file.',
    {validator: atLeast(12)}),
  'metadata.log.segment.ms': define.long(DEFAULT_SEGMENT_MS, 'high', 'The maximum time before a new metadata log file is rolled out (in milliseconds).'),
  'metadata.max.retention.bytes': define.long(100n * 1024n * 1024n, 'high',
    'The maximum combined size of the metadata log and snapshots before deleting old snapshots and log files. Since at least one snapshot must exist before any logs can be deleted, this is a soft limit.'),
  'metadata.max.retention.ms': define.long(DEFAULT_RETENTION_MS, 'high',
    'The number of milliseconds to keep a metadata log file or snapshot before deleting it. Since at least one snapshot must exist before any logs can be deleted, this is a soft limit.'),
  'metadata.max.idle.interval.ms': define.int(500, 'low',
    'This configuration controls how often the active controller should write no-op records to the metadata partition. If the value is 0, no-op records are not appended to the metadata partition. The default value is 500',
    {validator: atLeast(0)}),
  'metadata.log.max.record.bytes.between.snapshots': define.long(20n * 1024n * 1024n, 'high',
    'This is the maximum number of bytes in the log between the latest snapshot and the high-watermark needed before generating a new snapshot. The default value is 20971520. To generate snapshots based on the time elapsed, see the <code>metadata.log.max.snapshot.interval.ms</code> configuration. The Kafka node will generate a snapshot when either the maximum time interval is reached or the maximum bytes limit is reached.',
    {validator: atLeast(1)}),
  'metadata.log.max.snapshot.interval.ms': define.long(HOUR_MS, 'high',
    'This is the maximum number of milliseconds to wait to generate a snapshot if there are committed records in the log that are not included in the latest snapshot. A value of zero disables time based snapshot generation. The default value is 3600000. To generate snapshots based on the number of metadata bytes, see the <code>metadata.log.max.record.bytes.between.snapshots</code> configuration. The Kafka node will generate a snapshot when either the maximum time interval is reached or the maximum bytes limit is reached.',
    {validator: atLeast(0)}),
  'broker.heartbeat.interval.ms': define.int(2000, 'medium', 'The length of time in milliseconds between broker heartbeats.'),
  'broker.session.timeout.ms': define.int(9000, 'medium', 'The length of time in milliseconds that a broker lease lasts if no heartbeats are made.'),
  'initial.broker.registration.timeout.ms': define.int(60000, 'medium',
    'When initially registering with the controller quorum, the number of milliseconds to wait before declaring failure and exiting the broker process.'),

  // ---- General (ServerConfigs)
  'message.max.bytes': define.int(DEFAULT_MAX_MESSAGE_BYTES, 'high',
    'The largest record batch size allowed by Kafka (after compression if compression is enabled).This can be set per topic with the topic level <code>max.message.bytes</code> config.',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'num.io.threads': define.int(8, 'high', 'The number of threads that the server uses for processing requests, which may include disk I/O',
    {validator: atLeast(1), ...CLUSTER_WIDE}),
  'background.threads': define.int(10, 'high', 'The number of threads to use for various background processing tasks',
    {validator: atLeast(1), ...CLUSTER_WIDE}),
  'num.replica.alter.log.dirs.threads': define.int(null, 'high',
    'The number of threads that can move replicas between log directories, which may include disk I/O. The default value is equal to the number of directories specified in the <code>log.dir</code> or <code>log.dirs</code> configuration property.'),
  'request.timeout.ms': define.int(30000, 'high',
    'The configuration controls the maximum amount of time the client will wait for the response of a request. If the response is not received before the timeout elapses the client will resend the request if necessary or fail the request if retries are exhausted.'),
  'socket.connection.setup.timeout.ms': define.long(10000n, 'medium',
    'The amount of time the client will wait for the socket connection to be established. If the connection is not built before the timeout elapses, clients will close the socket channel. This value is the initial backoff value and will increase exponentially for each consecutive connection failure, up to the <code>socket.connection.setup.timeout.max.ms</code> value.'),
  'socket.connection.setup.timeout.max.ms': define.long(30000n, 'medium',
    'The maximum amount of time the client will wait for the socket connection to be established. The connection setup timeout will increase exponentially for each consecutive connection failure up to this maximum. To avoid connection storms, a randomization factor of 0.2 will be applied to the timeout resulting in a random range between 20% below and 20% above the computed value.'),
  'authorizer.class.name': define.string('', 'low',
    'The fully qualified name of a class that implements <code>org.apache.kafka.server.authorizer.Authorizer</code> interface, which is used by the broker for authorization.',
    {validator: nonNull}),
  'early.start.listeners': define.list(null, 'high',
    'A comma-separated list of listener names which may be started before the authorizer has finished initialization. This is useful when the authorizer is dependent on the cluster itself for bootstrapping, as is the case for the StandardAuthorizer (which stores ACLs in the metadata log.) By default, all listeners included in controller.listener.names will also be early start listeners. A listener should not appear in this list if it accepts external traffic.'),
  'broker.rack': define.string(null, 'medium',
    'Rack of the broker. This will be used in rack aware replication assignment for fault tolerance. Examples: <code>RACK1</code>, <code>us-east-1d</code>'),
  'delete.topic.enable': define.boolean(true, 'high',
    'When set to true, topics can be deleted by the admin client. When set to false, deletion requests will be explicitly rejected by the broker.'),
  'compression.type': define.string('producer', 'high', COMPRESSION_TYPE_DOC,
    {validator: validString(...BROKER_COMPRESSION_TYPES), ...CLUSTER_WIDE}),
  'compression.gzip.level': define.int(-1, 'medium', "The compression level to use if compression.type is set to 'gzip'.",
    {validator: gzipLevelValidator, ...CLUSTER_WIDE}),
  'compression.lz4.level': define.int(9, 'medium', "The compression level to use if compression.type is set to 'lz4'.",
    {validator: between(1, 17), ...CLUSTER_WIDE}),
  'compression.zstd.level': define.int(3, 'medium', "The compression level to use if compression.type is set to 'zstd'.",
    {validator: between(-131072, 22), ...CLUSTER_WIDE}),
  'max.incremental.fetch.session.cache.slots': define.int(1000, 'medium',
    'The maximum number of total incremental fetch sessions that we will maintain. FetchSessionCache is sharded into 8 shards and the limit is equally divided among all shards. Sessions are allocated to each shard in round-robin. Only entries within a shard are considered eligible for eviction.',
    {validator: atLeast(0)}),
  'fetch.max.bytes': define.int(55 * 1024 * 1024, 'medium', 'The maximum number of bytes we will return for a fetch request. Must be at least 1024.',
    {validator: atLeast(1024)}),
  'max.request.partition.size.limit': define.int(2000, 'medium', 'The maximum number of partitions can be served in one request.',
    {validator: atLeast(1)}),
  'unstable.api.versions.enable': define.boolean(false, 'high', '', {internal: true}),
  'unstable.feature.versions.enable': define.boolean(false, 'high', '', {internal: true}),

  // ---- Socket server
  listeners: define.list(['PLAINTEXT://:9092'], 'high',
    'Listener List - Comma-separated list of URIs we will listen on and the listener names. If the listener name is not a security protocol, <code>listener.security.protocol.map</code> must also be set.\n' +
      ' Listener names and port numbers must be unique unless one listener is an IPv4 address and the other listener is an IPv6 address (for the same port).\n' +
      ' Specify hostname as 0.0.0.0 to bind to all interfaces.\n Leave hostname empty to bind to default interface.\n' +
      ' Examples of legal listener lists:\n <code>PLAINTEXT://myhost:9092,SSL://:9091</code>\n <code>CLIENT://0.0.0.0:9092,REPLICATION://localhost:9093</code>\n <code>PLAINTEXT://127.0.0.1:9092,SSL://[::1]:9092</code>\n',
    PER_BROKER),
  'advertised.listeners': define.list(null, 'high',
    'Specifies the listener addresses that the Kafka brokers will advertise to clients and other brokers. The config is useful where the actual listener configuration <code>listeners</code> does not represent the addresses that clients should use to connect, such as in cloud environments. The addresses are published to and managed by the controller, the brokers pull these data from the controller as needed. In IaaS environments, this may need to be different from the interface to which the broker binds. If this is not set, the value for <code>listeners</code> will be used. Unlike <code>listeners</code>, it is not valid to advertise the 0.0.0.0 meta-address.\n' +
      ' Also unlike <code>listeners</code>, there can be duplicated ports in this property, so that one listener can be configured to advertise another listener\'s address. This can be useful in some cases where external load balancers are used.'),
  'listener.security.protocol.map': define.string(DEFAULT_LISTENER_SECURITY_PROTOCOL_MAP, 'low',
    'Map between listener names and security protocols. This must be defined for the same security protocol to be usable in more than one port or IP. For example, internal and external traffic can be separated even if SSL is required for both. Concretely, the user could define listeners with names INTERNAL and EXTERNAL and this property as: <code>INTERNAL:SSL,EXTERNAL:SSL</code>. As shown, key and value are separated by a colon and map entries are separated by commas. Each listener name should only appear once in the map. Different security (SSL and SASL) settings can be configured for each listener by adding a normalised prefix (the listener name is lowercased) to the config name. For example, to set a different keystore for the INTERNAL listener, a config with name <code>listener.name.internal.ssl.keystore.location</code> would be set. If the config for the listener name is not set, the config will fallback to the generic config (i.e. <code>ssl.keystore.location</code>). Note that in KRaft a default mapping from the listener names defined by <code>controller.listener.names</code> to PLAINTEXT is assumed if no explicit mapping is provided and no other security protocol is in use.',
    PER_BROKER),
  'socket.send.buffer.bytes': define.int(100 * 1024, 'high',
    'The SO_SNDBUF buffer of the socket server sockets. If the value is -1, the OS default will be used.'),
  'socket.receive.buffer.bytes': define.int(100 * 1024, 'high',
    'The SO_RCVBUF buffer of the socket server sockets. If the value is -1, the OS default will be used.'),
  'socket.request.max.bytes': define.int(100 * 1024 * 1024, 'high', 'The maximum number of bytes in a socket request',
    {validator: atLeast(1)}),
  'socket.listen.backlog.size': define.int(50, 'medium',
    'The maximum number of pending connections on the socket. In Linux, you may also need to configure <code>somaxconn</code> and <code>tcp_max_syn_backlog</code> kernel parameters accordingly to make the configuration takes effect.',
    {validator: atLeast(1)}),
  'max.connections.per.ip': define.int(INT_MAX, 'medium',
    'The maximum number of connections we allow from each ip address. This can be set to 0 if there are overrides configured using max.connections.per.ip.overrides property. New connections from the ip address are dropped if the limit is reached.',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'max.connections.per.ip.overrides': define.string('', 'medium',
    'A comma-separated list of per-ip or hostname overrides to the default maximum number of connections. An example value is "hostName:100,127.0.0.1:200"',
    CLUSTER_WIDE),
  'max.connections': define.int(INT_MAX, 'medium',
    'The maximum number of connections we allow in the broker at any time. This limit is applied in addition to any per-ip limits configured using max.connections.per.ip. Listener-level limits may also be configured by prefixing the config name with the listener prefix, for example, <code>listener.name.internal.max.connections.per.ip</code>. Broker-wide limit should be configured based on broker capacity while listener limits should be configured based on application requirements. New connections are blocked if either the listener or broker limit is reached. Connections on the inter-broker listener are permitted even if broker-wide limit is reached. The least recently used connection on another listener will be closed in this case.',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'max.connection.creation.rate': define.int(INT_MAX, 'medium',
    'The maximum connection creation rate we allow in the broker at any time. Listener-level limits may also be configured by prefixing the config name with the listener prefix, for example, <code>listener.name.internal.max.connection.creation.rate</code>.Broker-wide connection rate limit should be configured based on broker capacity while listener limits should be configured based on application requirements. New connections will be throttled if either the listener or the broker limit is reached, with the exception of inter-broker listener. Connections on the inter-broker listener will be throttled only when the listener-level rate limit is reached.',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'connections.max.idle.ms': define.long(600000n, 'medium',
    'Idle connections timeout: the server socket processor threads close the connections that idle more than this'),
  'connection.failed.authentication.delay.ms': define.int(100, 'low',
    'Connection close delay on failed authentication: this is the time (in milliseconds) by which connection close will be delayed on authentication failure. This must be configured to be less than connections.max.idle.ms to prevent connection timeout.',
    {validator: atLeast(0)}),
  'queued.max.requests': define.int(500, 'high',
    'The number of queued requests allowed for data-plane, before blocking the network threads',
    {validator: atLeast(1)}),
  'queued.max.request.bytes': define.long(-1n, 'medium', 'The number of queued bytes allowed before no more requests are read'),
  'num.network.threads': define.int(3, 'high',
    'The number of threads that the server uses for receiving requests from the network and sending responses to the network. Noted: each listener (except for controller listener) creates its own thread pool.',
    {validator: atLeast(1), ...CLUSTER_WIDE}),

  // ---- Replication
  'controller.socket.timeout.ms': define.int(30000, 'medium', 'The socket timeout for controller-to-broker channels.'),
  'default.replication.factor': define.int(1, 'medium',
    'The default replication factor per topic. This configuration affects the following paths:<ul>  <li>1. Auto topic creation</li>  <li>2. Internal streams topic creation</li>  <li>3. Topic creation via <code>AdminClient#createTopics</code> when the replication factor is set to -1</li></ul><p>For (1), the value from the broker configuration is used only when it is explicitly set. If it is not explicitly configured on the broker, the value from the controller configuration is used.<br/>For (2) and (3), the value from the controller configuration is always used.</p>'),
  'replica.lag.time.max.ms': define.long(30000n, 'high',
    'If a follower hasn\'t sent any fetch requests or hasn\'t consumed up to the leader\'s log end offset for at least this time, the leader will remove the follower from ISR'),
  'replica.socket.timeout.ms': define.int(30000, 'high',
    'The socket timeout for network requests. Its value should be at least replica.fetch.wait.max.ms'),
  'replica.socket.receive.buffer.bytes': define.int(64 * 1024, 'high',
    'The socket receive buffer for network requests to the leader for replicating data'),
  'replica.fetch.max.bytes': define.int(1024 * 1024, 'medium',
    'The number of bytes of messages to attempt to fetch for each partition. This is not an absolute maximum, if the first record batch in the first non-empty partition of the fetch is larger than this value, the record batch will still be returned to ensure that progress can be made. The maximum record batch size accepted by the broker is defined via <code>message.max.bytes</code> (broker config) or <code>max.message.bytes</code> (topic config).',
    {validator: atLeast(0)}),
  'replica.fetch.wait.max.ms': define.int(500, 'high',
    'The maximum wait time for each fetcher request issued by follower replicas. This value should always be less than the replica.lag.time.max.ms at all times to prevent frequent shrinking of ISR for low throughput topics'),
  'replica.fetch.min.bytes': define.int(1, 'high',
    'Minimum bytes expected for each fetch response. If not enough bytes, wait up to <code>replica.fetch.wait.max.ms</code> (broker config). Even if the total data available in the broker exceeds replica.fetch.min.bytes, the actual returned size may still be less than this value due to per-partition limits replica.fetch.max.bytes and max returned limits replica.fetch.response.max.bytes'),
  'replica.fetch.backoff.ms': define.int(1000, 'medium', 'The amount of time to sleep when fetch partition error occurs.',
    {validator: atLeast(0)}),
  'replica.fetch.response.max.bytes': define.int(10 * 1024 * 1024, 'medium',
    'Maximum bytes expected for the entire fetch response. Records are fetched in batches, and if the first record batch in the first non-empty partition of the fetch is larger than this value, the record batch will still be returned to ensure that progress can be made. As such, this is not an absolute maximum. The maximum record batch size accepted by the broker is defined via <code>message.max.bytes</code> (broker config) or <code>max.message.bytes</code> (topic config).',
    {validator: atLeast(0)}),
  'num.replica.fetchers': define.int(1, 'high',
    'Number of fetcher threads used to replicate records from each source broker. The total number of fetchers on each broker is bound by <code>num.replica.fetchers</code> multiplied by the number of brokers in the cluster.Increasing this value can increase the degree of I/O parallelism in the follower and leader broker at the cost of higher CPU and memory utilization.',
    CLUSTER_WIDE),
  'replica.high.watermark.checkpoint.interval.ms': define.long(5000n, 'high',
    'The frequency with which the high watermark is saved out to disk'),
  'fetch.purgatory.purge.interval.requests': define.int(1000, 'medium',
    'The purge interval (in number of requests) of the fetch request purgatory'),
  'producer.purgatory.purge.interval.requests': define.int(1000, 'medium',
    'The purge interval (in number of requests) of the producer request purgatory'),
  'delete.records.purgatory.purge.interval.requests': define.int(1, 'medium',
    'The purge interval (in number of requests) of the delete records request purgatory'),
  'auto.leader.rebalance.enable': define.boolean(true, 'high',
    'Enables auto leader balancing. A background thread checks the distribution of partition leaders at regular intervals, configurable by leader.imbalance.check.interval.seconds. If the leader is imbalanced, leader rebalance to the preferred leader for partitions is triggered.'),
  'leader.imbalance.check.interval.seconds': define.long(300n, 'high',
    'The frequency with which the partition rebalance check is triggered by the controller',
    {validator: atLeast(1)}),
  'unclean.leader.election.interval.ms': define.long(300000n, 'medium',
    'The frequency with which the controller checks if it should perform an unclean leader election for leaderless partitions.',
    {validator: atLeast(1), internal: true}),
  'unclean.leader.election.enable': define.boolean(false, 'high', 'Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss<p>Note: In KRaft mode, when enabling this config dynamically, it needs to wait for the unclean leader election thread to trigger election periodically (default is 5 minutes). Please run <code>kafka-leader-election.sh</code> with <code>unclean</code> option to trigger the unclean leader election immediately if needed.</p>', CLUSTER_WIDE),
  'security.inter.broker.protocol': define.string('PLAINTEXT', 'medium',
    'Security protocol used to communicate between brokers. It is an error to set this and inter.broker.listener.name properties at the same time.',
    {validator: validString(...SECURITY_PROTOCOLS)}),
  'inter.broker.listener.name': define.string(null, 'medium',
    'Name of listener used for communication between brokers. If this is unset, the listener name is defined by security.inter.broker.protocol. It is an error to set this and security.inter.broker.protocol properties at the same time.'),
  'replica.selector.class': define.string(null, 'medium',
    'The fully qualified class name that implements ReplicaSelector. This is used by the broker to find the preferred read replica. By default, we use an implementation that returns the leader.'),

  // ---- Log (ServerLogConfigs / LogConfig.SERVER_CONFIG_DEF)
  'num.partitions': define.int(1, 'medium', 'The default number of log partitions per topic. This configuration affects the following paths:<ul>  <li>1. Auto topic creation</li>  <li>2. Internal streams topic creation</li>  <li>3. Topic creation via <code>AdminClient#createTopics</code> when the number of partition is set to -1</li></ul><p>For (1), the value from the broker configuration is used only when it is explicitly set. If it is not explicitly configured on the broker, the value from the controller configuration is used.<br/>For (2) and (3), the value from the controller configuration is always used.</p>',
    {validator: atLeast(1)}),
  'log.dir': define.list([LOG_DIR_DEFAULT_MARKER], 'high',
    'A comma-separated list of the directories where the log data is stored. (supplemental to log.dirs property)'),
  'log.dirs': define.list(null, 'high',
    'A comma-separated list of the directories where the log data is stored. If not set, the value in log.dir is used.'),
  'log.segment.bytes': define.int(DEFAULT_SEGMENT_BYTES, 'high', 'The maximum size of a single log file',
    {validator: atLeast(1024 * 1024), ...CLUSTER_WIDE}),
  'log.roll.ms': define.long(null, 'high',
    'The maximum time before a new log segment is rolled out (in milliseconds). If not set, the value in log.roll.hours is used',
    CLUSTER_WIDE),
  'log.roll.hours': define.int(168, 'high',
    'The maximum time before a new log segment is rolled out (in hours), secondary to log.roll.ms property',
    {validator: atLeast(1)}),
  'log.roll.jitter.ms': define.long(null, 'high',
    'The maximum jitter to subtract from logRollTimeMillis (in milliseconds). If not set, the value in log.roll.jitter.hours is used',
    CLUSTER_WIDE),
  'log.roll.jitter.hours': define.int(0, 'high',
    'The maximum jitter to subtract from logRollTimeMillis (in hours), secondary to log.roll.jitter.ms property',
    {validator: atLeast(0)}),
  'log.retention.ms': define.long(null, 'high',
    'The number of milliseconds to keep a log file before deleting it (in milliseconds), If not set, the value in log.retention.minutes is used. If set to -1, no time limit is applied.',
    CLUSTER_WIDE),
  'log.retention.minutes': define.int(null, 'high',
    'The number of minutes to keep a log file before deleting it (in minutes), secondary to log.retention.ms property. If not set, the value in log.retention.hours is used'),
  'log.retention.hours': define.int(168, 'high',
    'The number of hours to keep a log file before deleting it (in hours), tertiary to log.retention.ms property'),
  'log.retention.bytes': define.long(-1n, 'high', 'The maximum size of the log before deleting it', CLUSTER_WIDE),
  'log.retention.check.interval.ms': define.long(300000n, 'medium',
    'The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion',
    {validator: atLeast(1)}),
  'log.cleanup.policy': define.list(['delete'], 'medium', 'This config designates the retention policy to use on log segments. The "delete" policy (which is the default) will discard old segments when their retention time or size limit has been reached. The "compact" policy will enable <a href="#compaction">log compaction</a>, which retains the latest value for each key. It is also possible to specify both policies in a comma-separated list (e.g. "delete,compact"). In this case, old segments will be discarded per the retention time and size configuration, while retained segments will be compacted. An empty list means infinite retention - no cleanup policies will be applied and log segments will be retained indefinitely. Note that with remote storage enabled, local retention limits (log.local.retention.ms and log.local.retention.bytes) are still applied to local segments.',
    {validator: validList('compact', 'delete'), ...CLUSTER_WIDE}),
  'log.index.size.max.bytes': define.int(10 * 1024 * 1024, 'medium', 'The maximum size in bytes of the offset index',
    {validator: atLeast(4), ...CLUSTER_WIDE}),
  'log.index.interval.bytes': define.int(4096, 'medium', 'The interval with which we add an entry to the offset index.',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.flush.interval.messages': define.long(LONG_MAX, 'high',
    'The number of messages accumulated on a log partition before messages are flushed to disk.',
    {validator: atLeast(1), ...CLUSTER_WIDE}),
  'log.segment.delete.delay.ms': define.long(60000n, 'high',
    'The amount of time to wait before deleting a file from the filesystem. If the value is 0 and there is no file to delete, the system will wait 1 millisecond. Low value will cause busy waiting',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.flush.scheduler.interval.ms': define.long(LONG_MAX, 'high',
    'The frequency in ms that the log flusher checks whether any log needs to be flushed to disk'),
  'log.flush.interval.ms': define.long(null, 'high',
    'The maximum time in ms that a message in any topic is kept in memory before flushed to disk. If not set, the value in log.flush.scheduler.interval.ms is used',
    CLUSTER_WIDE),
  'log.flush.offset.checkpoint.interval.ms': define.int(60000, 'high',
    'The frequency with which we update the persistent record of the last flush which acts as the log recovery point.',
    {validator: atLeast(0)}),
  'log.flush.start.offset.checkpoint.interval.ms': define.int(60000, 'high',
    'The frequency with which we update the persistent record of log start offset',
    {validator: atLeast(0)}),
  'log.preallocate': define.boolean(false, 'medium',
    'Should pre allocate file when create new segment? If you are using Kafka on Windows, you probably need to set it to true.',
    CLUSTER_WIDE),
  'num.recovery.threads.per.data.dir': define.int(2, 'high',
    'The number of threads per data directory to be used for log recovery at startup and flushing at shutdown',
    {validator: atLeast(1), ...CLUSTER_WIDE}),
  'auto.create.topics.enable': define.boolean(true, 'high', 'Enable auto creation of topic on the server.'),
  'min.insync.replicas': define.int(1, 'high', 'Specifies the <i>minimum</i> number of in-sync replicas (including the leader) required for a write to succeed when a producer sets <code>acks</code> to "all" (or "-1"). In the <code>acks=all</code> case, every in-sync replica must acknowledge a write for it to be considered successful. E.g., if a topic has <code>replication.factor</code> of 3 and the ISR set includes all three replicas, then all three replicas must acknowledge an <code>acks=all</code> write for it to succeed, even if <code>min.insync.replicas</code> happens to be less than 3. If <code>acks=all</code> and the current ISR set contains fewer than <code>min.insync.replicas</code> members, then the producer will raise an exception (either <code>NotEnoughReplicas</code> or <code>NotEnoughReplicasAfterAppend</code>).<br> Regardless of the <code>acks</code> setting, the messages will not be visible to the consumers until they are replicated to all in-sync replicas and the <code>min.insync.replicas</code> condition is met.<br> When used together, <code>min.insync.replicas</code> and <code>acks</code> allow you to enforce greater durability guarantees. A typical scenario would be to create a topic with a replication factor of 3, set <code>min.insync.replicas</code> to 2, and produce with <code>acks</code> of "all". This ensures that a majority of replicas must persist a write before it\'s considered successful by the producer and it\'s visible to consumers.<p>Note that when the Eligible Leader Replicas feature is enabled, the semantics of this config changes. Please refer to <a href="#eligible_leader_replicas">the ELR section</a> for more info.</p>', {validator: atLeast(1), ...CLUSTER_WIDE}),
  'log.message.timestamp.type': define.string('CreateTime', 'medium',
    'Define whether the timestamp in the message is message create time or log append time. The value should be either <code>CreateTime</code> or <code>LogAppendTime</code>.',
    {validator: TIMESTAMP_TYPES, ...CLUSTER_WIDE}),
  'log.message.timestamp.before.max.ms': define.long(LONG_MAX, 'medium',
    "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp. The message timestamp can be earlier than or equal to the broker's timestamp, with the maximum allowable difference determined by the value set in this configuration. If log.message.timestamp.type=CreateTime, the message will be rejected if the difference in timestamps exceeds this specified threshold. This configuration is ignored if log.message.timestamp.type=LogAppendTime.",
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.message.timestamp.after.max.ms': define.long(3600000n, 'medium',
    "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp. The message timestamp can be later than or equal to the broker's timestamp, with the maximum allowable difference determined by the value set in this configuration. If log.message.timestamp.type=CreateTime, the message will be rejected if the difference in timestamps exceeds this specified threshold. This configuration is ignored if log.message.timestamp.type=LogAppendTime.",
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.local.retention.ms': define.long(-2n, 'medium',
    'The number of milliseconds to keep the local log segments before it gets eligible for deletion. Default value is -2, it represents <code>log.retention.ms</code> value is to be used. The effective value should always be less than or equal to <code>log.retention.ms</code> value.',
    {validator: atLeast(-2), ...CLUSTER_WIDE}),
  'log.local.retention.bytes': define.long(-2n, 'medium',
    'The maximum size of local log segments that can grow for a partition before it gets eligible for deletion. Default value is -2, it represents <code>log.retention.bytes</code> value to be used. The effective value should always be less than or equal to <code>log.retention.bytes</code> value.',
    {validator: atLeast(-2), ...CLUSTER_WIDE}),
  'create.topic.policy.class.name': define.class(null, 'low',
    'The create topic policy class that should be used for validation. The class should implement the <code>org.apache.kafka.server.policy.CreateTopicPolicy</code> interface. <p>Note: This policy runs on the controller instead of the broker.</p>'),
  'alter.config.policy.class.name': define.class(null, 'low',
    'The alter configs policy class that should be used for validation. The class should implement the <code>org.apache.kafka.server.policy.AlterConfigPolicy</code> interface. <p>Note: This policy runs on the controller instead of the broker.</p>'),
  'log.dir.failure.timeout.ms': define.long(30000n, 'low',
    'If the broker is unable to successfully communicate to the controller that some log directory has failed for longer than this time, the broker will fail and shut down.',
    {validator: atLeast(1)}),
  'log.initial.task.delay.ms': define.long(30000n, 'low',
    'The initial task delay in millisecond when initializing tasks in LogManager. This should be used for testing only.',
    {validator: atLeast(0), internal: true}),

  // ---- Log cleaner
  'log.cleaner.threads': define.int(1, 'medium', 'The number of background threads to use for log cleaning',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.cleaner.io.max.bytes.per.second': define.double(Number.MAX_VALUE, 'medium',
    'The log cleaner will be throttled so that the sum of its read and write i/o will be less than this value on average',
    CLUSTER_WIDE),
  'log.cleaner.dedupe.buffer.size': define.long(128n * 1024n * 1024n, 'medium',
    'The total memory used for log deduplication across all cleaner threads', CLUSTER_WIDE),
  'log.cleaner.io.buffer.size': define.int(512 * 1024, 'medium',
    'The total memory used for log cleaner I/O buffers across all cleaner threads',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.cleaner.io.buffer.load.factor': define.double(0.9, 'medium',
    'Log cleaner dedupe buffer load factor. The percentage full the dedupe buffer can become. A higher value will allow more log to be cleaned at once but will lead to more hash collisions',
    CLUSTER_WIDE),
  'log.cleaner.backoff.ms': define.long(15000n, 'medium', 'The amount of time to sleep when there are no logs to clean',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.cleaner.min.cleanable.ratio': define.double(0.5, 'medium',
    'The minimum ratio of dirty log to total log for a log to eligible for cleaning. If the log.cleaner.max.compaction.lag.ms or the log.cleaner.min.compaction.lag.ms configurations are also specified, then the log compactor considers the log eligible for compaction as soon as either: (i) the dirty ratio threshold has been met and the log has had dirty (uncompacted) records for at least the log.cleaner.min.compaction.lag.ms duration, or (ii) if the log has had dirty (uncompacted) records for at most the log.cleaner.max.compaction.lag.ms period.',
    {validator: between(0, 1), ...CLUSTER_WIDE}),
  'log.cleaner.enable': define.boolean(true, 'medium',
    'This configuration has been deprecated and will be removed in Kafka 5.0. Users should not set it to false to prepare for its future removal. Enable the log cleaner process to run on the server. Should be enabled if using any topics with a cleanup.policy=compact including the internal offsets topic. If disabled those topics will not be compacted and continually grow in size.'),
  'log.cleaner.delete.retention.ms': define.long(24n * HOUR_MS, 'medium',
    'The amount of time to retain tombstone message markers for log compacted topics. This setting also gives a bound on the time in which a consumer must complete a read if they begin from offset 0 to ensure that they get a valid snapshot of the final stage (otherwise  tombstones messages may be collected before a consumer completes their scan).',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.cleaner.min.compaction.lag.ms': define.long(0n, 'medium',
    'The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted.',
    {validator: atLeast(0), ...CLUSTER_WIDE}),
  'log.cleaner.max.compaction.lag.ms': define.long(LONG_MAX, 'medium',
    'The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted.',
    {validator: atLeast(1), ...CLUSTER_WIDE}),

  // ---- Group coordinator
  'group.min.session.timeout.ms': define.int(6000, 'medium',
    'The minimum allowed session timeout for registered consumers. Shorter timeouts result in quicker failure detection at the cost of more frequent consumer heartbeating, which can overwhelm broker resources.'),
  'group.max.session.timeout.ms': define.int(1800000, 'medium',
    'The maximum allowed session timeout for registered consumers. Longer timeouts give consumers more time to process messages in between heartbeats at the cost of a longer time to detect failures.'),
  'group.initial.rebalance.delay.ms': define.int(3000, 'medium',
    'The amount of time the group coordinator will wait for more consumers to join a new group before performing the first rebalance. A longer delay means potentially fewer rebalances, but increases the time until processing begins.'),
  'group.max.size': define.int(INT_MAX, 'medium', 'The maximum number of consumers that a single consumer group can accommodate.',
    {validator: atLeast(1)}),
  'group.coordinator.rebalance.protocols': define.list(['classic', 'consumer', 'streams'], 'medium',
    'This configuration is deprecated and will be removed in Kafka 5.0. The list of enabled rebalance protocols. In Kafka 5.0, all protocols will always be enabled and cannot be disabled via this configuration. Use feature versions (group.version, streams.version, share.version) managed by kafka-features.sh instead.',
    {validator: validList('classic', 'consumer', 'share', 'streams')}),
  'group.coordinator.threads': define.int(4, 'medium', 'The number of threads used by the group coordinator for processing requests.',
    {validator: atLeast(1)}),
  'group.coordinator.append.linger.ms': define.int(-1, 'medium',
    'The duration in milliseconds that the coordinator will wait for writes to accumulate before flushing them to disk. Increasing this value improves write efficiency and batch size, but also increases the response latency for requests, as the coordinator must wait for batches to be flushed to disk before completing request processing. Transactional writes are not accumulated. Set to -1 for an adaptive linger time that minimizes latency based on the workload.',
    {validator: atLeast(-1)}),
  'group.consumer.session.timeout.ms': define.int(45000, 'medium',
    'The timeout to detect client failures when using the consumer group protocol.',
    {validator: atLeast(1)}),
  'group.consumer.min.session.timeout.ms': define.int(45000, 'medium', 'The minimum allowed session timeout for registered consumers.',
    {validator: atLeast(1)}),
  'group.consumer.max.session.timeout.ms': define.int(60000, 'medium', 'The maximum allowed session timeout for registered consumers.',
    {validator: atLeast(1)}),
  'group.consumer.heartbeat.interval.ms': define.int(5000, 'medium',
    'The heartbeat interval given to the members of a consumer group.',
    {validator: atLeast(1)}),
  'group.consumer.max.size': define.int(INT_MAX, 'medium',
    'The maximum number of consumers that a single consumer group can accommodate. This value will only impact groups under the CONSUMER group protocol. To configure the max group size when using the CLASSIC group protocol use group.max.size instead.',
    {validator: atLeast(1)}),
  'offset.metadata.max.bytes': define.int(4096, 'high', 'The maximum size for a metadata entry associated with an offset commit.'),
  'offsets.load.buffer.size': define.int(5 * 1024 * 1024, 'high',
    'Batch size for reading from the offsets segments when loading group metadata  into the cache (soft-limit, overridden if records are too large).',
    {validator: atLeast(1)}),
  'offsets.topic.replication.factor': define.short(3, 'high',
    'The replication factor for the offsets topic (set higher to ensure availability). Internal topic creation will fail until the cluster size meets this replication factor requirement.',
    {validator: atLeast(1)}),
  'offsets.topic.num.partitions': define.int(50, 'high',
    'The number of partitions for the offset commit topic (should not change after deployment).',
    {validator: atLeast(1)}),
  'offsets.topic.segment.bytes': define.int(100 * 1024 * 1024, 'high',
    'The offsets topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads.',
    {validator: atLeast(1)}),
  'offsets.topic.compression.codec': define.int(0, 'high',
    'Compression codec for the offsets topic - compression may be used to achieve "atomic" commits.'),
  'offsets.retention.minutes': define.int(7 * 24 * 60, 'high',
    'For subscribed consumers, committed offset of a specific partition will be expired and discarded when 1) this retention period has elapsed after the consumer group loses all its consumers (i.e. becomes empty); 2) this retention period has elapsed since the last time an offset is committed for the partition and the group is no longer subscribed to the corresponding topic. For standalone consumers (using manual assignment), offsets will be expired after this retention period has elapsed since the time of last commit. Note that when a group is deleted via the delete-group request, its committed offsets will also be deleted without extra retention period; also when a topic is deleted via the delete-topic request, upon propagated metadata update any group\'s committed offsets for that topic will also be deleted without extra retention period.',
    {validator: atLeast(1)}),
  'offsets.retention.check.interval.ms': define.long(600000n, 'high', 'Frequency at which to check for stale offsets',
    {validator: atLeast(1)}),
  'offsets.commit.timeout.ms': define.int(5000, 'high',
    'Offset commit will be delayed until all replicas for the offsets topic receive the commit or this timeout is reached. This is similar to the producer request timeout. This is applied to all the writes made by the coordinator.',
    {validator: atLeast(1)}),

  // ---- Transactions
  'transaction.state.log.min.isr': define.int(2, 'high',
    'The minimum number of replicas that must acknowledge a write to transaction topic in order to be considered successful.',
    {validator: atLeast(1)}),
  'transaction.state.log.load.buffer.size': define.int(5 * 1024 * 1024, 'high',
    'Batch size for reading from the transaction log segments when loading producer ids and transactions into the cache (soft-limit, overridden if records are too large).',
    {validator: atLeast(1)}),
  'transaction.state.log.replication.factor': define.short(3, 'high',
    'The replication factor for the transaction topic (set higher to ensure availability). Internal topic creation will fail until the cluster size meets this replication factor requirement.',
    {validator: atLeast(1)}),
  'transaction.state.log.num.partitions': define.int(50, 'high',
    'The number of partitions for the transaction topic (should not change after deployment).',
    {validator: atLeast(1)}),
  'transaction.state.log.segment.bytes': define.int(100 * 1024 * 1024, 'high',
    'The transaction topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads',
    {validator: atLeast(1)}),
  'transaction.partition.verification.enable': define.boolean(true, 'low',
    'Enable verification that checks that the partition has been added to the transaction before writing transactional records to the partition',
    CLUSTER_WIDE),
  'producer.id.expiration.ms': define.int(86400000, 'low',
    "The time in ms that a topic partition leader will wait before expiring producer IDs. Producer IDs will not expire while a transaction associated to them is still ongoing. Note that producer IDs may expire sooner if the last write from the producer ID is deleted due to the topic's retention settings. Setting this value the same or higher than <code>delivery.timeout.ms</code> can help prevent expiration during retries and protect against message duplication, but the default should be reasonable for most use cases.",
    {validator: atLeast(1), ...CLUSTER_WIDE}),
  'transactional.id.expiration.ms': define.int(7 * 24 * 3600 * 1000, 'high',
    'The time in ms that the transaction coordinator will wait without receiving any transaction status updates for the current transaction before expiring its transactional id. Transactional IDs will not expire while a the transaction is still ongoing.',
    {validator: atLeast(1)}),
  'transaction.max.timeout.ms': define.int(15 * 60 * 1000, 'high',
    'The maximum allowed timeout for transactions. If a client’s requested transaction time exceed this, then the broker will return an error in InitProducerIdRequest. This prevents a client from too large of a timeout, which can stall consumers reading from topics included in the transaction.',
    {validator: atLeast(1)}),
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': define.int(10000, 'low',
    'The interval at which to rollback transactions that have timed out',
    {validator: atLeast(1)}),
  'transaction.remove.expired.transaction.cleanup.interval.ms': define.int(3600000, 'low',
    'The interval at which to remove transactions that have expired due to <code>transactional.id.expiration.ms</code> passing',
    {validator: atLeast(1)}),

  // ---- Share coordinator
  'share.coordinator.state.topic.replication.factor': define.short(3, 'high',
    'Replication factor for the share-group state topic. Topic creation will fail until the cluster size meets this replication factor requirement.',
    {validator: atLeast(1)}),
  'share.coordinator.state.topic.min.isr': define.short(2, 'high', 'Overridden min.insync.replicas for the share-group state topic.',
    {validator: atLeast(1)}),

  // ---- Metrics and security placeholders that clients commonly pass
  'metric.reporters': define.list(['org.apache.kafka.common.metrics.JmxReporter'], 'low',
    'A list of classes to use as metrics reporters. Implementing the <code>org.apache.kafka.common.metrics.MetricsReporter</code> interface allows plugging in classes that will be notified of new metric creation. When custom reporters are set and <code>org.apache.kafka.common.metrics.JmxReporter</code> is needed, it has to be explicitly added to the list.',
    CLUSTER_WIDE),
  'sasl.enabled.mechanisms': define.list(['GSSAPI'], 'medium',
    'The list of SASL mechanisms enabled in the Kafka server. The list may contain any mechanism for which a security provider is available. Only GSSAPI is enabled by default.',
    PER_BROKER),
  'sasl.mechanism.inter.broker.protocol': define.string('GSSAPI', 'medium',
    'SASL mechanism used for inter-broker communication. Default is GSSAPI.', PER_BROKER),
  'sasl.mechanism.controller.protocol': define.string('GSSAPI', 'high',
    'SASL mechanism used for communication with controllers. Default is GSSAPI.'),
  'ssl.client.auth': define.string('none', 'medium',
    'Configures kafka broker to request client authentication. The following settings are common:  <ul> <li><code>ssl.client.auth=required</code> If set to required client authentication is required. <li><code>ssl.client.auth=requested</code> This means client authentication is optional. unlike required, if this option is set client can choose not to provide authentication information about itself <li><code>ssl.client.auth=none</code> This means client authentication is not needed.</ul>',
    {validator: caseInsensitiveValidString('required', 'requested', 'none'), ...PER_BROKER}),
  // StandardAuthorizer's setting, not KafkaConfig's: accepted silently, never described.
  'super.users': define.string('', 'medium', 'List of users that will have super user access to the cluster.', {internal: true}),
})

export type BrokerConfigDefs = typeof BROKER_CONFIG_DEFS
export type BrokerConfigName = keyof BrokerConfigDefs
export type BrokerConfigValue<K extends BrokerConfigName> = DefinitionValue<BrokerConfigDefs[K]>

/** SASL configs that a listener override names with its mechanism: listener.name.l.<mechanism>.<config>. */
const LISTENER_MECHANISM_CONFIGS = [
  'sasl.jaas.config',
  'sasl.login.callback.handler.class',
  'sasl.login.class',
  'sasl.server.callback.handler.class',
  'connections.max.reauth.ms',
]

const LISTENER_CONFIG_RE = /^listener\.name\.[^.]*\.(.*)$/

/** The config a listener override (listener.name.<listener>.<config>) overrides, or null. */
export function listenerOverrideBase(name: string): string | null {
  const m = LISTENER_CONFIG_RE.exec(name)
  return m ? m[1]! : null
}

/**
 * Broker configs that name the same setting, in Kafka's order of precedence
 * (DynamicBrokerConfig.brokerConfigSynonyms): log.roll.ms / log.roll.hours
 * and the like, and, with matchListenerOverride, a listener override followed
 * by the config it overrides.
 */
export function brokerConfigSynonyms(name: string, matchListenerOverride = false): string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours']
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours']
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']
  }
  const base = matchListenerOverride ? listenerOverrideBase(name) : null
  if (base !== null) return [name, LISTENER_MECHANISM_CONFIGS.find((c) => base.endsWith(c)) ?? base]
  return [name]
}
