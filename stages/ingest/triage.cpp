#include "stages/ingest/triage.h"

#include <cstdint>

#include "stages/core/text_util.h"

namespace pressarchive {

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
