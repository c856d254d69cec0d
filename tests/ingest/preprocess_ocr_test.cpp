// Preprocessing and OCR on real scans: small crops, so the suite stays fast.
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <cmath>
#include <string>

#include "../test_inputs.h"
#include "../test_paths.h"
#include "stages/engines/image_engine.h"
#include "stages/engines/leptonica/leptonica_answers.h"
#include "stages/engines/ocr_engine.h"
#include "stages/engines/page_pix.h"
#include "stages/ingest/preprocess.h"

namespace pressarchive {
namespace {

PageImage load(const std::string& name) {
  const auto path = testing::sample(name);
  Result<PageImage> image = read_image_page(
      path, name.ends_with(".tif") ? SourceFormat::kTiff : SourceFormat::kPng, 0, 300);
  EXPECT_TRUE(image.ok());
  return image.ok() ? *image : PageImage{};
}

// The top of the seed page: "Achtung! ..." disclaimer, release date, title.
PageImage top_of(const PageImage& page, double fraction) {
  PageImage crop = page;
  crop.height = static_cast<int>(page.height * fraction);
  crop.pixels.resize(static_cast<std::size_t>(crop.width) * crop.height);
  return crop;
}

class OcrTest : public testing::WithOcrEngine<> {};

TEST_F(OcrTest, RecognisesTheSeedHeadlineWithHighConfidence) {
  const PageImage crop = top_of(load("seed-scan-clean.png"), 0.4);
  Result<OcrOutput> out = engine_->recognize(crop, 60'000, 1);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_NE(out->text.find("CDO und CUO beenden Tätigkeit"), std::string::npos) << out->text;
  EXPECT_NE(out->text.find("31.03.2022"), std::string::npos);
  EXPECT_GT(out->confidence, 80);
  EXPECT_NE(out->alto.find("<TextLine"), std::string::npos) << "ALTO is kept per page";
  float title = 0, other = 0;
  for (const TextLine& l : out->lines) {
    if (l.text.find("CDO und CUO") != std::string::npos) title = l.height;
    if (l.text.find("Bitte beachten") != std::string::npos) other = l.height;
  }
  EXPECT_GT(title, 1.2f * other) << "line heights carry the layout";
}

TEST_F(OcrTest, DetectsUpsideDownAndSidewaysPages) {
  const PageImage crop = top_of(load("seed-scan-clean.png"), 0.4);
  Result<OrientationGuess> upright = engine_->detect_orientation(crop);
  ASSERT_TRUE(upright.ok()) << upright.error().message;
  EXPECT_EQ(upright->degrees, 0);
  Result<OrientationGuess> upside_down = engine_->detect_orientation(rotate_quarter_turns(crop, 2));
  ASSERT_TRUE(upside_down.ok());
  EXPECT_EQ(upside_down->degrees, 180);
  // Turned a quarter clockwise: three more quarters clockwise make it upright.
  Result<OrientationGuess> sideways = engine_->detect_orientation(rotate_quarter_turns(crop, 1));
  ASSERT_TRUE(sideways.ok());
  EXPECT_EQ(sideways->degrees, 270);
  EXPECT_GT(sideways->confidence, 2.0);
}

TEST_F(OcrTest, RotatedScanComesOutReadable) {
  const PageImage crop = load("seed-scan-rotated-180.png");
  PreprocessOptions options;
  PreparedPage page = preprocess_page(
      crop, options, [](const PageImage& i) { return engine_->detect_orientation(i); });
  EXPECT_EQ(page.rotation, 180);
  Result<OcrOutput> out = engine_->recognize(top_of(page.image, 0.4), 60'000, 1);
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->text.find("beenden Tätigkeit"), std::string::npos) << out->text;
}

// Tesseract stores each text line's image PNG-encoded through pixWriteMem and decodes it
// at once; while it recognises a page, leptonica_overrides.cpp answers those requests with
// Leptonica's serialised form (see there). What Tesseract reads back must be the very
// same pixels, at every depth.
TEST(LineImages, LinesTravelSerialisedAndComeBackExact) {
  const TesseractRecognitionScope recognising;
  for (const int depth : {1, 8, 32}) {
    PIX* line = pixCreate(57, 13, depth);
    for (int y = 0; y < 13; ++y)
      for (int x = 0; x < 57; ++x)
        pixSetPixel(line, x, y, static_cast<l_uint32>((x * 7 + y * 13) % (depth == 1 ? 2 : 251)));
    l_uint8* data = nullptr;
    size_t size = 0;
    ASSERT_EQ(pixWriteMem(&data, &size, line, IFF_PNG), 0) << depth << " bpp";
    ASSERT_GT(size, 8u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(data), 4), "spix") << depth << " bpp";
    PIX* back = pixReadMem(data, size);
    ASSERT_NE(back, nullptr) << depth << " bpp";
    l_int32 same = 0;
    ASSERT_EQ(pixEqual(line, back, &same), 0);
    EXPECT_EQ(same, 1) << depth << " bpp";
    lept_free(data);
    pixDestroy(&back);
    pixDestroy(&line);
  }
  // Other formats are still Leptonica's own.
  PIX* line = pixCreate(8, 8, 8);
  l_uint8* data = nullptr;
  size_t size = 0;
  ASSERT_EQ(pixWriteMem(&data, &size, line, IFF_PNM), 0);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(data), 2), "P5");
  lept_free(data);
  pixDestroy(&line);
}

TEST(Preprocess, LevelsASkewedScan) {
  const PageImage degraded = load("seed-scan-degraded.tif");
  const SkewEstimate before = estimate_skew(degraded);
  EXPECT_NEAR(std::fabs(before.degrees), 2.0, 0.4) << "the sample is skewed about 2 degrees";
  PreprocessOptions options;
  options.detect_orientation = false;
  PreparedPage page = preprocess_page(degraded, options, nullptr);
  EXPECT_NEAR(page.skew, before.degrees, 1e-6);
  EXPECT_LT(std::fabs(estimate_skew(page.image).degrees), 0.3) << "level after deskew";
}

// Deskew turns pages with pressarchive's own loop (area_map_rotation.cpp); it must give
// Leptonica's pixels to the bit, or the OCR of every skewed page would change.
TEST(Preprocess, TurnsAPageAsLeptonicaDoes) {
  const PageImage degraded = load("seed-scan-degraded.tif");
  PageImage odd;  // odd sizes, so the centre falls between pixels
  odd.width = 333;
  odd.height = 201;
  for (int y = 0; y < odd.height; ++y)
    odd.pixels.insert(
        odd.pixels.end(),
        &degraded.pixels[static_cast<std::size_t>(y + 700) * degraded.width + 500],
        &degraded.pixels[static_cast<std::size_t>(y + 700) * degraded.width + 500 + odd.width]);
  const PageImage* pages[] = {&degraded, &odd};
  for (const PageImage* page : pages)
    for (const double degrees : {2.0, -2.8, 0.05, 0.06, -0.5, 7.5, -33.0}) {
      PixPtr theirs(pixRotate(to_pix(*page).get(), static_cast<l_float32>(degrees * M_PI / 180.0),
                              L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0));
      const PageImage ours = rotate_degrees(*page, degrees);
      ASSERT_EQ(ours.width, pixGetWidth(theirs.get()));
      ASSERT_EQ(ours.height, pixGetHeight(theirs.get()));
      l_int32 same = 0;
      ASSERT_EQ(pixEqual(to_pix(ours).get(), theirs.get(), &same), 0);
      EXPECT_EQ(same, 1) << degrees << " degrees on " << page->width << "x" << page->height;
    }
}

TEST(Preprocess, LeavesAStraightPageAlone) {
  PreprocessOptions options;
  options.detect_orientation = false;
  const PageImage clean = load("seed-scan-clean.png");
  PreparedPage page = preprocess_page(clean, options, nullptr);
  EXPECT_EQ(page.skew, 0);
  EXPECT_EQ(page.rotation, 0);
  EXPECT_EQ(page.image.pixels, clean.pixels);
}

TEST(Preprocess, AppliesTheDetectedOrientationOnlyWhenConfident) {
  PageImage image;
  image.width = 2;
  image.height = 1;
  image.pixels = {0, 255};
  PreprocessOptions options;
  options.deskew_min_confidence = 1e9;
  PreparedPage turned = preprocess_page(image, options, [](const PageImage&) {
    return Result<OrientationGuess>(OrientationGuess{180, 10.0});
  });
  EXPECT_EQ(turned.rotation, 180);
  EXPECT_EQ(turned.image.pixels, (std::vector<std::uint8_t>{255, 0}));
  PreparedPage unsure = preprocess_page(image, options, [](const PageImage&) {
    return Result<OrientationGuess>(OrientationGuess{180, 0.5});
  });
  EXPECT_EQ(unsure.rotation, 0);
}

}  // namespace
}  // namespace pressarchive
