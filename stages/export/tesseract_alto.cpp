#include "stages/export/tesseract_alto.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>

#include "stages/core/text_util.h"

namespace pressarchive {
namespace {

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

std::string attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!value) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

double number(const xmlNode* node, const char* name) {
  const std::string value = attribute(node, name);
  return value.empty() ? 0 : std::strtod(value.c_str(), nullptr);
}

Box box_of(const xmlNode* node) {
  return Box{number(node, "HPOS"), number(node, "VPOS"), number(node, "WIDTH"),
             number(node, "HEIGHT")};
}

bool is(const xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE &&
         std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

// Tesseract writes WC as "0." + the integer percentage (see the header).
double tesseract_word_confidence(const std::string& wc) {
  if (wc.rfind("0.", 0) != 0) return std::strtod(wc.c_str(), nullptr);
  const long percent = std::strtol(wc.c_str() + 2, nullptr, 10);
  return percent < 0 ? 0 : percent > 100 ? 1 : static_cast<double>(percent) / 100.0;
}

LayoutLine read_line(const xmlNode* line_node) {
  LayoutLine line{box_of(line_node), {}};
  for (const xmlNode* n = line_node->children; n; n = n->next) {
    if (!is(n, "String")) continue;
    // A word is one token: Tesseract sometimes keeps a space at its edge, or inside it,
    // where the page's text has two words; those share the box by their lengths.
    const Box box = box_of(n);
    const double confidence = tesseract_word_confidence(attribute(n, "WC"));
    const std::string content = trim(valid_utf8(attribute(n, "CONTENT")));
    std::vector<std::string> parts;
    std::istringstream tokens(content);
    for (std::string part; tokens >> part;) parts.push_back(part);
    double x = box.x;
    for (const std::string& part : parts) {
      const double width =
          box.width * static_cast<double>(part.size()) / static_cast<double>(content.size());
      line.words.push_back(LayoutWord{part, Box{x, box.y, width, box.height}, confidence});
      x += box.width * static_cast<double>(part.size() + 1) / static_cast<double>(content.size());
    }
  }
  return line;
}

// TextBlocks may sit inside ComposedBlocks (and those inside others): walked in order.
void read_blocks(const xmlNode* parent, PageLayout& layout) {
  for (const xmlNode* n = parent->children; n; n = n->next) {
    if (is(n, "TextBlock")) {
      LayoutBlock block{box_of(n), {}};
      for (const xmlNode* l = n->children; l; l = l->next)
        if (is(l, "TextLine")) {
          LayoutLine line = read_line(l);
          if (!line.words.empty()) block.lines.push_back(std::move(line));
        }
      if (!block.lines.empty()) layout.blocks.push_back(std::move(block));
    } else if (n->type == XML_ELEMENT_NODE) {
      read_blocks(n, layout);
    }
  }
}

}  // namespace

Result<PageLayout> layout_from_tesseract_alto(std::string_view alto, double dpi) {
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlReadMemory(alto.data(), static_cast<int>(alto.size()), "page.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE));
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!root)
    return make_error(Reason::kUnreadable, "the page's OCR layout (ALTO) is not well-formed XML");
  const xmlNode* page = root;
  if (!is(page, "Page"))
    for (page = root->children; page && !is(page, "Page"); page = page->next) {
    }
  if (!page)
    return make_error(Reason::kUnreadable, "the page's OCR layout (ALTO) has no Page element");
  PageLayout layout;
  layout.width = number(page, "WIDTH");
  layout.height = number(page, "HEIGHT");
  layout.dpi = dpi > 0 ? dpi : 300;
  read_blocks(page, layout);
  return layout;
}

}  // namespace pressarchive
