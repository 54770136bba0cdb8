#!/usr/bin/env bash
# Installs what Sealdesk needs on Debian 12 (as root, or with sudo), then the
# UI's npm packages. Safe to run again: it skips what is already there.
#   scripts/setup.sh          build and run needs
#   scripts/setup.sh --test   also the end-to-end test tools (Xvfb, WebDriver)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
      libssl-dev libxdo-dev build-essential pkg-config file curl fonts-noto-cjk
      tesseract-ocr tesseract-ocr-chi-tra tesseract-ocr-chi-tra-vert tesseract-ocr-eng)
if [ "$want_test" = 1 ]; then
  # poppler-utils: the end-to-end test reads the exported PDF back with pdftoppm.
  # procps: it finds the app's process to send it SIGTERM.
  pkgs+=(xvfb xauth webkit2gtk-driver poppler-utils procps)
  # PostgreSQL 15 and pg_virtualenv (postgresql-common): the suite starts a
  # throwaway server of its own for the server store; ssl-cert gives it a
  # certificate, which the tests verify (sslmode=verify-full).
  pkgs+=(postgresql-15 postgresql-client-15 postgresql-common ssl-cert openssl)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  cat >&2 <<'MSG'
Rust is not installed. Sealdesk needs Rust 1.92 or newer (stable), from rustup:
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
  . "$HOME/.cargo/env"
then run this command again.
MSG
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "==> apt-get install nodejs npm"
  $SUDO apt-get install -y -qq nodejs npm
fi
# The UI's tools (Vite 5, Vitest 2, Svelte 5) run on Node.js 18.18 or newer,
# which Debian 12's own nodejs (18.19) is.
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>18||(a===18&&b>=18)?1:0)')
if [ "$node_ok" != 1 ]; then
  echo "Node.js $(node --version) is too old: the UI needs 18.18 or newer (Debian 12's nodejs package is 18.19)." >&2
  exit 1
fi

if [ "$want_test" = 1 ] && ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --locked
fi

echo "==> npm ci (ui/)"
npm --prefix ui ci --no-audit --no-fund --loglevel=error
echo "==> npm run build (ui/)"
npm --prefix ui run build --silent
