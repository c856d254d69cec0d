#include "stages/metadata/dates.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <regex>

#include "stages/core/text_util.h"

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

std::string regex_escape(const std::string& s) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\/])");
  return std::regex_replace(s, special, R"(\$&)");
}

// libstdc++'s std::regex matches by recursive backtracking, a few stack frames for every
// character a `\s*` consumes: a line of 40,000 blanks after a digit (a hostile PDF's text
// layer; found by fuzz/dates_fuzzer) overflowed the stack, and took seconds before that.
// The patterns consume a run of blanks either whole (`\s*`, `\s+`) or only when it is one
// character long (" ?"), so with every run cut to kMaxBlankRun characters they find
// exactly the same dates; `offset` maps the positions back.
constexpr std::size_t kMaxBlankRun = 8;

struct CutText {
  std::string text;
  std::vector<std::size_t> offset;  // offset[i]: position of text[i] in the original;
                                    // offset[text.size()]: the original's size
};

CutText cut_blank_runs(std::string_view s) {
  CutText cut;
  cut.text.reserve(s.size());
  cut.offset.reserve(s.size() + 1);
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
    run = blank ? run + 1 : 0;
    if (run > kMaxBlankRun) continue;
    cut.text.push_back(c);
    cut.offset.push_back(i);
  }
  cut.offset.push_back(s.size());
  return cut;
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
    const bool boundary_after = j == out.size() || !std::isalpha(static_cast<unsigned char>(out[j]));
    if (digits >= 2 && boundary_before && boundary_after) {
      for (std::size_t k = i; k < j; ++k) {
        char& c = out[k];
        if (c == 'O' || c == 'o') c = '0';
        else if (c == 'I' || c == 'l' || c == '|') c = '1';
        else if (c == 'S') c = '5';
      }
    }
    i = j;
  }
  return out;
}

struct DateFinder::Impl {
  std::map<std::string, int> month_of;  // spelling -> 1..12
  std::regex numeric, slashed, iso, day_month_year, month_day_year;
};

DateFinder::DateFinder(const MetadataRules& rules) : impl_(std::make_unique<Impl>()) {
  std::vector<std::string> spellings;
  for (const auto& [lang, months] : rules.month_names)
    for (std::size_t m = 0; m < months.size(); ++m)
      for (const std::string& s : months[m])
        if (!s.empty() && impl_->month_of.emplace(s, static_cast<int>(m) + 1).second)
          spellings.push_back(s);
  std::sort(spellings.begin(), spellings.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string months;
  for (const std::string& s : spellings) months += (months.empty() ? "" : "|") + regex_escape(s);
  if (months.empty()) months = "(?!x)x";
  const std::string year4 = "((?:1[89]|20)[0-9]{2})";
  const auto flags = std::regex::ECMAScript | std::regex::optimize;
  impl_->numeric = std::regex(
      R"((^|[^0-9])([0-3]?[0-9]) ?[.,]{1,2} ?([01]?[0-9])(?: ?[.,]{1,2} ?| )((?:1[89]|20)?[0-9]{2})(?![0-9]))",
      flags);
  // 14/06/2021: day first, as in Germany and Britain (US month-first dates are not read).
  impl_->slashed = std::regex(R"((^|[^0-9/])([0-3]?[0-9]) ?/ ?([01]?[0-9]) ?/ ?((?:1[89]|20)[0-9]{2})(?![0-9/]))", flags);
  impl_->iso = std::regex(R"((^|[^0-9]))" + year4 + R"(-([01]?[0-9])-([0-3]?[0-9])(?![0-9]))", flags);
  impl_->day_month_year = std::regex(
      R"((^|[^0-9])([0-3]?[0-9]) ?[.,]{0,2}\s*()" + months + R"()\.?,?\s*)" + year4 + "(?![0-9])",
      flags);
  impl_->month_day_year = std::regex(
      R"((^|[^a-z]))" + std::string("(") + months +
          R"()\.?\s+([0-3]?[0-9])(?:st|nd|rd|th)?,?\s+)" + year4 + "(?![0-9])",
      flags);
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
  const CutText cut = cut_blank_runs(lower_utf8(repair_digits(text)));
  const std::string& haystack = cut.text;
  if (digits(haystack) < 4) return {};
  std::vector<FoundDate> found;
  auto scan = [&](const std::regex& re, auto to_iso) {
    for (auto it = std::sregex_iterator(haystack.begin(), haystack.end(), re);
         it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      if (std::optional<std::string> iso = to_iso(m)) {
        const auto begin = static_cast<std::size_t>(m.position(0) + m.length(1));
        const auto end = static_cast<std::size_t>(m.position(0) + m.length(0));
        found.push_back({*iso, cut.offset[begin], cut.offset[end]});
      }
    }
  };
  const auto month = [&](const std::string& name) {
    const auto it = impl_->month_of.find(name);
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
  if (has('.') || has(','))
    scan(impl_->numeric, [](const std::smatch& m) {
      return make_iso(std::stoi(m[4]), std::stoi(m[3]), std::stoi(m[2]));
    });
  if (year && has('/'))
    scan(impl_->slashed, [](const std::smatch& m) {
      return make_iso(std::stoi(m[4]), std::stoi(m[3]), std::stoi(m[2]));
    });
  if (year && has('-'))
    scan(impl_->iso, [](const std::smatch& m) {
      return make_iso(std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4]));
    });
  if (year) {
    scan(impl_->day_month_year, [&](const std::smatch& m) {
      return make_iso(std::stoi(m[4]), month(m[3]), std::stoi(m[2]));
    });
    scan(impl_->month_day_year, [&](const std::smatch& m) {
      return make_iso(std::stoi(m[4]), month(m[2]), std::stoi(m[3]));
    });
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
