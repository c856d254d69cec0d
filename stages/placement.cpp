#include "stages/placement.h"

namespace pressarchive {
namespace {

// The canonical record of a cluster when it does not share a band key with the new one.
std::optional<NearDuplicateCandidate> canonical_record(ArchiveStore& store, std::int64_t id) {
  Result<std::optional<Record>> r = store.load_record(id);
  if (!r.ok() || !r->has_value()) return std::nullopt;
  NearDuplicateCandidate c;
  c.id = id;
  c.kind = (*r)->kind;
  c.ocr_confidence = (*r)->ocr_confidence;
  return c;
}

}  // namespace

ClusterDecision place_near_duplicate(ArchiveStore& store, const BodyProfile& profile,
                                     Record& record, const NearDuplicateOptions& options) {
  if (record.band_keys.empty()) return {};
  Result<std::vector<NearDuplicateCandidate>> candidates =
      store.near_duplicate_candidates(record.band_keys, kMaxPlacementCandidates);
  if (!candidates.ok() || candidates->empty()) return {};
  const auto canonical_of = [&store](std::int64_t id) { return canonical_record(store, id); };
  const ClusterDecision d = place_in_cluster(profile, record.kind, record.ocr_confidence,
                                             *candidates, canonical_of, options);
  record.duplicate_of = d.duplicate_of;
  record.duplicate_score = d.duplicate_score;
  record.takes_over_from = d.takes_over_from;
  record.revision_of = d.revision_of;
  record.revision_score = d.revision_score;
  return d;
}

}  // namespace pressarchive
