#!/usr/bin/env bash
# Builds pgroll (the peer of `pnpm bench -- --modes …,pgroll`) from the Go module proxy into
# bench/.tools/pgroll. `go install …@latest` is not served here; a go.mod require of the exact
# version is. Without Go it says so and exits 0: the bench then reports pgroll as not available.
set -euo pipefail
VERSION=v0.14.0
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/.tools/pgroll"
if [ -x "$out" ]; then echo "pgroll $VERSION already built: $out"; exit 0; fi
if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed: pgroll is not built, and the bench reports its mode as not available"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > go.mod <<MOD
module pgrollbuild

go 1.24

require github.com/xataio/pgroll $VERSION
MOD
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/xataio/pgroll"\n' > tools.go
go mod tidy
mkdir -p "$(dirname "$out")"
go build -o "$out" github.com/xataio/pgroll
echo "built pgroll $VERSION: $out"
