// Dark borders cleared before OCR (clear_dark_borders, image_engine.h): a scanner's dark
// edge and punched-hole shadows no longer reach the text, and a page without a border is
// left exactly as it was.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "../test_inputs.h"
#include "../test_paths.h"
#include "stages/core/text_util.h"
#include "stages/engines/image_engine.h"
#include "stages/engines/ocr_engine.h"

namespace pressarchive {
namespace {

namespace fs = std::filesystem;

PageImage read(const fs::path& path) {
  const std::string ext = path.extension().string();
  const SourceFormat format = ext == ".tif" ? SourceFormat::kTiff : SourceFormat::kPng;
  Result<PageImage> image = read_image_page(path, format, 0, 300);
  EXPECT_TRUE(image.ok()) << path;
  return image.ok() ? *image : PageImage{};
}

PageImage top_of(const PageImage& page, double fraction) {
  PageImage crop = page;
  crop.height = static_cast<int>(page.height * fraction);
  crop.pixels.resize(static_cast<std::size_t>(crop.width) * crop.height);
  return crop;
}

// What a flatbed makes of a page that did not cover the glass: a dark band along the top
// with a ragged lower edge and some grain, and two punched holes' shadows cut by the left
// edge.
PageImage with_scanner_border(PageImage page) {
  const int band = page.height / 40 + 20;
  for (int y = 0; y < page.height; ++y)
    for (int x = 0; x < page.width; ++x) {
      std::uint8_t& p = page.pixels[static_cast<std::size_t>(y) * page.width + x];
      const int edge = band + static_cast<int>(6 * std::sin(x / 37.0) + 4 * std::sin(x / 11.0));
      if (y < edge) p = static_cast<std::uint8_t>(20 + (x * 7 + y * 13) % 23);
      for (const int cy : {page.height / 3, 2 * page.height / 3}) {
        const int dx = x, dy = y - cy;
        if (dx * dx + dy * dy < 55 * 55) p = static_cast<std::uint8_t>(35 + (x + y) % 17);
      }
    }
  return page;
}

std::size_t edit_distance_of(const std::string& a, const std::string& b) {
  return edit_distance(std::string_view(a), std::string_view(b));
}

TEST(Borders, LeavesPagesWithoutABorderExactlyAsTheyWere) {
  std::vector<fs::path> scans = {testing::sample("seed-scan-clean.png"),
                                 testing::sample("seed-scan-degraded.tif"),
                                 testing::sample("seed-scan-rotated-180.png")};
  for (const auto& entry :
       fs::directory_iterator(testing::source_dir() / "tests" / "eval" / "docs"))
    if (entry.path().extension() != ".pdf") scans.push_back(entry.path());
  // Crops of single lines of old print, whose letters the crop's edge cuts: not borders.
  for (const auto& entry : fs::recursive_directory_iterator(testing::corpora_dir() / "scans-gt"))
    if (entry.path().extension() == ".png" || entry.path().extension() == ".tif")
      scans.push_back(entry.path());
  ASSERT_GT(scans.size(), 40u);
  for (const fs::path& scan : scans) {
    const PageImage original = read(scan);
    PageImage page = original;
    EXPECT_EQ(clear_dark_borders(page), 0) << scan;
    EXPECT_EQ(page.pixels, original.pixels) << scan;
  }
}

TEST(Borders, PaintsADarkEdgeAndHoleShadowsInThePapersGrey) {
  const PageImage clean = top_of(read(testing::sample("seed-scan-clean.png")), 0.4);
  PageImage page = with_scanner_border(clean);
  const std::int64_t cleared = clear_dark_borders(page);
  EXPECT_GT(cleared, static_cast<std::int64_t>(clean.width) * (clean.height / 40 + 10));
  // The band and the holes are paper now; the print below them is untouched.
  for (int x = 0; x < page.width; x += 97)
    EXPECT_GT(page.pixels[static_cast<std::size_t>(5 * page.width + x)], 200);
  EXPECT_GT(page.pixels[static_cast<std::size_t>(page.height / 3) * page.width + 5], 200);
  std::size_t differing = 0;
  for (int y = page.height / 40 + 40; y < page.height; ++y)
    for (int x = 80; x < page.width; ++x)
      differing += page.pixels[static_cast<std::size_t>(y) * page.width + x] !=
                   clean.pixels[static_cast<std::size_t>(y) * page.width + x];
  EXPECT_EQ(differing, 0u) << "print away from the border is not touched";
}

class BorderOcr : public testing::WithOcrEngine<> {};

TEST_F(BorderOcr, ABorderedScanReadsAsTheSameScanWithoutIt) {
  const PageImage clean = top_of(read(testing::sample("seed-scan-clean.png")), 0.4);
  Result<OcrOutput> reference = engine_->recognize(clean, 60'000, 1);
  ASSERT_TRUE(reference.ok());
  const PageImage bordered = with_scanner_border(clean);
  Result<OcrOutput> raw = engine_->recognize(bordered, 60'000, 1);
  PageImage cleared = bordered;
  ASSERT_GT(clear_dark_borders(cleared), 0);
  Result<OcrOutput> read_cleared = engine_->recognize(cleared, 60'000, 1);
  ASSERT_TRUE(raw.ok() && read_cleared.ok());
  const double length = static_cast<double>(reference->text.size());
  const double cer_raw = edit_distance_of(raw->text, reference->text) / length;
  const double cer_cleared = edit_distance_of(read_cleared->text, reference->text) / length;
  std::cout << "text against the scan without a border: " << 100 * cer_raw << " % with the border, "
            << 100 * cer_cleared << " % with it cleared\n";
  EXPECT_LE(cer_cleared, 0.001) << read_cleared->text;
  EXPECT_GT(cer_raw, cer_cleared) << "the border did harm before it was cleared";
}

}  // namespace
}  // namespace pressarchive
