// The pages of a plain text file (tests/dedup-set/records/) as the pipeline would hold
// them: a new page at each form-feed line, a paragraph after each blank line, every line
// of one height (the texts carry no layout, so metadata reads the header from words
// alone). Shared by dedup_eval and signature_v2_test, so both read the set alike.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "stages/core/model.h"

namespace pressarchive {

inline std::vector<PageResult> plain_text_pages(const std::string& text, PageMethod method) {
  std::vector<PageResult> pages(1);
  bool paragraph = true;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line == "\f") {
      pages.emplace_back();
      paragraph = true;
      continue;
    }
    PageResult& page = pages.back();
    if (!page.text.empty()) page.text += "\n";
    page.text += line;
    if (line.empty()) {
      paragraph = true;
      continue;
    }
    page.lines.push_back({line, 10.f, paragraph});
    paragraph = false;
  }
  for (std::size_t i = 0; i < pages.size(); ++i) {
    pages[i].number = static_cast<int>(i + 1);
    pages[i].method = method;
    if (method == PageMethod::kOcr) pages[i].confidence = 85;
  }
  return pages;
}

}  // namespace pressarchive
