// lsh_bench: time and peak memory of LshIndex for 100,000 and 1,000,000 records.
//
// Signatures are synthetic: random ones, plus planted near-duplicate groups (10 % of the
// records, in groups of 5) whose members agree with the group's base signature in 80-97 %
// of the positions, so two members agree in about 64-94 % (the estimated Jaccard of the
// same-release pairs in tests/dedup-set: 0.59-0.95). Each size runs in its own child process, so
// the peak resident set (VmHWM) is that size's alone. Pass 1 inserts every record's band keys; pass
// 2 queries every record and counts candidates and how many planted pairs were found.
//
//   build/bench/lsh_bench [N ...]         default: 100000 1000000
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "stages/near_dup/near_duplicates.h"

namespace pa = pressarchive;

namespace {

constexpr int kNumPerm = 128;
constexpr int kBands = 32;
constexpr int kRows = 4;
constexpr std::int64_t kGroupSize = 5;
constexpr std::int64_t kGroupEvery = 10;  // one group of five in every ten groups of five

std::uint64_t splitmix(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ull;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

bool planted(std::int64_t record) { return (record / kGroupSize) % kGroupEvery == 0; }

// The signature of `record`, the same every time it is asked for: nothing is stored, so
// memory is the index's alone.
pa::Signature synthetic_signature(std::int64_t record) {
  pa::Signature signature(kNumPerm);
  std::uint64_t own =
      0x6c736862656e6368ull ^ (static_cast<std::uint64_t>(record) * 0x9e3779b97f4a7c15ull);
  if (!planted(record)) {
    for (std::uint32_t& v : signature) v = static_cast<std::uint32_t>(splitmix(own));
    return signature;
  }
  std::uint64_t group =
      0x67726f7570ull ^ (static_cast<std::uint64_t>(record / kGroupSize) * 0xbf58476d1ce4e5b9ull);
  const double keep = 0.80 + 0.17 * static_cast<double>(splitmix(own) >> 11) / 9007199254740992.0;
  for (std::uint32_t& v : signature) {
    const auto base = static_cast<std::uint32_t>(splitmix(group));
    const double roll = static_cast<double>(splitmix(own) >> 11) / 9007199254740992.0;
    v = roll < keep ? base : static_cast<std::uint32_t>(splitmix(own));
  }
  return signature;
}

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

struct Outcome {
  std::int64_t records = 0;
  double insert_seconds = 0;
  double query_seconds = 0;
  long peak_kib = 0;
  std::uint64_t index_bytes = 0;
  std::uint64_t candidates = 0;  // over all queries, self excluded
  std::uint64_t planted_pairs = 0;
  std::uint64_t planted_found = 0;
};

Outcome run(std::int64_t records) {
  using clock = std::chrono::steady_clock;
  Outcome out;
  out.records = records;
  pa::LshIndex index;
  index.reserve(static_cast<std::size_t>(records) * kBands);
  auto t0 = clock::now();
  for (std::int64_t r = 0; r < records; ++r)
    index.insert(r, pa::band_keys(synthetic_signature(r), kBands, kRows));
  out.insert_seconds = std::chrono::duration<double>(clock::now() - t0).count();

  t0 = clock::now();
  for (std::int64_t r = 0; r < records; ++r) {
    const std::vector<std::int64_t> found =
        index.candidates(pa::band_keys(synthetic_signature(r), kBands, kRows));
    out.candidates += found.size() - 1;  // itself
    if (!planted(r)) continue;
    const std::int64_t first = r / kGroupSize * kGroupSize;
    for (std::int64_t other = first; other < first + kGroupSize && other < records; ++other) {
      if (other == r) continue;
      ++out.planted_pairs;
      if (std::binary_search(found.begin(), found.end(), other)) ++out.planted_found;
    }
  }
  out.query_seconds = std::chrono::duration<double>(clock::now() - t0).count();
  out.index_bytes = index.memory_bytes();
  out.peak_kib = peak_rss_kib();
  return out;
}

// Runs one size in a child process and reads its Outcome back through a pipe.
bool run_in_child(std::int64_t records, Outcome& out) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(fds[0]);
    const Outcome o = run(records);
    const bool ok = write(fds[1], &o, sizeof o) == static_cast<ssize_t>(sizeof o);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  const bool read_ok = read(fds[0], &out, sizeof out) == static_cast<ssize_t>(sizeof out);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return read_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::int64_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::strtoll(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {100000, 1000000};

  std::printf(
      "LshIndex: %d permutations as %d bands x %d rows; %lld%% of records in planted groups of "
      "%lld\n\n",
      kNumPerm, kBands, kRows, static_cast<long long>(100 / kGroupEvery),
      static_cast<long long>(kGroupSize));
  std::printf("%10s %10s %10s %10s %12s %12s %14s %16s\n", "records", "insert s", "query s",
              "total s", "peak RSS MB", "index MB", "cand/query", "planted pairs found");
  std::vector<Outcome> outcomes;
  for (const std::int64_t n : sizes) {
    Outcome o;
    if (!run_in_child(n, o)) {
      std::fprintf(stderr, "lsh_bench: the run with %lld records failed\n",
                   static_cast<long long>(n));
      return 1;
    }
    outcomes.push_back(o);
    std::printf(
        "%10lld %10.2f %10.2f %10.2f %12.1f %12.1f %14.4f %9" PRIu64 "/%" PRIu64 " (%.2f%%)\n",
        static_cast<long long>(o.records), o.insert_seconds, o.query_seconds,
        o.insert_seconds + o.query_seconds, o.peak_kib / 1024.0, o.index_bytes / 1048576.0,
        static_cast<double>(o.candidates) / static_cast<double>(o.records), o.planted_found,
        o.planted_pairs,
        100.0 * static_cast<double>(o.planted_found) / static_cast<double>(o.planted_pairs));
  }
  if (outcomes.size() >= 2) {
    const Outcome& a = outcomes.front();
    const Outcome& b = outcomes.back();
    std::printf(
        "\n%lld / %lld records: %.1fx the records, %.1fx the time, %.1fx the index memory, %.1fx "
        "the peak RSS\n",
        static_cast<long long>(b.records), static_cast<long long>(a.records),
        static_cast<double>(b.records) / a.records,
        (b.insert_seconds + b.query_seconds) / (a.insert_seconds + a.query_seconds),
        static_cast<double>(b.index_bytes) / a.index_bytes,
        static_cast<double>(b.peak_kib) / a.peak_kib);
  }
  return 0;
}
