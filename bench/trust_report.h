// The trust report of metadata_eval: for each half of a split evaluation set (tuning,
// heldout), per-field right / empty / wrong, per layout class, the share flagged for
// review, how often the key fields are right among the records not flagged, the records
// with a missing key field that were not flagged, a reliability table per field
// (confidence bins against the share actually right) and the body CER.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pressarchive::bench {

struct EvaluatedRelease {
  nlohmann::json truth;   // one line of truth.jsonl (with "split", "layout", "body")
  nlohmann::json record;  // the record's fields, "confidence", "needs_review", "review_reasons"
};

// How a field's value is compared with the truth (whitespace and quotes folded).
using Normalise = std::function<std::string(const std::string&)>;
// Normalised character error rate of `got` against `truth`.
using Cer = std::function<double(const std::string& truth, const std::string& got)>;

// Prints the report for every split present in `releases` (in the order tuning, heldout,
// then any other), then the held-out figures beside the tuning ones against the issue's
// targets.
void print_trust_report(const std::vector<EvaluatedRelease>& releases, const Normalise& normalise,
                        const Cer& cer);

// The [confidence] section of rules.toml, from the tuning half only: for each field and
// each evidence the record names ("label/ocr"), the share of found fields that were
// right, and the same per evidence over all kinds of page. A class of few records does not
// speak for itself alone: its share is pooled with its parent's (evidence on one kind of
// page -> that evidence on any page -> the field, (right+1)/(found+2)) counted as
// `prior_weight` records: 4 of 4 right under a parent with 60 of 62 reads about as the
// parent does, not as the 0.83 that (4+1)/(4+2) would say of it alone. Evidence seen fewer than
// `min_found` times is left out (it then takes its parent's share, or the extractor's prior).
void print_calibration(const std::vector<EvaluatedRelease>& releases, const Normalise& normalise,
                       double prior_weight = 2, int min_found = 3);

}  // namespace pressarchive::bench
