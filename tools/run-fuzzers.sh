#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (ASan + UBSan + coverage) into
# build-fuzz/ and runs each for SECONDS_PER_TARGET seconds (default 60), one after the
# other, at the lowest CPU priority. Prints, per target, the executions, the corpus size
# and the crashes found, each classified as ours or third-party by its stack.
#
#   tools/run-fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]     (targets: dates metadata
#                                                              loader text; default all)
#
# Working corpora live in build-fuzz/corpus/<target> (seeded from fuzz/corpus/<target>,
# kept between runs so a second run goes on where the first stopped); crashing inputs in
# build-fuzz/artifacts/<target>/, each with a .trace file holding its replayed report.
# Replay one by hand: build-fuzz/fuzz/<target>_fuzzer ARTIFACT
#
# Environment: JOBS (build parallelism, default 1: the machine is shared),
# PRESSARCHIVE_CORPORA (shared corpora; their hostile-pdf and hostile-img folders are
# extra read-only seeds for the loader), FUZZ_ARGS (more libFuzzer flags).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source_dir=$PWD
seconds=${1:-60}
[[ $# -gt 0 ]] && shift
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(dates metadata loader text)
build=$source_dir/build-fuzz
corpora=${PRESSARCHIVE_CORPORA:-$source_dir/../shared/corpora}

cxx=$(command -v clang++ || command -v clang++-14 || true)
if [[ -z $cxx ]]; then
  echo "run-fuzzers: clang++ not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 5
fi

nice -n 19 cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUILD_TESTING=OFF -DPRESSARCHIVE_FUZZ=ON >/dev/null
nice -n 19 cmake --build "$build" -j "${JOBS:-1}" --target "${targets[@]/%/_fuzzer}"

symbolizer=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
export ASAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Leaks that belong to third-party libraries (fontconfig's process-lifetime cache).
export LSAN_OPTIONS=suppressions=$source_dir/tests/lsan.supp:print_suppressions=0

# Classifies a replayed report by its first stack frame that is neither the sanitizer or
# fuzzer runtime nor libc/libstdc++: a frame in a shared library is third-party; a frame
# in our binary (our sources, or templates from system headers compiled into it) is ours.
# Prints "ours|third-party|unknown<TAB>where<TAB>what".
classify() {
  awk -v src="$source_dir/" '
    function strip(frame) {
      sub(/^ *#[0-9]+ 0x[0-9a-f]+ (in )?/, "", frame)
      gsub(src, "", frame)
      return frame
    }
    !what && /(ERROR|WARNING): |runtime error:|FUZZ_CHECK failed|deadly signal/ {
      what = $0; sub(/^==[0-9]+== ?/, "", what); sub(/^.*(ERROR|WARNING): /, "", what)
    }
    /^ *#[0-9]+ 0x[0-9a-f]+ / && !stack_done {
      in_stack = 1
      if ($0 ~ /libclang_rt|compiler-rt|sanitizer_common|\/asan\/|\/ubsan\/|\/lsan\/|\/fuzzer\/Fuzzer|in fuzzer::|in __sanitizer|in __asan|in __interceptor|in __ubsan|in __lsan/) next
      if ($0 ~ /in (malloc|calloc|realloc|free|operator new|operator delete)/) next
      if ($0 ~ /(libc\.so|libstdc\+\+\.so|libgcc_s\.so|ld-linux|libm\.so)/) next
      if (!top) top = $0
      if (!ours && index($0, src)) ours = strip($0)
      next
    }
    in_stack { stack_done = 1 }
    END {
      if (!top) {
        class = "unknown"; where = "(no stack frame)"
      } else if (top ~ /\.so[.0-9]*\+0x/) {
        lib = top; sub(/^.*\//, "", lib); sub(/\+0x.*$/, "", lib)
        where = strip(top); sub(/ \(\/.*$/, "", where)
        class = "third-party"; where = lib ": " where
      } else {
        class = "ours"; where = strip(top)
      }
      if (ours && where != ours) where = where " <- " ours
      if (!what) what = "(no error line)"
      printf "%s\t%s\t%s\n", class, substr(where, 1, 240), substr(what, 1, 160)
    }'
}

summary=$build/summary.txt
: >"$summary"
for target in "${targets[@]}"; do
  binary=$build/fuzz/${target}_fuzzer
  work=$build/corpus/$target
  artifacts=$build/artifacts/$target
  log=$build/logs/$target.log
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  cp -n "$source_dir/fuzz/corpus/$target/"* "$work/" 2>/dev/null || true
  chmod -R u+w "$work"
  extra=()
  if [[ $target == loader ]]; then
    for dir in hostile-pdf hostile-img; do
      [[ -d $corpora/$dir ]] && extra+=("$corpora/$dir")
    done
  fi

  echo "== $target: fuzzing for ${seconds} s (log: ${log#$source_dir/})"
  # The text targets get long inputs too: libFuzzer would stop at 4 KB, and a long line
  # is how std::regex overflowed the stack.
  max_len=()
  [[ $target != loader ]] && max_len=(-max_len=65536)
  started=$build/logs/$target.started
  touch "$started"
  # Fork mode with ignore_*: a crash, OOM or timeout is written to artifacts/ and
  # fuzzing goes on in a fresh process, so one shallow bug does not end the run.
  # ${FUZZ_ARGS} is deliberately unquoted (several flags).
  # shellcheck disable=SC2086
  nice -n 19 "$binary" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 "${max_len[@]}" \
    -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} "$work" "${extra[@]}" >"$log" 2>&1 || true

  executions=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  found=$(grep -oE 'oom/timeout/crash: [0-9/]+' "$log" | tail -1 | cut -d' ' -f2)
  corpus_files=$(find "$work" -type f | wc -l)
  corpus_kb=$(du -sk "$work" | cut -f1)
  # Every artifact, of this run or an earlier one, is replayed with the current binary:
  # one that no longer crashes was fixed since (or was a flaky OOM, timeout or leak).
  ours=0 third=0 unknown=0 gone=0
  report=""
  for artifact in "$artifacts"/*; do
    [[ -f $artifact && $artifact != *.trace ]] || continue
    # The slow unwinder follows stacks through the uninstrumented libraries too.
    if ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0:fast_unwind_on_fatal=0 \
      nice -n 19 timeout 300 "$binary" -rss_limit_mb=2048 -timeout=20 "$artifact" \
      >"$artifact.trace" 2>&1; then
      class="gone" where="" what="does not crash when replayed (fixed since, or a flaky OOM, timeout or exit-time leak)"
    else
      IFS=$'\t' read -r class where what < <(classify <"$artifact.trace")
    fi
    case $class in
      ours) ours=$((ours + 1)) ;;
      third-party) third=$((third + 1)) ;;
      gone) gone=$((gone + 1)) ;;
      *) unknown=$((unknown + 1)) ;;
    esac
    age="earlier run"
    [[ $artifact -nt $started ]] && age="this run"
    report+=$(printf '\n    %-11s %s (%s)\n                %s\n                %s' "$class" \
      "${artifact#$source_dir/}" "$age" "$what" "$where")
  done
  line=$(printf '%-9s executions %10s   corpus %5d files (%d KB)   oom/timeout/crash %s   crashing inputs: ours %d, third-party %d, unclassified %d, no longer reproduce %d' \
    "$target" "${executions:-?}" "$corpus_files" "$corpus_kb" "${found:-?}" \
    "$ours" "$third" "$unknown" "$gone")
  echo "$line$report" | tee -a "$summary"
done
echo "== summary in ${summary#$source_dir/}"
