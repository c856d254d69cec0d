#include "stages/near_dup/clusters.h"

#include "stages/near_dup/signature_v2.h"

namespace pressarchive {

bool is_better_copy(RecordKind kind, std::optional<double> confidence,
                    const NearDuplicateCandidate& canonical) {
  const bool born_digital = kind == RecordKind::kBornDigital;
  const bool canonical_born_digital = canonical.kind == RecordKind::kBornDigital;
  if (born_digital != canonical_born_digital) return born_digital;
  if (confidence && canonical.ocr_confidence) return *confidence > *canonical.ocr_confidence;
  return false;  // otherwise the earlier copy stays canonical
}

ClusterDecision place_in_cluster(
    const BodyProfile& profile, RecordKind kind, std::optional<double> confidence,
    const std::vector<NearDuplicateCandidate>& candidates,
    const std::function<std::optional<NearDuplicateCandidate>(std::int64_t)>& canonical_of,
    const NearDuplicateOptions& options) {
  ClusterDecision decision;
  const NearDuplicateCandidate* same = nullptr;
  const NearDuplicateCandidate* revision = nullptr;
  double same_score = 0, revision_score = 0;
  for (const NearDuplicateCandidate& c : candidates) {
    // Most candidates share a few common lines and are settled by their Jaccard: their
    // sentences are neither cut out nor compared (verify_pair would give the same verdict).
    BodyProfile theirs = shingles_v2(c.text, options);
    const double score = jaccard(profile.shingles, theirs.shingles);
    std::optional<VerdictKind> kind = kind_by_jaccard(score, options);
    if (!kind) {
      if (same && score <= same_score) continue;  // cannot displace the copy found
      complete_profile_v2(theirs, c.text, c.release_date);
      kind = verify_pair(profile, theirs, options).kind;
    }
    if (kind == VerdictKind::kSameRelease && score > same_score) {
      same = &c;
      same_score = score;
    } else if (kind == VerdictKind::kRevision && score > revision_score) {
      revision = &c;
      revision_score = score;
    }
  }
  if (same) {
    const std::int64_t canonical_id = same->duplicate_of.value_or(same->id);
    std::optional<NearDuplicateCandidate> canonical;
    for (const NearDuplicateCandidate& c : candidates)
      if (c.id == canonical_id) canonical = c;
    if (!canonical) canonical = canonical_of(canonical_id);
    decision.duplicate_score = same_score;
    if (canonical && is_better_copy(kind, confidence, *canonical))
      decision.takes_over_from = canonical_id;
    else
      decision.duplicate_of = canonical_id;
    return decision;
  }
  if (revision) {
    decision.revision_of = revision->id;
    decision.revision_score = revision_score;
  }
  return decision;
}

}  // namespace pressarchive
