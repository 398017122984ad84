# Sourced by the benchmarks that compare runner builds (hermetic-builds.sh, offline-curl.sh): the runners to time,
# from RUNNERS="label=path/to/Distroless.Dsl.Runner.dll ..." (default: this checkout's Release build, built here), the
# namespace their builds go to, and a timer for one command.
if [ -z "${RUNNERS:-}" ]; then
  dotnet build src/Runner -c Release -nologo -clp:ErrorsOnly >/dev/null
  RUNNERS="this=src/Runner/bin/Release/net10.0/Distroless.Dsl.Runner.dll"
fi
read -r -a runners <<<"$RUNNERS"
# A namespace of its own: no other job's build of the shared names becomes the base these builds start from.
ns=(--namespace distroless-dsl-bench)

seconds() { # command... -> elapsed seconds on stdout; the command's output goes to a log, shown on failure
  local log; log=$(mktemp)
  local start end
  start=$(date +%s.%N)
  if ! "$@" >"$log" 2>&1; then echo "failed: $*" >&2; tail -n 20 "$log" >&2; rm -f "$log"; exit 1; fi
  end=$(date +%s.%N)
  rm -f "$log"
  awk "BEGIN { printf \"%.2f\", $end - $start }"
}
