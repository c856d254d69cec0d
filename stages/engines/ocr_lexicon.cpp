#include "stages/engines/ocr_lexicon.h"

#include <utility>

#include "stages/core/text_util.h"

namespace pressarchive {

std::string OcrLexicon::iso_code(std::string_view tesseract_language) {
  static const std::map<std::string, std::string, std::less<>> codes = {
      {"dan", "da"}, {"deu", "de"}, {"eng", "en"}, {"fin", "fi"}, {"fra", "fr"},
      {"ita", "it"}, {"nld", "nl"}, {"nor", "no"}, {"pol", "pl"}, {"por", "pt"},
      {"spa", "es"}, {"swe", "sv"}, {"ces", "cs"}, {"hun", "hu"}, {"tur", "tr"}};
  const auto it = codes.find(tesseract_language);
  return it == codes.end() ? "" : it->second;
}

OcrLexicon::OcrLexicon(const std::string& languages, const std::string& tessdata_dir)
    : tessdata_dir_(tessdata_dir) {
  for (const std::string& name : split(languages, '+')) {
    const std::string code = iso_code(name);
    if (code.empty() || by_language_.count(code)) continue;
    auto dictionary = std::make_unique<Dictionary>();
    dictionary->tesseract_language = name;
    by_language_.emplace(code, std::move(dictionary));
  }
}

OcrLexicon::~OcrLexicon() = default;

OcrLexicon::Dictionary* OcrLexicon::loaded(std::string_view language) const {
  const auto it = by_language_.find(language);
  if (it == by_language_.end()) return nullptr;
  Dictionary& d = *it->second;
  std::call_once(d.loaded, [&] {
    Result<std::unique_ptr<OcrEngine>> engine =
        OcrEngine::create(d.tesseract_language, tessdata_dir_);
    if (engine.ok()) d.engine = std::move(engine.value());
  });
  return d.engine ? &d : nullptr;
}

bool OcrLexicon::covers(std::string_view language) const { return loaded(language) != nullptr; }

bool OcrLexicon::knows(std::string_view language, const std::string& word) const {
  Dictionary* d = loaded(language);
  if (!d) return false;
  const std::lock_guard<std::mutex> lock(d->mutex);
  return d->engine->knows_word(word);
}

}  // namespace pressarchive
