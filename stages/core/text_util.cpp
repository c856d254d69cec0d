#include "stages/core/text_util.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <cstring>

namespace pressarchive {

namespace text_detail {

char32_t next_code_point_beyond_ascii(std::string_view s, std::size_t& i) {
  UChar32 c = 0;
  U8_NEXT(s.data(), i, s.size(), c);
  return c < 0 ? 0xFFFD : static_cast<char32_t>(c);
}

bool is_letter_or_digit_beyond_ascii(char32_t c) { return u_isalnum(static_cast<UChar32>(c)) != 0; }
bool is_uppercase_beyond_ascii(char32_t c) { return u_isUUppercase(static_cast<UChar32>(c)) != 0; }
bool is_lowercase_beyond_ascii(char32_t c) { return u_isULowercase(static_cast<UChar32>(c)) != 0; }

}  // namespace text_detail

std::optional<std::u32string> decode_utf8(std::string_view s) {
  // Never more code points than bytes: sized once, written through a pointer.
  std::u32string out(s.size(), U'\0');
  char32_t* at = out.data();
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      *at++ = static_cast<unsigned char>(s[i++]);
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(s.data(), i, s.size(), c);
    if (c < 0) return std::nullopt;
    *at++ = static_cast<char32_t>(c);
  }
  out.resize(static_cast<std::size_t>(at - out.data()));
  return out;
}

char32_t lower_code_point(char32_t c) {
  if (c < 0x80) return c >= U'A' && c <= U'Z' ? c + 32 : c;
  return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
}

std::string lower_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      out += b0 >= 'A' && b0 <= 'Z' ? static_cast<char>(b0 + 32) : static_cast<char>(b0);
      ++i;
      continue;
    }
    const std::size_t start = i;
    UChar32 c = 0;
    U8_NEXT(s.data(), i, s.size(), c);
    if (c < 0)
      out.append(s.substr(start, i - start));  // not UTF-8: kept as it is
    else
      append_utf8(out, lower_code_point(static_cast<char32_t>(c)));
  }
  return out;
}

std::string trim(std::string_view s) {
  const char* blanks = " \t\r\n\f\v";
  const std::size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string_view::npos) return {};
  const std::size_t end = s.find_last_not_of(blanks);
  return std::string(s.substr(begin, end - begin + 1));
}

std::vector<std::string> split(std::string_view s, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = s.find(separator, start);
    parts.push_back(trim(s.substr(start, at - start)));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

namespace {

// A character of a word: a letter or digit, or a mark that sits on one (a decomposed "ü",
// a Devanagari vowel).
bool in_word(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (is_letter_or_digit(c)) return true;
  const auto type = u_charType(static_cast<UChar32>(c));
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
}

}  // namespace

bool has_word(std::string_view s) {
  for (std::size_t i = 0; i < s.size();)
    if (in_word(next_code_point(s, i))) return true;
  return false;
}

std::size_t count_words(std::string_view s) {
  std::size_t count = 0;
  bool inside = false;
  for (std::size_t i = 0; i < s.size();) {
    const bool word_char = in_word(next_code_point(s, i));
    if (word_char && !inside) ++count;
    inside = word_char;
  }
  return count;
}

void for_each_word(std::string_view s, const std::function<void(std::string_view)>& take) {
  std::string word;
  std::size_t i = 0;
  bool ascii_only = true;  // the word so far: lowered in place when it is all ASCII
  std::size_t start = 0;
  bool inside = false;
  const auto finish = [&](std::size_t end) {
    if (ascii_only) {
      word.assign(s, start, end - start);
      for (char& ch : word)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    } else {
      word = lower_utf8(s.substr(start, end - start));
    }
    take(word);
  };
  while (i < s.size()) {
    const std::size_t at = i;
    const char32_t c = next_code_point(s, i);
    const bool word_char = in_word(c);
    if (word_char && !inside) start = at, inside = true, ascii_only = true;
    if (word_char && c >= 0x80) ascii_only = false;
    if (!word_char && inside) {
      finish(at);
      inside = false;
    }
  }
  if (inside) finish(s.size());
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  for_each_word(s, [&](std::string_view word) { out.emplace_back(word); });
  return out;
}

namespace text_detail {

bool starts_with_ci_at_length(std::string_view s, std::string_view prefix) {
  const char* blanks = " \t\r\n\f\v";
  const std::size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string_view::npos) return prefix.empty();
  if (prefix.empty()) return true;
  // Two ASCII first bytes that differ after lowering settle it: most lines, most labels
  // (metadata asks this of every line for every label).
  const auto first = static_cast<unsigned char>(s[begin]);
  const auto first_of_prefix = static_cast<unsigned char>(prefix[0]);
  auto ascii_lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; };
  if (first < 0x80 && first_of_prefix < 0x80 && ascii_lower(first) != ascii_lower(first_of_prefix))
    return false;
  const std::size_t end = s.find_last_not_of(blanks) + 1;
  // An ASCII label against the line's ASCII bytes: compared as they come, nothing lowered
  // into a copy. A character of the line past ASCII goes the long way ("İ" lowers to "i").
  if (std::all_of(prefix.begin(), prefix.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::size_t k = 0;
    for (; k < prefix.size() && begin + k < end; ++k) {
      const auto c = static_cast<unsigned char>(s[begin + k]);
      if (c >= 0x80) break;
      if (ascii_lower(c) != ascii_lower(static_cast<unsigned char>(prefix[k]))) return false;
    }
    if (k == prefix.size()) return true;
    if (begin + k >= end) return false;  // the line is shorter than the label
  }
  // Only as much of the line is lowered as the lowered label is long.
  const std::string label = lower_utf8(prefix);
  std::string line_start;
  for (std::size_t i = begin; i < end && line_start.size() < label.size();) {
    const std::size_t at = i;
    const char32_t c = next_code_point(s, i);
    if (c == 0xFFFD && s.substr(at, i - at) != "\xEF\xBF\xBD")
      line_start.append(s.substr(at, i - at));
    else
      append_utf8(line_start, lower_code_point(c));
  }
  return line_start.compare(0, label.size(), label) == 0 && line_start.size() >= label.size();
}

}  // namespace text_detail

namespace {

// Which rows of a pattern hold each character, one bit per row, in blocks of 64 rows
// (Myers' Peq): 128 entries for ASCII, then one per other character of the pattern
// (sorted), then one with no bit set for the characters the pattern does not have.
class PatternBits {
 public:
  explicit PatternBits(std::u32string_view pattern) : blocks_((pattern.size() + 63) / 64) {
    for (const char32_t c : pattern)
      if (c >= 128) others_.push_back(c);
    std::sort(others_.begin(), others_.end());
    others_.erase(std::unique(others_.begin(), others_.end()), others_.end());
    bits_.resize((128 + others_.size() + 1) * blocks_);
    for (std::size_t row = 0; row < pattern.size(); ++row)
      bits_[entry(pattern[row]) + row / 64] |= std::uint64_t{1} << (row % 64);
  }

  std::size_t blocks() const { return blocks_; }
  const std::uint64_t* of(char32_t c) const { return &bits_[entry(c)]; }

 private:
  std::size_t entry(char32_t c) const {
    if (c < 128) return c * blocks_;
    const auto it = std::lower_bound(others_.begin(), others_.end(), c);
    const auto index = static_cast<std::size_t>(it - others_.begin());
    return (128 + (it != others_.end() && *it == c ? index : others_.size())) * blocks_;
  }

  std::size_t blocks_;
  std::vector<char32_t> others_;
  std::vector<std::uint64_t> bits_;
};

}  // namespace

std::size_t best_substring_distance(std::u32string_view pattern, std::u32string_view text) {
  const std::size_t m = pattern.size();
  if (m == 0) return 0;
  const PatternBits bits(pattern);
  const std::size_t blocks = bits.blocks();
  // Each block holds the vertical deltas of one column of the programme, +1 in `plus`,
  // -1 in `minus` (all +1 at the start: D[i][0] = i). A block passes the horizontal delta
  // of its last row to the block below; the top row is all 0 (a match may start anywhere).
  std::vector<std::uint64_t> plus(blocks, ~std::uint64_t{0}), minus(blocks, 0);
  const std::uint64_t last_row = std::uint64_t{1} << ((m - 1) % 64);
  constexpr std::uint64_t kTopBit = std::uint64_t{1} << 63;
  std::size_t score = m;  // D[m][j], the distance of a match ending at text[j - 1]
  std::size_t best = m;
  for (const char32_t t : text) {
    const std::uint64_t* eq_of = bits.of(t);
    int carry = 0;  // horizontal delta entering the block's top row
    for (std::size_t b = 0; b < blocks; ++b) {
      std::uint64_t eq = eq_of[b];
      const std::uint64_t pv = plus[b], mv = minus[b];
      const std::uint64_t xv = eq | mv;
      if (carry < 0) eq |= 1;
      const std::uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
      std::uint64_t ph = mv | ~(xh | pv);
      std::uint64_t mh = pv & xh;
      const std::uint64_t bottom = b + 1 == blocks ? last_row : kTopBit;
      const int out = (ph & bottom) ? 1 : (mh & bottom) ? -1 : 0;
      ph <<= 1;
      mh <<= 1;
      if (carry < 0)
        mh |= 1;
      else if (carry > 0)
        ph |= 1;
      plus[b] = mh | ~(xv | ph);
      minus[b] = ph & xv;
      carry = out;
    }
    if (carry > 0)
      ++score;
    else if (carry < 0)
      --score;
    best = std::min(best, score);
    if (best == 0) break;
  }
  return best;
}

void append_utf8(std::string& out, char32_t c) {
  char bytes[4];
  char* end = bytes;
  put_utf8(c, end);
  out.append(bytes, end);
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  if (static_cast<unsigned char>(s[i]) < 0x80) return 1;
  std::size_t next = i;
  UChar32 c = 0;
  U8_NEXT(s.data(), next, s.size(), c);
  return c < 0 ? 0 : next - i;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (const std::size_t len = utf8_sequence_length(s, i)) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace pressarchive
