// Tesseract's dictionaries as a Lexicon: one OCR engine per language of the run, loaded
// when a record first asks for that language (a model costs about 0.1 s; a batch of
// born-digital PDFs never asks).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "stages/core/lexicon.h"
#include "stages/engines/ocr_engine.h"

namespace pressarchive {

class OcrLexicon final : public Lexicon {
 public:
  // `languages` as Tesseract names them ("deu+eng"); those without an ISO 639-1 code
  // here ("osd", scripts) are left out. tessdata_dir empty = Tesseract's default.
  OcrLexicon(const std::string& languages, const std::string& tessdata_dir);
  ~OcrLexicon() override;

  // A language whose model cannot be loaded is not covered (the OCR of the run says why).
  bool covers(std::string_view language) const override;
  bool knows(std::string_view language, const std::string& word) const override;

  // "deu" -> "de"; "" for a name with no code here.
  static std::string iso_code(std::string_view tesseract_language);

 private:
  struct Dictionary {
    std::string tesseract_language;
    std::once_flag loaded;
    std::mutex mutex;  // an engine belongs to one thread at a time
    std::unique_ptr<OcrEngine> engine;
  };
  Dictionary* loaded(std::string_view language) const;

  std::string tessdata_dir_;
  std::map<std::string, std::unique_ptr<Dictionary>, std::less<>> by_language_;
};

}  // namespace pressarchive
