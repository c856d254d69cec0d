// A page's pixels as Leptonica's Pix, for the image facade (image_engine.cpp) and the
// Tesseract module, which both hand pages to Leptonica.
#pragma once

#include <leptonica/allheaders.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "stages/model.h"

namespace pressarchive {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

// Leptonica keeps 8-bit pixels four to a 32-bit word, the first in the most significant
// byte, and 1-bit pixels 32 to a word, the first in the most significant bit (set =
// black). The conversions below work a word at a time: a scanned page passes through
// them four or five times, and Leptonica's per-pixel macros made that about 3 % of a page.
// A Pix of the page's size and resolution, each of its rows filled from the page's.
template <typename FillRow>
PixPtr pix_by_rows(const PageImage& image, int depth, FillRow fill_row) {
  PixPtr pix(pixCreate(image.width, image.height, depth));
  if (!pix) return pix;
  pixSetResolution(pix.get(), image.dpi, image.dpi);
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < image.height; ++y)
    fill_row(&image.pixels[static_cast<std::size_t>(y) * image.width], data + static_cast<std::size_t>(y) * wpl);
  return pix;
}

inline PixPtr to_pix(const PageImage& image) {
  return pix_by_rows(image, 8, [width = image.width](const std::uint8_t* row, l_uint32* line) {
    int x = 0;
    for (; x + 4 <= width; x += 4) {
      std::uint32_t four = 0;
      std::memcpy(&four, row + x, 4);
      line[x / 4] = __builtin_bswap32(four);
    }
    for (; x < width; ++x) SET_DATA_BYTE(line, x, row[x]);
  });
}

// The page thresholded as pixConvertTo1(to_pix(image), threshold) would: darker than
// `threshold` is black.
inline PixPtr to_binary(const PageImage& image, int threshold) {
  return pix_by_rows(image, 1, [width = image.width, threshold](const std::uint8_t* row, l_uint32* line) {
    int x = 0;
    for (; x + 32 <= width; x += 32) {
      std::uint32_t word = 0;
      for (int i = 0; i < 32; ++i) word = (word << 1) | static_cast<std::uint32_t>(row[x + i] < threshold);
      line[x / 32] = word;
    }
    for (; x < width; ++x)
      if (row[x] < threshold) SET_DATA_BIT(line, x);
  });
}

}  // namespace pressarchive
