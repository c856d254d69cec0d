#include "stages/ocr_engine.h"

#include <leptonica/allheaders.h>
#include <tesseract/version.h>
#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include "stages/brick_morphology.h"
#include "stages/foreground_scan.h"

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

// Tesseract's layout analysis looks for ruled lines by opening and closing the page with
// long thin bricks (pixOpenBrick and its kind). Leptonica does one raster operation per
// pixel of the brick, and that was 5 % of a page's OCR; brick_morphology.cpp answers with
// the same pixels for a fraction. Anything it does not answer goes to Leptonica's own.
namespace {
using BrickFunction = PIX* (*)(PIX*, PIX*, l_int32, l_int32);

PIX* brick(PIX* target, PIX* source, l_int32 width, l_int32 height, pressarchive::BrickOperation operation,
           BrickFunction leptonica) {
  if (!target)
    if (PIX* result = pressarchive::brick_morphology(source, width, height, operation)) return result;
  return leptonica ? leptonica(target, source, width, height) : nullptr;
}

BrickFunction leptonica_brick(const char* name) { return reinterpret_cast<BrickFunction>(dlsym(RTLD_NEXT, name)); }
}  // namespace

extern "C" PIX* pixErodeBrick(PIX* target, PIX* source, l_int32 width, l_int32 height) {
  static const BrickFunction leptonica = leptonica_brick("pixErodeBrick");
  return brick(target, source, width, height, pressarchive::BrickOperation::erode, leptonica);
}
extern "C" PIX* pixDilateBrick(PIX* target, PIX* source, l_int32 width, l_int32 height) {
  static const BrickFunction leptonica = leptonica_brick("pixDilateBrick");
  return brick(target, source, width, height, pressarchive::BrickOperation::dilate, leptonica);
}
extern "C" PIX* pixOpenBrick(PIX* target, PIX* source, l_int32 width, l_int32 height) {
  static const BrickFunction leptonica = leptonica_brick("pixOpenBrick");
  return brick(target, source, width, height, pressarchive::BrickOperation::open, leptonica);
}
extern "C" PIX* pixCloseBrick(PIX* target, PIX* source, l_int32 width, l_int32 height) {
  static const BrickFunction leptonica = leptonica_brick("pixCloseBrick");
  return brick(target, source, width, height, pressarchive::BrickOperation::close, leptonica);
}

// Tesseract clips every text line's box to its ink (pixClipBoxToForeground), which
// scans from each side one pixel at a time: 1.4 % of a page. foreground_scan.cpp tests 32
// at a time and finds the same row or column; anything unusual goes to Leptonica's own.
extern "C" l_ok pixScanForForeground(PIX* page, BOX* box, l_int32 from, l_int32* found) {
  using Scan = l_ok (*)(PIX*, BOX*, l_int32, l_int32*);
  static const Scan leptonica = reinterpret_cast<Scan>(dlsym(RTLD_NEXT, "pixScanForForeground"));
  const bool answerable = found && page && pixGetDepth(page) == 1 &&
                          (from == L_FROM_LEFT || from == L_FROM_RIGHT || from == L_FROM_TOP || from == L_FROM_BOT);
  pressarchive::ScanArea area{0, 0, page ? pixGetWidth(page) : 0, page ? pixGetHeight(page) : 0};
  BOX* clipped = answerable && box ? boxClipToRectangle(box, area.width, area.height) : nullptr;
  if (!answerable || (box && !clipped)) return leptonica ? leptonica(page, box, from, found) : 1;
  if (clipped) {
    boxGetGeometry(clipped, &area.x, &area.y, &area.width, &area.height);
    boxDestroy(&clipped);
  }
  const std::optional<int> at = pressarchive::first_foreground(page, area, from);
  *found = at.value_or(0);
  return at ? 0 : 1;
}

namespace pressarchive {
namespace {

// Next to the program (an installed or copied build), else where this build put it.
std::filesystem::path module_path() {
  constexpr const char* kName = "pressarchive-tesseract.so";
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && std::filesystem::exists(self.parent_path() / kName, ec)) return self.parent_path() / kName;
  return std::filesystem::path(PRESSARCHIVE_MODULE_DIR) / kName;
}

struct LoadedModule {
  const OcrModule* module = nullptr;
  std::string error;
};

// Loaded once, on the first engine, and never unloaded: the engines' code lives there.
const LoadedModule& loaded_module() {
  static const LoadedModule loaded = [] {
    LoadedModule m;
    const std::filesystem::path path = module_path();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      m.error = "cannot load the OCR module " + path.string() + ": " + (why ? why : "unknown error") +
                " (rebuild pressarchive, or install libtesseract5)";
      return m;
    }
    using Entry = const OcrModule* (*)();
    const auto entry = reinterpret_cast<Entry>(dlsym(handle, "pressarchive_ocr_module"));
    const OcrModule* module = entry ? entry() : nullptr;
    if (!module || module->abi != kOcrModuleAbi) {
      m.error = "the OCR module " + path.string() + " does not belong to this pressarchive (rebuild it)";
      return m;
    }
    m.module = module;
    return m;
  }();
  return loaded;
}

std::atomic<bool> module_in_use{false};

}  // namespace

OcrEngine::OcrEngine(std::unique_ptr<OcrSession> session) : session_(std::move(session)) {}
OcrEngine::~OcrEngine() = default;

Result<std::unique_ptr<OcrEngine>> OcrEngine::create(const std::string& languages,
                                                     const std::string& tessdata_dir) {
  const LoadedModule& loaded = loaded_module();
  if (!loaded.module) return make_error(Reason::kUnsupported, loaded.error);
  module_in_use = true;
  Result<std::unique_ptr<OcrSession>> session = loaded.module->open(languages, tessdata_dir);
  if (!session.ok()) return session.error();
  return std::unique_ptr<OcrEngine>(new OcrEngine(std::move(session.value())));
}

Result<OcrOutput> OcrEngine::recognize(const PageImage& image, int deadline_ms, int page_number) {
  return session_->recognize(image, deadline_ms, page_number);
}

Result<OrientationGuess> OcrEngine::detect_orientation(const PageImage& image) {
  return session_->detect_orientation(image);
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

Status OcrEngine::check_module() {
  const std::filesystem::path path = module_path();
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Status::Ok();
  return make_error(Reason::kUnsupported, "the OCR module " + path.string() +
                                              " is missing (build pressarchive, or copy it next to the program)");
}

// The version the module reports once it is loaded; before that, the one this build was
// compiled against (the library's soname stays the same across its minor versions).
std::string OcrEngine::version() {
  if (module_in_use) return loaded_module().module->tesseract_version();
  return TESSERACT_VERSION_STR;
}

}  // namespace pressarchive
