#include "stages/ocr_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>
#include <leptonica/allheaders.h>
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

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

}  // namespace

}  // namespace pressarchive

// Tesseract hands every text line to its LSTM recogniser as an ImageData, which stores
// the line image PNG-encoded (pixWriteMem(..., IFF_PNG)) and decodes it again at once
// (pixReadMem). Nothing keeps those bytes, yet zlib alone was 4 % of the tesseract CLI's
// profile on a clean page. Tesseract calls Leptonica through the dynamic linker, so the
// program's own pixWriteMem is the one it reaches: PNG requests are written in
// Leptonica's own serialised form (spix: a header and the raster as it is in memory),
// which pixReadMem reads back by its magic bytes. It is lossless, so recognition sees the
// same pixels and reads the same text; PNM, used before, went through stdio a row at a
// time and still cost 2 % of a page. Nothing else in pressarchive writes images through
// Leptonica; other formats go to Leptonica's own function.
extern "C" l_ok pixWriteMem(l_uint8** data, size_t* size, PIX* pix, l_int32 format) {
  using Write = l_ok (*)(l_uint8**, size_t*, PIX*, l_int32);
  static const Write leptonica = reinterpret_cast<Write>(dlsym(RTLD_NEXT, "pixWriteMem"));
  if (format == IFF_PNG && pix) return pixWriteMemSpix(data, size, pix);
  if (!leptonica) return 1;
  return leptonica(data, size, pix, format);
}

namespace pressarchive {

struct OcrEngine::Impl {
  ApiPtr api;
  ApiPtr osd;  // created on first detect_orientation
  std::string tessdata_dir;
};

OcrEngine::OcrEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OcrEngine::~OcrEngine() = default;

Result<std::unique_ptr<OcrEngine>> OcrEngine::create(const std::string& languages,
                                                     const std::string& tessdata_dir) {
  auto impl = std::make_unique<Impl>();
  impl->tessdata_dir = tessdata_dir;
  impl->api.reset(new tesseract::TessBaseAPI());
  quiet(*impl->api);
  const char* datapath = tessdata_dir.empty() ? nullptr : tessdata_dir.c_str();
  if (impl->api->Init(datapath, languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
    return make_error(Reason::kUnsupported,
                      "Tesseract cannot load the language models '" + languages +
                          "' (install tesseract-ocr-<lang>, or set [ocr] tessdata_dir)");
  impl->api->SetPageSegMode(tesseract::PSM_AUTO);
  return std::unique_ptr<OcrEngine>(new OcrEngine(std::move(impl)));
}

Result<OcrOutput> OcrEngine::recognize(const PageImage& image, int deadline_ms, int page_number) {
  tesseract::TessBaseAPI& api = *impl_->api;
  if (image.bilevel) {
    // Tesseract's packed 1-bit input: bit set = white, most significant bit first.
    const int row_bytes = (image.width + 7) / 8;
    std::vector<std::uint8_t> packed(static_cast<std::size_t>(row_bytes) * image.height, 0);
    for (int y = 0; y < image.height; ++y) {
      const std::uint8_t* row = &image.pixels[static_cast<std::size_t>(y) * image.width];
      std::uint8_t* out = &packed[static_cast<std::size_t>(y) * row_bytes];
      for (int x = 0; x < image.width; ++x)
        if (row[x] >= 128) out[x >> 3] |= static_cast<std::uint8_t>(0x80 >> (x & 7));
    }
    api.SetImage(packed.data(), image.width, image.height, 0, row_bytes);
  } else {
    api.SetImage(image.pixels.data(), image.width, image.height, 1, image.width);
  }
  api.SetSourceResolution(image.dpi);
  tesseract::ETEXT_DESC monitor;
  if (deadline_ms > 0) monitor.set_deadline_msecs(deadline_ms);
  if (api.Recognize(&monitor) != 0 || monitor.deadline_exceeded()) {
    api.Clear();
    if (monitor.deadline_exceeded())
      return make_error(Reason::kTimeout, "OCR took longer than " + std::to_string(deadline_ms / 1000) +
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

Result<OrientationGuess> OcrEngine::detect_orientation(const PageImage& image) {
  if (!impl_->osd) {
    ApiPtr osd(new tesseract::TessBaseAPI());
    quiet(*osd);
    const char* datapath = impl_->tessdata_dir.empty() ? nullptr : impl_->tessdata_dir.c_str();
    if (osd->Init(datapath, "osd", tesseract::OEM_TESSERACT_ONLY) != 0)
      return make_error(Reason::kUnsupported,
                        "Tesseract's orientation model 'osd' is missing (install tesseract-ocr-osd)");
    osd->SetPageSegMode(tesseract::PSM_OSD_ONLY);
    impl_->osd = std::move(osd);
  }
  tesseract::TessBaseAPI& osd = *impl_->osd;
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

Status OcrEngine::check_languages(const std::string& languages, const std::string& tessdata_dir) {
  std::vector<std::filesystem::path> folders;
  if (!tessdata_dir.empty()) {
    folders.emplace_back(tessdata_dir);
  } else {
    if (const char* prefix = std::getenv("TESSDATA_PREFIX")) {
      folders.emplace_back(prefix);
      folders.emplace_back(std::filesystem::path(prefix) / "tessdata");
    }
    for (const char* folder : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                               "/usr/share/tessdata", "/usr/local/share/tessdata"})
      folders.emplace_back(folder);
  }
  std::string missing;
  std::size_t start = 0;
  while (start <= languages.size()) {
    const std::size_t plus = languages.find('+', start);
    const std::string lang = languages.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    start = plus == std::string::npos ? languages.size() + 1 : plus + 1;
    if (lang.empty()) continue;
    bool found = false;
    for (const std::filesystem::path& folder : folders) {
      std::error_code ec;
      if (std::filesystem::exists(folder / (lang + ".traineddata"), ec)) found = true;
    }
    if (!found) missing += (missing.empty() ? "" : ", ") + lang;
  }
  if (missing.empty()) return Status::Ok();
  return make_error(Reason::kUnsupported, "Tesseract language model(s) not installed: " + missing +
                                              " (install tesseract-ocr-<lang>, or set [ocr] tessdata_dir)");
}

std::string OcrEngine::version() { return tesseract::TessBaseAPI::Version(); }

}  // namespace pressarchive
