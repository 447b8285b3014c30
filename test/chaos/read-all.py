# Reads every record of a topic with a librdkafka consumer (python3-confluent-kafka): each
# partition assigned from its beginning and read up to its high watermark as the leader reports
# it. Writes "partition offset seq" per record, then "done records=N".
#
#   read-all.py BOOTSTRAP TOPIC PARTITIONS OUT_FILE
import sys
import time

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING

bootstrap, topic, partitions, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
c = Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': 'chaos-verifier',
    'enable.auto.commit': False,
    'enable.partition.eof': True,
    'auto.offset.reset': 'earliest',
})
ends = {}
for part in range(partitions):
    low, high = c.get_watermark_offsets(TopicPartition(topic, part), timeout=30)
    ends[part] = high
c.assign([TopicPartition(topic, part, OFFSET_BEGINNING) for part in range(partitions)])
records = []
positions = {part: 0 for part in range(partitions)}
deadline = time.time() + 120
while any(positions[p] < ends[p] for p in ends) and time.time() < deadline:
    msg = c.poll(0.5)
    if msg is None:
        continue
    if msg.error():
        continue
    records.append((msg.partition(), msg.offset(), int(msg.value().decode())))
    positions[msg.partition()] = msg.offset() + 1
c.close()
with open(out_path, 'w') as f:
    for part, off, s in records:
        f.write(f'{part} {off} {s}\n')
    f.write(f'done records={len(records)} ends={ends}\n')
print(f'done records={len(records)} ends={ends}', flush=True)
