// What every archive store backend writes the same way: the JSON kept in text columns,
// the names of kinds and methods, and the wording of provenance events. SQLite and
// PostgreSQL share these so that an archive reads the same whichever engine holds it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/store/archive_store.h"

namespace pressarchive::store {

// records.metadata_details: persons, per-field confidence and conflicts.
std::string metadata_details_json(const Metadata& m);
// Adds what `json` holds to `m`; malformed JSON adds nothing.
void read_metadata_details(const std::string& json, Metadata& m);

// pages.lines: [[text, height, starts_paragraph], ...].
std::string page_lines_json(const std::vector<TextLine>& lines);
std::vector<TextLine> read_page_lines(const std::string& json);

// records.review_reasons: a JSON array of sentences.
std::string review_reasons_json(const std::vector<std::string>& reasons);
std::vector<std::string> read_review_reasons(const std::string& json);

// records.manual_fields: {field: value} an archivist set by hand.
std::map<std::string, std::string> read_manual_fields(const std::string& json);
std::string with_manual_field(const std::string& json, const std::string& field,
                              const std::string& value);

// A browse result before its counts: every facet named, none counted.
BrowseResult uncounted_browse_result();
// Adds one row of a backend's facet_counts table (kept by the store as it writes; read
// most frequent first) to `result`: empty values are left out, at most kMaxFacetValues a
// facet, and the needs_review counts, which cover every record, add up to the total.
void add_kept_facet_count(BrowseResult& result, const std::string& facet, const std::string& value,
                          std::int64_t count);

// runs.summary.
std::string run_summary_json(const RunSummary& s);
RunSummary read_run_summary(const std::string& json);

// Column names back to values; unknown names give the defaults.
SourceFormat source_format_from_name(const std::string& name);
RecordKind record_kind_from_name(const std::string& name);
PageMethod page_method_from_name(const std::string& name);

// The details of provenance events, worded once for every backend.
std::string ingest_detail(const Record& r);
std::string link_detail(const std::string& sha256);
std::string failure_detail(const Failure& f, std::int64_t attempt);
std::string canonical_detail(std::int64_t old_canonical);
std::string duplicate_detail(std::int64_t canonical, double score);
std::string revision_detail(std::int64_t revised, double score);
std::string edit_detail(const std::string& field, const std::string& old_value,
                        const std::string& value);
inline constexpr const char* kReviewedDetail = "checked by a person; review flag cleared";

// The path named in a record's events: its first source, or its hash when it has none.
std::string first_path(const Record& r);

// Failure injection for the crash-safety tests: PRESSARCHIVE_CRASH_BEFORE_COMMIT=N kills
// the process with SIGKILL inside the N-th record transaction, after everything is
// written and before COMMIT: the harshest moment for a power cut.
void crash_point_before_commit();

// The store's agent for one change made on someone's behalf (an edit, a review): `slot`
// holds `agent` while this lives, and its own value again afterwards, however the change ends.
class AgentOverride {
 public:
  AgentOverride(std::string& slot, std::string agent) : slot_(slot), saved_(std::move(slot)) {
    slot_ = std::move(agent);
  }
  ~AgentOverride() { slot_ = std::move(saved_); }
  AgentOverride(const AgentOverride&) = delete;
  AgentOverride& operator=(const AgentOverride&) = delete;

 private:
  std::string& slot_;
  std::string saved_;
};

}  // namespace pressarchive::store
