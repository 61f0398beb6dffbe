#!/usr/bin/env bash
# API load benchmark (serving issue): the real server (Release build, Kestrel on 127.0.0.1) under wrk from Debian's packages.
#   1. single predictions: POST /v1/predictions with a ready feature row (target >= 5,000 requests/s, p99 < 10 ms, no errors)
#   2. the ranked list: GET /v1/churn-risk?top=100 with a snapshot of CUSTOMERS customers (target p99 < 20 ms at 1,000,000)
# Usage: tests/JourneyML.Benchmarks/api-load.sh [--results tests/JourneyML.Benchmarks/RESULTS.md]
# Settings (environment): CUSTOMERS (snapshot size, default 1000000), MODEL (benchmark registry whose champion serves: 'journeyml-tools bench
# train --customers MODEL' makes it; default 100000), DURATION (per run, default 20s), CONNECTIONS (default 32), THREADS (wrk, default 2);
# DATA, MODELS and REGISTRY override the data folder, the registry with the champion, and the scored registry the server reads.
# Never part of a test assertion: the smoke test runs it tiny to keep it from rotting.
set -euo pipefail
cd "$(dirname "$0")/../.."
CUSTOMERS=${CUSTOMERS:-1000000}
MODEL=${MODEL:-100000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
RESULTS=""
[ "${1:-}" = "--results" ] && RESULTS="$2"

if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk curl >/dev/null
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release src/JourneyML.Cli -v q -nologo >/dev/null
dotnet build -c Release src/JourneyML.Api -v q -nologo >/dev/null
cli=(dotnet src/JourneyML.Cli/bin/Release/net10.0/journeyml.dll)
api=src/JourneyML.Api/bin/Release/net10.0/JourneyML.Api.dll

data=${DATA:-"out/bench/data-$CUSTOMERS"}
models=${MODELS:-"out/bench/models-$MODEL"}
registry=${REGISTRY:-"out/bench/api-$CUSTOMERS/models"}
if [ ! -f "$models/champion.json" ]; then
  echo "no champion in $models: run 'dotnet run -c Release --project src/JourneyML.Tools -- bench train --customers $MODEL' first" >&2
  exit 2
fi
if [ ! -f "$data/customers.parquet" ]; then
  "${cli[@]}" generate --customers "$CUSTOMERS" --seed 1 --format parquet --out "$data"
fi
champion=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$models/champion.json" | head -1)
if ! ls "$registry/snapshots/"*.parquet >/dev/null 2>&1 || [ ! -d "$registry/$champion" ]; then
  echo "scoring $CUSTOMERS customers with $champion into $registry ..." >&2
  rm -rf "$registry"; mkdir -p "$registry"
  cp -r "$models/$champion" "$registry/"
  cp "$models/champion.json" "$registry/"
  "${cli[@]}" score --data "$data" --registry "$registry" --top 1 >/dev/null
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
dotnet "$api" --urls "http://127.0.0.1:$port" --Registry:Path="$(realpath "$registry")" --Serving:DataPath="$(realpath "$data")" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && curl -sf "http://127.0.0.1:$port/v1/churn-risk?top=1" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/v1/churn-risk?top=1" >/dev/null || { echo "the server did not become ready:" >&2; tail -20 "$log" >&2; exit 1; }

lua=$(mktemp --suffix=.lua)
cat >"$lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"customerId":"bench-1","status":"customer","features":{"tenure_days":420,"history_days":365,"is_new":0,"is_customer":1,
"days_as_customer":380,"logins_7d":1,"logins_30d":6,"logins_prev_30d":18,"logins_90d":40,"login_rate_90d":3.1,"login_trend":-1.4,
"days_since_last_login":5,"days_since_last_activity":2,"active_days_30d":6,"active_days_90d":25,"tickets_30d":3,"tickets_prev_30d":1,
"tickets_90d":5,"ticket_trend":1,"escalations_90d":1,"content_30d":4,"content_90d":12,"page_views_30d":3,"page_views_90d":9,
"email_opens_30d":1,"email_opens_90d":3,"email_clicks_30d":0,"email_clicks_90d":1,"downloads_90d":0,"webinars_90d":0,
"case_study_views_90d":0,"comparison_views_90d":1,"pricing_views_14d":0,"pricing_views_90d":1,"sales_touches_90d":0,"account_contacts":4,
"account_engaged_contacts_30d":2,"account_engaged_roles_30d":2,"account_decision_maker_engaged":0,"plan":"pro","role":"user","region":"emea"}}]]
LUA
curl -sf -X POST -H 'Content-Type: application/json' --data "$(sed -n '/^wrk.body = \[\[/,/\]\]$/p' "$lua" | sed '1s/^wrk.body = \[\[//; $s/\]\]$//')" \
  "http://127.0.0.1:$port/v1/predictions" >/dev/null || { echo "a prediction failed: check the feature row against the champion" >&2; exit 1; }

run() { # name, url, [lua]
  local out
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s ${3:+-s "$3"} "$2" >/dev/null  # warm-up
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency ${3:+-s "$3"} "$2")
  local rps p50 p99 errors socket
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  socket=$(echo "$out" | awk '/Socket errors/ {print $0}')
  echo "$1|${rps}|${p50}|${p99}|${errors:-0}|${socket:-none}"
}
predict=$(run "POST /v1/predictions (one customer, feature row)" "http://127.0.0.1:$port/v1/predictions" "$lua")
ranked=$(run "GET /v1/churn-risk?top=100 ($CUSTOMERS customers in the snapshot)" "http://127.0.0.1:$port/v1/churn-risk?top=100")
rm -f "$lua"

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')"
table="| date | call | requests/s | p50 | p99 | non-2xx | socket errors | load | machine |
|---|---|---:|---:|---:|---:|---|---|---|"
for line in "$predict" "$ranked"; do
  IFS='|' read -r name rps p50 p99 errors socket <<<"$line"
  table+=$'\n'"| $(date -u +%F) | $name | $rps | $p50 | $p99 | $errors | $socket | wrk -t$THREADS -c$CONNECTIONS -d$DURATION on the same machine; load before $(cut -d' ' -f1 /proc/loadavg) | $machine |"
done
echo "$table"
if [ -n "$RESULTS" ]; then
  # Rows go into the API table (above the run log, which stays last).
  python3 - "$RESULTS" "$table" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
rows = [l for l in table.splitlines()[2:]]
marker = "<!-- api-load rows -->"
if marker in text:
    text = text.replace(marker, "\n".join(rows) + "\n" + marker)
else:
    print("no '<!-- api-load rows -->' marker in " + path + "; add the rows by hand", file=sys.stderr)
open(path, "w").write(text)
PY
fi
