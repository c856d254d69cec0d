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

#include "stages/core/model.h"

namespace pressarchive {

// What the archive already knows about a content hash.
struct KnownContent {
  std::optional<std::int64_t> record_id;  // archived as this record
  bool path_known = false;                // this exact path is already linked
  bool failed_before = false;             // an open failure exists for this hash
};

struct IngestPlan {
  std::vector<WorkItem> work;
  std::vector<std::pair<Source, std::int64_t>> links;  // new path -> existing record id
  std::vector<Source> already_archived;                // same path and content as before
  std::vector<Source> failed_before;                   // not retried
};

using ContentLookup =
    std::function<KnownContent(const std::string& sha256, const std::string& path)>;

IngestPlan plan_ingest(const std::vector<Source>& sources, const ContentLookup& lookup,
                       bool retry_failed);

}  // namespace pressarchive
