#include "stages/engines/pdf_engine.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <poppler-version.h>

// Poppler's own C++ API (libpoppler-private-dev), for the text layer only: see text_lines.
#include <ErrorCodes.h>
#include <PDFDoc.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string_view>

#include "stages/core/text_util.h"

namespace pressarchive {
namespace {

// Poppler prints every syntax error of a damaged file to stderr; the pipeline reports
// failures itself, per file, so the engine's chatter is dropped.
void silence_poppler(const std::string&, void*) {}

// A one-page PDF with nothing on it, with a correct cross-reference table.
std::string empty_pdf() {
  const char* objects[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                           "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < 3; ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 4\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char entry[24];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

// poppler-cpp builds Poppler's global parameters (font configuration, encodings) when
// the first document opens and frees them when the last one closes: over a batch of
// one-page PDFs that was a tenth of the run, in the serial stage that opens sources.
// One empty document, kept for the life of the process, keeps them built; the text
// layer's PDFDoc readers (Poppler's own API) need them to exist at all.
struct PopplerSetup {
  PopplerSetup() {
    poppler::set_debug_error_function(&silence_poppler, nullptr);
    keep_alive.reset(
        poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  }
  std::string pdf = empty_pdf();
  std::unique_ptr<poppler::document> keep_alive;
};

// A word's characters as Poppler decoded them (Unicode code points), appended as UTF-8.
// What is not a code point (a surrogate from a broken ToUnicode map) becomes U+FFFD.
void append_text(std::string& out, const TextWord& word) {
  for (int i = 0; i < word.getLength(); ++i) {
    char32_t c = *word.getChar(i);
    if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = 0xFFFD;
    append_utf8(out, c);
  }
}

// Opens the file with Poppler's own API; kEncrypted when it needs a password that is
// missing or wrong, kUnreadable when it is no PDF Poppler can read.
Result<std::unique_ptr<PDFDoc>> open_core(const std::string& name, const std::string& password) {
  auto doc = std::make_unique<PDFDoc>(std::make_unique<GooString>(name));
  if (doc->isOk()) return doc;
  if (doc->getErrorCode() != errEncrypted)
    return make_error(Reason::kUnreadable,
                      name + ": not a readable PDF (damaged, truncated or not a PDF at all)");
  if (!password.empty()) {
    doc = std::make_unique<PDFDoc>(std::make_unique<GooString>(name), GooString(password),
                                   GooString(password));
    if (doc->isOk()) return doc;
  }
  return make_error(Reason::kEncrypted,
                    name + ": PDF is encrypted; set [pdf] password in the config to open it");
}

// A dynamic XFA form (LiveCycle) keeps its content in XML for an XFA renderer and
// declares /NeedsRendering true in its catalog; its PDF pages are empty placeholders.
// poppler-cpp does not expose the catalog, so the raw bytes are scanned (streamed).
bool needs_xfa_rendering(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  static constexpr std::string_view key = "/NeedsRendering";
  constexpr std::size_t kChunk = 1 << 16, kCarry = 32;  // the carry: a key cut at a chunk's end
  std::string buffer(kCarry + kChunk, '\0');
  std::size_t carried = 0;
  while (in.read(buffer.data() + carried, kChunk) || in.gcount() > 0) {
    const std::size_t size = carried + static_cast<std::size_t>(in.gcount());
    const std::string_view window(buffer.data(), size);
    for (std::size_t at = window.find(key); at != std::string_view::npos;
         at = window.find(key, at + 1)) {
      std::size_t v = at + key.size();
      while (v < window.size() && std::isspace(static_cast<unsigned char>(window[v]))) ++v;
      if (window.substr(v, 4) == "true") return true;
    }
    carried = std::min(kCarry, size);
    std::memmove(buffer.data(), buffer.data() + size - carried, carried);
  }
  return false;
}

// Page `index` (0-based) of `cpp`, or nullptr when there is no document or no such page.
std::unique_ptr<poppler::page> open_page(poppler::document* cpp, int index) {
  return std::unique_ptr<poppler::page>(cpp ? cpp->create_page(index) : nullptr);
}

}  // namespace

// One reader of the file: Poppler's document for the text layer, opened with the
// PdfDocument, and poppler-cpp's for page sizes and rendering, opened the first time a
// page of this reader needs one (a born-digital PDF never does).
struct PdfDocument::Reader {
  std::unique_ptr<PDFDoc> core;
  std::unique_ptr<poppler::document> cpp;
};

struct PdfDocument::Impl {
  int pages = 0;
  std::vector<Reader> idle;
};

// One reader, borrowed from the pool for one call and given back after it.
class PdfDocument::Lease {
 public:
  Lease(PdfDocument& owner, Reader reader) : owner_(owner), reader_(std::move(reader)) {}
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease() {
    if (!reader_.core) return;
    std::lock_guard lock(owner_.mutex_);
    owner_.impl_->idle.push_back(std::move(reader_));
  }
  PDFDoc* core() const { return reader_.core.get(); }

  // The poppler-cpp document, opened on first use; null when the file no longer opens.
  poppler::document* cpp() {
    if (!reader_.cpp && reader_.core) {
      reader_.cpp.reset(poppler::document::load_from_file(owner_.name_));
      // unlock() answers whether the document is still locked.
      if (reader_.cpp && reader_.cpp->is_locked() &&
          reader_.cpp->unlock(owner_.password_, owner_.password_))
        reader_.cpp.reset();
      if (reader_.cpp && reader_.cpp->pages() != owner_.impl_->pages) reader_.cpp.reset();
    }
    return reader_.cpp.get();
  }

 private:
  PdfDocument& owner_;
  Reader reader_;
};

PdfDocument::Lease PdfDocument::borrow() {
  {
    std::lock_guard lock(mutex_);
    if (!impl_->idle.empty()) {
      Reader reader = std::move(impl_->idle.back());
      impl_->idle.pop_back();
      return Lease(*this, std::move(reader));
    }
  }
  // The file opened once already; a second reader of it parses its cross-reference table
  // again, which costs little next to a page. Should that fail (the file changed under
  // us), the call fails like a page that cannot be opened.
  Reader reader;
  Result<std::unique_ptr<PDFDoc>> doc = open_core(name_, password_);
  if (doc.ok() && (*doc)->getNumPages() == impl_->pages) reader.core = std::move(doc.value());
  return Lease(*this, std::move(reader));
}

PdfDocument::PdfDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfDocument::~PdfDocument() = default;

Result<std::unique_ptr<PdfDocument>> PdfDocument::open(const std::filesystem::path& path,
                                                       const std::string& password) {
  static PopplerSetup setup;
  const std::string name = path.string();
  Result<std::unique_ptr<PDFDoc>> doc = open_core(name, password);
  if (!doc.ok()) return doc.error();
  if (needs_xfa_rendering(path))
    return make_error(Reason::kUnsupported,
                      name +
                          ": dynamic XFA form; its content exists only for an XFA renderer "
                          "(flatten or print it to PDF first)");
  auto impl = std::make_unique<Impl>();
  impl->pages = std::max(0, (*doc)->getNumPages());
  impl->idle.push_back(Reader{std::move(doc.value()), nullptr});
  std::unique_ptr<PdfDocument> result(new PdfDocument(std::move(impl)));
  result->name_ = name;
  result->password_ = password;
  return result;
}

Error PdfDocument::unreadable_page(int index) const {
  return make_error(Reason::kUnreadable,
                    name_ + ": page " + std::to_string(index + 1) + " cannot be opened");
}

int PdfDocument::page_count() const { return impl_->pages; }

Result<PageSize> PdfDocument::page_size(int index) {
  Lease doc = borrow();
  const std::unique_ptr<poppler::page> page = open_page(doc.cpp(), index);
  if (!page) return unreadable_page(index);
  const poppler::rectf box = page->page_rect(poppler::media_box);
  PageSize size{box.width(), box.height()};
  if (page->orientation() == poppler::page::landscape ||
      page->orientation() == poppler::page::seascape)
    std::swap(size.width_pt, size.height_pt);
  return size;
}

// The text layer is read with Poppler's own API, as poppler-cpp's text_list reads it
// (same text device, same reading order) minus what text_list adds on top: a UTF-8 to
// UTF-16 conversion per word that opens an iconv converter each time, a box per
// character, and a copy of the cross-reference table per page. That was a fifth of
// reading a born-digital page. The copy guards a document shared between threads; a
// reader here is only ever used by the thread that borrowed it.
namespace {

// Renders page `index` of `core` through Poppler's text device and hands its words to
// `visit`, in reading order.
template <typename Visit>
bool with_text_words(PDFDoc* core, int index, int pages, Visit visit) {
  if (!core || index < 0 || index >= pages || core->getPage(index + 1) == nullptr) return false;
  TextOutputDev device(nullptr, /*physLayoutA=*/false, /*fixedPitchA=*/0, /*rawOrderA=*/false,
                       /*append=*/false);
  core->displayPageSlice(&device, index + 1, 72, 72, /*rotate=*/0, /*useMediaBox=*/false,
                         /*crop=*/false, /*printing=*/false, -1, -1, -1, -1, nullptr, nullptr,
                         nullptr, nullptr, /*copyXRef=*/false);
  const std::unique_ptr<TextWordList> words = device.makeWordList();
  if (words) visit(*words);
  return true;
}

// Words come in reading order; a word whose vertical centre leaves the current line
// starts a new line, and a gap much taller than the line (or a change of font size)
// starts a new paragraph. new_line(starts_paragraph, height) opens a line;
// add_word(word, space_before, box) adds a word to it (box in points, top-left origin).
template <typename NewLine, typename AddWord>
void group_into_lines(TextWordList& words, NewLine new_line, AddWord add_word) {
  double line_top = 0, line_bottom = 0, prev_bottom = -1;
  float line_height = 0;
  bool have_line = false, space_pending = false;
  for (int w = 0; w < words.getLength(); ++w) {
    const TextWord& word = *words.get(w);
    double x_min = 0, y_min = 0, x_max = 0, y_max = 0;
    word.getBBox(&x_min, &y_min, &x_max, &y_max);
    const double top = y_min, height = y_max - y_min;
    const double centre = top + height / 2;
    const double size = height;
    const bool same_line = have_line && centre > line_top && centre < line_bottom;
    if (!same_line) {
      bool starts_paragraph = true;
      if (have_line) {
        const double gap = top - prev_bottom;
        const float prev = line_height;
        starts_paragraph = gap > 0.8 * std::max<double>(prev, size) ||
                           std::fabs(size - prev) > 0.15 * std::max<double>(prev, size);
      }
      new_line(starts_paragraph, static_cast<float>(size));
      have_line = true;
      line_height = static_cast<float>(size);
      line_top = top;
      line_bottom = top + height;
      space_pending = false;
    } else {
      line_top = std::min(line_top, top);
      line_bottom = std::max(line_bottom, top + height);
      line_height = std::max(line_height, static_cast<float>(size));
    }
    add_word(word, space_pending, Box{x_min, y_min, x_max - x_min, y_max - y_min});
    space_pending = word.hasSpaceAfter();
    prev_bottom = line_bottom;
  }
}

Box united(const Box& a, const Box& b) {
  const double x = std::min(a.x, b.x), y = std::min(a.y, b.y);
  return Box{x, y, std::max(a.x + a.width, b.x + b.width) - x,
             std::max(a.y + a.height, b.y + b.height) - y};
}

}  // namespace

// The text layer is read with Poppler's own API, as poppler-cpp's text_list reads it
// (same text device, same reading order) minus what text_list adds on top: a UTF-8 to
// UTF-16 conversion per word that opens an iconv converter each time, a box per
// character, and a copy of the cross-reference table per page. That was a fifth of
// reading a born-digital page. The copy guards a document shared between threads; a
// reader here is only ever used by the thread that borrowed it.
Result<std::vector<TextLine>> PdfDocument::text_lines(int index) {
  Lease doc = borrow();
  std::vector<TextLine> lines;
  const bool read = with_text_words(doc.core(), index, impl_->pages, [&](TextWordList& words) {
    group_into_lines(
        words,
        [&](bool starts_paragraph, float height) {
          TextLine line;
          line.height = height;
          line.starts_paragraph = starts_paragraph;
          lines.push_back(std::move(line));
        },
        [&](const TextWord& word, bool space_before, const Box& box) {
          if (space_before) lines.back().text.push_back(' ');
          lines.back().height = std::max(lines.back().height, static_cast<float>(box.height));
          append_text(lines.back().text, word);
        });
  });
  if (!read) return unreadable_page(index);
  return lines;
}

Result<PageLayout> PdfDocument::text_layout(int index) {
  Lease doc = borrow();
  PageLayout layout;
  const bool read = with_text_words(doc.core(), index, impl_->pages, [&](TextWordList& words) {
    group_into_lines(
        words,
        [&](bool starts_paragraph, float) {
          if (starts_paragraph || layout.blocks.empty()) layout.blocks.emplace_back();
          layout.blocks.back().lines.emplace_back();
        },
        [&](const TextWord& word, bool space_before, const Box& box) {
          LayoutLine& line = layout.blocks.back().lines.back();
          // Words printed without a space between them are one word of the text.
          if (space_before || line.words.empty()) line.words.push_back(LayoutWord{"", box, 1.0});
          LayoutWord& target = line.words.back();
          target.box = united(target.box, box);
          append_text(target.text, word);
        });
  });
  if (!read) return unreadable_page(index);
  for (LayoutBlock& block : layout.blocks) {
    for (LayoutLine& line : block.lines) {
      line.box = line.words.front().box;
      for (const LayoutWord& word : line.words) line.box = united(line.box, word.box);
    }
    block.box = block.lines.front().box;
    for (const LayoutLine& line : block.lines) block.box = united(block.box, line.box);
  }
  PDFDoc* core = doc.core();
  layout.width = core->getPageCropWidth(index + 1);
  layout.height = core->getPageCropHeight(index + 1);
  if (core->getPageRotate(index + 1) % 180 != 0) std::swap(layout.width, layout.height);
  layout.dpi = 72;
  return layout;
}

Result<PageImage> PdfDocument::render(int index, int dpi) {
  Lease doc = borrow();
  const std::unique_ptr<poppler::page> page = open_page(doc.cpp(), index);
  if (!page) return unreadable_page(index);
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  const poppler::image img = renderer.render_page(page.get(), dpi, dpi);
  if (!img.is_valid() || img.width() <= 0 || img.height() <= 0)
    return make_error(Reason::kUnreadable,
                      name_ + ": page " + std::to_string(index + 1) + " cannot be rendered");
  PageImage out;
  out.width = img.width();
  out.height = img.height();
  out.dpi = dpi;
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
  const char* data = img.const_data();
  for (int y = 0; y < out.height; ++y)
    std::memcpy(&out.pixels[static_cast<std::size_t>(y) * out.width],
                data + static_cast<std::size_t>(y) * img.bytes_per_row(), out.width);
  return out;
}

std::string PdfDocument::version() { return poppler::version_string(); }

}  // namespace pressarchive
