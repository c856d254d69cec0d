#include "stages/core/page_layout.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace pressarchive {
namespace {

char32_t first_code_point(std::string_view s) {
  if (s.empty()) return 0;
  UChar32 c = 0;
  int32_t i = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, static_cast<int32_t>(s.size()), c);
  return c < 0 ? 0 : static_cast<char32_t>(c);
}

char32_t last_code_point(std::string_view s, std::size_t& start) {
  int32_t i = static_cast<int32_t>(s.size());
  UChar32 c = 0;
  U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, i, c);
  start = static_cast<std::size_t>(i);
  return c < 0 ? 0 : static_cast<char32_t>(c);
}

}  // namespace

std::vector<const LayoutWord*> layout_words(const PageLayout& layout) {
  std::vector<const LayoutWord*> words;
  for (const LayoutBlock& block : layout.blocks)
    for (const LayoutLine& line : block.lines)
      for (const LayoutWord& word : line.words) words.push_back(&word);
  return words;
}

PageLayout scaled_layout(const PageLayout& layout, double factor) {
  const auto scale = [factor](Box& b) {
    b.x *= factor;
    b.y *= factor;
    b.width *= factor;
    b.height *= factor;
  };
  PageLayout out = layout;
  out.width *= factor;
  out.height *= factor;
  out.dpi *= factor;
  for (LayoutBlock& block : out.blocks) {
    scale(block.box);
    for (LayoutLine& line : block.lines) {
      scale(line.box);
      for (LayoutWord& word : line.words) scale(word.box);
    }
  }
  return out;
}

std::string hyphen_joined(std::string_view first_part, std::string_view second_part) {
  std::size_t hyphen_at = 0;
  const char32_t hyphen = last_code_point(first_part, hyphen_at);
  if (hyphen != U'-' && hyphen != 0x00AD && hyphen != 0x2010) return "";
  std::size_t letter_at = 0;
  if (hyphen_at == 0 ||
      !u_isalpha(static_cast<UChar32>(last_code_point(first_part.substr(0, hyphen_at), letter_at))))
    return "";
  if (!u_islower(static_cast<UChar32>(first_code_point(second_part)))) return "";
  return std::string(first_part.substr(0, hyphen_at)) + std::string(second_part);
}

}  // namespace pressarchive
