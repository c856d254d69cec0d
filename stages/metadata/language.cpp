#include "stages/metadata/language.h"

#include <unordered_map>
#include <vector>

#include "stages/core/text_util.h"

namespace pressarchive {

std::string detect_language(std::string_view text, const MetadataRules& rules) {
  // Only stopwords count: each word of the text is looked up among them, and the
  // languages that list it gain a hit.
  std::unordered_map<std::string, std::vector<std::size_t>> languages_of;
  std::vector<int> hits(rules.stopwords.size(), 0);
  std::size_t index = 0;
  for (const auto& [lang, stopwords] : rules.stopwords) {
    for (const std::string& s : stopwords) {
      std::vector<std::size_t>& languages = languages_of[s];
      if (languages.empty() || languages.back() != index) languages.push_back(index);
    }
    ++index;
  }
  std::string key;
  for_each_word(text, [&](std::string_view word) {
    key.assign(word);
    const auto it = languages_of.find(key);
    if (it == languages_of.end()) return;
    for (const std::size_t language : it->second) ++hits[language];
  });
  std::string best;
  int best_hits = 0;
  index = 0;
  for (const auto& [lang, stopwords] : rules.stopwords) {
    if (hits[index] > best_hits) {
      best_hits = hits[index];
      best = lang;
    }
    ++index;
  }
  return best_hits >= rules.language_min_hits ? best : std::string();
}

}  // namespace pressarchive
