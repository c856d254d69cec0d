#include "stages/ingest/recognize.h"

#include <chrono>
#include <exception>

#include "stages/engines/image_engine.h"

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

PageResult ocr_page(int number, const PreparedPage& prepared, Result<OcrOutput> ocr) {
  if (!ocr.ok()) return failed(number, ocr.error());
  PageResult page;
  page.number = number;
  page.method = PageMethod::kOcr;
  page.text = std::move(ocr->text);
  page.lines = std::move(ocr->lines);
  page.confidence = ocr->confidence;
  page.alto = std::move(ocr->alto);
  page.rotation = prepared.rotation;
  page.skew = prepared.skew;
  return page;
}

// Tesseract's orientation detection costs about a fifth of a page's OCR time, and
// almost every page of an archive is upright; Leptonica's quick test clears those, and
// only the rest are asked of OSD.
PageResult recognize_raster(PageImage image, int number, OcrEngine& engine,
                            const RecognizeOptions& options, PageResult::Timings& timings) {
  using Clock = std::chrono::steady_clock;
  PreprocessOptions preprocess = options.preprocess;
  auto start = Clock::now();
  // Before anything looks at the page: a dark edge would sway the orientation test and
  // the skew estimate as it sways OCR.
  if (preprocess.clear_borders) clear_dark_borders(image);
  const double border_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  start = Clock::now();
  if (preprocess.detect_orientation && looks_upright(image)) preprocess.detect_orientation = false;
  const double quick_test = std::chrono::duration<double>(Clock::now() - start).count();
  PreparedPage prepared =
      preprocess_page(std::move(image), preprocess,
                      [&engine](const PageImage& i) { return engine.detect_orientation(i); });
  timings.orientation = quick_test + prepared.orientation_seconds;
  timings.deskew = border_seconds + prepared.deskew_seconds;
  start = Clock::now();
  PageResult page =
      ocr_page(number, prepared, engine.recognize(prepared.image, options.page_timeout_ms, number));
  timings.ocr = std::chrono::duration<double>(Clock::now() - start).count();
  return page;
}

}  // namespace

PageResult recognize_page(LoadedSource& source, int index, const EngineProvider& engine_provider,
                          const RecognizeOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  const auto start = Clock::now();
  PageResult page;
  PageResult::Timings timings;
  try {
    Result<PageContent> content = source.page(index);
    timings.load = seconds_since(start);
    if (!content.ok()) {
      page = failed(index + 1, content.error());
    } else if (content->text_lines) {
      page.number = index + 1;
      page.method = PageMethod::kTextLayer;
      page.lines = std::move(*content->text_lines);
      page.text = join(page.lines);
    } else if (Result<OcrEngine*> engine = engine_provider(); !engine.ok()) {
      page = failed(index + 1, engine.error());
    } else {
      page = recognize_raster(std::move(*content->image), index + 1, **engine, options, timings);
    }
  } catch (const std::bad_alloc&) {
    page = failed(index + 1, make_error(Reason::kTooLarge, "page " + std::to_string(index + 1) +
                                                               ": out of memory while processing"));
  } catch (const std::exception& e) {
    page = failed(index + 1, make_error(Reason::kInternal,
                                        "page " + std::to_string(index + 1) + ": " + e.what()));
  }
  page.seconds = seconds_since(start);
  page.timings = timings;
  return page;
}

}  // namespace pressarchive
