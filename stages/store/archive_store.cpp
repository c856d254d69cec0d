#include "stages/store/archive_store.h"

#include <filesystem>

#include "stages/store/postgres/pg_store.h"
#include "stages/store/sqlite/sqlite_store.h"

namespace pressarchive {

Result<std::unique_ptr<ArchiveStore>> open_store(const std::string& location) {
  if (is_postgresql_location(location)) return open_postgresql_store(location);
  return open_sqlite_store(location);
}

Result<std::unique_ptr<ArchiveStore>> open_existing_store(const std::string& location) {
  if (!is_postgresql_location(location) && !std::filesystem::exists(location))
    return make_error(
        Reason::kIo,
        location + ": no archive here (run `pressarchive ingest` first, or pass --store)");
  return open_store(location);
}

}  // namespace pressarchive
