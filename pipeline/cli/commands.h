// The archivist's read-only commands: status, show, search, export. Each returns an
// exit code (pipeline/exit_codes.h).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/cli/export_command.h"  // run_export, beside the other read-only commands

namespace pressarchive {

int run_status(const std::string& store, std::ostream& out, std::ostream& err);
int run_show(const std::string& store, std::int64_t id, bool with_text, bool with_history,
             std::ostream& out, std::ostream& err);
// Open failures, newest first; `reason` / `run_id` narrow the list (empty / 0 = all).
int run_failed(const std::string& store, bool as_json, const std::string& reason,
               std::int64_t run_id, std::ostream& out, std::ostream& err);
// Clusters of copies of one release: canonical record, members with their scores.
int run_duplicates(const std::string& store, std::ostream& out, std::ostream& err);
// The review queue: records flagged for a person to check, with the reasons.
int run_review(const std::string& store, std::ostream& out, std::ostream& err);
// Manual corrections (field -> value) and/or clearing the review flag.
int run_edit(const std::string& store, std::int64_t id,
             const std::vector<std::pair<std::string, std::string>>& fields, bool reviewed,
             std::ostream& out, std::ostream& err);
int run_search(const std::string& store, const std::string& query, int limit, std::ostream& out,
               std::ostream& err);
// Learned boilerplate (pipeline/cli/boilerplate_command.cpp): what was learned per issuer,
// narrowed to `issuer` when not empty; text or JSON.
struct LearnedBoilerplateOptions;
int run_boilerplate_list(const std::string& store, const LearnedBoilerplateOptions& options,
                         const std::string& issuer, bool as_json, std::ostream& out,
                         std::ostream& err);
// An archivist's decision on line `id`: "confirmed" (always boilerplate) or "rejected" (never).
int run_boilerplate_decide(const std::string& store, std::int64_t id, bool confirm,
                           std::ostream& out, std::ostream& err);
// An archivist adds `line` as boilerplate of `issuer` (confirmed).
int run_boilerplate_add(const std::string& store, const std::string& issuer,
                        const std::string& line, std::ostream& out, std::ostream& err);

}  // namespace pressarchive
