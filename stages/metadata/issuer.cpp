#include "stages/metadata/issuer.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "stages/core/text_util.h"
#include "stages/metadata/base/line_text.h"
#include "stages/metadata/place.h"
#include "stages/near_dup/near_duplicates.h"

namespace pressarchive {
namespace {

// How far a key may be from a known issuer's key and still be that issuer: one edit in
// twenty characters, at most three. Measured OCR noise on clean and degraded scans is one
// to three wrong letters per issuer line; two different offices of one city differ by
// whole words.
std::size_t allowed_distance(const std::string& key) {
  return std::min<std::size_t>(3, key.size() / 20);
}

bool has_prefix(const std::string& s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}
bool has_suffix(const std::string& s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

bool small_letters_only(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// A word with a full stop that belongs to it: a short one ("Br.", "St.") or one with a stop
// inside ("e.V.").
bool abbreviation(const std::string& token) {
  return token.size() <= 4 || std::count(token.begin(), token.end(), '.') > 1;
}

// An issuer as read with OCR's specks taken out: quotes at its words' ends, ",-" for a
// comma, a full stop or colon before a word in small letters or a slash ("Amt. für",
// "Lörrach. /"), a full stop at its end (not of an abbreviation such as "e.V."), and a
// last "word" of one or two small letters ("Pressereferat j"). Names carry none of them.
// An office word is no abbreviation, however short ("Amt. für Kommunikation").
std::string tidy_issuer(const std::string& read,
                        const std::unordered_set<std::string>& office_words) {
  static constexpr std::string_view kQuotes[] = {"\"", "'", "„", "“", "”", "‚", "‘", "’", "«", "»"};
  std::vector<std::string> t;
  for (std::string token : tokens(read)) {
    for (bool again = true; again && !token.empty();) {
      again = false;
      for (const std::string_view q : kQuotes) {
        if (has_prefix(token, q)) token.erase(0, q.size()), again = true;
        if (has_suffix(token, q)) token.erase(token.size() - q.size()), again = true;
      }
    }
    if (const std::size_t at = token.find(",-"); at != std::string::npos) {
      if (at > 0) t.push_back(token.substr(0, at + 1));
      token = token.substr(at + 2);
    }
    if (!token.empty()) t.push_back(token);
  }
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    const bool before_small = t[i + 1] == "/" || starts_lowercase(t[i + 1]);
    const bool office_word = office_words.count(lower_utf8(t[i].substr(0, t[i].size() - 1))) > 0;
    if (before_small &&
        (t[i].back() == ':' || (t[i].back() == '.' && (!abbreviation(t[i]) || office_word))))
      t[i].pop_back();
  }
  if (t.size() >= 3 && t.back().size() <= 2 && small_letters_only(t.back())) t.pop_back();
  if (!t.empty() && t.back().back() == '.' && !abbreviation(t.back())) t.back().pop_back();
  return join(t, " ");
}

}  // namespace

std::string IssuerResolver::key(const std::string& text) { return folded_for_matching(text); }

IssuerResolver::IssuerResolver(const MetadataRules& rules, const std::vector<std::string>& known) {
  auto add_word = [&](const std::string& word) {
    if (word.size() < 5) return;  // short words: too many share a key
    const std::string lower = lower_utf8(word);
    if (!vocabulary_.insert(lower).second) return;
    const std::string k = key(word);
    auto [at, inserted] = word_by_key_.emplace(k, word);
    if (!inserted && lower_utf8(at->second) != lower)
      at->second.clear();  // two words, one key: ambiguous
  };
  std::vector<std::string> all = rules.known_issuers;
  all.insert(all.end(), known.begin(), known.end());
  for (const std::string& issuer : all) {
    const std::string t = trim(issuer);
    if (t.empty() || !known_text_.insert(t).second) continue;
    known_.emplace_back(key(t), t);
  }
  for (const std::string& word : rules.issuer_words)
    for (const std::string& token : tokens(word)) {
      add_word(token_parts(token).word);
      office_words_.insert(lower_utf8(token_parts(token).word));
    }
  // Words of configured issuers are spelled by a person; words of archive issuers may be
  // OCR'd, so only the configured ones teach spellings.
  for (const std::string& issuer : rules.known_issuers)
    for (const std::string& token : tokens(issuer)) add_word(token_parts(token).word);
  // Town names are spelled in issuers too ("Landkreis Osnabrück").
  for (const std::string& place : rules.known_places)
    for (const std::string& token : tokens(place)) add_word(token_parts(token).word);
}

ResolvedIssuer IssuerResolver::resolve(const std::string& as_read) const {
  const std::string read = tidy_issuer(as_read, office_words_);
  ResolvedIssuer out{read, read == as_read ? 1.0 : 0.85, read != as_read};
  if (read.empty() || known_text_.count(read)) return out;

  // The whole issuer: the one known issuer nearest to it, if near enough and alone there.
  const std::string k = key(read);
  if (!k.empty()) {
    std::size_t best = std::numeric_limits<std::size_t>::max(), second = best;
    const std::string* nearest = nullptr;
    for (const auto& [known_key, text] : known_) {
      const std::size_t length_gap =
          known_key.size() > k.size() ? known_key.size() - k.size() : k.size() - known_key.size();
      if (length_gap > allowed_distance(k)) continue;
      const std::size_t d = edit_distance(k, known_key);
      if (d < best)
        second = best, best = d, nearest = &text;
      else if (d < second && (nearest == nullptr || *nearest != text))
        second = d;
    }
    if (nearest != nullptr && best <= allowed_distance(k) && second > best) {
      out.issuer = *nearest;
      out.snapped = true;
      out.confidence_factor = best == 0 ? 0.9 : 0.8;
      return out;
    }
  }

  // Word by word: a word that is no office word but reads as exactly one of them with
  // confusable characters folded ("Kommünikation"). A full stop after an office word, or
  // before one ("Stadt Hameln. Amt für ..."), inside the name is a comma OCR misread:
  // office words are no abbreviations and an issuer is no sentence.
  std::vector<std::string> t = tokens(read);
  bool changed = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    TokenParts p = token_parts(t[i]);
    if (p.word.empty()) continue;
    const std::string lower = lower_utf8(p.word);
    if (!vocabulary_.count(lower)) {
      // As read, then with the OCR confusions of town names undone ("Osnabriick"); a word
      // in capitals is left as read (its known spelling is not in capitals).
      const bool capitals =
          lower != p.word &&
          std::none_of(p.word.begin(), p.word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      std::vector<std::string> readings = {key(p.word)};
      if (!capitals) readings = PlaceResolver::keys(p.word);
      for (const std::string& k : readings) {
        const auto at = word_by_key_.find(k);
        if (at == word_by_key_.end() || at->second.empty() || capitals) continue;
        p.word = at->second;
        changed = true;
        break;
      }
    }
    const bool office_follows =
        i + 1 < t.size() && office_words_.count(lower_utf8(token_parts(t[i + 1]).word)) > 0;
    if (p.trail == "." && i + 1 < t.size() && starts_uppercase(t[i + 1]) &&
        (vocabulary_.count(lower_utf8(p.word)) || office_follows)) {
      p.trail = ",";
      changed = true;
    }
    t[i] = p.lead + p.word + p.trail;
  }
  if (changed) {
    out.issuer = join(t, " ");
    out.snapped = true;
    out.confidence_factor = 0.85;
  }
  return out;
}

}  // namespace pressarchive
