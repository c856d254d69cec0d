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

// `uri` with its database (the path after the authority) replaced by `database`, its
// query string kept: `postgresql://h:5432/a?sslmode=x` and "b" give
// `postgresql://h:5432/b?sslmode=x`.
std::string with_database(const std::string& uri, const std::string& database);

}  // namespace pressarchive
