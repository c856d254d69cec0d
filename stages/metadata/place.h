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
  // kLetterhead: not a known place, but the town of the record's own letterhead address,
  // as read or once OCR confusions are undone (kLetterheadSnapped).
  enum class How {
    kKnown,
    kSnapped,
    kLetterhead,
    kLetterheadSnapped,
    kAmbiguous,
    kUnknown
  } how = How::kUnknown;
};

// Built once; resolve() is const and thread-safe.
class PlaceResolver {
 public:
  // `known`: places named by archived records, besides rules.known_places.
  PlaceResolver(const MetadataRules& rules, const std::vector<std::string>& known);

  // `letterhead_towns`: the towns the record's letterhead address lines name, for a place
  // that is not known: "Diirren, den 18. Dezember 1983" under "Marktplatz 10, 97157 Dürren".
  ResolvedPlace resolve(const std::string& read,
                        const std::vector<std::string>& letterhead_towns = {}) const;

  // The readings of `text` with OCR confusions undone ("ii" -> "ü", "fs" -> "ß", "rn" ->
  // "m", ...), each as a comparison key (case, diacritics and punctuation folded); the
  // first is `text` itself.
  static std::vector<std::string> keys(const std::string& text);

  // The town an address line names: the words after a five-digit postcode, up to a
  // separator ("Rathaus, Marktplatz 4, 71121 Dürren - Telefon …" -> "Dürren"); "" if none.
  static std::string town_of_address(const std::string& line);

 private:
  std::vector<std::pair<std::string, std::string>> known_;  // key, place as written
};

}  // namespace pressarchive
