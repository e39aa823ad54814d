#!/usr/bin/env bash
# Prints the ten longest functions under src/ (outside test modules), longest first, as
# "lines  file:line  name"; exits non-zero when one is over the limit (80 lines, or $1).
# rustfmt puts a function's closing brace at its `fn` line's indentation: that is the end.
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-80}"
find src -name '*.rs' -print0 | xargs -0 awk '
  FNR == 1 { intest = 0; open = 0 }
  # A test module: skip until its closing brace.
  !intest && match($0, /^ *mod tests \{/) { intest = 1; tindent = substr($0, 1, RLENGTH - 11); next }
  intest { if ($0 == tindent "}") intest = 0; next }
  !open && match($0, /^ *((pub(\([a-z]+\))? )?(async )?(const )?fn [a-z_0-9]+)/) && $0 !~ /;$/ {
    indent = $0; sub(/[^ ].*/, "", indent)
    name = $0; sub(/^ *(pub(\([a-z]+\))? )?(async )?(const )?fn /, "", name); sub(/[^a-z_0-9].*/, "", name)
    start = FNR; open = 1
    if ($0 ~ /\}$/ && $0 ~ /\{/) { open = 0 }
    next
  }
  open && $0 == indent "}" { printf "%d\t%s:%d\t%s\n", FNR - start + 1, FILENAME, start, name; open = 0 }
' | sort -rn > /tmp/scorecard-longest.$$
head -"${SHOW:-10}" /tmp/scorecard-longest.$$
over=$(awk -v l="$limit" '$1 > l' /tmp/scorecard-longest.$$ | wc -l)
rm -f /tmp/scorecard-longest.$$
if [ "$over" -gt 0 ]; then
  echo "$over functions are over $limit lines"
  exit 1
fi
