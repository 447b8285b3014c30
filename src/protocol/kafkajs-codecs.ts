// kafkajs ships only gzip; snappy, lz4 and zstd are plug-ins registered in
// its CompressionCodecs table as factories returning {compress(encoder),
// decompress(buffer)}. These adapters plug in this project's codecs, so the
// CLI (built on kafkajs) produces and consumes all four in the same wire
// formats as Kafka's Java client (xerial-framed snappy, LZ4 frames, zstd
// frames) and reads what librdkafka and the Java client write.

import kafkajs from 'kafkajs'

import {compress, Compression, type CompressOptions, decompress} from './compression.js'

export interface KafkajsCodec {
  compress(encoder: {buffer: Buffer}): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

/** A kafkajs codec object for one of Kafka's codec ids. */
export function kafkajsCodec(codec: number, opts: CompressOptions = {}): KafkajsCodec {
  return {
    compress: (encoder) => compress(codec, encoder.buffer, opts),
    decompress: (buffer) => decompress(codec, buffer),
  }
}

export interface RegisterOptions {
  /** Also replace kafkajs's own gzip codec (default false: kafkajs's is fine). */
  gzip?: boolean
  gzipLevel?: number
  zstdLevel?: number
}

let registered = false

/**
 * Register snappy, lz4 and zstd (and optionally gzip) in kafkajs's global
 * CompressionCodecs table. Idempotent unless options change.
 */
export function registerKafkajsCodecs(opts: RegisterOptions = {}): void {
  const table = kafkajs.CompressionCodecs as unknown as Record<number, () => KafkajsCodec>
  const snappy = kafkajsCodec(Compression.SNAPPY)
  const lz4 = kafkajsCodec(Compression.LZ4)
  const zstd = kafkajsCodec(Compression.ZSTD, opts.zstdLevel !== undefined ? {level: opts.zstdLevel} : {})
  table[Compression.SNAPPY] = () => snappy
  table[Compression.LZ4] = () => lz4
  table[Compression.ZSTD] = () => zstd
  if (opts.gzip) {
    const gzip = kafkajsCodec(Compression.GZIP, opts.gzipLevel !== undefined ? {level: opts.gzipLevel} : {})
    table[Compression.GZIP] = () => gzip
  }
  registered = true
}

export function kafkajsCodecsRegistered(): boolean {
  return registered
}
