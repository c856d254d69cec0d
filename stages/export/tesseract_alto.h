// Tesseract's ALTO fragment of an OCR page, read back into a PageLayout.
#pragma once

#include <string_view>

#include "stages/core/page_layout.h"
#include "stages/core/result.h"

namespace pressarchive {

// Reads the ALTO fragment Tesseract wrote for a page (its <Page> element, ALTO v3).
// Tesseract 5.3 prints a word confidence c% as "0." followed by the integer c, so "0.9"
// is 9 % and "0.100" is 100 %: read back as c / 100. kUnreadable when it is no XML.
Result<PageLayout> layout_from_tesseract_alto(std::string_view alto, double dpi);

}  // namespace pressarchive
