#include "stages/engines/leptonica/brick_morphology.h"

#include <algorithm>
#include <cstdint>
#include <vector>

// Leptonica's boundary convention (morph.c). With its default, the asymmetric one, every
// pixel outside the image counts as white, for erosion as for dilation; that is the only
// convention answered here.
extern "C" l_int32 MORPH_BC;

namespace pressarchive {
namespace {

using Word = std::uint32_t;

// Each pixel becomes the AND (erosion) or OR (dilation) of the `length` pixels of its row
// or column that start `start` pixels from it; outside the image everything is white.
// Leptonica's brick with its origin at length / 2 covers, for erosion, the pixels from
// x - length / 2 on, and for dilation, those from x + length / 2 - length + 1 on.
//
// A run of 2k pixels is the AND (or OR) of two runs of k, one k pixels on: doubling the
// run length log2(length) times and then combining two overlapping runs of the largest
// power of two covers any length. Both operations forgive the overlap.
struct Run {
  int length;
  int start;
  bool all;  // AND (erosion) rather than OR (dilation)
  Word combine(Word a, Word b) const { return all ? (a & b) : (a | b); }
};

Run erosion(int length) { return {length, -(length / 2), true}; }
Run dilation(int length) { return {length, length / 2 - length + 1, false}; }

// 32 pixels of a row, the first at bit position `first` (the first pixel of a word is
// its most significant bit, as Leptonica keeps them). `first` must be >= 0, and the word
// after the one it falls in must exist.
inline Word pixels_from(const Word* row, int first) {
  const int word = first >> 5;
  const int bit = first & 31;
  if (bit == 0) return row[word];
  return (row[word] << bit) | (row[word + 1] >> (32 - bit));
}

// Bits beyond the image's width in each row's last word are not pixels; they must read
// as white.
Word last_word_mask(int width) {
  const int used = width & 31;
  return used == 0 ? ~Word{0} : ~Word{0} << (32 - used);
}

void along_rows(Word* bits, int width, int height, int wpl, const Run& run) {
  // White margins each side, wide enough for every shifted read below.
  const int margin = run.length / 32 + 2;
  const int words = 2 * margin + wpl;
  std::vector<Word> runs(static_cast<std::size_t>(words));
  const Word mask = last_word_mask(width);
  for (int y = 0; y < height; ++y) {
    Word* row = bits + static_cast<std::size_t>(y) * wpl;
    std::fill(runs.begin(), runs.end(), Word{0});
    std::copy(row, row + wpl, runs.begin() + margin);
    // Ascending, each word reads only itself and later words, which still hold the
    // shorter runs. The words left out lie in the right margin and stay white.
    int span = 1;
    for (; 2 * span <= run.length; span *= 2) {
      const int last = words - (span >> 5) - 1;
      for (int i = 0; i < last; ++i)
        runs[i] = run.combine(runs[i], pixels_from(runs.data(), 32 * i + span));
    }
    const int first = 32 * margin + run.start;
    for (int i = 0; i < wpl; ++i)
      row[i] = run.combine(pixels_from(runs.data(), first + 32 * i),
                           pixels_from(runs.data(), first + 32 * i + run.length - span));
    row[wpl - 1] &= mask;  // a dilation reaches past the width
  }
}

void along_columns(Word* bits, int height, int wpl, const Run& run) {
  const int margin = run.length;  // white rows above and below
  const int rows = height + 2 * margin;
  std::vector<Word> runs(static_cast<std::size_t>(rows) * wpl, Word{0});
  std::copy(bits, bits + static_cast<std::size_t>(height) * wpl,
            runs.begin() + static_cast<std::ptrdiff_t>(margin) * wpl);
  auto row = [&](int y) { return runs.data() + static_cast<std::size_t>(y) * wpl; };
  int span = 1;
  for (; 2 * span <= run.length; span *= 2)
    for (int y = 0; y + span < rows; ++y) {
      Word* to = row(y);
      const Word* later = row(y + span);
      for (int i = 0; i < wpl; ++i) to[i] = run.combine(to[i], later[i]);
    }
  for (int y = 0; y < height; ++y) {
    const Word* a = row(margin + y + run.start);
    const Word* b = row(margin + y + run.start + run.length - span);
    Word* out = bits + static_cast<std::size_t>(y) * wpl;
    for (int i = 0; i < wpl; ++i) out[i] = run.combine(a[i], b[i]);
  }
}

}  // namespace

PIX* brick_morphology(PIX* source, int width, int height, BrickOperation operation) {
  if (!source || pixGetDepth(source) != 1 || width < 1 || height < 1 || (width == 1 && height == 1))
    return nullptr;
  if (MORPH_BC != ASYMMETRIC_MORPH_BC) return nullptr;
  PIX* result = pixCopy(nullptr, source);
  if (!result) return nullptr;
  Word* bits = pixGetData(result);
  const int w = pixGetWidth(result);
  const int h = pixGetHeight(result);
  const int wpl = pixGetWpl(result);
  if (w < 1 || h < 1) {
    pixDestroy(&result);
    return nullptr;
  }
  const Word mask = last_word_mask(w);
  for (int y = 0; y < h; ++y) bits[static_cast<std::size_t>(y) * wpl + wpl - 1] &= mask;
  auto erode = [&] {
    if (width > 1) along_rows(bits, w, h, wpl, erosion(width));
    if (height > 1) along_columns(bits, h, wpl, erosion(height));
  };
  auto dilate = [&] {
    if (width > 1) along_rows(bits, w, h, wpl, dilation(width));
    if (height > 1) along_columns(bits, h, wpl, dilation(height));
  };
  switch (operation) {
    case BrickOperation::erode:
      erode();
      break;
    case BrickOperation::dilate:
      dilate();
      break;
    case BrickOperation::open:
      erode();
      dilate();
      break;
    case BrickOperation::close:
      dilate();
      erode();
      break;
  }
  return result;
}

}  // namespace pressarchive
