#!/usr/bin/env bash
# Runs one build of the CLI on the committed sample, the way a user does: train, score --csv, journey --step 14.
# usage: run.sh <folder with journeyml.dll> <output folder>
# Compare two runs (say, before and after a restructure) with: python3 compare.py <output A> <output B>
set -euo pipefail
bin=$1; out=$2
sample="$(cd "$(dirname "$0")/../../.." && pwd)/data-samples/sample"
rm -rf "$out"; mkdir -p "$out"
cli=(dotnet "$bin/journeyml.dll")
"${cli[@]}" train --data "$sample" --registry "$out/models" > "$out/train.log" 2>&1
"${cli[@]}" score --data "$sample" --registry "$out/models" --csv > "$out/score.log" 2>&1
"${cli[@]}" journey --data "$sample" --registry "$out/models" --step 14 > "$out/journey.log" 2>&1
