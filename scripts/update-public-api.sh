#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt,
# and drops declared symbols that no longer exist (RS0017). Review the diff before committing.
set -euo pipefail
project=${1:?usage: scripts/update-public-api.sh src/<Project>}
file="$project/PublicAPI.Unshipped.txt"
out=$(dotnet build "$project" --no-incremental 2>&1 || true)
added=$(grep -oP "error RS0016: Symbol '\K.*?(?=' is not part of the declared public API)" <<<"$out" | sort -u || true)
removed=$(grep -oP "error RS0017: Symbol '\K.*?(?=' is part of the declared API)" <<<"$out" | sort -u || true)
{ head -n1 "$file"; { tail -n +2 "$file"; if [ -n "$added" ]; then echo "$added"; fi; } | grep -vxF -f <(echo "${removed:-__none__}") | sed '/^$/d' | sort -u; } >"$file.tmp"
mv "$file.tmp" "$file"
echo "$(grep -c . <<<"$added" || true) added, $(grep -c . <<<"$removed" || true) removed in $file"
