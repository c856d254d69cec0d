#!/usr/bin/env bash
# Fails when a C++ source of the project differs from what clang-format makes of it
# (.clang-format: Google style, 100 columns). Fix with:
#   git ls-files '*.cpp' '*.h' | xargs clang-format -i
set -euo pipefail
cd "${1:-$(dirname "$(readlink -f "$0")")/..}"
command -v clang-format >/dev/null || { echo "check-format: clang-format is not installed" >&2; exit 1; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  mapfile -t files < <(find stages pipeline tests bench fuzz -name '*.cpp' -o -name '*.h')
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/check-format.$$; then
  grep -E '^[^ ]+:[0-9]+:[0-9]+: error' /tmp/check-format.$$ | cut -d: -f1,2 | head -20 >&2
  echo "check-format: $(grep -c 'error:' /tmp/check-format.$$) line(s) differ from clang-format; run" \
       "git ls-files '*.cpp' '*.h' | xargs clang-format -i" >&2
  rm -f /tmp/check-format.$$
  exit 1
fi
rm -f /tmp/check-format.$$
echo "check-format: ${#files[@]} files as clang-format makes them"
