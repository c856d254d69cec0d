#include "stages/engines/ocr_engine.h"

#include <tesseract/version.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "stages/engines/modules.h"

namespace pressarchive {
namespace {

constexpr const char* kModuleFile = "pressarchive-tesseract.so";

// Loaded once, on the first engine.
const CheckedModule<OcrModule>& loaded_module() {
  static const CheckedModule<OcrModule> loaded = load_checked_module<OcrModule>(
      kModuleFile, "pressarchive_ocr_module", "the OCR module", kOcrModuleAbi,
      "rebuild pressarchive, or install libtesseract5");
  return loaded;
}

std::atomic<bool> module_in_use{false};

}  // namespace

OcrEngine::OcrEngine(std::unique_ptr<OcrSession> session) : session_(std::move(session)) {}
OcrEngine::~OcrEngine() = default;

Result<std::unique_ptr<OcrEngine>> OcrEngine::create(const std::string& languages,
                                                     const std::string& tessdata_dir) {
  const CheckedModule<OcrModule>& loaded = loaded_module();
  if (!loaded.table) return make_error(Reason::kUnsupported, loaded.error);
  module_in_use = true;
  Result<std::unique_ptr<OcrSession>> session = loaded.table->open(languages, tessdata_dir);
  if (!session.ok()) return session.error();
  return std::unique_ptr<OcrEngine>(new OcrEngine(std::move(session.value())));
}

Result<OcrOutput> OcrEngine::recognize(const PageImage& image, int deadline_ms, int page_number) {
  return session_->recognize(image, deadline_ms, page_number);
}

Result<OrientationGuess> OcrEngine::detect_orientation(const PageImage& image) {
  return session_->detect_orientation(image);
}

bool OcrEngine::knows_word(const std::string& word) { return session_->knows_word(word); }

Status OcrEngine::check_languages(const std::string& languages, const std::string& tessdata_dir) {
  std::vector<std::filesystem::path> folders;
  if (!tessdata_dir.empty()) {
    folders.emplace_back(tessdata_dir);
  } else {
    if (const char* prefix = std::getenv("TESSDATA_PREFIX")) {
      folders.emplace_back(prefix);
      folders.emplace_back(std::filesystem::path(prefix) / "tessdata");
    }
    for (const char* folder :
         {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
          "/usr/share/tessdata", "/usr/local/share/tessdata"})
      folders.emplace_back(folder);
  }
  std::string missing;
  std::size_t start = 0;
  while (start <= languages.size()) {
    const std::size_t plus = languages.find('+', start);
    const std::string lang =
        languages.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
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
  return make_error(Reason::kUnsupported,
                    "Tesseract language model(s) not installed: " + missing +
                        " (install tesseract-ocr-<lang>, or set [ocr] tessdata_dir)");
}

Status OcrEngine::check_module() {
  const std::filesystem::path path = module_path(kModuleFile);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Status::Ok();
  return make_error(Reason::kUnsupported,
                    "the OCR module " + path.string() +
                        " is missing (build pressarchive, or copy it next to the program)");
}

// The version the module reports once it is loaded; before that, the one this build was
// compiled against (the library's soname stays the same across its minor versions).
std::string OcrEngine::version() {
  if (module_in_use) return loaded_module().table->tesseract_version();
  return TESSERACT_VERSION_STR;
}

}  // namespace pressarchive
