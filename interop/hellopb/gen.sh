#!/usr/bin/env bash
# Regenerates hello.pb.go and hello_grpc.pb.go from the examples' proto (the one source of truth for Hello.Say).
# protoc comes from Maven Central (the examples build downloads it: com.google.protobuf:protoc, classifier
# linux-x86_64, type exe, version = the parent pom's protobuf.version); the Go plugins come from the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")"
root=../..
protoc=${PROTOC:-$(ls ~/.m2/repository/com/google/protobuf/protoc/*/protoc-*-linux-x86_64.exe | sort -V | tail -1)}
chmod +x "$protoc"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
GOBIN=$bin go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
GOBIN=$bin go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
m=Mhello.proto=github.com/grpcconsul/interop/hellopb
PATH=$bin:$PATH "$protoc" -I "$root/examples/src/main/proto" \
  --go_out=. --go_opt=paths=source_relative --go_opt=$m \
  --go-grpc_out=. --go-grpc_opt=paths=source_relative --go-grpc_opt=$m \
  hello.proto
