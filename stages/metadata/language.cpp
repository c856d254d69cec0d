#include "stages/metadata/language.h"

#include <unordered_map>
#include <unordered_set>

#include "stages/core/text_util.h"

namespace pressarchive {

std::string detect_language(std::string_view text, const MetadataRules& rules) {
  std::unordered_map<std::string, int> frequency;
  for (std::string& w : words(text)) ++frequency[std::move(w)];
  std::string best;
  int best_hits = 0;
  for (const auto& [lang, stopwords] : rules.stopwords) {
    int hits = 0;
    for (const std::string& s :
         std::unordered_set<std::string>(stopwords.begin(), stopwords.end())) {
      const auto it = frequency.find(s);
      if (it != frequency.end()) hits += it->second;
    }
    if (hits > best_hits) {
      best_hits = hits;
      best = lang;
    }
  }
  return best_hits >= rules.language_min_hits ? best : std::string();
}

}  // namespace pressarchive
