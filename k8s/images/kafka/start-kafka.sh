#!/bin/sh
# Writes the broker's settings under /tmp (the root filesystem may be read-only), formats its log
# folder on first start, then runs the broker in the foreground.
#   KAFKA_HOST (127.0.0.1), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093): where it listens
#   KAFKA_DATA_DIR (/var/lib/kafka): its log folder (a volume to keep data across starts)
#   KAFKA_PARTITIONS (2): partitions of topics created without a count
#   KAFKA_HEAP (512m): the broker's heap
#   KAFKA_CFG_<NAME>: any broker setting, NAME in capitals with _ for . (KAFKA_CFG_MESSAGE_MAX_BYTES)
set -eu
host=${KAFKA_HOST:-127.0.0.1}
port=${KAFKA_PORT:-9092}
controller=${KAFKA_CONTROLLER_PORT:-9093}
data=${KAFKA_DATA_DIR:-/var/lib/kafka}
props=/tmp/kafka-server.properties
mkdir -p "$data"
cat >"$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$controller
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
num.partitions=${KAFKA_PARTITIONS:-2}
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=16777216
PROPS
env | sed -n 's/^KAFKA_CFG_\([A-Z0-9_]*\)=\(.*\)$/\1=\2/p' | while IFS='=' read -r name value; do
  printf '%s=%s\n' "$(printf %s "$name" | tr 'A-Z_' 'a-z.')" "$value" >>"$props"
done
log4j="-Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties"
if [ ! -f "$data/meta.properties" ]; then
  java $log4j -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format \
    -t "${KAFKA_CLUSTER_ID:-$(cat /proc/sys/kernel/random/uuid)}" -c "$props" >/tmp/kafka-format.log 2>&1 \
    || { cat /tmp/kafka-format.log >&2; exit 1; }
fi
exec java "-Xmx${KAFKA_HEAP:-512m}" -XX:+UseSerialGC $log4j -cp '/opt/kafka/libs/*' kafka.Kafka "$props"
