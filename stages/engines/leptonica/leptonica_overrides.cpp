// Tesseract's calls into Leptonica that pressarchive answers itself. Tesseract reaches
// Leptonica through the dynamic linker, and the program's own definitions of these
// functions come first; whatever they do not answer goes to Leptonica's (RTLD_NEXT).
// Each answer is exactly Leptonica's (tests/engines/bitmap_test.cpp, preprocess_ocr_test.cpp),
// and checks that it still is against the installed Leptonica at its first use
// (leptonica_checks.h): one that does not is switched off with a warning.
// CMake links this file into everything that links the core (--undefined=pixWriteMem).
#include <dlfcn.h>
#include <leptonica/allheaders.h>

#include <optional>

#include "stages/engines/leptonica/brick_morphology.h"
#include "stages/engines/leptonica/leptonica_answers.h"
#include "stages/engines/leptonica/leptonica_checks.h"

// Leptonica's boundary convention (morph.c), an internal global it does not declare.
extern "C" l_int32 MORPH_BC;

namespace {
thread_local bool tesseract_recognising = false;
}  // namespace

extern "C" __attribute__((visibility("default"))) bool pressarchive_set_tesseract_recognising(
    bool recognising) {
  const bool previous = tesseract_recognising;
  tesseract_recognising = recognising;
  return previous;
}

// Tesseract hands every text line to its LSTM recogniser as an ImageData, which stores
// the line image PNG-encoded (pixWriteMem(..., IFF_PNG)) and decodes it again at once
// (pixReadMem). Nothing keeps those bytes, and zlib is a visible share of a page's OCR
// (bench/PROFILE.md). While Tesseract recognises a page on this thread, PNG requests are
// written in Leptonica's own serialised form (spix: a header and the raster as it is in
// memory), which pixReadMem reads back by its magic bytes: lossless, so recognition sees
// the same pixels and reads the same text. Every other request, on any thread, is
// Leptonica's own: a PNG asked for elsewhere is a real PNG.
extern "C" l_ok pixWriteMem(l_uint8** data, size_t* size, PIX* pix, l_int32 format) {
  using Write = l_ok (*)(l_uint8**, size_t*, PIX*, l_int32);
  static const Write leptonica = reinterpret_cast<Write>(dlsym(RTLD_NEXT, "pixWriteMem"));
  static pressarchive::CheckedAnswer spix("spix", "pixWriteMem of PNG for Tesseract",
                                          pressarchive::spix_answer_agrees);
  if (format == IFF_PNG && pix && tesseract_recognising && spix.enabled())
    return pixWriteMemSpix(data, size, pix);
  if (!leptonica) return 1;
  return leptonica(data, size, pix, format);
}

// Tesseract's layout analysis looks for ruled lines by opening and closing the page with
// long thin bricks (pixOpenBrick and its kind). Leptonica does one raster operation per
// pixel of the brick; brick_morphology.cpp answers with the same pixels in a logarithmic
// number of passes. Anything it does not answer goes to Leptonica's own.
namespace {
using BrickFunction = PIX* (*)(PIX*, PIX*, l_int32, l_int32);

BrickFunction leptonica_brick(const char* name) {
  return reinterpret_cast<BrickFunction>(dlsym(RTLD_NEXT, name));
}

bool brick_agrees() { return pressarchive::brick_answer_agrees(pressarchive::brick_morphology); }

// brick_morphology reads Leptonica's boundary convention (its global MORPH_BC), so the
// answer is checked under each convention the first time it is asked for under it,
// against Leptonica under the same convention, without switching Leptonica's
// process-wide setting under other threads' feet.
bool brick_enabled() {
  static pressarchive::CheckedAnswer asymmetric(
      "brick", "pixErodeBrick and kin, asymmetric boundary", brick_agrees);
  static pressarchive::CheckedAnswer symmetric("brick", "pixErodeBrick and kin, symmetric boundary",
                                               brick_agrees);
  return MORPH_BC == SYMMETRIC_MORPH_BC ? symmetric.enabled() : asymmetric.enabled();
}

// `name` is the Leptonica function answered for, looked up once per operation.
template <pressarchive::BrickOperation operation>
PIX* brick(const char* name, PIX* target, PIX* source, l_int32 width, l_int32 height) {
  static const BrickFunction leptonica = leptonica_brick(name);
  if (!target && brick_enabled())
    if (PIX* result = pressarchive::brick_morphology(source, width, height, operation))
      return result;
  return leptonica ? leptonica(target, source, width, height) : nullptr;
}
}  // namespace

using pressarchive::BrickOperation;
extern "C" PIX* pixErodeBrick(PIX* t, PIX* s, l_int32 w, l_int32 h) {
  return brick<BrickOperation::erode>("pixErodeBrick", t, s, w, h);
}
extern "C" PIX* pixDilateBrick(PIX* t, PIX* s, l_int32 w, l_int32 h) {
  return brick<BrickOperation::dilate>("pixDilateBrick", t, s, w, h);
}
extern "C" PIX* pixOpenBrick(PIX* t, PIX* s, l_int32 w, l_int32 h) {
  return brick<BrickOperation::open>("pixOpenBrick", t, s, w, h);
}
extern "C" PIX* pixCloseBrick(PIX* t, PIX* s, l_int32 w, l_int32 h) {
  return brick<BrickOperation::close>("pixCloseBrick", t, s, w, h);
}
