// The archivist's read-only commands: status, show, search, export. Each returns an
// exit code (pipeline/exit_codes.h).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace pressarchive {

int run_status(const std::string& store, std::ostream& out, std::ostream& err);
int run_show(const std::string& store, std::int64_t id, bool with_text, std::ostream& out, std::ostream& err);
int run_search(const std::string& store, const std::string& query, int limit, std::ostream& out,
               std::ostream& err);
// Writes to `out_file` ("" or "-" = `out`).
int run_export(const std::string& store, const std::string& format, const std::string& out_file,
               bool include_failures, std::ostream& out, std::ostream& err);

}  // namespace pressarchive
