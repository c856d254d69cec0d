// Tesseract's calls into Leptonica that pressarchive answers itself. Tesseract reaches
// Leptonica through the dynamic linker, and the program's own definitions of these
// functions come first; whatever they do not answer goes to Leptonica's (RTLD_NEXT).
// Each answer is exactly Leptonica's (tests/bitmap_test.cpp, preprocess_ocr_test.cpp).
// CMake links this file into everything that links the core (--undefined=pixWriteMem).
#include <dlfcn.h>
#include <leptonica/allheaders.h>

#include <optional>

#include "stages/brick_morphology.h"
#include "stages/foreground_scan.h"

// Tesseract hands every text line to its LSTM recogniser as an ImageData, which stores
// the line image PNG-encoded (pixWriteMem(..., IFF_PNG)) and decodes it again at once
// (pixReadMem). Nothing keeps those bytes, yet zlib alone was 4 % of the tesseract CLI's
// profile on a clean page. PNG requests are written in Leptonica's own serialised form
// (spix: a header and the raster as it is in memory), which pixReadMem reads back by its
// magic bytes. It is lossless, so recognition sees the same pixels and reads the same
// text; PNM, used before, went through stdio a row at a time and still cost 2 % of a
// page. Nothing else in pressarchive writes images through Leptonica; other formats go
// to Leptonica's own function.
extern "C" l_ok pixWriteMem(l_uint8** data, size_t* size, PIX* pix, l_int32 format) {
  using Write = l_ok (*)(l_uint8**, size_t*, PIX*, l_int32);
  static const Write leptonica = reinterpret_cast<Write>(dlsym(RTLD_NEXT, "pixWriteMem"));
  if (format == IFF_PNG && pix) return pixWriteMemSpix(data, size, pix);
  if (!leptonica) return 1;
  return leptonica(data, size, pix, format);
}

// Tesseract's layout analysis looks for ruled lines by opening and closing the page with
// long thin bricks (pixOpenBrick and its kind). Leptonica does one raster operation per
// pixel of the brick, and that was 5 % of a page's OCR; brick_morphology.cpp answers with
// the same pixels for a fraction. Anything it does not answer goes to Leptonica's own.
namespace {
using BrickFunction = PIX* (*)(PIX*, PIX*, l_int32, l_int32);

BrickFunction leptonica_brick(const char* name) { return reinterpret_cast<BrickFunction>(dlsym(RTLD_NEXT, name)); }

// `name` is the Leptonica function answered for, looked up once per operation.
template <pressarchive::BrickOperation operation>
PIX* brick(const char* name, PIX* target, PIX* source, l_int32 width, l_int32 height) {
  static const BrickFunction leptonica = leptonica_brick(name);
  if (!target)
    if (PIX* result = pressarchive::brick_morphology(source, width, height, operation)) return result;
  return leptonica ? leptonica(target, source, width, height) : nullptr;
}
}  // namespace

using pressarchive::BrickOperation;
extern "C" PIX* pixErodeBrick(PIX* t, PIX* s, l_int32 w, l_int32 h) { return brick<BrickOperation::erode>("pixErodeBrick", t, s, w, h); }
extern "C" PIX* pixDilateBrick(PIX* t, PIX* s, l_int32 w, l_int32 h) { return brick<BrickOperation::dilate>("pixDilateBrick", t, s, w, h); }
extern "C" PIX* pixOpenBrick(PIX* t, PIX* s, l_int32 w, l_int32 h) { return brick<BrickOperation::open>("pixOpenBrick", t, s, w, h); }
extern "C" PIX* pixCloseBrick(PIX* t, PIX* s, l_int32 w, l_int32 h) { return brick<BrickOperation::close>("pixCloseBrick", t, s, w, h); }

// Tesseract clips every text line's box to its ink (pixClipBoxToForeground), which
// scans from each side one pixel at a time: 1.4 % of a page. foreground_scan.cpp tests 32
// at a time and finds the same row or column; anything unusual goes to Leptonica's own.
extern "C" l_ok pixScanForForeground(PIX* page, BOX* box, l_int32 from, l_int32* found) {
  using Scan = l_ok (*)(PIX*, BOX*, l_int32, l_int32*);
  static const Scan leptonica = reinterpret_cast<Scan>(dlsym(RTLD_NEXT, "pixScanForForeground"));
  const bool answerable = found && page && pixGetDepth(page) == 1 &&
                          (from == L_FROM_LEFT || from == L_FROM_RIGHT || from == L_FROM_TOP || from == L_FROM_BOT);
  pressarchive::ScanArea area{0, 0, page ? pixGetWidth(page) : 0, page ? pixGetHeight(page) : 0};
  BOX* clipped = answerable && box ? boxClipToRectangle(box, area.width, area.height) : nullptr;
  if (!answerable || (box && !clipped)) return leptonica ? leptonica(page, box, from, found) : 1;
  if (clipped) {
    boxGetGeometry(clipped, &area.x, &area.y, &area.width, &area.height);
    boxDestroy(&clipped);
  }
  const std::optional<int> at = pressarchive::first_foreground(page, area, from);
  *found = at.value_or(0);
  return at ? 0 : 1;
}
