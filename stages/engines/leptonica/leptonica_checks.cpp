#include "stages/engines/leptonica/leptonica_checks.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace pressarchive {
namespace {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using Page = std::unique_ptr<PIX, PixDeleter>;

template <typename Function>
Function leptonica(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

// A deterministic page of `depth` bits with ink in about one pixel of `one_in`, the
// edges included; the same on every machine.
Page generated_page(int width, int height, int depth, std::uint32_t one_in) {
  Page pix(pixCreate(width, height, depth));
  std::uint32_t state = 20261202;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      state = state * 1664525u + 1013904223u;
      const std::uint32_t value = state >> 8;
      if (depth == 1 && value % one_in == 0) pixSetPixel(pix.get(), x, y, 1);
      if (depth == 8) pixSetPixel(pix.get(), x, y, value & 0xff);
      if (depth == 32) pixSetPixel(pix.get(), x, y, value << 8);
    }
  return pix;
}

bool same_pixels(PIX* a, PIX* b) {
  l_int32 same = 0;
  return a && b && pixEqual(a, b, &same) == 0 && same == 1;
}

bool disabled_by_environment(const char* name) {
  const char* off = std::getenv("PRESSARCHIVE_LEPTONICA_OFF");
  if (!off) return false;
  const std::string_view list(off), wanted(name);
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t end = std::min(list.find(',', start), list.size());
    if (list.substr(start, end - start) == wanted) return true;
    start = end + 1;
  }
  return false;
}

// Reads `bytes` back as Leptonica does, by their magic bytes.
Page read_back(l_uint8* bytes, size_t size) {
  Page pix(bytes ? pixReadMem(bytes, size) : nullptr);
  lept_free(bytes);
  return pix;
}

}  // namespace

CheckedAnswer::CheckedAnswer(const char* name, const char* what, bool (*agrees)())
    : name_(name), what_(what), agrees_(agrees) {}

bool CheckedAnswer::enabled() {
  std::call_once(once_, [this] {
    if (disabled_by_environment(name_)) return;
    enabled_ = agrees_();
    if (!enabled_)
      std::fprintf(
          stderr,
          "pressarchive: warning: the installed Leptonica disagrees with pressarchive's answer "
          "'%s' (%s); Leptonica's own function answers instead\n",
          name_, what_);
  });
  return enabled_;
}

bool brick_answer_agrees(BrickAnswer ours) {
  using Brick = PIX* (*)(PIX*, PIX*, l_int32, l_int32);
  struct Named {
    BrickOperation operation;
    Brick theirs;
  };
  const Named operations[] = {{BrickOperation::erode, leptonica<Brick>("pixErodeBrick")},
                              {BrickOperation::dilate, leptonica<Brick>("pixDilateBrick")},
                              {BrickOperation::open, leptonica<Brick>("pixOpenBrick")},
                              {BrickOperation::close, leptonica<Brick>("pixCloseBrick")}};
  const int bricks[][2] = {{2, 1}, {1, 2}, {7, 1}, {1, 9}, {5, 3}, {33, 1}, {1, 40}, {75, 1}};
  const Page page = generated_page(77, 45, 1, 3);
  for (const Named& op : operations) {
    if (!op.theirs) return false;
    for (const auto& brick : bricks) {
      const Page mine(ours(page.get(), brick[0], brick[1], op.operation));
      if (!mine) continue;
      const Page theirs(op.theirs(nullptr, page.get(), brick[0], brick[1]));
      if (!same_pixels(mine.get(), theirs.get())) return false;
    }
  }
  return true;
}

bool spix_answer_agrees() {
  using Write = l_ok (*)(l_uint8**, size_t*, PIX*, l_int32);
  const Write write_png = leptonica<Write>("pixWriteMem");
  if (!write_png) return false;
  for (const int depth : {1, 8, 32}) {
    Page page = generated_page(45, 17, depth, 3);
    l_uint8* png = nullptr;
    l_uint8* spix = nullptr;
    size_t png_size = 0, spix_size = 0;
    const bool written = write_png(&png, &png_size, page.get(), IFF_PNG) == 0 &&
                         pixWriteMemSpix(&spix, &spix_size, page.get()) == 0;
    const Page from_png = read_back(png, png_size);
    const Page from_spix = read_back(spix, spix_size);
    if (!written || !same_pixels(from_png.get(), from_spix.get())) return false;
  }
  return true;
}

}  // namespace pressarchive
