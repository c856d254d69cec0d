// preprocess: make a page upright and level before OCR. Greyscale conversion already
// happened when the page was loaded; here: orientation (0/90/180/270) and deskew.
#pragma once

#include <functional>

#include "stages/core/model.h"
#include "stages/core/result.h"
#include "stages/engines/ocr_engine.h"

namespace pressarchive {

struct PreprocessOptions {
  bool detect_orientation = true;
  double orientation_min_confidence = 2.0;
  double deskew_min_degrees = 0.3;
  double deskew_min_confidence = 3.0;
  bool clear_borders = true;  // see clear_dark_borders (image_engine.h)
};

// Asks an engine which way up the page is (Tesseract's OSD in production, a fake in tests).
using OrientationDetector = std::function<Result<OrientationGuess>(const PageImage&)>;

struct PreparedPage {
  PageImage image;
  int rotation = 0;  // degrees clockwise applied
  double skew = 0;   // degrees of rotation applied to level the lines
  double orientation_seconds = 0;
  double deskew_seconds = 0;
};

// Never fails: a page whose orientation or skew cannot be told is passed on unchanged.
PreparedPage preprocess_page(PageImage image, const PreprocessOptions& options,
                             const OrientationDetector& detect_orientation);

}  // namespace pressarchive
