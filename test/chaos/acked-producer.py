# A librdkafka producer (python3-confluent-kafka) for the failure drill: acks=all, idempotent,
# producing numbered records round robin over the partitions until the stop file appears, then
# flushing. Every acknowledged record is written to the output file as "partition offset seq",
# one per line; the last line is "done acked=N failed=M".
#
#   acked-producer.py BOOTSTRAP TOPIC PARTITIONS OUT_FILE STOP_FILE
import os
import sys
import time

from confluent_kafka import Producer

bootstrap, topic, partitions, out_path, stop_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
acked = []
failed = [0]
errors = {}


def on_delivery(err, msg):
    if err is not None:
        failed[0] += 1
        errors[str(err.name())] = errors.get(str(err.name()), 0) + 1
    else:
        acked.append((msg.partition(), msg.offset(), int(msg.value().decode())))


p = Producer({
    'bootstrap.servers': bootstrap,
    'acks': 'all',
    'enable.idempotence': True,
    'linger.ms': 5,
    'message.timeout.ms': 120000,
    'retry.backoff.ms': 100,
    'topic.metadata.refresh.interval.ms': 1000,
    'socket.connection.setup.timeout.ms': 3000,
})

seq = 0
last_report = time.time()
while not os.path.exists(stop_path):
    for _ in range(20):
        try:
            p.produce(topic, value=str(seq).encode(), key=str(seq).encode(), partition=seq % partitions, on_delivery=on_delivery)
            seq += 1
        except BufferError:
            break
    p.poll(0.01)
    if time.time() - last_report > 5:
        last_report = time.time()
        print(f'produced={seq} acked={len(acked)} failed={failed[0]} in_flight={len(p)}', flush=True)

remaining = p.flush(120)
with open(out_path, 'w') as f:
    for part, off, s in acked:
        f.write(f'{part} {off} {s}\n')
    f.write(f'done acked={len(acked)} failed={failed[0]} unflushed={remaining} produced={seq} errors={errors}\n')
print(f'done produced={seq} acked={len(acked)} failed={failed[0]} unflushed={remaining} errors={errors}', flush=True)
