// The partition log storage engine: Kafka's on-disk format and semantics.

export * from './checkpoints.js'
export * from './errors.js'
export {CorruptIndexError, OffsetIndex, TimeIndex, type OffsetPosition, type TimestampOffset} from './indexes.js'
export * from './leader-epoch-cache.js'
export * from './log-config.js'
export * from './log-manager.js'
export {LogSegment, filenamePrefixFromOffset, logFilePath, offsetIndexFilePath, timeIndexFilePath} from './log-segment.js'
export * from './partition-log.js'
