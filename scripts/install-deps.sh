#!/usr/bin/env bash
# Installs what building and testing GridSync needs, when it is missing:
# the Debian packages libsqlite3-dev, libcurl4-openssl-dev and zlib1g-dev, and, with --test,
# openssl (the TLS test makes a certificate) and Python's openapi-spec-validator for checking
# protocol/openapi.yaml.
set -euo pipefail

packages=(libsqlite3-dev libcurl4-openssl-dev zlib1g-dev)
[ "${1:-}" = "--test" ] && packages+=(openssl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}…"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ]; then
  python3 -c "import openapi_spec_validator" 2>/dev/null || python3 -m pip install --quiet openapi-spec-validator
fi
