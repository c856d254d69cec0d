// The Tesseract module (pressarchive-tesseract.so): the only code that sees
// TessBaseAPI. It is loaded by ocr_engine.cpp when the first page needs OCR, so that a
// run without one, and every command that reads the archive, starts without Tesseract
// and the sixty shared libraries it brings (curl, libarchive, OpenMP...).
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <memory>
#include <mutex>
#include <string>

#include "stages/engines/leptonica/leptonica_answers.h"
#include "stages/engines/ocr_engine.h"
#include "stages/engines/page_pix.h"

namespace pressarchive {
namespace {

struct ApiDeleter {
  void operator()(tesseract::TessBaseAPI* api) const {
    api->End();
    delete api;
  }
};
using ApiPtr = std::unique_ptr<tesseract::TessBaseAPI, ApiDeleter>;

std::string take_string(char* text) {
  std::string s = text ? text : "";
  delete[] text;
  return s;
}

void strip_trailing_newlines(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
}

// Tesseract prints diagnostics ("Estimating resolution ...") through tprintf;
// pointing debug_file at /dev/null keeps the operator's terminal for the progress line.
// debug_file is one process-wide parameter, although it is set through an engine: set
// by every worker creating its engine, the writes raced (ThreadSanitizer found it in
// ingest_e2e_test). So it is set once, by whichever engine is created first.
void quiet(tesseract::TessBaseAPI& api) {
  static std::once_flag once;
  std::call_once(once, [&api] { api.SetVariable("debug_file", "/dev/null"); });
}

// Recognition with this thread marked as Tesseract's, so that the line images it
// encodes and decodes at once take the quick way (leptonica_answers.h).
bool recognize_marked(tesseract::TessBaseAPI& api, tesseract::ETEXT_DESC& monitor) {
  const TesseractRecognitionScope scope;
  return api.Recognize(&monitor) == 0;
}

class TesseractSession final : public OcrSession {
 public:
  TesseractSession(ApiPtr api, std::string tessdata_dir)
      : api_(std::move(api)), tessdata_dir_(std::move(tessdata_dir)) {}
  Result<OcrOutput> recognize(const PageImage& image, int deadline_ms, int page_number) override;
  Result<OrientationGuess> detect_orientation(const PageImage& image) override;
  bool knows_word(const std::string& word) override {
    return !word.empty() && api_->IsValidWord(word.c_str()) != 0;
  }

 private:
  ApiPtr api_;
  ApiPtr osd_;  // created on first detect_orientation
  std::string tessdata_dir_;
};

Result<OcrOutput> TesseractSession::recognize(const PageImage& image, int deadline_ms,
                                              int page_number) {
  tesseract::TessBaseAPI& api = *api_;
  {
    // Black-and-white scans go in as 1 bit, as the tesseract CLI gives them; Tesseract
    // copies the Pix. Its resolution is left unset, as with raw pixels: the page's is
    // set below.
    PixPtr pix = image.bilevel ? to_binary(image, 128) : to_pix(image);
    if (!pix) return make_error(Reason::kTooLarge, "out of memory for the page's image");
    pixSetResolution(pix.get(), 0, 0);
    api.SetImage(pix.get());
  }
  api.SetSourceResolution(image.dpi);
  tesseract::ETEXT_DESC monitor;
  if (deadline_ms > 0) monitor.set_deadline_msecs(deadline_ms);
  if (!recognize_marked(api, monitor) || monitor.deadline_exceeded()) {
    api.Clear();
    if (monitor.deadline_exceeded())
      return make_error(Reason::kTimeout, "OCR took longer than " +
                                              std::to_string(deadline_ms / 1000) +
                                              " s (raise [ocr] page_timeout_seconds)");
    return make_error(Reason::kInternal, "Tesseract could not recognise the page");
  }

  OcrOutput out;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (it) {
    it->Begin();
    do {
      if (it->Empty(tesseract::RIL_TEXTLINE)) continue;
      TextLine line;
      line.text = take_string(it->GetUTF8Text(tesseract::RIL_TEXTLINE));
      strip_trailing_newlines(line.text);
      if (line.text.empty()) continue;
      int left = 0, top = 0, right = 0, bottom = 0;
      it->BoundingBox(tesseract::RIL_TEXTLINE, &left, &top, &right, &bottom);
      line.height = static_cast<float>(bottom - top);
      line.starts_paragraph = it->IsAtBeginningOf(tesseract::RIL_PARA);
      if (!out.text.empty()) out.text += line.starts_paragraph ? "\n\n" : "\n";
      out.text += line.text;
      out.lines.push_back(std::move(line));
    } while (it->Next(tesseract::RIL_TEXTLINE));
  }
  out.confidence = api.MeanTextConf();
  out.alto = take_string(api.GetAltoText(page_number - 1));
  api.Clear();
  return out;
}

Result<OrientationGuess> TesseractSession::detect_orientation(const PageImage& image) {
  if (!osd_) {
    ApiPtr osd(new tesseract::TessBaseAPI());
    quiet(*osd);
    const char* datapath = tessdata_dir_.empty() ? nullptr : tessdata_dir_.c_str();
    if (osd->Init(datapath, "osd", tesseract::OEM_TESSERACT_ONLY) != 0)
      return make_error(
          Reason::kUnsupported,
          "Tesseract's orientation model 'osd' is missing (install tesseract-ocr-osd)");
    osd->SetPageSegMode(tesseract::PSM_OSD_ONLY);
    osd_ = std::move(osd);
  }
  tesseract::TessBaseAPI& osd = *osd_;
  osd.SetImage(image.pixels.data(), image.width, image.height, 1, image.width);
  osd.SetSourceResolution(image.dpi);
  int degrees = 0;
  float confidence = 0;
  const char* script = nullptr;
  float script_confidence = 0;
  OrientationGuess guess;
  // DetectOrientationScript reports how the page is turned (counter-clockwise); the
  // correction is the opposite turn.
  if (osd.DetectOrientationScript(&degrees, &confidence, &script, &script_confidence)) {
    guess.degrees = (360 - degrees) % 360;
    guess.confidence = confidence;
  }
  osd.Clear();
  return guess;
}

Result<std::unique_ptr<OcrSession>> open_session(const std::string& languages,
                                                 const std::string& tessdata_dir) {
  ApiPtr api(new tesseract::TessBaseAPI());
  quiet(*api);
  const char* datapath = tessdata_dir.empty() ? nullptr : tessdata_dir.c_str();
  if (api->Init(datapath, languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
    return make_error(Reason::kUnsupported,
                      "Tesseract cannot load the language models '" + languages +
                          "' (install tesseract-ocr-<lang>, or set [ocr] tessdata_dir)");
  api->SetPageSegMode(tesseract::PSM_AUTO);
  return std::unique_ptr<OcrSession>(new TesseractSession(std::move(api), tessdata_dir));
}

const char* tesseract_version() { return tesseract::TessBaseAPI::Version(); }

const OcrModule kModule{kOcrModuleAbi, &open_session, &tesseract_version};

}  // namespace
}  // namespace pressarchive

extern "C" __attribute__((visibility("default"))) const pressarchive::OcrModule*
pressarchive_ocr_module() {
  return &pressarchive::kModule;
}
