// Apache Kafka's Java consumer as a group member, for group tests: subscribes to a topic with the
// classic protocol (a client-side assignor) or the consumer protocol (a server-side assignor),
// commits after every poll, and reports its state in a JSON file the test polls.
//
// Usage: GroupConsumer <bootstrap> <topic> <group> <classic|consumer> <assignor> <state file> <stop file> [max run ms]
//   assignor: range | roundrobin | sticky | cooperative-sticky (classic); uniform | range (consumer)
// State file (replaced atomically): {"assigned":[p..],"rebalances":n,"records":n,"consumed":{"p":[offsets..]}}
// Stops when <stop file> exists (close(): leaves the group), or dies without leaving when
// <stop file>.kill exists (halt, as a crash). Exit 0 on stop, 1 on error.

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

public class GroupConsumer {
    private static final TreeSet<Integer> assigned = new TreeSet<>();
    private static final Map<Integer, List<Long>> consumed = new TreeMap<>();
    private static int rebalances = 0;
    private static long records = 0;

    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: GroupConsumer <bootstrap> <topic> <group> <classic|consumer> <assignor> <state file> <stop file> [max run ms]");
            System.exit(2);
        }
        String topic = args[1];
        String protocol = args[3];
        String assignor = args[4];
        Path state = Paths.get(args[5]);
        Path stop = Paths.get(args[6]);
        Path kill = Paths.get(args[6] + ".kill");
        long deadline = System.currentTimeMillis() + (args.length > 7 ? Long.parseLong(args[7]) : 120_000L);

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, args[2]);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "java-" + protocol + "-" + assignor);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        if (protocol.equals("classic")) {
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
            props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
            props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "20000");
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, switch (assignor) {
                case "range" -> "org.apache.kafka.clients.consumer.RangeAssignor";
                case "roundrobin" -> "org.apache.kafka.clients.consumer.RoundRobinAssignor";
                case "sticky" -> "org.apache.kafka.clients.consumer.StickyAssignor";
                case "cooperative-sticky" -> "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
                default -> throw new IllegalArgumentException("unknown assignor " + assignor);
            });
        } else {
            props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, assignor);
        }

        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    for (TopicPartition tp : partitions) assigned.remove(tp.partition());
                    rebalances++;
                    writeState(state);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    for (TopicPartition tp : partitions) assigned.add(tp.partition());
                    rebalances++;
                    writeState(state);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    onPartitionsRevoked(partitions);
                }
            });
            writeState(state);
            while (!Files.exists(stop) && System.currentTimeMillis() < deadline) {
                if (Files.exists(kill)) Runtime.getRuntime().halt(137);
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, String> r : batch) {
                    consumed.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset());
                    records++;
                }
                if (!batch.isEmpty()) {
                    consumer.commitSync();
                    writeState(state);
                }
            }
        } catch (Exception e) {
            System.err.println("GroupConsumer: " + e);
            System.exit(1);
        } finally {
            consumer.close(Duration.ofSeconds(10));
        }
        writeState(state);
    }

    private static void writeState(Path state) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"assigned\":").append(assigned.toString().replace(" ", ""));
        sb.append(",\"rebalances\":").append(rebalances);
        sb.append(",\"records\":").append(records);
        sb.append(",\"consumed\":{");
        boolean first = true;
        for (Map.Entry<Integer, List<Long>> e : consumed.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append('"').append(e.getKey()).append("\":").append(e.getValue().toString().replace(" ", ""));
        }
        sb.append("}}");
        try {
            Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
            Files.write(tmp, sb.toString().getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            System.err.println("GroupConsumer: cannot write state: " + e);
        }
    }
}
