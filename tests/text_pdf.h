// A PDF with a text layer, written by hand for tests: each page's lines in Helvetica at
// their size, top to bottom. ASCII only (WinAnsi), which is all the tests need.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace pressarchive::testing {

using PdfLines = std::vector<std::pair<std::string, int>>;  // text, font size

inline std::string pdf_content(const PdfLines& lines) {
  std::string content;
  int y = 780;
  for (const auto& [text, size] : lines) {
    std::string escaped;
    for (char c : text) {
      if (c == '(' || c == ')' || c == '\\') escaped += '\\';
      escaped += c;
    }
    content += "BT /F1 " + std::to_string(size) + " Tf 60 " + std::to_string(y) + " Td (" +
               escaped + ") Tj ET\n";
    y -= size + 10;
  }
  return content;
}

// One page per entry of `pages`.
inline void write_text_pdf(const std::filesystem::path& path, const std::vector<PdfLines>& pages) {
  // 1 catalog, 2 page tree, 3 font, then a page and its content stream per page.
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"};
  std::string kids;
  for (const PdfLines& lines : pages) {
    const std::size_t page = objects.size() + 1;
    kids += std::to_string(page) + " 0 R ";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> "
        ">> "
        "/Contents " +
        std::to_string(page + 1) + " 0 R >>");
    const std::string content = pdf_content(lines);
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "endstream");
  }
  objects[1] =
      "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  std::ofstream(path, std::ios::binary) << pdf;
}

}  // namespace pressarchive::testing
