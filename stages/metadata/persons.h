// Persons named in running text with the office printed next to the name.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "stages/core/model.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/header_lines.h"

namespace pressarchive {

// Holds references to the rules and the header reader (for its address rule), which must
// outlive it; find() is const and thread-safe.
class PersonFinder {
 public:
  PersonFinder(const MetadataRules& rules, const HeaderReader& header);

  // "Thomas Riedel, Leiter der Stadtbücherei, rechnet …", "sagte Oberbürgermeisterin
  // Dr. Anna Keller": each name once, in order of first mention. A name without an
  // office is kept only with an academic title.
  std::vector<Person> find(const std::string& text) const;

  // Whether a phrase names an office ("Leiter", "Chief Digital Officer").
  bool is_role(const std::string& phrase) const;
  // Whether a token can be part of a person's name.
  bool is_name_word(const std::string& token) const;

 private:
  const MetadataRules& rules_;
  const HeaderReader& header_;
  std::unordered_set<std::string> wrap_words_;       // lowercase, stopwords included
  std::unordered_set<std::string> not_name_words_;   // lowercase, stopwords included
  std::unordered_set<std::string> not_before_name_;  // as written
};

}  // namespace pressarchive
