// metadata: the fields of a press release (title, subtitle, release date, place,
// issuer, language, document type, body) from its pages' lines.
#pragma once

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

  // Pages in order; each page's lines carry their height (relative sizes matter, not
  // units) and paragraph starts. Fields not found stay empty.
  Metadata extract(const std::vector<PageResult>& pages) const;

  const MetadataRules& rules() const { return rules_; }

 private:
  MetadataRules rules_;
  DateFinder dates_;
  BoilerplateMatcher boilerplate_;
};

}  // namespace pressarchive
