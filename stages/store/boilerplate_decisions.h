// The archivist's say over learned boilerplate (stages/metadata/learned_boilerplate.h),
// shared by `pressarchive boilerplate` and the web page's boilerplate screen, so both
// list the same lines and record the same "boilerplate" events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stages/core/result.h"
#include "stages/metadata/learned_boilerplate.h"
#include "stages/store/archive_store.h"

namespace pressarchive {

// The lines worth showing (counted in at least options.min_records records, or decided by
// an archivist), of `issuer` only when it is not empty (compared case-folded); by
// issuer, most frequent first.
Result<std::vector<BoilerplateLine>> boilerplate_lines_of(ArchiveStore& store,
                                                          const LearnedBoilerplateOptions& options,
                                                          const std::string& issuer);

// Confirms (always boilerplate) or rejects (never) line `id`, recorded as a "boilerplate"
// event by `agent`; false when there is no such line.
Result<bool> decide_boilerplate_line(ArchiveStore& store, std::int64_t id, bool confirm,
                                     const std::string& agent);

// Names `line` (trimmed) boilerplate of `issuer` (trimmed), confirmed at once; its id. A
// kUnsupported error when the issuer is empty or the line has no letter or digit to
// count.
Result<std::int64_t> add_boilerplate(ArchiveStore& store, const std::string& issuer,
                                     const std::string& line, const std::string& agent);

}  // namespace pressarchive
