// load: open a Source and hand out its pages, one at a time, as either a usable text
// layer (born-digital PDF pages) or a grey raster to OCR. Pages are produced on demand
// so only the pages in flight are ever decoded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"
#include "stages/ingest/triage.h"

namespace pressarchive {

struct LoadOptions {
  int render_dpi = 300;
  int min_render_dpi = 100;
  std::int64_t max_page_pixels = 60'000'000;
  int max_pages = 2000;
  std::string pdf_password;
  // Take a scanned page's one embedded image out of the PDF instead of rendering the page.
  bool extract_scans = true;
  TextLayerPolicy text_layer;
};

// A page ready for the next step: exactly one of text_lines (kept text layer) or image.
struct PageContent {
  std::optional<std::vector<TextLine>> text_lines;
  std::optional<PageImage> image;
};

// An opened source. page() is safe to call from several threads at once.
class LoadedSource {
 public:
  virtual ~LoadedSource() = default;
  virtual int page_count() const = 0;
  // index is 0-based. Errors name the file and the page.
  virtual Result<PageContent> page(int index) = 0;
};

// Opens the source and checks its page count against the limits. Fails with
// kUnsupported for formats pressarchive does not read, kEncrypted, kUnreadable,
// kTooLarge, or kNoText for a document without pages.
Result<std::shared_ptr<LoadedSource>> load_source(const Source& source, const LoadOptions& options);

// The DPI at which a PDF page of the given size is rendered: the configured DPI, lowered
// so the raster (whole pixels, at least one a side, as Poppler makes it) stays within
// max_page_pixels; nullopt when even min_render_dpi is too big.
std::optional<int> render_dpi_for(double width_pt, double height_pt, const LoadOptions& options);

}  // namespace pressarchive
