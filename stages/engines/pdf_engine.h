// The Poppler facade: the only place that sees Poppler's types (poppler-cpp, and
// Poppler's own API for the text layer). A PdfDocument is
// opened once per source and shared by that source's page jobs. Poppler's document is
// not safe for concurrent use, so each call borrows one of the source's Poppler
// documents, opening another when all are busy: the pages of one long PDF are read and
// rendered on every worker at once, not one after another.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/page_layout.h"
#include "stages/core/result.h"

namespace pressarchive {

struct PageSize {
  double width_pt = 0;
  double height_pt = 0;
};

class PdfDocument {
 public:
  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  // Opens a PDF. An encrypted PDF is unlocked with `password` when given; without a
  // (correct) password the error's reason is kEncrypted. Damaged files: kUnreadable.
  static Result<std::unique_ptr<PdfDocument>> open(const std::filesystem::path& path,
                                                   const std::string& password);

  int page_count() const;
  Result<PageSize> page_size(int index);

  // The page's text layer as lines with font sizes (points), in Poppler's reading order.
  Result<std::vector<TextLine>> text_lines(int index);
  // The same words with their boxes (points, top-left origin), grouped into the same
  // lines; a paragraph of text_lines is a block here, and words printed without a space
  // between them are one word, as in text_lines' text.
  Result<PageLayout> text_layout(int index);

  // Renders the page in memory straight to 8-bit grey (never through an encoded file).
  Result<PageImage> render(int index, int dpi);

  static std::string version();

 private:
  struct Impl;
  struct Reader;
  explicit PdfDocument(std::unique_ptr<Impl> impl);
  class Lease;
  Lease borrow();
  // The error of a page (0-based) that Poppler cannot open.
  Error unreadable_page(int index) const;
  std::unique_ptr<Impl> impl_;
  std::mutex mutex_;  // guards the pool of idle readers
  std::string name_;
  std::string password_;
};

}  // namespace pressarchive
