#!/bin/sh
# Writes valid range proofs and PSI messages in ZKFuzz's input layout into ./seeds.
set -e
cd "$(dirname "$0")"
DATAFI=${DATAFI:-../.build/release/datafi}
mkdir -p seeds corpus
tmp=$(mktemp -d)
i=0
for spec in "0 8 7" "1 16 300" "2 32 70000" "3 64 18446744073709551615"; do
    set -- $spec
    "$DATAFI" zk prove --value "$3" --bits "$2" --out "$tmp/p.json"
    python3 - "$tmp/p.json" "$1" "seeds/range$i" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
data = bytes([int(sys.argv[2])]) + bytes.fromhex(p["commitment"]) + bytes.fromhex(p["proof"])
open(sys.argv[3], "wb").write(data)
PY
    i=$((i + 1))
done
printf 'a\nb\nc\n' > "$tmp/items.txt"
"$DATAFI" psi setup --items "$tmp/items.txt" --key "$tmp/k" --out seeds/psi-setup
"$DATAFI" psi request --items "$tmp/items.txt" --key "$tmp/k2" --out seeds/psi-request
rm -rf "$tmp"
echo "seeds written to $(pwd)/seeds"
