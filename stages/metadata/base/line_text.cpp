#include "stages/metadata/base/line_text.h"

#include <algorithm>
#include <cctype>

#include "stages/core/text_util.h"

namespace pressarchive {

bool is_word_char(const std::string& s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return std::isalnum(c) != 0;
  return is_letter_or_digit(next_code_point(s, i));
}

std::size_t char_length(const std::string& s, std::size_t i) {
  const std::size_t start = i;
  next_code_point(s, i);
  return i - start;
}

bool starts_uppercase(const std::string& s) {
  if (s.empty()) return false;
  std::size_t i = 0;
  return is_uppercase(next_code_point(s, i));
}

bool starts_lowercase(const std::string& s) {
  if (s.empty()) return false;
  std::size_t i = 0;
  return is_lowercase(next_code_point(s, i));
}

bool has_digit(const std::string& s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// Scanner specks and stray marks OCR puts at the ends of a line (". - Kaiserslautern",
// "Press Office _", "“ Pressemitteilung vom …"): a run of punctuation separated from the
// text by a blank, and leading punctuation other than an opening quote or bracket.
std::string strip_noise(const std::string& text) {
  std::string s = trim(text);
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    std::size_t i = 0;
    while (i < s.size() && s[i] != ' ' && !is_word_char(s, i)) i += char_length(s, i);
    if (i > 0 && i < s.size() && s[i] == ' ') {
      s = trim(s.substr(i));
      changed = true;
    }
    std::size_t space = s.rfind(' ');
    if (space != std::string::npos) {
      bool all_noise = space + 1 < s.size();
      for (std::size_t k = space + 1; k < s.size(); k += char_length(s, k))
        if (is_word_char(s, k) || s[k] == '"' || s[k] == ')' || s[k] == '!' || s[k] == '?' ||
            static_cast<unsigned char>(s[k]) == 0xE2)
          all_noise = false;
      if (all_noise) {
        s = trim(s.substr(0, space));
        changed = true;
      }
    }
  }
  std::size_t i = 0;
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80 &&
         !std::isalnum(static_cast<unsigned char>(s[i])) && s[i] != '"' && s[i] != '(')
    ++i;
  s = s.substr(i);
  while (!s.empty() && (s.back() == '_' || s.back() == '~' || s.back() == '|' || s.back() == ' '))
    s.pop_back();
  return s;
}

std::string without_letter_speck(const std::string& text) {
  if (text.empty()) return text;
  const std::size_t one = char_length(text, 0);
  if (one + 1 < text.size() && text[one] == ' ' && starts_lowercase(text) &&
      starts_uppercase(text.substr(one + 1)))
    return text.substr(one + 1);
  return text;
}

namespace {

bool is_quote_mark(char32_t c) {
  return c == U'"' || c == U'\'' || c == U'`' || c == U'\u201A' || c == U'\u201E' ||
         c == U'\u201C' || c == U'\u201D' || c == U'\u2018' || c == U'\u2019' || c == U'\u00AB' ||
         c == U'\u00BB' || c == U'\u2039' || c == U'\u203A';
}

// A quotation mark at the start or the end of a headline, or a double one inside it, that
// no other mark in it closes or opens is a speck OCR read as one ('"Hallenbad ist wieder
// geöffnet', 'stimmt dem "Konzept zu'); an apostrophe between letters is no quotation mark.
std::string without_lone_quote(const std::string& s) {
  struct Mark {
    std::size_t begin, end;
    bool double_mark;
  };
  std::vector<Mark> marks;
  char32_t before = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t begin = i;
    const char32_t c = next_code_point(s, i);
    if (is_quote_mark(c)) {
      std::size_t j = i;
      const bool inside_word =
          is_letter_or_digit(before) && j < s.size() && is_letter_or_digit(next_code_point(s, j));
      const bool double_mark = c == U'"' || c == U'\u201E' || c == U'\u201C' || c == U'\u201D' ||
                               c == U'\u00AB' || c == U'\u00BB';
      if (!inside_word) marks.push_back({begin, i, double_mark});
    }
    before = c;
  }
  if (marks.size() != 1) return s;
  // Inside the headline only a double mark: a single one may be an apostrophe
  // ("residents' questions").
  if (marks[0].begin != 0 && marks[0].end != s.size() && !marks[0].double_mark) return s;
  std::string out = s;
  out.erase(marks[0].begin, marks[0].end - marks[0].begin);
  return trim(out);
}

// A full stop inside a headline after a lowercase word of four letters or more ("mehr.
// Personal", "Bauzeit. ausgeschildert", "free.for") is a speck: a headline is one phrase,
// and abbreviations are short ("ca.", "Dr."). Glued to a lowercase word of three letters
// or more, it stands for a blank.
std::string without_inner_full_stops(const std::string& s) {
  std::u32string cps;
  for (std::size_t i = 0; i < s.size();) cps.push_back(next_code_point(s, i));
  std::string out;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] == U'.' && i + 2 < cps.size()) {
      std::size_t letters = 0;
      while (letters < i && is_lowercase(cps[i - 1 - letters])) ++letters;
      std::size_t next = 0;
      while (i + 1 + next < cps.size() && is_lowercase(cps[i + 1 + next])) ++next;
      if (letters >= 4 && cps[i + 1] == U' ' && is_letter_or_digit(cps[i + 2])) continue;
      if (letters >= 4 && next >= 3) {
        out += ' ';
        continue;
      }
    }
    append_utf8(out, cps[i]);
  }
  return out;
}

}  // namespace

bool has_misread_marks(const std::string& headline) {
  std::u32string cps;
  for (std::size_t i = 0; i < headline.size();) cps.push_back(next_code_point(headline, i));
  int colons = 0, quotes = 0, double_quotes = 0;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const char32_t c = cps[i];
    const bool after_letter = i > 0 && is_letter_or_digit(cps[i - 1]);
    const bool before_letter = i + 1 < cps.size() && is_letter_or_digit(cps[i + 1]);
    colons += c == U':';
    if (is_quote_mark(c) && !(after_letter && before_letter)) ++quotes;
    // Double marks pair among themselves, whatever single marks (apostrophes) stand beside
    // them: "… by’ alarge majority”" has two marks, but one double mark nothing opens.
    double_quotes += c == U'"' || c == U'\u201E' || c == U'\u201C' || c == U'\u201D' ||
                     c == U'\u00AB' || c == U'\u00BB';
    // "ü" read as "ii": no German or English word of a headline has it.
    if (c == U'i' && i + 1 < cps.size() && cps[i + 1] == U'i') return true;
    // A full stop inside a headline, after a lowercase word ("mehr. Personal",
    // "free.for"): a speck, where abbreviations are short ("ca.", "Dr.").
    if (c == U'.' && i + 2 < cps.size() && (cps[i + 1] == U' ' || is_lowercase(cps[i + 1]))) {
      std::size_t letters = 0;
      while (letters < i && is_lowercase(cps[i - 1 - letters])) ++letters;
      if (letters >= 4) return true;
    }
  }
  return colons > 1 || quotes % 2 == 1 || double_quotes % 2 == 1;
}

// A headline as printed: without trailing OCR punctuation (a headline ends without a
// full stop), with the low double quote OCR reads as two commas put back, without a
// lone quotation mark at either end.
std::string clean_headline(const std::string& text) {
  std::string s = strip_noise(text);
  const auto drop_end_punctuation = [&s] {
    while (!s.empty() && (s.back() == '.' || s.back() == ',' || s.back() == ':' ||
                          s.back() == ';' || s.back() == '-'))
      s.pop_back();
  };
  drop_end_punctuation();
  for (std::size_t at = s.find(",,"); at != std::string::npos; at = s.find(",,", at)) {
    const bool opening =
        (at == 0 || s[at - 1] == ' ') && at + 2 < s.size() && is_word_char(s, at + 2);
    if (opening) s.replace(at, 2, "\u201e");
    at += opening ? 3 : 2;
  }
  s = without_lone_quote(trim(s));
  drop_end_punctuation();
  return trim(without_inner_full_stops(s));
}

std::vector<std::string> tokens(const std::string& s) {
  // As split(s, ' ') without its empty parts, each part made once.
  static constexpr std::string_view kBlanks = " \t\r\n\f\v";
  std::vector<std::string> out;
  const std::string_view text(s);
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t at = text.find(' ', start);
    if (at == std::string_view::npos) at = text.size();
    const std::string_view part = text.substr(start, at - start);
    const std::size_t first = part.find_first_not_of(kBlanks);
    if (first != std::string_view::npos)
      out.emplace_back(part.substr(first, part.find_last_not_of(kBlanks) - first + 1));
    start = at + 1;
  }
  return out;
}

TokenParts token_parts(const std::string& token) {
  std::size_t b = 0, e = token.size();
  while (b < e && static_cast<unsigned char>(token[b]) < 0x80 &&
         !std::isalnum(static_cast<unsigned char>(token[b])))
    ++b;
  while (e > b && static_cast<unsigned char>(token[e - 1]) < 0x80 &&
         !std::isalnum(static_cast<unsigned char>(token[e - 1])))
    --e;
  return {token.substr(0, b), token.substr(b, e - b), token.substr(e)};
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

// Whether `text` starts with the words of `phrase` (case-insensitive, punctuation
// ignored); the number of words of `text` it covers.
std::optional<std::size_t> starts_with_words(const std::vector<std::string>& text,
                                             const std::string& phrase) {
  return starts_with_words_at(text, 0, words(phrase));
}

std::optional<std::size_t> starts_with_words_at(const std::vector<std::string>& text,
                                                std::size_t from,
                                                const std::vector<std::string>& phrase_words) {
  const std::vector<std::string>& p = phrase_words;
  if (p.empty() || from > text.size() || p.size() > text.size() - from) return std::nullopt;
  for (std::size_t k = 0; k < p.size(); ++k)
    if (text[from + k] != p[k]) return std::nullopt;
  return p.size();
}

bool ends_sentence(const std::string& text) {
  std::string t = trim(text);
  while (!t.empty() && (t.back() == '"' || t.back() == ')')) t.pop_back();
  if (t.size() >= 3 && static_cast<unsigned char>(t[t.size() - 3]) == 0xE2)
    t.resize(t.size() - 3);  // “ ”
  return !t.empty() && (t.back() == '.' || t.back() == '!' || t.back() == '?');
}

// "… Radwegenetz. Die …": a full stop (or ! ?) after a word of three letters or more whose
// last two are lowercase ("Süd." ends a sentence, "Dr." and "St." do not), then at most
// one closing quote, spaces, at most one opening quote, and an uppercase letter. Letters
// of any script, as the text layer classifies them ("Łódź. Dzień" too).
bool has_inner_sentence_end(const std::string& text) {
  const auto closing = [](char32_t c) { return c == U'"' || c == U'\u201C' || c == U'\u201D'; };
  const auto opening = [](char32_t c) {
    return c == U'"' || c == U'\u201E' || c == U'\u201C' || c == U'\u00BB' || c == U'\u00AB';
  };
  std::u32string cps;
  for (std::size_t i = 0; i < text.size();) cps.push_back(next_code_point(text, i));
  const std::size_t n = cps.size();
  for (std::size_t i = 3; i < n; ++i) {
    if (cps[i] != U'.' && cps[i] != U'!' && cps[i] != U'?') continue;
    if (!is_lowercase(cps[i - 1]) || !is_lowercase(cps[i - 2]) || !is_letter_or_digit(cps[i - 3]))
      continue;
    std::size_t k = i + 1;
    if (k < n && closing(cps[k])) ++k;
    if (k >= n || cps[k] != U' ') continue;
    while (k < n && cps[k] == U' ') ++k;
    if (k < n && opening(cps[k])) ++k;
    if (k < n && is_uppercase(cps[k])) return true;
  }
  return false;
}

float median_of(std::vector<float> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Text after a label such as "Autor/in:" (the colon is optional in the rule).
std::optional<std::string> after_label(const std::string& line, const std::string& label) {
  if (!starts_with_ci(line, label)) return std::nullopt;
  std::string rest = trim(line);
  rest = rest.substr(label.size());
  if (rest.empty() || (rest[0] != ':' && label.back() != ':')) return std::nullopt;
  if (rest[0] == ':') rest = rest.substr(1);
  rest = trim(rest);
  if (rest.empty()) return std::nullopt;
  return rest;
}

std::optional<std::string> after_any_label(const std::string& line,
                                           const std::vector<std::string>& labels) {
  for (const std::string& label : labels)
    if (auto value = after_label(line, label)) return value;
  return std::nullopt;
}

// Splits a header line at separators with a blank on both sides.
std::vector<std::string> header_segments(const std::string& text,
                                         const std::vector<std::string>& separators) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ' ') continue;
    for (const std::string& sep : separators) {
      if (text.compare(i + 1, sep.size(), sep) == 0 && i + 1 + sep.size() < text.size() &&
          text[i + 1 + sep.size()] == ' ') {
        out.push_back(trim(text.substr(from, i - from)));
        from = i + 1 + sep.size();
        i = from;
        break;
      }
    }
  }
  out.push_back(trim(text.substr(from)));
  out.erase(std::remove_if(out.begin(), out.end(), [](const std::string& s) { return s.empty(); }),
            out.end());
  return out;
}

std::string strip_trailing_punctuation(std::string s) {
  while (!s.empty() && (s.back() == ',' || s.back() == '.' || s.back() == ';' || s.back() == ':' ||
                        s.back() == '"' || s.back() == ')'))
    s.pop_back();
  for (const char* quote : {"\u201c", "\u201d", "\u2019"})
    if (s.size() >= 3 && s.compare(s.size() - 3, 3, quote) == 0) s.resize(s.size() - 3);
  return s;
}

std::string strip_leading_quotes(std::string s) {
  for (const char* quote : {"\u201e", "\u201c", "\u201a", "\u2018"})
    if (s.rfind(quote, 0) == 0) return s.substr(3);
  if (!s.empty() && (s[0] == '"' || s[0] == '(')) return s.substr(1);
  return s;
}

bool ends_clause(const std::string& token) {
  if (token.empty()) return true;
  const char c = token.back();
  if (c == '.' || c == ';' || c == ':' || c == '"' || c == '!' || c == '?' || c == ')') return true;
  return token.size() >= 3 && static_cast<unsigned char>(token[token.size() - 3]) == 0xE2;  // “ ” –
}

std::string in_case_of(const std::string& lower, const std::string& as) {
  const bool capitals = lower_utf8(as) != as && !starts_lowercase(as) && [&] {
    std::size_t i = 0;
    next_code_point(as, i);
    return !starts_lowercase(as.substr(i));
  }();
  std::string out;
  bool first = true;
  for (std::size_t i = 0; i < lower.size();) {
    char32_t c = next_code_point(lower, i);
    if (capitals || (first && starts_uppercase(as))) {
      if (c >= U'a' && c <= U'z')
        c = c - U'a' + U'A';
      else if (c == U'\u00E4' || c == U'\u00F6' || c == U'\u00FC')
        c -= 0x20;
    }
    append_utf8(out, c);
    first = false;
  }
  return out;
}

std::string capitalised(const std::string& lower) { return in_case_of(lower, "Aa"); }

}  // namespace pressarchive
