#include "stages/engines/leptonica/foreground_scan.h"

#include <bit>
#include <cstdint>

namespace pressarchive {

std::optional<int> first_foreground(const PIX* page, const ScanArea& area, int from) {
  if (area.width <= 0 || area.height <= 0) return std::nullopt;
  using Word = std::uint32_t;
  const Word* data = pixGetData(const_cast<PIX*>(page));
  const int wpl = pixGetWpl(const_cast<PIX*>(page));
  const int first_x = area.x, last_x = area.x + area.width - 1;
  const int first_y = area.y, last_y = area.y + area.height - 1;
  const int first_word = first_x >> 5, last_word = last_x >> 5;
  // The bits of word k that lie inside the area (the first pixel is the top bit).
  auto inside = [&](int k) {
    Word mask = ~Word{0};
    if (k == first_word) mask &= ~Word{0} >> (first_x & 31);
    if (k == last_word) mask &= ~Word{0} << (31 - (last_x & 31));
    return mask;
  };
  auto word = [&](int y, int k) { return data[static_cast<std::size_t>(y) * wpl + k]; };
  // A column of words at a time, each the OR of its rows.
  auto column_ink = [&](int k) {
    Word ink = 0;
    for (int y = first_y; y <= last_y; ++y) ink |= word(y, k);
    return ink & inside(k);
  };
  auto row_has_ink = [&](int y) {
    for (int k = first_word; k <= last_word; ++k)
      if (word(y, k) & inside(k)) return true;
    return false;
  };
  switch (from) {
    case L_FROM_LEFT:
      for (int k = first_word; k <= last_word; ++k)
        if (const Word ink = column_ink(k)) return 32 * k + std::countl_zero(ink);
      break;
    case L_FROM_RIGHT:
      for (int k = last_word; k >= first_word; --k)
        if (const Word ink = column_ink(k)) return 32 * k + 31 - std::countr_zero(ink);
      break;
    case L_FROM_TOP:
      for (int y = first_y; y <= last_y; ++y)
        if (row_has_ink(y)) return y;
      break;
    case L_FROM_BOT:
      for (int y = last_y; y >= first_y; --y)
        if (row_has_ink(y)) return y;
      break;
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace pressarchive
