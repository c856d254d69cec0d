// ALTO 4.4 for one page, written by pressarchive itself from the page's words (Debian's
// Tesseract writes ALTO v3, with word confidences it prints wrongly).
#pragma once

#include <string>

#include "stages/core/model.h"
#include "stages/core/page_layout.h"

namespace pressarchive {

// The programs that made a record, read from its provenance (JSON).
struct Software {
  std::string pressarchive, tesseract, leptonica, poppler;
};
Software software_of(const Record& record);

struct AltoPage {
  int number = 1;  // PHYSICAL_IMG_NR
  PageMethod method = PageMethod::kOcr;
  bool from_pdf = false;   // the page was rendered from (or taken out of) a PDF
  std::string image_file;  // sourceImageInformation/fileName, "" when none
  std::string language;    // ISO 639-1 of the record, "" when unknown
};

// `layout` is in the pixels of the page image the ALTO belongs to; boxes are clipped to
// the page. A word split by a hyphen at a line's end is marked HypPart1/HypPart2 with
// the whole word as SUBS_CONTENT and the hyphen as HYP.
std::string write_alto(const PageLayout& layout, const AltoPage& page, const Software& software);

}  // namespace pressarchive
