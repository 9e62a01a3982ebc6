#!/usr/bin/env bash
# Runs the Go interop tests (go test ./... in this folder) for Maven's integration-test phase, which passes the jars
# just built in INTEROP_DEVAGENT_JAR and INTEROP_JAVA_CLASSPATH. Prints go test's verdict lines and the tests' own
# figures (t.Logf), and the whole output when a test fails.
set -uo pipefail
cd "$(dirname "$0")"
if ! command -v go >/dev/null 2>&1; then
  echo "interop: Go is not installed (no 'go' on PATH), so the Go interop tests cannot run." >&2
  echo "interop: install Go 1.26 or newer, or skip them: ./mvnw -B verify -Dinterop.skip=true" >&2
  exit 1
fi
log=target/go-test.log
mkdir -p target
echo "interop: $(go version); go test -v ./... (full output in interop/$log)"
go test -v -count=1 -timeout 8m ./... >"$log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  cat "$log"
else
  grep -E '^(--- (PASS|FAIL|SKIP)|ok |FAIL|PASS)|^\s+--- (PASS|FAIL|SKIP)|^\s+\w+_test\.go:[0-9]+: ' "$log"
fi
exit $rc
