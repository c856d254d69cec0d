#include "stages/ingest/load.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>

#include "stages/engines/image_engine.h"
#include "stages/engines/pdf_engine.h"
#include "stages/engines/pdf_scans.h"

namespace pressarchive {
namespace {

std::string page_label(const Source& source, int index) {
  return source.path.string() + ": page " + std::to_string(index + 1);
}

std::string join_lines(const std::vector<TextLine>& lines) {
  std::string text;
  for (const TextLine& line : lines) {
    if (!text.empty()) text += '\n';
    text += line.text;
  }
  return text;
}

class PdfSource : public LoadedSource {
 public:
  PdfSource(Source source, std::unique_ptr<PdfDocument> doc, LoadOptions options)
      : source_(std::move(source)), doc_(std::move(doc)), options_(std::move(options)) {}

  int page_count() const override { return doc_->page_count(); }

  Result<PageContent> page(int index) override {
    Result<std::vector<TextLine>> lines = doc_->text_lines(index);
    if (lines.ok() && text_layer_is_usable(join_lines(*lines), options_.text_layer)) {
      PageContent content;
      content.text_lines = std::move(lines.value());
      return content;
    }
    if (std::optional<PageImage> scan = embedded_scan(index)) {
      PageContent content;
      content.image = std::move(*scan);
      return content;
    }
    Result<PageSize> size = doc_->page_size(index);
    if (!size.ok()) return size.error();
    const std::optional<int> dpi = render_dpi_for(size->width_pt, size->height_pt, options_);
    if (!dpi)
      return make_error(Reason::kTooLarge,
                        page_label(source_, index) + " is too large to render (" +
                            std::to_string(static_cast<long>(size->width_pt)) + " x " +
                            std::to_string(static_cast<long>(size->height_pt)) +
                            " pt); raise [limits] max_page_megapixels to process it");
    Result<PageImage> image = doc_->render(index, *dpi);
    if (!image.ok()) return image.error();
    // render_dpi_for follows Poppler's rounding; should a Poppler version size its raster
    // otherwise, the limit still holds for what leaves this stage.
    if (static_cast<std::int64_t>(image->width) * image->height > options_.max_page_pixels)
      return make_error(Reason::kTooLarge, page_label(source_, index) + " rendered to " +
                                               std::to_string(image->width) + " x " +
                                               std::to_string(image->height) +
                                               " pixels, above [limits] max_page_megapixels");
    PageContent content;
    content.image = std::move(image.value());
    return content;
  }

 private:
  // The page's scan, taken out and decoded, when the page is nothing but a scan at a
  // resolution OCR can use as it is; nullopt when the page must be rendered.
  std::optional<PageImage> embedded_scan(int index) {
    if (!options_.extract_scans) return std::nullopt;
    PdfScans* scans = nullptr;
    {
      std::lock_guard lock(scans_mutex_);
      if (!scans_opened_) {
        scans_ = PdfScans::open(source_.path, options_.pdf_password);
        scans_opened_ = true;
      }
      scans = scans_.get();
    }
    if (!scans) return std::nullopt;
    std::optional<EmbeddedScan> scan = scans->page_scan(index, options_.max_page_pixels);
    if (!scan) return std::nullopt;
    // OCR sees what rendering would give it: a scan far from render_dpi is scaled to it,
    // within the same pixel limit rendering keeps to.
    const bool rescale =
        scan->dpi < options_.render_dpi * 4 / 5 || scan->dpi > options_.render_dpi * 5 / 4;
    if (rescale) {
      const double factor = static_cast<double>(options_.render_dpi) / scan->dpi;
      if (static_cast<double>(scan->width) * scan->height * factor * factor >
          static_cast<double>(options_.max_page_pixels))
        return std::nullopt;
    }
    Result<PageImage> image = decode_scan(*scan);
    if (!image.ok()) return std::nullopt;
    if (rescale) return rescale_to_dpi(*image, options_.render_dpi);
    return std::move(image.value());
  }

  Source source_;
  std::unique_ptr<PdfDocument> doc_;
  LoadOptions options_;
  std::mutex scans_mutex_;
  bool scans_opened_ = false;
  std::unique_ptr<PdfScans> scans_;
};

class ImageSource : public LoadedSource {
 public:
  ImageSource(Source source, int pages, LoadOptions options)
      : source_(std::move(source)), pages_(pages), options_(std::move(options)) {}

  int page_count() const override { return pages_; }

  Result<PageContent> page(int index) override {
    Result<ImageSize> size = image_page_size(source_.path, source_.format, index);
    if (!size.ok()) return size.error();
    if (size->width * size->height > options_.max_page_pixels)
      return too_large(index, size->width, size->height);
    if (size->decoded_pixels > options_.max_page_pixels)
      return make_error(Reason::kTooLarge,
                        page_label(source_, index) + ": decoding it means decoding " +
                            std::to_string(size->decoded_pixels) +
                            " pixels (every frame of the GIF), above [limits] max_page_megapixels");
    Result<PageImage> image =
        read_image_page(source_.path, source_.format, index, options_.render_dpi);
    if (!image.ok()) return image.error();
    if (static_cast<std::int64_t>(image->width) * image->height > options_.max_page_pixels)
      return too_large(index, image->width, image->height);
    PageContent content;
    content.image = std::move(image.value());
    return content;
  }

 private:
  Error too_large(int index, std::int64_t w, std::int64_t h) const {
    return make_error(Reason::kTooLarge, page_label(source_, index) + " is " + std::to_string(w) +
                                             " x " + std::to_string(h) +
                                             " pixels, above [limits] max_page_megapixels");
  }

  Source source_;
  int pages_;
  LoadOptions options_;
};

}  // namespace

std::optional<int> render_dpi_for(double width_pt, double height_pt, const LoadOptions& options) {
  if (!(width_pt > 0) || !(height_pt > 0)) return std::nullopt;
  const double square_inches = (width_pt / 72.0) * (height_pt / 72.0);
  const double fitting_dpi = std::floor(std::sqrt(options.max_page_pixels / square_inches));
  // The area is not enough: Poppler's raster has whole pixels, at least one a side. A page
  // 1e9 pt wide and 1e-6 pt high has almost no area but a 4e9 x 1 pixel raster (a 440-byte
  // PDF made Poppler allocate gigabytes; fuzz/loader_fuzzer), so the rounded raster is
  // checked too, lowering the DPI for pages of extreme shape.
  const auto raster_pixels = [&](double dpi) {
    const double w = std::max(1.0, std::ceil(width_pt * dpi / 72.0));
    const double h = std::max(1.0, std::ceil(height_pt * dpi / 72.0));
    return w * h;
  };
  double dpi = std::min<double>(options.render_dpi, fitting_dpi);
  while (dpi >= options.min_render_dpi &&
         raster_pixels(dpi) > static_cast<double>(options.max_page_pixels))
    dpi -= 1;
  if (!(dpi >= options.min_render_dpi)) return std::nullopt;
  return static_cast<int>(dpi);
}

Result<std::shared_ptr<LoadedSource>> load_source(const Source& source,
                                                  const LoadOptions& options) {
  const std::string name = source.path.string();
  std::shared_ptr<LoadedSource> loaded;
  if (source.format == SourceFormat::kPdf) {
    Result<std::unique_ptr<PdfDocument>> doc = PdfDocument::open(source.path, options.pdf_password);
    if (!doc.ok()) return doc.error();
    loaded = std::make_shared<PdfSource>(source, std::move(doc.value()), options);
  } else if (is_image_format(source.format)) {
    Result<int> pages = image_page_count(source.path, source.format);
    if (!pages.ok()) return pages.error();
    loaded = std::make_shared<ImageSource>(source, *pages, options);
  } else {
    return make_error(Reason::kUnsupported,
                      name +
                          ": not a PDF or a supported image (the content is neither; the "
                          "file name does not matter)");
  }
  if (loaded->page_count() == 0)
    return make_error(Reason::kNoText, name + ": document has no pages");
  if (loaded->page_count() > options.max_pages)
    return make_error(Reason::kTooLarge, name + ": " + std::to_string(loaded->page_count()) +
                                             " pages, above [limits] max_pages = " +
                                             std::to_string(options.max_pages));
  return loaded;
}

}  // namespace pressarchive
