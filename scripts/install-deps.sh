#!/usr/bin/env bash
# Installs the native libraries DataFi links (GMP, libsodium, SQLite for the ledger's GRDB store) when
# pkg-config cannot find them.
set -euo pipefail
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gmp libsodium sqlite3; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing libgmp-dev, libsodium-dev, libsqlite3-dev and pkg-config with apt-get" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libgmp-dev libsodium-dev libsqlite3-dev pkg-config >/dev/null
pkg-config --exists gmp libsodium sqlite3
