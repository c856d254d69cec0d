// Each of pressarchive's answers for Leptonica (leptonica_overrides.cpp) is checked
// against the installed Leptonica the first time it is asked for, on a small generated
// page: a Leptonica update that changes what a function gives then switches the answer
// off, with one warning, instead of silently changing what Tesseract reads.
#pragma once

#include <leptonica/allheaders.h>

#include <mutex>
#include <optional>

#include "stages/engines/leptonica/brick_morphology.h"

namespace pressarchive {

// One answer, switched on or off once per process.
class CheckedAnswer {
 public:
  // `name` is what PRESSARCHIVE_LEPTONICA_OFF calls the answer, `what` what it answers
  // for; `agrees` compares it with Leptonica's own.
  CheckedAnswer(const char* name, const char* what, bool (*agrees)());
  // Thread-safe. The first call runs the check while other callers wait; false from then
  // on when the answer disagreed (one warning line on stderr names it) or when it is
  // named in PRESSARCHIVE_LEPTONICA_OFF (comma-separated names, to measure what an
  // answer buys).
  bool enabled();

 private:
  const char* name_;
  const char* what_;
  bool (*agrees_)();
  std::once_flag once_;
  bool enabled_ = false;
};

using BrickAnswer = PIX* (*)(PIX* source, int width, int height, BrickOperation operation);

// Whether `ours` gives Leptonica's pixels for the four brick operations with bricks of
// several shapes, under the boundary convention Leptonica is set to (MORPH_BC); a
// nullptr from `ours` declines, which always agrees (Leptonica then answers).
bool brick_answer_agrees(BrickAnswer ours);

// Whether Leptonica reads its serialised form (what pixWriteMem writes for Tesseract)
// of 1-, 8- and 32-bit pages back as the pixels its own PNG round trip gives.
bool spix_answer_agrees();

}  // namespace pressarchive
