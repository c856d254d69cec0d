// Turning a page by a small angle (deskew) exactly as Leptonica's pixRotate(page, angle,
// L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0) turns an 8-bit page, on pressarchive's own
// rows. Leptonica's loop, plus two conversions to and from its Pix, is a measurable part
// of a skewed page's OCR (bench/PROFILE.md); this is the same arithmetic in a loop the
// compiler can vectorise.
#pragma once

#include "stages/core/model.h"

namespace pressarchive {

// Rotated about the page's centre, clockwise for a positive angle, same size; pixels
// that come from outside the page are white. Below Leptonica's smallest angle
// (0.001 rad) the page is returned as it is, as Leptonica returns it.
PageImage rotate_area_mapped(const PageImage& page, float radians);

}  // namespace pressarchive
