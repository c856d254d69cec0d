// SQLite backend of the archive store: one file, WAL mode, FTS5 over title and text.
#pragma once

#include <memory>
#include <string>

#include "stages/store/archive_store.h"

namespace pressarchive {

// Opens or creates the database at `path` and applies the schema. Fails with kIo when
// the file cannot be opened or written (read-only location, full disk).
Result<std::unique_ptr<ArchiveStore>> open_sqlite_store(const std::string& path);

}  // namespace pressarchive
