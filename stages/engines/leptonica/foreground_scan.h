// Where a 1-bit page's ink begins inside a rectangle, seen from one side: Leptonica's
// pixScanForForeground, which Tesseract asks for about 3,000 times a page (clipping each
// text line's box to its ink) and which tests one pixel at a time. This tests 32.
#pragma once

#include <leptonica/allheaders.h>

#include <optional>

namespace pressarchive {

// The rectangle, already inside the page.
struct ScanArea {
  int x = 0, y = 0, width = 0, height = 0;
};

// The first column (from L_FROM_LEFT or L_FROM_RIGHT) or row (from L_FROM_TOP or
// L_FROM_BOT) of `area` holding a black pixel, as pixScanForForeground gives it; nothing
// when the area is white. `from` must be one of those four.
std::optional<int> first_foreground(const PIX* page, const ScanArea& area, int from);

}  // namespace pressarchive
