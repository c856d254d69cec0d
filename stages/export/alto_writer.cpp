#include "stages/export/alto_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "stages/export/xml_writer.h"

namespace pressarchive {
namespace {

constexpr const char* kAltoNamespace = "http://www.loc.gov/standards/alto/ns-v4#";
constexpr const char* kAltoSchema = "http://www.loc.gov/alto/v4/alto-4-4.xsd";

// A box in whole pixels, inside the page.
struct PixelBox {
  long x = 0, y = 0, width = 0, height = 0;
};

PixelBox clipped(const Box& b, double page_width, double page_height) {
  const double x0 = std::clamp(b.x, 0.0, page_width), y0 = std::clamp(b.y, 0.0, page_height);
  const double x1 = std::clamp(b.x + b.width, x0, page_width),
               y1 = std::clamp(b.y + b.height, y0, page_height);
  PixelBox p{std::lround(x0), std::lround(y0), 0, 0};
  p.width = std::max(0L, std::min(std::lround(x1), std::lround(page_width)) - p.x);
  p.height = std::max(0L, std::min(std::lround(y1), std::lround(page_height)) - p.y);
  return p;
}

void write_box(XmlWriter& xml, const PixelBox& b) {
  xml.attribute("HPOS", std::to_string(b.x))
      .attribute("VPOS", std::to_string(b.y))
      .attribute("WIDTH", std::to_string(b.width))
      .attribute("HEIGHT", std::to_string(b.height));
}

std::string confidence_text(double c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.2f", std::clamp(c, 0.0, 1.0));
  return buffer;
}

void write_processing(XmlWriter& xml, const std::string& id, const char* category,
                      const std::string& name, const std::string& version,
                      const char* description) {
  if (version.empty()) return;
  xml.open("Processing").attribute("ID", id);
  xml.element("processingCategory", category);
  xml.element("processingStepDescription", description);
  xml.open("processingSoftware")
      .element("softwareName", name)
      .element("softwareVersion", version)
      .close();
  xml.close();
}

void write_description(XmlWriter& xml, const AltoPage& page, const Software& software) {
  xml.open("Description");
  xml.element("MeasurementUnit", "pixel");
  if (!page.image_file.empty())
    xml.open("sourceImageInformation").element("fileName", page.image_file).close();
  if (page.method == PageMethod::kTextLayer) {
    write_processing(xml, "proc_text", "contentGeneration", "Poppler", software.poppler,
                     "text and word boxes read from the PDF's text layer");
  } else {
    if (page.from_pdf)
      write_processing(xml, "proc_render", "preOperation", "Poppler", software.poppler,
                       "page image rendered or taken out of the PDF");
    write_processing(xml, "proc_image", "preOperation", "Leptonica", software.leptonica,
                     "orientation, deskew and binarisation of the page image");
    write_processing(xml, "proc_ocr", "contentGeneration", "Tesseract", software.tesseract,
                     "optical character recognition");
  }
  write_processing(xml, "proc_alto", "postOperation", "pressarchive", software.pressarchive,
                   "ALTO written from the page's lines and words");
  xml.close();
}

void write_word(XmlWriter& xml, const LayoutWord& word, const std::string& id, const PixelBox& box,
                std::string_view content, const char* subs_type, const std::string& subs_content) {
  xml.open("String").attribute("ID", id).attribute("CONTENT", content);
  write_box(xml, box);
  xml.attribute("WC", confidence_text(word.confidence));
  if (subs_type) xml.attribute("SUBS_TYPE", subs_type).attribute("SUBS_CONTENT", subs_content);
  xml.close();
}

// The hyphen that ends `text` (its last code point), for HYP's CONTENT.
std::string trailing_hyphen(const std::string& text) {
  std::size_t start = text.size();
  while (start > 0 && (static_cast<unsigned char>(text[start - 1]) & 0xC0) == 0x80) --start;
  return start > 0 ? text.substr(start - 1) : text;
}

}  // namespace

Software software_of(const Record& record) {
  Software s;
  const nlohmann::json p = nlohmann::json::parse(record.provenance, nullptr, false);
  if (!p.is_object()) return s;
  const auto get = [&p](const char* key) {
    return p.contains(key) && p[key].is_string() ? p[key].get<std::string>() : "";
  };
  s.pressarchive = get("version");
  s.tesseract = get("tesseract");
  s.leptonica = get("leptonica");
  if (s.leptonica.rfind("leptonica-", 0) == 0) s.leptonica = s.leptonica.substr(10);
  s.poppler = get("poppler");
  return s;
}

std::string write_alto(const PageLayout& layout, const AltoPage& page, const Software& software) {
  XmlWriter xml;
  xml.open("alto")
      .attribute("xmlns", kAltoNamespace)
      .attribute("xmlns:xlink", "http://www.w3.org/1999/xlink")
      .attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
      .attribute("xsi:schemaLocation", std::string(kAltoNamespace) + " " + kAltoSchema);
  write_description(xml, page, software);
  xml.open("Layout");
  const std::string n = std::to_string(page.number);
  xml.open("Page").attribute("ID", "page_" + n).attribute("PHYSICAL_IMG_NR", n);
  xml.attribute("WIDTH", std::to_string(std::lround(layout.width)))
      .attribute("HEIGHT", std::to_string(std::lround(layout.height)));
  xml.open("PrintSpace");
  write_box(xml, clipped(Box{0, 0, layout.width, layout.height}, layout.width, layout.height));
  int block_no = 0, line_no = 0, word_no = 0;
  for (const LayoutBlock& block : layout.blocks) {
    // ALTO's TextLine holds at least one String: lines without words are left out (and a
    // block of none), and the lines around such a gap are neighbours for hyphenation.
    std::vector<const LayoutLine*> lines;
    for (const LayoutLine& line : block.lines)
      if (!line.words.empty()) lines.push_back(&line);
    if (lines.empty()) continue;
    xml.open("TextBlock").attribute("ID", "block_" + n + "_" + std::to_string(++block_no));
    write_box(xml, clipped(block.box, layout.width, layout.height));
    xml.optional_attribute("LANG", page.language);
    std::string carried;  // the whole word whose second part opens this line
    for (std::size_t l = 0; l < lines.size(); ++l) {
      const LayoutLine& line = *lines[l];
      xml.open("TextLine").attribute("ID", "line_" + n + "_" + std::to_string(++line_no));
      write_box(xml, clipped(line.box, layout.width, layout.height));
      std::string split;  // the whole word this line's last word begins
      // A line of one word cannot be both the end of one split word and the start of another.
      if (l + 1 < lines.size() && (line.words.size() > 1 || carried.empty()))
        split = hyphen_joined(line.words.back().text, lines[l + 1]->words.front().text);
      for (std::size_t w = 0; w < line.words.size(); ++w) {
        const LayoutWord& word = line.words[w];
        const std::string id = "string_" + n + "_" + std::to_string(++word_no);
        const PixelBox box = clipped(word.box, layout.width, layout.height);
        if (w > 0) xml.open("SP").close();
        if (w == 0 && !carried.empty()) {
          write_word(xml, word, id, box, word.text, "HypPart2", carried);
        } else if (w + 1 == line.words.size() && !split.empty()) {
          const std::string hyphen = trailing_hyphen(word.text);
          write_word(xml, word, id, box,
                     std::string_view(word.text).substr(0, word.text.size() - hyphen.size()),
                     "HypPart1", split);
          xml.open("HYP").attribute("CONTENT", hyphen).close();
        } else {
          write_word(xml, word, id, box, word.text, nullptr, "");
        }
      }
      carried = split;
      xml.close();  // TextLine
    }
    xml.close();  // TextBlock
  }
  return xml.finish();
}

}  // namespace pressarchive
