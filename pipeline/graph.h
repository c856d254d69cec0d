// The ingest flow graph: it wires the stages, sets their concurrency and bounds the
// pages in flight; the work itself is done by the functions in stages/.
//
//   page_source ▶ admission ▶ recognize ▶ assemble ▶ …
//   (serial:      (limiter:   (×jobs, one (serial)
//    opens files,  N pages)    engine per
//    a task/page)  ▲           thread)   │
//                  └── a slot released ──┘
//
//   … ▶ assemble_doc ─┬▶ describe ─▶ body_keys ─┬▶ sign ──▶ deliver ▶ store thread
//       (the record)  │  (metadata,  (the body's │  (join)   (bounded  (place in a
//                     │   review)    v1 keys)    │            queue)    cluster,
//                     └▶ sign_whole ─────────────┘                      archive)
//                        (whole-text signature)
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/engine_pool.h"
#include "pipeline/progress.h"
#include "pipeline/stage_guard.h"
#include "stages/core/model.h"
#include "stages/engines/ocr_engine.h"
#include "stages/ingest/load.h"
#include "stages/metadata/metadata.h"
#include "stages/near_dup/dedup.h"
#include "stages/near_dup/near_duplicates.h"
#include "stages/near_dup/signature_v2.h"

namespace pressarchive {

// A finished document: either a record (with metadata) or the failure of its source.
struct DocumentOutcome {
  const WorkItem* item = nullptr;
  std::optional<Record> record;
  std::optional<Failure> failure;
  // What near-duplicate placement needs of the record, when near-duplicates are on.
  std::optional<SignedRecord> signed_record;
  // The body's version 1 band keys, made once the metadata has found the body.
  std::vector<std::uint64_t> body_band_keys;
  // The record's lines that count towards its issuer's learned boilerplate (key, text),
  // when learning is on and the record names an issuer.
  std::vector<std::pair<std::string, std::string>> countable_lines;
};

// Where the graph's documents come from, asked on one thread at a time: the plan of a
// run (PlannedWork), or the jobs a queue worker claims as it goes (pipeline/worker.cpp).
class WorkSource {
 public:
  virtual ~WorkSource() = default;
  // The next document, or nullptr when there are no more. The item stays valid until
  // finished(item).
  virtual const WorkItem* next() = 0;
  // True when next() may wait for work to arrive (a worker on an empty queue): the graph
  // then keeps a thread for its source beside the `jobs` that do the work.
  virtual bool may_wait() const { return false; }
  // The store stage is done with `item`: stored, or its failure recorded. Called on the
  // store thread.
  virtual void finished(const WorkItem* /*item*/) {}
  // The run takes no more documents (`stop` rose): returns how many this source had
  // left, which are not started.
  virtual std::size_t stop_taking() = 0;
};

// The work items of a planned run, in order.
class PlannedWork final : public WorkSource {
 public:
  explicit PlannedWork(const std::vector<WorkItem>& work) : work_(work) {}
  const WorkItem* next() override { return next_ < work_.size() ? &work_[next_++] : nullptr; }
  std::size_t stop_taking() override { return work_.size() - std::exchange(next_, work_.size()); }

 private:
  const std::vector<WorkItem>& work_;
  std::size_t next_ = 0;
};

// The metadata extractor documents are described with. A queue worker puts in a new one
// when it reads again what the archive taught; a document is described whole by the one
// it got.
class ExtractorSlot {
 public:
  explicit ExtractorSlot(std::shared_ptr<const MetadataExtractor> extractor = nullptr)
      : extractor_(std::move(extractor)) {}
  std::shared_ptr<const MetadataExtractor> get() const {
    std::lock_guard lock(mutex_);
    return extractor_;
  }
  void set(std::shared_ptr<const MetadataExtractor> extractor) {
    std::lock_guard lock(mutex_);
    extractor_ = std::move(extractor);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const MetadataExtractor> extractor_;
};

using SourceLoader =
    std::function<Result<std::shared_ptr<LoadedSource>>(const Source&, const LoadOptions&)>;

struct GraphInputs {
  WorkSource* work = nullptr;
  const Settings* settings = nullptr;
  const ExtractorSlot* metadata = nullptr;
  EngineFactory make_engine;        // used when `engines` is not given
  EnginePool* engines = nullptr;    // kept by the caller between runs (a queue worker)
  SourceLoader load = load_source;  // tests inject sources that fail on page N
  ProgressCounters* progress = nullptr;
  // Asked before each new document is opened; true stops taking new documents (a signal
  // arrived, or the store cannot take more). Called on one thread at a time.
  std::function<bool()> stop;
  // Called on the store thread (one, not one of the graph's workers), in completion order.
  // A failure is delivered like a record; a call that throws is followed by the input's
  // failure at "store".
  std::function<void(DocumentOutcome&&)> deliver;
  // Tests only: called at the start of every stage call the graph makes (load, recognize,
  // assemble, metadata, near-duplicates, store), to throw from it.
  StageFault fault;
};

// Every stage call is guarded (stage_guard.h): an exception fails its input, not the run.
// Runs until `work` has no more and every admitted document is delivered. Returns the
// number of work items that were not started because `stop` was raised.
std::size_t run_ingest_graph(GraphInputs inputs);

}  // namespace pressarchive
