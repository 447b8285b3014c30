# The reassignment drill's producer: a librdkafka producer (python3-confluent-kafka) with acks=all and
# idempotence, producing numbered records round robin over the partitions until the stop file appears,
# then flushing. Every acknowledged record is written to the output file as "partition offset seq",
# one per line, then "restart <librdkafka's fatal error>" per restart (see below); the last line is
# "done acked=N failed=M ... restarts=R".
#
# As acked-producer.py, except for one thing: librdkafka up to 2.2 can raise a fatal
# OUT_OF_ORDER_SEQUENCE_NUMBER ("sequence desynchronization ... last partition error
# NOT_LEADER_FOR_PARTITION") when a partition's leader moves while a request to the old one is failing:
# it sends the next batch to the new leader before the failed one (librdkafka issue 3584, fixed in
# 2.3.0 by PR 4438). The client's own debug log shows the skipped sequence numbers; the broker is right
# to refuse them. Leaders move all the time in the drill, so instead of dying the producer starts over
# with a new instance (a new producer id), counting restarts: the records the dead instance had not
# got acknowledged count as failed, never as acknowledged, and the sequence numbers keep increasing.
#
#   reassign-producer.py BOOTSTRAP TOPIC PARTITIONS OUT_FILE STOP_FILE
# RDKAFKA_DEBUG=topic,eos,msg and RDKAFKA_LOG=<file> write librdkafka's debug log for a post-mortem.
import logging
import os
import sys
import time

from confluent_kafka import KafkaException, Producer

bootstrap, topic, partitions, out_path, stop_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
acked = []
failed = [0]
errors = {}
fatal = []
restarts = []


def on_delivery(err, msg):
    if err is not None:
        failed[0] += 1
        errors[str(err.name())] = errors.get(str(err.name()), 0) + 1
    else:
        acked.append((msg.partition(), msg.offset(), int(msg.value().decode())))


def on_error(err):
    if err.fatal():
        fatal.append(err.str())


def new_producer():
    config = {
        'bootstrap.servers': bootstrap,
        'acks': 'all',
        'enable.idempotence': True,
        'linger.ms': 5,
        'message.timeout.ms': 120000,
        'retry.backoff.ms': 100,
        'topic.metadata.refresh.interval.ms': 1000,
        'socket.connection.setup.timeout.ms': 3000,
        'error_cb': on_error,
    }
    if os.environ.get('RDKAFKA_DEBUG'):
        logging.basicConfig(filename=os.environ.get('RDKAFKA_LOG', 'rdkafka.log'), level=logging.DEBUG, format='%(asctime)s %(message)s')
        config['debug'] = os.environ['RDKAFKA_DEBUG']
        config['logger'] = logging.getLogger('rdkafka')
    return Producer(config)


def start_over(p):
    """Fails what the dead instance still holds (delivery reports with _FATAL or _PURGE_*), then a new one."""
    restarts.append(fatal[-1] if fatal else 'fatal error')
    print(f'restarting the producer after: {restarts[-1]}', flush=True)
    try:
        p.purge()
    except KafkaException:
        pass
    p.flush(5)
    fatal.clear()
    return new_producer()


p = new_producer()
seq = 0
last_report = time.time()
while not os.path.exists(stop_path):
    try:
        for _ in range(20):
            try:
                p.produce(topic, value=str(seq).encode(), key=str(seq).encode(), partition=seq % partitions, on_delivery=on_delivery)
                seq += 1
            except BufferError:
                break
        p.poll(0.01)
    except KafkaException:
        if not fatal:
            raise
    if fatal:
        p = start_over(p)
    if time.time() - last_report > 5:
        last_report = time.time()
        print(f'produced={seq} acked={len(acked)} failed={failed[0]} in_flight={len(p)} restarts={len(restarts)}', flush=True)

remaining = p.flush(120)
restarts.extend(fatal)
with open(out_path, 'w') as f:
    for part, off, s in acked:
        f.write(f'{part} {off} {s}\n')
    for reason in restarts:
        f.write(f'restart {reason}\n')
    f.write(f'done acked={len(acked)} failed={failed[0]} unflushed={remaining} produced={seq} errors={errors} restarts={len(restarts)}\n')
print(f'done produced={seq} acked={len(acked)} failed={failed[0]} unflushed={remaining} errors={errors} restarts={len(restarts)}', flush=True)
