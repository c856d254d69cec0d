#include "stages/ingest/triage.h"

#include <cstdint>

namespace pressarchive {
namespace {

// Decodes one UTF-8 code point; invalid bytes decode as U+FFFD, one byte each.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  int extra = b0 < 0x80 ? 0 : (b0 >> 5) == 6 ? 1 : (b0 >> 4) == 14 ? 2 : (b0 >> 3) == 30 ? 3 : -1;
  if (extra < 0 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) {
    ++i;
    return extra == 0 ? b0 : 0xFFFD;
  }
  char32_t cp = extra == 0 ? b0 : (b0 & (0x3F >> extra));
  for (int k = 1; k <= extra; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += extra + 1;
  return cp;
}

bool is_letter_or_digit(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  if (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) return true;  // Latin-1 + Extended
  if (c >= 0xE000 && c <= 0xF8FF) return false;                        // private use
  if (c == 0xFFFD) return false;
  return c >= 0x370 && c < 0x2000;  // Greek, Cyrillic, Hebrew, Arabic, Indic, ...
}

}  // namespace

int count_letters(std::string_view text) {
  int letters = 0;
  for (std::size_t i = 0; i < text.size();) letters += is_letter_or_digit(next_code_point(text, i));
  return letters;
}

bool text_layer_is_usable(std::string_view text, const TextLayerPolicy& policy) {
  int letters = 0, visible = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = next_code_point(text, i);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == 0xA0) continue;
    ++visible;
    if (is_letter_or_digit(c)) ++letters;
  }
  if (letters < policy.min_letters) return false;
  return static_cast<double>(letters) >= policy.min_letter_ratio * visible;
}

}  // namespace pressarchive
