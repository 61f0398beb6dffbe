#!/usr/bin/env bash
# The README's test command: installs what a fresh machine (only the .NET SDK) lacks, then runs `dotnet test` with any
# arguments given (for example `./test.sh --filter Scoring`). `.ci/run` calls exactly this.
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests need, each installed only when missing. (grep without -q in the pipes: under pipefail,
# grep -q stops at its first match and the writer's SIGPIPE would fail the check on a long listing.)
need=()
# LightGBM needs libgomp (OpenMP).
ldconfig -p 2>/dev/null | grep 'libgomp.so.1' >/dev/null || need+=(libgomp1)
# Headless Chromium renders the journey map in a test; fonts for its text and for the report charts.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -i dejavu >/dev/null || need+=(fonts-dejavu-core)
# A Japanese font, so the workspace's pages (and their README screenshots) show Japanese text, not empty boxes.
[ -n "$(fc-list :lang=ja 2>/dev/null)" ] || need+=(fonts-ipafont-gothic)
# The peer benchmark's smoke test runs scikit-learn under Debian's /usr/bin/python3 (PyPI is not reachable; the python3
# first on PATH may be another build that does not see Debian's packages). OpenBLAS with pthreads backs numpy there.
/usr/bin/python3 -c 'import sklearn' >/dev/null 2>&1 || need+=(python3-sklearn)
/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1 || need+=(python3-pandas)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
# The survival peer's smoke test runs R's coxph (Rscript with the survival package).
command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(survival)' >/dev/null 2>&1 || need+=(r-cran-survival)
# The OpenAPI document is linted with an npm linter: Node.js and npm.
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)

if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if ! { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
    echo "test.sh: could not install ${need[*]} with apt-get; install them by hand, then run ./test.sh again" >&2
    exit 1
  fi
fi

exec dotnet test "$@"
