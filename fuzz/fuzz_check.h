// What the fuzzers share: a check of a stage's documented contract that turns a broken
// promise into a crash libFuzzer records (an artifact with the input), like an ASan report.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                     \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   #condition, what);                                                   \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)
