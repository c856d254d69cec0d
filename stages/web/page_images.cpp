#include "stages/web/page_images.h"

namespace pressarchive::web {

// Rendering comes with stages/export/page_image.h (issue #16); until it lands the
// record screen shows the page text alone.
Result<std::string> PageImages::jpeg(const Record& record, int page_number, int /*width*/) {
  return make_error(Reason::kUnsupported, "record " + std::to_string(record.id) + " page " +
                                              std::to_string(page_number) + ": page images are not built in");
}

Result<PageHits> PageImages::hit_boxes(const Record&, int, int, const std::vector<std::string>&) {
  return make_error(Reason::kUnsupported, "page layouts are not built in");
}

}  // namespace pressarchive::web
