// 1-bit pages made and searched by pressarchive where Leptonica would be slower:
// thresholding (page_pix.h) and brick morphology (answered for
// Tesseract's calls into Leptonica). Each must give exactly what Leptonica gives, and the
// tests ask Leptonica itself.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../test_paths.h"
#include "stages/engines/image_engine.h"
#include "stages/engines/leptonica/brick_morphology.h"
#include "stages/engines/leptonica/leptonica_answers.h"
#include "stages/engines/leptonica/leptonica_checks.h"
#include "stages/engines/page_pix.h"

// Leptonica's boundary convention (morph.c), which it does not declare.
extern "C" l_int32 MORPH_BC;

namespace pressarchive {
namespace {

using BrickFunction = PIX* (*)(PIX*, PIX*, l_int32, l_int32);

struct Named {
  BrickOperation operation;
  const char* name;
};
constexpr Named kOperations[] = {{BrickOperation::erode, "pixErodeBrick"},
                                 {BrickOperation::dilate, "pixDilateBrick"},
                                 {BrickOperation::open, "pixOpenBrick"},
                                 {BrickOperation::close, "pixCloseBrick"}};

// Leptonica's own function: the program's (and this test's) pixOpenBrick and kin are the
// ones in ocr_engine.cpp, so Leptonica's is the next definition.
BrickFunction leptonica(const char* name) {
  auto f = reinterpret_cast<BrickFunction>(dlsym(RTLD_NEXT, name));
  EXPECT_NE(f, nullptr) << name;
  return f;
}

// What this test's own linked-in function gives: the interposed one.
BrickFunction program(const char* name) {
  auto f = reinterpret_cast<BrickFunction>(dlsym(RTLD_DEFAULT, name));
  EXPECT_NE(f, nullptr) << name;
  return f;
}

bool same_pixels(PIX* a, PIX* b) {
  l_int32 same = 0;
  return a && b && pixEqual(a, b, &same) == 0 && same == 1;
}

PixPtr random_page(int width, int height, double black, std::mt19937& random) {
  PixPtr pix(pixCreate(width, height, 1));
  std::bernoulli_distribution ink(black);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      if (ink(random)) pixSetPixel(pix.get(), x, y, 1);
  // Garbage past the width, which must not count as pixels.
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  if (width % 32)
    for (int y = 0; y < height; ++y)
      data[y * wpl + wpl - 1] |= ~(~l_uint32{0} << (32 - width % 32));
  return pix;
}

PageImage seed_scan() {
  Result<PageImage> scan =
      read_image_page(testing::sample("seed-scan-degraded.tif"), SourceFormat::kTiff, 0, 300);
  EXPECT_TRUE(scan.ok());
  return scan.ok() ? *scan : PageImage{};
}

void expect_as_leptonica(PIX* source, int width, int height, const std::string& what) {
  for (const Named& op : kOperations) {
    PixPtr theirs(leptonica(op.name)(nullptr, source, width, height));
    PixPtr ours(brick_morphology(source, width, height, op.operation));
    ASSERT_NE(theirs, nullptr) << op.name << ' ' << what;
    ASSERT_NE(ours, nullptr) << op.name << ' ' << what;
    EXPECT_TRUE(same_pixels(ours.get(), theirs.get()))
        << op.name << " brick " << width << 'x' << height << " on " << what;
  }
}

TEST(BrickMorphology, GivesLeptonicasPixelsOnRandomPages) {
  std::mt19937 random(20261127);
  const std::pair<int, int> pages[] = {{1, 1},   {5, 3},    {31, 40}, {32, 33},
                                       {33, 97}, {100, 64}, {257, 41}};
  const std::pair<int, int> bricks[] = {{2, 1},  {1, 2},   {3, 1},   {1, 3},  {7, 1}, {1, 8},
                                        {32, 1}, {1, 33},  {75, 1},  {1, 75}, {3, 3}, {5, 2},
                                        {6, 9},  {40, 17}, {300, 1}, {1, 300}};
  for (const auto& [w, h] : pages)
    for (const double black : {0.1, 0.5, 0.95}) {
      PixPtr page = random_page(w, h, black, random);
      for (const auto& [bw, bh] : bricks)
        expect_as_leptonica(
            page.get(), bw, bh,
            std::to_string(w) + 'x' + std::to_string(h) + " at " + std::to_string(black));
    }
}

// A real scan, thresholded, with the bricks Tesseract's rule finder uses at 300 DPI.
TEST(BrickMorphology, GivesLeptonicasPixelsOnAScannedPage) {
  PixPtr page = to_binary(seed_scan(), 128);
  ASSERT_NE(page, nullptr);
  ASSERT_GT(pixGetWidth(page.get()), 2000);
  for (const auto& [bw, bh] : {std::pair{75, 1}, {1, 75}, {5, 5}, {2, 2}, {1, 11}, {11, 1}})
    expect_as_leptonica(page.get(), bw, bh, "the seed's degraded scan");
}

// The functions Tesseract reaches are these, and what they do not answer (a target Pix,
// a 1 x 1 brick, an 8-bit page) is still Leptonica's.
TEST(BrickMorphology, TesseractsCallsReachItAndTheRestGoesToLeptonica) {
  std::mt19937 random(7);
  PixPtr page = random_page(90, 50, 0.6, random);
  for (const Named& op : kOperations) {
    ASSERT_NE(program(op.name), leptonica(op.name)) << op.name << " is not the program's own";
    PixPtr theirs(leptonica(op.name)(nullptr, page.get(), 9, 4));
    PixPtr ours(program(op.name)(nullptr, page.get(), 9, 4));
    EXPECT_TRUE(same_pixels(ours.get(), theirs.get())) << op.name;

    PixPtr target(pixCreate(90, 50, 1));
    EXPECT_EQ(program(op.name)(target.get(), page.get(), 9, 4), target.get()) << op.name;
    EXPECT_TRUE(same_pixels(target.get(), theirs.get())) << op.name;

    PixPtr copy(program(op.name)(nullptr, page.get(), 1, 1));
    EXPECT_TRUE(same_pixels(copy.get(), page.get())) << op.name;
  }
  PixPtr grey(pixCreate(16, 16, 8));
  EXPECT_EQ(brick_morphology(grey.get(), 3, 1, BrickOperation::open), nullptr);
}

TEST(Thresholding, IsLeptonicasAtEveryThresholdAndWidth) {
  PageImage scan = seed_scan();
  ASSERT_GT(scan.width, 64);
  // Narrow crops too, so rows end inside a word as well as on its edge.
  for (const int width : {scan.width, 64, 47, 31, 1}) {
    PageImage crop;
    crop.width = width;
    crop.height = 40;
    crop.dpi = scan.dpi;
    for (int y = 0; y < crop.height; ++y) {
      const auto* row = &scan.pixels[static_cast<std::size_t>(y + 900) * scan.width + 300];
      crop.pixels.insert(crop.pixels.end(), row, row + width);
    }
    if (width == scan.width) crop = scan;
    PixPtr grey = to_pix(crop);
    for (const int threshold : {0, 1, 2, 100, 128, 200, 254, 255, 256}) {
      PixPtr theirs(pixConvertTo1(grey.get(), threshold));
      PixPtr ours = to_binary(crop, threshold);
      EXPECT_TRUE(same_pixels(ours.get(), theirs.get()))
          << "width " << width << ", threshold " << threshold;
    }
  }
}

// What pixWriteMem (the program's) writes for a PNG request on this thread.
std::string png_request(PIX* pix) {
  l_uint8* data = nullptr;
  size_t size = 0;
  EXPECT_EQ(pixWriteMem(&data, &size, pix, IFF_PNG), 0);
  std::string bytes(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return bytes;
}

PixPtr read_back(const std::string& bytes) {
  return PixPtr(pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size()));
}

const std::string kPngSignature("\x89PNG\r\n\x1a\n", 8);

// Only Tesseract's recognition, on its own thread, gets the serialised form; a PNG asked
// for anywhere else is a real one that reads back as the same pixels.
TEST(PixWriteMem, IsARealPngOutsideTesseractsRecognition) {
  std::mt19937 random(11);
  PixPtr bits = random_page(61, 23, 0.4, random);
  PixPtr grey(pixConvert1To8(nullptr, bits.get(), 255, 0));
  for (PIX* pix : {bits.get(), grey.get()}) {
    const std::string png = png_request(pix);
    EXPECT_EQ(png.substr(0, 8), kPngSignature);
    EXPECT_TRUE(same_pixels(read_back(png).get(), pix));
    {
      const TesseractRecognitionScope recognising;
      const std::string quick = png_request(pix);
      EXPECT_EQ(quick.substr(0, 4), "spix") << "Tesseract's line images take the quick way";
      EXPECT_TRUE(same_pixels(read_back(quick).get(), pix));
      std::string elsewhere;
      std::thread other([&] { elsewhere = png_request(pix); });
      other.join();
      EXPECT_EQ(elsewhere.substr(0, 8), kPngSignature) << "another thread is not Tesseract's";
    }
    EXPECT_EQ(png_request(pix).substr(0, 8), kPngSignature) << "the mark ends with recognition";
  }
}

TEST(LeptonicaChecks, TheAnswersAgreeWithTheInstalledLeptonica) {
  EXPECT_TRUE(brick_answer_agrees(brick_morphology));
  resetMorphBoundaryCondition(SYMMETRIC_MORPH_BC);
  EXPECT_TRUE(brick_answer_agrees(brick_morphology)) << "symmetric boundary";
  resetMorphBoundaryCondition(ASYMMETRIC_MORPH_BC);
  EXPECT_TRUE(spix_answer_agrees());
}

PIX* one_pixel_off(PIX* source, int width, int height, BrickOperation operation) {
  PIX* result = brick_morphology(source, width, height, operation);
  l_uint32 value = 0;
  if (result && pixGetPixel(result, 3, 4, &value) == 0) pixSetPixel(result, 3, 4, value ^ 1);
  return result;
}

// Answers under the symmetric convention as if it were the asymmetric one.
PIX* ignoring_the_boundary(PIX* source, int width, int height, BrickOperation operation) {
  const l_int32 in_effect = MORPH_BC;
  resetMorphBoundaryCondition(ASYMMETRIC_MORPH_BC);
  PIX* result = brick_morphology(source, width, height, operation);
  resetMorphBoundaryCondition(in_effect);
  return result;
}

TEST(LeptonicaChecks, FindAWrongAnswer) {
  EXPECT_FALSE(brick_answer_agrees(one_pixel_off));
  EXPECT_TRUE(brick_answer_agrees(ignoring_the_boundary))
      << "right under the asymmetric convention";
  resetMorphBoundaryCondition(SYMMETRIC_MORPH_BC);
  EXPECT_FALSE(brick_answer_agrees(ignoring_the_boundary)) << "wrong under the symmetric one";
  resetMorphBoundaryCondition(ASYMMETRIC_MORPH_BC);
}

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(LeptonicaChecks, AnAnswerThatDisagreesIsSwitchedOffWithOneWarning) {
  CheckedAnswer wrong("test-wrong", "a deliberately wrong answer", [] { return false; });
  CheckedAnswer right("test-right", "a right answer", [] { return true; });
  ::testing::internal::CaptureStderr();
  std::vector<std::thread> callers;
  std::atomic<int> enabled{0};
  for (int i = 0; i < 4; ++i)
    callers.emplace_back([&] { enabled += wrong.enabled() + right.enabled(); });
  for (std::thread& caller : callers) caller.join();
  EXPECT_FALSE(wrong.enabled());
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(enabled.load(), 4) << "only the right answer is given";
  EXPECT_EQ(lines(warnings), 1) << warnings;
  EXPECT_NE(warnings.find("'test-wrong'"), std::string::npos) << warnings;
}

TEST(LeptonicaChecks, AnAnswerCanBeSwitchedOffForMeasuring) {
  setenv("PRESSARCHIVE_LEPTONICA_OFF", "spix,test-off", 1);
  CheckedAnswer off("test-off", "a right answer", [] { return true; });
  CheckedAnswer on("test", "a right answer", [] { return true; });
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(on.enabled());
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  unsetenv("PRESSARCHIVE_LEPTONICA_OFF");
}

}  // namespace
}  // namespace pressarchive
