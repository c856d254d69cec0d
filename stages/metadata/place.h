// The place as the archive knows it. OCR misreads the letters that set a town apart
// ("Liineburg" for Lüneburg, "Giefsen" for Gießen, "Gottingen" for Göttingen); a place
// read that way would split one town into several in the archive, and its search. A
// dateline's place is snapped to a known spelling (configured in rules.toml [dateline]
// known_places, or named by archived records) when it reads as exactly one of them once
// OCR confusions are undone. Two known spellings that fit equally leave it as read, and
// doubtful: the confidence says so and the record goes to review.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "stages/metadata/base/rules.h"

namespace pressarchive {

struct ResolvedPlace {
  std::string place;
  enum class How { kKnown, kSnapped, kAmbiguous, kUnknown } how = How::kUnknown;
};

// Built once; resolve() is const and thread-safe.
class PlaceResolver {
 public:
  // `known`: places named by archived records, besides rules.known_places.
  PlaceResolver(const MetadataRules& rules, const std::vector<std::string>& known);

  ResolvedPlace resolve(const std::string& read) const;

  // The readings of `text` with OCR confusions undone ("ii" -> "ü", "fs" -> "ß", "rn" ->
  // "m", ...), each as a comparison key (case, diacritics and punctuation folded); the
  // first is `text` itself.
  static std::vector<std::string> keys(const std::string& text);

 private:
  std::vector<std::pair<std::string, std::string>> known_;  // key, place as written
};

}  // namespace pressarchive
