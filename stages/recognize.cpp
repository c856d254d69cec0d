#include "stages/recognize.h"

#include <chrono>
#include <exception>

namespace pressarchive {
namespace {

std::string join(const std::vector<TextLine>& lines) {
  std::string text;
  for (const TextLine& line : lines) {
    if (!text.empty()) text += line.starts_paragraph ? "\n\n" : "\n";
    text += line.text;
  }
  return text;
}

PageResult failed(int number, Error error) {
  PageResult page;
  page.number = number;
  page.method = PageMethod::kFailed;
  page.error = std::move(error);
  return page;
}

}  // namespace

PageResult recognize_page(LoadedSource& source, int index, OcrEngine& engine,
                          const RecognizeOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  PageResult page;
  try {
    Result<PageContent> content = source.page(index);
    if (!content.ok()) {
      page = failed(index + 1, content.error());
    } else if (content->text_lines) {
      page.number = index + 1;
      page.method = PageMethod::kTextLayer;
      page.lines = std::move(*content->text_lines);
      page.text = join(page.lines);
    } else {
      PreparedPage prepared = preprocess_page(
          std::move(*content->image), options.preprocess,
          [&engine](const PageImage& image) { return engine.detect_orientation(image); });
      content->image.reset();
      Result<OcrOutput> ocr = engine.recognize(prepared.image, options.page_timeout_ms, index + 1);
      if (!ocr.ok()) {
        page = failed(index + 1, ocr.error());
      } else {
        page.number = index + 1;
        page.method = PageMethod::kOcr;
        page.text = std::move(ocr->text);
        page.lines = std::move(ocr->lines);
        page.confidence = ocr->confidence;
        page.alto = std::move(ocr->alto);
        page.rotation = prepared.rotation;
        page.skew = prepared.skew;
      }
    }
  } catch (const std::bad_alloc&) {
    page = failed(index + 1, make_error(Reason::kTooLarge, "page " + std::to_string(index + 1) +
                                                               ": out of memory while processing"));
  } catch (const std::exception& e) {
    page = failed(index + 1, make_error(Reason::kInternal, "page " + std::to_string(index + 1) + ": " + e.what()));
  }
  page.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return page;
}

}  // namespace pressarchive
