#include "stages/ingest/preprocess.h"

#include <chrono>
#include <cmath>

#include "stages/engines/image_engine.h"

namespace pressarchive {

PreparedPage preprocess_page(PageImage image, const PreprocessOptions& options,
                             const OrientationDetector& detect_orientation) {
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  PreparedPage page;
  const auto start = Clock::now();
  if (options.detect_orientation && detect_orientation) {
    Result<OrientationGuess> guess = detect_orientation(image);
    if (guess.ok() && guess->degrees != 0 &&
        guess->confidence >= options.orientation_min_confidence) {
      image = rotate_quarter_turns(image, guess->degrees / 90);
      page.rotation = guess->degrees;
    }
  }
  page.orientation_seconds = seconds_since(start);
  const auto deskew_start = Clock::now();
  const SkewEstimate skew = estimate_skew(image);
  // A full-page rotation costs real CPU and blurs glyphs slightly, so level only pages
  // that are measurably tilted, and only when Leptonica trusts its own estimate.
  if (std::fabs(skew.degrees) >= options.deskew_min_degrees &&
      skew.confidence >= options.deskew_min_confidence) {
    image = rotate_degrees(image, skew.degrees);
    page.skew = skew.degrees;
  }
  page.deskew_seconds = seconds_since(deskew_start);
  page.image = std::move(image);
  return page;
}

}  // namespace pressarchive
