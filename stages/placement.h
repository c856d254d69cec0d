// dedup (near), against the archive: finds the records sharing a new record's band keys
// through the store's band lookup and decides its place among them (place_in_cluster).
// The one placement used by ingest's store stage and by bench/placement_bench.
#pragma once

#include "stages/archive_store.h"
#include "stages/clusters.h"
#include "stages/near_duplicates.h"

namespace pressarchive {

// At most this many records sharing a band key are verified against a new record.
inline constexpr int kMaxPlacementCandidates = 200;

// Where `record` (kind, OCR confidence, band keys) belongs among the archived records,
// `profile` being its body's profile. Sets the record's duplicate-of, takes-over-from and
// revision-of fields and their scores, and returns the decision. A record without band
// keys, or one whose lookup fails, stays on its own (an empty decision): placement is an
// improvement, never a reason to fail an input. Call it in the store's writer, with the
// store's placement lock held until the record is archived (ArchiveStore::lock_placement).
ClusterDecision place_near_duplicate(ArchiveStore& store, const BodyProfile& profile,
                                     Record& record, const NearDuplicateOptions& options);

}  // namespace pressarchive
