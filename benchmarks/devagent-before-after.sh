#!/usr/bin/env bash
# Dev agent before/after (issue 10) in one sitting: the JDK-server agent (main before the Netty front end) against
# this tree's agent, both measured by this tree's DevAgentBenchmark classes. Run from the repository root on a quiet
# machine; nothing is committed or installed (the old tree is built under /tmp).
#   benchmarks/devagent-before-after.sh            # all figures
#   OLD=<commit> benchmarks/devagent-before-after.sh
set -euo pipefail
OLD=${OLD:-a5770b9}           # last commit before 03d2258 "devagent: Netty 4.2 HTTP server ..."
WORK=${WORK:-/tmp/devagent-before-after}
cd "$(git rev-parse --show-toplevel)"

./mvnw -B -q -DskipTests package -pl benchmarks -am
NEW_CP=benchmarks/target/benchmarks.jar

rm -rf "$WORK" && mkdir -p "$WORK/old" "$WORK/old-classes"
git archive "$OLD" | tar -x -C "$WORK/old"
(cd "$WORK/old" && ./mvnw -B -q -DskipTests package -pl benchmarks -am)
# today's benchmark classes, compiled against the old jar and put in front of it on the class path
javac -nowarn -d "$WORK/old-classes" -cp "$WORK/old/benchmarks/target/benchmarks.jar" \
  benchmarks/src/main/java/io/github/grpcconsul/benchmarks/devagent/*.java
OLD_CP="$WORK/old-classes:$WORK/old/benchmarks/target/benchmarks.jar"

B=io.github.grpcconsul.benchmarks.devagent.DevAgentBenchmark
for side in old new; do
  if [ "$side" = old ]; then CP=$OLD_CP; else CP=$NEW_CP; fi
  echo "===== $side agent ($(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/'))"
  java -cp "$CP" $B writes
  java -cp "$CP" $B fanout --client raw
  # 10,000 waiters: 2 descriptors per connection do not fit one process's ulimit -n, so the agent runs in a child JVM
  java -cp "$CP" $B fanout --waiters 10000 --agent-process
  java -cp "$CP" $B heap
done 2>&1 | tee "$WORK/results.txt"
echo "results: $WORK/results.txt"
