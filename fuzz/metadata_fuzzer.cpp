// Metadata extraction on pages made from arbitrary bytes, with the layout facts (line
// heights, paragraph starts, page breaks) also taken from the input so that the title,
// subtitle and dateline code paths all run.
//
// Input format, chosen so a plain text file (the seed press release) is a useful input:
//   - lines end at '\n'; a line beginning with '\f' starts a new page;
//   - a line beginning with '\x01' takes the next byte as its layout byte:
//       bits 0-5  height: 0 unknown; 1-59 -> 4 + 2 * value; 60 negative; 61 huge;
//                 62 infinite; 63 NaN (Poppler hands on whatever font size a PDF's
//                 matrices produce);
//       bit 6     the line starts a paragraph;
//   - other lines keep the previous line's height (40 at first) and start a paragraph
//     after an empty line, as in a plain text file.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/metadata.h"

namespace {

using pressarchive::PageResult;
using pressarchive::TextLine;

const pressarchive::MetadataExtractor& extractor() {
  static const pressarchive::MetadataExtractor instance(
      pressarchive::parse_rules(pressarchive::builtin_rules_text(), "built-in").value());
  return instance;
}

float height_of(std::uint8_t layout) {
  const int value = layout & 0x3F;
  switch (value) {
    case 0:
      return 0;
    case 60:
      return -12;
    case 61:
      return 1e30f;
    case 62:
      return std::numeric_limits<float>::infinity();
    case 63:
      return std::numeric_limits<float>::quiet_NaN();
    default:
      return 4.0f + 2.0f * static_cast<float>(value);
  }
}

std::vector<PageResult> pages_from(const std::uint8_t* data, std::size_t size) {
  std::vector<PageResult> pages(1);
  pages.back().number = 1;
  float height = 40;
  bool after_blank = true;
  std::size_t i = 0;
  while (i < size) {
    if (data[i] == '\f') {
      pages.emplace_back().number = static_cast<int>(pages.size());
      after_blank = true;
      ++i;
    }
    TextLine line;
    line.height = height;
    line.starts_paragraph = after_blank;
    if (i + 1 < size && data[i] == 0x01) {
      line.height = height = height_of(data[i + 1]);
      line.starts_paragraph = (data[i + 1] & 0x40) != 0;
      i += 2;
    }
    std::size_t end = i;
    while (end < size && data[end] != '\n') ++end;
    line.text.assign(reinterpret_cast<const char*>(data + i), end - i);
    after_blank = line.text.empty();
    if (!line.text.empty()) {
      pages.back().text += line.text + "\n";
      pages.back().lines.push_back(std::move(line));
    }
    i = end + 1;
  }
  return pages;
}

bool is_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const pressarchive::Metadata m = extractor().extract(pages_from(data, size));
  FUZZ_CHECK(m.release_date.empty() || is_iso_date(m.release_date),
             "the release date is ISO 8601 or empty");
  FUZZ_CHECK(m.document_type.empty() || m.document_type == "press release",
             "the document type is one of the known kinds");
  FUZZ_CHECK(m.language.empty() || extractor().rules().stopwords.count(m.language) == 1,
             "the language is one the rules know");
  return 0;
}
