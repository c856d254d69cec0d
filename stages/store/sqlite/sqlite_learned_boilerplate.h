// The SQLite side of learned boilerplate (learned_boilerplate.h): its schema migration
// and the queries behind ArchiveStore's boilerplate methods. Kept out of sqlite_store.cpp,
// whose SqliteStore forwards to these with its connection.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "stages/core/result.h"
#include "stages/metadata/learned_boilerplate.h"

struct sqlite3;

namespace pressarchive::sqlite_learned_boilerplate {

// The migration that adds the tables (sqlite_store.cpp lists it in kMigrations).
extern const char kMigration[];

// `path` names the archive in error messages. Same contracts as ArchiveStore's
// count_boilerplate_lines, boilerplate_lines, set_boilerplate_state,
// add_boilerplate_line, issuers and places.
Status count_lines(sqlite3* db, const std::string& path, const std::string& issuer,
                   const std::vector<std::pair<std::string, std::string>>& lines);
Result<std::vector<BoilerplateLine>> lines(sqlite3* db, const std::string& path,
                                           std::int64_t min_records);
Result<bool> set_state(sqlite3* db, const std::string& path, std::int64_t id,
                       BoilerplateState state, const std::string& agent);
Result<std::int64_t> add_line(sqlite3* db, const std::string& path, const std::string& issuer,
                              const std::string& line_key, const std::string& line,
                              const std::string& agent);
Result<std::vector<std::string>> issuers(sqlite3* db, const std::string& path,
                                         std::int64_t min_records);
Result<std::vector<std::string>> places(sqlite3* db, const std::string& path,
                                        std::int64_t min_records);

}  // namespace pressarchive::sqlite_learned_boilerplate
