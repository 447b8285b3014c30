import java.io.*;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.*;

// Writes record batches with Apache Kafka's own Java record classes (kafka-clients), as base64, for the
// golden tests in test/unit/record-batch.test.ts. Run: java -cp "<kafka libs>/*" scripts/peers/java/GoldenBatches.java
public class GoldenBatches {
  static byte[] b(String s) { return s == null ? null : s.getBytes(StandardCharsets.UTF_8); }
  static final long T0 = 1700000000000L;
  static SimpleRecord[] small() {
    return new SimpleRecord[] {
      new SimpleRecord(T0, b("k1"), b("v1"), new Header[] {new RecordHeader("h1", b("x")), new RecordHeader("h2", b(""))}),
      new SimpleRecord(T0 + 5, null, b("v2")),
      new SimpleRecord(T0 - 3, b("k3"), null, new Header[] {new RecordHeader("hn", (byte[]) null)}),
    };
  }
  static SimpleRecord[] large() {
    SimpleRecord[] r = new SimpleRecord[150];
    for (int i = 0; i < r.length; i++) {
      r[i] = new SimpleRecord(T0 + i, b("key-" + i), b("{\"id\":" + i + ",\"payload\":\"" + "abcdefghij".repeat(45) + "\"}"));
    }
    return r;
  }
  static Compression c(String n) { return Compression.of(n).build(); }
  static String hex(ByteBuffer buf) {
    ByteBuffer d = buf.duplicate(); StringBuilder sb = new StringBuilder();
    while (d.hasRemaining()) sb.append(String.format("%02x", d.get() & 0xff));
    return sb.toString();
  }
  static void out(String name, MemoryRecords m) { ByteBuffer d = m.buffer().duplicate(); byte[] a = new byte[d.remaining()]; d.get(a); System.out.println(name + " " + Base64.getEncoder().encodeToString(a)); }
  static String h(byte[] x) { if (x == null) return "null"; StringBuilder sb = new StringBuilder(); for (byte y : x) sb.append(String.format("%02x", y & 0xff)); return sb.length() == 0 ? "-" : sb.toString(); }
  static String h(ByteBuffer x) { if (x == null) return "null"; byte[] a = new byte[x.remaining()]; x.duplicate().get(a); return h(a); }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("gen")) {
      for (String n : new String[] {"none", "gzip", "snappy", "lz4", "zstd"}) {
        out("v2_" + n, MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 100L, c(n), TimestampType.CREATE_TIME, small()));
        out("v2_large_" + n, MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, c(n), TimestampType.CREATE_TIME, large()));
      }
      out("v2_idempotent", MemoryRecords.withIdempotentRecords(RecordBatch.MAGIC_VALUE_V2, 5L, c("none"), 1234L, (short) 7, 42, 3, small()));
      out("v2_txn_zstd", MemoryRecords.withTransactionalRecords(RecordBatch.MAGIC_VALUE_V2, 5L, c("zstd"), 1234L, (short) 7, 42, 3, small()));
      out("v2_commit", MemoryRecords.withEndTransactionMarker(10L, T0, 3, 1234L, (short) 7, new EndTransactionMarker(ControlRecordType.COMMIT, 9)));
      out("v2_abort", MemoryRecords.withEndTransactionMarker(11L, T0, 3, 1234L, (short) 7, new EndTransactionMarker(ControlRecordType.ABORT, 9)));
      {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder bld = MemoryRecords.builder(buf, RecordBatch.MAGIC_VALUE_V2, c("lz4"), TimestampType.LOG_APPEND_TIME, 0L, T0 + 1000);
        for (SimpleRecord r : small()) bld.append(r);
        out("v2_logappend_lz4", bld.build());
      }
      for (byte magic : new byte[] {0, 1}) for (String n : new String[] {"none", "gzip", "snappy", "lz4"}) {
        out("v" + magic + "_" + n, MemoryRecords.withRecords(magic, 200L, c(n), TimestampType.CREATE_TIME, new SimpleRecord[] {
          new SimpleRecord(T0, b("k1"), b("v1")), new SimpleRecord(T0 + 5, null, b("v2")), new SimpleRecord(T0 - 3, b("k3"), null)}));
      }
    } else {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
      String line;
      while ((line = in.readLine()) != null) {
        String[] p = line.trim().split(" ");
        if (p.length < 2) continue;
        byte[] data = Base64.getDecoder().decode(p[1]);
        StringBuilder sb = new StringBuilder(p[0]);
        try {
          MemoryRecords m = MemoryRecords.readableRecords(ByteBuffer.wrap(data));
          for (MutableRecordBatch batch : m.batches()) {
            batch.ensureValid();
            sb.append(String.format(" |batch base=%d last=%d magic=%d comp=%s tstype=%s maxts=%d pid=%d epoch=%d seq=%d txn=%s ctl=%s ple=%d",
              batch.baseOffset(), batch.lastOffset(), batch.magic(), batch.compressionType().name, batch.timestampType(), batch.maxTimestamp(),
              batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.isTransactional(), batch.isControlBatch(), batch.partitionLeaderEpoch()));
            for (org.apache.kafka.common.record.internal.Record r : batch) {
              sb.append(String.format(" |rec off=%d ts=%d key=%s value=%s", r.offset(), r.timestamp(), h(r.key()), h(r.value())));
              for (Header hd : r.headers()) sb.append(" " + hd.key() + "=" + h(hd.value()));
              if (batch.isControlBatch()) {
                ControlRecordType t = ControlRecordType.parse(r.key());
                sb.append(" control=" + t);
                if (t == ControlRecordType.COMMIT || t == ControlRecordType.ABORT) sb.append(" coordEpoch=" + EndTransactionMarker.deserialize(r).coordinatorEpoch());
              }
            }
          }
        } catch (Throwable e) { sb.append(" ERROR " + e); }
        System.out.println(sb);
      }
    }
  }
}
