#include "stages/metadata/learned_boilerplate.h"

#include <algorithm>
#include <unordered_set>

#include "stages/core/text_util.h"
#include "stages/metadata/base/line_text.h"
#include "stages/metadata/issuer.h"
#include "stages/near_dup/near_duplicates.h"

namespace pressarchive {

const char* boilerplate_state_name(BoilerplateState state) {
  switch (state) {
    case BoilerplateState::kCounted:
      return "counted";
    case BoilerplateState::kConfirmed:
      return "confirmed";
    case BoilerplateState::kRejected:
      return "rejected";
  }
  return "counted";
}

bool boilerplate_state_from_name(const std::string& name, BoilerplateState& state) {
  for (BoilerplateState s :
       {BoilerplateState::kCounted, BoilerplateState::kConfirmed, BoilerplateState::kRejected})
    if (name == boilerplate_state_name(s)) {
      state = s;
      return true;
    }
  return false;
}

std::string boilerplate_line_key(const std::string& line) {
  std::string folded = folded_for_matching(line);
  // Punctuation between letters survives normalisation ("presse@stadt.de"); a blank
  // lost or gained by OCR must not make another line.
  folded.erase(std::remove(folded.begin(), folded.end(), ' '), folded.end());
  return folded;
}

std::vector<std::pair<std::string, std::string>> countable_lines(
    const std::vector<PageResult>& pages, const LearnedBoilerplateOptions& options) {
  std::vector<std::pair<std::string, std::string>> out;
  std::unordered_set<std::string> seen;
  for (const PageResult& page : pages)
    for (const TextLine& tl : page.lines) {
      const std::string text = strip_noise(tl.text);
      if (static_cast<int>(count_words(text)) < options.min_words) continue;
      std::string key = boilerplate_line_key(text);
      if (key.empty() || !seen.insert(key).second) continue;
      out.emplace_back(std::move(key), text);
    }
  return out;
}

bool is_boilerplate(const BoilerplateLine& line, const LearnedBoilerplateOptions& options) {
  switch (line.state) {
    case BoilerplateState::kConfirmed:
      return true;
    case BoilerplateState::kRejected:
      return false;
    case BoilerplateState::kCounted:
      return options.enabled && line.records >= options.min_records && line.issuer_records > 0 &&
             static_cast<double>(line.records) >=
                 options.min_share * static_cast<double>(line.issuer_records);
  }
  return false;
}

std::string boilerplate_state_now(const BoilerplateLine& line,
                                  const LearnedBoilerplateOptions& options) {
  if (line.state != BoilerplateState::kCounted) return boilerplate_state_name(line.state);
  return is_boilerplate(line, options) ? "learned" : "candidate";
}

LearnedBoilerplate::LearnedBoilerplate(const std::vector<BoilerplateLine>& lines,
                                       const LearnedBoilerplateOptions& options) {
  for (const BoilerplateLine& line : lines) {
    if (!is_boilerplate(line, options) || line.line_key.empty()) continue;
    by_issuer_[IssuerResolver::key(line.issuer)].push_back(line.line_key);
    ++size_;
  }
}

bool LearnedBoilerplate::matches(const std::string& issuer, const std::string& line) const {
  if (by_issuer_.empty() || issuer.empty()) return false;
  const auto at = by_issuer_.find(IssuerResolver::key(issuer));
  if (at == by_issuer_.end()) return false;
  const std::string key = boilerplate_line_key(line);
  if (key.empty()) return false;
  for (const std::string& learned : at->second) {
    if (learned == key) return true;
    if (key.size() < 20 || learned.size() < 20) continue;
    const std::size_t allowed = std::max(key.size(), learned.size()) / 10;
    const std::size_t gap =
        key.size() > learned.size() ? key.size() - learned.size() : learned.size() - key.size();
    if (gap <= allowed && edit_distance(key, learned) <= allowed) return true;
  }
  return false;
}

}  // namespace pressarchive
