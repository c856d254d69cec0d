// dedup (near): where a new record belongs among the archived records that share an LSH
// band key with it: same release as one of them (joins its cluster, perhaps as the new
// canonical copy), a revision of one, or on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/near_dup/near_duplicates.h"

namespace pressarchive {

// An archived record that shares an LSH band key with a new one: what verification
// and the choice of a canonical record need, and nothing more.
struct NearDuplicateCandidate {
  std::int64_t id = 0;
  std::string body;
  std::string release_date;
  RecordKind kind = RecordKind::kScanned;
  std::optional<double> ocr_confidence;
  std::optional<std::int64_t> duplicate_of;
  std::string text;          // the whole text, which verification compares (signature_v2.h)
  std::string signature;     // its stored MinHash signature (signature_to_bytes), or empty
  int signature_scheme = 0;  // the scheme of that signature (signature_v2.h), 0 when none
};

struct ClusterDecision {
  std::optional<std::int64_t> duplicate_of;     // the cluster's canonical record
  std::optional<std::int64_t> takes_over_from;  // the canonical record this one replaces
  std::optional<double> duplicate_score;
  std::optional<std::int64_t> revision_of;
  std::optional<double> revision_score;
};

// The canonical copy of a release: the born-digital text over any scan, then the higher
// OCR confidence, then the copy archived first. True when `kind`/`confidence` (a new
// record) should replace `canonical`.
bool is_better_copy(RecordKind kind, std::optional<double> confidence,
                    const NearDuplicateCandidate& canonical);

// `profile` is the new record's whole text (profile_record_v2), as each candidate's text
// is profiled. `candidates` are the records sharing a band key; `canonical_of` fetches a cluster's
// canonical record when it is not among them. Pure apart from that lookup.
ClusterDecision place_in_cluster(
    const BodyProfile& profile, RecordKind kind, std::optional<double> confidence,
    const std::vector<NearDuplicateCandidate>& candidates,
    const std::function<std::optional<NearDuplicateCandidate>(std::int64_t)>& canonical_of,
    const NearDuplicateOptions& options);

}  // namespace pressarchive
