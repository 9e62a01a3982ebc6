#!/usr/bin/env bash
# Runs benchmarks-go's own Go tests (go test ./...) for Maven's integration-test phase (interop/pom.xml), so
# README's one test command, ./mvnw -B verify, covers them. Skipped with the interop tests (-Dinterop.skip=true).
set -uo pipefail
cd "$(dirname "$0")"
if ! command -v go >/dev/null 2>&1; then
  echo "benchmarks-go: Go is not installed (no 'go' on PATH): install Go 1.26 or newer, or skip the Go tests:" \
    "./mvnw -B verify -Dinterop.skip=true" >&2
  exit 1
fi
echo "benchmarks-go: $(go version); go test ./..."
exec go test -buildvcs=false -count=1 ./...
