// The tskafka broker: a Kafka wire-protocol server.
export {Broker, BrokerStartError, type BoundEndpoint, type BrokerOptions} from './broker.js'
export {BrokerState, INTERNAL_TOPICS, type BrokerEndpoint, type BrokerInfo, type PartitionState, type TopicAutoCreator, type TopicState} from './broker-state.js'
export {createLogger, isLogLevel, LOG_LEVELS, type Logger, type LogLevel, type LogSink} from './logger.js'
export {defineHandler, HandlerRegistry, loadHandlerRegistry, type ApiHandler} from './registry.js'
export type {BrokerServices, ConnectionInfo, ListenerType, RequestContext} from './request-context.js'
export {ANONYMOUS, authorize, authorizedOperations, AclOperation, CLUSTER_RESOURCE, ResourceType, type KafkaPrincipal, type Resource} from './authorizer.js'
export {FrameDecoder, FrameError} from './framing.js'
export {isValidTopicName, topicNameError} from './topic-names.js'
