#!/usr/bin/env bash
# Creates the platform's topics on Kafka, once, idempotently; run by the `topics` container of
# deploy/docker-compose.yml with the official apache/kafka image (its /opt/kafka/bin tools).
#
#   BOOTSTRAP               Kafka bootstrap servers (kafka:9092)
#   TOPICS                  space-separated topic names: contracts.topics.ALL_TOPICS
#   PARTITIONS              partitions of a new topic (contracts.topics.PARTITIONS, 3)
#   REPLICATION_FACTOR      1 on a single broker
#   DLQ_MAX_MESSAGE_BYTES   max.message.bytes of the *.dlq topics (a dead letter carries the original, base64)
#
# Existing topics are left as they are, except that a *.dlq topic's max.message.bytes is (re)set. A topic with fewer
# partitions than PARTITIONS is reported, never grown: more partitions move event ids to other partitions, which breaks
# the per-event order the services rely on (docs/operating.md, "Scaling out").
set -euo pipefail

BIN=${KAFKA_BIN:-/opt/kafka/bin}
: "${BOOTSTRAP:?}" "${TOPICS:?}"
PARTITIONS=${PARTITIONS:-3}
REPLICATION_FACTOR=${REPLICATION_FACTOR:-1}
DLQ_MAX_MESSAGE_BYTES=${DLQ_MAX_MESSAGE_BYTES:-4194304}

say() { echo "[topics] $*"; }

for attempt in $(seq 1 60); do
  if "$BIN/kafka-broker-api-versions.sh" --bootstrap-server "$BOOTSTRAP" > /dev/null 2>&1; then
    break
  fi
  if [ "$attempt" -eq 60 ]; then
    say "Kafka at $BOOTSTRAP did not answer within 120 s"
    exit 1
  fi
  sleep 2
done

existing=$("$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --list)
for topic in $TOPICS; do
  config=()
  case "$topic" in
    *.dlq) config=(--config "max.message.bytes=$DLQ_MAX_MESSAGE_BYTES") ;;
  esac
  if grep -qxF "$topic" <<< "$existing"; then
    if [ "${#config[@]}" -gt 0 ]; then
      "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --alter --entity-type topics --entity-name "$topic" \
        --add-config "max.message.bytes=$DLQ_MAX_MESSAGE_BYTES" > /dev/null
    fi
  else
    "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$topic" \
      --partitions "$PARTITIONS" --replication-factor "$REPLICATION_FACTOR" "${config[@]}" > /dev/null
    say "created $topic"
  fi
done

# One look at the result: every topic present, with at least PARTITIONS partitions.
described=$("$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --describe)
missing=0
for topic in $TOPICS; do
  count=$(awk -v t="$topic" '$1 == "Topic:" && $2 == t && /PartitionCount:/ {
      for (i = 1; i <= NF; i++) if ($i == "PartitionCount:") print $(i + 1) }' <<< "$described")
  if [ -z "$count" ]; then
    say "ERROR: $topic is missing"
    missing=1
  elif [ "$count" -lt "$PARTITIONS" ]; then
    say "WARNING: $topic has $count partitions, fewer than $PARTITIONS; left as it is (see docs/operating.md)"
  else
    say "$topic: $count partitions"
  fi
done
[ "$missing" -eq 0 ] || exit 1
say "all $(wc -w <<< "$TOPICS") topics present"
