// The words of a language as a spelling dictionary knows them. Metadata checks the words
// OCR read in a record's head against one; the engines fill it from Tesseract's
// dictionaries (ocr_lexicon.h), tests from a word list.
#pragma once

#include <string>
#include <string_view>

namespace pressarchive {

class Lexicon {
 public:
  virtual ~Lexicon() = default;
  // Whether there is a dictionary of `language` (ISO 639-1: "de", "en"). Thread-safe.
  virtual bool covers(std::string_view language) const = 0;
  // Whether `word` is a word of `language` spelled as given, case included ("Brücke" is,
  // "brücke" is not). False where the language is not covered. Thread-safe.
  virtual bool knows(std::string_view language, const std::string& word) const = 0;
};

}  // namespace pressarchive
