#!/usr/bin/env bash
# Installs the real Kafka peers the tests talk to: kcat (librdkafka), Python's confluent-kafka and
# kafka-python (Debian packages, for /usr/bin/python3), and Apache Kafka's jars (broker, storage tool,
# shell tools, Java client) with our own launcher scripts. Jars go to a cache outside the repo:
#   ${TSKAFKA_PEERS_DIR:-$HOME/.cache/tskafka/peers}/kafka-<version>/{libs,bin,config}
# Idempotent: a stamp of the inputs (pom, tool list, this script) skips the Maven step when nothing
# changed. Quiet unless something fails; prints one line of versions at the end.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
peers_src=$here/peers
peers_dir=${TSKAFKA_PEERS_DIR:-$HOME/.cache/tskafka/peers}
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$peers_src/pom.xml")
kafka_home=$peers_dir/kafka-$kafka_version

log=$(mktemp)
work=""
cleanup() { rm -f "$log"; [ -z "$work" ] || rm -rf "$work"; }
trap cleanup EXIT

fail() {
  echo "install-peers: $*" >&2
  if [ -s "$log" ]; then
    echo "--- last lines of output ---" >&2
    tail -n 40 "$log" >&2
  fi
  exit 1
}
# Runs a command with its output kept in the log, shown only if it fails.
quiet() { "$@" >>"$log" 2>&1 || fail "failed: $*"; }

[ -n "$kafka_version" ] || fail "no <kafka.version> in $peers_src/pom.xml"

# --- Debian packages ------------------------------------------------------------------------------
# python3 on PATH may be another interpreter (pyenv); Debian's modules belong to /usr/bin/python3.
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
[ -x /usr/bin/python3 ] || missing+=(python3)
/usr/bin/python3 -c 'import confluent_kafka' >/dev/null 2>&1 || missing+=(python3-confluent-kafka)
/usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || missing+=(python3-kafka)
# kafka-python's codecs beyond gzip come from these modules.
/usr/bin/python3 -c 'import snappy' >/dev/null 2>&1 || missing+=(python3-snappy)
/usr/bin/python3 -c 'import lz4.frame' >/dev/null 2>&1 || missing+=(python3-lz4)
/usr/bin/python3 -c 'import zstandard' >/dev/null 2>&1 || missing+=(python3-zstandard)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# util-linux's `script` gives the terminal tests a real pseudo-terminal.
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  quiet $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  quiet $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || fail "Apache Kafka $kafka_version needs Java 17 or newer (found ${java_major:-none})"

# --- Apache Kafka jars and launchers ---------------------------------------------------------------
stamp_file=$kafka_home/.installed
stamp=$(cat "$peers_src/pom.xml" "$peers_src/tools.txt" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)

if [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
  mkdir -p "$peers_dir"
  work=$(mktemp -d "$peers_dir/.install.XXXXXX")
  # Maven runs on a copy of the pom so nothing (target/) is written into the repo.
  cp "$peers_src/pom.xml" "$work/pom.xml"
  quiet mvn -B -q -f "$work/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$work/home/libs"

  mkdir -p "$work/home/bin" "$work/home/config"
  for name in tools server; do
    cat >"$work/home/config/$name-log4j2.properties" <<'EOF'
# Warnings and errors to stderr; nothing else (tests parse stdout).
status = error
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
EOF
  done

  # One runner; each tool script names its main class. Defaults favour fast start on small machines
  # (C1 only, serial GC); KAFKA_HEAP_OPTS / KAFKA_JVM_PERFORMANCE_OPTS / KAFKA_LOG4J_OPTS override them
  # as in Kafka's own scripts, and KAFKA_OPTS is appended.
  cat >"$work/home/bin/kafka-run-class.sh" <<'EOF'
#!/bin/sh
# Runs one Apache Kafka main class from this peer install: kafka-run-class.sh <main class> [args...]
# (written by tskafka's scripts/install-peers.sh)
home=$(cd "$(dirname "$0")/.." && pwd)
main=$1
shift
heap=${KAFKA_HEAP_OPTS:--Xmx512m}
perf=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData}
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$home/config/tools-log4j2.properties}
exec "${JAVA:-java}" $heap $perf $log4j $KAFKA_OPTS -cp "$home/libs/*" "$main" "$@"
EOF

  classes=$(mktemp)
  for jar in "$work"/home/libs/kafka*.jar; do
    /usr/bin/python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$jar" >>"$classes"
  done
  while read -r tool main; do
    case "$tool" in ''|'#'*) continue ;; esac
    grep -qx "${main//.//}.class" "$classes" || { rm -f "$classes"; fail "class $main (for $tool) is not in Kafka $kafka_version's jars"; }
    if [ "$tool" = kafka-server-start ]; then
      # The broker: full JIT and its own log config unless the caller says otherwise.
      cat >"$work/home/bin/$tool.sh" <<EOF
#!/bin/sh
# Apache Kafka broker/controller (KRaft): $tool.sh <server.properties> [--override k=v ...]
dir=\$(cd "\$(dirname "\$0")" && pwd)
export KAFKA_JVM_PERFORMANCE_OPTS="\${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:-UsePerfData}"
export KAFKA_LOG4J_OPTS="\${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=\$dir/../config/server-log4j2.properties}"
exec "\$dir/kafka-run-class.sh" $main "\$@"
EOF
    else
      cat >"$work/home/bin/$tool.sh" <<EOF
#!/bin/sh
# Apache Kafka's $tool.sh
exec "\$(dirname "\$0")/kafka-run-class.sh" $main "\$@"
EOF
    fi
  done <"$peers_src/tools.txt"
  rm -f "$classes"
  chmod +x "$work"/home/bin/*.sh

  # Smoke test before the new install replaces the old one.
  out=$("$work/home/bin/kafka-topics.sh" --version 2>&1) || { echo "$out" >>"$log"; fail "kafka-topics.sh --version failed"; }
  case "$out" in "$kafka_version"*) ;; *) echo "$out" >>"$log"; fail "kafka-topics.sh --version printed no $kafka_version" ;; esac

  echo "$stamp" >"$work/home/.installed"
  rm -rf "$kafka_home"
  mv "$work/home" "$kafka_home"
fi

# --- Check each peer runs ---------------------------------------------------------------------------
kcat_version=$(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\) .*librdkafka \([^ ]*\) .*/\1 (librdkafka \2)/p') || fail "kcat -V failed"
[ -n "$kcat_version" ] || fail "kcat -V printed no version"
py_versions=$(/usr/bin/python3 -c 'import confluent_kafka, kafka, snappy, lz4.frame, zstandard; print("confluent-kafka %s (librdkafka %s), kafka-python %s" % (confluent_kafka.version()[0], confluent_kafka.libversion()[0], kafka.__version__))' 2>>"$log") \
  || fail "/usr/bin/python3 cannot import confluent_kafka, kafka and the codec modules"
[ -x "$kafka_home/bin/kafka-topics.sh" ] || fail "$kafka_home/bin/kafka-topics.sh is missing"

echo "peers: Apache Kafka $kafka_version (java $java_major) in $kafka_home; kcat $kcat_version; $py_versions"
