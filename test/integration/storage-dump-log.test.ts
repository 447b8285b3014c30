// Apache Kafka's own code reads what the tskafka storage engine writes, and
// the other way round:
// - kafka-dump-log.sh decodes every segment (all four codecs, deep iteration)
//   and verifies the .index/.timeindex files against the .log files;
// - Kafka's UnifiedLog loads a tskafka partition directory (clean and after an
//   unclean shutdown), reads every record, looks up by timestamp and appends a
//   batch, and tskafka then loads the directory Kafka closed;
// - Kafka's checkpoint classes read tskafka's checkpoint files, and the files
//   Kafka writes match tskafka's byte for byte.

import {appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Compression} from '../../src/protocol/compression.js'
import {encodeRecordBatch} from '../../src/protocol/record-batch.js'
import {
  formatCleanShutdown,
  formatLeaderEpochCheckpoint,
  formatOffsetCheckpoint,
  formatPartitionMetadata,
  writeCleanShutdownFile,
  writeLeaderEpochCheckpoint,
  writeOffsetCheckpoint,
  writePartitionMetadata,
} from '../../src/storage/checkpoints.js'
import {logConfig} from '../../src/storage/log-config.js'
import {PartitionLog} from '../../src/storage/partition-log.js'
import {describeRun, kafkaBin, kafkaVersion, runJava, runKafkaTool} from '../helpers/peers.js'
import {cleanupTempDirs, decodeAll, tempDir} from '../unit/storage/helpers.js'

const T0 = 1_700_000_000_000
const TOPIC_ID = 'MjZ6YjpNRZ-5aHJTFhVNXA'

interface Expected {
  offset: number
  key: string | null
  value: string
  timestamp: number
}

const CODECS = [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]

/**
 * A partition with several segments: batches of 5 records rotating through
 * the codecs, ~2.5 KB values, three leader epochs, timestamps 10 ms apart.
 */
function writeLog(dir: string): {log: PartitionLog; expected: Expected[]} {
  const log = PartitionLog.open(dir, {config: logConfig({segmentBytes: 8192, indexIntervalBytes: 1024, messageTimestampAfterMaxMs: Number.MAX_SAFE_INTEGER}), topicId: TOPIC_ID})
  const expected: Expected[] = []
  for (let b = 0; b < 30; b++) {
    const records = Array.from({length: 5}, (_, i) => {
      const n = b * 5 + i
      return {
        key: n % 7 === 0 ? null : `key-${n}`,
        // Repetitive enough to compress, distinct per record.
        value: `value-${n}-` + 'x'.repeat(400 + (n % 13)),
        timestamp: T0 + n * 10,
      }
    })
    const bytes = encodeRecordBatch({compression: CODECS[b % CODECS.length], records: records.map((r) => ({...r, timestamp: BigInt(r.timestamp)}))})
    const r = log.append(bytes, {leaderEpoch: Math.floor(b / 10)})
    records.forEach((rec, i) => expected.push({offset: r.baseOffset + i, key: rec.key, value: rec.value, timestamp: rec.timestamp}))
  }
  return {log, expected}
}

/** Parses kafka-dump-log --deep-iteration --print-data-log record lines. */
function dumpedRecords(stdout: string): Expected[] {
  const out: Expected[] = []
  for (const line of stdout.split('\n')) {
    const m = /^\| offset: (\d+) CreateTime: (\d+) .*?(?: key: (\S+))? payload: (\S+)$/.exec(line)
    if (m) out.push({offset: Number(m[1]), timestamp: Number(m[2]), key: m[3] ?? null, value: m[4]!})
  }
  return out
}

function segmentFiles(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => join(dir, f))
}

const PROBE = `
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.*;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.storage.log.FetchIsolation;
import org.apache.kafka.server.util.KafkaScheduler;
import org.apache.kafka.storage.internals.checkpoint.*;
import org.apache.kafka.storage.internals.log.*;
import org.apache.kafka.storage.log.metrics.BrokerTopicStats;

/** Test probe: Kafka's storage classes reading (and writing) tskafka's files. */
public class KafkaStorageProbe {
  static String str(java.nio.ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return new String(a, StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("log")) log(args); else checkpoints(args);
  }

  // log <dir> <cleanShutdown> <recoveryPoint> <lookupTimestamp> <appendEpoch>
  static void log(String[] a) throws Exception {
    File dir = new File(a[1]);
    Map<String, Object> props = new HashMap<>();
    props.put("message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE));
    KafkaScheduler sched = new KafkaScheduler(1);
    sched.startup();
    UnifiedLog log = UnifiedLog.create(dir, new LogConfig(props), 0L, Long.parseLong(a[3]), sched, new BrokerTopicStats(), Time.SYSTEM,
        300000, new ProducerStateManagerConfig(86400000, false), 600000, new LogDirFailureChannel(1), Boolean.parseBoolean(a[2]),
        Optional.of(Uuid.fromString("${TOPIC_ID}")));
    StringBuilder epochs = new StringBuilder();
    for (EpochEntry e : log.leaderEpochCache().epochEntries()) epochs.append(e.epoch()).append(':').append(e.startOffset()).append(' ');
    System.out.println("loaded " + log.logStartOffset() + " " + log.logEndOffset() + " " + log.numberOfSegments() + " " + epochs.toString().trim());
    long off = log.logStartOffset();
    while (off < log.logEndOffset()) {
      FetchDataInfo fdi = log.read(off, 1 << 20, FetchIsolation.LOG_END, true);
      long next = off;
      for (RecordBatch b : fdi.records.batches()) {
        b.ensureValid();
        for (org.apache.kafka.common.record.internal.Record r : b)
          if (r.offset() >= off)
            System.out.println("record " + r.offset() + " " + b.partitionLeaderEpoch() + " " + r.timestamp() + " " + (r.hasKey() ? str(r.key()) : "null") + " " + str(r.value()));
        next = b.nextOffset();
      }
      if (next == off) break;
      off = next;
    }
    var found = log.fetchOffsetByTimestamp(Long.parseLong(a[4]), Optional.empty()).timestampAndOffsetOpt();
    System.out.println("lookup " + (found.isPresent() ? found.get().offset + " " + found.get().timestamp : "none"));
    SimpleRecord[] recs = new SimpleRecord[3];
    for (int i = 0; i < 3; i++)
      recs[i] = new SimpleRecord(${T0}L + 100000 + i, ("kafka-k" + i).getBytes(StandardCharsets.UTF_8), ("kafka-v" + i).getBytes(StandardCharsets.UTF_8));
    LogAppendInfo info = log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, recs), Integer.parseInt(a[5]));
    System.out.println("appended " + info.firstOffset() + " " + info.lastOffset());
    log.flush(true);
    log.close();
    sched.shutdown();
  }

  // checkpoints <dir with tskafka's files> <empty dir for Kafka's>
  static void checkpoints(String[] a) throws Exception {
    File ours = new File(a[1]);
    File theirs = new File(a[2]);
    LogDirFailureChannel ch = new LogDirFailureChannel(1);
    Map<TopicPartition, Long> rp = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    rp.putAll(new OffsetCheckpointFile(new File(ours, "recovery-point-offset-checkpoint"), ch).read());
    System.out.println("offsets " + rp);
    System.out.println("epochs " + new LeaderEpochCheckpointFile(new File(ours, "leader-epoch-checkpoint"), ch).read());
    System.out.println("topic-id " + new PartitionMetadataFile(new File(ours, "partition.metadata"), ch).read().topicId());
    System.out.println("broker-epoch " + new CleanShutdownFileHandler(ours.getPath()).read().getAsLong());
    Map<TopicPartition, Long> m = new HashMap<>();
    m.put(new TopicPartition("orders", 0), 1234567890123L);
    new OffsetCheckpointFile(new File(theirs, "recovery-point-offset-checkpoint"), ch).write(m);
    new LeaderEpochCheckpointFile(new File(theirs, "leader-epoch-checkpoint"), ch).write(List.of(new EpochEntry(0, 0L), new EpochEntry(3, 17L)));
    PartitionMetadataFile pm = new PartitionMetadataFile(new File(theirs, "partition.metadata"), ch);
    pm.record(Uuid.fromString("${TOPIC_ID}"));
    pm.maybeFlush();
    new CleanShutdownFileHandler(theirs.getPath()).write(42L);
  }
}
`

let probeSource: string

beforeAll(() => {
  if (!existsSync(kafkaBin('kafka-dump-log'))) {
    throw new Error(`Apache Kafka ${kafkaVersion()} is not installed (no ${kafkaBin('kafka-dump-log')}); run \`npm run peers\``)
  }
  const dir = tempDir('tskafka-probe-')
  probeSource = join(dir, 'KafkaStorageProbe.java')
  writeFileSync(probeSource, PROBE)
})

afterAll(() => cleanupTempDirs())

async function dumpLog(args: string[]) {
  const r = await runKafkaTool('kafka-dump-log', args, {timeoutMs: 120_000})
  expect(r.code, describeRun('kafka-dump-log', r)).toBe(0)
  return r
}

async function probe(args: string[]) {
  const r = await runJava(probeSource, args, {timeoutMs: 120_000})
  expect(r.code, describeRun('KafkaStorageProbe', r)).toBe(0)
  return r.stdout
}

function probeRecords(stdout: string): Array<[number, number, number, string, string]> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('record '))
    .map((l) => {
      const [, offset, epoch, ts, key, ...value] = l.split(' ')
      return [Number(offset), Number(epoch), Number(ts), key!, value.join(' ')]
    })
}

describe('Kafka reads tskafka segment files', () => {
  it('kafka-dump-log decodes every batch and record of every segment, all codecs', async () => {
    const dir = join(tempDir(), 'dump-0')
    const {log, expected} = writeLog(dir)
    log.close()
    const logs = segmentFiles(dir, '.log')
    expect(logs.length).toBeGreaterThan(2)
    const r = await dumpLog(['--deep-iteration', '--print-data-log', '--files', logs.join(',')])
    expect(r.stdout).not.toMatch(/isvalid: false/)
    expect(r.stdout).not.toMatch(/invalid bytes/)
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) expect(r.stdout).toContain(`compresscodec: ${codec}`)
    expect(dumpedRecords(r.stdout)).toEqual(expected)
    // Kafka's tool counts from -1 in each file, so a segment not starting at 0 is reported as
    // "-1 is followed by <base offset>" (it does so for Kafka's own segments); nothing else may appear.
    const gaps = [...r.stderr.matchAll(/^ {2}(-?\d+) is followed by (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])])
    const bases = logs.map((f) => Number(f.slice(-24, -4))).filter((b) => b > 0)
    expect(gaps).toEqual(expect.arrayContaining(bases.map((b) => [-1, b])))
    expect(gaps).toHaveLength(bases.length)
    expect(r.stderr.replace(/Non-consecutive offsets in \S+\n {2}-1 is followed by \d+\n/g, '').trim()).toBe('')
    const batchLines = r.stdout.split('\n').filter((l) => l.startsWith('baseOffset:'))
    expect(batchLines.map((l) => Number(/partitionLeaderEpoch: (\d+)/.exec(l)![1]))).toEqual(Array.from({length: 30}, (_, b) => Math.floor(b / 10)))
  })

  it('kafka-dump-log finds the .index and .timeindex files consistent with the .log files', async () => {
    const dir = join(tempDir(), 'idx-0')
    const {log} = writeLog(dir)
    // First while the log is open: the active segment's indexes are still preallocated, the others trimmed by their roll.
    expect(segmentFiles(dir, ".log").length).toBeGreaterThan(2)
    expect(log.activeSegment.offsetIndex.entries).toBeGreaterThan(0)
    log.flush()
    const indexes = [...segmentFiles(dir, '.index'), ...segmentFiles(dir, '.timeindex')]
    const verify = await dumpLog(['--verify-index-only', '--files', indexes.join(',')])
    expect(verify.stderr).not.toMatch(/Mismatches|mismatch|not found|out of order/i)
    const ours = log.logSegments().flatMap((seg) => Array.from({length: seg.offsetIndex.entries}, (_, i) => seg.offsetIndex.entry(i)))
    log.close()
    const oursTime = log.logSegments().flatMap((seg) => Array.from({length: seg.timeIndex.entries}, (_, i) => seg.timeIndex.entry(i)))
    const closed = [...segmentFiles(dir, '.index'), ...segmentFiles(dir, '.timeindex')]
    const again = await dumpLog(['--verify-index-only', '--files', closed.join(',')])
    expect(again.stderr).not.toMatch(/Mismatches|mismatch|not found|out of order/i)
    const sanity = await dumpLog(['--index-sanity-check', '--files', closed.join(',')])
    for (const f of closed) expect(sanity.stdout).toMatch(new RegExp(`${f.replace(/\./g, '\\.')} (passed sanity check|is empty)\\.`))
    const full = await dumpLog(['--files', closed.join(',')])
    const entries = [...full.stdout.matchAll(/^offset: (\d+) position: (\d+)$/gm)].map((m) => ({offset: Number(m[1]), position: Number(m[2])}))
    expect(entries.length).toBeGreaterThan(3)
    expect(entries).toEqual(ours)
    const timeEntries = [...full.stdout.matchAll(/^timestamp: (\d+) offset: (\d+)$/gm)].map((m) => ({timestamp: Number(m[1]), offset: Number(m[2])}))
    expect(timeEntries.length).toBeGreaterThan(3)
    expect(timeEntries).toEqual(oursTime)
  })

  it('kafka-dump-log agrees with the indexes rebuilt by unclean-shutdown recovery', async () => {
    const dir = join(tempDir(), 'rec-0')
    const {expected} = writeLog(dir)
    const logs = segmentFiles(dir, '.log')
    appendFileSync(logs[logs.length - 1]!, Buffer.from('torn write: not a batch'))
    const log = PartitionLog.open(dir, {config: logConfig({segmentBytes: 8192, indexIntervalBytes: 1024}), hadCleanShutdown: false, recoveryPointCheckpoint: 0})
    expect(log.loadInfo.recoveredSegments).toBe(logs.length)
    expect(log.loadInfo.truncatedBytes).toBe(23)
    log.close()
    const indexes = [...segmentFiles(dir, '.index'), ...segmentFiles(dir, '.timeindex')]
    const verify = await dumpLog(['--verify-index-only', '--files', indexes.join(',')])
    expect(verify.stderr).not.toMatch(/Mismatches|mismatch|not found|out of order/i)
    const data = await dumpLog(['--deep-iteration', '--print-data-log', '--files', segmentFiles(dir, '.log').join(',')])
    expect(data.stdout).not.toMatch(/invalid bytes/)
    expect(dumpedRecords(data.stdout)).toEqual(expected)
  })
})

describe("Kafka's UnifiedLog and tskafka's PartitionLog share partition directories", () => {
  for (const clean of [true, false]) {
    it(`Kafka loads a tskafka log (${clean ? 'clean' : 'unclean'} shutdown), reads it, appends; tskafka reads Kafka's append`, async () => {
      const dir = join(tempDir(), `shared-0`)
      const {log, expected} = writeLog(dir)
      log.close()
      const out = await probe(['log', dir, String(clean), '0', String(T0 + 555), '7'])
      const loaded = /^loaded (\d+) (\d+) (\d+) (.*)$/m.exec(out)!
      expect([Number(loaded[1]), Number(loaded[2]), Number(loaded[3])]).toEqual([0, 150, log.numberOfSegments])
      expect(loaded[4]).toBe('0:0 1:50 2:100')
      expect(probeRecords(out)).toEqual(expected.map((e) => [e.offset, Math.floor(e.offset / 50), e.timestamp, e.key ?? 'null', e.value]))
      expect(out).toMatch(/^lookup 56 1700000000560$/m)
      expect(out).toMatch(/^appended 150 152$/m)

      const reopened = PartitionLog.open(dir, {config: logConfig({segmentBytes: 8192, indexIntervalBytes: 1024})})
      expect(reopened.loadInfo.recoveredSegments).toBe(0)
      expect(reopened.logEndOffset).toBe(153)
      expect(reopened.leaderEpochCache.epochEntries().at(-1)).toEqual({epoch: 7, startOffset: 150})
      const tail = decodeAll(reopened.read(150, 1 << 20, {isolation: 'log-end'}).records)
      expect(tail.map((r) => [r.offset, r.key, r.value, r.leaderEpoch])).toEqual([
        [150, 'kafka-k0', 'kafka-v0', 7],
        [151, 'kafka-k1', 'kafka-v1', 7],
        [152, 'kafka-k2', 'kafka-v2', 7],
      ])
      expect(reopened.fetchOffsetByTimestamp(T0 + 100_001)).toEqual({timestamp: T0 + 100_001, offset: 151, leaderEpoch: 7})
      reopened.close()
    })
  }
})

describe('checkpoint files', () => {
  it("Kafka's checkpoint classes read tskafka's files, and write the same bytes", async () => {
    const ours = tempDir()
    const theirs = tempDir()
    writeOffsetCheckpoint(join(ours, 'recovery-point-offset-checkpoint'), [
      {topic: 'orders', partition: 1, offset: 9},
      {topic: 'orders', partition: 0, offset: 1234567890123},
    ])
    writeLeaderEpochCheckpoint(join(ours, 'leader-epoch-checkpoint'), [
      {epoch: 0, startOffset: 0},
      {epoch: 3, startOffset: 17},
    ])
    writePartitionMetadata(ours, TOPIC_ID)
    writeCleanShutdownFile(ours, 42)
    const out = await probe(['checkpoints', ours, theirs])
    expect(out).toContain('offsets {orders-0=1234567890123, orders-1=9}')
    expect(out).toContain('epochs [EpochEntry[epoch=0, startOffset=0], EpochEntry[epoch=3, startOffset=17]]')
    expect(out).toContain(`topic-id ${TOPIC_ID}`)
    expect(out).toContain('broker-epoch 42')
    expect(readFileSync(join(theirs, 'recovery-point-offset-checkpoint'), 'utf8')).toBe(
      formatOffsetCheckpoint([{topic: 'orders', partition: 0, offset: 1234567890123}]),
    )
    expect(readFileSync(join(theirs, 'leader-epoch-checkpoint'), 'utf8')).toBe(
      formatLeaderEpochCheckpoint([
        {epoch: 0, startOffset: 0},
        {epoch: 3, startOffset: 17},
      ]),
    )
    expect(readFileSync(join(theirs, 'partition.metadata'), 'utf8')).toBe(formatPartitionMetadata(TOPIC_ID))
    expect(readFileSync(join(theirs, '.kafka_cleanshutdown'), 'utf8')).toBe(formatCleanShutdown(42))
  })
})
