"""Drives kafka-python through produce (each codec), consume with a group, and admin calls, so that
scripts/capture-golden.ts can record the frames it sends. Client ids are "golden-kafka-python.<variant>".

Usage: /usr/bin/python3 golden_client.py <bootstrap servers>
Each step that fails is reported on stderr and the rest still run; exit 1 if any failed.
"""
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic

CODECS = ("none", "gzip", "snappy", "lz4", "zstd")
RECORDS = 3
failures = 0


def step(name, fn):
    global failures
    try:
        fn()
    except Exception as e:  # keep going: one broken API should not hide the others' frames
        failures += 1
        print("golden_client: %s failed: %s: %s" % (name, type(e).__name__, e), file=sys.stderr)


def topic(codec):
    return "golden-kafka-python-" + codec


def main():
    if len(sys.argv) != 2:
        print("usage: golden_client.py <bootstrap servers>", file=sys.stderr)
        return 2
    bootstrap = sys.argv[1]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="golden-kafka-python.admin")
    step("create_topics", lambda: admin.create_topics([NewTopic(topic(c), 1, 1) for c in CODECS]))
    step("describe_cluster", admin.describe_cluster)
    step("list_topics", admin.list_topics)
    step("describe_topics", lambda: admin.describe_topics([topic("none")]))

    for codec in CODECS:
        def produce(codec=codec):
            producer = KafkaProducer(
                bootstrap_servers=bootstrap,
                client_id="golden-kafka-python." + codec,
                compression_type=None if codec == "none" else codec,
                acks="all",
                linger_ms=50,
            )
            for i in range(RECORDS):
                producer.send(topic(codec), key=b"key-%d" % i, value=b"value-%d %s" % (i, codec.encode()),
                              headers=[("h", b"header-%d" % i)], partition=0)
            producer.flush(timeout=30)
            producer.close(timeout=10)

        step("produce " + codec, produce)

    for codec in CODECS:
        def consume(codec=codec):
            consumer = KafkaConsumer(
                topic(codec),
                bootstrap_servers=bootstrap,
                client_id="golden-kafka-python." + codec,
                group_id="golden-kafka-python-" + codec,
                auto_offset_reset="earliest",
                enable_auto_commit=False,
                consumer_timeout_ms=2000,
            )
            seen = 0
            deadline = time.time() + 30
            while seen < RECORDS and time.time() < deadline:
                for batch in consumer.poll(timeout_ms=500).values():
                    seen += len(batch)
            if seen < RECORDS:
                raise RuntimeError("read %d of %d records from %s" % (seen, RECORDS, topic(codec)))
            consumer.commit()
            consumer.close()

        step("consume " + codec, consume)

    step("list_consumer_groups", admin.list_consumer_groups)
    step("describe_consumer_groups", lambda: admin.describe_consumer_groups(["golden-kafka-python-none"]))
    step("list_consumer_group_offsets", lambda: admin.list_consumer_group_offsets("golden-kafka-python-none"))
    step("delete_topics", lambda: admin.delete_topics([topic(c) for c in CODECS]))
    admin.close()
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
