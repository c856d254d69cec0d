// metadata: the fields of a press release (title, subtitle, release date, place,
// issuer, language, document type, body) from its pages' lines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stages/boilerplate.h"
#include "stages/dates.h"
#include "stages/model.h"
#include "stages/rules.h"

namespace pressarchive {

// Holds the compiled rules; extract() is const and thread-safe.
class MetadataExtractor {
 public:
  explicit MetadataExtractor(MetadataRules rules);
  ~MetadataExtractor();
  MetadataExtractor(const MetadataExtractor&) = delete;
  MetadataExtractor& operator=(const MetadataExtractor&) = delete;

  // Pages in order; each page's lines carry their height (relative sizes matter, not
  // units) and paragraph starts. Fields not found stay empty; every field gets a
  // confidence in 0..1, and disagreements between sources end up in `conflicts`.
  Metadata extract(const std::vector<PageResult>& pages) const;

  // Named persons in running text, with the office printed next to the name
  // ("Thomas Riedel, Leiter der Stadtbücherei, rechnet …", "sagte Oberbürgermeisterin
  // Dr. Anna Keller"). A name without an office is kept only with an academic title.
  std::vector<Person> find_persons(const std::string& text) const;

  const MetadataRules& rules() const { return rules_; }

 private:
  struct Policies;
  MetadataRules rules_;
  DateFinder dates_;
  BoilerplateMatcher boilerplate_;
  std::unique_ptr<Policies> policies_;
};

}  // namespace pressarchive
