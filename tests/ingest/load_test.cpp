#include "stages/ingest/load.h"

#include <gtest/gtest.h>

#include "../test_inputs.h"
#include "../test_paths.h"
#include "stages/engines/image_engine.h"
#include "stages/engines/pdf_engine.h"
#include "stages/ingest/discover.h"

namespace pressarchive {
namespace {

using testing::source_of;

TEST(Load, BornDigitalPdfKeepsItsTextLayerWithFontSizes) {
  Result<std::shared_ptr<LoadedSource>> loaded =
      load_source(source_of(testing::sample("seed-born-digital.pdf")), {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ((*loaded)->page_count(), 1);
  Result<PageContent> page = (*loaded)->page(0);
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(page->text_lines.has_value());
  EXPECT_FALSE(page->image.has_value());
  float title_height = 0, body_height = 0;
  for (const TextLine& line : *page->text_lines) {
    if (line.text == "CDO und CUO beenden Tätigkeit") title_height = line.height;
    if (line.text.rfind("Mit Wirkung zum", 0) == 0) body_height = line.height;
  }
  EXPECT_GT(title_height, 1.3f * body_height) << "the title is set larger than the body";
  EXPECT_GT(body_height, 0);
}

TEST(Load, ScannedPdfPagesAreRenderedToGreyAt300Dpi) {
  Result<std::shared_ptr<LoadedSource>> loaded =
      load_source(source_of(testing::sample("seed-scan-two-pages.pdf")), {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ((*loaded)->page_count(), 2);
  Result<PageContent> page = (*loaded)->page(1);
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(page->image.has_value());
  EXPECT_EQ(page->image->dpi, 300);
  EXPECT_NEAR(page->image->width, 2480, 3);
  EXPECT_NEAR(page->image->height, 3508, 3);
}

TEST(Load, MultiPageTiffHasAllItsPages) {
  Result<std::shared_ptr<LoadedSource>> loaded =
      load_source(source_of(testing::corpora_dir() / "images" / "pillow-multipage-3.tiff"), {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ((*loaded)->page_count(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE((*loaded)->page(i).ok()) << "page " << i;
}

TEST(Load, BilevelG4TiffIsExpandedToGrey) {
  Result<std::shared_ptr<LoadedSource>> loaded =
      load_source(source_of(testing::sample("seed-scan-degraded.tif")), {});
  ASSERT_TRUE(loaded.ok());
  Result<PageContent> page = (*loaded)->page(0);
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(page->image);
  EXPECT_EQ(page->image->pixels.size(),
            static_cast<std::size_t>(page->image->width) * page->image->height);
}

struct FailCase {
  std::filesystem::path path;
  Reason reason;
};

TEST(Load, HostileInputsFailWithTheirReason) {
  const std::filesystem::path c = testing::corpora_dir();
  const std::vector<FailCase> cases = {
      {testing::sample("broken-truncated.pdf"), Reason::kUnreadable},
      {c / "hostile-pdf" / "ocrmypdf-invalid-header-eof-only.pdf", Reason::kUnreadable},
      {c / "hostile-pdf" / "qpdf-enc-aes256-r6-userpw-view.pdf", Reason::kEncrypted},
      {c / "hostile-pdf" / "qpdf-bad1-not-a-pdf.pdf", Reason::kUnsupported},  // 5 bytes "oops"
  };
  for (const FailCase& fc : cases) {
    Result<std::shared_ptr<LoadedSource>> loaded = load_source(source_of(fc.path), {});
    ASSERT_FALSE(loaded.ok()) << fc.path;
    EXPECT_EQ(loaded.error().reason, fc.reason) << fc.path << ": " << loaded.error().message;
    EXPECT_NE(loaded.error().message.find(fc.path.filename().string()), std::string::npos)
        << "the message names the file: " << loaded.error().message;
  }
}

TEST(Load, DecompressionBombFailsCleanly) {
  // A 44-byte GIF whose image declares a canvas far beyond its 32x32 screen: refused
  // by the decoder without allocating it.
  Result<std::shared_ptr<LoadedSource>> loaded = load_source(
      source_of(testing::corpora_dir() / "hostile-img" / "pillow-gif-decompression-bomb.gif"), {});
  ASSERT_TRUE(loaded.ok());
  Result<PageContent> page = (*loaded)->page(0);
  ASSERT_FALSE(page.ok());
  EXPECT_TRUE(page.error().reason == Reason::kTooLarge ||
              page.error().reason == Reason::kUnreadable)
      << page.error().message;
}

TEST(Load, HugeLaterTiffPageIsRefusedBeforeDecoding) {
  // fuzz/loader_fuzzer: page 1 is 8 x 8, page 2 declares 60000 x 60000 (bilevel G4, one
  // bit per row, 7.8 KB in all). Only page 1's header used to be checked before decoding,
  // so page 2 was decoded in full first (with 8-bit pages of 40000 x 40000: 2.1 GB).
  const std::filesystem::path path =
      testing::source_dir() / "tests" / "regressions" / "load-tiff-page2-60000x60000.tif";
  Result<std::shared_ptr<LoadedSource>> loaded = load_source(source_of(path), {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ((*loaded)->page_count(), 2);
  EXPECT_TRUE((*loaded)->page(0).ok());
  Result<PageContent> page = (*loaded)->page(1);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().reason, Reason::kTooLarge) << page.error().message;
  EXPECT_NE(page.error().message.find("60000 x 60000"), std::string::npos) << page.error().message;
}

TEST(Load, TiffPageLibtiffRefusesFailsCleanly) {
  // fuzz/loader_fuzzer (LeakSanitizer): page 2's directory lacks the colour map its
  // palette needs, so libtiff refuses it (and page 3 declares no size at all).
  // Leptonica's readHeaderTiff leaked the TIFF handle on that path; page sizes are now
  // read from the directories themselves. A leak would show under
  // tools/run-sanitizers.sh (LeakSanitizer); the clean failures show everywhere.
  const std::filesystem::path path =
      testing::source_dir() / "tests" / "regressions" / "load-tiff-page2-unreadable-by-libtiff.tif";
  Result<std::shared_ptr<LoadedSource>> loaded = load_source(source_of(path), {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ((*loaded)->page_count(), 3);
  for (int i = 0; i < 3; ++i) {
    Result<PageContent> page = (*loaded)->page(i);
    if (!page.ok()) {
      EXPECT_EQ(page.error().reason, Reason::kUnreadable) << page.error().message;
      EXPECT_NE(page.error().message.find(path.filename().string()), std::string::npos);
    }
  }
}

TEST(Load, GifFramesCountNotOnlyTheLogicalScreen) {
  // fuzz/loader_fuzzer: giflib decodes every frame at its own declared size, whatever the
  // logical screen says. A 150 KB GIF with a 32 x 32 screen and one 20000 x 20000 frame
  // took 31 s and 970 MB before the size check. Small versions of both shapes:
  const std::filesystem::path regressions = testing::source_dir() / "tests" / "regressions";
  const std::filesystem::path beyond = regressions / "load-gif-frame-beyond-screen.gif";
  Result<ImageSize> size = image_page_size(beyond, SourceFormat::kGif, 0);
  ASSERT_TRUE(size.ok()) << size.error().message;
  EXPECT_EQ(size->width, 3000);  // the screen is 32 x 32
  EXPECT_EQ(size->height, 3000);

  LoadOptions options;
  options.max_page_pixels = 4'000'000;
  for (const char* name : {"load-gif-frame-beyond-screen.gif",  // 3000 x 3000 frame
                           "load-gif-five-frames.gif"}) {       // 5 frames of 1000 x 1000
    Result<std::shared_ptr<LoadedSource>> loaded =
        load_source(source_of(regressions / name), options);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    Result<PageContent> page = (*loaded)->page(0);
    ASSERT_FALSE(page.ok()) << name;
    EXPECT_EQ(page.error().reason, Reason::kTooLarge) << page.error().message;
  }
  // Within the limit, a GIF still loads (the five frames: 5 Mpx).
  options.max_page_pixels = 6'000'000;
  Result<std::shared_ptr<LoadedSource>> loaded =
      load_source(source_of(regressions / "load-gif-five-frames.gif"), options);
  ASSERT_TRUE(loaded.ok());
  Result<PageContent> page = (*loaded)->page(0);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->image->width, 1000);
}

TEST(Load, PdfPageOfExtremeShapeIsRefusedBeforeRendering) {
  // fuzz/loader_fuzzer: a 440-byte PDF whose MediaBox is 1e9 x 1e-6 pt. Its area fitted
  // 300 DPI, so Poppler was asked for a raster of 4.2 billion x 1 pixels.
  Result<std::shared_ptr<LoadedSource>> loaded =
      load_source(source_of(testing::source_dir() / "tests" / "regressions" /
                            "load-pdf-page-1e9-by-1e-6-pt.pdf"),
                  {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  Result<PageContent> page = (*loaded)->page(0);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().reason, Reason::kTooLarge) << page.error().message;
}

struct DpiCase {
  double width_pt, height_pt;
  std::optional<int> dpi;
};

TEST(RenderDpiFor, LowersDpiForBigPagesAndRefusesAbsurdOnes) {
  LoadOptions options;  // 300 DPI, 60 Mpx, at least 100 DPI
  const std::vector<DpiCase> cases = {
      {595, 842, 300},             // A4
      {842, 1191, 300},            // A3: 34.8 Mpx
      {2384, 3370, 196},           // A0: lowered to fit 60 Mpx
      {8400, 8400, std::nullopt},  // 35000 px square at 300 DPI: refused, not rendered
      {35000, 35000, std::nullopt},
      {0, 842, std::nullopt},
      // fuzz/loader_fuzzer: the raster is whole pixels, at least one a side, so a page of
      // almost no area can still be a huge raster.
      {1e7, 1e-4, 300},           // 41.7 million x 1 pixels: fits
      {3e7, 1e-4, 144},           // 125 million x 1 at 300 DPI: lowered to 60 million x 1
      {1e9, 1e-6, std::nullopt},  // 4.2 billion x 1 at 300 DPI: refused
  };
  for (const DpiCase& c : cases)
    EXPECT_EQ(render_dpi_for(c.width_pt, c.height_pt, options), c.dpi) << c.width_pt;
}

}  // namespace
}  // namespace pressarchive

namespace pressarchive {
namespace {

// Encrypted PDFs open with the password the configuration gives ([pdf] password), in
// both of the readers a PDF gets (the text layer's and the renderer's); without it, or
// with a wrong one, they fail as encrypted.
TEST(Load, EncryptedPdfOpensWithItsPasswordOnly) {
  const std::filesystem::path dir = testing::corpora_dir() / "hostile-pdf";
  struct Case {
    const char* file;
    const char* password;
  };
  for (const Case c : {Case{"qpdf-enc-rc4-128-userpw-view.pdf", "view"},
                       Case{"qpdf-enc-aes256-r6-userpw-view.pdf", "view"},
                       Case{"pdfium-enc-aes256-r6-nonascii-pw.pdf", "h\xC3\xB4tel"}}) {
    SCOPED_TRACE(c.file);
    Result<std::unique_ptr<PdfDocument>> locked = PdfDocument::open(dir / c.file, "");
    ASSERT_FALSE(locked.ok());
    EXPECT_EQ(locked.error().reason, Reason::kEncrypted);
    Result<std::unique_ptr<PdfDocument>> wrong = PdfDocument::open(dir / c.file, "not-it");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().reason, Reason::kEncrypted);

    Result<std::unique_ptr<PdfDocument>> doc = PdfDocument::open(dir / c.file, c.password);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    ASSERT_GE((*doc)->page_count(), 1);
    Result<std::vector<TextLine>> lines = (*doc)->text_lines(0);
    ASSERT_TRUE(lines.ok()) << lines.error().message;
    Result<PageSize> size = (*doc)->page_size(0);
    ASSERT_TRUE(size.ok()) << size.error().message;
    EXPECT_GT(size->width_pt, 0);
    Result<PageImage> image = (*doc)->render(0, 36);
    ASSERT_TRUE(image.ok()) << image.error().message;
    EXPECT_GT(image->width, 0);
  }
  // An empty user password and an owner password: opens without one.
  Result<std::unique_ptr<PdfDocument>> owner_only =
      PdfDocument::open(dir / "qpdf-enc-rc4-128-owner-only.pdf", "");
  ASSERT_TRUE(owner_only.ok()) << owner_only.error().message;
  EXPECT_TRUE((*owner_only)->text_lines(0).ok());
}

}  // namespace
}  // namespace pressarchive
