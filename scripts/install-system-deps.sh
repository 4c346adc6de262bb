#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need (as root), skipping what is already there:
# bubblewrap (test sandbox), chromium + libkrb5-dev + ripgrep (code-server and headless VS Code tests),
# python3-pytest when no pytest is importable, postgresql (collector storage tests).
set -euo pipefail
need=()
command -v bwrap >/dev/null || need+=(bubblewrap)
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
python3 -c 'import pytest' 2>/dev/null || need+=(python3-pytest)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
