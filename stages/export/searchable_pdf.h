// A searchable PDF of a scanned record: each page image with the page's words laid
// over it as invisible text, where the words were read, so that a viewer finds and
// highlights them and pdftotext gives the record's text. Written with qpdf.
#pragma once

#include <string>
#include <vector>

#include "stages/core/page_layout.h"
#include "stages/core/result.h"

namespace pressarchive {

struct PdfPage {
  std::string jpeg;                    // the page image, baseline JPEG, grey
  int width = 0, height = 0;           // its pixels
  double dpi = 300;                    // its resolution: the PDF page is width / dpi inches wide
  const PageLayout* layout = nullptr;  // words in the image's pixels (may be null)
};

// `font_file`: a TrueType font for the invisible text (Tesseract's glyph-less pdf.ttf),
// embedded when it can be read; the text extracts the same without it. The same pages
// give the same bytes.
Result<std::string> write_searchable_pdf(const std::vector<PdfPage>& pages,
                                         const std::string& title, const std::string& font_file);

// Where Debian's Tesseract keeps its glyph-less font, "" when it is not installed.
std::string glyphless_font_path();

}  // namespace pressarchive
