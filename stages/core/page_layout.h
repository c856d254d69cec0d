// A page's words with their boxes, in reading order: what ALTO, the searchable PDF and
// the web page's hit marks are made from. Two sources fill it: the ALTO fragment that
// Tesseract wrote for an OCR page (coordinates in the pixels of the image OCR saw), and
// Poppler's word boxes of a text layer (coordinates in points).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pressarchive {

struct Box {
  double x = 0, y = 0, width = 0, height = 0;  // top-left origin
};

struct LayoutWord {
  std::string text;  // valid UTF-8, as printed (a hyphenated part keeps its hyphen)
  Box box;
  double confidence = 1;  // 0..1; 1 for a text layer
};

struct LayoutLine {
  Box box;
  std::vector<LayoutWord> words;
};

struct LayoutBlock {
  Box box;
  std::vector<LayoutLine> lines;
};

struct PageLayout {
  double width = 0, height = 0;  // the page, in the layout's unit
  double dpi = 72;               // layout units per inch (OCR image DPI, or 72 for points)
  std::vector<LayoutBlock> blocks;
};

// Every word of the page, in reading order.
std::vector<const LayoutWord*> layout_words(const PageLayout& layout);

// The same layout with every coordinate multiplied by `factor` (a page image's scale).
PageLayout scaled_layout(const PageLayout& layout, double factor);

// Where a word is split across two lines by a hyphen: the first part ends with '-' (or a
// soft or real hyphen) after a letter, and the next line starts with a lower-case letter.
// Returns the joined word without the hyphen, or "" when the two are not one word.
std::string hyphen_joined(std::string_view first_part, std::string_view second_part);

}  // namespace pressarchive
