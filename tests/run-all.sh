#!/usr/bin/env bash
# The whole test suite, as CI runs it: restore, build (the generator runs; bad definitions fail here), then every test.
# Needs only the .NET 10 SDK. Snapshot mismatches leave *.received.* files beside the *.verified.* ones.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build Distroless.Dsl.sln -c Release -nologo -clp:ErrorsOnly
dotnet test tests/Distroless.Dsl.Tests/Distroless.Dsl.Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal"
