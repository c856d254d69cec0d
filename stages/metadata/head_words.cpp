#include "stages/metadata/head_words.h"

#include <algorithm>
#include <set>
#include <utility>

#include "stages/core/text_util.h"
#include "stages/metadata/base/line_text.h"

namespace pressarchive {
namespace {

// What OCR prints for what was printed on a worn page, lowercase: read -> meant. Umlauts
// lose or gain their dots; letters merge or split ("rn" for "m", "ii" for "ü", "fi" and
// "fs" for "ß"); letters of like shape swap ("c" and "e", "f" and "t", "s" and "g").
constexpr std::pair<const char*, const char*> kConfusions[] = {
    {"a", "\u00e4"}, {"o", "\u00f6"},  {"u", "\u00fc"},  {"\u00e4", "a"},  {"\u00f6", "o"},
    {"\u00fc", "u"}, {"ii", "\u00fc"}, {"\u00fc", "ii"}, {"fi", "\u00df"}, {"fs", "\u00df"},
    {"b", "\u00df"}, {"rn", "m"},      {"m", "rn"},      {"ni", "m"},      {"in", "m"},
    {"m", "ni"},     {"iii", "m"},     {"ri", "n"},      {"n", "ri"},      {"li", "h"},
    {"h", "li"},     {"cl", "d"},      {"d", "cl"},      {"vv", "w"},      {"eo", "c"},
    {"c", "e"},      {"e", "c"},       {"o", "c"},       {"c", "o"},       {"e", "o"},
    {"o", "e"},      {"l", "i"},       {"i", "l"},       {"t", "l"},       {"l", "t"},
    {"f", "t"},      {"t", "f"},       {"n", "u"},       {"u", "n"},       {"s", "g"},
    {"g", "s"},      {"h", "b"},       {"b", "h"},       {"i", "j"},       {"j", "i"},
    {"1", "l"},      {"0", "o"},       {"5", "s"}};

// Endings a dictionary may not list every word with; the stem (four letters or more) known
// is enough ("Umleitungen", "gritting").
const std::vector<std::string_view> kGermanEndings = {"en", "n",   "e",  "s",  "es",
                                                      "er", "ern", "em", "ns", "ens"};
const std::vector<std::string_view> kEnglishEndings = {"s", "es", "ed", "ing", "er", "ers", "ly"};

// A longer "word" is OCR's garbage, not a misread word: named unknown without looking
// it up, nor its readings (there are some fifty per letter), nor its cuts.
constexpr std::size_t kLongestWord = 40;

// German links the words of a compound with these ("Jahr-es-bilanz", "Ort-s-umgehung").
constexpr const char* kLinks[] = {"", "s", "es", "n", "en", "e", "er"};

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += char_length(s, i)) ++n;
  return n;
}

// A word to check: three letters or more, at most one digit and not first, and not an
// abbreviation in capitals ("ÖPNV") or a name with a capital inside ("KiTa").
bool checkable(const std::string& word) {
  if (code_points(word) < 3 || has_digit(word.substr(0, 1))) return false;
  int digits = 0;
  bool lower_seen = false, capital_after_lower = false;
  for (std::size_t i = 0; i < word.size(); i += char_length(word, i)) {
    const std::string c = word.substr(i, char_length(word, i));
    if (!is_word_char(word, i)) return false;
    if (c[0] >= '0' && c[0] <= '9') ++digits;
    if (starts_uppercase(c)) capital_after_lower = capital_after_lower || lower_seen;
    lower_seen = lower_seen || starts_lowercase(c);
  }
  if (digits > 1 || capital_after_lower) return false;
  return lower_seen || code_points(word) > 4;
}

}  // namespace

HeadWords::HeadWords(const Lexicon& lexicon, std::string language,
                     const BodySpellings& record_words,
                     const std::unordered_set<std::string>& archive_words)
    : lexicon_(lexicon),
      language_(std::move(language)),
      record_words_(record_words),
      archive_words_(archive_words) {}

std::vector<std::string> HeadWords::confusions_of(const std::string& lower) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lower.size(); i += char_length(lower, i))
    for (const auto& [read, meant] : kConfusions) {
      const std::string_view r(read);
      if (lower.compare(i, r.size(), r) != 0) continue;
      std::string candidate = lower.substr(0, i) + meant + lower.substr(i + r.size());
      if (candidate != lower && seen.insert(candidate).second) out.push_back(std::move(candidate));
    }
  return out;
}

bool HeadWords::in_dictionary(const std::string& lower) const {
  return lexicon_.knows(language_, lower) || lexicon_.knows(language_, capitalised(lower));
}

bool HeadWords::inflected_known(const std::string& lower) const {
  const std::size_t n = code_points(lower);
  for (const std::string_view e : language_ == "de" ? kGermanEndings : kEnglishEndings) {
    if (n < e.size() + 4 || lower.compare(lower.size() - e.size(), e.size(), e) != 0) continue;
    const std::string stem = lower.substr(0, lower.size() - e.size());
    if (in_dictionary(stem)) return true;
    if (language_ != "en") continue;
    // "moving" -> "move", "gritting" -> "grit"
    if (in_dictionary(stem + "e")) return true;
    const std::size_t m = stem.size();
    if (m >= 2 && stem[m - 1] == stem[m - 2] && in_dictionary(stem.substr(0, m - 1))) return true;
  }
  return false;
}

bool HeadWords::compound_known(const std::string& lower) const {
  // Each part four letters or more (a stem of three before a link): shorter parts make
  // nearly any misreading a compound ("geoff" + "net").
  const std::size_t n = code_points(lower);
  std::size_t at = 0, k = 0;
  for (; k < 4 && at < lower.size(); ++k) at += char_length(lower, at);
  for (; k + 4 <= n; ++k, at += char_length(lower, at)) {
    const std::string right = lower.substr(at);
    if (!in_dictionary(right) && !inflected_known(right)) continue;
    const std::string left = lower.substr(0, at);
    for (const char* link : kLinks) {
      const std::string_view l(link);
      if (left.size() < l.size() + 3 || left.compare(left.size() - l.size(), l.size(), l) != 0)
        continue;
      if (in_dictionary(left.substr(0, left.size() - l.size()))) return true;
    }
  }
  return false;
}

bool HeadWords::listed(const std::string& lower) const {
  return record_words_.has(lower) || archive_words_.count(lower) || in_dictionary(lower);
}

bool HeadWords::known(const std::string& lower) const {
  return listed(lower) || inflected_known(lower) || (language_ == "de" && compound_known(lower));
}

std::string HeadWords::respelling(const std::string& lower) const {
  // One confusion only: two let too many words become others ("gritting" -> "grilling").
  // Readings that are listed words win over a listed stem with an ending; compounds are
  // not asked ("geoff" + "riet" would pass for "geoffnet" beside the listed "geöffnet",
  // and asking costs a dictionary lookup per cut of every reading). Among several as
  // good, the one the record itself spells.
  const std::vector<std::string> readings = confusions_of(lower);
  for (const bool stems : {false, true}) {
    std::vector<std::string> found;
    for (const std::string& r : readings)
      if (stems ? inflected_known(r) : listed(r)) found.push_back(r);
    if (found.empty()) continue;
    if (found.size() == 1) return found.front();
    std::vector<std::string> own;
    for (const std::string& f : found)
      if (record_words_.has(f)) own.push_back(f);
    return own.size() == 1 ? own.front() : "";
  }
  return "";
}

void HeadWords::check_word(const std::string& word, CheckedHead& out, std::string& text) const {
  if (!checkable(word)) {
    text += word;
    return;
  }
  const std::string lower = lower_utf8(word);
  if (code_points(lower) > kLongestWord) {
    out.unknown.push_back(word);
    text += word;
    return;
  }
  if (known(lower)) {
    text += word;
    return;
  }
  const std::string meant = respelling(lower);
  if (meant.empty()) {
    out.unknown.push_back(word);
    text += word;
    return;
  }
  const std::string spelled = in_case_of(meant, word);
  out.respelled.push_back(word + " -> " + spelled);
  text += spelled;
}

CheckedHead HeadWords::check(const std::string& head) const {
  CheckedHead out;
  std::vector<std::string> checked;
  for (const std::string& token : tokens(head)) {
    const TokenParts parts = token_parts(token);
    std::string text = parts.lead;
    // Each part of a hyphenated compound, and a word before an apostrophe, on its own.
    std::size_t from = 0;
    while (from <= parts.word.size()) {
      const std::size_t cut = std::min(parts.word.find_first_of("-'", from), parts.word.size());
      check_word(parts.word.substr(from, cut - from), out, text);
      if (cut < parts.word.size()) text += parts.word[cut];
      from = cut + 1;
    }
    checked.push_back(text + parts.trail);
  }
  out.text = join(checked, " ");
  return out;
}

}  // namespace pressarchive
