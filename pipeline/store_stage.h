// The store stage of a run: each outcome the graph delivers is written to the archive
// (placed in its cluster and archived, or put in place of the record it re-derives, or
// recorded as the input's failure) and counted into the run's summary; so are the links
// and failures a run finds before its graph. A write the archive refuses (disk full,
// permissions taken away) is not the input's failure: the stage is then `refused()`, the
// run takes no new input, and what finishes meanwhile is left for the next run.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <mutex>

#include "pipeline/config.h"
#include "pipeline/graph.h"
#include "stages/store/archive_store.h"

namespace pressarchive {

class StoreStage {
 public:
  // `clear_progress_line`: failures are printed over a progress line on a terminal.
  StoreStage(ArchiveStore& store, const Settings& settings, std::int64_t run_id, std::ostream& err,
             bool clear_progress_line);

  // Each call is one write (or none, once refused); safe to call from several threads.
  void deliver(DocumentOutcome&& outcome);
  bool record_failure(const Failure& failure);           // found before the graph; true: stored
  void link(const Source& source, std::int64_t record);  // same bytes as an archived source
  // A write outside the stage whose refusal stops the run like the stage's own.
  void check(const Status& written);

  bool refused() const { return refused_.load(); }
  std::int64_t not_stored() const;
  std::int64_t run_id() const;
  // The counts so far of the current run.
  RunSummary summary() const;
  // Counts from here on go to run `next_run` (a queue worker's next run); returns the
  // counts of the run before.
  RunSummary start_next_run(std::int64_t next_run);
  // The counts of every run of this stage so far.
  RunSummary total() const;
  // Adds to the current run's counts what the caller counted itself (inputs, skips).
  void add(const RunSummary& counts);

 private:
  void store_record(DocumentOutcome& outcome);
  void store_failure(const DocumentOutcome& outcome);
  void refuse(const Status& written);

  ArchiveStore& store_;
  const Settings& settings_;
  std::ostream& err_;
  const char* line_start_;
  mutable std::mutex mutex_;
  std::int64_t run_id_;
  RunSummary summary_;
  RunSummary earlier_runs_;  // archived, duplicates and failed of the runs before
  std::int64_t not_stored_ = 0;
  std::atomic<bool> refused_{false};
};

}  // namespace pressarchive
