// The ingest graph's describe and sign steps: a document whose pages are all back becomes
// its record (assembled, described) or its failure; a record is then signed for
// near-duplicate placement. Each stage call in them is guarded (stage_guard.h), so an
// exception fails this document alone.
#pragma once

#include <string>
#include <vector>

#include "pipeline/graph.h"
#include "stages/near_dup/near_duplicates.h"

namespace pressarchive {

// The failure record of `item` at `stage`.
Failure failure_of(const WorkItem& item, const std::string& stage, const Error& error);

// `pages` are the document's recognised pages in order (its kept pages not included);
// `page_count` is how many were asked for; `inputs` give the settings, the metadata
// extractor, the progress counters and the tests' fault. Thread-safe: documents are
// described side by side, and a long document's metadata and line keys are made at once.
std::shared_ptr<DocumentOutcome> describe_document(const WorkItem& item,
                                                   std::vector<PageResult> pages, int page_count,
                                                   const GraphInputs& inputs);

// What one run's signing steps share. The MinHash is the run's own, made from its
// settings' num_perm, so that runs with other settings in one process sign alike.
struct SigningContext {
  const GraphInputs* inputs = nullptr;
  const MinHash* minhash = nullptr;
};

// A record, when near-duplicates are on, gets its version 2 signature and band keys, and
// the outcome its signed_record (what placement needs); a failure, or a record with
// near-duplicates off, passes unchanged. A stage error fails the input at
// "near-duplicates". Thread-safe.
std::shared_ptr<DocumentOutcome> sign_for_placement(std::shared_ptr<DocumentOutcome> outcome,
                                                    const SigningContext& context);

}  // namespace pressarchive
