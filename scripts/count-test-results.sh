#!/usr/bin/env bash
# Prints "N passed, N failed" (", N skipped" when any were) from the JUnit reports in a results directory.
# Exits 1 when there is no report or no test ran, so a run that executed nothing never looks green.
set -euo pipefail
dir=${1:?usage: scripts/count-test-results.sh <results-directory>}
shopt -s nullglob
reports=("$dir"/*.junit.xml)
if [ ${#reports[@]} -eq 0 ]; then
  echo "no test report found in $dir" >&2
  echo "0 passed, 0 failed"
  exit 1
fi
# Each <testsuite> element carries tests, failures, errors and skipped counts for one test assembly.
grep -ho '<testsuite [^>]*' "${reports[@]}" | awk '
  function count(name,   m) { return match($0, " " name "=\"[0-9]+\"") ? substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 4) + 0 : 0 }
  { total += count("tests"); failed += count("failures") + count("errors"); skipped += count("skipped") }
  END {
    passed = total - failed - skipped
    printf "%d passed, %d failed%s\n", passed, failed, skipped ? sprintf(", %d skipped", skipped) : ""
    exit total > 0 ? 0 : 1
  }'
