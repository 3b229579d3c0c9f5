#!/usr/bin/env bash
# TensorFlow Java's training step and Cortado's in one JVM, round by round in turn (peer.SideBySide).
#
#   ./side-by-side.sh CORTADO_BENCHMARKS_JAR [models] [rounds]
#   JAVA_OPTS=--add-modules=jdk.incubator.vector ./side-by-side.sh ../../target/benchmarks.jar mnist 10
#
# JAVA_HOME [/usr/lib/jvm/java-17-openjdk-amd64 if present], JAVA_OPTS [""], REP_SECONDS [2.0].
set -euo pipefail
JAR=$(realpath "${1:?usage: side-by-side.sh CORTADO_BENCHMARKS_JAR [models] [rounds]}")
shift
cd "$(dirname "$0")"
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/java-17-openjdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
if [[ ! -f tfjava/target/classpath.txt || -n $(find tfjava/src common -newer tfjava/target/classpath.txt -type f | head -1) ]]; then
  mvn -q -o -DskipTests package >"${TMPDIR:-/tmp}/peer-jvm-build.log" 2>&1 \
    || mvn -q -DskipTests package >"${TMPDIR:-/tmp}/peer-jvm-build.log" 2>&1 \
    || { tail -40 "${TMPDIR:-/tmp}/peer-jvm-build.log"; exit 1; }
  touch tfjava/target/classpath.txt
fi
read -r -a EXTRA_OPTS <<< "${JAVA_OPTS:-}"
OMP_NUM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2 "$JAVA" "${EXTRA_OPTS[@]}" -Dbench.repSeconds="${REP_SECONDS:-2.0}" \
  -cp "tfjava/target/classes:$(cat tfjava/target/classpath.txt)" peer.SideBySide "$JAR" "$@" 2>&1 \
  | grep -v -E '^I0000 |^WARNING|^[A-Z][a-z]{2} [0-9]{2}, [0-9]{4} |^INFO: '
