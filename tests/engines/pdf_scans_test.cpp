// Scanned PDF pages whose one image is taken out instead of rendered: on real files, the
// image must be the page Poppler renders (same size at the same DPI, same OCR text), and
// every page that is more than one plain image must still be rendered.
#include "stages/engines/pdf_scans.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../test_inputs.h"
#include "../test_paths.h"
#include "stages/core/text_util.h"
#include "stages/engines/ocr_engine.h"
#include "stages/ingest/discover.h"
#include "stages/ingest/load.h"

namespace pressarchive {
namespace {

using testing::source_of;

PageImage page_image(const std::filesystem::path& path, int index, bool extract) {
  LoadOptions options;
  options.extract_scans = extract;
  Result<std::shared_ptr<LoadedSource>> loaded = load_source(source_of(path), options);
  EXPECT_TRUE(loaded.ok()) << path;
  if (!loaded.ok()) return {};
  Result<PageContent> page = (*loaded)->page(index);
  EXPECT_TRUE(page.ok() && page->image) << path << " page " << index + 1;
  return page.ok() && page->image ? *page->image : PageImage{};
}

// Levenshtein distance over bytes, whitespace collapsed: how far two OCR texts differ.
double text_distance(const std::string& a_raw, const std::string& b_raw) {
  const auto collapse = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += c;
      }
    }
    return out;
  };
  const std::string a = collapse(a_raw), b = collapse(b_raw);
  return static_cast<double>(edit_distance(a, b)) /
         static_cast<double>(std::max<std::size_t>(1, std::max(a.size(), b.size())));
}

std::optional<EmbeddedScan::Encoding> taken_out_as(const std::filesystem::path& path, int index) {
  std::unique_ptr<PdfScans> scans = PdfScans::open(path, "");
  if (!scans) return std::nullopt;
  std::optional<EmbeddedScan> scan = scans->page_scan(index, LoadOptions{}.max_page_pixels);
  if (!scan) return std::nullopt;
  return scan->encoding;
}

TEST(PdfScans, OnlyPagesThatAreOnePlainImageAreTakenOut) {
  const std::filesystem::path c = testing::corpora_dir() / "scans-pdf";
  using E = EmbeddedScan::Encoding;
  EXPECT_EQ(taken_out_as(testing::sample("seed-scan-two-pages.pdf"), 1), E::kG4);
  EXPECT_EQ(taken_out_as(c / "ccitt-g4-linn.pdf", 0), E::kG4);
  EXPECT_EQ(taken_out_as(c / "c02-22-huckfinn-icc-jpeg.pdf", 0), E::kJpeg);  // ICC-based colour
  EXPECT_EQ(taken_out_as(c / "graph-slanted-text.pdf", 0), E::kSamples);     // Flate RGB
  EXPECT_EQ(taken_out_as(c / "typewriter-2400dpi.pdf", 0), E::kSamples);     // Flate grey
  // Left to Poppler: JBIG2, JPEG 2000, an indexed palette, masks and several images,
  // a page placed with rotation or skew, a page turned by /Rotate.
  EXPECT_EQ(taken_out_as(c / "jbig2-linn.pdf", 0), std::nullopt);
  EXPECT_EQ(taken_out_as(c / "lichtenstein-jpx.pdf", 0), std::nullopt);
  EXPECT_EQ(taken_out_as(c / "palette-indexed.pdf", 0), std::nullopt);
  EXPECT_EQ(taken_out_as(c / "masks-wikipedia-linux-de.pdf", 0), std::nullopt);
  EXPECT_EQ(taken_out_as(c / "skew.pdf", 0), std::nullopt);
  EXPECT_EQ(taken_out_as(c / "cardinal-four-rotations.pdf", 1), std::nullopt);
  // Text pages are never scans.
  EXPECT_EQ(taken_out_as(testing::sample("seed-born-digital.pdf"), 0), std::nullopt);
  EXPECT_EQ(taken_out_as(testing::sample("broken-truncated.pdf"), 0), std::nullopt);
}

TEST(PdfScans, AboveThePixelLimitThePageIsLeftToRendering) {
  std::unique_ptr<PdfScans> scans = PdfScans::open(testing::sample("seed-scan-two-pages.pdf"), "");
  ASSERT_TRUE(scans);
  EXPECT_TRUE(scans->page_scan(0, 2480 * 3508));
  EXPECT_FALSE(scans->page_scan(0, 2480 * 3508 - 1));
}

struct Comparison {
  std::string file;
  double max_distance;  // share of characters in which the two OCR texts may differ
};

class TakenOutVsRendered : public testing::WithOcrEngine<::testing::TestWithParam<Comparison>> {};

// The taken-out image is the page as Poppler renders it at 300 DPI: same size (scans at
// other resolutions are scaled to it), same text.
TEST_P(TakenOutVsRendered, SameSizeAndSameText) {
  const Comparison& c = GetParam();
  const std::filesystem::path path = c.file.starts_with("seed")
                                         ? testing::sample(c.file)
                                         : testing::corpora_dir() / "scans-pdf" / c.file;
  ASSERT_TRUE(taken_out_as(path, 0))
      << "not taken out: the comparison would compare rendering with itself";
  const PageImage taken = page_image(path, 0, true);
  const PageImage rendered = page_image(path, 0, false);
  ASSERT_FALSE(taken.empty());
  ASSERT_FALSE(rendered.empty());
  EXPECT_EQ(taken.dpi, rendered.dpi);
  EXPECT_NEAR(taken.width, rendered.width, 2 + rendered.width / 200);
  EXPECT_NEAR(taken.height, rendered.height, 2 + rendered.height / 200);
  Result<OcrOutput> a = engine_->recognize(taken, 0, 1);
  Result<OcrOutput> b = engine_->recognize(rendered, 0, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_GT(b->text.size(), 100u) << "the page has text to compare";
  EXPECT_LT(text_distance(a->text, b->text), c.max_distance) << "taken out:\n"
                                                             << a->text << "\nrendered:\n"
                                                             << b->text;
}

INSTANTIATE_TEST_SUITE_P(ScannedPdfs, TakenOutVsRendered,
                         ::testing::Values(Comparison{"seed-scan-two-pages.pdf", 0.03},
                                           Comparison{"ccitt-g4-linn.pdf", 0.03},
                                           // a 150 DPI page scaled to 300: the body text is the
                                           // same, the engraving's OCR noise differs
                                           Comparison{"c02-22-huckfinn-icc-jpeg.pdf", 0.06},
                                           Comparison{"typewriter-2400dpi.pdf", 0.03}));

}  // namespace
}  // namespace pressarchive
