#!/usr/bin/env bash
# Builds FerretDB (a MongoDB wire-protocol server) from source with the Go toolchain, because no
# MongoDB server package can be installed on our machines. Idempotent: does nothing when the
# pinned version is already built. Output: $BALLAST_FERRETDB_BIN (default ~/.cache/ballast/bin/ferretdb).
set -euo pipefail
VERSION=v1.24.2
BIN=${BALLAST_FERRETDB_BIN:-$HOME/.cache/ballast/bin/ferretdb}

if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "version: $VERSION"; then
  echo "ferretdb $VERSION already built at $BIN"
  exit 0
fi
command -v go >/dev/null || { echo "install-ferretdb: the Go toolchain is required (https://go.dev/dl)" >&2; exit 1; }

mkdir -p "$(dirname "$BIN")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# `go install ...@version` builds it but leaves build/version/version.txt empty, and the binary
# then panics at start; so build from a writable copy of the module with the version filled in.
src=$(cd "$work" && go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "install-ferretdb: could not download FerretDB $VERSION" >&2; exit 1; }
cp -r "$src" "$work/src"
chmod -R u+w "$work/src"
echo "$VERSION" > "$work/src/build/version/version.txt"
(cd "$work/src" && go build -trimpath -o "$BIN" ./cmd/ferretdb)
"$BIN" --version | head -1
