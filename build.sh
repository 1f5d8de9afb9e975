#!/usr/bin/env bash
# MailGateway developer entry point.
#   ./build.sh test   build and run every test (starts private Dovecot and Redis itself)
#   ./build.sh demo   run the gateway against a local demo mail server
set -euo pipefail
cd "$(dirname "$0")"
cmd="${1:-test}"
case "$cmd" in
  test)
    dotnet build MailGateway.sln -c Release
    dotnet test --solution MailGateway.sln -c Release --no-build
    ;;
  *) echo "usage: ./build.sh test|demo" >&2; exit 2 ;;
esac
