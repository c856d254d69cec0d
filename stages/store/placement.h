// dedup (near), against the archive: finds the records sharing a new record's band keys
// through the store's band lookup and decides its place among them (place_in_cluster).
// place_and_archive is ingest's store stage for a new record: one input (the record and
// what signing made of it), one output (its id and place); bench/placement_bench places
// through the same place_near_duplicate.
#pragma once

#include "stages/near_dup/clusters.h"
#include "stages/near_dup/near_duplicates.h"
#include "stages/near_dup/signature_v2.h"
#include "stages/store/archive_store.h"

namespace pressarchive {

// At most this many records sharing a band key are verified against a new record.
inline constexpr int kMaxPlacementCandidates = 200;

// Where `record` (kind, OCR confidence, signature) belongs among the archived records
// sharing one of `keys` (placement_keys of signature_v2.h: its own band keys and those an
// archived record of an older scheme would have), `profile` being its whole text's profile. Sets
// the record's duplicate-of, takes-over-from and revision-of fields and their scores, and returns
// the decision. A record without band keys to look up, or one whose lookup fails, stays on its own
// (an empty decision): placement is an improvement, never a reason to fail an input. Call it in the
// store's writer, with the store's placement lock held until the record is archived
// (ArchiveStore::lock_placement).
ClusterDecision place_near_duplicate(ArchiveStore& store, const BodyProfile& profile,
                                     const std::vector<std::uint64_t>& keys, Record& record,
                                     const NearDuplicateOptions& options);

// A new record as archived: its id and the place it was given among near-duplicates
// (an empty decision when it stands alone or near-duplicates are off).
struct ArchivedRecord {
  std::int64_t id = 0;
  ClusterDecision placement;
};

// Places `record` among its near-duplicates (when `signed_record` has keys to look up)
// and archives it, holding the store's placement lock on those keys until the record is
// committed: a writer elsewhere placing a copy of the same release waits, then sees this
// record. An error only when archiving fails; the record then carries its placement
// fields, and nothing is stored.
Result<ArchivedRecord> place_and_archive(ArchiveStore& store, Record& record,
                                         const SignedRecord* signed_record, std::int64_t run_id,
                                         const NearDuplicateOptions& options);

}  // namespace pressarchive
