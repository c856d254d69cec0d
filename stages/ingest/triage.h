// per-page triage: does a PDF page's text layer carry usable text, or must the page be
// rendered and OCR'd? One policy, one place (STYLE.md item 2).
#pragma once

#include <string_view>

namespace pressarchive {

struct TextLayerPolicy {
  int min_letters = 20;           // fewer letters: a scan with a stray page number, say
  double min_letter_ratio = 0.5;  // of visible characters; below: glyph garbage
};

// True when the text layer can be kept as the page's text. Letters are counted per
// Unicode code point; private-use and replacement characters (what a font without a
// Unicode map yields) count as visible but not as letters, so such pages go to OCR.
bool text_layer_is_usable(std::string_view text, const TextLayerPolicy& policy);

// Letters and digits in a text, counted per code point (as above).
int count_letters(std::string_view text);

}  // namespace pressarchive
