// Run orchestration for `pressarchive ingest`: discover, plan (exact dedup), run the
// graph, write outcomes to the store, print the summary, choose the exit code.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/engine_pool.h"
#include "pipeline/graph.h"
#include "pipeline/progress.h"
#include "stages/metadata/metadata.h"
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

// What runs of ingest can share: the open archive, the metadata extractor (the rules and
// what the archive taught), the OCR engines. run_ingest opens one for its run; a queue
// worker keeps one for its life and refreshes the knowledge on a schedule.
struct IngestSession {
  Settings settings;
  MetadataRules rules;  // as loaded at the start
  std::unique_ptr<ArchiveStore> store;
  ExtractorSlot metadata;
  std::shared_ptr<const Lexicon> lexicon;  // the OCR languages' dictionaries, loaded on first use
  std::unique_ptr<EnginePool> engines;
  std::chrono::steady_clock::time_point knowledge_read_at;
  double archive_seconds = 0;  // waited on the archive since the last run took it
};

// Opens `session` from `config` (`worker` set: the store completes that worker's jobs).
// Returns exit_code::kOk, or the exit code after a message on `err`.
int open_ingest_session(const Config& config, const std::string& worker, IngestSession& session,
                        std::ostream& err);

// Re-reads what the archive taught (issuers, places, learned boilerplate).
Status refresh_knowledge(IngestSession& session);

class StoreStage;

// Re-signs the archive's records of an older signature scheme from their stored text
// (when near-duplicates are on), saying how many on `err`.
Status resign_older_records(IngestSession& session, std::ostream& err);

// Runs the documents `work` gives through the graph on the session's engines and
// extractor into `stage`, until `work` has no more or `stop` rises (or the stage was
// refused). Returns the documents not started.
std::size_t run_documents(IngestSession& session, WorkSource& work, StoreStage& stage,
                          const std::atomic<bool>* stop, ProgressCounters& counters);

// The exit code of a run with these counts.
int exit_code_of(const RunSummary& summary, bool store_refused, std::size_t not_started);

// Who writes a run: the program and engine versions.
std::string agent_of(const Settings& settings);

// One run of ingest on an open session; `start` is when the run began for its wall time.
int run_ingest_in(IngestSession& session, const IngestRequest& request, std::ostream& out,
                  std::ostream& err,
                  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now());

// Program and engine versions as one JSON object (stored with every run and record).
std::string provenance_json(const Settings& settings);

}  // namespace pressarchive
