// The one text layer: UTF-8 decoded, lowered and classified by ICU, for triage, metadata
// and near-duplicates alike. Text from files and OCR is hostile: bytes that are not
// well-formed UTF-8 never crash and never read past the end.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pressarchive {

namespace text_detail {
char32_t next_code_point_beyond_ascii(std::string_view s, std::size_t& i);
bool is_letter_or_digit_beyond_ascii(char32_t c);
bool is_uppercase_beyond_ascii(char32_t c);
bool is_lowercase_beyond_ascii(char32_t c);
}  // namespace text_detail

// The code point at byte `i`, and `i` moved past it; a byte sequence that is not
// well-formed UTF-8 reads as U+FFFD and `i` moves past it (at least one byte). ASCII is
// read here, the rest by ICU: most text of a German or English page is ASCII.
inline char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  return text_detail::next_code_point_beyond_ascii(s, i);
}

// The code points of well-formed UTF-8; nullopt when any byte sequence is not.
std::optional<std::u32string> decode_utf8(std::string_view s);

// Letter classes (Unicode's, through ICU): a letter or digit of any script; an
// uppercase or lowercase letter.
inline bool is_letter_or_digit(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return text_detail::is_letter_or_digit_beyond_ascii(c);
}
inline bool is_uppercase(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  return text_detail::is_uppercase_beyond_ascii(c);
}
inline bool is_lowercase(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  return text_detail::is_lowercase_beyond_ascii(c);
}

// The lowercase form of one code point, as lower_utf8 lowers it.
char32_t lower_code_point(char32_t c);

// Lowercases every letter that has a lowercase form (Unicode's simple case mapping:
// Ä → ä, Ł → ł, Ő → ő, Š → š, Σ → σ); bytes that are not well-formed UTF-8 unchanged.
std::string lower_utf8(std::string_view s);

std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char separator);

// Lowercase words: maximal runs of letters and digits of any script (and the combining
// marks on them), so "für", "Tätigkeit" and "Łódź" stay whole. Punctuation, quotes
// („ “ ’) and bytes that are not UTF-8 separate words.
std::vector<std::string> words(std::string_view s);
// Calls `take` with each word of words(s), in order, lowered the same way; the view is
// valid during the call only (one buffer serves every word).
void for_each_word(std::string_view s, const std::function<void(std::string_view)>& take);
// Whether `s` has a word at all: !words(s).empty(), without making them.
bool has_word(std::string_view s);
// How many words `s` has: words(s).size(), without making them.
std::size_t count_words(std::string_view s);

namespace text_detail {
bool starts_with_ci_at_length(std::string_view s, std::string_view prefix);
}  // namespace text_detail

// True when `s` begins with `prefix`, ignoring case (as lower_utf8) and leading blanks.
// Metadata asks this of every line for every label: a line that opens with a printable
// ASCII character other than the label's first is answered here.
inline bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (!s.empty() && !prefix.empty()) {
    const auto first = static_cast<unsigned char>(s[0]);
    const auto label_first = static_cast<unsigned char>(prefix[0]);
    const auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; };
    if (first > ' ' && first < 0x80 && label_first < 0x80 && lower(first) != lower(label_first))
      return false;
  }
  return text_detail::starts_with_ci_at_length(s, prefix);
}

// Levenshtein distance (insert, delete, substitute: 1 each) between two sequences: the
// bytes of two std::strings (keys, mostly ASCII) or the code points of two u32strings.
template <typename Text>
std::size_t edit_distance(const Text& a, const Text& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The smallest edit distance between `pattern` and any substring of `text` (Sellers 1980:
// a match may start and end anywhere in `text`); pattern.size() when `text` is empty.
// Myers' bit-parallel algorithm (1999), 64 rows of the dynamic programme per machine word:
// the same distances as the cell-by-cell programme, in O(text.size() * pattern.size() / 64).
std::size_t best_substring_distance(std::u32string_view pattern, std::u32string_view text);

// The number of UTF-8 bytes of code point `c` (1 to 4), and `c` written at `at` as them,
// `at` moved past: for loops that size their output once (`c` at most U+10FFFF).
inline std::size_t utf8_length(char32_t c) {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}
inline void put_utf8(char32_t c, char*& at) {
  const auto byte = [&at](std::uint32_t b) { *at++ = static_cast<char>(b); };
  if (c < 0x80) {
    byte(c);
  } else if (c < 0x800) {
    byte(0xC0 | (c >> 6));
    byte(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    byte(0xE0 | (c >> 12));
    byte(0x80 | ((c >> 6) & 0x3F));
    byte(0x80 | (c & 0x3F));
  } else {
    byte(0xF0 | (c >> 18));
    byte(0x80 | ((c >> 12) & 0x3F));
    byte(0x80 | ((c >> 6) & 0x3F));
    byte(0x80 | (c & 0x3F));
  }
}

// Appends `c`, a Unicode scalar value (not a surrogate, at most U+10FFFF), as UTF-8.
void append_utf8(std::string& out, char32_t c);

// The length of the well-formed UTF-8 sequence at byte `i` (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// Replaces bytes that are not well-formed UTF-8 with U+FFFD, one per byte, so the text can
// go into JSON (nlohmann::json refuses the rest) and into PostgreSQL.
std::string valid_utf8(std::string_view s);

}  // namespace pressarchive
