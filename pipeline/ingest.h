// Run orchestration for `pressarchive ingest`: discover, plan (exact dedup), run the
// graph, write outcomes to the store, print the summary, choose the exit code.
#pragma once

#include <atomic>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "stages/store/archive_store.h"

namespace pressarchive {

// What `pressarchive reprocess` runs again.
struct ReprocessSelection {
  bool failed = false;  // open failures (narrowed by reason / since)
  std::optional<Reason> reason;
  std::string since;                      // ISO date or date-time; failures at or after it
  std::vector<std::int64_t> failure_ids;  // these open failures (the web page's retry)
  std::vector<std::int64_t> record_ids;   // archived records, re-derived in place
  bool only_failed_pages = false;         // for record_ids: redo just their failed pages
};

struct IngestRequest {
  std::vector<std::filesystem::path> paths;
  std::optional<ReprocessSelection> reprocess;  // set: paths are ignored
  Config config;
  std::string command_line;
  bool show_progress = true;
  bool show_stats = false;                  // print where the time went, per stage
  const std::atomic<bool>* stop = nullptr;  // raised by SIGINT/SIGTERM
  std::string worker;                       // set: a queue worker; the store completes its jobs
  RunSummary* summary = nullptr;            // set: receives the run's counts
};

// Returns the process exit code (pipeline/exit_codes.h). Writes the summary to `out`
// and errors to `err`.
int run_ingest(const IngestRequest& request, std::ostream& out, std::ostream& err);

// Program and engine versions as one JSON object (stored with every run and record).
std::string provenance_json(const Settings& settings);

}  // namespace pressarchive
