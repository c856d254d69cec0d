// resign: brings the stored near-duplicate signatures of an archive to the current scheme
// (signature_v2.h) from the text the archive already holds: no source is read, no page
// OCR'd. Records are re-signed in batches, each batch one transaction, so a run that is
// stopped keeps what it did and the next one goes on from there.
#pragma once

#include <cstdint>

#include "stages/core/result.h"
#include "stages/near_dup/near_duplicates.h"
#include "stages/store/archive_store.h"

namespace pressarchive {

// Re-signs every record whose signature is of an older scheme; returns how many. An
// archive without such records costs one indexed query. Fails as the store fails.
Result<std::int64_t> resign_older_signatures(ArchiveStore& store,
                                             const NearDuplicateOptions& options);

}  // namespace pressarchive
