#include "stages/engines/area_map_rotation.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace pressarchive {

PageImage rotate_area_mapped(const PageImage& page, float radians) {
  constexpr float kSmallestAngle = 0.001f;  // Leptonica's MIN_ANGLE_TO_ROTATE
  if (std::fabs(radians) < kSmallestAngle || page.empty()) return page;
  const int w = page.width, h = page.height;
  PageImage out;
  out.width = w;
  out.height = h;
  out.dpi = page.dpi;
  out.bilevel = page.bilevel;
  out.pixels.resize(static_cast<std::size_t>(w) * h);

  // Leptonica's arithmetic to the bit (rotateam.c): source positions in sixteenths of a
  // pixel, from single-precision products of the offsets from the centre, truncated. The
  // products that depend on the row only are the same floats hoisted out of the loop.
  const int xcen = w / 2, ycen = h / 2;
  const int last_x = w - 2, last_y = h - 2;  // a pixel needs its right and lower neighbour
  const auto sina = static_cast<float>(16. * std::sin(static_cast<double>(radians)));
  const auto cosa = static_cast<float>(16. * std::cos(static_cast<double>(radians)));
  std::vector<std::int32_t> from_x(static_cast<std::size_t>(w)),
      from_y(static_cast<std::size_t>(w));
  const std::uint8_t* source = page.pixels.data();

  for (int i = 0; i < h; ++i) {
    const int ydif = ycen - i;
    const float row_x = static_cast<float>(ydif) * sina;
    const float row_y = static_cast<float>(-ydif) * cosa;
    for (int j = 0; j < w; ++j) {
      const int xdif = xcen - j;
      from_x[j] = static_cast<std::int32_t>(static_cast<float>(-xdif) * cosa - row_x);
      from_y[j] = static_cast<std::int32_t>(row_y + static_cast<float>(xdif) * sina);
    }
    std::uint8_t* line = &out.pixels[static_cast<std::size_t>(i) * w];
    for (int j = 0; j < w; ++j) {
      const int xp = xcen + (from_x[j] >> 4), yp = ycen + (from_y[j] >> 4);
      if (xp < 0 || yp < 0 || xp > last_x || yp > last_y) {
        line[j] = 255;
        continue;
      }
      const int xf = from_x[j] & 15, yf = from_y[j] & 15;
      const std::uint8_t* above = source + static_cast<std::size_t>(yp) * w + xp;
      const std::uint8_t* below = above + w;
      const int sum = (16 - xf) * (16 - yf) * above[0] + xf * (16 - yf) * above[1] +
                      (16 - xf) * yf * below[0] + xf * yf * below[1];
      line[j] = static_cast<std::uint8_t>((sum + 128) / 256);
    }
  }
  return out;
}

}  // namespace pressarchive
