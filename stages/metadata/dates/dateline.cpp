#include "stages/metadata/dates/dateline.h"

#include <algorithm>
#include <cctype>

#include "stages/core/text_util.h"
#include "stages/metadata/base/line_text.h"

namespace pressarchive {
namespace {

// What OCR prints for the dash between a dateline and the body: a dash of any length, a
// tilde, an underscore, an equals sign, a bar or a guillemet.
bool dash_like(const std::string& s) {
  for (const char* dash : {"-", "~", "_", "=", "|", "\u2010", "\u2011", "\u2012", "\u2013",
                           "\u2014", "\u2015", "\u2212", "\u00bb", "\u00ab"})
    if (s.rfind(dash, 0) == 0) return true;
  return false;
}

// A speck OCR reads as a quotation mark ("2025 \u201a \u2014 Die …"): the bytes it takes, or 0.
std::size_t quote_speck(const std::string& s) {
  for (const char* quote :
       {"\u201a", "\u201e", "\u201c", "\u201d", "\u2018", "\u2019", "'", "\"", "`"})
    if (s.rfind(quote, 0) == 0) return std::string(quote).size();
  return 0;
}

// Whether `token` holds marks only, no letter or digit: a speck or a misread dash.
bool marks_only(const std::string& token) {
  if (token.empty()) return false;
  for (std::size_t i = 0; i < token.size(); i += char_length(token, i))
    if (is_word_char(token, i)) return false;
  return true;
}

}  // namespace

DatelineReader::DatelineReader(const MetadataRules& rules, const DateFinder& dates)
    : rules_(rules), dates_(dates) {
  for (const std::string& word : rules.not_place_words)
    not_place_words_.push_back(lower_utf8(word));
  for (const std::string& connector : rules.dateline_connectors)
    connectors_.push_back({lower_utf8(connector), connector + " ", connector + ". "});
  for (const auto& [language, months] : rules.month_names)
    for (std::size_t m = 0; m < months.size(); ++m)
      for (const std::string& spelling : months[m])
        month_names_.push_back({spelling, months[m].front(), static_cast<int>(m) + 1});
}

std::string DatelineReader::mend_date(const std::string& rest) const {
  // Only the words before the year: the date's parts, where OCR put a blank inside a
  // month's name ("N ovembet") or read a speck as a mark between two parts ("5 April ;
  // 2014"). The rest of the line stays as it was.
  constexpr std::size_t kMaxParts = 6;
  const std::vector<std::string> parts = split(rest, ' ');
  std::vector<std::string> kept, letters;
  bool changed = false;
  const auto take_letters = [&]() {
    if (letters.empty()) return true;
    std::string joined;
    for (const std::string& part : letters) joined += part;
    while (!joined.empty() && (joined.back() == '.' || joined.back() == ',')) joined.pop_back();
    joined = lower_utf8(joined);
    // A month's name, or one of five letters or more misread by one: the names of months
    // of other lengths differ by more, and shorter words would read as months too often.
    std::string month;
    int number = 0;
    for (const auto& [spelling, name, m] : month_names_) {
      const std::size_t edits = spelling == joined ? 0 : edit_distance(spelling, joined);
      if (edits == 0 || (edits == 1 && spelling.size() >= 5)) {
        if (number != 0 && number != m) return false;  // two months: read none
        if (number == 0 || edits == 0) month = name;
        number = m;
      }
    }
    if (month.empty()) return false;
    changed = changed || letters.size() > 1 || month != joined;
    kept.push_back(month);
    letters.clear();
    return true;
  };
  for (std::size_t k = 0; k < parts.size() && k < kMaxParts; ++k) {
    const std::string& part = parts[k];
    if (part.empty()) continue;
    const bool year = part.size() >= 4 && std::all_of(part.begin(), part.begin() + 4, [](char c) {
                        return std::isdigit(static_cast<unsigned char>(c));
                      });
    if (year) {
      if (!take_letters() || !changed || kept.empty()) return "";
      for (std::size_t rest_at = k; rest_at < parts.size(); ++rest_at)
        kept.push_back(parts[rest_at]);
      return join(kept, " ");
    }
    if (marks_only(part)) {
      changed = true;
      continue;
    }
    if (has_digit(part)) {
      if (!take_letters()) return "";
      // A blank moved into the month's name, its first letter at the day ("6J anuary").
      std::size_t digits = 0;
      while (digits < part.size() && digits < 2 &&
             std::isdigit(static_cast<unsigned char>(part[digits])))
        ++digits;
      if (digits > 0 && digits < part.size() && part[digits] == '.') ++digits;  // "14.J uni"
      if (digits > 0 && digits < part.size() && !has_digit(part.substr(digits)) &&
          std::isalpha(static_cast<unsigned char>(part[digits]))) {
        kept.push_back(part.substr(0, digits));
        letters.push_back(part.substr(digits));
        changed = true;
        continue;
      }
      kept.push_back(part);
    } else {
      letters.push_back(part);
    }
  }
  return "";
}

bool DatelineReader::is_place(const std::string& place) const {
  const std::vector<std::string> t = tokens(place);
  if (t.empty() || t.size() > 5 || !starts_uppercase(place) || has_digit(place)) return false;
  for (const std::string& token : t) {
    const bool listed = std::any_of(rules_.place_words.begin(), rules_.place_words.end(),
                                    [&](const std::string& w) { return token == w; });
    if (!starts_uppercase(token) && token[0] != '(' && !listed) return false;
    const std::string lowered = lower_utf8(token);
    if (std::find(not_place_words_.begin(), not_place_words_.end(), lowered) !=
        not_place_words_.end())
      return false;
  }
  return true;
}

std::optional<DatelineReader::Dateline> DatelineReader::dateline(const std::string& text) const {
  std::string s = strip_noise(text);
  std::size_t start = 0;  // a dateline starts with a letter: "‚Münster; 04.07.2019"
  while (start < s.size() && !is_word_char(s, start)) start += char_length(s, start);
  // A speck read as a lone letter before the place: no town's name opens with one.
  s = without_letter_speck(s.substr(start));
  std::size_t comma = s.find_first_of(",;");
  // On a degraded scan the comma after the place may read as a full stop: "Nürnberg. 3.
  // Januar 2020"; a full stop then counts where a number follows it and no comma comes first.
  // So it does where a connector follows it ("Nürnberg. den 3. Januar 2020").
  const std::size_t stop = s.find(". ");
  if (stop != std::string::npos && stop < comma && stop <= 60 && stop + 2 < s.size() &&
      (std::isdigit(static_cast<unsigned char>(s[stop + 2])) ||
       (std::islower(static_cast<unsigned char>(s[stop + 2])) &&
        connector_length(std::string_view(s).substr(stop + 2)) > 0)))
    comma = stop;
  if (comma == std::string::npos || comma < 2 || comma > 60) return std::nullopt;
  std::string place = trim(s.substr(0, comma));
  // The place's first letter read in lowercase ("würzburg, den 6. August 1984"): taken only
  // where it then spells a place of the rules, as a line running on from the one above
  // opens in lowercase too.
  if (starts_lowercase(place) && std::find(rules_.known_places.begin(), rules_.known_places.end(),
                                           capitalised(place)) != rules_.known_places.end())
    place = capitalised(place);
  if (!is_place(place)) return std::nullopt;  // before the date patterns: most lines stop here
  // Specks read as punctuation before the day or after the connector ("Rosenheim, ‘10.
  // November 2014", "Weißenburg,. den. 24. Oktober").
  const auto past_specks = [](std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || !is_word_char(text, i))) i += char_length(text, i);
    text = text.substr(i);
  };
  std::string rest = s.substr(comma + 1);
  past_specks(rest);
  if (const std::size_t n = connector_length(rest); n > 0) {
    rest = rest.substr(n);
    past_specks(rest);
  }
  // The day's full stop read as a colon or comma before the month's name: "den 4: Juli".
  std::size_t digits = 0;
  while (digits < rest.size() && digits < 2 &&
         std::isdigit(static_cast<unsigned char>(rest[digits])))
    ++digits;
  if (digits > 0 && digits + 2 < rest.size() && (rest[digits] == ':' || rest[digits] == ',') &&
      rest[digits + 1] == ' ' && std::isalpha(static_cast<unsigned char>(rest[digits + 2])))
    rest[digits] = '.';
  // The date must open what follows the comma, so only its first stretch is searched: a
  // body line with a comma and numbers further on would otherwise run every date pattern
  // over the whole line. No date is half as long as the stretch, so one that opens the
  // rest lies inside it; a match that reaches its end may have been cut ("14.06.20|21"),
  // and then the whole is searched.
  constexpr std::size_t kDateStretch = 64;
  const auto date_at_start = [&](const std::string& stretch) {
    std::optional<FoundDate> date =
        dates_.find_first(std::string_view(stretch).substr(0, kDateStretch));
    if (stretch.size() > kDateStretch && date && date->end + 1 >= kDateStretch)
      date = dates_.find_first(stretch);
    if (date && date->begin > 1) date.reset();
    return date;
  };
  std::optional<FoundDate> date = date_at_start(rest);
  if (!date) {
    // The date as OCR garbled it: read again with its parts mended.
    std::string mended = mend_date(rest);
    if (!mended.empty() && (date = date_at_start(mended))) rest = std::move(mended);
  }
  if (!date) return std::nullopt;
  std::string after = trim(rest.substr(date->end));
  if (after.size() <= 1) return Dateline{place, date->iso, true};
  // Specks read as quotation marks before the dash ("2025 \u201a \u2014 Für …").
  for (std::size_t n = quote_speck(after); n > 0 && n < after.size(); n = quote_speck(after))
    after = trim(after.substr(n));
  // The dash read as some other mark ("2014 \u00a9 The service", "2014 * Der Rat"): a word
  // of marks only, then a sentence.
  if (const std::size_t blank = after.find(' ');
      blank != std::string::npos && blank <= 4 && !dash_like(after) && after[0] != '.' &&
      after[0] != ':' && marks_only(after.substr(0, blank))) {
    const std::string sentence = trim(after.substr(blank));
    if (starts_uppercase(sentence) && sentence.find(' ') != std::string::npos &&
        starts_lowercase(sentence.substr(char_length(sentence, 0))))
      return Dateline{place, date->iso, false};
  }
  // A full stop, a colon or a dash as OCR reads it ends the dateline; so does a sentence
  // that starts right after the date where OCR lost the dash ("2025 Für die Umsetzung"),
  // where a sentence running on from a date goes on in lowercase ("…, 5. Mai beginnt").
  const bool separated = after[0] == '.' || after[0] == ':' || dash_like(after);
  const bool sentence = starts_uppercase(after) && after.find(' ') != std::string::npos &&
                        starts_lowercase(after.substr(char_length(after, 0)));
  if (!separated && !sentence) return std::nullopt;
  return Dateline{place, date->iso, false};
}

std::size_t DatelineReader::connector_length(std::string_view rest) const {
  for (const auto& [connector, with_blank, with_stop] : connectors_)
    if (starts_with_ci(rest, with_blank) || starts_with_ci(rest, with_stop))
      return connector.size();
  // A connector of three letters or more that OCR misread by one ("dcn", "deu" for "den"):
  // a word in small letters before the day's number.
  const std::size_t space = rest.find(' ');
  if (space == std::string::npos || space + 1 >= rest.size() ||
      !std::isdigit(static_cast<unsigned char>(rest[space + 1])))
    return 0;
  std::string_view word = rest.substr(0, space);
  if (!word.empty() && word.back() == '.') word.remove_suffix(1);
  if (word.size() < 3 || word.size() > 4 ||
      !std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    return 0;
  for (const auto& [connector, with_blank, with_stop] : connectors_)
    if (connector.size() >= 3 && edit_distance(std::string(word), connector) <= 1) return space;
  return 0;
}

}  // namespace pressarchive
