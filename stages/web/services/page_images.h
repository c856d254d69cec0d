// Page images for the record screen: a record's page rendered from its source at the
// width the screen asks for, as JPEG, cached on disk under a key of record id, page,
// width and the source's content hash (so a replaced source never shows a stale image),
// and the boxes of the words a search hit on that page, in the image's pixels.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"
#include "stages/ingest/load.h"

namespace pressarchive::web {

struct HitBox {
  int x = 0, y = 0, width = 0, height = 0;  // image pixels
};

// The size of the image jpeg() gives and the boxes on it.
struct PageHits {
  int width = 0;
  int height = 0;
  std::vector<HitBox> boxes;
};

class PageImages {
 public:
  // `load_options`: as configured for ingest (PDF password, limits), so a page renders
  // as it was read.
  PageImages(std::filesystem::path cache_dir, LoadOptions load_options)
      : cache_dir_(std::move(cache_dir)), load_options_(std::move(load_options)) {}

  // JPEG bytes of page `page_number` (1-based) of `record` at most `width` pixels wide.
  // Thread-safe: concurrent renders of one page write the cache once (rename).
  Result<std::string> jpeg(const Record& record, int page_number, int width);

  // Boxes, in the pixels of the image jpeg() gives at `width`, of the words on the page
  // that equal one of `words` (lowercase, as text_util's words()). Renders the page (and
  // so caches its image) when its words are not cached yet.
  Result<PageHits> hit_boxes(const Record& record, int page_number, int width,
                             const std::vector<std::string>& words);

 private:
  // The page's image and its words into the cache (stages/export/record_pages.h: the page
  // upright, as OCR saw it, with the words' boxes in its pixels).
  Status render(const Record& record, int page_number, int width);
  std::filesystem::path cache_path(const Record& record, int page_number, int width,
                                   const char* suffix) const;

  std::filesystem::path cache_dir_;
  LoadOptions load_options_;
};

}  // namespace pressarchive::web
