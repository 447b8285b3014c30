// Drives Apache Kafka's Java client through the common APIs so scripts/capture-golden.ts can record
// the frames it sends: admin calls, a producer per compression codec, a transactional producer,
// consumers (classic and KIP-848 group protocols, read_committed), offsets, deletes.
// Usage: GoldenClient <bootstrap servers>
// Client ids are "golden-java.<variant>" (the recorder names fixtures after them). Each step that
// fails is reported on stderr and the rest still run; exit 1 if any failed.

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class GoldenClient {
    static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};
    static final int RECORDS = 3;
    static String bootstrap;
    static int failures = 0;

    interface Step { void run() throws Exception; }

    static void step(String name, Step s) {
        try {
            s.run();
        } catch (Exception e) {
            failures++;
            Throwable c = e.getCause() != null ? e.getCause() : e;
            System.err.println("GoldenClient: " + name + " failed: " + c);
        }
    }

    static Properties common(String variant) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "golden-java." + variant);
        p.put("request.timeout.ms", "15000");
        return p;
    }

    static Admin admin() {
        Properties p = common("admin");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    static String topic(String codec) { return "golden-java-" + codec; }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: GoldenClient <bootstrap servers>");
            System.exit(2);
        }
        bootstrap = args[0];
        try (Admin admin = admin()) {
            step("createTopics", () -> {
                List<NewTopic> topics = new ArrayList<>();
                for (String codec : CODECS) topics.add(new NewTopic(topic(codec), 1, (short) 1));
                topics.add(new NewTopic(topic("txn"), 1, (short) 1));
                admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            });
            step("describeCluster", () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            step("listTopics", () -> admin.listTopics().names().get(30, TimeUnit.SECONDS));
            step("describeTopics", () -> admin.describeTopics(List.of(topic("none"))).allTopicNames().get(30, TimeUnit.SECONDS));
            step("describeConfigs", () -> admin.describeConfigs(List.of(
                new ConfigResource(ConfigResource.Type.TOPIC, topic("none")),
                new ConfigResource(ConfigResource.Type.BROKER, "1"))).all().get(30, TimeUnit.SECONDS));
            step("incrementalAlterConfigs", () -> {
                Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
                ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic("none")),
                    List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET)));
                admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
            });
            step("createPartitions", () -> admin.createPartitions(Map.of(topic("none"), NewPartitions.increaseTo(2))).all().get(30, TimeUnit.SECONDS));
        }

        for (String codec : CODECS) {
            step("produce " + codec, () -> {
                Properties p = common(codec);
                p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.LINGER_MS_CONFIG, "50");
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                    for (int i = 0; i < RECORDS; i++) {
                        ProducerRecord<String, String> r = new ProducerRecord<>(topic(codec), 0, "key-" + i, "value-" + i + " " + codec);
                        r.headers().add("h", ("header-" + i).getBytes());
                        producer.send(r);
                    }
                    producer.flush();
                }
            });
        }

        step("transactional produce", () -> {
            Properties p = common("txn");
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "golden-java-txn");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < RECORDS; i++) producer.send(new ProducerRecord<>(topic("txn"), "key-" + i, "txn-" + i));
                producer.sendOffsetsToTransaction(
                    Map.of(new TopicPartition(topic("none"), 0), new OffsetAndMetadata(1)),
                    new ConsumerGroupMetadata("golden-java-txn-group"));
                producer.commitTransaction();
            }
        });

        for (String codec : CODECS) {
            step("consume " + codec, () -> consume(codec, topic(codec), "classic", "read_uncommitted"));
        }
        step("consume with the consumer group protocol", () -> consume("consumer-protocol", topic("none"), "consumer", "read_uncommitted"));
        step("consume read_committed", () -> consume("txn", topic("txn"), "classic", "read_committed"));

        try (Admin admin = admin()) {
            TopicPartition tp = new TopicPartition(topic("none"), 0);
            step("listOffsets", () -> admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS));
            step("listOffsets earliest", () -> admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get(30, TimeUnit.SECONDS));
            step("listOffsets maxTimestamp", () -> admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp())).all().get(30, TimeUnit.SECONDS));
            step("listGroups", () -> admin.listGroups().all().get(30, TimeUnit.SECONDS));
            step("describeConsumerGroups", () -> admin.describeConsumerGroups(List.of("golden-java-none", "golden-java-consumer-protocol")).all().get(30, TimeUnit.SECONDS));
            step("listConsumerGroupOffsets", () -> admin.listConsumerGroupOffsets("golden-java-none").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
            step("describeLogDirs", () -> admin.describeLogDirs(List.of(1)).allDescriptions().get(30, TimeUnit.SECONDS));
            step("describeProducers", () -> admin.describeProducers(List.of(tp)).all().get(30, TimeUnit.SECONDS));
            step("listTransactions", () -> admin.listTransactions().all().get(30, TimeUnit.SECONDS));
            step("describeTransactions", () -> admin.describeTransactions(List.of("golden-java-txn")).all().get(30, TimeUnit.SECONDS));
            step("deleteRecords", () -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(1))).all().get(30, TimeUnit.SECONDS));
            step("deleteConsumerGroups", () -> admin.deleteConsumerGroups(List.of("golden-java-gzip")).all().get(30, TimeUnit.SECONDS));
            step("deleteTopics", () -> {
                List<String> names = new ArrayList<>();
                for (String codec : CODECS) names.add(topic(codec));
                names.add(topic("txn"));
                admin.deleteTopics(names).all().get(30, TimeUnit.SECONDS);
            });
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    static void consume(String variant, String topic, String protocol, String isolation) throws Exception {
        Properties p = common(variant);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "golden-java-" + variant);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            int seen = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (seen < RECORDS && System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                seen += records.count();
            }
            if (seen < RECORDS) throw new IllegalStateException("read " + seen + " of " + RECORDS + " records from " + topic);
            consumer.commitSync();
        }
    }
}
