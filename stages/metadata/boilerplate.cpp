#include "stages/metadata/boilerplate.h"

#include "stages/core/text_util.h"

namespace pressarchive {
namespace {

std::vector<std::string> ngrams(const std::vector<std::string>& w, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + n <= w.size(); ++i) {
    std::string gram = w[i];
    for (std::size_t k = 1; k < n; ++k) gram.append(1, ' ').append(w[i + k]);
    out.push_back(std::move(gram));
  }
  return out;
}

}  // namespace

BoilerplateMatcher::BoilerplateMatcher(const std::vector<BoilerplateBlock>& blocks) {
  for (const BoilerplateBlock& block : blocks) {
    const std::vector<std::string> w = words(block.text);
    for (std::string& g : ngrams(w, 3)) trigrams_.insert(std::move(g));
    for (std::string& g : ngrams(w, 2)) bigrams_.insert(std::move(g));
    for (const std::string& g : w) unigrams_.insert(g);
  }
}

std::vector<bool> BoilerplateMatcher::mark(const std::vector<std::string>& lines) const {
  std::vector<bool> matched(lines.size(), false), short_candidate(lines.size(), false);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::vector<std::string> w = words(lines[i]);
    if (w.size() >= 3) {
      // Half of the line's trigrams or more are the blocks'. Asked in turn, and no
      // further once the answer is sure either way.
      const std::size_t grams = w.size() - 2;
      std::size_t hits = 0;
      std::string gram;
      for (std::size_t k = 0; k < grams; ++k) {
        gram.assign(w[k]).append(1, ' ').append(w[k + 1]).append(1, ' ').append(w[k + 2]);
        hits += trigrams_.count(gram);
        const std::size_t left = grams - k - 1;
        if (2 * hits >= grams || 2 * (hits + left) < grams) break;
      }
      matched[i] = 2 * hits >= grams;
    } else if (w.size() == 2) {
      short_candidate[i] = bigrams_.count(w[0] + ' ' + w[1]) > 0;
    } else if (w.size() == 1) {
      short_candidate[i] = unigrams_.count(w[0]) > 0;
    }
  }
  std::vector<bool> marked = matched;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!short_candidate[i]) continue;
    const bool before = i > 0 && marked[i - 1];
    const bool after = i + 1 < lines.size() && marked[i + 1];
    marked[i] = before || after;
  }
  return marked;
}

}  // namespace pressarchive
