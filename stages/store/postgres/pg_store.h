// PostgreSQL backend of the archive store: the same logical schema as SQLite, for an
// archive shared by many workers on many machines, with full-text search in German and
// English. Also holds the work queue (`jobs`) that `enqueue` fills and `worker` drains.
#pragma once

#include <memory>
#include <string>

#include "stages/store/archive_store.h"
#include "stages/store/postgres/job_queue.h"

namespace pressarchive {

// True for a location that names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgresql_location(const std::string& location);

// Connects to the database named by the libpq URI `uri` and applies pending migrations
// (under an advisory lock, so many workers may start at once). Fails with kIo when the
// server cannot be reached or the schema cannot be applied; the message names the
// database without its password.
Result<std::unique_ptr<ArchiveStore>> open_postgresql_store(const std::string& uri);

// `uri` with any password replaced by "***", for messages.
std::string redact_uri(const std::string& uri);

// libpq and libpqxx, with the TLS, Kerberos and LDAP libraries they bring, live in a
// module (pressarchive-postgres.so) loaded by the first PostgreSQL archive: an archive in
// SQLite never maps them. Its entry point, `pressarchive_postgres_module()`, returns this;
// abi guards against a stale copy. The module's code calls back into the program's
// (store_common.cpp and the like), which the program exports for it.
inline constexpr int kPostgresModuleAbi = 1;
struct PostgresModule {
  int abi;
  Result<std::unique_ptr<ArchiveStore>> (*open_store)(const std::string& uri);
  Result<std::unique_ptr<JobQueue>> (*open_job_queue)(const std::string& uri);
};

// Loads the module if need be: an error naming it when it cannot be loaded, so that a
// run can say so before it starts (a missing dependency, not a broken archive).
Status check_postgresql_module();

// The module's own openers (pg_schema.cpp, job_queue.cpp).
Result<std::unique_ptr<ArchiveStore>> connect_postgresql_store(const std::string& uri);
Result<std::unique_ptr<JobQueue>> connect_job_queue(const std::string& uri);

}  // namespace pressarchive
