// Known boilerplate (an archive's disclaimer, say) found line by line, tolerant of OCR
// errors and of the block being wrapped differently than it was configured.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "stages/core/model.h"
#include "stages/metadata/base/rules.h"

namespace pressarchive {

class BoilerplateMatcher {
 public:
  explicit BoilerplateMatcher(const std::vector<BoilerplateBlock>& blocks);

  // For each line, whether it belongs to a known block. A line of three or more words
  // matches when at least half of its word trigrams occur in a block; a line of one or
  // two words (the tail of a wrapped sentence) only when all its words occur in order
  // in a block and a neighbouring line matched.
  std::vector<bool> mark(const std::vector<std::string>& lines) const;

 private:
  std::unordered_set<std::string> trigrams_;
  std::unordered_set<std::string> bigrams_;
  std::unordered_set<std::string> unigrams_;
};

}  // namespace pressarchive
