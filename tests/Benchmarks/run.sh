#!/usr/bin/env bash
# Generator cost on 200 definitions: full run and one-file edit (BenchmarkDotNet, short job).
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release -- --filter '*' --job short --exporters markdown "$@"
