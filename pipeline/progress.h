// Progress of a run: counters the graph's nodes bump (lock-free), and a reporter thread
// that redraws one status line on a terminal or writes a plain log line every
// `interval` seconds otherwise.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace pressarchive {

struct ProgressCounters {
  std::atomic<std::int64_t> documents_total{0};
  std::atomic<std::int64_t> documents_done{0};
  std::atomic<std::int64_t> pages_done{0};
  std::atomic<std::int64_t> pages_ocr{0};
  std::atomic<std::int64_t> pages_text_layer{0};
  std::atomic<std::int64_t> pages_failed{0};
  std::atomic<std::int64_t> failures{0};

  // Time spent per stage, summed over threads, in microseconds (`ingest --stats`).
  enum Stage { kOpen, kLoad, kOrientation, kDeskew, kOcr, kMetadata, kStore, kStageCount };
  std::atomic<std::int64_t> stage_micros[kStageCount] = {};
  void add_time(Stage stage, double seconds) {
    stage_micros[stage] += static_cast<std::int64_t>(seconds * 1e6);
  }
};

const char* stage_label(ProgressCounters::Stage stage);

class ProgressReporter {
 public:
  // Starts reporting to stderr; `enabled` false = silent (tests, --quiet).
  ProgressReporter(const ProgressCounters& counters, int interval_seconds, bool enabled);
  ~ProgressReporter();  // stops and clears the terminal line
  void stop();

 private:
  void loop();
  void report(bool final_line);

  const ProgressCounters& counters_;
  const std::chrono::steady_clock::time_point start_;
  const bool terminal_;
  const int interval_seconds_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pressarchive
