// A RunBoth (stages/core/model.h) for the tests that check a stage gives the same result
// whether its two pieces of work run one after the other or at once: it runs the second
// piece on this thread while the first runs on another, so they overlap and may finish in
// the reverse order.
#pragma once

#include <functional>
#include <thread>

#include "stages/core/model.h"

namespace pressarchive::testing {

inline void run_reversed_on_threads(const std::function<void()>& first,
                                    const std::function<void()>& second) {
  std::thread other(first);
  second();
  other.join();
}

}  // namespace pressarchive::testing
