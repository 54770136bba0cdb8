#!/usr/bin/env bash
# Builds the release app and its Debian package with the Tauri CLI
# (`--bundles deb` only: the AppImage bundler downloads tools from the
# network). Output: target/release/bundle/deb/Sealdesk_<version>_amd64.deb.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
echo "==> tauri build --bundles deb"
(cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb)
ls -l target/release/bundle/deb/*.deb
