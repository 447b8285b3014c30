"""Describes a cluster with both Python Kafka clients; prints one JSON object.

Usage: /usr/bin/python3 describe_cluster.py <bootstrap servers> [confluent|kafkaPython]
(the optional name limits the run to that client)
Output: {"confluent": {"clusterId", "controllerId", "brokers": [{id, host, port}]},
         "kafkaPython": {"clusterId", "controllerId", "brokers": [{id, host, port, rack}]}}
Each client's entry is {"error": "..."} instead when that client fails; exit 1 then.
"""
import json
import sys


def with_confluent(bootstrap):
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": bootstrap, "client.id": "tskafka-py-confluent"})
    md = admin.list_topics(timeout=20)
    return {
        "clusterId": md.cluster_id,
        "controllerId": md.controller_id,
        "brokers": sorted(
            ({"id": b.id, "host": b.host, "port": b.port} for b in md.brokers.values()),
            key=lambda b: b["id"],
        ),
    }


def with_kafka_python(bootstrap):
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="tskafka-py-kafka-python", request_timeout_ms=20000
    )
    try:
        cluster = admin.describe_cluster()
    finally:
        admin.close()
    return {
        "clusterId": cluster.get("cluster_id"),
        "controllerId": cluster.get("controller_id"),
        "brokers": sorted(
            (
                {"id": b["node_id"], "host": b["host"], "port": b["port"], "rack": b.get("rack")}
                for b in cluster["brokers"]
            ),
            key=lambda b: b["id"],
        ),
    }


def main():
    clients = (("confluent", with_confluent), ("kafkaPython", with_kafka_python))
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] not in dict(clients)):
        print("usage: describe_cluster.py <bootstrap servers> [confluent|kafkaPython]", file=sys.stderr)
        return 2
    if len(sys.argv) == 3:
        clients = tuple(c for c in clients if c[0] == sys.argv[2])
    result = {}
    ok = True
    for name, fn in clients:
        try:
            result[name] = fn(sys.argv[1])
        except Exception as e:  # report per client; the test names which one failed
            result[name] = {"error": "%s: %s" % (type(e).__name__, e)}
            ok = False
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
