// Apache Kafka's own __consumer_offsets record classes (group coordinator 4.x) as the reference for
// tskafka's hand-written codecs.
//
// Usage: OffsetsRecords encode
//          prints one line per sample record: <name> <key hex> <value hex or "null">
//        OffsetsRecords decode
//          reads lines "<key hex> <value hex or null>" from stdin and prints, per line, the record as
//          Kafka's deserializer reads it: {"type":..,"key":{..},"valueVersion":..,"value":{..}|null}
// Exit 0, or 1 with the exception when Kafka cannot read a record.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.coordinator.common.runtime.CoordinatorRecord;
import org.apache.kafka.coordinator.group.GroupCoordinatorRecordSerde;
import org.apache.kafka.coordinator.group.generated.*;
import org.apache.kafka.server.common.ApiMessageAndVersion;

public class OffsetsRecords {
    static final Uuid TOPIC_ID = Uuid.fromString("MTIzNDU2Nzg5MDEyMzQ1Ng");

    public static void main(String[] args) throws Exception {
        GroupCoordinatorRecordSerde serde = new GroupCoordinatorRecordSerde();
        if (args.length == 1 && args[0].equals("encode")) {
            List<Object[]> samples = samples();
            for (Object[] s : samples) {
                CoordinatorRecord r = (CoordinatorRecord) s[1];
                byte[] v = serde.serializeValue(r);
                System.out.println(s[0] + " " + hex(serde.serializeKey(r)) + " " + (v == null ? "null" : hex(v)));
            }
        } else if (args.length == 1 && args[0].equals("decode")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                String[] parts = line.trim().split(" ");
                ByteBuffer value = parts[1].equals("null") ? null : ByteBuffer.wrap(HexFormat.of().parseHex(parts[1]));
                CoordinatorRecord r = serde.deserialize(ByteBuffer.wrap(HexFormat.of().parseHex(parts[0])), value);
                ApiMessageAndVersion v = r.value();
                System.out.println("{\"type\":" + r.key().apiKey()
                    + ",\"key\":" + json(r.key(), (short) 0)
                    + ",\"valueVersion\":" + (v == null ? -1 : v.version())
                    + ",\"value\":" + (v == null ? "null" : json(v.message(), v.version())) + "}");
            }
        } else {
            System.err.println("usage: OffsetsRecords encode|decode");
            System.exit(2);
        }
    }

    static String json(ApiMessage m, short version) throws Exception {
        Class<?> converter = Class.forName(m.getClass().getName() + "JsonConverter");
        return converter.getMethod("write", m.getClass(), short.class).invoke(null, m, version).toString();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static List<Object[]> samples() {
        List<Object[]> out = new ArrayList<>();
        OffsetCommitKey ok = new OffsetCommitKey().setGroup("g1").setTopic("t1").setPartition(3);
        out.add(new Object[]{"offset-commit-v3", CoordinatorRecord.record(ok, new ApiMessageAndVersion(
            new OffsetCommitValue().setOffset(42).setLeaderEpoch(7).setMetadata("meta").setCommitTimestamp(1700000000000L), (short) 3))});
        out.add(new Object[]{"offset-commit-v1", CoordinatorRecord.record(ok, new ApiMessageAndVersion(
            new OffsetCommitValue().setOffset(43).setMetadata("").setCommitTimestamp(1700000000001L).setExpireTimestamp(1700000060001L), (short) 1))});
        out.add(new Object[]{"offset-commit-tombstone", CoordinatorRecord.tombstone(ok)});
        List<GroupMetadataValue.MemberMetadata> members = new ArrayList<>();
        members.add(new GroupMetadataValue.MemberMetadata().setMemberId("m-1").setGroupInstanceId("i-1").setClientId("c1")
            .setClientHost("/127.0.0.1").setRebalanceTimeout(30000).setSessionTimeout(10000)
            .setSubscription(new byte[]{0, 1, 2}).setAssignment(new byte[]{3, 4}));
        members.add(new GroupMetadataValue.MemberMetadata().setMemberId("m-2").setGroupInstanceId(null).setClientId("c2")
            .setClientHost("/10.0.0.2").setRebalanceTimeout(60000).setSessionTimeout(45000)
            .setSubscription(new byte[]{}).setAssignment(new byte[]{9}));
        GroupMetadataKey gk = new GroupMetadataKey().setGroup("g1");
        out.add(new Object[]{"group-metadata-v3", CoordinatorRecord.record(gk, new ApiMessageAndVersion(
            new GroupMetadataValue().setProtocolType("consumer").setGeneration(5).setProtocol("range").setLeader("m-1")
                .setCurrentStateTimestamp(1700000000002L).setMembers(members), (short) 3))});
        out.add(new Object[]{"group-metadata-empty", CoordinatorRecord.record(gk, new ApiMessageAndVersion(
            new GroupMetadataValue().setProtocolType("").setGeneration(0).setProtocol(null).setLeader(null)
                .setCurrentStateTimestamp(1700000000003L).setMembers(new ArrayList<>()), (short) 3))});
        out.add(new Object[]{"group-metadata-tombstone", CoordinatorRecord.tombstone(gk)});
        out.add(new Object[]{"consumer-group-metadata", CoordinatorRecord.record(new ConsumerGroupMetadataKey().setGroupId("cg"),
            new ApiMessageAndVersion(new ConsumerGroupMetadataValue().setEpoch(9), (short) 0))});
        out.add(new Object[]{"consumer-group-member-metadata", CoordinatorRecord.record(
            new ConsumerGroupMemberMetadataKey().setGroupId("cg").setMemberId("mem-1"),
            new ApiMessageAndVersion(new ConsumerGroupMemberMetadataValue().setInstanceId(null).setRackId("r1").setClientId("c")
                .setClientHost("/127.0.0.1").setSubscribedTopicNames(List.of("a", "b")).setSubscribedTopicRegex(null)
                .setRebalanceTimeoutMs(45000).setServerAssignor("uniform"), (short) 0))});
        out.add(new Object[]{"consumer-group-target-assignment-metadata", CoordinatorRecord.record(
            new ConsumerGroupTargetAssignmentMetadataKey().setGroupId("cg"),
            new ApiMessageAndVersion(new ConsumerGroupTargetAssignmentMetadataValue().setAssignmentEpoch(9), (short) 0))});
        out.add(new Object[]{"consumer-group-target-assignment-member", CoordinatorRecord.record(
            new ConsumerGroupTargetAssignmentMemberKey().setGroupId("cg").setMemberId("mem-1"),
            new ApiMessageAndVersion(new ConsumerGroupTargetAssignmentMemberValue().setTopicPartitions(List.of(
                new ConsumerGroupTargetAssignmentMemberValue.TopicPartition().setTopicId(TOPIC_ID).setPartitions(List.of(0, 2)))), (short) 0))});
        out.add(new Object[]{"consumer-group-current-member-assignment", CoordinatorRecord.record(
            new ConsumerGroupCurrentMemberAssignmentKey().setGroupId("cg").setMemberId("mem-1"),
            new ApiMessageAndVersion(new ConsumerGroupCurrentMemberAssignmentValue().setMemberEpoch(9).setPreviousMemberEpoch(8).setState((byte) 0)
                .setAssignedPartitions(List.of(new ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions().setTopicId(TOPIC_ID).setPartitions(List.of(0, 2))))
                .setPartitionsPendingRevocation(new ArrayList<>()), (short) 0))});
        out.add(new Object[]{"consumer-group-current-member-assignment-tombstone", CoordinatorRecord.tombstone(
            new ConsumerGroupCurrentMemberAssignmentKey().setGroupId("cg").setMemberId("mem-1"))});
        return out;
    }
}
