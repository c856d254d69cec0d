// Language of a text by function-word frequency. A stopword model rather than a
// statistical detector such as cld2 (Debian's libcld2-dev): press releases are long
// enough that function words decide reliably, OCR noise in content words does not sway
// it, and the word lists live in config/rules.toml, so an archive adds a language
// without recompiling.
#pragma once

#include <string>
#include <string_view>

#include "stages/metadata/base/rules.h"

namespace pressarchive {

// ISO 639-1 code of the language whose stopwords occur most often, or "" when no
// language reaches rules.language_min_hits.
std::string detect_language(std::string_view text, const MetadataRules& rules);

}  // namespace pressarchive
