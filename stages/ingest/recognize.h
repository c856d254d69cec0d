// recognize: one page from its loaded source to a PageResult: keep a usable text
// layer, or preprocess the raster and OCR it. Runs on a worker thread with that
// thread's own engine.
#pragma once

#include <functional>

#include "stages/core/model.h"
#include "stages/engines/ocr_engine.h"
#include "stages/ingest/load.h"
#include "stages/ingest/preprocess.h"

namespace pressarchive {

struct RecognizeOptions {
  PreprocessOptions preprocess;
  int page_timeout_ms = 120'000;
};

// Never throws and never fails as a whole: a page that cannot be read or recognised
// comes back with method kFailed and the error, so the rest of the document survives.
// The page's raster is released before returning.
// The engine is asked for only when the page needs OCR (text-layer pages never do), so
// a thread that only ever sees born-digital pages never pays for initialising one.
using EngineProvider = std::function<Result<OcrEngine*>()>;

PageResult recognize_page(LoadedSource& source, int index, const EngineProvider& engine,
                          const RecognizeOptions& options);

}  // namespace pressarchive
