#include "stages/store/placement.h"

namespace pressarchive {
namespace {

// The canonical record of a cluster when it does not share a band key with the new one.
std::optional<NearDuplicateCandidate> canonical_record(ArchiveStore& store, std::int64_t id) {
  Result<std::optional<NearDuplicateCandidate>> r = store.cluster_member(id);
  if (!r.ok()) return std::nullopt;
  return *r;
}

// Whether a candidate's stored signature says it may be related to `own` (the new
// record's signature, of `scheme`): an estimated shingle Jaccard of at least half of
// revision_min_jaccard, the least a revision has. At 128 permutations the estimate's
// standard error at J = 0.30 is 0.04, so a candidate that counts is dropped with odds of
// about 1 in 10^4, and the texts of the many records that share one band key by chance
// (common phrases, an issuer's closing lines) are neither read nor profiled. A candidate
// without a comparable signature (none stored, one of another scheme, or of another
// length) is kept.
CandidateFilter related_to(const Signature& own, int scheme, const NearDuplicateOptions& options) {
  const double floor = options.revision_min_jaccard / 2;
  return [&own, scheme, floor](const NearDuplicateCandidate& c) {
    if (own.empty() || c.signature_scheme != scheme) return true;
    Result<Signature> theirs = signature_from_bytes(c.signature);
    return !theirs.ok() || theirs->size() != own.size() || estimate_jaccard(own, *theirs) >= floor;
  };
}

}  // namespace

ClusterDecision place_near_duplicate(ArchiveStore& store, const BodyProfile& profile,
                                     const std::vector<std::uint64_t>& keys, Record& record,
                                     const NearDuplicateOptions& options) {
  if (keys.empty()) return {};
  Result<Signature> read = signature_from_bytes(record.signature);
  const Signature own = read.ok() ? std::move(*read) : Signature();
  Result<std::vector<NearDuplicateCandidate>> candidates = store.near_duplicate_candidates(
      keys, kMaxPlacementCandidates, related_to(own, record.signature_scheme, options));
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

Result<ArchivedRecord> place_and_archive(ArchiveStore& store, Record& record,
                                         const SignedRecord* signed_record, std::int64_t run_id,
                                         const NearDuplicateOptions& options) {
  ArchivedRecord out;
  std::unique_ptr<PlacementLock> lock;
  if (signed_record && !signed_record->placement_keys.empty()) {
    lock = store.lock_placement(signed_record->placement_keys);
    out.placement = place_near_duplicate(store, signed_record->profile,
                                         signed_record->placement_keys, record, options);
  }
  Result<std::int64_t> id = store.archive_record(record, run_id);
  if (!id.ok()) return id.error();
  out.id = *id;
  return out;
}

}  // namespace pressarchive
