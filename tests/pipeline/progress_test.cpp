// The progress reporter's thread against workers bumping the counters: run under
// ThreadSanitizer in CI.
#include "pipeline/progress.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace pressarchive {
namespace {

TEST(Progress, CountersAndReporterAreSafeAcrossThreads) {
  ProgressCounters counters;
  counters.documents_total = 400;
  {
    ProgressReporter reporter(counters, 1, /*enabled=*/true);
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t)
      workers.emplace_back([&] {
        for (int i = 0; i < 100; ++i) {
          counters.pages_done++;
          counters.pages_ocr++;
          counters.add_time(ProgressCounters::kOcr, 0.001);
          counters.documents_done++;
          std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
      });
    for (std::thread& w : workers) w.join();
    reporter.stop();
    reporter.stop();  // idempotent
  }
  EXPECT_EQ(counters.pages_done.load(), 400);
  EXPECT_EQ(counters.documents_done.load(), 400);
  EXPECT_NEAR(counters.stage_micros[ProgressCounters::kOcr].load() / 1e6, 0.4, 0.01);
}

}  // namespace
}  // namespace pressarchive
