// A record's pages as images with their words, made again from the archived source:
// what the METS package, the searchable PDF and the web page's page view show.
//
// An OCR page is shown as OCR saw it: the source page turned by the rotation and skew
// stored with the page, so the words' boxes from Tesseract's ALTO fall on the image. A
// text-layer page is rendered by Poppler, its words boxed from the text layer.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "stages/core/model.h"
#include "stages/core/page_layout.h"
#include "stages/core/result.h"
#include "stages/ingest/load.h"

namespace pressarchive {

struct RecordPage {
  PageImage image;    // grey, upright; dpi is the image's own
  PageLayout layout;  // the page's words in the image's pixels
};

class PdfDocument;

// Not thread-safe: one per thread.
class RecordPages {
 public:
  ~RecordPages();
  RecordPages(RecordPages&&) noexcept;
  RecordPages& operator=(RecordPages&&) noexcept;

  // Finds the record's source among its archived paths: the first that still exists
  // and whose SHA-256 is the record's. A source that moved or changed is a kIo error
  // naming its path and what is wrong.
  static Result<RecordPages> open(const Record& record, const LoadOptions& options);

  const std::filesystem::path& path() const { return path_; }

  // Page `number` (1-based) scaled to `width` pixels wide (0: at the resolution OCR
  // used, or 150 DPI for a text-layer page).
  Result<RecordPage> page(int number, int width);

  // Page `number`'s words without an image, in the unit of the page as OCR saw it
  // (pixels) or of its text layer (points).
  Result<PageLayout> layout(int number);

 private:
  RecordPages() = default;
  Result<PageImage> upright_image(const PageResult& page);
  PdfDocument* pdf();

  const Record* record_ = nullptr;
  std::filesystem::path path_;
  Source source_;
  LoadOptions options_;
  std::shared_ptr<LoadedSource> loaded_;
  std::unique_ptr<PdfDocument> pdf_;
};

// The words of an OCR page without the source: from its stored ALTO, in OCR pixels
// (`dpi`: the resolution of that image, 0 when unknown, taken as 300).
Result<PageLayout> stored_ocr_layout(const PageResult& page, double dpi);

}  // namespace pressarchive
