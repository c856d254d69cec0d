// A page's pixels as Leptonica's Pix, for the image facade (image_engine.cpp) and the
// Tesseract module, which both hand pages to Leptonica.
#pragma once

#include <leptonica/allheaders.h>

#include <cstdint>
#include <cstring>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "stages/core/model.h"

namespace pressarchive {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

// Leptonica keeps 8-bit pixels four to a 32-bit word, the first in the most significant
// byte, and 1-bit pixels 32 to a word, the first in the most significant bit (set =
// black). The conversions below work a word at a time: a scanned page passes through
// them four or five times, which Leptonica's per-pixel macros made costly (bench/PROFILE.md).
// A Pix of the page's size and resolution, each of its rows filled from the page's.
template <typename FillRow>
PixPtr pix_by_rows(const PageImage& image, int depth, FillRow fill_row) {
  PixPtr pix(pixCreate(image.width, image.height, depth));
  if (!pix) return pix;
  pixSetResolution(pix.get(), image.dpi, image.dpi);
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < image.height; ++y)
    fill_row(&image.pixels[static_cast<std::size_t>(y) * image.width],
             data + static_cast<std::size_t>(y) * wpl);
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

// 32 pixels as one word of a 1-bit Pix: bit 31 - i is set when pixel i is darker than
// `threshold`. With SSE2 (every x86-64) sixteen bytes are compared at once; the compare
// gives the first pixel in the lowest bit, so the word is then turned end for end.
inline std::uint32_t darker_than(const std::uint8_t* pixels, int threshold) {
#if defined(__SSE2__)
  if (threshold <= 0) return 0;
  if (threshold > 255) return ~std::uint32_t{0};
  const __m128i limit = _mm_set1_epi8(static_cast<char>(threshold - 1));
  auto darker16 = [&](const std::uint8_t* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, limit), v)));
  };
  std::uint32_t w = darker16(pixels) | darker16(pixels + 16) << 16;
  w = ((w >> 1) & 0x55555555u) | ((w & 0x55555555u) << 1);
  w = ((w >> 2) & 0x33333333u) | ((w & 0x33333333u) << 2);
  w = ((w >> 4) & 0x0F0F0F0Fu) | ((w & 0x0F0F0F0Fu) << 4);
  return __builtin_bswap32(w);
#else
  std::uint32_t word = 0;
  for (int i = 0; i < 32; ++i)
    word = (word << 1) | static_cast<std::uint32_t>(pixels[i] < threshold);
  return word;
#endif
}

// The page thresholded as pixConvertTo1(to_pix(image), threshold) would: darker than
// `threshold` is black.
inline PixPtr to_binary(const PageImage& image, int threshold) {
  return pix_by_rows(image, 1,
                     [width = image.width, threshold](const std::uint8_t* row, l_uint32* line) {
                       int x = 0;
                       for (; x + 32 <= width; x += 32)
                         line[x / 32] = darker_than(row + x, threshold);
                       for (; x < width; ++x)
                         if (row[x] < threshold) SET_DATA_BIT(line, x);
                     });
}

}  // namespace pressarchive
