// Small UTF-8 text helpers shared by the metadata stages.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pressarchive {

// Lowercases ASCII and the Latin-1 capitals (Ä, Ö, Ü, É, ...); other bytes unchanged.
std::string lower_utf8(std::string_view s);

std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char separator);

// Lowercase words: maximal runs of ASCII letters, digits and non-ASCII bytes (so "für"
// and "Tätigkeit" stay whole). Punctuation separates words.
std::vector<std::string> words(std::string_view s);

// True when `s` begins with `prefix`, ignoring case (as lower_utf8) and leading blanks.
bool starts_with_ci(std::string_view s, std::string_view prefix);

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

// Appends `c`, a Unicode scalar value (not a surrogate, at most U+10FFFF), as UTF-8.
void append_utf8(std::string& out, char32_t c);

// The length of the well-formed UTF-8 sequence at byte `i` (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// Replaces bytes that are not well-formed UTF-8 with U+FFFD, one per byte, so the text can
// go into JSON (nlohmann::json refuses the rest) and into PostgreSQL.
std::string valid_utf8(std::string_view s);

}  // namespace pressarchive
