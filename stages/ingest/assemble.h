// assemble: pages back into their document, in order, and the record built from them.
#pragma once

#include <vector>

#include "stages/core/model.h"

namespace pressarchive {

// Builds the record of a source from its pages (any order; sorted here): full text
// with form feeds between pages, kind, mean OCR confidence. Metadata is filled later.
Record assemble_record(const Source& source, std::vector<PageResult> pages);

struct ReviewPolicy {
  double min_ocr_confidence = 70;
  double min_field_confidence = 0.5;  // for title, release date, place and issuer when found
};

// Flags a record for review, with one reason per finding: failed pages, low OCR
// confidence, missing title or release date, a key field found with low confidence,
// fields that disagree. The one place that decides it.
void flag_for_review(Record& record, const ReviewPolicy& policy);

}  // namespace pressarchive
