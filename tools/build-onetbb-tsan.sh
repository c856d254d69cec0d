#!/usr/bin/env bash
# Builds oneTBB's libtbb with -fsanitize=thread from Debian's source of the installed
# libtbb-dev version, into a per-user cache, and prints the folder to pass as TBB_DIR.
#
# Why: ThreadSanitizer only sees instrumented code. With Debian's libtbb, the flow graph's
# hand-offs (a task spawned on one worker and run on another, task memory recycled by
# libtbb's small-object pool) happen in uninstrumented atomics, so TSan reports every
# message passed between nodes as a race. Built with TBB_SANITIZE=thread, those hand-offs
# are real happens-before edges for TSan, and what remains reported is our own.
# Costs about a minute of one core once per libtbb-dev version (ccache makes a rebuild
# cheaper still); later runs reuse the cache.
set -euo pipefail

version=$(dpkg-query -W -f='${Version}' libtbb-dev)
cache=${PRESSARCHIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pressarchive}/onetbb-tsan-$version
if [ -f "$cache/.built" ]; then
  echo "$cache/lib/cmake/TBB"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# apt-get source needs deb-src entries; Debian images ship only deb. Add them for the
# Debian archives already configured (deb822 or one-line format).
if ! apt-cache showsrc onetbb 2>/dev/null | grep -qx "Version: $version"; then
  echo "adding deb-src entries for the Debian archives in use" >&2
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
      $SUDO tee /etc/apt/sources.list.d/pressarchive-deb-src.sources >/dev/null
  else
    grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
      $SUDO tee /etc/apt/sources.list.d/pressarchive-deb-src.list >/dev/null
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
fi

# A fixed work path keeps ccache's hits across rebuilds.
work="$cache.work"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
# Unpacks with Debian's patches applied: the library Debian ships, instrumented.
(cd "$work" && apt-get source -qq "onetbb=$version" >/dev/null 2>&1)
src=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'onetbb-*')

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="-O1 -Wno-tsan" \
  -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF \
  -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON -DCMAKE_INSTALL_PREFIX="$cache" -DCMAKE_INSTALL_LIBDIR=lib \
  "${launcher[@]}" >/dev/null
cmake --build "$work/build" -j "${JOBS:-$(nproc)}" --target tbb >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; exit 1; }
cmake --install "$work/build" >/dev/null
touch "$cache/.built"
echo "$cache/lib/cmake/TBB"
