// The Tesseract facade. One OcrEngine belongs to one thread at a time (initialisation
// costs a second or more and Tesseract's state is not shareable); the pipeline keeps one
// per worker thread and reuses it for every page. Tesseract itself lives in a module
// (stages/engines/tesseract_module.cpp, pressarchive-tesseract.so) that the first create() loads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"

namespace pressarchive {

struct OcrOutput {
  std::string text;  // lines joined by '\n', paragraphs separated by a blank line
  std::vector<TextLine> lines;
  double confidence = 0;  // mean word confidence 0..100
  std::string alto;       // ALTO XML of the page
};

struct OrientationGuess {
  int degrees = 0;  // clockwise rotation that makes the page upright: 0, 90, 180, 270
  double confidence = 0;
};

// What the Tesseract module implements: one engine's state.
class OcrSession {
 public:
  virtual ~OcrSession() = default;
  virtual Result<OcrOutput> recognize(const PageImage& image, int deadline_ms, int page_number) = 0;
  virtual Result<OrientationGuess> detect_orientation(const PageImage& image) = 0;
  // Whether the first language's dictionary holds `word` as spelled.
  virtual bool knows_word(const std::string& word) = 0;
};

// The module's one entry point, `pressarchive_ocr_module()`, returns this. The module is
// built with the program, from the same headers; abi guards against a stale copy.
inline constexpr int kOcrModuleAbi = 2;
struct OcrModule {
  int abi;
  Result<std::unique_ptr<OcrSession>> (*open)(const std::string& languages,
                                              const std::string& tessdata_dir);
  const char* (*tesseract_version)();
};

class OcrEngine {
 public:
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Loads the language models ("deu+eng"). tessdata_dir empty = Tesseract's default.
  // Fails with kUnsupported naming the missing model when a language is not installed.
  static Result<std::unique_ptr<OcrEngine>> create(const std::string& languages,
                                                   const std::string& tessdata_dir);

  // Recognises one page. A page that takes longer than deadline_ms (0 = no limit) is
  // cancelled and reported as kTimeout. page_number (1-based) goes into the ALTO.
  Result<OcrOutput> recognize(const PageImage& image, int deadline_ms, int page_number);

  // Tesseract's orientation detection (OSD model, loaded on first use). Returns 0 with
  // confidence 0 when there is too little text to tell.
  Result<OrientationGuess> detect_orientation(const PageImage& image);

  // Whether the dictionary of the first language loaded holds `word` as spelled, case
  // included (Tesseract's German one knows "Brücke", not "brücke" nor "BRÜCKE").
  bool knows_word(const std::string& word);

  // Checks that every language's model file exists, without loading any (loading takes
  // about half a second; a batch of born-digital PDFs never needs it). Looks in
  // tessdata_dir, else $TESSDATA_PREFIX, else the Debian and upstream default folders.
  static Status check_languages(const std::string& languages, const std::string& tessdata_dir);

  // Checks that the Tesseract module is where create() will look for it, without
  // loading it: a missing module is said once at the start of a run, not on every page.
  static Status check_module();

  static std::string version();

 private:
  explicit OcrEngine(std::unique_ptr<OcrSession> session);
  std::unique_ptr<OcrSession> session_;
};

}  // namespace pressarchive
