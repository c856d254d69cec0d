#include "stages/export/record_pages.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <system_error>

#include "stages/engines/image_engine.h"
#include "stages/engines/pdf_engine.h"
#include "stages/export/tesseract_alto.h"
#include "stages/ingest/discover.h"

namespace pressarchive {
namespace {

constexpr int kTextLayerDefaultDpi = 150;

std::string page_name(const std::filesystem::path& path, int number) {
  return path.string() + ": page " + std::to_string(number);
}

}  // namespace

RecordPages::~RecordPages() = default;
RecordPages::RecordPages(RecordPages&&) noexcept = default;
RecordPages& RecordPages::operator=(RecordPages&&) noexcept = default;

Result<RecordPages> RecordPages::open(const Record& record, const LoadOptions& options) {
  std::string why = "the record has no source path";
  for (const std::string& raw : record.source_paths) {
    const std::filesystem::path path(raw);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      why = path.string() + ": the archived source is gone (moved or deleted)";
      // The archive keeps paths as ingest was given them.
      if (path.is_relative()) why += "; the path is relative to the folder ingest ran in";
      continue;
    }
    Result<std::string> sha = sha256_file(path);
    if (!sha.ok()) {
      why = sha.error().message;
      continue;
    }
    if (*sha != record.sha256) {
      why = path.string() +
            ": the archived source has changed since it was archived (SHA-256 differs)";
      continue;
    }
    RecordPages pages;
    pages.record_ = &record;
    pages.path_ = path;
    pages.source_ = Source{path, record.sha256, record.source_size, record.format};
    pages.options_ = options;
    // A PDF page without text was rendered at the DPI of its ingest, which its OCR
    // coordinates are in.
    const nlohmann::json provenance = nlohmann::json::parse(record.provenance, nullptr, false);
    if (provenance.is_object() && provenance.contains("render_dpi") &&
        provenance["render_dpi"].is_number_integer())
      pages.options_.render_dpi = provenance["render_dpi"].get<int>();
    return pages;
  }
  return make_error(Reason::kIo, why);
}

PdfDocument* RecordPages::pdf() {
  if (!pdf_ && source_.format == SourceFormat::kPdf) {
    Result<std::unique_ptr<PdfDocument>> doc = PdfDocument::open(path_, options_.pdf_password);
    if (doc.ok()) pdf_ = std::move(doc.value());
  }
  return pdf_.get();
}

// The page as the pipeline handed it to OCR: loaded as at ingest, then turned by the
// stored rotation and skew (the same deterministic operations preprocessing applied).
Result<PageImage> RecordPages::upright_image(const PageResult& page) {
  if (!loaded_) {
    Result<std::shared_ptr<LoadedSource>> loaded = load_source(source_, options_);
    if (!loaded.ok()) return loaded.error();
    loaded_ = std::move(loaded.value());
  }
  Result<PageContent> content = loaded_->page(page.number - 1);
  if (!content.ok()) return content.error();
  if (!content->image)
    return make_error(Reason::kUnsupported,
                      page_name(path_, page.number) + ": the source page has no image");
  PageImage image = std::move(*content->image);
  if (page.rotation % 360 != 0) image = rotate_quarter_turns(image, page.rotation / 90);
  if (page.skew != 0) image = rotate_degrees(image, page.skew);
  return image;
}

Result<RecordPage> RecordPages::page(int number, int width) {
  if (number < 1 || number > static_cast<int>(record_->pages.size()))
    return make_error(Reason::kUnsupported,
                      path_.string() + ": there is no page " + std::to_string(number));
  const PageResult& stored = record_->pages[static_cast<std::size_t>(number - 1)];
  RecordPage out;
  if (stored.method == PageMethod::kTextLayer) {
    PdfDocument* doc = pdf();
    if (!doc)
      return make_error(Reason::kUnreadable, path_.string() + ": the source PDF no longer opens");
    Result<PageLayout> layout = doc->text_layout(number - 1);
    if (!layout.ok()) return layout.error();
    const double dpi =
        width > 0 && layout->width > 0 ? 72.0 * width / layout->width : kTextLayerDefaultDpi;
    Result<PageImage> image =
        doc->render(number - 1, std::max(1, static_cast<int>(std::lround(dpi))));
    if (!image.ok()) return image.error();
    out.image = std::move(image.value());
    // Rendered at the whole DPI nearest to `width`, the image is that wide to within a
    // per cent; scaling it again would cost more than the rendering.
    if (width > 0 && std::abs(out.image.width - width) > width / 100)
      out.image = scale_to_width(out.image, width);
    out.layout = scaled_layout(*layout, layout->width > 0 ? out.image.width / layout->width : 1);
    // The page is the image's size: its height, rendered at a whole DPI and rounded by
    // Poppler, can be a pixel from the text layer's height scaled by the width's factor.
    out.layout.width = out.image.width;
    out.layout.height = out.image.height;
    out.layout.dpi = out.image.dpi;
    return out;
  }
  Result<PageImage> image = upright_image(stored);
  if (!image.ok()) return image.error();
  const double ocr_width = image->width;
  Result<PageLayout> layout = stored_ocr_layout(stored, image->dpi);
  out.image = width > 0 ? scale_to_width(*image, width) : std::move(image.value());
  if (layout.ok()) out.layout = scaled_layout(*layout, out.image.width / ocr_width);
  out.layout.width = out.image.width;
  out.layout.height = out.image.height;
  out.layout.dpi = out.image.dpi;
  return out;
}

Result<PageLayout> RecordPages::layout(int number) {
  if (number < 1 || number > static_cast<int>(record_->pages.size()))
    return make_error(Reason::kUnsupported,
                      path_.string() + ": there is no page " + std::to_string(number));
  const PageResult& stored = record_->pages[static_cast<std::size_t>(number - 1)];
  if (stored.method != PageMethod::kTextLayer)
    return stored_ocr_layout(stored, options_.render_dpi);
  PdfDocument* doc = pdf();
  if (!doc)
    return make_error(Reason::kUnreadable, path_.string() + ": the source PDF no longer opens");
  return doc->text_layout(number - 1);
}

Result<PageLayout> stored_ocr_layout(const PageResult& page, double dpi) {
  if (page.method != PageMethod::kOcr || page.alto.empty()) return PageLayout{};
  return layout_from_tesseract_alto(page.alto, dpi > 0 ? dpi : 300);
}

}  // namespace pressarchive
