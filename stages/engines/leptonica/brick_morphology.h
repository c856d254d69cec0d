// Binary erosion, dilation, opening and closing by a solid rectangle ("brick"), the
// operations Tesseract's page layout asks Leptonica for when it looks for ruled lines.
// Leptonica does them with one raster operation per pixel of the rectangle: a rule
// finder's 75-pixel line costs 75 passes over the page (its share of OCR: bench/PROFILE.md).
// These give the very same pixels with a logarithmic number of passes (see the .cpp).
#pragma once

#include <leptonica/allheaders.h>

namespace pressarchive {

enum class BrickOperation { erode, dilate, open, close };

// The result of Leptonica's pix<Operation>Brick(NULL, source, width, height) as a new
// Pix, or nullptr where this does not answer exactly as Leptonica would (a source that
// is not 1 bit deep, a 1 x 1 brick, Leptonica set to its symmetric boundary convention);
// the caller then asks Leptonica.
PIX* brick_morphology(PIX* source, int width, int height, BrickOperation operation);

}  // namespace pressarchive
