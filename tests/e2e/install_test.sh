#!/usr/bin/env bash
# cmake --install into a temporary prefix, then the installed program ingests the samples
# from a folder that is neither the source nor the build tree: it must find what it loads
# (the Tesseract module) relative to itself, and archive the samples as the README says.
#   install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(readlink -f "$1")
source=$(readlink -f "$2")
scratch=$(mktemp -d /tmp/pressarchive-install-test.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix

fail() { echo "install_test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" > "$scratch/install.log"
program=$prefix/bin/pressarchive
[[ -x $program ]] || fail "no $program after cmake --install"

mkdir "$scratch/elsewhere"
cd "$scratch/elsewhere"
# The dynamic loader names every file it maps: the module must come from the prefix.
set +e
LD_DEBUG=files LD_DEBUG_OUTPUT=$scratch/ld OMP_THREAD_LIMIT=1 \
  "$program" ingest "$source/samples" --store archive.db > ingest.out 2> ingest.err
code=$?
set -e
[[ $code == 3 ]] || { cat ingest.out ingest.err >&2; fail "ingest exited $code, not 3 (one sample is broken on purpose)"; }
for line in 'inputs            7' 'archived          5' 'duplicates        1' 'failed            1' \
            "pages OCR'd       5" 'pages text layer  1'; do
  grep -qF "$line" ingest.out || { cat ingest.out >&2; fail "summary lacks '$line'"; }
done
module=$(cat "$scratch"/ld.* | grep -o 'file=[^ ]*pressarchive-tesseract.so' | head -1 | cut -d= -f2)
[[ -n $module ]] || fail "the Tesseract module was never loaded"
[[ $(readlink -f "$module") == "$prefix"/* ]] || fail "the module came from $module, not from $prefix"
"$program" search Rombach --store archive.db | grep -q 'CDO und CUO beenden' ||
  fail "search Rombach finds no record in the installed program's archive"
[[ -f $prefix/share/pressarchive/pressarchive.toml && -f $prefix/share/pressarchive/rules.toml ]] ||
  fail "the default configuration is not installed"
echo "install_test: installed to $prefix, ingested the samples from $PWD, module $module"
