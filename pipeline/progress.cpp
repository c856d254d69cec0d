#include "pipeline/progress.h"

#include <unistd.h>

#include <cstdio>

namespace pressarchive {

const char* stage_label(ProgressCounters::Stage stage) {
  switch (stage) {
    case ProgressCounters::kOpen:
      return "open sources";
    case ProgressCounters::kLoad:
      return "text layer / render / decode";
    case ProgressCounters::kOrientation:
      return "orientation (OSD)";
    case ProgressCounters::kDeskew:
      return "deskew";
    case ProgressCounters::kOcr:
      return "OCR (Tesseract)";
    case ProgressCounters::kMetadata:
      return "metadata";
    case ProgressCounters::kStore:
      return "store";
    case ProgressCounters::kStageCount:
      break;
  }
  return "?";
}

ProgressReporter::ProgressReporter(const ProgressCounters& counters, int interval_seconds,
                                   bool enabled)
    : counters_(counters),
      start_(std::chrono::steady_clock::now()),
      terminal_(isatty(STDERR_FILENO) == 1),
      interval_seconds_(interval_seconds) {
  if (enabled) thread_ = std::thread([this] { loop(); });
}

ProgressReporter::~ProgressReporter() { stop(); }

void ProgressReporter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    if (terminal_) std::fprintf(stderr, "\r\033[K");
  }
}

void ProgressReporter::loop() {
  const auto period = terminal_ ? std::chrono::milliseconds(500)
                                : std::chrono::milliseconds(1000 * interval_seconds_);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) report(false);
}

void ProgressReporter::report(bool) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::int64_t pages = counters_.pages_done.load();
  const double rate = seconds > 0 ? pages / seconds : 0;
  char line[256];
  std::snprintf(
      line, sizeof line,
      "documents %lld/%lld  pages %lld (%lld OCR, %lld text layer)  %.2f pages/s  failures %lld",
      static_cast<long long>(counters_.documents_done.load()),
      static_cast<long long>(counters_.documents_total.load()), static_cast<long long>(pages),
      static_cast<long long>(counters_.pages_ocr.load()),
      static_cast<long long>(counters_.pages_text_layer.load()), rate,
      static_cast<long long>(counters_.failures.load()));
  // A terminal gets one line redrawn in place; a log gets a plain line per report.
  if (terminal_)
    std::fprintf(stderr, "\r\033[K[%5.0fs] %s", seconds, line);
  else
    std::fprintf(stderr, "progress: %.0fs %s\n", seconds, line);
  std::fflush(stderr);
}

}  // namespace pressarchive
