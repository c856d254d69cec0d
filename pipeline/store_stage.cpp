#include "pipeline/store_stage.h"

#include <ostream>
#include <utility>

#include "pipeline/ingest.h"
#include "pipeline/report.h"
#include "stages/store/placement.h"
#include "stages/store/store_access.h"

namespace pressarchive {

StoreStage::StoreStage(ArchiveStore& store, const Settings& settings, std::int64_t run_id,
                       std::ostream& err, bool clear_progress_line)
    : store_(store),
      settings_(settings),
      err_(err),
      line_start_(clear_progress_line ? "\r\033[K" : ""),
      run_id_(run_id) {}

void StoreStage::refuse(const Status& written) {
  if (written.ok() || refused_.exchange(true)) return;
  err_ << line_start_;
  report(err_, explain_store_write_failure(settings_.store, written.error()));
}

void StoreStage::check(const Status& written) {
  std::lock_guard lock(mutex_);
  refuse(written);
}

bool StoreStage::record_failure(const Failure& failure) {
  std::lock_guard lock(mutex_);
  err_ << "failed: " << failure.message << "\n";
  const Status recorded = store_.record_failure(failure, run_id_);
  refuse(recorded);
  ++summary_.failed;
  return recorded.ok();
}

void StoreStage::link(const Source& source, std::int64_t record) {
  std::lock_guard lock(mutex_);
  refuse(store_.link_source(record, source, run_id_));
  ++summary_.duplicates;
}

void StoreStage::deliver(DocumentOutcome&& outcome) {
  std::lock_guard lock(mutex_);
  if (refused_) {
    ++not_stored_;
    return;
  }
  if (outcome.record)
    store_record(outcome);
  else
    store_failure(outcome);
}

void StoreStage::store_record(DocumentOutcome& outcome) {
  const auto copies = static_cast<std::int64_t>(outcome.item->copies.size());
  outcome.record->provenance = provenance_json(settings_);
  Status stored = Status::Ok();
  if (outcome.item->replaces_record) {
    stored = store_.replace_record(*outcome.item->replaces_record, *outcome.record, run_id_);
    if (stored.ok()) ++summary_.reprocessed;
  } else {
    // In the serial store stage, so records of this run see each other: a release
    // scanned twice tonight forms one cluster like one scanned years apart.
    Result<ArchivedRecord> archived = place_and_archive(
        store_, *outcome.record, outcome.signed_record ? &*outcome.signed_record : nullptr, run_id_,
        settings_.near_duplicate);
    if (archived.ok()) {
      const ClusterDecision& d = archived->placement;
      if (d.duplicate_of || d.takes_over_from) ++summary_.near_duplicates;
      if (d.revision_of) ++summary_.revisions;
      ++summary_.archived;
      // Counts the record's lines towards its issuer's learned boilerplate.
      if (settings_.learned_boilerplate.enabled && !outcome.record->metadata.issuer.empty())
        refuse(store_.count_boilerplate_lines(outcome.record->metadata.issuer,
                                              outcome.countable_lines));
    } else {
      stored = archived.error();
    }
  }
  if (stored.ok()) {
    summary_.duplicates += copies;
    return;
  }
  refuse(stored);
  ++not_stored_;
}

void StoreStage::store_failure(const DocumentOutcome& outcome) {
  err_ << line_start_ << "failed: " << outcome.failure->message << "\n";
  Status recorded = store_.record_failure(*outcome.failure, run_id_);
  for (const Source& copy : outcome.item->copies) {
    Failure f = *outcome.failure;
    f.source_path = copy.path.string();
    f.job_id = copy.job_id;
    if (recorded.ok()) recorded = store_.record_failure(f, run_id_);
  }
  if (!recorded.ok()) {
    refuse(recorded);
    ++not_stored_;
    return;
  }
  summary_.failed += 1 + static_cast<std::int64_t>(outcome.item->copies.size());
}

std::int64_t StoreStage::not_stored() const {
  std::lock_guard lock(mutex_);
  return not_stored_;
}

std::int64_t StoreStage::run_id() const {
  std::lock_guard lock(mutex_);
  return run_id_;
}

RunSummary StoreStage::summary() const {
  std::lock_guard lock(mutex_);
  return summary_;
}

RunSummary StoreStage::start_next_run(std::int64_t next_run) {
  std::lock_guard lock(mutex_);
  run_id_ = next_run;
  earlier_runs_.archived += summary_.archived;
  earlier_runs_.duplicates += summary_.duplicates;
  earlier_runs_.failed += summary_.failed;
  return std::exchange(summary_, RunSummary{});
}

RunSummary StoreStage::total() const {
  std::lock_guard lock(mutex_);
  RunSummary all = summary_;
  all.archived += earlier_runs_.archived;
  all.duplicates += earlier_runs_.duplicates;
  all.failed += earlier_runs_.failed;
  return all;
}

void StoreStage::add(const RunSummary& counts) {
  std::lock_guard lock(mutex_);
  summary_.inputs += counts.inputs;
  summary_.failed += counts.failed;
  summary_.duplicates += counts.duplicates;
  summary_.skipped_known += counts.skipped_known;
  summary_.skipped_failed += counts.skipped_failed;
}

}  // namespace pressarchive
