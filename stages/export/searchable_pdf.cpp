#include "stages/export/searchable_pdf.h"

#include <unicode/utf8.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <sstream>

#include "stages/core/text_util.h"

namespace pressarchive {
namespace {

using Object = QPDFObjectHandle;

// Every glyph of the invisible font is half an em wide (the CIDFont's /DW 500).
constexpr double kGlyphWidth = 0.5;

// Maps every 16-bit code to itself as Unicode (UTF-16), so text extraction reads back
// exactly what was written.
constexpr const char* kToUnicode =
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", v);
  return buffer;
}

// The word as big-endian UTF-16 hex for a Tj with Identity-H; characters outside the
// Basic Multilingual Plane (rare in print) become U+FFFD.
std::string utf16_hex(std::string_view utf8, int& units) {
  const std::string valid = valid_utf8(utf8);
  std::string hex = "<";
  const auto* bytes = reinterpret_cast<const uint8_t*>(valid.data());
  const auto length = static_cast<int32_t>(valid.size());
  units = 0;
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0 || c > 0xFFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
    char unit[5];
    std::snprintf(unit, sizeof unit, "%04X", static_cast<unsigned>(c));
    hex += unit;
    ++units;
  }
  return hex + ">";
}

// The content stream of one page: the image over the whole page, then the words in
// rendering mode 3 (invisible), each stretched (Tz) to cover the width it was read at.
std::string page_content(const PdfPage& page, double width_pt, double height_pt) {
  std::string out = "q " + number(width_pt) + " 0 0 " + number(height_pt) + " 0 0 cm /Im0 Do Q\n";
  if (!page.layout) return out;
  const double k = 72.0 / page.dpi;
  out += "BT 3 Tr\n";
  for (const LayoutBlock& block : page.layout->blocks)
    for (const LayoutLine& line : block.lines) {
      const double size = std::max(1.0, line.box.height * k);
      const double baseline = height_pt - (line.box.y + line.box.height) * k;
      out += "/F0 " + number(size) + " Tf\n";
      // Text extraction also breaks words where the gap between two is wide enough, so each
      // word is narrowed, where needed, to leave a gap of a quarter of the line's height.
      const double min_gap = 0.25 * line.box.height;
      for (std::size_t w = 0; w < line.words.size(); ++w) {
        const LayoutWord& word = line.words[w];
        double width = word.box.width;
        if (w + 1 < line.words.size())
          width = std::min(width, line.words[w + 1].box.x - min_gap - word.box.x);
        width = std::max(width, 0.2 * word.box.width);
        int units = 0;
        // The space after every word ends it for text extraction whatever the geometry
        // (Poppler ends a word at a space character); the stretch is the word's own.
        const std::string hex = utf16_hex(word.text + " ", units);
        if (--units <= 0) continue;
        const double natural = units * kGlyphWidth * size;
        const double stretch = std::clamp(100.0 * std::max(0.1, width * k) / natural, 1.0, 10000.0);
        out += number(stretch) + " Tz 1 0 0 1 " + number(word.box.x * k) + " " + number(baseline) +
               " Tm " + hex + " Tj\n";
      }
    }
  out += "ET\n";
  return out;
}

Object make_font(QPDF& pdf, const std::string& font_file) {
  Object descriptor = Object::parse(
      "<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 500 1000] "
      "/ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>");
  std::ifstream in(font_file, std::ios::binary);
  if (!font_file.empty() && in) {
    std::ostringstream bytes;
    bytes << in.rdbuf();
    descriptor.replaceKey("/FontFile2", pdf.newStream(bytes.str()));
  }
  // Every code shows the font's one glyph (GID 1), as Tesseract's own PDFs do.
  std::string cid_to_gid(2 * 65536, '\0');
  for (std::size_t i = 1; i < cid_to_gid.size(); i += 2) cid_to_gid[i] = '\1';
  Object cid_font = Object::parse(
      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>");
  cid_font.replaceKey("/FontDescriptor", pdf.makeIndirectObject(descriptor));
  cid_font.replaceKey("/CIDToGIDMap", pdf.newStream(cid_to_gid));
  Object font = Object::parse(
      "<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H >>");
  font.replaceKey("/DescendantFonts", Object::newArray({pdf.makeIndirectObject(cid_font)}));
  font.replaceKey("/ToUnicode", pdf.newStream(kToUnicode));
  return pdf.makeIndirectObject(font);
}

Object make_page(QPDF& pdf, const PdfPage& page, const Object& font) {
  Object image = pdf.newStream();
  image.replaceDict(Object::parse(
      "<< /Type /XObject /Subtype /Image /ColorSpace /DeviceGray /BitsPerComponent 8 >>"));
  image.getDict().replaceKey("/Width", Object::newInteger(page.width));
  image.getDict().replaceKey("/Height", Object::newInteger(page.height));
  image.replaceStreamData(page.jpeg, Object::newName("/DCTDecode"), Object::newNull());
  const double width_pt = page.width * 72.0 / page.dpi, height_pt = page.height * 72.0 / page.dpi;
  Object resources = Object::newDictionary();
  resources.replaceKey("/XObject", Object::newDictionary({{"/Im0", image}}));
  resources.replaceKey("/Font", Object::newDictionary({{"/F0", font}}));
  Object dict = Object::newDictionary();
  dict.replaceKey("/Type", Object::newName("/Page"));
  dict.replaceKey("/MediaBox",
                  Object::newArray({Object::newInteger(0), Object::newInteger(0),
                                    Object::newReal(width_pt, 3), Object::newReal(height_pt, 3)}));
  dict.replaceKey("/Resources", resources);
  dict.replaceKey("/Contents", pdf.newStream(page_content(page, width_pt, height_pt)));
  return pdf.makeIndirectObject(dict);
}

}  // namespace

Result<std::string> write_searchable_pdf(const std::vector<PdfPage>& pages,
                                         const std::string& title, const std::string& font_file) {
  try {
    QPDF pdf;
    pdf.emptyPDF();
    const Object font = make_font(pdf, font_file);
    QPDFPageDocumentHelper document(pdf);
    for (const PdfPage& page : pages) {
      if (page.jpeg.empty() || page.width <= 0 || page.height <= 0 || page.dpi <= 0)
        return make_error(Reason::kInternal, "a page of the searchable PDF has no image");
      document.addPage(make_page(pdf, page, font), /*first=*/false);
    }
    Object info = pdf.makeIndirectObject(Object::newDictionary());
    info.replaceKey("/Title", Object::newUnicodeString(valid_utf8(title)));
    info.replaceKey("/Producer", Object::newUnicodeString("pressarchive"));
    pdf.getTrailer().replaceKey("/Info", info);
    QPDFWriter writer(pdf);
    writer.setOutputMemory();
    writer.setDeterministicID(true);
    writer.setCompressStreams(true);
    writer.write();
    std::unique_ptr<Buffer> buffer(writer.getBuffer());
    return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
  } catch (const std::exception& e) {
    return make_error(Reason::kInternal,
                      std::string("the searchable PDF could not be written: ") + e.what());
  }
}

std::string glyphless_font_path() {
  for (const char* dir :
       {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata", "/usr/local/share/tessdata"}) {
    const std::filesystem::path font = std::filesystem::path(dir) / "pdf.ttf";
    std::error_code ec;
    if (std::filesystem::is_regular_file(font, ec)) return font.string();
  }
  if (const char* prefix = std::getenv("TESSDATA_PREFIX")) {
    const std::filesystem::path font = std::filesystem::path(prefix) / "pdf.ttf";
    std::error_code ec;
    if (std::filesystem::is_regular_file(font, ec)) return font.string();
  }
  return "";
}

}  // namespace pressarchive
