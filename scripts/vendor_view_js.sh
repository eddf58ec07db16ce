#!/usr/bin/env bash
# Vendor the graph renderer of `kg view` (cytoscape.js, MIT) from the npm registry into kg/view/static/.
# Run by a maintainer when upgrading; the files are committed, so `kg view` never fetches anything.
set -euo pipefail
VERSION="${1:-3.35.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/kg/view/static"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "cytoscape@$VERSION" >/dev/null
tar -xzf "cytoscape-$VERSION.tgz"
mkdir -p "$DEST"
cp package/dist/cytoscape.min.js "$DEST/cytoscape.min.js"
cp package/LICENSE "$DEST/cytoscape.LICENSE"
echo "cytoscape.js $VERSION (MIT), from the npm registry package cytoscape@$VERSION" > "$DEST/VERSIONS"
ls -l "$DEST"
