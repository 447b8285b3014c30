"""confluent-kafka (librdkafka) as a consumer group member, for group tests.

Usage: /usr/bin/python3 group_consumer.py <bootstrap> <topic> <group> <assignor> <state file> <stop file> [max run ms]
  assignor: range | roundrobin | cooperative-sticky
Subscribes, commits synchronously after every message, and keeps <state file> (replaced
atomically) as {"assigned": [p..], "records": n, "consumed": {"p": [offsets..]}}.
Stops (close(): leaves the group) when <stop file> exists; dies without leaving (os._exit)
when <stop file>.kill exists. Exit 0 on stop, 1 on error.
"""
import json
import os
import sys
import time

from confluent_kafka import Consumer, KafkaError


def main():
    if len(sys.argv) < 7:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    bootstrap, topic, group, assignor, state_file, stop_file = sys.argv[1:7]
    deadline = time.time() + (int(sys.argv[7]) / 1000 if len(sys.argv) > 7 else 120)
    consumed = {}
    records = 0

    def write_state(assigned):
        tmp = state_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"assigned": sorted(assigned), "records": records, "consumed": consumed}, f)
        os.replace(tmp, state_file)

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "client.id": "confluent-" + assignor,
            "partition.assignment.strategy": assignor,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 500,
            "topic.metadata.refresh.interval.ms": 1000,
        }
    )
    try:
        consumer.subscribe([topic])
        write_state([])
        last = None
        while not os.path.exists(stop_file) and time.time() < deadline:
            if os.path.exists(stop_file + ".kill"):
                os._exit(137)
            msg = consumer.poll(0.2)
            if msg is not None:
                if msg.error():
                    if msg.error().code() != KafkaError._PARTITION_EOF:
                        print("group_consumer: %s" % msg.error(), file=sys.stderr)
                else:
                    consumed.setdefault(str(msg.partition()), []).append(msg.offset())
                    records += 1
                    consumer.commit(message=msg, asynchronous=False)
            assigned = [tp.partition for tp in consumer.assignment()]
            if msg is not None or assigned != last:
                write_state(assigned)
                last = assigned
    except Exception as e:  # noqa: BLE001 - report any client failure as one line
        print("group_consumer: %s" % e, file=sys.stderr)
        sys.exit(1)
    finally:
        consumer.close()
    write_state([])


if __name__ == "__main__":
    main()
