// What a consumer of pressarchive's METS packages checks (Kitodo, the DFG-Viewer, an
// Archivematica transfer): the XML validates against the official schemas (offline, with
// ../shared/schemas and its catalog), every file the METS names is there with its
// checksum, every ALTO word lies on its page and the words read as the record's text,
// and the searchable PDF gives those words back.
#pragma once

#include <gtest/gtest.h>
#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <poppler-document.h>
#include <poppler-page.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../test_paths.h"
#include "stages/core/model.h"
#include "stages/core/text_util.h"
#include "stages/engines/image_engine.h"
#include "stages/export/alto_writer.h"
#include "stages/ingest/discover.h"

namespace pressarchive::testing {

inline std::filesystem::path schemas_dir() {
  return source_dir().parent_path() / "shared" / "schemas";
}

// One compiled schema; its errors are collected per validation.
class Schema {
 public:
  explicit Schema(const std::filesystem::path& xsd) {
    static const bool catalog = [] {
      xmlInitializeCatalog();
      return xmlLoadCatalog((schemas_dir() / "catalog.xml").c_str()) == 0;
    }();
    EXPECT_TRUE(catalog) << "the schemas' catalog does not load";
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd.c_str());
    schema_ = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    EXPECT_NE(schema_, nullptr) << xsd << " does not compile";
  }
  ~Schema() {
    if (schema_) xmlSchemaFree(schema_);
  }
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  // "" when the document is valid; else the first errors, with their lines.
  std::string errors(const std::string& xml) const {
    if (!schema_) return "no schema";
    std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> doc(
        xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "export.xml", nullptr,
                      XML_PARSE_NONET | XML_PARSE_HUGE),
        xmlFreeDoc);
    if (!doc) return "not well-formed XML";
    std::string messages;
    xmlSchemaValidCtxtPtr context = xmlSchemaNewValidCtxt(schema_);
    xmlSchemaSetValidStructuredErrors(
        context,
        [](void* out, xmlErrorPtr error) {
          auto* text = static_cast<std::string*>(out);
          if (text->size() < 2000)
            *text += "line " + std::to_string(error->line) + ": " +
                     (error->message ? error->message : "");
        },
        &messages);
    const int rc = xmlSchemaValidateDoc(context, doc.get());
    xmlSchemaFreeValidCtxt(context);
    if (rc == 0) return "";
    return messages.empty() ? "invalid" : messages;
  }

 private:
  xmlSchemaPtr schema_ = nullptr;
};

// METS with the MODS inside it validated too: the METS schema takes xmlData laxly, so a
// wrapper schema that imports both makes MODS's declarations known to the validator.
inline const Schema& mets_and_mods_schema() {
  static const Schema schema([] {
    const std::filesystem::path wrapper =
        std::filesystem::temp_directory_path() / "pressarchive-mets-mods.xsd";
    std::ofstream(wrapper)
        << "<?xml version=\"1.0\"?>\n"
        << "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
           "targetNamespace=\"urn:pressarchive:test\">\n"
        << "<xs:import namespace=\"http://www.loc.gov/METS/\" schemaLocation=\""
        << (schemas_dir() / "mets-1-12-1.xsd").string() << "\"/>\n"
        << "<xs:import namespace=\"http://www.loc.gov/mods/v3\" schemaLocation=\""
        << (schemas_dir() / "mods-3-6.xsd").string() << "\"/>\n"
        << "</xs:schema>\n";
    return wrapper;
  }());
  return schema;
}

inline const Schema& alto_schema() {
  static const Schema schema(schemas_dir() / "alto-4-4.xsd");
  return schema;
}

struct XmlDoc {
  std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> doc{nullptr, xmlFreeDoc};
  explicit XmlDoc(const std::string& xml)
      : doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "x.xml", nullptr,
                          XML_PARSE_NONET),
            xmlFreeDoc) {}
};

inline std::string attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

inline std::string ns_attr(const xmlNode* n, const char* name, const char* ns) {
  xmlChar* v =
      xmlGetNsProp(n, reinterpret_cast<const xmlChar*>(name), reinterpret_cast<const xmlChar*>(ns));
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

inline bool named(const xmlNode* n, const char* local) {
  return n->type == XML_ELEMENT_NODE &&
         std::string(reinterpret_cast<const char*>(n->name)) == local;
}

template <typename Visit>
void each_element(const xmlNode* n, const char* local, Visit visit) {
  for (; n; n = n->next) {
    if (named(n, local)) visit(n);
    if (n->type == XML_ELEMENT_NODE) each_element(n->children, local, visit);
  }
}

// The words of an ALTO page, each hyphenated first part with its HYP, as the page's
// text prints them.
inline std::vector<std::string> alto_words(const std::string& alto, double& width, double& height,
                                           bool& boxes_inside) {
  XmlDoc doc(alto);
  std::vector<std::string> words;
  boxes_inside = true;
  const xmlNode* root = xmlDocGetRootElement(doc.doc.get());
  each_element(root, "Page", [&](const xmlNode* page) {
    width = std::stod(attr(page, "WIDTH"));
    height = std::stod(attr(page, "HEIGHT"));
  });
  each_element(root, "TextLine", [&](const xmlNode* line) {
    for (const xmlNode* n = line->children; n; n = n->next) {
      if (named(n, "String")) {
        words.push_back(attr(n, "CONTENT"));
        const double x = std::stod(attr(n, "HPOS")), y = std::stod(attr(n, "VPOS"));
        const double w = std::stod(attr(n, "WIDTH")), h = std::stod(attr(n, "HEIGHT"));
        if (x < 0 || y < 0 || x + w > width || y + h > height) boxes_inside = false;
      } else if (named(n, "HYP") && !words.empty()) {
        words.back() += attr(n, "CONTENT");
      }
    }
  });
  return words;
}

inline std::vector<std::string> text_words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// A word as a search finds it: without the punctuation around it. Text extraction
// (pdftotext) joins a lone dash or dot to the word beside it, and takes a dash at a
// line's end for a hyphen.
inline std::multiset<std::string> searchable_words(const std::string& text) {
  std::multiset<std::string> out;
  for (std::string w : text_words(text)) {
    const std::string punctuation = ".,;:!?-_()[]\"'/|*";
    const std::size_t from = w.find_first_not_of(punctuation);
    if (from == std::string::npos) continue;
    const std::size_t to = w.find_last_not_of(punctuation);
    out.insert(w.substr(from, to - from + 1));
  }
  return out;
}

// The boxes of an ALTO page's Strings, and its sourceImageInformation/fileName.
struct AltoBoxes {
  std::string image_file;
  std::vector<std::array<double, 4>> boxes;  // HPOS, VPOS, WIDTH, HEIGHT
};
inline AltoBoxes alto_boxes(const std::string& alto) {
  XmlDoc doc(alto);
  AltoBoxes out;
  const xmlNode* root = xmlDocGetRootElement(doc.doc.get());
  each_element(root, "fileName", [&](const xmlNode* n) {
    xmlChar* text = xmlNodeGetContent(n);
    out.image_file = reinterpret_cast<const char*>(text);
    xmlFree(text);
  });
  each_element(root, "String", [&](const xmlNode* n) {
    out.boxes.push_back({std::stod(attr(n, "HPOS")), std::stod(attr(n, "VPOS")),
                         std::stod(attr(n, "WIDTH")), std::stod(attr(n, "HEIGHT"))});
  });
  return out;
}

// The share of dark pixels (below mid-grey) inside the word boxes and outside them: on
// the image the ALTO belongs to, its words lie on the print, so the boxes hold far more
// ink than the rest of the page. Boxes in another image's pixels (unscaled, unturned)
// hold about as much as the rest.
inline std::pair<double, double> ink_inside_and_outside(const PageImage& image,
                                                        const AltoBoxes& alto) {
  std::vector<bool> in_box(static_cast<std::size_t>(image.width) * image.height, false);
  for (const auto& b : alto.boxes) {
    const int x0 = std::max(0, static_cast<int>(b[0])), y0 = std::max(0, static_cast<int>(b[1]));
    const int x1 = std::min(image.width, static_cast<int>(b[0] + b[2]));
    const int y1 = std::min(image.height, static_cast<int>(b[1] + b[3]));
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) in_box[static_cast<std::size_t>(y) * image.width + x] = true;
  }
  double dark_in = 0, all_in = 0, dark_out = 0, all_out = 0;
  for (std::size_t i = 0; i < in_box.size(); ++i) {
    const bool dark = image.pixels[i] < 128;
    (in_box[i] ? dark_in : dark_out) += dark;
    (in_box[i] ? all_in : all_out) += 1;
  }
  return {all_in > 0 ? dark_in / all_in : 0, all_out > 0 ? dark_out / all_out : 0};
}

// The versions an ALTO file's Processing steps name, by software.
inline std::map<std::string, std::string> alto_software(const std::string& alto) {
  XmlDoc doc(alto);
  std::map<std::string, std::string> out;
  each_element(xmlDocGetRootElement(doc.doc.get()), "processingSoftware", [&](const xmlNode* s) {
    std::string name, version;
    for (const xmlNode* n = s->children; n; n = n->next) {
      if (!named(n, "softwareName") && !named(n, "softwareVersion")) continue;
      xmlChar* text = xmlNodeGetContent(n);
      (named(n, "softwareName") ? name : version) = reinterpret_cast<const char*>(text);
      xmlFree(text);
    }
    out[name] = version;
  });
  return out;
}

// METS's internal links: every fptr names a file, every structLink end a div, and every
// page of the PHYSICAL map is linked from the LOGICAL one.
inline void check_mets_links(const xmlNode* root, std::size_t pages) {
  std::set<std::string> file_ids, div_ids, linked_to;
  each_element(root, "file", [&](const xmlNode* f) { file_ids.insert(attr(f, "ID")); });
  each_element(root, "div", [&](const xmlNode* d) { div_ids.insert(attr(d, "ID")); });
  each_element(root, "fptr", [&](const xmlNode* p) {
    EXPECT_TRUE(file_ids.count(attr(p, "FILEID"))) << "fptr to no file: " << attr(p, "FILEID");
  });
  std::size_t page_divs = 0;
  each_element(root, "structMap", [&](const xmlNode* map) {
    if (attr(map, "TYPE") != "PHYSICAL") return;
    each_element(map->children, "div",
                 [&](const xmlNode* d) { page_divs += attr(d, "TYPE") == "page"; });
  });
  EXPECT_EQ(page_divs, pages) << "one PHYSICAL div per page";
  const char* xlink = "http://www.w3.org/1999/xlink";
  each_element(root, "smLink", [&](const xmlNode* l) {
    EXPECT_TRUE(div_ids.count(ns_attr(l, "from", xlink))) << ns_attr(l, "from", xlink);
    EXPECT_TRUE(div_ids.count(ns_attr(l, "to", xlink))) << ns_attr(l, "to", xlink);
    linked_to.insert(ns_attr(l, "to", xlink));
  });
  EXPECT_EQ(linked_to.size(), pages) << "structLink reaches every page";
}

// Every check above on one package folder. The words' boxes must hold three times the
// ink of the rest of the page (print on light paper, as the samples), unless `ink_shares`
// collects the shares instead: maps, graphs, white on black and heavy borders of the
// corpus are judged together (tests/e2e/corpus_test.cpp). (the bag's data/ when it is a bag).
// `min_word_share`: the share of a page's words that text extraction of the searchable
// PDF must give back exactly (1: all). Words set close together on a line (a table of
// contents, a page number beside a heading) can come back joined.
struct PdfWordCount {
  std::size_t words = 0, missing = 0;
};
inline void check_package(const std::filesystem::path& dir, const Record& record,
                          double min_word_share = 1.0, PdfWordCount* counted = nullptr,
                          int image_width = 1500,
                          std::vector<std::pair<double, double>>* ink_shares = nullptr) {
  std::size_t total_words = 0, total_missing = 0;
  SCOPED_TRACE("package of record " + std::to_string(record.id) + " at " + dir.string() + " (" +
               (record.source_paths.empty() ? "" : record.source_paths.front()) + ")");
  const std::string mets = read_file(dir / "mets.xml");
  ASSERT_FALSE(mets.empty());
  EXPECT_EQ(mets_and_mods_schema().errors(mets), "");
  XmlDoc doc(mets);
  std::map<std::string, std::string> alto_by_page, image_by_page;
  std::string pdf_file;
  int files = 0;
  each_element(xmlDocGetRootElement(doc.doc.get()), "file", [&](const xmlNode* file) {
    ++files;
    const xmlNode* flocat = file->children;
    while (flocat && !named(flocat, "FLocat")) flocat = flocat->next;
    ASSERT_NE(flocat, nullptr);
    const std::string href = ns_attr(flocat, "href", "http://www.w3.org/1999/xlink");
    const std::filesystem::path path = dir / href;
    ASSERT_TRUE(std::filesystem::is_regular_file(path)) << href << " does not resolve";
    EXPECT_EQ(sha256_file(path).value(), attr(file, "CHECKSUM")) << href;
    EXPECT_EQ(attr(file, "CHECKSUMTYPE"), "SHA-256");
    EXPECT_EQ(std::to_string(std::filesystem::file_size(path)), attr(file, "SIZE"));
    // The MIMETYPE is what the bytes are.
    const std::map<std::string, std::string> magic = {
        {"image/jpeg", "\xFF\xD8\xFF"}, {"text/xml", "<?xml"}, {"application/pdf", "%PDF-"}};
    const auto expected = magic.find(attr(file, "MIMETYPE"));
    ASSERT_NE(expected, magic.end()) << href << ": MIMETYPE " << attr(file, "MIMETYPE");
    // (A PDF's header may follow junk within its first 1,024 bytes, as readers accept:
    // a born-digital original is passed on as it came.)
    const std::string bytes = read_file(path);
    if (expected->first == "application/pdf")
      EXPECT_NE(bytes.substr(0, 1024).find(expected->second), std::string::npos) << href;
    else
      EXPECT_EQ(bytes.substr(0, expected->second.size()), expected->second) << href;
    const std::string id = attr(file, "ID");
    if (id.rfind("FULLTEXT_", 0) == 0) alto_by_page[id.substr(9)] = read_file(path);
    if (id.rfind("DEFAULT_", 0) == 0) image_by_page[id.substr(8)] = href;
    if (id == "DOWNLOAD") pdf_file = path.string();
  });
  EXPECT_GT(files, 0);
  check_mets_links(xmlDocGetRootElement(doc.doc.get()), record.pages.size());
  const Software software = software_of(record);
  // ALTO: valid, boxes on the page, words as the page's text, coordinates in the pixels
  // of the page image beside it, the programs named with their versions.
  int page_no = 0;
  for (const PageResult& page : record.pages) {
    ++page_no;
    if (page.method == PageMethod::kFailed) continue;
    char key[16];
    std::snprintf(key, sizeof key, "%08d", page_no);
    ASSERT_TRUE(alto_by_page.count(key)) << "no ALTO for page " << page_no;
    const std::string& alto = alto_by_page[key];
    EXPECT_EQ(alto_schema().errors(alto), "") << "page " << page_no;
    double width = 0, height = 0;
    bool inside = false;
    EXPECT_EQ(alto_words(alto, width, height, inside), text_words(page.text)) << "page " << page_no;
    EXPECT_TRUE(inside) << "a String box leaves page " << page_no;
    const std::map<std::string, std::string> programs = alto_software(alto);
    EXPECT_EQ(programs.count("pressarchive"), 1u) << "page " << page_no;
    if (page.method == PageMethod::kOcr) {
      EXPECT_EQ(programs.at("Tesseract"), software.tesseract);
      EXPECT_EQ(programs.at("Leptonica"), software.leptonica);
      EXPECT_FALSE(software.tesseract.empty() || software.leptonica.empty());
    } else {
      EXPECT_EQ(programs.at("Poppler"), software.poppler);
      EXPECT_FALSE(software.poppler.empty());
    }
    if (!image_by_page.count(key)) continue;  // exported --no-images
    const AltoBoxes boxes = alto_boxes(alto);
    EXPECT_EQ(boxes.image_file, image_by_page[key]) << "page " << page_no;
    Result<PageImage> image =
        read_image_page(dir / image_by_page[key], SourceFormat::kJpeg, 0, 150);
    ASSERT_TRUE(image.ok()) << image_by_page[key];
    EXPECT_EQ(image->width, width) << "the ALTO page is the image's size, page " << page_no;
    EXPECT_EQ(image->height, height) << "the ALTO page is the image's size, page " << page_no;
    EXPECT_NEAR(image->width, image_width, image_width / 100) << "page " << page_no;
    if (boxes.boxes.size() >= 5) {
      const auto [ink_in, ink_out] = ink_inside_and_outside(*image, boxes);
      if (ink_shares)
        ink_shares->push_back({ink_in, ink_out});
      else
        EXPECT_GT(ink_in, 3 * ink_out)
            << "the words' boxes miss the print on page " << page_no << ": " << ink_in
            << " dark inside, " << ink_out << " outside";
    }
  }
  // The PDF gives the record's words back (a scan's searchable PDF, or the original).
  ASSERT_FALSE(pdf_file.empty()) << "no DOWNLOAD PDF";
  if (record.kind == RecordKind::kBornDigital) {
    EXPECT_EQ(sha256_file(pdf_file).value(), record.sha256)
        << "a born-digital record's PDF is its original";
    return;
  }
  // Read as pdftotext reads it: Poppler's text device in its default reading order.
  std::unique_ptr<poppler::document> pdf(poppler::document::load_from_file(pdf_file));
  ASSERT_NE(pdf, nullptr) << pdf_file << " does not open";
  // A page that failed at ingest may have no image to show, and then no PDF page.
  int failed = 0;
  for (const PageResult& page : record.pages) failed += page.method == PageMethod::kFailed;
  const int pages = static_cast<int>(record.pages.size());
  ASSERT_LE(pdf->pages(), pages);
  ASSERT_GE(pdf->pages(), pages - failed);
  for (int p = 0; p < pdf->pages() && pdf->pages() == pages; ++p) {
    if (record.pages[static_cast<std::size_t>(p)].method == PageMethod::kFailed) continue;
    std::unique_ptr<poppler::page> page(pdf->create_page(p));
    ASSERT_NE(page, nullptr);
    const poppler::byte_array utf8 = page->text().to_utf8();
    const std::string text(utf8.begin(), utf8.end());
    const std::multiset<std::string> in_pdf = searchable_words(text);
    const std::multiset<std::string> in_record =
        searchable_words(record.pages[static_cast<std::size_t>(p)].text);
    std::vector<std::string> missing;
    std::set_difference(in_record.begin(), in_record.end(), in_pdf.begin(), in_pdf.end(),
                        std::back_inserter(missing));
    const double found =
        in_record.empty() ? 1.0 : 1.0 - static_cast<double>(missing.size()) / in_record.size();
    total_words += in_record.size();
    total_missing += missing.size();
    EXPECT_GE(found, min_word_share)
        << "words of page " << p + 1
        << " the PDF does not give back: " << ::testing::PrintToString(missing);
  }
  if (counted) {
    counted->words += total_words;
    counted->missing += total_missing;
  }
}

}  // namespace pressarchive::testing
