// A line of a document as metadata extraction classifies it. Shared by the readers that
// split the work of metadata.cpp (header_lines, dateline, headline, persons).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pressarchive {

// What a line is. Only kContent lines make the title, subtitle and body.
enum class Role {
  kContent,
  kBoilerplate,
  kHeader,      // kicker, header date line, labelled issuer in the header
  kLetterhead,  // the office lines at the top of a letterhead
  kAddress,     // the letterhead's address line
  kDateline,    // "Place, date" alone on its line
  kIssuer,      // "Autor/in: …"
  kClosing,     // contact and signature lines after the body
};

struct Line {
  std::string text;  // stray OCR specks at both ends removed
  float height = 0;
  bool starts_paragraph = false;
  Role role = Role::kContent;
  // A text layer's font size, exact; an OCR line's box varies with its accents, descenders
  // and wear by a fifth or more at one size.
  bool exact_height = false;
};

// The first line at or after `i` that is not boilerplate (lines.size() when none).
inline std::size_t next_content(const std::vector<Line>& lines, std::size_t i) {
  while (i < lines.size() && lines[i].role == Role::kBoilerplate) ++i;
  return i;
}

}  // namespace pressarchive
