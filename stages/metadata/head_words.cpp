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
  // A headline in capitals loses the dots of all its umlauts at once ("BURGERBURO"): the
  // dots back on two to four of a word's a, o and u count as one confusion.
  std::vector<std::size_t> vowels;
  for (std::size_t i = 0; i < lower.size(); ++i)
    if (lower[i] == 'a' || lower[i] == 'o' || lower[i] == 'u') vowels.push_back(i);
  if (vowels.size() >= 2 && vowels.size() <= 4)
    for (unsigned mask = 0; mask < (1u << vowels.size()); ++mask) {
      if (__builtin_popcount(mask) < 2) continue;
      std::string reading;
      std::size_t from = 0;
      for (std::size_t v = 0; v < vowels.size(); ++v) {
        if (!(mask & (1u << v))) continue;
        reading += lower.substr(from, vowels[v] - from);
        reading += lower[vowels[v]] == 'a'   ? "\u00e4"
                   : lower[vowels[v]] == 'o' ? "\u00f6"
                                             : "\u00fc";
        from = vowels[v] + 1;
      }
      reading += lower.substr(from);
      if (seen.insert(reading).second) out.push_back(std::move(reading));
    }
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
  // Each part four letters or more (a stem of three before a link), or a noun of three
  // after five ("Wertstoff" + "hof") or before six ("Kur" + "geschichte"): shorter parts
  // make nearly any misreading a compound ("geoff" + "net").
  const std::size_t n = code_points(lower);
  std::size_t at = 0, k = 0;
  for (; k < 3 && at < lower.size(); ++k) at += char_length(lower, at);
  // A noun of three before a listed word of six or more ("Kur" + "geschichte").
  if (n >= 9 && lexicon_.knows(language_, capitalised(lower.substr(0, at))) &&
      in_dictionary(lower.substr(at)))
    return true;
  if (at < lower.size()) at += char_length(lower, at), ++k;
  for (; k + 3 <= n; ++k, at += char_length(lower, at)) {
    const std::string right = lower.substr(at);
    if (k + 3 == n ? k < 5 || !lexicon_.knows(language_, capitalised(right))
                   : !in_dictionary(right) && !inflected_known(right))
      continue;
    const std::string left = lower.substr(0, at);
    for (const char* link : kLinks) {
      const std::string_view l(link);
      if (left.size() < l.size() + 3 || left.compare(left.size() - l.size(), l.size(), l) != 0)
        continue;
      // The first part a noun, itself a compound when long ("Wert" + "stoff" + "hof"); a
      // word of another kind makes junk of misreadings ("somit" + "teilung").
      const std::string stem = left.substr(0, left.size() - l.size());
      if (lexicon_.knows(language_, capitalised(stem)) ||
          (code_points(stem) >= 8 && compound_known(stem)))
        return true;
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

std::string HeadWords::respelling(const std::string& lower, bool compounds) const {
  // One confusion only: two let too many words become others ("gritting" -> "grilling").
  // Readings that are listed words win over a listed stem with an ending; compounds are
  // asked apart (`compounds`), and of words up to 24 letters only (a lookup per cut of
  // every reading). Among several as good, the one the record itself spells.
  if (compounds && (language_ != "de" || code_points(lower) > 24)) return "";
  const std::vector<std::string> readings = confusions_of(lower);
  for (const int tier : compounds ? std::vector<int>{2} : std::vector<int>{0, 1}) {
    std::vector<std::string> found;
    for (const std::string& r : readings)
      if (tier == 0 ? listed(r) : tier == 1 ? inflected_known(r) : compound_known(r))
        found.push_back(r);
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
  // A listed word one confusion away is a likelier reading than a compound of what OCR
  // read ("verlangert" is "Verl" + "angert", two names, but one dot from "verlängert").
  if (listed(lower) || inflected_known(lower)) {
    text += word;
    return;
  }
  std::string meant = respelling(lower, false);
  const bool compound = meant.empty() && language_ == "de" && compound_known(lower);
  if (compound) {
    text += word;
    return;
  }
  if (meant.empty()) meant = respelling(lower, true);
  if (meant.empty()) {
    out.unknown.push_back(word);
    text += word;
    return;
  }
  const std::string spelled = in_case_of(meant, word);
  out.respelled.push_back(word + " -> " + spelled);
  text += spelled;
}

std::vector<std::string> HeadWords::without_specks(const std::vector<std::string>& tokens,
                                                   CheckedHead& out) const {
  // What a speck on a worn page reads as inside a head: a mark standing alone, a symbol
  // stuck to a word ("übernehmen®"), a full stop or an apostrophe after a known word that
  // the head goes on from ("MIT. NEUEM", "UND' BUND"), a full stop between two known words
  // ("Für.die"), a hyphen before a known word ("-KÖNNEN"). Dashes, "&", "+" and "/" stand
  // alone in headlines; an apostrophe after "s" is a possessive.
  static const std::vector<std::string> kStuck = {"\u00ae", "\u00a9", "\u2122", "\u2022", "_",
                                                  "~",      "|",      "*",      "="};
  // Capitals of three letters count here ("MIT."): an abbreviation's full stop stays on
  // "Nr", "Dr", "St", which are no words.
  const auto listed_word = [&](const std::string& w) {
    return code_points(w) >= 3 && (checkable(w) || code_points(w) <= 4) &&
           std::all_of(w.begin(), w.end(), [](char c) { return !(c >= '0' && c <= '9'); }) &&
           listed(lower_utf8(w));
  };
  std::vector<std::string> kept;
  bool colon_seen = false;
  // A headline in capitals: no small letter in it.
  bool in_capitals = true;
  for (const std::string& t : tokens)
    for (std::size_t at = 0; at < t.size() && in_capitals;)
      in_capitals = !is_lowercase(next_code_point(t, at));
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string t = tokens[i];
    for (bool stripped = true; stripped;) {
      stripped = false;
      for (const std::string& mark : kStuck) {
        if (t.size() > mark.size() && t.compare(t.size() - mark.size(), mark.size(), mark) == 0)
          t.resize(t.size() - mark.size()), stripped = true;
        if (t.size() > mark.size() && t.compare(0, mark.size(), mark) == 0)
          t.erase(0, mark.size()), stripped = true;
      }
    }
    // A single quotation mark opening a known word that nothing after it closes.
    for (const std::string& quote :
         {std::string("\u201a"), std::string("\u2018"), std::string("'")}) {
      if (i == 0 || t.size() <= quote.size() || t.compare(0, quote.size(), quote) != 0) continue;
      const bool closed = std::any_of(tokens.begin() + i, tokens.end(), [](const std::string& u) {
        const TokenParts p = token_parts(u);
        const std::string_view w(p.word);
        return p.trail.find('\'') != std::string::npos ||
               (w.size() >= 3 &&
                (w.substr(w.size() - 3) == "\u2019" || w.substr(w.size() - 3) == "\u2018"));
      });
      if (!closed && listed_word(token_parts(t.substr(quote.size())).word))
        t.erase(0, quote.size());
    }
    const bool inside = i > 0 && i + 1 < tokens.size();
    if (!has_word(t)) {
      // Of two separators in a row ("Gütersloh - / Amt"), the speck is the first.
      if (inside && !has_word(tokens[i + 1])) {
        out.specks.push_back(tokens[i]);
        continue;
      }
      if (t == "-" || t == "\u2013" || t == "\u2014" || t == "&" || t == "+" || t == "/" ||
          !inside) {
        kept.push_back(t);
        if (t != tokens[i]) out.specks.push_back(tokens[i]);
      } else {
        out.specks.push_back(tokens[i]);
      }
      continue;
    }
    TokenParts parts = token_parts(t);
    if (const std::string closing = "\u2019";
        parts.trail.empty() && parts.word.size() > closing.size() &&
        parts.word.compare(parts.word.size() - closing.size(), closing.size(), closing) == 0)
      parts.word.resize(parts.word.size() - closing.size()), parts.trail = "'";
    // A headline has one colon ("X: Y"); a second one before a word in small letters, or
    // in a headline in capitals, is a speck's ("nach: jahrelanger").
    if (inside && parts.trail == ":" && colon_seen &&
        (starts_lowercase(tokens[i + 1]) || in_capitals))
      parts.trail.clear();
    colon_seen = colon_seen || parts.trail == ":";
    const bool apostrophe = parts.trail == "'";
    if (inside && (parts.trail == "." || apostrophe) && listed_word(parts.word) &&
        has_word(tokens[i + 1]) &&
        !(apostrophe && std::string("sxzSXZ").find(parts.word.back()) != std::string::npos))
      parts.trail.clear();
    else if (apostrophe && t.size() > parts.word.size() + 1)
      parts.trail = t.substr(parts.lead.size() + parts.word.size());  // "’" kept as printed
    if (i > 0 && parts.lead == "-" && listed_word(parts.word) && has_word(tokens[i - 1]) &&
        tokens[i - 1].back() != '-')
      parts.lead.clear();
    if (const std::size_t dot = parts.word.find('.');
        dot != std::string::npos && dot > 0 && dot + 1 < parts.word.size() &&
        parts.word.find('.', dot + 1) == std::string::npos &&
        listed_word(parts.word.substr(0, dot)) && code_points(parts.word.substr(dot + 1)) >= 2 &&
        !has_digit(parts.word) && listed(lower_utf8(parts.word.substr(dot + 1))))
      parts.word[dot] = ' ';
    std::string cleaned = parts.lead + parts.word + parts.trail;
    if (cleaned != tokens[i]) out.specks.push_back(tokens[i]);
    kept.push_back(std::move(cleaned));
  }
  return kept;
}

std::vector<std::string> HeadWords::joined_apart(const std::vector<std::string>& tokens,
                                                 CheckedHead& out) const {
  // A blank OCR put after a word's first letter ("J ugendzentrum"): a lone letter before
  // a word nothing knows that with it is a listed word.
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i + 1 < tokens.size() && char_length(tokens[i], 0) == tokens[i].size() &&
        is_word_char(tokens[i], 0) && !has_digit(tokens[i])) {
      const TokenParts next = token_parts(tokens[i + 1]);
      const std::string joined = lower_utf8(tokens[i] + next.word);
      if (next.lead.empty() && checkable(next.word) && !known(lower_utf8(next.word)) &&
          listed(joined)) {
        out.specks.push_back(tokens[i] + " " + tokens[i + 1]);
        kept.push_back(tokens[i] + tokens[i + 1]);
        ++i;
        continue;
      }
    }
    kept.push_back(tokens[i]);
  }
  return kept;
}

CheckedHead HeadWords::check(const std::string& head) const {
  CheckedHead out;
  std::vector<std::string> checked;
  for (const std::string& cleaned : without_specks(joined_apart(tokens(head), out), out))
    for (const std::string& token : tokens(cleaned)) {
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
