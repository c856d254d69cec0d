// dedup (exact): decide per source whether its bytes must be processed, are already
// archived (link the new path to the record), or were seen under this very path before.
// Identical files within one batch are processed once; the copies are linked.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stages/archive_store.h"
#include "stages/model.h"

namespace pressarchive {

// One content to process: the first path seen, plus byte-identical copies in the batch.
struct WorkItem {
  Source source;
  std::vector<Source> copies;
  // Reprocessing: the record whose derived data the result replaces, the page numbers
  // (1-based) to redo (empty = all), and the pages kept as they are.
  std::optional<std::int64_t> replaces_record;
  std::vector<int> only_pages;
  std::vector<PageResult> kept_pages;
  std::map<std::string, std::string> corrections;  // manual fields that survive reprocessing
  // The key fields when an archivist confirmed the record (reviewed), for the review flag.
  std::optional<std::map<std::string, std::string>> confirmed_fields;
};

struct IngestPlan {
  std::vector<WorkItem> work;
  std::vector<std::pair<Source, std::int64_t>> links;  // new path -> existing record id
  std::vector<Source> already_archived;                // same path and content as before
  std::vector<Source> failed_before;                   // not retried
};

using ContentLookup = std::function<KnownContent(const std::string& sha256, const std::string& path)>;

IngestPlan plan_ingest(const std::vector<Source>& sources, const ContentLookup& lookup,
                       bool retry_failed);

}  // namespace pressarchive
