// The ingest graph's describe step: a document whose pages are all back becomes its
// record (assembled, described, signed for near-duplicates) or its failure. Each stage
// call in it is guarded (stage_guard.h), so an exception fails this document alone.
#pragma once

#include <string>
#include <vector>

#include "pipeline/graph.h"
#include "stages/near_dup/near_duplicates.h"

namespace pressarchive {

// The failure record of `item` at `stage`.
Failure failure_of(const WorkItem& item, const std::string& stage, const Error& error);

// What one run's describe steps share. The MinHash is the run's own, made from its
// settings' num_perm, so that runs with other settings in one process sign alike.
struct DescribeContext {
  const GraphInputs* inputs = nullptr;  // settings, metadata extractor, progress, fault
  const MinHash* minhash = nullptr;
};

// `pages` are the document's recognised pages in order (its kept pages not included);
// `page_count` is how many were asked for. Thread-safe: documents are described side by
// side, and a long document's own work is split over two threads.
std::shared_ptr<DocumentOutcome> describe_document(const WorkItem& item,
                                                   std::vector<PageResult> pages, int page_count,
                                                   const DescribeContext& context);

}  // namespace pressarchive
