#include "stages/metadata/dates/dates.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string_view>

#include "stages/core/text_util.h"
#include "stages/metadata/base/byte_regex.h"

namespace pressarchive {
namespace {

bool is_digit_like(char c) {
  return (c >= '0' && c <= '9') || c == 'O' || c == 'o' || c == 'I' || c == 'l' || c == '|' ||
         c == 'S' || c == '.' || c == ',' || c == '/' || c == '-';
}

std::optional<std::string> make_iso(int year, int month, int day) {
  if (year < 100) year += year < 50 ? 2000 : 1900;
  if (year < 1800 || year > 2100 || month < 1 || month > 12 || day < 1) return std::nullopt;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1]) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return std::string(buf);
}

// The patterns are matched on bytes (compile_byte_regex). RE2 has no lookahead: a
// pattern's "(?![0-9])" is its last group "([^0-9]|$)", which the search consumes but the
// date does not include, and the next search starts where the date ended.
std::shared_ptr<const RE2> compile(const std::string& pattern) {
  std::string error;
  std::shared_ptr<const RE2> re = compile_byte_regex(pattern, &error);
  if (!re) throw std::logic_error("dates: bad pattern " + pattern + ": " + error);
  return re;
}

// "\s*" and "\s+" as std::regex read them in the C locale: RE2's "\s" leaves out the
// vertical tab.
constexpr std::string_view kBlanks = "[\t\n\v\f\r ]*";
constexpr std::string_view kSomeBlanks = "[\t\n\v\f\r ]+";

std::string concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

}  // namespace

std::string repair_digits(std::string_view text) {
  std::string out(text);
  std::size_t i = 0;
  while (i < out.size()) {
    if (!is_digit_like(out[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    int digits = 0;
    while (j < out.size() && is_digit_like(out[j])) digits += (out[j] >= '0' && out[j] <= '9'), ++j;
    // Only a run that starts or ends at a word boundary and already looks numeric.
    const bool boundary_before = i == 0 || !std::isalpha(static_cast<unsigned char>(out[i - 1]));
    const bool boundary_after =
        j == out.size() || !std::isalpha(static_cast<unsigned char>(out[j]));
    if (digits >= 2 && boundary_before && boundary_after) {
      for (std::size_t k = i; k < j; ++k) {
        char& c = out[k];
        if (c == 'O' || c == 'o')
          c = '0';
        else if (c == 'I' || c == 'l' || c == '|')
          c = '1';
        else if (c == 'S')
          c = '5';
      }
    }
    i = j;
  }
  return out;
}

struct DateFinder::Impl {
  std::map<std::string, int> month_of;  // spelling -> 1..12
  std::shared_ptr<const RE2> numeric, slashed, iso;
  std::shared_ptr<const RE2> day_month_year, month_day_year;  // null without month names
};

DateFinder::DateFinder(const MetadataRules& rules) : impl_(std::make_unique<Impl>()) {
  std::vector<std::string> spellings;
  for (const auto& [lang, months] : rules.month_names)
    for (std::size_t m = 0; m < months.size(); ++m)
      for (const std::string& s : months[m])
        if (!s.empty() && impl_->month_of.emplace(s, static_cast<int>(m) + 1).second)
          spellings.push_back(s);
  // A month's name as OCR misreads one of its letters on a degraded scan: "rn" for "m"
  // ("Dezernber"), "c" for "e" ("Oktobcr"), "l" for "i" ("Aprll"), "v" for "y"
  // ("Januarv"). Names of five letters
  // or more only, and never where the misreading spells another month: short names and
  // their misreadings are words ("Mal").
  for (const std::string& s : std::vector<std::string>(spellings)) {
    if (s.size() < 5) continue;
    const int month = impl_->month_of.at(s);
    for (const auto& [letter, misread] :
         {std::pair<char, const char*>{'m', "rn"}, {'e', "c"}, {'i', "l"}, {'y', "v"}})
      for (std::size_t at = s.find(letter); at != std::string::npos; at = s.find(letter, at + 1)) {
        std::string variant = s;
        variant.replace(at, 1, misread);
        if (impl_->month_of.emplace(variant, month).second) spellings.push_back(variant);
      }
  }
  std::sort(spellings.begin(), spellings.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string months;
  for (const std::string& s : spellings) {
    if (!months.empty()) months += '|';
    months += RE2::QuoteMeta(s);
  }
  constexpr std::string_view year4 = "((?:1[89]|20)[0-9]{2})";
  constexpr std::string_view after = "([^0-9]|$)";  // (?![0-9])
  // A full stop between the numbers, as OCR may read it: a comma, or a single quotation
  // mark from a dot with a speck beside it ("11.01 ‚2018", "11’01.2018").
  const std::string stop = "(?:[.,]|\u201a|\u2018|\u2019)";
  impl_->numeric = compile(concat({"(^|[^0-9])([0-3]?[0-9]) ?", stop, "{1,2} ?([01]?[0-9])(?: ?",
                                   stop, "{1,2} ?| )((?:1[89]|20)?[0-9]{2})([^0-9]|$)"}));
  // 14/06/2021: day first, as in Germany and Britain (US month-first dates are not read).
  impl_->slashed =
      compile(R"((^|[^0-9/])([0-3]?[0-9]) ?/ ?([01]?[0-9]) ?/ ?((?:1[89]|20)[0-9]{2})([^0-9/]|$))");
  // ISO dates as OCR may read their hyphens: with a blank beside one, or as a dash.
  const std::string hyphen = "(?: ?(?:-|\u2013|\u2014) ?)";
  impl_->iso = compile(
      concat({"(^|[^0-9])", year4, hyphen, "([01]?[0-9])", hyphen, "([0-3]?[0-9])", after}));
  if (months.empty()) return;
  impl_->day_month_year = compile(concat({"(^|[^0-9])([0-3]?[0-9]) ?[.,]{0,2}", kBlanks, "(",
                                          months, ")\\.?,?", kBlanks, year4, after}));
  impl_->month_day_year =
      compile(concat({"(^|[^a-z])(", months, ")\\.?", kSomeBlanks,
                      "([0-3]?[0-9])(?:st|nd|rd|th)?,?", kSomeBlanks, year4, after}));
}

DateFinder::~DateFinder() = default;
DateFinder::DateFinder(DateFinder&&) noexcept = default;

std::vector<FoundDate> DateFinder::find_all(std::string_view text) const {
  // Every pattern needs at least four digits (a day, a month or month name, and a year
  // of two or four), and repair_digits only touches runs that already hold two. Most
  // lines of a body have none: they skip the five regex scans, which dominated metadata
  // extraction of born-digital documents.
  const auto digits = [](std::string_view s) {
    return std::count_if(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (digits(text) < 2) return {};
  const std::string haystack = lower_utf8(repair_digits(text));
  if (digits(haystack) < 4) return {};
  std::vector<FoundDate> found;
  // Every match of `re` (its first group the character before the date, its last the
  // one after), each search starting where the previous date ended.
  auto scan = [&](const RE2* re, auto to_iso) {
    if (!re) return;
    const int groups = re->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> m(static_cast<std::size_t>(groups));
    const auto at = [&haystack](re2::StringPiece p) {
      return static_cast<std::size_t>(p.data() - haystack.data());
    };
    std::size_t from = 0;
    while (from < haystack.size() &&
           re->Match(haystack, from, haystack.size(), RE2::UNANCHORED, m.data(), groups)) {
      const std::size_t begin = at(m[1]) + m[1].size();
      const std::size_t end = at(m[static_cast<std::size_t>(groups) - 1]);
      if (std::optional<std::string> iso = to_iso(m)) found.push_back({*iso, begin, end});
      from = end;
    }
  };
  using Groups = std::vector<re2::StringPiece>;
  const auto number = [](re2::StringPiece p) { return std::stoi(std::string(p)); };
  const auto month = [&](re2::StringPiece name) {
    const auto it = impl_->month_of.find(std::string(name));
    return it == impl_->month_of.end() ? 0 : it->second;
  };
  // What each pattern cannot match without, looked for first: a pattern whose needs
  // the line lacks cannot match it, so skipping it changes nothing. All but the numeric
  // one need a four-digit year (18xx, 19xx, 20xx) not followed by a digit.
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  bool year = false;
  for (std::size_t i = 0; i + 4 <= haystack.size() && !year; ++i)
    year = ((haystack[i] == '1' && (haystack[i + 1] == '8' || haystack[i + 1] == '9')) ||
            (haystack[i] == '2' && haystack[i + 1] == '0')) &&
           is_digit(haystack[i + 2]) && is_digit(haystack[i + 3]) &&
           (i + 4 == haystack.size() || !is_digit(haystack[i + 4]));
  const auto has = [&haystack](char c) { return haystack.find(c) != std::string::npos; };
  if (has('.') || has(',') || haystack.find("\xE2\x80") != std::string::npos)
    scan(impl_->numeric.get(),
         [&](const Groups& m) { return make_iso(number(m[4]), number(m[3]), number(m[2])); });
  if (year && has('/'))
    scan(impl_->slashed.get(),
         [&](const Groups& m) { return make_iso(number(m[4]), number(m[3]), number(m[2])); });
  if (year && (has('-') || haystack.find("\xE2\x80") != std::string::npos))
    scan(impl_->iso.get(),
         [&](const Groups& m) { return make_iso(number(m[2]), number(m[3]), number(m[4])); });
  if (year) {
    scan(impl_->day_month_year.get(),
         [&](const Groups& m) { return make_iso(number(m[4]), month(m[3]), number(m[2])); });
    scan(impl_->month_day_year.get(),
         [&](const Groups& m) { return make_iso(number(m[4]), month(m[2]), number(m[3])); });
  }
  std::sort(found.begin(), found.end(),
            [](const FoundDate& a, const FoundDate& b) { return a.begin < b.begin; });
  // Overlapping matches of different patterns describe the same date: keep the first.
  std::vector<FoundDate> unique;
  for (const FoundDate& d : found)
    if (unique.empty() || d.begin >= unique.back().end) unique.push_back(d);
  return unique;
}

std::optional<FoundDate> DateFinder::find_first(std::string_view text) const {
  std::vector<FoundDate> all = find_all(text);
  if (all.empty()) return std::nullopt;
  return all.front();
}

}  // namespace pressarchive
