// The HTML of the record screen, from what the handler gathered (screens_record.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stages/store/archive_store.h"
#include "stages/web/services/page_images.h"

namespace pressarchive::web {

// The fields the edit form sets, in the `edit` command's names.
inline constexpr const char* kEditableFields[] = {"title",  "subtitle", "release_date", "place",
                                                  "issuer", "language", "document_type"};
// The width the record screen asks page images at.
inline constexpr int kPageImageWidth = 800;

struct RecordContext {
  const Record* record = nullptr;
  int page_number = 1;
  std::string query;               // the search that led here, "" when none
  std::vector<std::string> words;  // its words, for the marks
  std::optional<PageHits> hits;    // boxes on the page image; none without a layout
  std::optional<ClusterRow> cluster;
  std::vector<std::pair<std::int64_t, double>> revisions;
  std::vector<Event> events;
  bool can_change = false;  // not read-only
  bool signed_in = false;   // the token cookie is there: the form needs no token field
  std::string csrf_input;
  bool saved = false;  // just after an edit
};

std::string record_body(const RecordContext& context);

}  // namespace pressarchive::web
