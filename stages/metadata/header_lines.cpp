#include "stages/metadata/header_lines.h"

#include <re2/re2.h>

#include <algorithm>

#include "stages/core/text_util.h"
#include "stages/metadata/base/byte_regex.h"
#include "stages/metadata/base/line_text.h"

namespace pressarchive {
namespace {

// The letters of `text` in lowercase, without blanks, marks or digits: a kicker as OCR
// may break it up ("PRES SEM ITTEILUNG") and as the rules spell it compare alike.
std::string letters_of(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t c = next_code_point(text, i);
    if (is_letter_or_digit(c) && !(c >= U'0' && c <= U'9')) out.append(text, start, i - start);
  }
  return lower_utf8(out);
}

}  // namespace

HeaderReader::HeaderReader(const MetadataRules& rules, const DateFinder& dates)
    : rules_(rules), dates_(dates) {
  // parse_rules checked every pattern; one that does not compile matches nothing.
  for (const std::string& p : rules.postcodes)
    if (std::shared_ptr<const re2::RE2> re = compile_byte_regex(p))
      postcodes_.push_back(std::move(re));
  for (const std::string& p : rules.release_date_prefixes) prefix_words_.push_back(words(p));
  for (const std::string& p : rules.other_document_words) other_words_.push_back(words(p));
  for (const std::string& p : rules.document_type_words) type_words_.push_back(words(p));
  for (const std::string& p : rules.address_words) address_words_.push_back(words(p));
  for (const std::string& p : rules.other_document_words) other_letters_.push_back(letters_of(p));
  for (const std::string& p : rules.document_type_words) type_letters_.push_back(letters_of(p));
}

std::string HeaderReader::kicker_kind(const std::string& segment) const {
  const std::vector<std::string> w = words(strip_noise(segment));
  auto kind = [&](const std::vector<std::vector<std::string>>& list) {
    for (const std::vector<std::string>& phrase : list) {
      const std::optional<std::size_t> n = starts_with_words_at(w, 0, phrase);
      if (!n) continue;
      if (*n == w.size()) return true;
      // A number may follow: "Nr. 212", "No. 12/2019".
      if ((w[*n] == "nr" || w[*n] == "no") && w.size() <= *n + 3) return true;
    }
    return false;
  };
  if (kind(other_words_)) return "other";
  if (kind(type_words_)) return "press release";
  // A kicker as OCR broke it up: blanks inside its words, or a speck read as a letter
  // ("PRES SEM ITTEILUNG", "E NEWS. RELEASE"). Its letters alone, one of them misread at
  // most in a kicker of eight letters or more; never with a number, which a title has.
  const std::string letters = letters_of(segment);
  if (letters.size() < 4 || has_digit(segment)) return "";
  const auto squashed = [&](const std::vector<std::string>& list) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& kicker) {
      return kicker == letters ||
             (kicker.size() >= 8 && letters.size() + 1 >= kicker.size() &&
              letters.size() <= kicker.size() + 1 && edit_distance(kicker, letters) <= 1);
    });
  };
  if (squashed(other_letters_)) return "other";
  if (squashed(type_letters_)) return "press release";
  return "";
}

namespace {

// One or two words, then "Nr." or "No." and a number ("Pressemitteilung Nr. 230/1987"): a
// numbered kicker, also where OCR misread its words ("EBERLE EESLLNENG Nr. 231/1973").
bool numbered_kicker(const std::string& segment) {
  const std::vector<std::string> t = tokens(strip_noise(segment));
  if (t.size() < 3 || t.size() > 4) return false;
  const std::string label = lower_utf8(t[t.size() - 2]);
  if (label != "nr." && label != "no." && label != "nr" && label != "no") return false;
  const std::string& number = t.back();
  bool digit = false;
  for (char c : number) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c != '/' && c != '-' && c != '.')
      return false;
  }
  return digit;
}

// Whether every word of `w` from `from` on holds a digit, and they hold four digits or
// more: a date as OCR garbled it ("11 O01 2018"), not a word of a title.
bool only_numbers_from(const std::vector<std::string>& w, std::size_t from) {
  std::size_t digits = 0;
  for (std::size_t k = from; k < w.size(); ++k) {
    const auto n =
        std::count_if(w[k].begin(), w[k].end(), [](char c) { return c >= '0' && c <= '9'; });
    if (n == 0) return false;
    digits += static_cast<std::size_t>(n);
  }
  return from < w.size() && digits >= 4;
}

}  // namespace

bool HeaderReader::garbled_header_date(const std::string& segment) const {
  // Four digits at least after the prefix: a segment with fewer has no such date.
  if (std::count_if(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; }) <
      4)
    return false;
  const std::vector<std::string> w = words(strip_noise(segment));
  for (const std::vector<std::string>& prefix : prefix_words_)
    if (auto n = starts_with_words_at(w, 0, prefix); n && only_numbers_from(w, *n)) return true;
  return false;
}

std::optional<HeaderReader::HeaderDate> HeaderReader::header_date(
    const std::string& segment) const {
  const std::string s = strip_noise(segment);
  const std::optional<FoundDate> date = dates_.find_first(s);
  if (!date) return std::nullopt;
  // After the date, one mark at most: a speck read as a dash or a full stop.
  const std::string after = trim(s.substr(date->end));
  std::size_t one = 0;
  if (!after.empty() && (is_letter_or_digit(next_code_point(after, one)) || one < after.size()))
    return std::nullopt;
  const std::string before = trim(s.substr(0, date->begin));
  if (before.empty()) return HeaderDate{date->iso, false};
  const std::vector<std::string> w = words(before);
  for (const std::vector<std::string>& prefix : prefix_words_)
    if (auto n = starts_with_words_at(w, 0, prefix); n && *n == w.size())
      return HeaderDate{date->iso, true};
  if (!kicker_kind(before).empty()) return HeaderDate{date->iso, true};
  // A prefix that OCR misread by a letter or two ("Veröffentliche 2016-03-04",
  // "Pressemitteilung vorn", "Press releasc of", "Dalum:"): as many words, two edits at
  // most over them all, one in a prefix of five letters or less, none in one of four.
  for (const std::vector<std::string>& p : prefix_words_) {
    if (p.size() != w.size()) continue;
    std::size_t letters = 0, edits = 0;
    for (std::size_t k = 0; k < p.size() && edits <= 2; ++k)
      letters += p[k].size(), edits += edit_distance(w[k], p[k]);
    if (edits <= (letters >= 6 ? 2u : letters >= 5 ? 1u : 0u)) return HeaderDate{date->iso, true};
  }
  return std::nullopt;
}

std::optional<HeaderReader::Header> HeaderReader::header(const std::string& text) const {
  if (count_words(text) > 24) return std::nullopt;
  Header h;
  bool known = false;
  // A speck OCR reads as a quote before the first word ("‚Pressemitteilung vom ...") is
  // no part of a header line.
  std::string line = strip_noise(text);
  for (const char* quote : {"\u201a", "\u201e", "\u201c", "\u2018", "\u2019", "'", "\"", "`"})
    if (line.rfind(quote, 0) == 0) line = trim(line.substr(std::string(quote).size()));
  for (const std::string& segment : header_segments(line, rules_.header_separators)) {
    if (auto d = header_date(segment)) {
      if (!h.date) h.date = d;
      known = true;
    } else if (std::string kind = kicker_kind(segment); !kind.empty()) {
      if (h.kind.empty()) h.kind = kind;
      known = true;
    } else if (auto issuer = after_any_label(segment, rules_.issuer_labels)) {
      if (h.issuer.empty()) h.issuer = strip_noise(*issuer);
      known = true;
    } else if (numbered_kicker(segment) || garbled_header_date(segment)) {
      known = true;
    } else {
      const std::size_t colon = segment.find(':');
      if (colon == std::string::npos || count_words(segment.substr(0, colon)) > 3)
        return std::nullopt;
    }
  }
  if (!known) return std::nullopt;
  return h;
}

bool HeaderReader::is_address(const std::string& text) const {
  const std::vector<std::string> w = words(text);
  if (w.size() > 30) return false;
  // An address word counts only beside a number.
  if (has_digit(text))
    for (const std::vector<std::string>& phrase : address_words_)
      for (std::size_t k = 0; k < w.size(); ++k)
        if (starts_with_words_at(w, k, phrase)) return true;
  for (const std::shared_ptr<const re2::RE2>& re : postcodes_)
    if (re2::RE2::PartialMatch(text, *re)) return true;
  return false;
}

std::optional<HeaderReader::Letterhead> HeaderReader::mark_letterhead(std::vector<Line>& lines,
                                                                      std::size_t top) const {
  const std::size_t max_lines = static_cast<std::size_t>(rules_.letterhead_max_lines);
  std::vector<std::size_t> office;
  std::size_t i = top;
  // The office lines end at an address line, or at a kicker ("Press release") when one
  // of them names an office ("Communications Team"): a letterhead without an address.
  bool kicker_ends = false;
  while (i < lines.size() && office.size() <= max_lines) {
    if (is_address(lines[i].text)) break;
    if (const auto h = header(lines[i].text);
        h && !h->kind.empty() && !h->date && !office.empty()) {
      kicker_ends = true;
      break;
    }
    office.push_back(i);
    i = next_content(lines, i + 1);
  }
  const auto names_office = [&](std::size_t k) {
    for (const std::string& w : words(lines[k].text))
      for (const std::string& office_word : rules_.issuer_words)
        if (w == lower_utf8(office_word)) return true;
    return false;
  };
  const bool plausible = i < lines.size() && !office.empty() && office.size() <= max_lines &&
                         std::all_of(office.begin(), office.end(),
                                     [&](std::size_t k) {
                                       return count_words(lines[k].text) <= 10 &&
                                              !dates_.find_first(lines[k].text) &&
                                              !header(lines[k].text);
                                     }) &&
                         (!kicker_ends || std::any_of(office.begin(), office.end(), names_office));
  if (!plausible) return std::nullopt;
  // Without an address line proper, the lines under the office that name none are its
  // address ("Town Hall, Market Street, Leeds").
  std::vector<std::size_t> address;
  while (kicker_ends && office.size() > 1 && !names_office(office.back())) {
    address.push_back(office.back());
    office.pop_back();
  }
  for (std::size_t k : address) lines[k].role = Role::kAddress;
  std::vector<std::string> names;
  for (std::size_t k : office) {
    lines[k].role = Role::kLetterhead;
    names.push_back(without_letter_speck(lines[k].text));
  }
  if (kicker_ends) return Letterhead{join(names, " / "), i};  // the kicker is read as a header line
  lines[i].role = Role::kAddress;
  return Letterhead{join(names, " / "), next_content(lines, i + 1)};
}

}  // namespace pressarchive
