#include "stages/core/text_util.h"

#include <cstdint>
#include <cstring>

namespace pressarchive {

namespace {

// lower_utf8 into `out`, which holds s.size() bytes.
void lower_into(std::string_view s, char* out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out[i] = s[i];
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < s.size()) {
      const auto next = static_cast<unsigned char>(s[i + 1]);
      out[i + 1] = (next >= 0x80 && next <= 0x9E && next != 0x97) ? static_cast<char>(next + 0x20)
                                                                  : s[i + 1];
      ++i;
    }
  }
}

}  // namespace

std::string lower_utf8(std::string_view s) {
  std::string out(s.size(), '\0');
  lower_into(s, out.data());
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

std::vector<std::string> words(std::string_view s) {
  // Each word copied once and lowered where it lies: metadata, boilerplate and language
  // detection each split every line.
  auto in_word = [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
  };
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !in_word(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && in_word(s[i])) ++i;
    if (i == start) break;
    std::string& word = out.emplace_back(s.substr(start, i - start));
    lower_into(word, word.data());
  }
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  // Only as many bytes as the prefix has are lowered (lower_utf8 keeps byte lengths):
  // metadata asks this of every line for every label, and a body line is long.
  const char* blanks = " \t\r\n\f\v";
  const std::size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string_view::npos) return prefix.empty();
  // Lowering leaves every byte but A-Z as it is (a UTF-8 lead byte included), so two
  // first bytes that differ after ASCII lowering settle it: most lines, most labels.
  auto ascii_lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  if (!prefix.empty() && ascii_lower(s[begin]) != ascii_lower(prefix[0])) return false;
  const std::size_t end = s.find_last_not_of(blanks);
  const std::string_view trimmed = s.substr(begin, end - begin + 1);
  if (trimmed.size() < prefix.size()) return false;
  // Labels are short: lowered on the stack, as this runs for every line and label.
  constexpr std::size_t kShort = 64;
  if (prefix.size() > kShort)
    return lower_utf8(trimmed.substr(0, prefix.size())) == lower_utf8(prefix);
  char line_start[kShort], label[kShort];
  lower_into(trimmed.substr(0, prefix.size()), line_start);
  lower_into(prefix, label);
  return std::memcmp(line_start, label, prefix.size()) == 0;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range (RFC 3629, table 3-7)
  if (b0 >= 0xC2 && b0 <= 0xDF)
    len = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF)
    len = 3, low = b0 == 0xE0 ? 0xA0 : 0x80, high = b0 == 0xED ? 0x9F : 0xBF;
  else if (b0 >= 0xF0 && b0 <= 0xF4)
    len = 4, low = b0 == 0xF0 ? 0x90 : 0x80, high = b0 == 0xF4 ? 0x8F : 0xBF;
  if (len == 0 || i + len > s.size() || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if ((byte(k) & 0xC0) != 0x80) return 0;
  return len;
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
