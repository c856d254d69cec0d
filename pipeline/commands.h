// The archivist's read-only commands: status, show, search, export. Each returns an
// exit code (pipeline/exit_codes.h).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace pressarchive {

int run_status(const std::string& store, std::ostream& out, std::ostream& err);
int run_show(const std::string& store, std::int64_t id, bool with_text, bool with_history, std::ostream& out,
             std::ostream& err);
// Open failures, newest first; `reason` / `run_id` narrow the list (empty / 0 = all).
int run_failed(const std::string& store, bool as_json, const std::string& reason, std::int64_t run_id,
               std::ostream& out, std::ostream& err);
// Clusters of copies of one release: canonical record, members with their scores.
int run_duplicates(const std::string& store, std::ostream& out, std::ostream& err);
// The review queue: records flagged for a person to check, with the reasons.
int run_review(const std::string& store, std::ostream& out, std::ostream& err);
// Manual corrections (field -> value) and/or clearing the review flag.
int run_edit(const std::string& store, std::int64_t id, const std::vector<std::pair<std::string, std::string>>& fields,
             bool reviewed, std::ostream& out, std::ostream& err);
int run_search(const std::string& store, const std::string& query, int limit, std::ostream& out,
               std::ostream& err);
// Writes to `out_file` ("" or "-" = `out`).
int run_export(const std::string& store, const std::string& format, const std::string& out_file,
               bool include_failures, std::ostream& out, std::ostream& err);

}  // namespace pressarchive
