#!/usr/bin/env bash
# Installs Debian packages (as root), skipping what is already there. Groups, all by default:
#   build   python3, make, g++: npm ci builds better-sqlite3 with them when it cannot download its prebuilt binary
#   demo    ripgrep, libkrb5-dev (+ build): code-server's install; python3-pytest when no pytest is importable
#           (the demo's Python projects). npm run demo installs these itself as root
#   test    chromium (headless VS Code and dashboard tests), bubblewrap (test sandbox), postgresql (collector
#           storage tests), and the demo group
# Usage: bash scripts/install-system-deps.sh [build|demo|test|chromium]...
set -euo pipefail
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(test)
need=()
want() { # want <package> <check command...>: adds the package when the check fails
  local pkg=$1; shift
  "$@" >/dev/null 2>&1 || need+=("$pkg")
}
add_build() {
  want python3 command -v python3
  want make command -v make
  want g++ command -v g++
}
add_demo() {
  add_build
  want ripgrep command -v rg
  want libkrb5-dev test -e /usr/include/krb5.h
  want python3-pytest python3 -c 'import pytest'
}
for g in "${groups[@]}"; do
  case "$g" in
    build) add_build ;;
    demo) add_demo ;;
    chromium) want chromium command -v chromium ;;
    test)
      add_demo
      want chromium command -v chromium
      want bubblewrap command -v bwrap
      want postgresql command -v pg_ctlcluster
      ;;
    *) echo "unknown group '$g' (build, demo, test or chromium)" >&2; exit 2 ;;
  esac
done
# one entry per package, in the order first asked for
mapfile -t need < <(printf '%s\n' "${need[@]}" | awk 'NF && !seen[$0]++')
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
