#!/usr/bin/env bash
# Regenerates Sources/Federated/Flower/Proto/*.pb.swift from the protobuf descriptors of the installed
# flwr==1.42.0 (its wheel ships generated *_pb2 modules, no .proto files). Needs protoc (Debian package
# protobuf-compiler) and protoc-gen-swift from apple/swift-protobuf 1.39.0 on PATH or in PROTOC_GEN_SWIFT.
# Nothing is generated at build time: the output is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash scripts/flower-venv.sh)
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" - "$work/flwr.pb" <<'PY'
import importlib, pkgutil, sys
from google.protobuf import descriptor_pb2
import flwr.proto as package
files = descriptor_pb2.FileDescriptorSet()
seen = set()
def add(fd):
    if fd.name in seen:
        return
    for dep in fd.dependencies:
        add(dep)
    seen.add(fd.name)
    proto = descriptor_pb2.FileDescriptorProto()
    fd.CopyToProto(proto)
    files.file.append(proto)
for module in pkgutil.iter_modules(package.__path__):
    if module.name.endswith("_pb2"):
        add(importlib.import_module("flwr.proto." + module.name).DESCRIPTOR)
open(sys.argv[1], "wb").write(files.SerializeToString())
PY
# The messages a SuperNode exchanges over the Fleet API, and what they import.
protos="flwr/proto/fleet.proto flwr/proto/heartbeat.proto flwr/proto/message.proto flwr/proto/node.proto
flwr/proto/recorddict.proto flwr/proto/error.proto flwr/proto/run.proto flwr/proto/fab.proto
flwr/proto/transport.proto"
out=Sources/Federated/Flower/Proto
rm -f "$out"/*.pb.swift
# shellcheck disable=SC2086
protoc --plugin=protoc-gen-swift="$plugin" --descriptor_set_in="$work/flwr.pb" \
    --swift_opt=Visibility=Package --swift_opt=FileNaming=DropPath --swift_out="$out" $protos
ls "$out"
