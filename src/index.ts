// The programmatic API of the tskafka package.
export {}
