// assemble: pages back into their document, in order, and the record built from them.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "stages/core/model.h"

namespace pressarchive {

// Builds the record of a source from its pages (any order; sorted here): full text
// with form feeds between pages, kind, mean OCR confidence. Metadata is filled later.
Record assemble_record(const Source& source, std::vector<PageResult> pages);

struct ReviewPolicy {
  double min_ocr_confidence = 70;
  double min_field_confidence = 0.5;  // for title, release date, place and issuer when found
  std::map<std::string, double> min_confidence;  // per key field; overrides the one above
};

// What an archivist said about a record before it is derived again (reprocessing).
struct ReviewHistory {
  std::set<std::string> manual_fields;  // set by hand: the archivist's value is not doubted
  // The key fields (title, release_date, place, issuer) as they were when an archivist
  // confirmed the record (`edit --reviewed`); none when it was never confirmed.
  std::optional<std::map<std::string, std::string>> confirmed;
};

// The key fields a record is searched by: each must be found, with enough confidence.
const std::vector<std::string>& review_key_fields();

// Flags a record for review, with one reason per finding, in words: failed pages, low
// OCR confidence, a key field missing or found with a confidence below the policy's,
// fields that disagree. Reasons about a manual field are left out. A record confirmed
// by an archivist stays out of the queue (its reasons kept for reading) as long as no
// page failed and its key fields are what the archivist confirmed. The one place that
// decides it.
void flag_for_review(Record& record, const ReviewPolicy& policy, const ReviewHistory& history = {});

}  // namespace pressarchive
